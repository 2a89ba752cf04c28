"""One function per page: read the graph through :class:`~itukg.graph.reads.views.PageData`, shape the view,
render the template. Each takes a :class:`~.render.PageContext` and returns a response.

Bad input (an IRI that is not in the graph, an unknown document) gives a page with status 404
or 422 that says what was wrong, never a 500.
"""

from __future__ import annotations

from collections import defaultdict

import functools

import anyio.from_thread
from fastapi.responses import HTMLResponse
from rdflib import URIRef

from itukg.errors import NotFound
from itukg.graph.reads.named import valid_iri

from . import audit as audit_mod
from . import query as query_mod
from . import source as source_mod
from itukg.graph.reads.views import IKG, LINK_KINDS, SDG, Matrix, Node, TraceGraph, code_key, group_by
from .render import PageContext
from .svg import bars_svg, trace_svg
from itukg.graph.reads.text import Text

LEVELS = 5  # shade steps of the heatmaps (0 = no link)


def shade(count: int, top: int) -> int:
    """The shade step 0..LEVELS-1 of a heatmap cell. Raises nothing."""
    if count <= 0 or top <= 0:
        return 0
    if top <= LEVELS - 1:
        return min(count, LEVELS - 1)
    return max(1, min(LEVELS - 1, round(count / top * (LEVELS - 1) + 0.49)))


def legend(top: int) -> list[tuple[int, str]]:
    """``(shade step, label)`` for the heatmap legend: which counts each shade stands for."""
    if top <= 0:
        return [(0, "0")]
    steps: dict[int, list[int]] = defaultdict(list)
    for n in range(0, top + 1):
        steps[shade(n, top)].append(n)
    out = []
    for s in sorted(steps):
        ns = steps[s]
        out.append((s, str(ns[0]) if len(ns) == 1 else f"{ns[0]}–{ns[-1]}"))
    return out


def _problem_page(ctx: PageContext, status: int, title: str, detail: str) -> HTMLResponse:
    return ctx.render("problem.html", status=status, title=title, detail=detail)


def _document_iri(ctx: PageContext, document: str) -> str | None:
    """A document slug or IRI → its IRI; ``""`` for all documents (``all``, or nothing when
    there are few; with many, nothing means the first: a heatmap of thousands of rows helps
    nobody); ``None`` when unknown."""
    docs = ctx.data.documents()
    if document == "all" or (not document and len(docs) <= audit_mod.ALL_DOCUMENTS_UP_TO):
        return ""
    if not document:
        return docs[0].iri
    for d in docs:
        if document in (d.slug, d.iri, d.identifier):
            return d.iri
    return None


def _document_slug(ctx: PageContext, doc_iri: str) -> str:
    """The filter's selected value for a document IRI (``all`` for all)."""
    if doc_iri:
        return ctx.data.slug_of(doc_iri)
    return "all" if len(ctx.data.documents()) > audit_mod.ALL_DOCUMENTS_UP_TO else ""


# ---------------------------------------------------------------------------------------------
def home(ctx: PageContext) -> HTMLResponse:
    d = ctx.data
    docs = d.documents()
    outputs = d.outputs()
    links = d.link_counts()
    kinds = [(ctx.t.kind(k), links.get(k, 0), "bar-" + k) for k in LINK_KINDS]
    sev = audit_mod.severity_counts(ctx)
    report = sev is not None
    sev_counts = sev or {}
    sev_bars = [(ctx.t.severity(s), sev_counts.get(s, 0), "bar-sev-" + s.lower()) for s in audit_mod.SEVERITIES]
    per_doc = group_by(outputs, lambda n: n.iri.split("/output/")[0])  # D/output/{code} (model)
    return ctx.render(
        "home.html", active="home", docs=docs, outputs=outputs, per_doc=per_doc,
        links_svg=bars_svg(kinds, ctx.t("Links by kind")), links=links,
        sev_svg=bars_svg(sev_bars, ctx.t("Audit findings by severity")) if report else "",
        report=report, sev_counts=sev_counts, goal_13=None,
    )


# ---------------------------------------------------------------------------------------------
def _matrix_view(m: Matrix) -> dict:
    top = m.max
    return {"top": top, "legend": legend(top), "shade": lambda n: shade(n, top)}


def coverage_matrix(ctx: PageContext, goal: str = "", document: str = "") -> tuple[Matrix, Node | None, str]:
    """The SDG heatmap of a request: outputs × goals, or × the targets of ``goal`` (a code or
    IRI), of one document or all; with the goal's node and the document's IRI (``""``: all).
    Raises :class:`itukg.errors.NotFound` for an unknown document or goal."""
    d = ctx.data
    doc_iri = _document_iri(ctx, document)
    if doc_iri is None:
        raise NotFound(f"document {document!r}")
    if not goal:
        return d.coverage_goals(doc_iri or None), None, doc_iri
    giri = goal if goal.startswith("http") else SDG + goal
    goals = {n.iri: n for n in d.goals()}
    if giri not in goals:
        raise NotFound(f"SDG goal {goal!r}")
    return d.coverage_targets(giri, doc_iri or None), goals[giri], doc_iri


