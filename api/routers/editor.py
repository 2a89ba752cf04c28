"""What the query editor and the API docs load from the service itself (no CDN, decision 0140):

* ``/static/vendor/{path}``: the vendored browser libraries (YASGUI, Swagger UI, Redoc), only
  the files recorded in ``api/static/vendor/VENDOR.json`` (``tools/vendor.py``);
* ``/api/editor/terms``: the PREFIX map and the ontology's classes and properties, for the
  editor's automatic PREFIX lines and its completion;
* ``/docs`` and ``/redoc``: Swagger UI and Redoc over ``/openapi.json``, from those files;
* ``/problem`` and ``/problem/{slug}``: each problem ``type`` of the service, as a page or JSON
  (decision 0142).
"""

from __future__ import annotations

import functools
import json
import mimetypes

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

from itukg.api.deps import SettingsDep
from itukg.api.pages.render import STATIC, PageContext
from itukg.api.problems import problem_types
from itukg.errors import NotFound

ORDER = 80  # before the pages' catch-all routes

router = APIRouter()
VENDOR = STATIC / "vendor"
_MEDIA = {".js": "text/javascript", ".css": "text/css", ".txt": "text/plain", ".json": "application/json"}


@functools.lru_cache(maxsize=1)
def vendored_files() -> dict[str, str]:
    """``path under vendor/`` → media type, for every file VENDOR.json records. Raises OSError
    or ValueError when VENDOR.json is missing or broken (a broken checkout)."""
    manifest = json.loads((VENDOR / "VENDOR.json").read_text(encoding="utf-8"))
    out = {"VENDOR.json": "application/json"}
    for folder, record in manifest.items():
        for name in record["files"]:
            suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
            out[f"{folder}/{name}"] = _MEDIA.get(suffix) or mimetypes.guess_type(name)[0] or "text/plain"
    return out


@router.get("/static/vendor/{path:path}", include_in_schema=False)
def vendor(path: str) -> FileResponse:
    """A vendored file; 404 (problem+json) for anything VENDOR.json does not list, so no path
    outside the folder can be asked for."""
    media = vendored_files().get(path)
    if media is None:
        raise NotFound(f"no vendored file {path!r}")
    return FileResponse(VENDOR / path, media_type=media,
                        headers={"Cache-Control": "public, max-age=604800"})


class Term(BaseModel):
    iri: str
    name: str  # prefixed
    kind: str  # class | property
    label: str = ""


class EditorTerms(BaseModel):
    prefixes: dict[str, str]
    terms: list[Term]


@functools.lru_cache(maxsize=1)
def _terms() -> EditorTerms:
    """The PREFIX map and the ontology's named classes and properties (English labels)."""
    from rdflib import OWL, RDF, RDFS

    from itukg.graph.ontology import PREFIXES, load_ontology

    g = load_ontology()
    kinds = {OWL.Class: "class", RDFS.Class: "class", OWL.ObjectProperty: "property",
             OWL.DatatypeProperty: "property", OWL.AnnotationProperty: "property",
             RDF.Property: "property"}
    found: dict[str, Term] = {}
    for rdf_type, kind in kinds.items():
        for s in g.subjects(RDF.type, rdf_type):
            iri = str(s)
            name = next((f"{p}:{iri[len(ns):]}" for p, ns in PREFIXES.items()
                         if iri.startswith(ns) and iri[len(ns):].isidentifier()), "")
            if not name:
                continue  # blank nodes, IRIs outside the map: nothing to complete
            labels = [str(o) for o in g.objects(s, RDFS.label) if getattr(o, "language", None) in ("en", None)]
            found[iri] = Term(iri=iri, name=name, kind=kind, label=labels[0] if labels else "")
    return EditorTerms(prefixes=dict(PREFIXES), terms=sorted(found.values(), key=lambda t: t.name))


@router.get("/api/editor/terms", tags=["service"], response_model=EditorTerms,
            summary="PREFIX map and ontology terms for the query editor")
def editor_terms() -> EditorTerms:
    """The one PREFIX map (``graph/ontology.py``) and every class and property of the
    ontology with its prefixed name and English label: the editor adds a PREFIX line when a
    prefix is typed and completes classes and properties from this list."""
    return _terms()


# -- API docs, from the vendored files ----------------------------------------------------
@router.get("/docs", include_in_schema=False)
def swagger(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url, title="itukg API",
        swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
        # no validator badge: it would send the document to validator.swagger.io
        swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": True},
    )


@router.get("/redoc", include_in_schema=False)
def redoc(request: Request) -> HTMLResponse:
    return get_redoc_html(
        openapi_url=request.app.openapi_url, title="itukg API",
        redoc_js_url="/static/vendor/redoc/redoc.standalone.js",
        redoc_favicon_url="/static/favicon.svg", with_google_fonts=False,
    )


# -- problem types ------------------------------------------------------------------------
def _page(request: Request, settings) -> PageContext:
    """A page context that reads nothing from the graph: these pages work while the store is
    unavailable (they explain that error too)."""
    return PageContext(request, settings, None)


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "json" not in accept.split("text/html")[0]


@router.get("/problem", include_in_schema=False)
def problems_index(request: Request, settings: SettingsDep) -> Response:
    """Every problem type, as a page (browsers) or JSON."""
    types = problem_types()
    if _wants_html(request):
        return _page(request, settings).render("problem_type.html", types=list(types.values()), one=None)
    return JSONResponse([vars(t) for t in types.values()])


@router.get("/problem/{slug}", include_in_schema=False)
def problem_page(slug: str, request: Request, settings: SettingsDep) -> Response:
    """One problem type (what a ``type`` IRI of a problem+json answer names), as a page or
    JSON. Raises NotFound (404) for an unknown slug."""
    one = problem_types().get(slug)
    if one is None:
        raise NotFound(f"no problem type {slug!r}; see /problem")
    if _wants_html(request):
        return _page(request, settings).render("problem_type.html", types=[one], one=one)
    return JSONResponse(vars(one))
