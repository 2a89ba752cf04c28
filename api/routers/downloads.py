"""Downloads of the pages' views (decision 0145): ``/coverage.{csv,json,svg,png}`` (with
``goal`` and ``document`` as on ``/coverage``), ``/coverage/wsis.{csv,json,svg,png}`` and
``/trace.{csv,json}?focus=IRI``. Thin: :mod:`itukg.api.pages.downloads` does the work; an
unknown document, goal or focus is a 404 problem+json, a format the view has not a 404 too."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from itukg.api.deps import ExecutorDep, SettingsDep
from itukg.api.pages import downloads
from itukg.api.pages.render import PageContext
from itukg.graph.reads.runner import ThreadStore

ORDER = 80  # before the pages (their paths never overlap; this keeps the order obvious)

router = APIRouter(tags=["downloads"])

_FILES = {"description": "the view as a file (Content-Disposition: attachment)", "content": {
    "text/csv": {}, "application/json": {}, "image/svg+xml": {}, "image/png": {}}}


def _ctx(request: Request, settings, executor) -> PageContext:
    return PageContext(request, settings, ThreadStore(executor))


@router.get("/coverage.{fmt}", response_class=Response, responses={200: _FILES},
            summary="SDG coverage heatmap as CSV, JSON, SVG or PNG")
def coverage(fmt: str, request: Request, settings: SettingsDep, executor: ExecutorDep,
             goal: str = "", document: str = "") -> Response:
    return downloads.coverage(_ctx(request, settings, executor), fmt, goal=goal, document=document)


@router.get("/coverage/wsis.{fmt}", response_class=Response, responses={200: _FILES},
            summary="WSIS action lines × SDG goals as CSV, JSON, SVG or PNG")
def coverage_wsis(fmt: str, request: Request, settings: SettingsDep, executor: ExecutorDep,
                  document: str = "") -> Response:
    return downloads.wsis(_ctx(request, settings, executor), fmt, document=document)


@router.get("/trace.{fmt}", response_class=Response, responses={200: _FILES},
            summary="A trace (resolution → output → target → goal) as CSV or JSON")
def trace(fmt: str, request: Request, settings: SettingsDep, executor: ExecutorDep, focus: str = "") -> Response:
    return downloads.trace(_ctx(request, settings, executor), fmt, focus=focus)
