"""The second wall: processes that run SPARQL have no network at all (decision 0128).

The screener (:mod:`itukg.graph.store.screen`) refuses ``SERVICE`` and ``LOAD`` before the engine
sees a query; this module makes a query that slips past it harmless anyway. A query worker (and
``itukg query``) calls :func:`isolate_network` before it opens the store: the process moves into
a network namespace of its own, which holds a loopback device that is down and nothing else, so
every ``connect`` to an IP address fails at once with "Network is unreachable". The wall does not
depend on any parser: the engine's HTTP client simply has nowhere to go.

How: ``unshare(CLONE_NEWNET)`` through ctypes (Python 3.11 has no ``os.unshare``). As root (or
with CAP_SYS_ADMIN) that suffices; otherwise ``CLONE_NEWUSER | CLONE_NEWNET`` (an unprivileged
user namespace, where the kernel allows them). Namespaces belong to the calling thread and are
inherited by threads it starts later, so this must run in the main thread before the engine
starts its own threads. Unix sockets (the worker's socket pair with the service) keep working:
they are not bound to a network namespace.

``settings.network_isolation`` decides what happens where neither works: ``required`` refuses
(the service does not start, ``itukg query`` exits 2), ``best-effort`` (the default) goes on and
says so loudly (log, ``/health`` ``network: not isolated``), ``off`` does not try (the tests'
control runs).
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket
from typing import Any

from itukg import errors as E

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000

ISOLATED = "isolated"
NOT_ISOLATED = "not isolated"


def _unshare(flags: int) -> int:
    """``unshare(flags)``; returns 0 or the errno. Raises nothing."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.unshare
    except (OSError, AttributeError):  # not Linux / no libc symbol
        return errno.ENOSYS
    fn.argtypes = [ctypes.c_int]
    if fn(flags) == 0:
        return 0
    return ctypes.get_errno() or errno.EPERM


def _map_own_ids(uid: int, gid: int) -> None:
    """In a fresh user namespace: map our own uid/gid to themselves (so files keep their owner
    as seen from inside). Best effort: without a map the ids show as 'nobody', and file access
    still uses the real ids."""
    for path, text in (("/proc/self/setgroups", "deny"),
                       ("/proc/self/uid_map", f"{uid} {uid} 1"),
                       ("/proc/self/gid_map", f"{gid} {gid} 1")):
        try:
            with open(path, "w") as fh:
                fh.write(text)
        except OSError:
            pass


def has_network() -> bool:
    """Whether this process sees any network interface besides loopback (read from
    ``/proc/self/net/dev``, which is per network namespace; ``/sys/class/net`` is not). A
    loopback alone is no way out: in a fresh namespace it is down and nothing listens on it.
    Raises nothing."""
    try:
        with open("/proc/self/net/dev") as fh:
            lines = fh.read().splitlines()[2:]
    except OSError:
        try:
            return any(name != "lo" for _, name in socket.if_nameindex())
        except OSError:
            return True
    return any(line.split(":", 1)[0].strip() != "lo" for line in lines if ":" in line)


def isolate_network() -> str:
    """Move the calling process into a network namespace of its own (no interface but a loopback
    that is down). Call it from the main thread before any other thread starts.

    Returns ``"isolated"`` or ``"not isolated: <reason>"``. Raises nothing.
    """
    uid, gid = os.getuid(), os.getgid()
    err = _unshare(CLONE_NEWNET)
    if err:
        err2 = _unshare(CLONE_NEWUSER | CLONE_NEWNET)
        if err2:
            return (f"{NOT_ISOLATED}: unshare(CLONE_NEWNET) failed ({os.strerror(err)}), "
                    f"with a user namespace too ({os.strerror(err2)})")
        _map_own_ids(uid, gid)
    if has_network():  # the kernel said yes, but an interface is still visible: do not trust it
        return f"{NOT_ISOLATED}: a network interface is still visible after unshare"
    return ISOLATED


