"""The named queries as an HTTP service: list them, bind a request's parameters, negotiate the
result format, run one. The router (``/api/queries``) and the lean ASGI path (decision 0076) both
call :func:`resolve` then :func:`run_named`; the result is serialised by the engine in the
executor (no Python object per row). The queries themselves are read by
:mod:`itukg.graph.reads.named`."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from rdflib.term import Identifier

from itukg.graph.reads.named import NamedQuery, ParameterError, named_queries
from itukg.graph.reads.runner import QueryRunner
from itukg.graph.reads.models import NamedQueryInfo, NamedQueryParam
from itukg.errors import NotFound
from itukg.settings import Settings

RESERVED = frozenset({"format"})
"""Query-string names that are not query parameters (``format`` overrides the Accept header)."""


def info(q: NamedQuery, *, with_sparql: bool = True) -> NamedQueryInfo:
    return NamedQueryInfo(
        name=q.name,
        summary=q.summary,
        description=q.description,
        params=[NamedQueryParam(name=p.name, type=p.type, description=p.description,
                                example=p.example, required=p.required) for p in q.params],
        tags=list(q.tags),
        url=f"/api/queries/{q.name}" + (
            "?" + urlencode(q.example_values()) if q.params else ""),
        sparql=q.sparql if with_sparql else None,
    )


def list_named(settings: Settings) -> list[NamedQueryInfo]:
    """Every named query, by name. Raises QueryError if a query file is broken (at start-up)."""
    return [info(q) for _, q in sorted(named_queries(settings.base_iri).items())]


def get_named(settings: Settings, name: str) -> NamedQuery:
    """The named query ``name``. Raises NotFound (404) listing the known names."""
    qs = named_queries(settings.base_iri)
    q = qs.get(name)
    if q is None:
        raise NotFound(f"no named query {name!r}; known: {', '.join(sorted(qs))}")
    return q


def bind_request(q: NamedQuery, settings: Settings,
                 items: Iterable[tuple[str, str]]) -> dict[str, Identifier]:
    """Bindings for ``q`` from query-string items (``format`` is skipped).

    Raises :class:`ParameterError` (422) for a repeated, unknown, missing or malformed
    parameter."""
    values: dict[str, str] = {}
    for k, v in items:
        if k in RESERVED:
            continue
        if k in values:
            raise ParameterError(f"parameter {k} is given more than once", param=k)
        values[k] = v
    return q.bind(values, base_iri=settings.base_iri)


def resolve(settings: Settings, name: str, items: Iterable[tuple[str, str]],
            accept: str | None) -> tuple[NamedQuery, dict[str, Identifier], str, str]:
    """What a request ``GET /api/queries/{name}`` asks for: ``(query, bindings, format, media
    type)`` from its query-string items (``format=`` overrides ``Accept``; the last one wins,
    as in Starlette's ``QueryParams.get``). ``format`` may be ``html`` (a page for browsers).

    Raises NotFound (404), ParameterError (422), NotAcceptable (406), BadFormatParameter (400)."""
    from itukg.api.conneg import negotiate

    items = list(items)
    q = get_named(settings, name)
    bindings = bind_request(q, settings, items)
    fmt_param = None
    for k, v in items:
        if k == "format":
            fmt_param = v
    fmt, media_type = negotiate(accept, "select", fmt_param)
    return q, bindings, fmt, media_type


async def run_named(runner: QueryRunner, q: NamedQuery, bindings: dict[str, Identifier],
                    result_format: str):
    """Run ``q`` with ``bindings``; the engine serialises the result in ``result_format``.
    Returns the executor's ``QueryOutcome``. Raises as the runner does (QueryTimeout,
    ResultTooLarge, StoreError)."""
    return await runner.run(q.body_for(bindings), result_format=result_format, bindings=bindings)
