"""Linked-data IRIs: ``/id/...`` (every resource minted under the base), ``/graph/...`` (named
graphs), ``/ontology`` (the ontology). GET and HEAD; HTML for browsers, Turtle, N-Triples,
JSON-LD or RDF/XML by ``Accept`` (q-values) or ``?format=``; 404 problem+json for unknown IRIs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from itukg.api.conneg import FORMATS, RDF_FORMATS, negotiate
from itukg.api.deps import ExecutorDep, SettingsDep
from itukg.graph.reads import linked_data as ld
from itukg.api.services.html import render_resource
from itukg.errors import NotFound
from itukg.settings import ONTOLOGY_IRI

ORDER = 90  # catch-all paths: mounted after the specific routers

router = APIRouter(tags=["linked data"])

_RDF = {
    200: {"description": "the description", "content": {
        "text/turtle": {}, "application/n-triples": {}, "application/ld+json": {},
        "application/rdf+xml": {}, "text/html": {}}},
    404: {"description": "nothing is known about this IRI (problem+json)"},
    406: {"description": "no acceptable format"},
}
_NAMES = {"turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF/XML"}
_PARAM = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "rdfxml": "rdf"}


def alternates(path: str) -> list[tuple[str, str, str]]:
    return [(_NAMES[f], f"{path}?format={_PARAM[f]}", FORMATS[f][0]) for f in RDF_FORMATS]


def _link_header(path: str) -> str:
    return ", ".join(f'<{href}>; rel="alternate"; type="{media}"' for _, href, media in alternates(path))


def page_lang(request: Request) -> str:
    # pages (issue 5): the pages' language choice (?lang=, then the itukg_lang cookie, then
    # Accept-Language), so the language switch works on resource pages too.
    from itukg.api.pages.i18n import pick_lang

    return pick_lang(request.query_params, request.cookies, request.headers.get("accept-language"))


def _raw_path(request: Request) -> str:
    raw = request.scope.get("raw_path")
    return raw.decode("ascii", "replace") if raw else request.url.path


async def _serve(request: Request, executor, settings, iri, fetch, view_fn) -> Response:
    path = request.url.path
    fmt, media_type = negotiate(request.headers.get("accept"), "graph", request.query_params.get("format"))
    headers = {"Vary": "Accept", "Link": _link_header(path)}
    if fmt == "html":
        view = await view_fn()
        view.alternates = alternates(path)
        return HTMLResponse(render_resource(view, lang=page_lang(request)), headers=headers)
    outcome = await fetch(fmt)
    return Response(outcome.body, media_type=media_type, headers=headers)


@router.head("/id/{path:path}", include_in_schema=False)
@router.get("/id/{path:path}", summary="Dereference a minted IRI",
                  response_class=Response, responses=_RDF)
async def resource(path: str, request: Request, executor: ExecutorDep, settings: SettingsDep) -> Response:
    """The description of `{base}id/{path}`: its own triples and those pointing at it
    (including the provenance of its links)."""
    iri = ld.resource_iri(settings, _raw_path(request))
    lang = page_lang(request)
    return await _serve(
        request, executor, settings, iri,
        lambda fmt: ld.describe(executor, iri, fmt),
        lambda: ld.resource_view(executor, settings, iri, lang=lang),
    )


@router.head("/graph/{path:path}", include_in_schema=False)
@router.get("/graph/{path:path}", summary="Dereference a named graph",
                  response_class=Response, responses=_RDF)
async def graph(path: str, request: Request, executor: ExecutorDep, settings: SettingsDep) -> Response:
    """The content of the named graph `{base}graph/{path}`."""
    iri = str(ld.resource_iri(settings, _raw_path(request)))

    async def view():
        sizes = await executor.graph_sizes()
        if iri not in sizes:
            raise NotFound(f"no named graph {iri} in the store")
        return ld.graph_view(iri, sizes[iri], settings)

    return await _serve(request, executor, settings, iri,
                        lambda fmt: ld.graph_content(executor, iri, fmt), view)


@router.head("/ontology", include_in_schema=False)
@router.get("/ontology", summary="The itukg ontology",
                  response_class=Response, responses=_RDF)
async def ontology(request: Request, executor: ExecutorDep, settings: SettingsDep) -> Response:
    """The ontology `https://w3id.org/itukg/ontology` (its terms `...ontology#Output` resolve
    here too: the fragment stays in the browser)."""
    graph_iri = settings.ontology_graph
    from rdflib import URIRef

    return await _serve(
        request, executor, settings, ONTOLOGY_IRI,
        lambda fmt: ld.graph_content(executor, graph_iri, fmt),
        lambda: ld.resource_view(executor, settings, URIRef(ONTOLOGY_IRI), lang=page_lang(request)),
    )
