"""The store adapters of the read layer: what the readers run their queries through.

:class:`QueryRunner` is the async interface the readers need (in the service: the
:class:`itukg.graph.store.pool.Executor`, so every query has its deadline and size caps);
:class:`StoreRunner` is one over a plain :class:`~itukg.graph.store.Store` (tests, benchmarks,
the CLI); :class:`ThreadStore` is the synchronous :class:`Store` read side over a runner, for
synchronous readers (coverage, the pages) run in a worker thread of the app.

Every value enters SPARQL through bindings (the variable must be projected: the engine's rule),
never through the query text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from itukg.graph.store import QueryResult, SelectResult, Store

__all__ = ["QueryRunner", "StoreRunner", "ThreadStore", "complete"]

T = TypeVar("T")


def complete(coro: Coroutine[Any, Any, T]) -> T:
    """Run a reader's coroutine to completion from synchronous code (the CLI, publish, tests).

    In a thread of its own, because ``asyncio.run`` refuses to start where a loop is already
    running (a caller inside a service, or Playwright's sync API in the same thread)."""
    with ThreadPoolExecutor(1, thread_name_prefix="itukg-complete") as pool:
        return pool.submit(asyncio.run, coro).result()


class QueryRunner(Protocol):
    """What the services need to run queries: the executor's async interface."""

    async def run(
        self,
        sparql: str,
        *,
        result_format: str,
        bindings: Mapping[str, Any] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> Any: ...

    async def select(self, sparql: str, bindings: Mapping[str, Any] | None = None, **kw: Any) -> SelectResult: ...

    async def construct(self, sparql: str, bindings: Mapping[str, Any] | None = None, **kw: Any) -> list: ...

    async def query(self, sparql: str, bindings: Mapping[str, Any] | None = None, **kw: Any) -> QueryResult: ...

    async def graph_sizes(self) -> dict[str, int]: ...


class StoreRunner:
    """A :class:`QueryRunner` over a :class:`Store`, run in the calling thread (no deadline: for
    tests, benchmarks and the CLI, never for the public service)."""

    def __init__(self, store: Store):
        self.store = store

    async def run(self, sparql: str, *, result_format: str, bindings=None, default_graph=None,
                  named_graphs=None, timeout=None):
        from itukg.graph.store.pool import MEDIA_TYPES, QueryOutcome

        kind, body = self.store.query_serialized(
            sparql, result_format=result_format, bindings=bindings,
            default_graph=default_graph, named_graphs=named_graphs,
        )
        return QueryOutcome(kind, body, MEDIA_TYPES[result_format], result_format)

    async def query(self, sparql: str, bindings=None, **kw: Any) -> QueryResult:
        kw.pop("timeout", None)
        return self.store.query(sparql, bindings=bindings, **kw)

    async def select(self, sparql: str, bindings=None, **kw: Any) -> SelectResult:
        from itukg.errors import QueryError

        res = await self.query(sparql, bindings, **kw)
        if not isinstance(res, SelectResult):
            raise QueryError("expected a SELECT query")
        return res

    async def construct(self, sparql: str, bindings=None, **kw: Any) -> list:
        from itukg.errors import QueryError

        res = await self.query(sparql, bindings, **kw)
        if isinstance(res, (bool, SelectResult)):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return res

    async def graph_sizes(self) -> dict[str, int]:
        return self.store.triples_per_graph()


class ThreadStore:
    """The read side of the :class:`Store` protocol over a :class:`QueryRunner`, for synchronous
    code (e.g. :func:`itukg.graph.reads.coverage.coverage`) run in a worker thread of the app
    (``anyio.to_thread.run_sync``): each ``query`` hands the runner's coroutine back to the
    event loop and waits, so every query keeps the executor's deadline and caps.

    Raises what the runner raises (QueryError, QueryTimeout, ResultTooLarge, StoreError)."""

    def __init__(self, runner: QueryRunner):
        self.runner = runner

    def query(self, sparql: str, *, bindings: Mapping[str, Any] | None = None,
              default_graph: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None) -> QueryResult:
        import functools

        import anyio.from_thread

        call = functools.partial(self.runner.query, sparql, bindings,
                                 default_graph=default_graph, named_graphs=named_graphs)
        return anyio.from_thread.run(call)

    def graphs(self) -> list[str]:
        import anyio.from_thread

        return sorted(anyio.from_thread.run(self.runner.graph_sizes))

    def triples_per_graph(self) -> dict[str, int]:
        import anyio.from_thread

        return anyio.from_thread.run(self.runner.graph_sizes)

    def query_serialized(self, sparql: str, *, result_format: str,
                         bindings: Mapping[str, Any] | None = None,
                         default_graph: Sequence[str] | None = None,
                         named_graphs: Sequence[str] | None = None) -> tuple[str, bytes]:
        import functools

        import anyio.from_thread

        call = functools.partial(self.runner.run, sparql, result_format=result_format,
                                 bindings=bindings, default_graph=default_graph,
                                 named_graphs=named_graphs)
        outcome = anyio.from_thread.run(call)
        return outcome.kind, outcome.body
