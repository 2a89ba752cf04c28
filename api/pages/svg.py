"""Pictures drawn from the graph at request time, as inline SVG built on the server.

Only :func:`trace_svg` (the chain resolution → output → target → goal) and :func:`bars_svg`
(small horizontal bar charts) live here. The SVG is accessible: it has a ``<title>`` and
``<desc>``, every node and every edge is a real link (keyboard-focusable, ``aria-label``
naming it), and every edge carries its source line in a ``<title>`` (shown on hover).
Everything is escaped; nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from itukg.graph.reads.views import Edge, TraceGraph
from .i18n import Translator

COLS = ("resolution", "output", "target", "goal")
COL_X = {"resolution": 0, "output": 290, "target": 580, "goal": 800}
COL_W = {"resolution": 210, "output": 230, "target": 160, "goal": 200}
NODE_H = 40
GAP = 12
TOP = 36


def _attr(s: str) -> str:
    return escape(s, quote=True)


def _lang_attr(lang: str, page_lang: str) -> str:
    short = lang.split("-")[0].lower() if lang else ""
    return f' lang="{short}"' if short and short != page_lang else ""


def _edge_title(e: Edge, t: Translator, label: Callable[[str], str]) -> str:
    head = f"{label(e.source)} → {label(e.target)}"
    if e.style == "kos":
        return f"{head}: {t('UN SDG framework (target of goal)')}"
    parts = [head]
    if e.label:
        parts.append(f"“{e.label}”")
    for ln in e.lines:
        parts.append(f"{ln.slug} {t('line')} {ln.number}: {ln.text.strip()}")
    return "\n".join(parts)


def trace_svg(graph: TraceGraph, t: Translator, href: Callable[[str], str], lang: str) -> str:
    """The trace diagram as an ``<svg>`` element string. Raises nothing."""
    pos: dict[str, tuple[float, float]] = {}
    names: dict[str, str] = {}
    heights = []
    for col in COLS:
        nodes = graph.columns.get(col, [])
        for i, n in enumerate(nodes):
            pos[n.iri] = (COL_X[col], TOP + i * (NODE_H + GAP))
            names[n.iri] = f"{t('Output')} {n.code}" if col == "output" else n.code
        heights.append(TOP + len(nodes) * (NODE_H + GAP))
    height = max(heights + [TOP + NODE_H + GAP]) + 8
    width = COL_X["goal"] + COL_W["goal"]
    focus = graph.focus.iri if graph.focus else ""

    out: list[str] = [
        f'<svg class="trace" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="group" aria-labelledby="trace-svg-title trace-svg-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="trace-svg-title">{_attr(t("Trace"))}</title>',
        f'<desc id="trace-svg-desc">{_attr(t("Pick an output, a resolution, an SDG goal or a target: the diagram shows the chain resolution → output → target → goal. Hover or focus an edge to read its source line; click it to open the line in the document."))}</desc>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>',
    ]
    for col in COLS:
        out.append(f'<text class="col-head" x="{COL_X[col]}" y="16">{_attr(t.column(col))}</text>')

    # edges first, so nodes sit on top
    for i, e in enumerate(graph.edges):
        if e.source not in pos or e.target not in pos:
            continue
        sc = next(c for c in COLS if any(n.iri == e.source for n in graph.columns.get(c, [])))
        sx, sy = pos[e.source]
        tx, ty = pos[e.target]
        x1, y1 = sx + COL_W[sc], sy + NODE_H / 2
        x2, y2 = tx - 2, ty + NODE_H / 2
        dx = max(40.0, (x2 - x1) / 2)
        d = f"M{x1:.0f},{y1:.0f} C{x1 + dx:.0f},{y1:.0f} {x2 - dx:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        title = _edge_title(e, t, lambda iri: names.get(iri, iri))
        cls = f"edge edge-{e.style}"
        path = (f'<path class="hit" d="{d}"/><path class="line" d="{d}" marker-end="url(#arrow)"/>'
                f"<title>{_attr(title)}</title>")
        if e.lines:
            ln = e.lines[0]
            out.append(f'<a class="{cls}" id="edge-{i}" href="{_attr(ln.href)}" aria-label="{_attr(title)}">{path}</a>')
        else:
            out.append(f'<g class="{cls}" id="edge-{i}">{path}</g>')

    for col in COLS:
        w = COL_W[col]
        for n in graph.columns.get(col, []):
            x, y = pos[n.iri]
            code = names[n.iri]
            title = n.title.truncated(18 if col != "output" else 20) if n.title else None
            cls = "node node-" + col + (" node-focus" if n.iri == focus else "")
            full = f"{code} {n.title.value}" if n.title else code
            label = f'<text class="code" x="{x + 10}" y="{y + 16}">{_attr(code)}'
            if n.document:
                label += f' <tspan class="doc">{_attr(n.document)}</tspan>'
            label += "</text>"
            if title:
                label += (f'<text class="sub" x="{x + 10}" y="{y + 32}"{_lang_attr(title.lang, lang)}>'
                          f"{_attr(title.value)}</text>")
            out.append(
                f'<a class="{cls}" href="/trace?focus={_attr(_q(n.iri))}" aria-label="{_attr(full)}">'
                f'<rect x="{x}" y="{y}" width="{w}" height="{NODE_H}" rx="6"/>{label}'
                f"<title>{_attr(full)}</title></a>"
            )
    out.append("</svg>")
    return "".join(out)


def _q(iri: str) -> str:
    from urllib.parse import quote

    return quote(iri, safe="")


def bars_svg(items: Sequence[tuple[str, int, str]], label: str, width: int = 360) -> str:
    """A horizontal bar chart: ``(name, value, css class)`` per bar. Raises nothing."""
    row = 26
    label_w = 190
    height = row * max(1, len(items)) + 4
    top = max((v for _, v, _ in items), default=0) or 1
    out = [f'<svg class="bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
           f'aria-label="{_attr(label)}" xmlns="http://www.w3.org/2000/svg"><title>{_attr(label)}</title>']
    for i, (name, value, cls) in enumerate(items):
        y = i * row + 2
        w = (width - label_w - 40) * value / top
        out.append(f'<text class="bar-label" x="0" y="{y + 16}">{_attr(name)}</text>'
                   f'<rect class="bar {cls}" x="{label_w}" y="{y + 4}" width="{max(w, 1 if value else 0):.1f}" height="16" rx="3"/>'
                   f'<text class="bar-value" x="{label_w + w + 6:.1f}" y="{y + 16}">{value}</text>')
    out.append("</svg>")
    return "".join(out)


#: The heatmap shades (as ``--s0`` ... ``--s4`` in style.css): a standalone SVG carries its colours.
SHADES = ("#f1f3f6", "#d6e6f3", "#9fc5e5", "#5b9bd0", "#1f5f9e")
# A CJK font first: it has Latin letters too, and cairo (the PNG) takes the first family only.
_FONT = "font-family=\"'Noto Sans CJK SC', 'Noto Sans', 'DejaVu Sans', sans-serif\""
CELL_W, CELL_H = 28, 22


def _cut(s: str, n: int) -> str:
    """``s`` cut to about ``n`` Latin letters' width (a CJK character counts two), with "…"."""
    width = 0
    for i, ch in enumerate(s):
        width += 2 if ord(ch) >= 0x2E80 else 1
        if width > n:
            return s[:max(1, i - 1)].rstrip() + "…"
    return s


