"""The views as data people take away (decision 0145): a coverage matrix or a trace as rows of a
table (CSV) and as a JSON document, from the same view models the pages draw. No reads here:
the callers read the matrix or trace through :class:`~itukg.graph.reads.views.PageData`.

The JSON keeps IRIs next to codes and names, so a download can be joined back to the graph; the
CSV is the heatmap as a person sees it (one row per row of the view, one column per column) or,
for a trace, one row per edge with the line that states it.
"""

from __future__ import annotations

from itukg.graph.reads.views.models import Edge, Matrix, Node, TraceGraph


def _name(n: Node) -> str:
    return n.title.value if n.title else ""


def node_json(n: Node) -> dict:
    """A node as JSON: IRI, kind, code, name (and its language), document for outputs."""
    out = {"iri": n.iri, "kind": n.kind, "code": n.code, "name": _name(n)}
    if n.title and n.title.lang:
        out["nameLang"] = n.title.lang
    if n.document:
        out["document"] = n.document
    return out


def matrix_json(m: Matrix, *, view: str, document: str = "", goal: Node | None = None) -> dict:
    """A heatmap as JSON: its rows and columns (with names) and every non-empty cell."""
    return {
        "view": view,
        "document": document or None,
        "goal": node_json(goal) if goal else None,
        "rows": [node_json(r) for r in m.rows],
        "columns": [{**node_json(c), "rows": m.col_total(c)} for c in m.cols],
        "cells": [{"row": r.iri, "column": c.iri, "count": m.count(r, c)}
                  for r in m.rows for c in m.cols if m.count(r, c)],
    }


def matrix_table(m: Matrix) -> list[list[str]]:
    """A heatmap as a table: a header (row kind, document, code, name, then ``code name`` of
    each column) and one line per row with its counts (0 for no link)."""
    head = ["iri", "document", "code", "name"] + [f"{c.code} {_name(c)}".strip() for c in m.cols]
    rows = [[r.iri, r.document, r.code, _name(r)] + [str(m.count(r, c)) for c in m.cols] for r in m.rows]
    return [head, *rows]


def _edge_nodes(g: TraceGraph) -> dict[str, Node]:
    return {n.iri: n for col in g.columns.values() for n in col}


def edge_json(e: Edge, nodes: dict[str, Node]) -> dict:
    return {
        "from": node_json(nodes[e.source]) if e.source in nodes else {"iri": e.source},
        "link": e.kind,
        "style": e.style,
        "to": node_json(nodes[e.target]) if e.target in nodes else {"iri": e.target},
        "asWritten": e.label,
        "lines": [{"document": ln.slug, "line": ln.number, "text": ln.text, "section": ln.section,
                   "iri": ln.iri} for ln in e.lines],
    }


def trace_json(g: TraceGraph) -> dict:
    """A trace as JSON: its focus, its columns (resolution, output, target, goal) and every
    edge with the lines that state it."""
    nodes = _edge_nodes(g)
    return {
        "focus": node_json(g.focus) if g.focus else None,
        "columns": {k: [node_json(n) for n in v] for k, v in g.columns.items()},
        "edges": [edge_json(e, nodes) for e in g.edges],
    }


def trace_table(g: TraceGraph) -> list[list[str]]:
    """A trace as a table: one line per edge and source line (an edge stated on two lines gives
    two), with both ends' kind, code and IRI, the link, the words as written and the line."""
    nodes = _edge_nodes(g)
    head = ["from_kind", "from_code", "from_iri", "link", "to_kind", "to_code", "to_iri", "as_written",
            "document", "line", "line_text"]
    out = [head]
    for e in g.edges:
        s, t = nodes.get(e.source), nodes.get(e.target)
        ends = [s.kind if s else "", s.code if s else "", e.source, e.kind,
                t.kind if t else "", t.code if t else "", e.target, e.label]
        for ln in e.lines or [None]:
            out.append(ends + ([ln.slug, str(ln.number), ln.text.strip()] if ln else ["", "", ""]))
    return out
