"""``/.well-known/void`` and ``/void``: the VoID/DCAT description of the dataset."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from itukg.api.conneg import negotiate
from itukg.api.deps import ExecutorDep, SettingsDep
from itukg.api.routers.linked_data import _RDF, alternates, page_lang
from itukg.graph.reads import linked_data as ld
from itukg.graph.reads import void as void_service
from itukg.api.services.html import render_resource

router = APIRouter(tags=["linked data"])


@router.head("/.well-known/void", include_in_schema=False)
@router.get("/.well-known/void", summary="VoID description (well-known)",
                  response_class=Response, responses=_RDF)
@router.head("/void", include_in_schema=False)
@router.get("/void", summary="VoID/DCAT description of the dataset",
                  response_class=Response, responses=_RDF)
async def void(request: Request, executor: ExecutorDep, settings: SettingsDep) -> Response:
    """The dataset in VoID and DCAT: triples per named graph, sources, licences, the SPARQL
    endpoint, the dumps (`/graph/...`) and the linked-data URI space. Turtle by default; HTML,
    N-Triples, JSON-LD and RDF/XML by `Accept` or `format`."""
    fmt, media_type = negotiate(request.headers.get("accept"), "graph", request.query_params.get("format"))
    g = await void_service.void_graph(executor, settings, str(request.base_url))
    headers = {"Vary": "Accept"}
    path = request.url.path
    if fmt == "html":
        ds = str(void_service.dataset_iri(settings))
        view = ld.build_view(ds, list(g), [], [], settings, lang=page_lang(request))
        view.alternates = alternates(path)
        return HTMLResponse(render_resource(view, lang=page_lang(request)), headers=headers)
    return Response(void_service.serialize(g, fmt), media_type=media_type, headers=headers)
