"""The pages' reads, part three: link assertions and their source lines, the trace graph
(resolution → output → target → goal around a focus), a resource's triples and a document's
stored lines."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.term import Identifier

from itukg.graph.ontology import IKG_NS as IKG
from itukg.graph.ontology import SDGO_NS as SDGO
from itukg.graph.reads.codes import code_key
from itukg.graph.reads.text import local_name
from itukg.graph.reads.views.base import Reads, _s
from itukg.graph.reads.views.models import LINK_KINDS, Assertion, Edge, LineRef, Node, TraceGraph


class TraceReads(Reads):
    """Provenance, trace graph, resources and source lines for the pages."""

    # -- provenance --------------------------------------------------------------------------
    def assertions(self, subject: str | None = None, obj: str | None = None,
                   kinds: tuple[str, ...] = ()) -> list[Assertion]:
        """Link assertions with their source lines, by subject and/or object IRI, optionally
        only those of some ``kinds`` (local names of ``ikg:`` properties, from this module)."""
        wanted = {IKG + k for k in kinds}
        b: dict[str, Identifier] = {}
        if subject:
            b["s"] = URIRef(subject)
        if obj:
            b["o"] = URIRef(obj)
        # the kinds are kept here rather than in a FILTER: a subject or object is bound, so
        # the rows are few, and the query text stays one constant file
        rows = [r for r in self._select("assertions", **b) if not wanted or str(r["p"]) in wanted]
        out: dict[str, Assertion] = {}
        for r in rows:
            a = out.setdefault(str(r["la"]), Assertion(str(r["la"]), str(r["s"]), str(r["p"]), str(r["o"]),
                                                        _s(r.get("aw"))))
            if r.get("line") is not None:
                ref = self.line_ref(str(r["line"]), r.get("n"), r.get("text"), r.get("sec"))
                if ref and ref not in a.lines:
                    a.lines.append(ref)
        return sorted(out.values(), key=lambda a: (a.subject, LINK_KINDS.index(a.kind) if a.kind in LINK_KINDS else 9,
                                                   code_key(local_name(a.object))))

    def derived_from(self, iri: str) -> list[LineRef]:
        rows = self._select("derived-from", x=URIRef(iri))
        refs = [self.line_ref(str(r["line"]), r.get("n"), r.get("text"), r.get("sec")) for r in rows]
        return sorted({r for r in refs if r}, key=lambda r: (r.slug, r.number))

    # -- trace -------------------------------------------------------------------------------
    _RELATED = {  # focus kind → the queries (files) of the outputs related to it
        "resolution": ["related-mandated", "related-citing"],
        "goal": ["related-goal", "related-goal-targets"],
        "target": ["related-target"],
    }

    def _citations(self, output: str) -> list[dict]:
        """Resolutions an output's text cites outside its formal references, with lines."""
        return self._select("citations", out=URIRef(output))

    def trace(self, focus: str, max_nodes: int = 80) -> TraceGraph:
        """The chain resolution → output → target → goal around ``focus`` (an output, a
        resolution, an SDG goal or target). At most ``max_nodes`` outputs (by document and
        code) are traced; the other columns follow from them.

        Two steps, each made of indexed lookups: the outputs related to the focus, then each
        output's link assertions and citations (one bound query each)."""
        kind = self.kind_of(focus)
        fnode = self.node(focus, kind) if kind else None
        if kind not in ("output", "resolution", "goal", "target"):
            return TraceGraph(fnode, {}, [])
        f = URIRef(focus)
        if kind == "output":
            related = {focus}
        else:
            related = {str(r["out"]) for q in self._RELATED[kind] for r in self._select(q, focus=f)}
        all_outputs = [n for n in self.outputs() if n.iri in related][:max_nodes]
        goal_of = {str(r["t"]): str(r["g"]) for r in self._select("targets-of-goal")}
        focus_goal = goal_of.get(focus, "") if kind == "target" else ""
        self._prefetch_labels(SDGO + "Target")
        self._prefetch_labels(SDGO + "Goal")

        def keep_target(t: str) -> bool:
            return {"goal": goal_of.get(t) == focus, "target": t == focus}.get(kind, True)

        def keep_goal(g: str) -> bool:
            return {"goal": g == focus, "target": g == focus_goal}.get(kind, True)

        def keep_resolution(r: str) -> bool:
            return kind != "resolution" or r == focus

        edges: dict[tuple[str, str, str], Edge] = {}
        nodes: dict[str, set[str]] = {k: set() for k in ("resolution", "output", "target", "goal")}

        def edge(s: str, t: str, style: str, label: str, lines: list[LineRef], kind_: str) -> None:
            e = edges.setdefault((s, t, style), Edge(s, t, style, label, [], kind_))
            for line in lines:
                if line not in e.lines:
                    e.lines.append(line)

        for out_node in all_outputs:
            out = out_node.iri
            nodes["output"].add(out)
            for a in self.assertions(subject=out, kinds=("mandatedBy", "servesTarget", "servesGoal")):
                if a.kind == "mandatedBy" and keep_resolution(a.object):
                    nodes["resolution"].add(a.object)
                    edge(a.object, out, "formal", a.as_written, a.lines, "mandatedBy")
                elif a.kind == "servesTarget" and keep_target(a.object):
                    nodes["target"].add(a.object)
                    edge(out, a.object, "formal", a.as_written, a.lines, "servesTarget")
                elif a.kind == "servesGoal" and keep_goal(a.object):
                    nodes["goal"].add(a.object)
                    edge(out, a.object, "formal", a.as_written, a.lines, "servesGoal")
            for r in self._citations(out):
                res = str(r["r"])
                if not keep_resolution(res):
                    continue
                nodes["resolution"].add(res)
                line = self.line_ref(_s(r.get("line")), r.get("n"), r.get("text"), r.get("sec")) if r.get("line") else None
                edge(res, out, "background", _s(r.get("q")), [line] if line else [], "citesResolution")
        for t in list(nodes["target"]):
            g = goal_of.get(t)
            if g and keep_goal(g):
                nodes["goal"].add(g)
                edge(t, g, "kos", "", [], "isTargetOf")
        # a direct output → goal edge is drawn only when no target of that goal carries the link
        covered = {(e.source, goal_of.get(e.target)) for e in edges.values() if e.kind == "servesTarget"}
        drawn = [e for e in edges.values() if not (e.kind == "servesGoal" and (e.source, e.target) in covered)]

        columns = self._columns(all_outputs, nodes, max_nodes)
        shown = {n.iri for ns in columns.values() for n in ns}
        drawn = [e for e in drawn if e.source in shown and e.target in shown]
        return TraceGraph(fnode, columns, drawn)

    def _columns(self, outputs: list[Node], nodes: dict[str, set[str]],
                 max_nodes: int) -> dict[str, list[Node]]:
        """The trace's columns, left to right, each sorted by code and cut at ``max_nodes``."""
        columns: dict[str, list[Node]] = {"output": outputs}
        for k in ("resolution", "target", "goal"):
            columns[k] = sorted((self.node(i, k) for i in nodes[k]), key=lambda n: code_key(n.code))[:max_nodes]
        return {k: columns[k] for k in ("resolution", "output", "target", "goal")}

    # -- resources ---------------------------------------------------------------------------
    def outgoing(self, iri: str) -> list[tuple[str, Identifier, str]]:
        rows = self._select("outgoing", x=URIRef(iri))
        return [(str(r["p"]), r["o"], str(r["g"])) for r in rows]

    def incoming(self, iri: str, limit: int = 200) -> tuple[list[tuple[str, str]], int]:
        rows = self._select("incoming", x=URIRef(iri))
        pairs = sorted({(str(r["s"]), str(r["p"])) for r in rows}, key=lambda sp: (sp[1], code_key(local_name(sp[0]))))
        return pairs[:limit], len(pairs)

    # -- source ------------------------------------------------------------------------------
    def stored_lines(self, doc_iri: str) -> dict[int, str]:
        rows = self._select("stored-lines", d=URIRef(doc_iri))
        return {int(str(r["n"])): _s(r.get("text")) for r in rows}

    def full_text(self, doc_iri: str) -> str | None:
        """The document's full text when the build kept it (``ikg:sourceText``), else ``None``."""
        try:
            rows = self._select("full-text", d=URIRef(doc_iri))
        except Exception:  # noqa: BLE001 - an engine that rejects the term means "not kept"
            return None
        return _s(rows[0]["t"]) if rows else None

    def word_locators(self, doc_iri: str) -> list[str] | None:
        """Each line's place in the Word file (``p12``, ``t3/r2/c1/p0``) for a document read
        from a Word file, else ``None``. Raises what the store raises."""
        rows = self._select("word-locators", d=URIRef(doc_iri))
        return _s(rows[0]["t"]).split("\n") if rows else None

    def amendments(self, doc_iri: str) -> list[dict]:
        """The document's amendments (kind, text, line ``n``, ``start``/``end`` in the line as
        written, author, date), in line order. Raises what the store raises."""
        return [{"kind": _s(r["kind"]), "text": _s(r.get("text")), "n": int(str(r["n"])),
                 "start": int(str(r["start"])), "end": int(str(r["end"])),
                 "author": _s(r.get("author")), "date": _s(r.get("date"))}
                for r in self._select("amendments", d=URIRef(doc_iri))]
