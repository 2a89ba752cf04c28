"""Downloads of the views people look at (decision 0145): each coverage heatmap (SDG goals, a
goal's targets, WSIS lines × goals) as CSV, JSON, SVG and PNG, and each trace as CSV and JSON.

The view is read exactly as its page reads it (:func:`.views.coverage_matrix`,
:func:`.views.wsis_matrix`, :func:`.views.trace_graph`), turned into rows or JSON by
:mod:`itukg.graph.reads.views.export`, and sent with its media type and a
``Content-Disposition: attachment`` file name that says what it holds. The PNG is the SVG
rendered on the server by cairosvg (no browser needed; ``curl`` gets the same picture).

Errors are raised (:class:`itukg.errors.NotFound`, :class:`DownloadError`) and become
problem+json in :mod:`itukg.api.problems`.
"""

from __future__ import annotations

import csv
import io
import json
import re

from fastapi.responses import Response

from itukg.errors import ItukgError
from itukg.graph.reads.views.export import matrix_json, matrix_table, trace_json, trace_table

from . import views
from .render import PageContext
from .svg import heatmap_svg

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "svg": "image/svg+xml",
    "png": "image/png",
}
TABLE_FORMATS = ("csv", "json")
PICTURE_FORMATS = ("csv", "json", "svg", "png")


class DownloadError(ItukgError):
    """A format the view cannot be downloaded in."""

    title = "Unsupported download format"
    status = 404


def _filename(*parts: str) -> str:
    """A safe file name from the view's parts: ``coverage-sdg-goal-9-acp-22a14-4-zh``."""
    name = "-".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "download"


def _send(body: bytes | str, fmt: str, name: str) -> Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Response(data, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
        "Cache-Control": "no-store",  # drawn from the graph as it is now
    })


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # a BOM, so spreadsheet programs read the Chinese names as UTF-8
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _png(svg: str) -> bytes:
    """The SVG rendered to PNG at twice its size (sharp on high-density screens)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=2, unsafe=False)


def _check(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise DownloadError(f"no {fmt!r} download of this view (formats: {', '.join(allowed)})")


def coverage(ctx: PageContext, fmt: str, goal: str = "", document: str = "") -> Response:
    """The SDG heatmap (goals, or a goal's targets) in ``fmt``. Raises NotFound, DownloadError."""
    _check(fmt, PICTURE_FORMATS)
    m, goal_node, doc_iri = views.coverage_matrix(ctx, goal, document)
    doc = ctx.data.slug_of(doc_iri) if doc_iri else ""
    name = _filename("coverage-sdg", f"goal-{goal_node.code}" if goal_node else "", doc)
    title = (ctx.t("SDG coverage: outputs × targets of goal %(goal)s", goal=goal_node.code) if goal_node
             else ctx.t("SDG coverage: outputs × goals"))
    view = "sdg-targets" if goal_node else "sdg-goals"
    return _matrix(ctx, m, fmt, name, title, view, doc, goal_node, ctx.t("Legend: number of links"))


def wsis(ctx: PageContext, fmt: str, document: str = "") -> Response:
    """WSIS action lines × SDG goals in ``fmt``. Raises NotFound, DownloadError."""
    _check(fmt, PICTURE_FORMATS)
    m, doc_iri = views.wsis_matrix(ctx, document)
    doc = ctx.data.slug_of(doc_iri) if doc_iri else ""
    return _matrix(ctx, m, fmt, _filename("coverage-wsis", doc), ctx.t("WSIS action lines × SDG goals"),
                   "wsis-goals", doc, None, ctx.t("Legend: number of outputs"))


def _matrix(ctx: PageContext, m, fmt: str, name: str, title: str, view: str, doc: str, goal_node,
            legend_title: str) -> Response:
    if fmt == "csv":
        return _send(_csv(matrix_table(m)), fmt, name)
    if fmt == "json":
        doc_json = matrix_json(m, view=view, document=doc, goal=goal_node)
        return _send(json.dumps(doc_json, ensure_ascii=False, indent=1), fmt, name)
    top = m.max
    svg = heatmap_svg(m, title=title, shade=lambda n: views.shade(n, top), legend=views.legend(top),
                      legend_title=legend_title, lang=ctx.lang)
    return _send(svg if fmt == "svg" else _png(svg), fmt, name)


def trace(ctx: PageContext, fmt: str, focus: str) -> Response:
    """The trace around ``focus`` in ``fmt`` (csv, json). Raises NotFound, DownloadError."""
    _check(fmt, TABLE_FORMATS)
    g = views.trace_graph(ctx, focus)
    name = _filename("trace", g.focus.kind, g.focus.code.replace(" ", "-"), g.focus.document)
    if fmt == "csv":
        return _send(_csv(trace_table(g)), fmt, name)
    return _send(json.dumps(trace_json(g), ensure_ascii=False, indent=1), fmt, name)
