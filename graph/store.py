"""Storage behind one small interface.

Everything above this module (build, CLI, audit, service) talks to :class:`Store` only; nothing
there imports pyoxigraph. The embedded on-disk implementation is :class:`OxigraphStore`
(pyoxigraph, RocksDB); a remote SPARQL-server implementation can be added behind the same
protocol later (see ``docs/decisions/0002-store-interface.md``).

Terms crossing the interface are rdflib terms (``URIRef``, ``Literal``, ``BNode``), so callers
need no storage library. Bulk paths (loading, serialised query results) move bytes, not terms.

Layout on disk: ``<store>/current`` is a symlink to one generation directory ``<store>/gen-*``.
A build writes a new generation aside and switches the link atomically when it is complete
(:func:`open_store`, :class:`Generation`), so a failed or interrupted build leaves the previous
store as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal as TLiteral, Protocol, runtime_checkable

from rdflib.term import Identifier

RDFFormat = TLiteral["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"]
ResultFormat = TLiteral["json", "xml", "csv", "tsv"]


@dataclass
class SelectResult:
    """Rows of a SELECT query; ``None`` for an unbound variable."""

    variables: list[str]
    rows: list[tuple[Identifier | None, ...]] = field(default_factory=list)

    def dicts(self) -> list[dict[str, Identifier]]:
        return [
            {v: t for v, t in zip(self.variables, row) if t is not None} for row in self.rows
        ]


QueryResult = SelectResult | bool | list[tuple[Identifier, Identifier, Identifier]]
"""SELECT → :class:`SelectResult`; ASK → ``bool``; CONSTRUCT/DESCRIBE → list of triples."""


@runtime_checkable
class Store(Protocol):
    """What itukg needs from a quad store. Every method raises
    :class:`itukg.errors.StoreError` when the store cannot be used,
    :class:`itukg.errors.QueryError` for a malformed query and
    :class:`itukg.errors.DataError` for malformed data (with the line, when known)."""

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Identifier] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a read-only query. Values enter through ``bindings`` (variable name without
        ``?`` → term), never through the query text. ``default_graph``/``named_graphs``
        override the query's own dataset; by default the default graph is the union of all
        named graphs."""
        ...

    def query_serialized(
        self,
        sparql: str,
        *,
        result_format: str,
        bindings: Mapping[str, Identifier] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> tuple[str, bytes]:
        """Run a query and let the engine serialise the result.

        ``result_format`` is a result format (``json xml csv tsv``) for SELECT/ASK or an RDF
        format (``turtle ntriples jsonld rdfxml``) for CONSTRUCT/DESCRIBE. Returns
        ``(kind, body)`` with kind ``"select" | "ask" | "graph"``. Raises
        :class:`itukg.errors.QueryError` when the format does not fit the query form."""
        ...

    def query_form(self, sparql: str) -> str:
        """``"select" | "ask" | "construct" | "describe"``; raises QueryError on bad syntax."""
        ...

    def graphs(self) -> list[str]:
        """IRIs of the named graphs."""
        ...

    def triples_per_graph(self) -> dict[str, int]:
        ...

    def replace_graph(self, graph: str, ntriples: bytes) -> int:
        """Replace one named graph with N-Triples data, atomically. Returns triples loaded."""
        ...

    def load(self, data: bytes, fmt: RDFFormat, graph: str | None = None, *, source: str = "") -> int:
        """Parse all of ``data`` first; on a syntax error raise DataError (with line) and leave
        the store untouched; then load into ``graph`` (quad formats keep their own graphs
        unless ``graph`` is given). Returns quads loaded."""
        ...

    def add_triples(self, graph: str, triples: Iterable[tuple[Identifier, Identifier, Identifier]]) -> int:
        ...

    def dump(self, fmt: RDFFormat, graph: str | None = None) -> bytes:
        """Serialise the whole store (quad formats) or one named graph."""
        ...

    def drop_graph(self, graph: str) -> None:
        ...

    def close(self) -> None:
        ...
