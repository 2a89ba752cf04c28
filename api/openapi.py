"""The service's OpenAPI document: FastAPI's, completed where FastAPI cannot see (decision 0141).

* Every error response of every operation is ``application/problem+json`` with the ``Problem``
  schema (RFC 9457); its ``type`` links to ``/problem/<slug>`` (:mod:`itukg.api.routers.editor`).
* ``/sparql`` reads the raw request (the SPARQL 1.1 Protocol), so its parameters and request
  bodies are declared in :mod:`itukg.api.routers.sparql` (``openapi_extra``).
* Each named query (``queries/*.rq``) gets its own path ``/api/queries/<name>`` with its typed
  parameters, their descriptions and examples, so "Try it out" runs it as it is; the generic
  ``/api/queries/{name}`` stays for clients that pick the name at run time.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from itukg.graph.reads.named import PARAM_TYPES, named_queries

PROBLEM = "application/problem+json"

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `type` is a page explaining the error (`/problem`).",
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri",
                 "example": "https://w3id.org/itukg/problem/query-error"},
        "title": {"type": "string", "example": "Bad SPARQL query"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string", "example": "undeclared prefix 'y:' in 'y:p' at line 3"},
        "instance": {"type": "string", "example": "/sparql"},
        "source": {"type": "string"}, "line": {"type": "integer"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}

RESULT_MEDIA = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values", "text/html")

_SCHEMA_OF_TYPE = {"integer": {"type": "integer"}, "iri": {"type": "string", "format": "uri"}}


def _problems_everywhere(doc: dict[str, Any]) -> None:
    """Give every 4xx/5xx response of ``doc`` the problem+json content (and a 500)."""
    ref = {"$ref": "#/components/schemas/Problem"}
    for item in doc.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            op["responses"].setdefault("500", {"description": "unexpected error (logged)"})
            for code, resp in op["responses"].items():
                if code[0] in "45":
                    resp["content"] = {PROBLEM: {"schema": ref}}


def _named_query_paths(base_iri: str) -> dict[str, Any]:
    """One path per named query, with its typed parameters and examples."""
    paths: dict[str, Any] = {}
    for name, q in sorted(named_queries(base_iri).items()):
        params = [{
            "name": p.name, "in": "query", "required": p.required,
            "description": f"{p.description} ({p.type}: {PARAM_TYPES[p.type]})",
            "schema": {**_SCHEMA_OF_TYPE.get(p.type, {"type": "string"}), "example": p.example},
            "example": p.example,
        } for p in q.params]
        params.append({"name": "format", "in": "query", "required": False,
                       "description": "result format; overrides Accept",
                       "schema": {"type": "string", "enum": ["json", "xml", "csv", "tsv", "html"]}})
        paths[f"/api/queries/{name}"] = {"get": {
            "tags": ["named queries"], "operationId": f"named_{name.replace('-', '_')}",
            "summary": q.summary, "description": q.description or q.summary,
            "parameters": params,
            "responses": {
                "200": {"description": "SPARQL results", "content": {m: {} for m in RESULT_MEDIA}},
                "404": {"description": "unknown document"},
                "406": {"description": "no acceptable result format"},
                "422": {"description": "a parameter is missing, unknown, repeated or malformed"},
                "503": {"description": "past the deadline, or the store is unavailable"},
            },
        }}
    return paths


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of ``app`` (computed once, then cached on the app). Raises
    QueryError if a named query file is broken."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, description=app.description,
                      routes=app.routes)
    doc["paths"].update(_named_query_paths(app.state.settings.base_iri))
    doc.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    _problems_everywhere(doc)
    app.openapi_schema = doc
    return doc
