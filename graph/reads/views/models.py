"""The view models of the pages: what the templates receive (source lines, documents, nodes,
link assertions, trace edges and graphs, coverage matrices). Plain dataclasses; no reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from itukg.graph.ontology import IKG_NS as IKG
from itukg.graph.reads.codes import code_key
from itukg.graph.reads.text import Text, local_name

# The formal links of an output, in the order the pages show them.
LINK_KINDS = ("mandatedBy", "supportsActionLine", "servesTarget", "servesGoal")


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


def group_by(items: Iterable, key) -> dict:
    out: dict = {}
    for it in items:
        out.setdefault(key(it), []).append(it)
    return out
