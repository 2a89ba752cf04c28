"""The wire between the service and its query worker processes: 8-byte big-endian length +
pickle over a Unix socket pair, and errors carried across it as payloads."""

from __future__ import annotations

import pickle
import signal
import socket
import struct
from collections.abc import Mapping
from typing import Any

from itukg import errors as E

HDR = struct.Struct("!Q")


def dumps(obj: Any) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return HDR.pack(len(data)) + data


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:], n - got)
        if k == 0:
            raise EOFError("connection closed")
        got += k
    return bytes(buf)


def error_payload(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, E.ItukgError):
        return {
            "error": type(exc).__name__,
            "message": exc.message,
            "source": exc.source,
            "line": exc.line,
        }
    if isinstance(exc, MemoryError):
        return {"error": "ResultTooLarge", "message": "the query exhausted the worker's memory limit"}
    if isinstance(exc, SyntaxError):
        return {"error": "QueryError", "message": f"SPARQL syntax error: {exc}"}
    if isinstance(exc, OSError):
        return {"error": "StoreError", "message": f"store error: {exc}"}
    return {"error": "internal", "message": f"{type(exc).__name__}: {exc}"}


def rebuild_error(payload: Mapping[str, Any]) -> Exception:
    name = payload.get("error")
    cls = getattr(E, str(name), None)
    if isinstance(cls, type) and issubclass(cls, E.ItukgError):
        return cls(payload.get("message", ""), source=payload.get("source"), line=payload.get("line"))
    return RuntimeError(payload.get("message", "query worker failed"))



def died_error(rc: int | None, exc: BaseException) -> Exception:
    """The error for a query worker that died while running a request, as what it was (decision
    0125): killed by the kernel (SIGKILL we did not send: the out-of-memory killer), aborted by
    the engine (SIGABRT: an allocation beyond the worker's memory limit), or crashed (any other
    signal, e.g. SIGSEGV). Only the first two are a 413. Raises nothing."""
    if rc is not None and rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = f"signal {-rc}"
        if -rc in (signal.SIGKILL, signal.SIGABRT):
            return E.ResultTooLarge(
                f"the query worker was stopped while running this query ({name}; most likely "
                "the query exceeded the worker's memory limit)"
            )
        return E.StoreError(
            f"the query worker crashed while running this query (killed by {name}); the "
            "worker was replaced; this query cannot be answered here"
        )
    return E.StoreError(f"the query worker died while running this query ({exc!r})")
