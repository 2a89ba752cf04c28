"""The query worker processes of the pool: started, stopped, killed at a deadline, replaced.

Each worker is ``python -m itukg.graph.store.workers --worker FD`` with one end of a Unix
socket pair (:mod:`itukg.graph.store.wire`); a replaced worker is restarted in the background
while the others keep serving. Requests are run by :class:`itukg.graph.store.pool.Executor`.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import pickle
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

from itukg import errors as E
from itukg.graph.store import sandbox
from itukg.graph.store.fairqueue import FairPool, Slot
from itukg.graph.store.wire import HDR, died_error, dumps, rebuild_error
from itukg.graph.store.workers import DEFAULT_OPENER
from itukg.settings import Settings

log = logging.getLogger("itukg.graph.store.pool")


#: worker processes started ahead by :func:`prespawn`, waiting for their settings
_PRESPAWNED: list[tuple[subprocess.Popen, socket.socket]] = []


def _launch() -> tuple[subprocess.Popen, socket.socket]:
    """A new worker process and the service's end of its socket pair. Raises OSError."""
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "itukg.graph.store.workers", "--worker", str(child.fileno())],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
        )
    except BaseException:
        parent.close()
        raise
    finally:
        child.close()
    return proc, parent


def prespawn(count: int) -> None:
    """Start ``count`` worker processes now, for the next workers the service starts.

    A worker spends most of its start importing its modules (about 1 s on a busy 2-core host);
    started before the service imports its web framework, it does so meanwhile, and the first
    answer comes that much sooner (decision 0185). The processes wait for their settings, sent
    when a pool takes them; those never taken die with this process (they ask the kernel to).
    Raises OSError when a process cannot be started."""
    if not _PRESPAWNED:
        atexit.register(_discard_prespawned)
    for _ in range(count):
        _PRESPAWNED.append(_launch())


def _take_prespawned() -> tuple[subprocess.Popen, socket.socket] | None:
    """A process started by :func:`prespawn` that is still alive, or None. Raises nothing."""
    while _PRESPAWNED:
        proc, sock = _PRESPAWNED.pop(0)
        if proc.poll() is None:
            return proc, sock
        sock.close()
    return None


def _discard_prespawned() -> None:
    while _PRESPAWNED:
        proc, sock = _PRESPAWNED.pop()
        sock.close()  # the worker reads EOF and ends
        try:
            proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            with contextlib.suppress(OSError):
                proc.kill()


@dataclass
class ExecutorStats:
    started: int = 0
    killed: int = 0
    timeouts: int = 0
    died: int = 0
    queries: int = 0
    extra: dict[str, int] = field(default_factory=dict)



