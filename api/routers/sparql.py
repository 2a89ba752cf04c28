"""``/sparql``: the SPARQL 1.1 Protocol endpoint (query operation; update operation refused
unless enabled). The protocol steps are in :mod:`itukg.api.sparql` (:func:`plan_query`,
:func:`run_plan`), shared with the lean path (:mod:`itukg.api.fastpath`, which answers most
query operations before they get here); queries run through the executor (deadline, caps, no
network)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from itukg.api.conneg import negotiate
from itukg.api.deps import ExecutorDep, SettingsDep
from itukg.graph.reads.sparql import read_query
from itukg.api.sparql import (
    RDFLIB_FORMATS,
    ProtocolError,
    parse_request,
    plan_query,
    render_query_form,
    render_results_html,
    run_plan,
    service_description,
)

router = APIRouter(tags=["sparql"])

_DOC = """SPARQL 1.1 Protocol endpoint.

* Query: `GET /sparql?query=...`, `POST` form (`query=...`) or `POST` `application/sparql-query`.
  `default-graph-uri` / `named-graph-uri` override the query's dataset (graphs of this store
  only; an unknown graph is empty).
* Results by content negotiation (`Accept`, q-values, wildcards) or the `format` parameter:
  SELECT/ASK as SPARQL JSON, XML, CSV, TSV; CONSTRUCT/DESCRIBE as Turtle, N-Triples, JSON-LD,
  RDF/XML; browsers get HTML.
* `GET /sparql` without a query: the service description (RDF), or a query form for browsers.
* Read-only: updates are refused (400 through GET or the query operation, 403 for the update
  operation unless the server enables it, and then a bearer token is required).
* No network: SERVICE is refused; FROM never fetches. Each query has a deadline (503 past it)
  and a result-size cap (413).
"""


def _endpoint(request: Request) -> str:
    return str(request.url.replace(query="", fragment=""))


_RESPONSES = {
    200: {"description": "results", "content": {
        "application/sparql-results+json": {}, "application/sparql-results+xml": {},
        "text/csv": {}, "text/tab-separated-values": {}, "text/turtle": {},
        "application/n-triples": {}, "application/ld+json": {}, "application/rdf+xml": {},
        "text/html": {}}},
    400: {"description": "malformed request or query, SERVICE, update through the query operation"},
    401: {"description": "update without a valid bearer token (updates enabled)"},
    403: {"description": "update operation while the endpoint is read-only"},
    406: {"description": "no acceptable result format"},
    413: {"description": "result (or request) too large"},
    415: {"description": "unsupported Content-Type"},
    503: {"description": "query past its deadline, or the store is unavailable"},
}


_EXAMPLE = read_query("sparql/example")  # the query the editor starts with


def _param(name: str, description: str, *, example: str | None = None, many: bool = False,
           enum: list[str] | None = None) -> dict:
    schema: dict = {"type": "string"}
    if enum:
        schema["enum"] = enum
    if many:
        schema = {"type": "array", "items": schema}
    out = {"name": name, "in": "query", "required": False, "description": description,
           "schema": schema}
    if many:
        out["explode"] = True
    if example is not None:
        out["example"] = example
    return out


_FORMATS = ["json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml", "html"]
_DATASET = [
    _param("default-graph-uri", "a graph IRI of this store for the default graph (repeatable; "
           "replaces the query's FROM)", many=True),
    _param("named-graph-uri", "a graph IRI of this store as a named graph (repeatable; replaces "
           "the query's FROM NAMED)", many=True),
]
#: what FastAPI cannot see: the route reads the raw request (SPARQL 1.1 Protocol §2.1, §2.2)
_OPENAPI_EXTRA = {
    "GET": {"parameters": [
        _param("query", "the SPARQL query (with its PREFIX lines: the map is at "
               "/api/editor/terms); without it, the service description", example=_EXAMPLE),
        *_DATASET,
        _param("format", "result format; overrides Accept", enum=_FORMATS),
    ]},
    "POST": {
        "parameters": [*_DATASET, _param("format", "result format; overrides Accept", enum=_FORMATS)],
        "requestBody": {"required": True, "content": {
            "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                "query": {"type": "string", "description": "a SPARQL query"},
                "update": {"type": "string", "description": "a SPARQL update (only when the "
                           "server enables updates; needs Authorization: Bearer)"},
                "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                "using-graph-uri": {"type": "array", "items": {"type": "string"}},
                "using-named-graph-uri": {"type": "array", "items": {"type": "string"}},
            }}},
            "application/sparql-query": {"schema": {"type": "string"}, "example": _EXAMPLE},
            "application/sparql-update": {"schema": {"type": "string"}},
        }},
    },
}


async def sparql(request: Request, executor: ExecutorDep, settings: SettingsDep) -> Response:
    body = await request.body() if request.method == "POST" else b""
    try:
        req = parse_request(
            request.method, request.scope.get("query_string", b""), request.headers.get("content-type"), body
        )
    except ProtocolError as exc:
        raise HTTPException(exc.status, exc.message) from None
    accept = request.headers.get("accept")

    if req.operation == "update":
        return await _update(request, req, settings)

    if req.operation == "description":
        fmt, media_type = negotiate(accept, "graph", req.format)
        if fmt == "html":
            return render_query_form(request, settings, executor)
        sizes = await executor.graph_sizes()
        g = service_description(_endpoint(request), sizes, updates=settings.allow_updates)
        data = g.serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")
        return Response(data, media_type=media_type, headers={"Vary": "Accept"})

    plan = plan_query(req, accept)
    outcome = await run_plan(plan, executor, settings.base_iri)
    headers = {"Vary": "Accept"}
    if plan.fmt == "html":
        return render_results_html(request, settings, executor, req.text, outcome.kind, outcome.body)
    return Response(outcome.body, media_type=plan.media_type, headers=headers)


# one operation per method, each with its own operationId in the OpenAPI description
for _method in ("GET", "HEAD", "POST"):
    router.add_api_route(
        "/sparql",
        sparql,
        methods=[_method],
        operation_id=f"sparql_{_method.lower()}",
        summary="SPARQL 1.1 query (and, when enabled, update) endpoint",
        description=_DOC,
        response_class=Response,
        responses=_RESPONSES,
        openapi_extra=_OPENAPI_EXTRA.get(_method),
        include_in_schema=_method != "HEAD",
    )


async def _update(request: Request, req, settings) -> Response:
    if not settings.allow_updates:
        raise HTTPException(
            403,
            "this endpoint is read-only: SPARQL Update is disabled "
            "(the operator can enable it with ITUKG_ALLOW_UPDATES and a bearer token)",
        )
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    # as bytes: compare_digest refuses a str with non-ASCII characters (a TypeError, a 500);
    # Starlette decoded the header as latin-1, so encoding it back gives the bytes sent, and the
    # configured token is compared as the UTF-8 a client sends for it
    sent = token.strip().encode("latin-1", "replace")
    expected = (settings.update_token or "").encode("utf-8")
    if scheme.lower() != "bearer" or not sent or not hmac.compare_digest(sent, expected):
        raise HTTPException(
            401,
            "SPARQL Update requires Authorization: Bearer <token>",
            headers={"WWW-Authenticate": 'Bearer realm="itukg-update"'},
        )
    if req.using_graphs or req.using_named_graphs:
        raise HTTPException(
            400,
            "using-graph-uri / using-named-graph-uri are not supported: write USING / USING NAMED "
            "(or WITH) in the update itself",
        )
    updater = request.app.state.updater
    await updater.update(req.text)
    return Response(status_code=204)
