"""Run SPARQL queries with a deadline and size caps, in a pool of worker processes.

This is the only way the service runs a query (``/sparql``, the named queries, the JSON API,
the pages): get it with the ``ExecutorDep`` dependency (:mod:`itukg.api.deps`).

Contract
========

``await executor.run(sparql, *, result_format, bindings=None, default_graph=None, named_graphs=None, timeout=None) -> QueryOutcome``
    Runs the query and returns its result serialised by the engine in ``result_format``
    (``json xml csv tsv`` for SELECT/ASK; ``turtle ntriples jsonld rdfxml`` for
    CONSTRUCT/DESCRIBE; pick it with :func:`itukg.api.conneg.negotiate`).
    ``QueryOutcome.kind`` is ``"select" | "ask" | "graph"``, ``body`` the bytes to send,
    ``media_type`` the Content-Type. Fast path: no Python objects per row.

``await executor.select(sparql, bindings=None, ...) -> SelectResult``
    Runs a SELECT and returns rows of rdflib terms (for JSON APIs that reshape rows).
``await executor.ask(...) -> bool``, ``await executor.construct(...) -> list of triples``.
``await executor.query(...) -> QueryResult`` (any form, structured).
``await executor.graph_sizes() -> dict[graph IRI, triples]`` (cached per store generation).

Values enter through ``bindings`` (variable name without ``?`` → rdflib term; the variable must
be in the projection, SEP-0007), never through the query text. ``default_graph`` /
``named_graphs`` (lists of graph IRIs) override the query's own dataset (SPARQL 1.1 Protocol
§2.1.4); an IRI that is not a graph of the store is an empty graph (never fetched). Without a
dataset the default graph is the union of all named graphs.

Every call raises:

* :class:`itukg.errors.QueryError` (400): syntax error, an update in a query, a ``SERVICE``
  clause (refused before execution: queries never reach the network), a format that does not
  fit the query form;
* :class:`itukg.errors.QueryTimeout` (503): the query ran past its deadline
  (``settings.query_timeout`` or ``timeout``); the worker running it is killed and replaced;
  also when every worker stayed busy for the whole deadline;
* :class:`itukg.errors.ResultTooLarge` (413): more than ``settings.max_results`` rows/triples
  or more than ``settings.max_result_bytes`` bytes (or the worker's memory limit was hit);
* :class:`itukg.errors.StoreError` (503): the store cannot be opened or a worker died.

Design (``docs/decisions/0040-query-worker-processes.md``): pyoxigraph has no query timeout and
a running query cannot be interrupted from Python, so queries run in ``settings.query_workers``
child processes (``python -m itukg.graph.store.workers``), each holding its own read-only store.
The event loop talks to them over Unix socket pairs (length-prefixed pickles), never blocks,
and on a deadline kills the worker (SIGKILL) and starts a fresh one while the other workers keep
serving. Each worker has an address-space limit so a runaway result cannot take the host down.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import importlib
import io
import logging
import os
import pickle
import re
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from itukg import errors as E
from itukg.graph.store import QueryResult, SelectResult
from itukg.settings import Settings

log = logging.getLogger("itukg.graph.store.workers")

DEFAULT_OPENER = "itukg.graph.store:open_store"
WORKER_START_ALLOWANCE = 15.0  # seconds a request may wait for a replaced worker to start
_HDR = struct.Struct("!Q")
# address space a worker may need per byte of on-disk database it copies into memory (measured:
# a 660 MB database becomes ~1.3 GB resident, with peaks while loading; see decision 0075)
MEMORY_FACTOR = 5

MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


@dataclass(frozen=True)
class QueryOutcome:
    """A serialised query result.

    ``kind``: ``"select" | "ask" | "graph"``; ``body``: the bytes; ``media_type``: the
    Content-Type for ``format``; ``elapsed``: seconds spent in the worker.
    """

    kind: str
    body: bytes
    media_type: str
    format: str
    elapsed: float = 0.0


# ------------------------------------------------------------------------------------------
# wire format: 8-byte big-endian length + pickle
# ------------------------------------------------------------------------------------------


def _dumps(obj: Any) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return _HDR.pack(len(data)) + data


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:], n - got)
        if k == 0:
            raise EOFError("connection closed")
        got += k
    return bytes(buf)


def _error_payload(exc: BaseException) -> dict[str, Any]:
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


def _rebuild_error(payload: Mapping[str, Any]) -> Exception:
    name = payload.get("error")
    cls = getattr(E, str(name), None)
    if isinstance(cls, type) and issubclass(cls, E.ItukgError):
        return cls(payload.get("message", ""), source=payload.get("source"), line=payload.get("line"))
    return RuntimeError(payload.get("message", "query worker failed"))


# ------------------------------------------------------------------------------------------
# the worker process
# ------------------------------------------------------------------------------------------


class _Worker:
    """Runs in the child process: one store, one request at a time.

    Reads the current generation from disk at once and, when ``settings.query_store`` allows it
    (decision 0075), copies it into memory in a background thread (pyoxigraph releases the GIL
    while loading) and switches to the copy when it is complete: queries are served from the
    start and get 3-4x faster once the copy is in. ``engine`` says which is in use:
    ``"disk"``, ``"loading"`` (disk, copy under way) or ``"memory"``.
    """

    def __init__(self, settings: Settings, opener: str, memory_allowance: int = 0):
        self.settings = settings
        mod, _, fn = opener.partition(":")
        self.open = getattr(importlib.import_module(mod), fn)
        self.memory_allowance = memory_allowance
        self.generation = self._current_generation()
        self.store = self.open(settings, read_only=True)
        self._checked = time.monotonic()
        self.engine = "disk"
        self._copy: tuple[str | None, Any] | None = None  # a finished copy, not yet switched to
        self._start_copy()

    def _wants_memory(self, store: Any) -> bool:
        from itukg.graph.store import OxigraphStore, database_bytes

        path = getattr(store, "path", None)
        if not isinstance(store, OxigraphStore) or path is None or not store.read_only:
            return False
        size = database_bytes(path)
        if not _copies_into_memory(self.settings, size):
            return False
        if MEMORY_FACTOR * size > self.memory_allowance:
            log.warning(
                "query worker: the store (%d MB on disk) is larger than this worker's memory "
                "allowance; reading it from disk", size // 2**20,
            )
            return False
        return True

    def _start_copy(self) -> None:
        store, gen = self.store, self.generation
        if not self._wants_memory(store):
            self.engine = "disk"
            return
        self.engine = "loading"

        def copy() -> None:
            from itukg.graph.store import memory_copy

            try:
                mem = memory_copy(store)
            except (E.StoreError, MemoryError, OSError) as exc:
                mem = None
                if gen == self.generation:
                    log.warning("query worker: serving from disk, the memory copy failed: %s", exc)
            if gen == self.generation:  # a copy of a generation replaced meanwhile is dropped
                self._copy = (gen, mem)

        threading.Thread(target=copy, name="itukg-memory-copy", daemon=True).start()

    def _switch(self) -> None:
        """Switch to a finished memory copy of the generation in use (a stale one is dropped)."""
        done, self._copy = self._copy, None
        if done is None:
            return
        gen, mem = done
        if gen != self.generation:
            return
        if mem is None:
            self.engine = "disk"
            return
        old, self.store, self.engine = self.store, mem, "memory"
        with contextlib.suppress(Exception):
            old.close()

    def _current_generation(self) -> str | None:
        """Name of the store generation ``current`` points at (None without generations)."""
        try:
            from itukg.graph.store import current_generation

            gen = current_generation(self.settings.store)
        except Exception:  # noqa: BLE001 - a store without generations (or not yet built)
            return None
        return gen.name if gen is not None else None

    def refresh(self) -> None:
        """Reopen the store when a build or an update has made another generation current
        (checked at most every 50 ms: one readlink), and switch to a finished memory copy.
        The new generation is read from disk at once (and copied into memory in the
        background). Raises StoreError if it cannot reopen."""
        self._switch()
        now = time.monotonic()
        if now - self._checked < 0.05:
            return
        self._checked = now
        gen = self._current_generation()
        if gen != self.generation and gen is not None:
            old = self.store
            self.store = self.open(self.settings, read_only=True)
            self.generation = gen
            self._copy = None
            with contextlib.suppress(Exception):
                old.close()
            self._start_copy()

    def handle(self, req: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        op = req["op"]
        if op == "update":
            return self.update(req)
        self.refresh()
        if req.get("base_iri"):
            # the service-defined base (SPARQL 1.1 Protocol: "which MAY be the service
            # endpoint"): a BASE line in front; error positions are shifted back
            req = {**req, "sparql": f"BASE <{req['base_iri']}>\n" + req["sparql"]}
            try:
                return self._handle(op, req)
            except E.QueryError as exc:
                raise _shift_error(exc) from None
        return self._handle(op, req)

    def _handle(self, op: str, req: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        kw = {
            "bindings": req.get("bindings"),
            "default_graph": req.get("default_graph"),
            "named_graphs": req.get("named_graphs"),
        }
        if op == "run":
            fmt = req["result_format"]
            kind, body = self.store.query_serialized(req["sparql"], result_format=fmt, **kw)
            self._check_size(kind, fmt, body)
            return {"kind": kind}, body
        if op == "query":
            result = self.store.query(req["sparql"], **kw)
            n = (
                len(result.rows)
                if isinstance(result, SelectResult)
                else (1 if isinstance(result, bool) else len(result))
            )
            if n > self.settings.max_results:
                raise E.ResultTooLarge(
                    f"the result has {n} rows, more than the limit of {self.settings.max_results}"
                )
            return {}, result
        if op == "graph_sizes":
            return {}, self.store.triples_per_graph()
        if op == "graphs":
            return {}, self.store.graphs()
        if op == "ping":
            return {"generation": self.generation}, os.getpid()
        if op == "wait_memory":  # test and benchmark hook: wait until the memory copy is in
            deadline = time.monotonic() + float(req.get("seconds", 60))
            while self.engine == "loading" and time.monotonic() < deadline:
                time.sleep(0.01)
                self._switch()
            return {}, self.engine
        if op == "sleep":  # test hook: a worker that stays busy (used by the executor's tests)
            time.sleep(float(req["seconds"]))
            return {}, None
        raise ValueError(f"unknown op {op!r}")

    def update(self, req: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        """Apply a SPARQL Update to a private copy of the current generation and publish it
        (``open_store(read_only=False)``: the copy becomes current when closed). Killed at the
        deadline, nothing is published. Raises QueryError for a malformed update."""
        store = self.open(self.settings, read_only=False)
        ok = False
        try:
            run = getattr(store, "update", None)
            if run is not None:  # OxigraphStore.update (not in the Store protocol)
                run(req["sparql"], base_iri=self.settings.base_iri)
            else:  # an older store without update(): use the engine of OxigraphStore
                # (no local reference to the engine: RocksDB must really close before the
                # new generation is reopened read-only below)
                try:
                    store.ox.update(req["sparql"], base_iri=self.settings.base_iri)
                except SyntaxError as exc:
                    raise E.QueryError(f"SPARQL Update syntax error: {exc.msg or exc}") from None
                except (ValueError, RuntimeError) as exc:
                    raise E.QueryError(str(exc)) from None
                store.dirty = True
            ok = True
        finally:
            if ok:
                store.close()  # publishes the new generation
            else:
                abort = getattr(store, "abort", None)
                if abort is not None:
                    abort()
                else:
                    store.close()
            del store
        self._checked = 0.0
        self.refresh()
        return {"generation": self.generation}, None

    def _check_size(self, kind: str, fmt: str, body: bytes) -> None:
        cap_bytes = self.settings.max_result_bytes
        if len(body) > cap_bytes:
            raise E.ResultTooLarge(
                f"the result is larger than the limit of {cap_bytes} bytes; "
                "add LIMIT or narrow the query"
            )
        cap = self.settings.max_results
        # every row/triple takes at least one byte, so only a body this large can be over the cap
        if kind == "ask" or len(body) <= cap:
            return
        n = _count_items(kind, fmt, body)
        if n > cap:
            raise E.ResultTooLarge(
                f"the result has {n} {'rows' if kind == 'select' else 'triples'}, more than the "
                f"limit of {cap}; add LIMIT or narrow the query"
            )


_POS = re.compile(r"\b(\d+):(\d+)\b")


def _shift_error(exc: E.QueryError) -> E.QueryError:
    """The same error with line numbers one less (a BASE line was put in front)."""
    msg = _POS.sub(lambda m: f"{max(1, int(m.group(1)) - 1)}:{m.group(2)}", exc.message, count=1)
    line = exc.line - 1 if exc.line and exc.line > 1 else exc.line
    return type(exc)(msg, source=exc.source, line=line)


def _count_items(kind: str, fmt: str, body: bytes) -> int:
    """Exact number of solutions or triples in a serialised result (pyoxigraph's parsers)."""
    import pyoxigraph as ox  # serialisation only; storage stays behind the Store protocol

    if kind == "select":
        rf = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
              "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[fmt]
        if fmt == "csv":  # pyoxigraph cannot parse CSV results: count CSV records
            import csv

            return max(0, sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8")))) - 1)
        return sum(1 for _ in ox.parse_query_results(body, format=rf))
    rdf = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
           "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}[fmt]
    return sum(1 for _ in ox.parse(body, format=rdf))


def _copies_into_memory(settings: Settings, size: int) -> bool:
    """Whether ``settings.query_store`` lets a worker copy a database of ``size`` bytes (on
    disk) into memory: always with ``memory``, never with ``disk``, up to
    ``memory_store_max_mb`` with ``auto``."""
    if settings.query_store == "auto":
        return size <= settings.memory_store_max_mb * 2**20
    return settings.query_store == "memory"


def _memory_allowance(settings: Settings) -> int:
    """Extra address space for a memory copy of the store (0 when queries read the disk):
    MEMORY_FACTOR times the current generation's database, at least 64 MB of database (room
    for later generations that grow a little; a larger one is read from disk)."""
    if settings.query_store == "disk":
        return 0
    from itukg.graph.store import current_generation, database_bytes

    try:
        gen = current_generation(settings.store)
    except Exception:  # noqa: BLE001 - no generations: nothing to copy
        return 0
    if gen is None:
        return 0
    size = database_bytes(gen / "db")
    return MEMORY_FACTOR * max(size, 64 * 2**20) if _copies_into_memory(settings, size) else 0


def _limit_memory(nbytes: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (nbytes, nbytes))
    except (ImportError, ValueError, OSError) as exc:  # pragma: no cover - platform dependent
        log.warning("could not limit worker memory: %s", exc)


def _die_with_parent() -> None:
    """Linux: get SIGKILL when the service process dies, even in the middle of a query (a
    worker blocked in the engine would otherwise outlive a killed server)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def worker_main(fd: int) -> int:
    """Entry point of a worker process (``python -m itukg.graph.store.workers --worker FD``)."""
    _die_with_parent()
    if os.getppid() == 1:  # the parent died before the line above ran
        return 1
    sock = socket.socket(fileno=fd)
    try:
        (n,) = _HDR.unpack(_recv_exact(sock, _HDR.size))
        init = pickle.loads(_recv_exact(sock, n))
        settings = Settings.model_validate_json(init["settings"])
        limit = int(init.get("memory_limit") or 0)
        allowance = _memory_allowance(settings) if limit else 2**62
        if limit:
            _limit_memory(limit + allowance)
        try:
            worker = _Worker(settings, init.get("opener") or DEFAULT_OPENER, allowance)
        except BaseException as exc:  # report why the store could not be opened
            sock.sendall(_dumps(({"ok": False, **_error_payload(exc)}, None)))
            return 1
        sock.sendall(_dumps(({"ok": True, "pid": os.getpid(), "engine": worker.engine}, None)))
        while True:
            try:
                (n,) = _HDR.unpack(_recv_exact(sock, _HDR.size))
            except EOFError:
                return 0
            req = pickle.loads(_recv_exact(sock, n))
            t0 = time.perf_counter()
            try:
                meta, payload = worker.handle(req)
                meta = {"ok": True, **meta}
            except BaseException as exc:  # noqa: BLE001 - every failure goes back as an answer
                meta, payload = {"ok": False, **_error_payload(exc)}, None
            meta["elapsed"] = time.perf_counter() - t0
            meta["generation"] = worker.generation
            meta["engine"] = worker.engine
            try:
                msg = _dumps((meta, payload))
            except MemoryError:
                msg = _dumps(({"ok": False, **_error_payload(MemoryError())}, None))
            sock.sendall(msg)
    finally:
        with contextlib.suppress(OSError):
            sock.close()


# ------------------------------------------------------------------------------------------
# the pool, in the service's event loop
# ------------------------------------------------------------------------------------------


@dataclass
class _Slot:
    index: int
    proc: subprocess.Popen | None = None
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    pid: int | None = None
    served: int = 0
    engine: str = "disk"  # where the worker read at its last answer: disk, loading or memory


class _FairPool:
    """Idle workers, handed out strictly first come, first served.

    ``asyncio.Queue`` lets a request that arrives just as a worker is freed take it before the
    request that has been waiting longest (which is woken, finds the queue empty and queues
    again at the back): under load a few requests wait many turns, and p99 latency grew to three
    times p50. Here a freed worker goes straight to the oldest waiter.
    """

    def __init__(self) -> None:
        self._free: collections.deque[_Slot] = collections.deque()
        self._waiters: collections.deque[asyncio.Future[_Slot]] = collections.deque()

    def put_nowait(self, slot: _Slot) -> None:
        while self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(slot)
                return
        self._free.append(slot)

    def get_nowait(self) -> _Slot:
        """An idle worker, if there is one and nobody is waiting; else raises QueueEmpty."""
        if self._free and not self._waiters:
            return self._free.popleft()
        raise asyncio.QueueEmpty

    async def get(self) -> _Slot:
        """The next idle worker, in arrival order. Cancellation passes on a worker handed over
        meanwhile."""
        if self._free and not self._waiters:
            return self._free.popleft()
        fut: asyncio.Future[_Slot] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            return await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.put_nowait(fut.result())
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(fut)
            raise


@dataclass
class ExecutorStats:
    started: int = 0
    killed: int = 0
    timeouts: int = 0
    died: int = 0
    queries: int = 0
    extra: dict[str, int] = field(default_factory=dict)


class Executor:
    """A pool of query worker processes. Create it in the app's ``lifespan``::

        executor = Executor(settings)
        await executor.start()      # raises StoreError when the store cannot be opened
        ...
        await executor.close()
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
        # address-space limit per worker: room for the store (RocksDB maps files and caches),
        # the result and its serialisation, with a floor of 2 GiB
        self.memory_limit = memory_limit if memory_limit is not None else max(
            2 * 1024**3, 6 * settings.max_result_bytes + 1024**3
        )
        self._slots: list[_Slot] = []
        self._idle = _FairPool()
        self._closing = False
        self._respawns: set[asyncio.Task] = set()
        self._sizes_cache: dict[str, int] | None = None
        self._generation: str | None = None
        self.stats = ExecutorStats()

    # -- lifecycle -----------------------------------------------------------------------------
    async def start(self) -> None:
        """Start the workers. Raises StoreError (with the worker's reason) if one cannot start."""
        self._slots = [_Slot(i) for i in range(self.size)]
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

    async def restart(self) -> None:
        """Replace every worker by a fresh one (they reopen the store: see a new generation).

        Waits for each worker to finish its current query. Raises StoreError if a new worker
        cannot open the store.
        """
        self._sizes_cache = None
        taken = [await self._idle.get() for _ in range(len(self._slots))]
        try:
            for s in taken:
                self._kill(s, graceful=True)
                await self._spawn(s)
        finally:
            for s in taken:
                self._idle.put_nowait(s)

    async def _spawn(self, slot: _Slot) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "itukg.graph.store.workers", "--worker", str(child.fileno())],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        finally:
            child.close()
        slot.proc = proc
        reader, writer = await asyncio.open_unix_connection(sock=parent, limit=2**20)
        slot.reader, slot.writer = reader, writer
        writer.write(
            _dumps(
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
            raise _rebuild_error(meta)
        slot.pid = meta.get("pid")
        slot.engine = meta.get("engine", "disk")
        slot.served = 0
        self.stats.started += 1

    def _kill(self, slot: _Slot, graceful: bool = False) -> None:
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

    def _respawn_later(self, slot: _Slot) -> None:
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
    async def _read(slot: _Slot) -> tuple[dict[str, Any], Any]:
        assert slot.reader is not None
        (n,) = _HDR.unpack(await slot.reader.readexactly(_HDR.size))
        return pickle.loads(await slot.reader.readexactly(n))

    # -- one request ------------------------------------------------------------------------------
    async def _call(self, req: dict[str, Any], timeout: float | None) -> tuple[dict[str, Any], Any]:
        if self._closing:
            raise E.StoreError("the query service is shutting down")
        deadline = timeout if timeout is not None else self.settings.query_timeout
        # waiting for a worker is not running: a busy worker is freed by its own deadline at
        # the latest, a replaced one needs a few seconds to start
        wait = deadline + WORKER_START_ALLOWANCE
        try:
            slot = self._idle.get_nowait()  # fast path: no task, no timer
        except asyncio.QueueEmpty:
            try:
                slot = await asyncio.wait_for(self._idle.get(), timeout=wait)
            except asyncio.TimeoutError:
                self.stats.timeouts += 1
                raise E.QueryTimeout(
                    f"every query worker stayed busy for {_secs(wait)} s; try again later"
                ) from None
        timed_out = False

        def expire() -> None:  # the deadline: kill the worker; the read below then ends
            nonlocal timed_out
            timed_out = True
            if slot.proc is not None and slot.proc.poll() is None:
                slot.proc.kill()
                self.stats.killed += 1

        timer = asyncio.get_running_loop().call_later(deadline, expire)
        handed_back = False
        try:
            assert slot.writer is not None
            slot.writer.write(_dumps(req))
            meta, payload = await self._read(slot)
        except (EOFError, asyncio.IncompleteReadError, ConnectionError, OSError) as exc:
            handed_back = True
            rc = None
            if slot.proc is not None and not timed_out:  # how did it end? (reaped shortly after EOF)
                with contextlib.suppress(Exception):
                    rc = await asyncio.to_thread(slot.proc.wait, 2)
            self._respawn_later(slot)
            if timed_out:
                self.stats.timeouts += 1
                raise E.QueryTimeout(
                    f"query timed out after {_secs(deadline)} s (limit ITUKG_QUERY_TIMEOUT)"
                ) from None
            self.stats.died += 1
            if rc is not None and rc < 0:
                raise E.ResultTooLarge(
                    "the query worker was stopped while running this query (signal "
                    f"{-rc}; most likely it exceeded its memory limit)"
                ) from exc
            raise E.StoreError(f"the query worker died while running this query ({exc!r})") from exc
        except BaseException:
            # cancelled (client went away, server shutting down): the worker may still be busy
            self._respawn_later(slot)
            handed_back = True
            raise
        finally:
            timer.cancel()
            if not handed_back:
                if timed_out:  # answered just as the deadline fired: the worker is gone
                    self._respawn_later(slot)
                else:
                    slot.served += 1
                    self._idle.put_nowait(slot)
        self.stats.queries += 1
        slot.engine = meta.get("engine", slot.engine)
        gen = meta.get("generation")
        if gen != self._generation:
            self._generation = gen
            self._sizes_cache = None
        if not meta.get("ok"):
            raise _rebuild_error(meta)
        return meta, payload

    # -- public API --------------------------------------------------------------------------------
    async def run(
        self,
        sparql: str,
        *,
        result_format: str,
        bindings: Mapping[str, Any] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
        base_iri: str | None = None,
    ) -> QueryOutcome:
        """Run a query; the engine serialises the result in ``result_format``. ``base_iri``
        resolves relative IRIs of a query that declares no BASE (error positions stay those of
        the text given).

        Raises QueryError, QueryTimeout, ResultTooLarge, StoreError (see the module docstring).
        """
        from itukg.api.sparql import check_query

        check_query(sparql)
        if result_format not in MEDIA_TYPES:
            raise E.QueryError(f"unknown result format {result_format!r}")
        default_graph, named_graphs = _dataset(sparql, base_iri, default_graph, named_graphs)
        meta, body = await self._call(
            {
                "op": "run",
                "sparql": sparql,
                "base_iri": base_iri,
                "result_format": result_format,
                "bindings": dict(bindings) if bindings else None,
                "default_graph": list(default_graph) if default_graph is not None else None,
                "named_graphs": list(named_graphs) if named_graphs is not None else None,
            },
            timeout,
        )
        return QueryOutcome(meta["kind"], body, MEDIA_TYPES[result_format], result_format, meta.get("elapsed", 0.0))

    async def query(
        self,
        sparql: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run a query and return Python values: SelectResult, bool or a list of triples.

        Raises QueryError, QueryTimeout, ResultTooLarge, StoreError.
        """
        from itukg.api.sparql import check_query

        check_query(sparql)
        default_graph, named_graphs = _dataset(sparql, None, default_graph, named_graphs)
        _, result = await self._call(
            {
                "op": "query",
                "sparql": sparql,
                "bindings": dict(bindings) if bindings else None,
                "default_graph": list(default_graph) if default_graph is not None else None,
                "named_graphs": list(named_graphs) if named_graphs is not None else None,
            },
            timeout,
        )
        return result

    async def select(self, sparql: str, bindings: Mapping[str, Any] | None = None, **kw: Any) -> SelectResult:
        """Run a SELECT; rows of rdflib terms. Raises QueryError if it is not a SELECT, and as
        :meth:`query`."""
        result = await self.query(sparql, bindings, **kw)
        if not isinstance(result, SelectResult):
            raise E.QueryError("expected a SELECT query")
        return result

    async def ask(self, sparql: str, bindings: Mapping[str, Any] | None = None, **kw: Any) -> bool:
        """Run an ASK. Raises QueryError if it is not an ASK, and as :meth:`query`."""
        result = await self.query(sparql, bindings, **kw)
        if not isinstance(result, bool):
            raise E.QueryError("expected an ASK query")
        return result

    async def construct(self, sparql: str, bindings: Mapping[str, Any] | None = None, **kw: Any) -> list:
        """Run a CONSTRUCT/DESCRIBE; a list of rdflib triples. Raises as :meth:`query`."""
        result = await self.query(sparql, bindings, **kw)
        if isinstance(result, (bool, SelectResult)):
            raise E.QueryError("expected a CONSTRUCT or DESCRIBE query")
        return result

    async def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph (cached until :meth:`restart`). Raises as :meth:`query`."""
        if self._sizes_cache is None:
            _, sizes = await self._call({"op": "graph_sizes"}, None)
            self._sizes_cache = dict(sizes)
        return dict(self._sizes_cache)

    async def graphs(self) -> list[str]:
        """IRIs of the named graphs. Raises as :meth:`query`."""
        _, g = await self._call({"op": "graphs"}, None)
        return list(g)

    async def update(self, sparql: str, *, timeout: float | None = None) -> None:
        """Apply a SPARQL Update (on an updater pool: ``Executor(settings, workers=1)``).

        Raises QueryError (malformed; SERVICE or LOAD), QueryTimeout, StoreError (busy store).
        """
        from itukg.api.sparql import check_update

        check_update(sparql)
        self._sizes_cache = None
        await self._call({"op": "update", "sparql": sparql}, timeout)

    async def generation(self) -> str | None:
        """The store generation a worker currently serves (None without generations)."""
        meta, _ = await self._call({"op": "ping"}, None)
        return meta.get("generation")

    async def _sleep(self, seconds: float, timeout: float | None = None) -> None:
        """Test hook: keep one worker busy (respects the deadline like a query)."""
        await self._call({"op": "sleep", "seconds": seconds}, timeout)

    async def wait_memory(self, seconds: float = 120.0) -> list[str]:
        """Wait (at most ``seconds`` per worker) until every worker has switched to its memory
        copy of the store, or settled on the disk; returns each worker's engine. For
        benchmarks and tests: queries are answered meanwhile anyway."""
        engines = []
        for _ in range(len(self._slots)):
            _, engine = await self._call({"op": "wait_memory", "seconds": seconds}, seconds + 5)
            engines.append(engine)
            # take each worker once: it goes to the back of the idle queue after answering
        return engines

    @property
    def engines(self) -> list[str]:
        """Where each worker read at its last answer: ``disk``, ``loading`` or ``memory``."""
        return [s.engine for s in self._slots]

    @property
    def pids(self) -> list[int | None]:
        return [s.pid for s in self._slots]


def _dataset(
    sparql: str,
    base_iri: str | None,
    default_graph: Sequence[str] | None,
    named_graphs: Sequence[str] | None,
) -> tuple[Sequence[str] | None, Sequence[str] | None]:
    """The dataset to pass to the store: the caller's (protocol) dataset when given, else the
    query's own FROM / FROM NAMED made explicit (the store would otherwise answer over its
    union default graph), else none. Raises QueryError for a malformed FROM."""
    if default_graph is not None or named_graphs is not None:
        return list(default_graph or []), list(named_graphs or [])
    from itukg.api.sparql import dataset_of

    ds = dataset_of(sparql, base_iri)
    if ds is None:
        return None, None
    return ds


def _secs(x: float) -> str:
    return f"{x:g}"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        sys.exit(worker_main(int(sys.argv[2])))
    print("usage: python -m itukg.graph.store.workers --worker FD (started by the service)", file=sys.stderr)
    sys.exit(2)
