"""The HTML view of a resource, in the pages' layout: the linked-data router's
:func:`itukg.api.services.html.render_resource` delegates here, and ``/resource?iri=`` (IRIs
that are not minted under the base, e.g. the UN SDG KOS ones) renders the same view model
(:class:`itukg.graph.reads.linked_data.ResourceView`), so every resource looks alike.

Links that would leave the service are kept on it: an IRI that is not ours opens
``/resource?iri=...``; a provenance line opens the source view at that line
(``/source/{slug}#L{n}``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from itukg.graph.ontology import IKG_NS, SDGO_NS

from .i18n import LANGS, Translator
from .render import _static_v, environment

_LINE_PATH = re.compile(r"^/id/doc/([^/]+)/line/(\d+)$")
_CODE_PROPS = {IKG_NS + "code", "http://www.w3.org/2004/02/skos/core#notation",
               "http://purl.org/dc/terms/identifier"}
_DOCUMENT = IKG_NS + "PlanningDocument"
_TRACEABLE = {
    IKG_NS + "Output", IKG_NS + "Resolution",
    SDGO_NS + "Goal", SDGO_NS + "Target",
}


def local_href(href: str | None, iri: str | None) -> str | None:
    """Keep a link on this service: absolute IRIs that are not served here → the generic
    resource page; a source-line IRI → the source view at that line. Raises nothing."""
    if not href:
        return href
    m = _LINE_PATH.match(href)
    if m:
        return f"/source/{m[1]}#L{m[2]}"
    if href.startswith(("http://", "https://")):
        return "/resource?iri=" + quote(iri or href, safe="")
    return href


def short_iri(iri: str, base: str) -> str:
    """A readable name for an IRI without a label: minted IRIs lose the base and, inside a
    document, the document part (``output/4.3/region/africa``). Raises nothing."""
    if base and iri.startswith(base + "id/doc/"):
        rest = iri[len(base + "id/doc/"):]
        return rest.split("/", 1)[1] if "/" in rest else rest
    if base and iri.startswith(base):
        return iri[len(base):]
    return iri


def _fix(view: Any, base: str) -> None:
    for v in list(view.types) + [v for row in view.properties + view.incoming for v in row.values]:
        if getattr(v, "iri", None):
            v.href = local_href(v.href, v.iri)
            if not v.label:
                v.text = short_iri(v.iri, base)
    for row in view.properties + view.incoming:
        row.predicate_href = local_href(row.predicate_href, row.predicate)
    for p in view.provenance:
        p.href = local_href(p.href, None)
        if p.target is not None and p.target.iri:
            p.target.href = local_href(p.target.href, p.target.iri)
            if not p.target.label:
                p.target.text = short_iri(p.target.iri, base)


def render_view(view: Any, *, lang: str = "en", path: str | None = None, query: str = "",
                base_iri: str | None = None) -> str:
    """The page of ``view`` (a ResourceView) as HTML text. ``path``/``query`` (the request's)
    make the language switch keep the reader on this page. Raises nothing for any view."""
    if lang not in LANGS:
        lang = "en"
    if base_iri is None:
        from itukg.settings import DEFAULT_BASE_IRI

        m = re.match(r"^(https?://.+?/)id/", view.iri)
        base_iri = m[1] if m else DEFAULT_BASE_IRI
    _fix(view, base_iri)
    code = next((v.text for row in view.properties for v in row.values
                 if row.predicate in _CODE_PROPS and not v.iri), "")
    if path is None:
        alt = view.alternates[0][1] if view.alternates else ""
        path = urlsplit(alt).path or "/"
    params = [kv for kv in (q.split("=", 1) for q in query.split("&") if q) if kv[0] != "lang"]
    lang_urls = {lg: path + "?" + urlencode([(k, v) for k, *rest in params for v in rest] + [("lang", lg)])
                 for lg in LANGS}
    types = {v.iri for v in view.types if getattr(v, "iri", None)}
    env = environment()
    return env.get_template("ld_resource.html").render(
        view=view, **Translator(lang).template_globals(), active="", lang_urls=lang_urls, static_v=_static_v(),
        path=path, traceable=bool(types & _TRACEABLE),
        title=(view.labels[0].text if view.labels else (code or short_iri(view.iri, base_iri))),
        code=code if view.labels else "",
        source_href=("/source/" + view.iri.rstrip("/").rsplit("/", 1)[1]) if _DOCUMENT in types else "",
        label_lang=(view.labels[0].lang or "") if view.labels else "",
    )