def heatmap_svg(m, *, title: str, shade: Callable[[int], int], legend: Sequence[tuple[int, str]],
                legend_title: str, lang: str = "en") -> str:
    """A coverage heatmap as a standalone SVG document (download, PNG source): every row and
    every column written out with its code and name on the axes, the count in each cell, a
    legend of the shades. ``m`` is a :class:`~itukg.graph.reads.views.Matrix`. Raises nothing."""
    label_w, top_h = 360, 200
    width = label_w + CELL_W * max(1, len(m.cols)) + 180  # room for the last slanted names
    body_h = CELL_H * max(1, len(m.rows))
    height = 40 + top_h + body_h + 60
    y0 = 40 + top_h
    out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
           f'xml:lang="{_attr(lang)}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" {_FONT}>',
           f"<title>{_attr(title)}</title>",
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="8" y="24" font-size="16" font-weight="600" fill="#1d2733">{_attr(title)}</text>']
    for j, c in enumerate(m.cols):  # column names, slanted up the top margin
        x = label_w + j * CELL_W + CELL_W / 2
        name = f"{c.code} {_cut(c.title.value, 34)}" if c.title else c.code
        out.append(f'<text class="col-name" x="{x:.0f}" y="{y0 - 6}" font-size="11" fill="#1d2733" '
                   f'transform="rotate(-55 {x:.0f} {y0 - 6})">{_attr(name)}</text>')
    for i, r in enumerate(m.rows):  # row names down the left margin
        y = y0 + i * CELL_H
        doc = f" ({r.document})" if r.document else ""
        title = r.title.value if r.title else ""
        title = title[len(r.code):].strip() if title.startswith(r.code) else title  # "C1 C1 The role"
        name = f"{r.code}{doc} {_cut(title, 44)}".strip()
        out.append(f'<text class="row-name" x="{label_w - 8}" y="{y + 15}" font-size="11" text-anchor="end" '
                   f'fill="#1d2733">{_attr(_cut(name, 58))}</text>')
        for j, c in enumerate(m.cols):
            n = m.count(r, c)
            x = label_w + j * CELL_W
            out.append(f'<rect x="{x + 1}" y="{y + 1}" width="{CELL_W - 2}" height="{CELL_H - 2}" rx="3" '
                       f'fill="{SHADES[shade(n)]}"/>')
            if n:
                ink = "#ffffff" if shade(n) >= 3 else "#1d2733"
                out.append(f'<text x="{x + CELL_W / 2:.0f}" y="{y + 15}" font-size="11" text-anchor="middle" '
                           f'fill="{ink}">{n}</text>')
    ly = y0 + body_h + 30
    out.append(f'<text x="8" y="{ly + 14}" font-size="11" fill="#6a7686">{_attr(legend_title)}</text>')
    for k, (step, label) in enumerate(legend):
        x = label_w + k * 70
        out.append(f'<rect x="{x}" y="{ly}" width="18" height="18" rx="3" fill="{SHADES[step]}"/>'
                   f'<text x="{x + 24}" y="{ly + 14}" font-size="11" fill="#1d2733">{_attr(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
