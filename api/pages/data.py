"""The graph reads behind the pages.

Every query here takes its values through the store's ``bindings`` (never pasted into the
query text) and reads the model of ``docs/model.md`` only: outputs and their formal links
(``ikg:mandatedBy``, ``ikg:supportsActionLine``, ``ikg:servesTarget``, ``ikg:servesGoal``), the
``ikg:LinkAssertion`` provenance nodes (``rdf:subject/predicate/object`` +
``prov:wasDerivedFrom`` → ``ikg:SourceLine``), and the reference graph's SDG goals/targets
and WSIS lines. Nothing here knows the corpus: codes, goals and lines all come from the graph.

All methods raise :class:`itukg.errors.StoreError` / :class:`itukg.errors.QueryError` as the store
does; none raises for an IRI that is not in the graph (they return empty results).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from rdflib import URIRef
from rdflib.term import Identifier, Literal

from itukg.graph.reads.sparql import read_query
from itukg.graph.store import SelectResult, Store

from .text import Text, choose, local_name, text_of

IKG = "https://w3id.org/itukg/ontology#"
SDG = "http://metadata.un.org/sdg/"
SDGO = "http://metadata.un.org/sdg/ontology#"

# The formal links of an output, in the order the pages show them.
LINK_KINDS = ("mandatedBy", "supportsActionLine", "servesTarget", "servesGoal")


def code_key(code: str) -> tuple:
    """Sort key for codes such as ``4.10``, ``13.b``, ``C7``, ``17``: numbers numerically,
    letters after numbers. Never raises."""
    parts = re.split(r"[.\-/ ]", code)
    key: list[tuple] = []
    for p in parts:
        m = re.fullmatch(r"([A-Za-z]*)(\d+)", p)
        if m:
            key.append((0, m[1], int(m[2])))
        else:
            key.append((1, p, 0))
    return tuple(key)


# --------------------------------------------------------------------------------------------
# view models


@dataclass(frozen=True)
class LineRef:
    """One source line: where a link or a finding comes from."""

    iri: str
    slug: str
    number: int
    text: str = ""
    section: str = ""

    @property
    def href(self) -> str:
        return f"/source/{quote(self.slug)}#L{self.number}"


@dataclass
class Document:
    iri: str
    slug: str
    identifier: str
    language: str
    title: Text | None
    source_file: str
    line_count: int | None


@dataclass
class Node:
    """A resource shown on a page: its IRI, a short code-like name and a longer title."""

    iri: str
    kind: str  # output resolution target goal wsis document other
    code: str
    title: Text | None = None
    document: str = ""  # document identifier (outputs), for disambiguation

    @property
    def sort_key(self) -> tuple:
        return (self.document, code_key(self.code), self.iri)


@dataclass
class Assertion:
    """An asserted link with its provenance."""

    iri: str
    subject: str
    predicate: str
    object: str
    as_written: str = ""
    lines: list[LineRef] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.predicate[len(IKG):] if self.predicate.startswith(IKG) else local_name(self.predicate)


@dataclass
class Edge:
    source: str
    target: str
    style: str  # formal background kos
    label: str = ""  # as written, or the quote
    lines: list[LineRef] = field(default_factory=list)
    kind: str = ""


@dataclass
class TraceGraph:
    focus: Node | None
    columns: dict[str, list[Node]]
    edges: list[Edge]


@dataclass
class Matrix:
    """A heatmap: rows × columns with a count and the cell's link to its details."""

    rows: list[Node]
    cols: list[Node]
    counts: dict[tuple[str, str], int]

    @property
    def max(self) -> int:
        return max(self.counts.values(), default=0)

    def count(self, r: Node, c: Node) -> int:
        return self.counts.get((r.iri, c.iri), 0)

    def row_total(self, r: Node) -> int:
        return sum(1 for c in self.cols if self.counts.get((r.iri, c.iri)))

    def col_total(self, c: Node) -> int:
        return sum(1 for r in self.rows if self.counts.get((r.iri, c.iri)))


# --------------------------------------------------------------------------------------------


def _s(t: Identifier | None) -> str:
    return "" if t is None else str(t)


def _int(t: Identifier | None) -> int | None:
    if t is None:
        return None
    try:
        return int(str(t))
    except ValueError:
        return None