def wsis_matrix(ctx: PageContext, document: str = "") -> tuple[Matrix, str]:
    """WSIS action lines × SDG goals (of one document or all) and the document's IRI.
    Raises :class:`itukg.errors.NotFound` for an unknown document."""
    doc_iri = _document_iri(ctx, document)
    if doc_iri is None:
        raise NotFound(f"document {document!r}")
    return ctx.data.coverage_wsis(doc_iri or None), doc_iri


def downloads(ctx: PageContext, path: str, formats: tuple[str, ...], **params: str) -> list[tuple[str, str]]:
    """``(format, url)`` of a view's downloads: ``/coverage`` → ``/coverage.csv?goal=3``."""
    return [(f.upper(), ctx.url(f"{path}.{f}", **{k: v for k, v in params.items() if v})) for f in formats]


def coverage(ctx: PageContext, goal: str = "", document: str = "") -> HTMLResponse:
    try:
        m, goal_node, doc_iri = coverage_matrix(ctx, goal, document)
    except NotFound as exc:
        return _problem_page(ctx, 404, ctx.t("Not found"), exc.message)
    doc = _document_slug(ctx, doc_iri)
    return ctx.render("coverage.html", active="coverage", m=m, goal=goal_node, document=doc,
                      docs=ctx.data.documents(), **_matrix_view(m),
                      downloads=downloads(ctx, "/coverage", ("csv", "json", "svg", "png"),
                                          goal=goal_node.code if goal_node else "", document=doc))


def _output_node(ctx: PageContext, iri: str) -> Node | None:
    return next((n for n in ctx.data.outputs() if n.iri == iri), None)


def coverage_cell(ctx: PageContext, output: str, goal: str = "", target: str = "") -> HTMLResponse:
    d = ctx.data
    out = _output_node(ctx, output) if valid_iri(output) else None
    if out is None:
        return _problem_page(ctx, 404, ctx.t("Not found"), f"output {output!r}")
    col_iri = target or goal
    if not col_iri or not valid_iri(col_iri):
        return _problem_page(ctx, 422, ctx.t("Not found"), "goal or target IRI required")
    targets = {t.iri for t in d.targets_of(col_iri)} if goal else {col_iri}
    kinds = ("servesTarget", "servesGoal") if goal else ("servesTarget",)
    links = [a for a in d.assertions(subject=output)
             if a.kind in kinds and (a.object in targets or a.object == col_iri)]
    col = d.node(col_iri, "goal" if goal else "target")
    back = ctx.url("/coverage") if goal else ctx.url("/coverage", goal=d.code(d.goal_of(col_iri)))
    return ctx.render("cell.html", active="coverage", out=out, col=col, links=links, goal=goal, back=back)


def coverage_wsis(ctx: PageContext, document: str = "") -> HTMLResponse:
    try:
        m, doc_iri = wsis_matrix(ctx, document)
    except NotFound as exc:
        return _problem_page(ctx, 404, ctx.t("Not found"), exc.message)
    doc = _document_slug(ctx, doc_iri)
    return ctx.render("wsis.html", active="wsis", m=m, document=doc, docs=ctx.data.documents(),
                      **_matrix_view(m),
                      downloads=downloads(ctx, "/coverage/wsis", ("csv", "json", "svg", "png"), document=doc))


def coverage_wsis_cell(ctx: PageContext, wsis: str, goal: str, document: str = "") -> HTMLResponse:
    d = ctx.data
    if not (valid_iri(wsis) and valid_iri(goal)):
        return _problem_page(ctx, 422, ctx.t("Not found"), "wsis and goal IRIs required")
    doc_iri = _document_iri(ctx, document) or ""
    targets = {t.iri for t in d.targets_of(goal)}
    rows = []
    for a in d.assertions(obj=wsis):
        if a.kind != "supportsActionLine":
            continue
        out = _output_node(ctx, a.subject)
        if out is None:
            continue
        sdg = [b for b in d.assertions(subject=a.subject)
               if (b.kind == "servesTarget" and b.object in targets) or (b.kind == "servesGoal" and b.object == goal)]
        if sdg and (not doc_iri or any(doc_iri.endswith("/" + ln.slug) for ln in a.lines)):
            rows.append((out, a, sdg))
    rows.sort(key=lambda r: r[0].sort_key)
    return ctx.render("wsis_cell.html", active="wsis", wsis=d.node(wsis, "wsis"), goal=d.node(goal, "goal"), rows=rows)


# ---------------------------------------------------------------------------------------------
_EDGE_ORDER = {"mandatedBy": 0, "citesResolution": 1, "servesTarget": 2, "servesGoal": 3, "isTargetOf": 4}


