"""What itukg needs from a quad store, and what a storage backend provides.

Everything above :mod:`itukg.graph.store` (build, CLI, audit, reads, service) talks to
:class:`Store`; a backend module (registered in :mod:`itukg.graph.store.registry`) provides the
functions of :class:`Backend`. Terms crossing the interface are rdflib terms (``URIRef``,
``Literal``, ``BNode``), so callers need no storage library; bulk paths (loading, serialised
query results) move bytes, not terms. See ``docs/store.md`` for how to add a backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Literal as TLiteral, Protocol, runtime_checkable

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
        """Named graph IRI → number of triples (an empty graph counts 0)."""
        ...

    def replace_graph(self, graph: str, ntriples: bytes) -> int:
        """Replace one named graph with N-Triples data, atomically. Returns triples loaded."""
        ...

    def load(self, data: bytes, fmt: RDFFormat, graph: str | None = None, *, source: str = "",
             default_graph: str | None = None, replace: bool = False,
             max_literal_bytes: int = 16 * 1024 * 1024) -> int:
        """Parse all of ``data`` first; on a syntax error, a literal over
        ``max_literal_bytes`` or unbounded RDF/XML entities raise DataError (with line) and
        leave the store untouched; then load into ``graph`` in one transaction (quad formats keep
        their own graphs unless ``graph`` is given; their triples outside any graph go to
        ``default_graph``). ``replace``: empty every graph the data writes to first. Returns
        quads loaded."""
        ...

    def add_triples(self, graph: str, triples: Iterable[tuple[Identifier, Identifier, Identifier]]) -> int:
        """Add rdflib triples to ``graph``; returns how many. Raises DataError for an invalid
        term."""
        ...

    def dump(self, fmt: RDFFormat, graph: str | None = None, *,
             prefixes: Mapping[str, str] | None = None) -> bytes:
        """Serialise the whole store (quad formats; a triple format gives the union) or one
        named graph; ``prefixes`` for Turtle and TriG. Raises DataError for an unknown format."""
        ...

    def drop_graph(self, graph: str) -> None:
        """Remove one named graph (nothing when it does not exist)."""
        ...

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update in one transaction. Raises QueryError for a malformed update and
        for one that would reach the network (SERVICE, LOAD: the screener,
        :func:`itukg.graph.store.screen.check_update`, refuses it before the engine)."""
        ...

    def bulk_load(self, data: bytes | IO[bytes], fmt: RDFFormat, graph: str | None = None, *,
                  validated: bool = False) -> None:
        """Fast load without a transaction, for a store nobody reads yet (a writer's private
        generation, which is discarded on failure). Raises DataError on malformed data."""
        ...

    def info(self) -> StoreInfo:
        """What this store is: engine, location, generation, size, read-only. Raises nothing."""
        ...

    def copy_to_memory(self) -> Store:
        """A copy of this store in memory for fast reads (the query workers'). Raises
        StoreError when this store cannot be copied (in memory already, unreadable) and
        MemoryError when the copy does not fit."""
        ...

    def close(self) -> None:
        """Release the store; a writer session publishes what it wrote (see
        :func:`itukg.graph.store.open_store`). Idempotent."""
        ...

    def abort(self) -> None:
        """Release the store; a writer session discards what it wrote. Idempotent."""
        ...


@dataclass(frozen=True)
class StoreInfo:
    """Health and identity of a store (``itukg stats``, the service, the query workers).

    ``engine``: the backend and where it reads (``oxigraph-rocksdb``, ``oxigraph-memory``);
    ``location``: where it lives (a directory, a URL; ``None`` in memory); ``generation``: the
    id of the published state it shows (``None`` without one); ``size``: bytes on disk (0 when
    unknown or in memory; the query workers copy only a store with a size into memory);
    ``read_only``; ``session``: ``"reader"`` (read-only), ``"writer"`` (a private state
    published on close) or ``"direct"`` (writes go straight to the store)."""

    engine: str
    location: str | None = None
    generation: str | None = None
    size: int = 0
    read_only: bool = False
    session: str = "direct"


@runtime_checkable
class Writer(Protocol):
    """A new state of the store being written aside (a build, ``itukg load``, an update).

    Readers keep seeing the published state until :meth:`commit`; :meth:`abort` (also an
    exception inside ``with``) discards everything written. One writer at a time: the backend
    serialises them and raises :class:`itukg.errors.StoreError` when another one holds on."""

    store: Store

    def bulk_load(self, data: bytes | IO[bytes], fmt: RDFFormat, graph: str | None = None, *,
                  validated: bool = False) -> None: ...

    def commit(self, **info: object) -> str:
        """Publish this state; returns its generation id. Raises StoreError if already
        finished or the switch fails."""
        ...

    def abort(self) -> None: ...

    def __enter__(self) -> Writer: ...

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None: ...


class Backend(Protocol):
    """The functions a backend MODULE provides (registered in
    :data:`itukg.graph.store.registry.BACKENDS`). ``location`` is ``settings.store``."""

    def open(self, location: str, *, read_only: bool) -> Store:
        """Read-only: the published state. Writable: a writer session (its ``close`` publishes
        what was written, ``abort`` discards it). Raises StoreError ("no store at ...; run itukg
        build") when there is none."""
        ...

    def generation(self, location: str) -> str | None:
        """Id of the published state (``None`` when there is no store). Cheap: readers call it
        to notice a new build. Raises StoreError when the store is damaged."""
        ...

    def info(self, location: str) -> StoreInfo | None:
        """Info on the published state without opening it (``None`` when there is no store)."""
        ...

    def begin(self, location: str, *, kind: str, copy_current: bool = False,
              lock_wait: float = 30.0) -> Writer:
        """A writer on a new state: empty, or a copy of the published one. Raises StoreError
        when busy, damaged or not a store of this backend."""
        ...
