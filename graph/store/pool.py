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

The processes themselves (start, kill, replace) are :mod:`itukg.graph.store.processes`; the
worker's side is :mod:`itukg.graph.store.workers`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from itukg import errors as E
from itukg.graph.store import QueryResult, SelectResult
from itukg.graph.store.fairqueue import LANE, PRIORITY, QUERY_SECONDS
from itukg.graph.store.processes import ExecutorStats, WorkerProcesses  # noqa: F401 - re-exported
from itukg.graph.store.screen import check_query, check_update, dataset_of
from itukg.graph.store.wire import dumps, rebuild_error
from itukg.settings import Settings

WORKER_START_ALLOWANCE = 15.0  # seconds a request may wait for a replaced worker to start

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



class Executor(WorkerProcesses):
    """A pool of query worker processes. Create it in the app's ``lifespan``::

        executor = Executor(settings)
        await executor.start()      # raises StoreError when the store cannot be opened
        ...
        await executor.close()

    Options (``workers``, ``opener``, ``memory_limit``): see
    :class:`~itukg.graph.store.processes.WorkerProcesses`.
    """

    def __init__(self, settings: Settings, **options: Any):
        super().__init__(settings, **options)
        # /sparql queries (the bulk lane) leave reserved_workers to the named queries and the
        # API (decision 0124); with a single worker there is nothing to reserve
        self._idle.bulk_cap = max(1, self.size - settings.reserved_workers)
        self._sizes_cache: dict[str, int] | None = None
        self._generation: str | None = None

    async def restart(self) -> None:
        """Replace every worker by a fresh one (they reopen the store: see a new generation).

        Waits for each worker to finish its current query. Raises StoreError if a new worker
        cannot open the store.
        """
        self._sizes_cache = None
        lane = LANE.set(PRIORITY)  # it takes every worker: in the bulk lane it would wait forever
        try:
            await super().restart()
        finally:
            LANE.reset(lane)

    # -- one request ------------------------------------------------------------------------------
    async def _call(self, req: dict[str, Any], timeout: float | None) -> tuple[dict[str, Any], Any]:
        if self._closing:
            raise E.StoreError("the query service is shutting down")
        deadline = timeout if timeout is not None else self.settings.query_timeout
        # waiting for a worker is not running: a busy worker is freed by its own deadline at
        # the latest, a replaced one needs a few seconds to start
        message = dumps(req)
        slot, sent = await self._acquire(deadline + WORKER_START_ALLOWANCE, message)
        started = time.monotonic()
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
            if not sent:
                slot.writer.write(message)
            meta, payload = await self._read(slot)
        except (EOFError, asyncio.IncompleteReadError, ConnectionError, OSError) as exc:
            handed_back = True
            raise await self._lost(slot, exc, timed_out, deadline) from exc
        except BaseException:
            # cancelled (client went away, server shutting down): the worker may still be busy
            self._respawn_later(slot)
            handed_back = True
            raise
        finally:
            timer.cancel()
            used = QUERY_SECONDS.get()
            if used is not None:  # the client's budget pays for the worker's time (0124)
                used[0] += time.monotonic() - started
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
            raise rebuild_error(meta)
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
    ds = dataset_of(sparql, base_iri)
    if ds is None:
        return None, None
    return ds
