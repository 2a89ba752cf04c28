"""The service's logic, without the web framework: named queries, traceability answers, coverage,
audit, linked-data descriptions and the VoID/DCAT dataset description.

Routers (:mod:`itukg.api.routers`) are thin: they parse the request, call a function here and
return its pydantic model or bytes. Functions here take a :class:`QueryRunner` (in the service:
the :class:`itukg.api.executor.Executor`, so every query has its deadline and size caps; in
tests and benchmarks also :class:`StoreRunner` over a plain :class:`~itukg.graph.store.Store`)
and raise :mod:`itukg.errors` exceptions, which the app maps once to problem+json.

Every value enters SPARQL through bindings (the variable must be projected: pyoxigraph's rule),
never through the query text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from itukg.graph.store import QueryResult, SelectResult, Store

__all__ = ["QueryRunner", "StoreRunner"]


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
        from itukg.api.executor import MEDIA_TYPES, QueryOutcome

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
