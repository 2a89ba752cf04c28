"""The query worker process: one read-only store, one request at a time.

Started by the pool (:mod:`itukg.graph.store.pool`) as ``python -m itukg.graph.store.workers
--worker FD``; it reads requests from the socket ``FD`` (:mod:`itukg.graph.store.wire`),
answers each one (a result, or an error payload) and dies with the service. It reaches the
store only through the :class:`~itukg.graph.store.protocol.Store` protocol and the functions of
:mod:`itukg.graph.store` (generation id, info, memory copy): any backend serves.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import os
import pickle
import re
import socket
import sys
import threading
import time
from typing import Any

from itukg import errors as E
from itukg.graph.store import SelectResult, sandbox, store_generation, store_info
from itukg.graph.store.wire import HDR, dumps, error_payload, recv_exact
from itukg.settings import Settings

log = logging.getLogger("itukg.graph.store.workers")

DEFAULT_OPENER = "itukg.graph.store:open_store"
# address space a worker may need per byte of on-disk database it copies into memory (measured:
# a 660 MB database becomes ~1.3 GB resident, with peaks while loading; see decision 0075)
MEMORY_FACTOR = 5


class _Worker:
    """Runs in the child process: one store, one request at a time.

    Reads the current generation from disk at once and, when ``settings.query_store`` allows it
    (decision 0075), copies it into memory in a background thread (pyoxigraph releases the GIL
    while loading) and switches to the copy when it is complete: queries are served from the
    start and get 3-4x faster once the copy is in. ``engine`` says which is in use:
    ``"disk"``, ``"loading"`` (disk, copy under way), ``"memory"``, or ``"server"`` (a remote
    store: asked over HTTP, nothing to copy).
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
        """Whether to copy ``store`` into memory: a read-only store on local disk (``size`` > 0)
        that the settings and this worker's memory allowance let in."""
        info = store.info()
        if not info.read_only or info.size <= 0:
            return False
        if not _copies_into_memory(self.settings, info.size):
            return False
        if MEMORY_FACTOR * info.size > self.memory_allowance:
            log.warning(
                "query worker: the store (%d MB on disk) is larger than this worker's memory "
                "allowance; reading it from disk", info.size // 2**20,
            )
            return False
        return True

    def _start_copy(self) -> None:
        store, gen = self.store, self.generation
        if not self._wants_memory(store):
            self.engine = "server" if store.info().engine.startswith("remote") else "disk"
            return
        self.engine = "loading"

        def copy() -> None:
            try:
                mem = store.copy_to_memory()
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
        """Id of the store's published generation (None when there is none)."""
        return store_generation(self.settings)

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
            store.update(req["sparql"], base_iri=self.settings.base_iri)
            ok = True
        finally:
            # no other reference to the store may remain: the engine must really close before
            # the new generation is reopened read-only below
            if ok:
                store.close()  # publishes the new generation
            else:
                store.abort()
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
    info = store_info(settings)
    if info is None or info.size <= 0:  # no store, or none on local disk: nothing to copy
        return 0
    size = info.size
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
        try:
            (n,) = HDR.unpack(recv_exact(sock, HDR.size))
            init = pickle.loads(recv_exact(sock, n))
        except EOFError:  # started ahead (prespawn) and never taken: nothing to do
            return 0
        settings = Settings.model_validate_json(init["settings"])
        limit = int(init.get("memory_limit") or 0)
        allowance = _memory_allowance(settings) if limit else 2**62
        if limit:
            _limit_memory(limit + allowance)
        try:
            # the second wall (decision 0128): no network from here on, before the engine
            # exists (and before any thread starts: namespaces are per thread, inherited)
            network = sandbox.enter(settings.worker_network_isolation)
            worker = _Worker(settings, init.get("opener") or DEFAULT_OPENER, allowance)
        except BaseException as exc:  # report why the store could not be opened
            sock.sendall(dumps(({"ok": False, **error_payload(exc)}, None)))
            return 1
        sock.sendall(dumps(({"ok": True, "pid": os.getpid(), "engine": worker.engine,
                             "network": network}, None)))
        while True:
            try:
                (n,) = HDR.unpack(recv_exact(sock, HDR.size))
            except EOFError:
                return 0
            req = pickle.loads(recv_exact(sock, n))
            t0 = time.perf_counter()
            try:
                meta, payload = worker.handle(req)
                meta = {"ok": True, **meta}
            except BaseException as exc:  # noqa: BLE001 - every failure goes back as an answer
                meta, payload = {"ok": False, **error_payload(exc)}, None
            meta["elapsed"] = time.perf_counter() - t0
            meta["generation"] = worker.generation
            meta["engine"] = worker.engine
            try:
                msg = dumps((meta, payload))
            except MemoryError:
                msg = dumps(({"ok": False, **error_payload(MemoryError())}, None))
            sock.sendall(msg)
    finally:
        with contextlib.suppress(OSError):
            sock.close()




if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        sys.exit(worker_main(int(sys.argv[2])))
    print("usage: python -m itukg.graph.store.workers --worker FD (started by the service)", file=sys.stderr)
    sys.exit(2)