def enter(mode: str) -> str:
    """Apply ``settings.network_isolation`` (``required``, ``best-effort`` or ``off``) to this
    process. Returns the state (``isolated``, ``not isolated: …`` or ``off``).

    Raises StoreError when ``mode`` is ``required`` and the process cannot be isolated.
    """
    if mode == "off":
        return "off"
    state = isolate_network()
    if state != ISOLATED and mode == "required":
        raise E.StoreError(
            f"network isolation is required (ITUKG_NETWORK_ISOLATION=required) but {state}"
        )
    return state


def store_relay(settings: Any) -> tuple[Any, Any]:
    """For a parent about to start query processes: over a remote store that they will isolate
    themselves from the network, a relay to the store's query endpoint (decision 0174) and the
    settings to give them (``store_relay`` set); otherwise ``(None, settings)``. The caller
    closes the relay after its processes. Raises StoreError when the relay cannot be made."""
    if not settings.store_is_remote or settings.network_isolation == "off" or settings.store_relay:
        return None, settings
    from itukg.graph.store.remote.client import Endpoints
    from itukg.graph.store.remote.relay import Relay

    relay = Relay(Endpoints.of(settings).query)
    return relay, settings.model_copy(update={"store_relay": relay.path})


# -- a command in a sandboxed child (``itukg query``) ------------------------------------------
#
# A command cannot take its own process off the network: ``itukg.cli.main`` also runs inside
# other programs (the test suite, a notebook) that need theirs, and an unprivileged user
# namespace needs a single-threaded process. So the command runs in a fresh child process,
# ``python -m itukg.graph.store.sandbox``, which isolates itself first; the parent relays the
# child's output and returns its exit status.


def run_isolated(target: str, args: dict, settings: Any) -> int:
    """Run ``target`` (``"module:function"``, called as ``function(Namespace(**args),
    settings)``) in a child process without network; relay its stdout and stderr to this
    process's ``sys.stdout``/``sys.stderr``. Returns the child's exit status (2 after an
    ItukgError, printed as ``itukg: error: ...`` by the child, as ``itukg.cli`` does).

    Raises BrokenPipeError when our stdout is closed (the child is then stopped); StoreError
    when the relay to a remote store cannot be made.
    """
    relay, settings = store_relay(settings)
    try:
        return _run_child(target, args, settings)
    finally:
        if relay is not None:
            relay.close()


def _run_child(target: str, args: dict, settings: Any) -> int:
    import pickle
    import subprocess
    import sys
    import threading

    payload = pickle.dumps((target, args, settings.model_dump_json()))
    proc = subprocess.Popen([sys.executable, "-m", "itukg.graph.store.sandbox"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
    reader.start()
    try:
        proc.stdin.write(payload)
        proc.stdin.close()
        out = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
        while chunk := proc.stdout.read1(1 << 16):
            if out is not None:
                out.write(chunk)
            else:
                sys.stdout.write(chunk.decode("utf-8", "replace"))
        rc = proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        reader.join(10)
    if out is not None:
        out.flush()
    sys.stderr.write(b"".join(err).decode("utf-8", "replace"))
    return rc


def _child_main() -> int:
    """The child of :func:`run_isolated`: isolate, then run the target on the request read
    from stdin. Returns the exit status; errors are printed as ``itukg.cli`` prints them."""
    import argparse
    import importlib
    import pickle
    import sys

    from itukg.settings import Settings

    target, args, settings_json = pickle.loads(sys.stdin.buffer.read())
    settings = Settings.model_validate_json(settings_json)
    try:
        state = enter(settings.worker_network_isolation)
        if state not in (ISOLATED, "off"):
            print(f"itukg: warning: the query runs with network access ({state})", file=sys.stderr)
        mod, _, fn = target.partition(":")
        return int(getattr(importlib.import_module(mod), fn)(argparse.Namespace(**args), settings) or 0)
    except E.ItukgError as exc:
        print(f"itukg: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("itukg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    import sys as _sys

    _sys.exit(_child_main())
