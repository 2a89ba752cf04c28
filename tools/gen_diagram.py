"""Draw the class diagram of the main ontology classes from ``ontology/itukg.ttl``.

One description of the diagram, two renderings, both generated so they stay true to the ontology:

- Graphviz DOT (``docs/img/classes.dot``) and, when the ``dot`` program is installed
  (``apt-get install -y graphviz``), the picture ``docs/img/classes.svg``;
- a Mermaid ``classDiagram`` between the markers ``<!-- BEGIN generated class diagram -->`` and
  ``<!-- END generated class diagram -->`` in ``docs/ontology.md``.

Edges are read from the ontology: ``rdfs:subClassOf`` between the drawn classes, and every object
property whose domain and range (or a member of a union domain) are both drawn classes. The
provenance links that the ontology leaves without domain and range (``prov:wasDerivedFrom``,
``dcterms:isPartOf``, ``ikg:inDocument``) are added from :data:`PROVENANCE_EDGES` and drawn dashed.

Usage::

    python tools/gen_diagram.py           # write docs/img/classes.{dot,svg} and the Mermaid block
    python tools/gen_diagram.py --check   # exit 1 if any of them is out of date

Exit status: 0 written / up to date, 1 out of date (``--check``), 2 error (ontology unreadable,
``dot`` missing when the SVG must be written, markers missing in docs/ontology.md).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from itukg.errors import DataError
from itukg.graph.ontology import IKG_NS, SDGO_NS, load_ontology

ROOT = Path(__file__).resolve().parents[1]
DOT_PATH = ROOT / "docs" / "img" / "classes.dot"
SVG_PATH = ROOT / "docs" / "img" / "classes.svg"
DOC_PATH = ROOT / "docs" / "ontology.md"
BEGIN = "<!-- BEGIN generated class diagram (python tools/gen_diagram.py) -->"
END = "<!-- END generated class diagram -->"

#: The classes drawn, by prefixed name, grouped for the layout.
MAIN_CLASSES: list[str] = [
    "ikg:PlanningDocument", "ikg:SourceLine", "ikg:LinkAssertion",
    "ikg:SectorObjective", "ikg:Outcome", "ikg:PerformanceIndicator",
    "ikg:Output", "ikg:Project", "ikg:Activity",
    "ikg:RegionalInitiativeSlot", "ikg:Region", "ikg:QuestionSlot", "ikg:StudyGroupQuestion",
    "ikg:Mention", "ikg:ResolutionCitation",
    "ikg:Resolution", "ikg:ResolutionRevision",
    "ikg:Conference", "ikg:PlenipotentiaryConference", "ikg:DevelopmentConference",
    "ikg:WSISActionLine", "sdgo:Goal", "sdgo:Target",
]

#: Links the ontology declares without domain/range, as docs/model.md uses them.
PROVENANCE_EDGES: list[tuple[str, str, str]] = [
    ("ikg:LinkAssertion", "prov:wasDerivedFrom", "ikg:SourceLine"),
    ("ikg:Output", "prov:wasDerivedFrom", "ikg:SourceLine"),
    ("ikg:SourceLine", "dcterms:isPartOf", "ikg:PlanningDocument"),
    ("ikg:LinkAssertion", "ikg:inDocument", "ikg:PlanningDocument"),
]

_PREFIXES = {"ikg": IKG_NS, "sdgo": SDGO_NS}


def _iri(name: str) -> URIRef:
    prefix, local = name.split(":", 1)
    return URIRef(_PREFIXES[prefix] + local)


def _short(iri: URIRef) -> str:
    for prefix, ns in _PREFIXES.items():
        if str(iri).startswith(ns):
            return f"{prefix}:{str(iri)[len(ns):]}"
    return str(iri)


def _members(g: Graph, cls_expr) -> list:
    """Named classes of a class expression: itself, or the members of an owl:unionOf."""
    if isinstance(cls_expr, URIRef):
        return [cls_expr]
    union = g.value(cls_expr, OWL.unionOf)
    return [m for m in g.items(union) if isinstance(m, URIRef)] if union is not None else []


def diagram(g: Graph) -> dict:
    """The diagram as data: ``classes`` (prefixed name → (en label, zh label, datatype
    properties)), ``subclass`` (child, parent) pairs and ``edges`` (domain, property, range,
    dashed). Raises :class:`itukg.errors.DataError` if a main class is not declared."""
    classes = {}
    for name in MAIN_CLASSES:
        iri = _iri(name)
        if (iri, RDF.type, OWL.Class) not in g:
            raise DataError(f"the ontology does not declare {name}")
        labels = {lit.language: str(lit) for lit in g.objects(iri, RDFS.label)}
        attrs = sorted(_short(p) for p in g.subjects(RDFS.domain, iri)
                       if (p, RDF.type, OWL.DatatypeProperty) in g)
        classes[name] = (labels.get("en", name), labels.get("zh", ""), attrs)
    drawn = {_iri(n): n for n in MAIN_CLASSES}
    subclass = sorted({(drawn[c], drawn[p]) for c, p in g.subject_objects(RDFS.subClassOf)
                       if c in drawn and p in drawn})
    edges = set()
    for prop in g.subjects(RDF.type, OWL.ObjectProperty):
        for dom_expr in g.objects(prop, RDFS.domain):
            for rng_expr in g.objects(prop, RDFS.range):
                for d in _members(g, dom_expr):
                    for r in _members(g, rng_expr):
                        if d in drawn and r in drawn:
                            edges.add((drawn[d], _short(prop), drawn[r], False))
    edges |= {(d, p, r, True) for d, p, r in PROVENANCE_EDGES}
    return {"classes": classes, "subclass": subclass, "edges": sorted(edges)}


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _node_id(name: str) -> str:
    return name.replace(":", "_")


def render_dot(d: dict) -> str:
    """Graphviz DOT text of the diagram (deterministic)."""
    out = [
        "// GENERATED from ontology/itukg.ttl by python tools/gen_diagram.py; do not edit.",
        "digraph itukg_classes {",
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=10, nodesep=0.25, ranksep=0.6];',
        '  node [shape=plain, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8, color="#555555", fontcolor="#333333"];',
    ]
    for name, (en, zh, attrs) in d["classes"].items():
        colour = "#dbe9f6" if name.startswith("ikg:") else "#fde9c9"
        rows = [f'<tr><td bgcolor="{colour}"><b>{_html(name)}</b></td></tr>']
        sub = " / ".join(x for x in (en, zh) if x)
        rows.append(f'<tr><td><font point-size="8">{_html(sub)}</font></td></tr>')
        if attrs:
            rows.append('<tr><td align="left" balign="left"><font point-size="8">'
                        + "<br/>".join(_html(a) for a in attrs) + "</font></td></tr>")
        out.append(f'  {_node_id(name)} [label=<<table border="1" cellborder="0" cellspacing="0" '
                   f'cellpadding="3">{"".join(rows)}</table>>];')
    for child, parent in d["subclass"]:
        out.append(f'  {_node_id(child)} -> {_node_id(parent)} [arrowhead=empty, color="#1f4e79"];')
    for dom, prop, rng, dashed in d["edges"]:
        style = ', style=dashed' if dashed else ""
        out.append(f'  {_node_id(dom)} -> {_node_id(rng)} [label="{prop}"{style}];')
    out.append("}")
    return "\n".join(out) + "\n"


def render_mermaid(d: dict) -> str:
    """A Mermaid ``classDiagram`` of the diagram (deterministic), fenced for Markdown."""
    out = ["```mermaid", "classDiagram", "  direction LR"]
    for name, (_en, _zh, attrs) in d["classes"].items():
        nid = _node_id(name)
        out.append(f'  class {nid}["{name}"]')
        for a in attrs:
            out.append(f"  {nid} : {a.split(':', 1)[1]}")
    for child, parent in d["subclass"]:
        out.append(f"  {_node_id(parent)} <|-- {_node_id(child)}")
    for dom, prop, rng, dashed in d["edges"]:
        arrow = "..>" if dashed else "-->"
        out.append(f"  {_node_id(dom)} {arrow} {_node_id(rng)} : {prop}")
    out.append("```")
    return "\n".join(out) + "\n"


def render_svg(dot_text: str) -> str:
    """Run Graphviz ``dot`` on ``dot_text`` and return the SVG.

    Raises :class:`itukg.errors.DataError` when ``dot`` is not installed or fails.
    """
    exe = shutil.which("dot")
    if not exe:
        raise DataError("Graphviz 'dot' is not installed (apt-get install -y graphviz)")
    try:
        res = subprocess.run([exe, "-Tsvg"], input=dot_text.encode("utf-8"), capture_output=True,
                             check=True, timeout=120)
    except (subprocess.SubprocessError, OSError) as exc:
        raise DataError(f"dot failed: {exc}") from exc
    return res.stdout.decode("utf-8")


def replace_block(doc_text: str, mermaid: str) -> str:
    """``doc_text`` with the text between :data:`BEGIN` and :data:`END` replaced by ``mermaid``.

    Raises :class:`itukg.errors.DataError` when the markers are missing."""
    try:
        head, rest = doc_text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
    except ValueError as exc:
        raise DataError(f"markers {BEGIN!r} / {END!r} not found", source=str(DOC_PATH)) from exc
    return f"{head}{BEGIN}\n{mermaid}{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/gen_diagram.py",
                                     description="Draw the ontology's class diagram.")
    parser.add_argument("--check", action="store_true", help="exit 1 if an output is out of date")
    parser.add_argument("--no-svg", action="store_true", help="do not run dot (DOT and Mermaid only)")
    args = parser.parse_args(argv)
    try:
        d = diagram(load_ontology())
        dot_text = render_dot(d)
        doc_text = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
        new_doc = replace_block(doc_text, render_mermaid(d))
        stale = []
        if not DOT_PATH.exists() or DOT_PATH.read_text(encoding="utf-8") != dot_text:
            stale.append(DOT_PATH)
        if new_doc != doc_text:
            stale.append(DOC_PATH)
        if args.check:
            if not args.no_svg and not SVG_PATH.exists():
                stale.append(SVG_PATH)
            for p in stale:
                print(f"{p} is out of date: run python tools/gen_diagram.py", file=sys.stderr)
            return 1 if stale else 0
        DOT_PATH.parent.mkdir(parents=True, exist_ok=True)
        DOT_PATH.write_text(dot_text, encoding="utf-8")
        DOC_PATH.write_text(new_doc, encoding="utf-8")
        if not args.no_svg:
            SVG_PATH.write_text(render_svg(dot_text), encoding="utf-8")
    except DataError as exc:
        print(f"gen_diagram: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {DOT_PATH}, {DOC_PATH}" + ("" if args.no_svg else f", {SVG_PATH}"))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