def trace_graph(ctx: PageContext, focus: str) -> TraceGraph:
    """The trace around ``focus`` (an IRI), edges in the order the picture and the table number
    them (edge-i ↔ row-i). Raises :class:`itukg.errors.NotFound` for an IRI not in the graph
    (or not a valid IRI)."""
    if not valid_iri(focus):
        raise NotFound(f"not an IRI of the graph: {focus!r}")
    g = ctx.data.trace(focus)
    if g.focus is None:
        raise NotFound(f"not in the graph: {focus}")
    names = {n.iri: n for col in g.columns.values() for n in col}
    g.edges = sorted(g.edges, key=lambda e: (_EDGE_ORDER.get(e.kind, 9), names[e.source].sort_key,
                                             names[e.target].sort_key))
    return g


def trace(ctx: PageContext, focus: str = "", q: str = "") -> HTMLResponse:
    d = ctx.data
    if not focus:  # the start: a search box, what it found, and the goals with their outputs
        found = d.search(q) if q.strip() else []
        return ctx.render("trace.html", active="trace", graph=None, svg="", focus="", q=q, found=found,
                          start=d.goal_counts())
    if not valid_iri(focus):
        return _problem_page(ctx, 422, ctx.t("This IRI is not in the graph."), focus)
    try:
        g = trace_graph(ctx, focus)
    except NotFound:
        return ctx.render("trace.html", active="trace", graph=None, svg="", focus=focus, q=q, found=[],
                          start=[], unknown=True, status=404)
    names = {n.iri: n for col in g.columns.values() for n in col}
    svg = trace_svg(g, ctx.t, d.href, ctx.lang) if g.edges else ""
    targets = [n for n in g.columns.get("target", [])] if g.focus.kind == "goal" else []
    return ctx.render("trace.html", active="trace", graph=g, svg=svg, focus=focus, edges=g.edges, q=q, found=[],
                      start=[], names=names, focus_targets=targets,
                      downloads=downloads(ctx, "/trace", ("csv", "json"), focus=focus))


# ---------------------------------------------------------------------------------------------
def audit(ctx: PageContext, severity: str = "", document: str = "", output: str = "") -> HTMLResponse:
    return audit_mod.page(ctx, severity=severity, document=document, output=output)


def audit_csv(ctx: PageContext, severity: str = "", document: str = "", output: str = ""):
    return audit_mod.csv_response(ctx, severity=severity, document=document, output=output)


# ---------------------------------------------------------------------------------------------
def sources(ctx: PageContext) -> HTMLResponse:
    return ctx.render("sources.html", active="sources", docs=ctx.data.documents())


def source(ctx: PageContext, slug: str) -> HTMLResponse:
    doc = ctx.data.document_by_slug(slug)
    if doc is None:
        return _problem_page(ctx, 404, ctx.t("Not found"), f"document {slug!r}")
    view = source_mod.lines_of(ctx, doc)
    return ctx.render("source.html", active="sources", doc=doc, view=view)


# ---------------------------------------------------------------------------------------------
def resource(ctx: PageContext, iri: str) -> HTMLResponse:
    """Any IRI of the store (also those not minted under the base, e.g. UN SDG KOS IRIs) in the
    same view the linked-data IRIs give a browser. 422 page for an invalid IRI, 404 page when
    nothing is known about it."""
    from itukg.graph.reads import linked_data as ld
    from itukg.errors import NotFound

    from .resource import render_view

    if not iri or not valid_iri(iri):
        return _problem_page(ctx, 422, ctx.t("Not in the graph"), iri or "iri")
    runner = ctx.data.store.runner
    try:
        view = anyio.from_thread.run(functools.partial(ld.resource_view, runner, ctx.settings, URIRef(iri),
                                                       lang=ctx.lang))
    except NotFound:
        return _problem_page(ctx, 404, ctx.t("Not in the graph"), iri)
    path = ld.service_path(ctx.settings, iri)
    if path:
        view.alternates = [(f, f"{path}?format={f}", f) for f in ("turtle", "jsonld", "ntriples", "rdfxml")]
    html = render_view(view, lang=ctx.lang, path=ctx.request.url.path, query=ctx.request.url.query,
                       base_iri=ctx.settings.base_iri)
    return ctx.finish(HTMLResponse(html))


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"


# ---------------------------------------------------------------------------------------------
def query(ctx: PageContext) -> HTMLResponse:
    return query_mod.page(ctx)


__all__ = ["coverage_matrix", "wsis_matrix", "trace_graph", "downloads", "home", "coverage", "coverage_cell", "coverage_wsis", "coverage_wsis_cell", "trace", "audit",
           "audit_csv", "sources", "source", "resource", "query", "shade", "legend",
           "Text", "IKG", "code_key"]