class WorkerProcesses:
    """The query worker processes of a pool: start, stop, replace (the base of
    :class:`itukg.graph.store.pool.Executor`, which runs requests on them).

    ``memory_limit``: the address-space limit of each worker (default: room for the store,
    RocksDB's maps and caches, the result and its serialisation, at least 2 GiB).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        workers: int | None = None,
        opener: str = DEFAULT_OPENER,
        memory_limit: int | None = None,
    ):
        self.settings = settings
        self.size = workers or settings.query_workers
        self.opener = opener
        self.memory_limit = memory_limit if memory_limit is not None else max(
            2 * 1024**3, 6 * settings.max_result_bytes + 1024**3
        )
        self._slots: list[Slot] = []
        self._idle = FairPool()
        self._closing = False
        self._respawns: set[asyncio.Task] = set()
        self.stats = ExecutorStats()
        self._network: dict[int, str] = {}  # slot index -> the worker's network state
        self._relay = None  # over a remote store: the workers' one way out (remote/relay.py)

    # -- lifecycle -----------------------------------------------------------------------------
    async def start(self) -> None:
        """Start the workers. Raises StoreError (with the worker's reason) if one cannot start."""
        self._relay, self.settings = sandbox.store_relay(self.settings)
        self._slots = [Slot(i) for i in range(self.size)]
        results = await asyncio.gather(*(self._spawn(s) for s in self._slots), return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            await self.close()
            raise failures[0]
        for s in self._slots:
            self._idle.put_nowait(s)

    async def close(self) -> None:
        """Stop every worker. Raises nothing."""
        self._closing = True
        for t in list(self._respawns):
            t.cancel()
        for s in self._slots:
            self._kill(s, graceful=True)
        for s in self._slots:
            if s.proc is not None:
                try:
                    await asyncio.to_thread(s.proc.wait, 5)
                except subprocess.TimeoutExpired:
                    s.proc.kill()
                    with contextlib.suppress(Exception):
                        await asyncio.to_thread(s.proc.wait, 5)
                except Exception:  # noqa: BLE001 - closing must not fail
                    pass
        if self._relay is not None:
            self._relay.close()

    async def restart(self) -> None:
        """Replace every worker by a fresh one (they reopen the store: see a new generation).

        Waits for each worker to finish its current query. Raises StoreError if a new worker
        cannot open the store.
        """
        taken = [await self._idle.get() for _ in range(len(self._slots))]
        try:
            for s in taken:
                self._kill(s, graceful=True)
                await self._spawn(s)
        finally:
            for s in taken:
                self._idle.put_nowait(s)

    async def _spawn(self, slot: Slot) -> None:
        proc, parent = _take_prespawned() or _launch()
        slot.proc = proc
        reader, writer = await asyncio.open_unix_connection(sock=parent, limit=2**20)
        slot.reader, slot.writer = reader, writer
        writer.write(
            dumps(
                {
                    "settings": self.settings.model_dump_json(),
                    "opener": self.opener,
                    "memory_limit": self.memory_limit,
                }
            )
        )
        await writer.drain()
        try:
            meta, _ = await asyncio.wait_for(self._read(slot), timeout=60)
        except (asyncio.TimeoutError, EOFError, asyncio.IncompleteReadError, ConnectionError) as exc:
            self._kill(slot)
            raise E.StoreError(f"query worker did not start: {exc!r}") from None
        if not meta.get("ok"):
            self._kill(slot)
            raise rebuild_error(meta)
        slot.pid = meta.get("pid")
        self._note_network(slot.index, str(meta.get("network", "not isolated: unknown")))
        slot.engine = meta.get("engine", "disk")
        slot.served = 0
        slot.niceness = 0  # a fresh process
        self.stats.started += 1

    def _note_network(self, index: int, state: str) -> None:
        """Record a worker's network state (decision 0128); say it loudly when it is not
        isolated, once per state. Raises nothing."""
        first = state not in self._network.values()
        self._network[index] = state
        if first and state != sandbox.ISOLATED and state != "off":
            log.error("query worker %d runs WITH network access (%s): the engine could reach "
                      "the network if a query got past the screener; set "
                      "ITUKG_NETWORK_ISOLATION=required to refuse to start", index, state)

    @property
    def network(self) -> str:
        """``isolated`` when every worker runs without network, else the first other state
        (``not isolated: <reason>`` or ``off``)."""
        states = [self._network[k] for k in sorted(self._network)]
        others = [s for s in states if s != sandbox.ISOLATED]
        if not states:
            return "unknown"
        return others[0] if others else sandbox.ISOLATED

    def _kill(self, slot: Slot, graceful: bool = False) -> None:
        if slot.writer is not None:
            with contextlib.suppress(Exception):
                slot.writer.close()
        slot.writer = slot.reader = None
        if slot.proc is not None and slot.proc.poll() is None:
            if graceful:
                with contextlib.suppress(Exception):
                    slot.proc.terminate()
            else:
                with contextlib.suppress(Exception):
                    slot.proc.kill()
                self.stats.killed += 1

    def _respawn_later(self, slot: Slot) -> None:
        proc = slot.proc
        self._kill(slot)

        async def again() -> None:
            if proc is not None:
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(proc.wait, 10)
            delay = 0.1
            while not self._closing:
                try:
                    await self._spawn(slot)
                    self._idle.put_nowait(slot)
                    return
                except Exception as exc:  # noqa: BLE001 - keep trying, the store may come back
                    log.error("could not restart query worker %d: %s", slot.index, exc)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 10)

        task = asyncio.get_running_loop().create_task(again())
        self._respawns.add(task)
        task.add_done_callback(self._respawns.discard)

    @staticmethod
    async def _read(slot: Slot) -> tuple[dict[str, Any], Any]:
        assert slot.reader is not None
        (n,) = HDR.unpack(await slot.reader.readexactly(HDR.size))
        return pickle.loads(await slot.reader.readexactly(n))

    async def _acquire(self, wait: float, message: bytes | None = None) -> tuple[Slot, bool]:
        """An idle worker, first come first served, and whether ``message`` (a request) was
        already sent to it: a worker freed while this request waited gets it at the moment it
        is handed over (:meth:`FairPool.get`). Raises QueryTimeout after ``wait`` s."""
        try:
            return self._idle.get_nowait(), False  # fast path: no task, no timer
        except asyncio.QueueEmpty:
            pass
        sent = False

        def start(slot: Slot) -> None:
            nonlocal sent
            if message is not None and slot.writer is not None:
                slot.writer.write(message)
                sent = True

        def abandon(slot: Slot) -> None:  # cancelled after its request was sent: never reused
            if sent:
                self._respawn_later(slot)
            else:
                self._idle.put_nowait(slot)

        try:
            slot = await asyncio.wait_for(self._idle.get(start, abandon), timeout=wait)
            return slot, sent
        except asyncio.TimeoutError:
            self.stats.timeouts += 1
            raise E.QueryTimeout(
                f"every query worker stayed busy for {wait:g} s; try again later"
            ) from None

    async def _lost(self, slot: Slot, exc: BaseException, timed_out: bool,
                    deadline: float) -> Exception:
        """The error for a worker lost in the middle of a request (killed at its deadline, or
        died); the worker is replaced in the background. Raises nothing."""
        rc = None
        if slot.proc is not None and not timed_out:  # how did it end? (reaped shortly after EOF)
            with contextlib.suppress(Exception):
                rc = await asyncio.to_thread(slot.proc.wait, 2)
        self._respawn_later(slot)
        if timed_out:
            self.stats.timeouts += 1
            return E.QueryTimeout(
                f"query timed out after {deadline:g} s (limit ITUKG_QUERY_TIMEOUT)"
            )
        self.stats.died += 1
        return died_error(rc, exc)  # crashed, killed or aborted: said as it was (decision 0125)
