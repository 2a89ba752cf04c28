"""``/api/queries``: the named queries (``queries/*.rq``): list them, run one with bound
parameters; results as ``/sparql`` gives them (same formats, same content negotiation)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from itukg.api.deps import ExecutorDep, SettingsDep
from itukg.api.services import named
from itukg.graph.reads.models import NamedQueryInfo
from itukg.api.sparql import render_results_html

router = APIRouter(tags=["named queries"])

_RESULTS = {
    "application/sparql-results+json": {}, "application/sparql-results+xml": {},
    "text/csv": {}, "text/tab-separated-values": {}, "text/html": {},
}


@router.get("/api/queries", summary="List the named queries", response_model=list[NamedQueryInfo])
def list_queries(settings: SettingsDep) -> list[NamedQueryInfo]:
    """Every named query with its summary, its parameters (name, type, description, example)
    and the URL that runs it with the examples."""
    return named.list_named(settings)


@router.head("/api/queries/{name}", include_in_schema=False)
@router.get("/api/queries/{name}",
    summary="Run a named query",
    response_class=Response,
    responses={
        200: {"description": "SPARQL results", "content": _RESULTS},
        404: {"description": "no such named query"},
        406: {"description": "no acceptable result format"},
        422: {"description": "a parameter is missing, unknown, repeated or malformed"},
        503: {"description": "past the deadline, or the store is unavailable"},
    },
)
async def run_query(name: str, request: Request, executor: ExecutorDep, settings: SettingsDep) -> Response:
    """Run the named query ``name``; its parameters come from the query string
    (`?outputCode=4.1&document=acp-22a14-4-zh`) and are bound through the engine, never pasted
    into the query. Results by `Accept` or `format` (json, xml, csv, tsv; html for browsers)."""
    q, bindings, fmt, media_type = named.resolve(
        settings, name, request.query_params.multi_items(), request.headers.get("accept"))
    outcome = await named.run_named(executor, q, bindings, "json" if fmt == "html" else fmt)
    headers = {"Vary": "Accept"}
    if fmt == "html":
        return render_results_html(request, settings, executor, q.sparql, outcome.kind, outcome.body)
    return Response(outcome.body, media_type=media_type, headers=headers)
