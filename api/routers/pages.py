"""Pages for people (issue 5): HTML routes over the graph. Thin: each route parses its
parameters, asks :mod:`itukg.api.pages` for the view, renders a template.

Every graph read runs through the service's query executor (deadline, caps, no network) via
:class:`itukg.graph.reads.runner.ThreadStore` (the one store adapter of the reads). The handlers are plain ``def`` so FastAPI runs
them in its threadpool.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from itukg.api.deps import ExecutorDep, SettingsDep
from itukg.api.pages import diff as diff_mod
from itukg.api.pages import views
from itukg.api.pages.render import STATIC, PageContext
from itukg.errors import NotFound
from itukg.graph.reads.runner import ThreadStore

ORDER = 90  # after the API routers: pages never shadow an API path

router = APIRouter(include_in_schema=False)


def _ctx(request: Request, settings, executor) -> PageContext:
    return PageContext(request, settings, ThreadStore(executor))


@router.get("/", response_class=HTMLResponse)
def home(request: Request, settings: SettingsDep, executor: ExecutorDep) -> HTMLResponse:
    return views.home(_ctx(request, settings, executor))


@router.get("/coverage", response_class=HTMLResponse)
def coverage(request: Request, settings: SettingsDep, executor: ExecutorDep,
             goal: str = "", document: str = "") -> HTMLResponse:
    return views.coverage(_ctx(request, settings, executor), goal=goal, document=document)


@router.get("/coverage/cell", response_class=HTMLResponse)
def coverage_cell(request: Request, settings: SettingsDep, executor: ExecutorDep,
                  output: str = "", goal: str = "", target: str = "") -> HTMLResponse:
    return views.coverage_cell(_ctx(request, settings, executor), output=output, goal=goal, target=target)


@router.get("/coverage/wsis", response_class=HTMLResponse)
def coverage_wsis(request: Request, settings: SettingsDep, executor: ExecutorDep,
                  document: str = "") -> HTMLResponse:
    return views.coverage_wsis(_ctx(request, settings, executor), document=document)


@router.get("/coverage/wsis/cell", response_class=HTMLResponse)
def coverage_wsis_cell(request: Request, settings: SettingsDep, executor: ExecutorDep,
                       wsis: str = "", goal: str = "", document: str = "") -> HTMLResponse:
    return views.coverage_wsis_cell(_ctx(request, settings, executor), wsis=wsis, goal=goal, document=document)


@router.get("/trace", response_class=HTMLResponse)
def trace(request: Request, settings: SettingsDep, executor: ExecutorDep, focus: str = "",
          q: str = "") -> HTMLResponse:
    return views.trace(_ctx(request, settings, executor), focus=focus, q=q)


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, settings: SettingsDep, executor: ExecutorDep,
          severity: str = "", document: str = "", output: str = "") -> HTMLResponse:
    return views.audit(_ctx(request, settings, executor), severity=severity, document=document, output=output)


@router.get("/audit.csv")
def audit_csv(request: Request, settings: SettingsDep, executor: ExecutorDep,
              severity: str = "", document: str = "", output: str = "") -> Response:
    return views.audit_csv(_ctx(request, settings, executor), severity=severity, document=document, output=output)


@router.get("/diff", response_class=HTMLResponse)
def diff(request: Request, settings: SettingsDep, executor: ExecutorDep,
         to: str = "", from_: str = Query("", alias="from")) -> HTMLResponse:
    return diff_mod.diff_page(_ctx(request, settings, executor), from_, to)


@router.get("/source", response_class=HTMLResponse)
def sources(request: Request, settings: SettingsDep, executor: ExecutorDep) -> HTMLResponse:
    return views.sources(_ctx(request, settings, executor))


@router.get("/source/{slug}", response_class=HTMLResponse)
def source(request: Request, slug: str, settings: SettingsDep, executor: ExecutorDep) -> HTMLResponse:
    return views.source(_ctx(request, settings, executor), slug)


@router.get("/resource", response_class=HTMLResponse)
def resource(request: Request, settings: SettingsDep, executor: ExecutorDep, iri: str = "") -> HTMLResponse:
    return views.resource(_ctx(request, settings, executor), iri)


@router.get("/query", response_class=HTMLResponse)
def query(request: Request, settings: SettingsDep, executor: ExecutorDep) -> HTMLResponse:
    return views.query(_ctx(request, settings, executor))


_STATIC_FILES = {p.name for p in STATIC.glob("*") if p.is_file()}


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    """The pages' own CSS, script and icons (nothing comes from the network). 404 for any
    name that is not a file of ``api/static``."""
    if name not in _STATIC_FILES:
        raise NotFound(f"no static file {quote(name)}")
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".js"):
        media = "text/javascript"
    return FileResponse(STATIC / name, media_type=media,
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})