class PageData:
    """Reads for one request: a store, the base IRI and the interface language.

    Labels are cached for the life of the object (one request)."""

    def __init__(self, store: Store, base_iri: str, lang: str = "en"):
        self.store = store
        self.base = base_iri
        self.lang = lang
        self._labels: dict[str, list[tuple[str, Text]]] = {}
        self._docs: list[Document] | None = None
        self._res_re = re.compile(re.escape(base_iri + "id/resolution/") + r"([a-z]+)/([^/]+)$")
        self._line_re = re.compile(re.escape(base_iri + "id/doc/") + r"([^/]+)/line/(\d+)$")

    # -- plumbing ---------------------------------------------------------------------------
    def _select(self, name: str, **bindings: Identifier) -> list[dict[str, Identifier]]:
        """Rows of the internal query ``queries/reads/pages/{name}.rq`` with ``bindings``."""
        res = self.store.query(read_query("pages/" + name), bindings=bindings or None)
        if not isinstance(res, SelectResult):  # pragma: no cover - our queries are SELECTs
            raise TypeError("expected a SELECT result")
        return res.dicts()

    def href(self, iri: str) -> str:
        """Where a browser sees a resource: its own IRI path when minted under the base (the
        linked-data view), else the generic resource page."""
        if iri.startswith(self.base) and not iri.startswith(self.base + "graph/"):
            return "/" + iri[len(self.base):]
        return "/resource?iri=" + quote(iri, safe="")

    def line_ref(self, line_iri: str, number: Identifier | None = None, text: Identifier | None = None,
                 section: Identifier | None = None) -> LineRef | None:
        """A :class:`LineRef` from a source-line IRI (``D/line/N``); ``None`` for anything else."""
        m = self._line_re.match(line_iri)
        if not m:
            return None
        n = _int(number) if number is not None else int(m[2])
        return LineRef(line_iri, m[1], n if n is not None else int(m[2]), _s(text), _s(section))

    def slug_of(self, doc_iri: str) -> str:
        p = self.base + "id/doc/"
        return doc_iri[len(p):].split("/")[0] if doc_iri.startswith(p) else local_name(doc_iri)

    # -- labels -----------------------------------------------------------------------------
    def _label_rows(self, iri: str) -> list[tuple[str, Text]]:
        if iri not in self._labels:
            rows = self._select("labels", x=URIRef(iri))
            self._labels[iri] = [(str(r["p"]), text_of(r["l"])) for r in rows if isinstance(r["l"], Literal)]
        return self._labels[iri]

    def _pick(self, iri: str, *props: str) -> Text | None:
        rows = self._label_rows(iri)
        for p in props:
            t = choose([t for q, t in rows if q == p], self.lang)
            if t:
                return t
        return None

    def code(self, iri: str) -> str:
        t = self._pick(iri, IKG + "code", "http://www.w3.org/2004/02/skos/core#notation",
                       "http://purl.org/dc/terms/identifier")
        return t.value if t else ""

    def title(self, iri: str) -> Text | None:
        return self._pick(iri, "http://www.w3.org/2000/01/rdf-schema#label",
                          "http://www.w3.org/2004/02/skos/core#prefLabel",
                          "http://purl.org/dc/terms/title", IKG + "shortTitle")

    def short(self, iri: str) -> Text | None:
        """A goal's short name (``skos:altLabel``), falling back to its title."""
        return self._pick(iri, "http://www.w3.org/2004/02/skos/core#altLabel") or self.title(iri)

    def node(self, iri: str, kind: str = "other") -> Node:
        code = self.code(iri)
        if kind == "goal":
            return Node(iri, kind, code or local_name(iri), self.short(iri))
        if kind == "target":
            return Node(iri, kind, code or local_name(iri), self.title(iri))
        if kind == "resolution" or self._res_re.match(iri):
            m = self._res_re.match(iri)
            title = self._pick(iri, "http://purl.org/dc/terms/title")
            if m:
                return Node(iri, "resolution", f"{m[1].upper()} {m[2].replace('-', '/')}", title)
        title = self.title(iri)
        return Node(iri, kind, code or (title.value if title else local_name(iri)), title)

    def display(self, iri: str) -> Text:
        """One short human name for any IRI (code and label), never empty."""
        code = self.code(iri)
        title = self.title(iri)
        if code and title and title.value != code:
            return Text(f"{code} · {title.value}", title.lang)
        if title:
            return title
        return Text(code or local_name(iri))

    # -- documents and outputs ---------------------------------------------------------------
    def documents(self) -> list[Document]:
        if self._docs is None:
            rows = self._select("documents")
            docs: dict[str, Document] = {}
            for r in rows:
                iri = str(r["d"])
                if iri in docs:
                    continue
                docs[iri] = Document(iri, self.slug_of(iri), _s(r.get("id")) or self.slug_of(iri),
                                     _s(r.get("lang")), text_of(r.get("title")), _s(r.get("file")),
                                     _int(r.get("n")))
            self._docs = sorted(docs.values(), key=lambda d: (d.identifier, d.language, d.slug))
        return self._docs

    def document_by_slug(self, slug: str) -> Document | None:
        return next((d for d in self.documents() if d.slug == slug), None)

    def doc_lang(self, slug: str) -> str:
        """The short language code of a document (``zh``), for ``lang`` attributes."""
        d = self.document_by_slug(slug)
        if d and d.language:
            return d.language.split("-")[0].lower()
        return slug.rsplit("-", 1)[-1] if "-" in slug else ""

    def outputs(self, document: str | None = None) -> list[Node]:
        """Every output (optionally of one document IRI), sorted by document and code."""
        rows = self._select("outputs-of-document", doc=URIRef(document)) if document else self._select("outputs")
        docs = self.documents()
        twice = {d.identifier for d in docs if sum(e.identifier == d.identifier for e in docs) > 1}
        ids = {d.iri: f"{d.identifier} ({d.language})" if d.identifier in twice else d.identifier for d in docs}
        several = len(self.documents()) > 1
        titles: dict[str, list[Text]] = defaultdict(list)
        meta: dict[str, tuple[str, str]] = {}
        for r in rows:
            o = str(r["o"])
            meta[o] = (_s(r.get("code")) or local_name(o), ids.get(_s(r.get("doc")), "") if several else "")
            if r.get("l") is not None:
                titles[o].append(text_of(r["l"]))
        return sorted((Node(o, "output", c, choose(titles[o], self.lang), d) for o, (c, d) in meta.items()),
                      key=lambda n: n.sort_key)

    def link_counts(self) -> dict[str, int]:
        """Number of asserted links per formal kind (``mandatedBy`` ...), counted on the
        provenance nodes (one query per kind: each is an index lookup)."""
        out = {}
        for kind in LINK_KINDS:
            rows = self._select("link-count", p=URIRef(IKG + kind))
            out[kind] = _int(rows[0]["n"]) if rows else 0
        return out

    def class_counts(self) -> dict[str, int]:
        rows = self._select("class-counts")
        return {local_name(str(r["c"])): _int(r["n"]) or 0 for r in rows}

    # -- reference ---------------------------------------------------------------------------
    def goals(self) -> list[Node]:
        rows = self._select("goals")
        self._prefetch_labels(SDGO + "Goal")
        self._known(str(r["g"]) for r in rows)
        return sorted((self.node(str(r["g"]), "goal") for r in rows), key=lambda n: code_key(n.code))

    def targets_of(self, goal: str) -> list[Node]:
        rows = self._select("targets-of-goal", g=URIRef(goal))
        return sorted((self.node(str(r["t"]), "target") for r in rows), key=lambda n: code_key(n.code))

    def goal_of(self, target: str) -> str:
        """The goal IRI of a target IRI (``""`` when unknown)."""
        rows = self._select("targets-of-goal", t=URIRef(target))
        return str(rows[0]["g"]) if rows else ""

    def served_targets(self) -> list[Node]:
        """The SDG targets some output serves (for the trace picker), by code."""
        rows = self._select("served-targets")
        self._prefetch_labels(SDGO + "Target")
        self._known(str(r["t"]) for r in rows)
        return sorted((self.node(str(r["t"]), "target") for r in rows), key=lambda n: code_key(n.code))

    def _known(self, iris) -> None:
        """Resources whose labels were prefetched: none found means none exist."""
        for iri in iris:
            self._labels.setdefault(iri, [])

    def _prefetch_labels(self, cls: str) -> None:
        """Fill the label cache, in one query instead of one per resource, for every resource
        of the class ``cls`` (an IRI)."""
        rows = self._select("labels-of-class", **{"class": URIRef(cls)})
        found: dict[str, list[tuple[str, Text]]] = defaultdict(list)
        for r in rows:
            if isinstance(r["l"], Literal):
                found[str(r["x"])].append((str(r["p"]), text_of(r["l"])))
        for iri, labels in found.items():
            self._labels.setdefault(iri, labels)

    def wsis_lines(self) -> list[Node]:
        rows = self._select("wsis-lines")
        self._prefetch_labels(IKG + "WSISActionLine")
        self._known(str(r["w"]) for r in rows)
        return sorted((self.node(str(r["w"]), "wsis") for r in rows), key=lambda n: code_key(n.code))

    def kind_of(self, iri: str) -> str:
        rows = self._select("types", x=URIRef(iri))
        types = {str(r["c"]) for r in rows}
        for cls, kind in ((IKG + "Output", "output"), (IKG + "Resolution", "resolution"),
                          (SDGO + "Target", "target"), (SDGO + "Goal", "goal"),
                          (IKG + "WSISActionLine", "wsis"), (IKG + "PlanningDocument", "document")):
            if cls in types:
                return kind
        return "other" if types or self._label_rows(iri) else ""

    def resolutions(self) -> list[Node]:
        """Every resolution, named by its IRI (``WTDC 16``), without titles: fetching titles
        for all of them is the slow part on a large store (their triples repeat in every
        document graph), and the picker needs only the names."""
        rows = self._select("resolutions")
        out = []
        for r in rows:
            iri = str(r["r"])
            m = self._res_re.match(iri)
            out.append(Node(iri, "resolution", f"{m[1].upper()} {m[2].replace('-', '/')}" if m else local_name(iri)))
        return sorted(out, key=lambda n: code_key(n.code))

    # -- coverage ----------------------------------------------------------------------------
    def _doc_filter(self, rows: list[dict], document: str | None) -> list[dict]:
        return [r for r in rows if not document or _s(r.get("doc")) == document]

    def _output_docs(self) -> dict[str, str]:
        return {str(r["o"]): _s(r.get("doc")) for r in
                self._select("output-documents")}

    def _goal_links(self, document: str | None) -> dict[tuple[str, str], set[str]]:
        """``(output, goal) → targets of that goal the output serves`` (an empty set when it
        names the goal only). Simple pattern queries joined here: each is an index scan."""
        docs = self._output_docs() if document else {}
        keep = (lambda o: docs.get(o) == document) if document else (lambda o: True)
        goal_of = {str(r["t"]): str(r["g"]) for r in self._select("targets-of-goal")}
        links: dict[tuple[str, str], set[str]] = defaultdict(set)
        for r in self._select("serves-goal"):
            if keep(str(r["o"])):
                links[(str(r["o"]), str(r["g"]))]
        for r in self._select("serves-target"):
            o, t = str(r["o"]), str(r["t"])
            if keep(o) and t in goal_of:
                links[(o, goal_of[t])].add(t)
        return links

    def coverage_goals(self, document: str | None = None) -> Matrix:
        """Outputs × SDG goals; a cell counts the output's targets in that goal, or 1 when the
        output names the goal with no target of it."""
        counts = {k: max(1, len(v)) for k, v in self._goal_links(document).items()}
        return Matrix(self.outputs(document), self.goals(), counts)

    def coverage_targets(self, goal: str, document: str | None = None) -> Matrix:
        rows = self._doc_filter(self._select("goal-target-outputs", g=URIRef(goal)), document)
        counts = {(str(r["o"]), str(r["t"])): 1 for r in rows}
        return Matrix(self.outputs(document), self.targets_of(goal), counts)

    def coverage_wsis(self, document: str | None = None) -> Matrix:
        """WSIS action lines × SDG goals: outputs that support the line and serve the goal."""
        by_output: dict[str, set[str]] = defaultdict(set)
        for o, g in self._goal_links(document):
            by_output[o].add(g)
        outs: dict[tuple[str, str], set[str]] = defaultdict(set)
        for r in self._select("supports-action-line"):
            o = str(r["o"])
            for g in by_output.get(o, ()):
                outs[(str(r["w"]), g)].add(o)
        return Matrix(self.wsis_lines(), self.goals(), {k: len(v) for k, v in outs.items()})

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

        columns: dict[str, list[Node]] = {"output": all_outputs}
        for k in ("resolution", "target", "goal"):
            columns[k] = sorted((self.node(i, k) for i in nodes[k]), key=lambda n: code_key(n.code))[:max_nodes]
        columns = {k: columns[k] for k in ("resolution", "output", "target", "goal")}
        shown = {n.iri for ns in columns.values() for n in ns}
        drawn = [e for e in drawn if e.source in shown and e.target in shown]
        return TraceGraph(fnode, columns, drawn)

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


def group_by(items: Iterable, key) -> dict:
    out: dict = {}
    for it in items:
        out.setdefault(key(it), []).append(it)
    return out
