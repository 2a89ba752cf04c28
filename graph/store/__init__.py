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

import contextlib
import errno
import fcntl
import functools
import json
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal as TLiteral, Protocol, runtime_checkable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Identifier

from itukg.errors import DataError, QueryError, StoreError

if TYPE_CHECKING:  # pragma: no cover
    from itukg.settings import Settings

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


# =============================================================================================
# The pyoxigraph implementation
# =============================================================================================

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = frozenset({"nquads", "trig", "jsonld"})
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_EXTENSIONS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "ntriples",
    ".ntriples": "ntriples",
    ".nq": "nquads",
    ".nquads": "nquads",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
}


def format_from_filename(name: str | os.PathLike[str]) -> str:
    """Guess the RDF format from a file name's extension (``.ttl .nt .nq .trig .jsonld .json
    .rdf .owl .xml``). Raises :class:`DataError` when the extension is unknown."""
    suffix = Path(name).suffix.lower()
    try:
        return _EXTENSIONS[suffix]
    except KeyError:
        known = " ".join(sorted(_EXTENSIONS))
        raise DataError(
            f"cannot tell the RDF format from the extension {suffix or '(none)'!r}; "
            f"use --format ({' '.join(RDF_FORMATS)}); known extensions: {known}",
            source=str(name),
        ) from None


def _rdf_format(fmt: str) -> ox.RdfFormat:
    try:
        return RDF_FORMATS[fmt]
    except KeyError:
        raise DataError(f"unknown RDF format {fmt!r} (one of: {' '.join(RDF_FORMATS)})") from None


# -- term conversion at the interface -------------------------------------------------------
_XSD_STRING = str(XSD.string)
_RDF_LANGSTRING = str(RDF.langString)


def to_rdflib(term: object) -> Identifier | None:
    """Convert a pyoxigraph term to an rdflib term (``None`` for the default graph or an unbound
    value). Raises ``TypeError`` for a term kind rdflib cannot hold (RDF-star quoted triples)."""
    if term is None:
        return None
    kind = type(term)
    if kind is ox.NamedNode:
        return URIRef(term.value)  # type: ignore[attr-defined]
    if kind is ox.Literal:
        lang = term.language  # type: ignore[attr-defined]
        if lang:
            return Literal(term.value, lang=lang)  # type: ignore[attr-defined]
        dt = term.datatype.value  # type: ignore[attr-defined]
        if dt == _XSD_STRING:
            return Literal(term.value)  # type: ignore[attr-defined]
        return Literal(term.value, datatype=URIRef(dt))  # type: ignore[attr-defined]
    if kind is ox.BlankNode:
        return BNode(term.value)  # type: ignore[attr-defined]
    if kind is ox.DefaultGraph:
        return None
    raise TypeError(f"cannot convert {term!r} to an rdflib term")


def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to a pyoxigraph term. Raises ``ValueError`` for an invalid IRI or
    language tag (pyoxigraph validates them) and ``TypeError`` for anything else."""
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _graph_node(graph: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(graph)
    except ValueError as exc:
        raise DataError(f"invalid graph IRI {graph!r}: {exc}") from None


def ntriples_to_nquads(data: bytes, graph: str, *, source: str = "") -> tuple[bytes, int]:
    """Turn N-Triples into N-Quads in ``graph``; returns ``(nquads, triples)``. Used to prepare
    data for a bulk load (in worker processes).

    Fast path for one-triple-per-line N-Triples where every line ends with ``" .\\n"`` (what
    the mapper and :func:`itukg.graph.mapping.reference.reference_ntriples` write): a byte replacement,
    no parsing (the bulk loader validates). Anything else (comments, blank lines, other
    spacing) is parsed and re-serialised. Raises :class:`DataError` (with the line) on
    malformed data found on the slow path, and for an invalid graph IRI."""
    _graph_node(graph)
    if data and not data.endswith(b"\n"):
        data += b"\n"
    lines = data.count(b"\n")
    suffix = b" <" + graph.encode("utf-8") + b"> .\n"
    nq = data.replace(b" .\n", suffix)
    if (len(nq) - len(data)) == lines * (len(suffix) - 3):
        return nq, lines
    target = _graph_node(graph)
    try:
        quads = [ox.Quad(t.subject, t.predicate, t.object, target)
                 for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    except SyntaxError as exc:
        raise DataError(exc.msg or str(exc), source=source or None, line=exc.lineno) from None
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS), len(quads)


def check_rdf(data: bytes, fmt: str, *, source: str = "") -> None:
    """Parse ``data`` completely and raise :class:`DataError` (with the line) if it is
    malformed. Returns nothing."""
    try:
        for _ in ox.parse(data, format=_rdf_format(fmt)):
            pass
    except SyntaxError as exc:
        raise DataError(exc.msg or str(exc), source=source or None, line=exc.lineno) from None


# -- a small SPARQL scanner: query form and network reach, without evaluating ------------------
_TOKEN = re.compile(
    r"""
    (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<comment>\#[^\n]*)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<pname>[A-Za-z_\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*:[\w.\-:%\u00b7\u00c0-\uffff]*|:[\w.\-:%]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "describe"}
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


@functools.lru_cache(maxsize=1024)
def scan_query(sparql: str) -> tuple[str, bool]:
    """Return ``(form, uses_service)`` of a SPARQL query by scanning its tokens (outside IRIs,
    strings and comments), without evaluating anything. The answer is cached per text (the
    scan costs about as much as evaluating a small query in memory).

    Raises :class:`QueryError` when no query form is found or the text is a SPARQL update.
    """
    form: str | None = None
    service = False
    for m in _TOKEN.finditer(sparql):
        if m.lastgroup != "word":
            continue
        word = m.group().upper()
        if form is None:
            if word in _FORMS:
                form = _FORMS[word]
            elif word in _UPDATE_WORDS:
                raise QueryError(
                    f"this is a SPARQL update ({word}); only queries are accepted here"
                )
        if word == "SERVICE":
            service = True
    if form is None:
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return form, service


def _query_error(exc: BaseException) -> QueryError:
    line = getattr(exc, "lineno", None) if isinstance(exc, SyntaxError) else None
    msg = exc.msg if isinstance(exc, SyntaxError) and exc.msg else str(exc)
    return QueryError(msg, source="query" if line else None, line=line)


_EMPTY_STORE: ox.Store | None = None


def _empty_store() -> ox.Store:
    global _EMPTY_STORE
    if _EMPTY_STORE is None:
        _EMPTY_STORE = ox.Store()
    return _EMPTY_STORE


class OxigraphStore:
    """The embedded store: pyoxigraph on RocksDB (or in memory when ``path`` is ``None``).

    Satisfies :class:`Store`. Queries never reach the network: a query using ``SERVICE`` is
    refused with :class:`QueryError` before the engine sees it (pyoxigraph would fetch it), and
    JSON-LD remote contexts are never loaded (pyoxigraph has no document loader set; such data is
    refused as malformed).

    Use :func:`open_store` to open the store of a :class:`~itukg.settings.Settings`; construct
    this class directly only for an in-memory store (tests) or a bare directory.

    Raises :class:`StoreError` if the directory cannot be opened (e.g. locked by another writer).

    >>> s = OxigraphStore()
    >>> s.load(b'<http://e/a> <http://e/p> "x"@en .', "ntriples", "http://e/g")
    1
    >>> s.query("SELECT ?o WHERE { ?s ?p ?o }").rows
    [(rdflib.term.Literal('x', lang='en'),)]
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self.dirty = False
        try:
            if path is None:
                self._ox: ox.Store | None = ox.Store()
            elif read_only:
                self._ox = ox.Store.read_only(str(path))
            else:
                self._ox = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from None

    # -- plumbing -------------------------------------------------------------------------
    @property
    def ox(self) -> ox.Store:
        if self._ox is None:
            raise StoreError("the store is closed")
        return self._ox

    def _writable(self) -> ox.Store:
        if self.read_only:
            raise StoreError("the store is open read-only")
        self.dirty = True
        return self.ox

    def __enter__(self) -> OxigraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self.ox)

    # -- queries --------------------------------------------------------------------------
    def _execute(
        self,
        sparql: str,
        bindings: Mapping[str, Identifier] | None,
        default_graph: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
    ) -> tuple[str, object]:
        form, service = scan_query(sparql)
        if service:
            raise QueryError("SERVICE is not allowed: queries cannot reach the network")
        kwargs: dict[str, object] = {}
        try:
            if default_graph is None and named_graphs is None:
                kwargs["use_default_graph_as_union"] = True
            if default_graph is not None:
                kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
            if named_graphs is not None:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
            if bindings:
                kwargs["substitutions"] = {
                    ox.Variable(name.lstrip("?$")): to_oxigraph(term)
                    for name, term in bindings.items()
                }
        except (ValueError, TypeError) as exc:
            raise QueryError(f"invalid graph IRI or binding: {exc}") from None
        try:
            return form, self.ox.query(sparql, **kwargs)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise _query_error(exc) from None
        except (ValueError, RuntimeError, TypeError) as exc:
            raise QueryError(str(exc)) from None
        except OSError as exc:
            raise StoreError(f"query failed in the store: {exc}") from None

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Identifier] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """See :meth:`Store.query`. A bound variable must appear in a SELECT's projection (an
        engine rule); otherwise QueryError says so."""
        form, res = self._execute(sparql, bindings, default_graph, named_graphs)
        try:
            if isinstance(res, ox.QueryBoolean):
                return bool(res)
            if isinstance(res, ox.QuerySolutions):
                variables = [v.value for v in res.variables]
                rows = [tuple(map(to_rdflib, sol)) for sol in res]
                return SelectResult(variables, rows)  # type: ignore[arg-type]
            return [
                (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))  # type: ignore[attr-defined,misc]
                for t in res  # type: ignore[attr-defined]
            ]
        except (RuntimeError, ValueError) as exc:
            raise QueryError(str(exc)) from None
        except OSError as exc:
            raise StoreError(f"query failed in the store: {exc}") from None

    def query_serialized(
        self,
        sparql: str,
        *,
        result_format: str,
        bindings: Mapping[str, Identifier] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> tuple[str, bytes]:
        """See :meth:`Store.query_serialized`. Graph results may also be asked for as
        ``nquads`` or ``trig`` (triples in the default graph)."""
        form, _ = scan_query(sparql)
        graph_form = form in ("construct", "describe")
        if graph_form and result_format not in RDF_FORMATS:
            raise QueryError(
                f"a {form.upper()} result cannot be given as {result_format!r}; "
                f"use one of {' '.join(RDF_FORMATS)}"
            )
        if not graph_form and result_format not in RESULT_FORMATS:
            raise QueryError(
                f"a {form.upper()} result cannot be given as {result_format!r}; "
                f"use one of {' '.join(RESULT_FORMATS)}"
            )
        form, res = self._execute(sparql, bindings, default_graph, named_graphs)
        try:
            if graph_form:
                return "graph", res.serialize(format=RDF_FORMATS[result_format])  # type: ignore[attr-defined]
            kind = "ask" if isinstance(res, ox.QueryBoolean) else "select"
            return kind, res.serialize(format=RESULT_FORMATS[result_format])  # type: ignore[attr-defined]
        except (RuntimeError, ValueError) as exc:
            raise QueryError(str(exc)) from None
        except OSError as exc:
            raise StoreError(f"query failed in the store: {exc}") from None

    def query_form(self, sparql: str) -> str:
        """See :meth:`Store.query_form`. Checks the syntax with the engine on an empty dataset
        (never this store's data, never the network)."""
        form, service = scan_query(sparql)
        if service:
            raise QueryError("SERVICE is not allowed: queries cannot reach the network")
        try:
            res = _empty_store().query(sparql)
            del res
        except SyntaxError as exc:
            raise _query_error(exc) from None
        except (ValueError, RuntimeError) as exc:
            raise QueryError(str(exc)) from None
        return form

    # -- graphs ---------------------------------------------------------------------------
    def graphs(self) -> list[str]:
        try:
            return sorted(g.value for g in self.ox.named_graphs())
        except OSError as exc:
            raise StoreError(str(exc)) from None

    def triples_per_graph(self) -> dict[str, int]:
        """Named graph IRI → number of triples (graphs that exist but are empty count 0)."""
        res = self.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            default_graph=[],
        )
        assert isinstance(res, SelectResult)
        counts = {str(g): int(n) for g, n in res.rows}  # type: ignore[arg-type]
        for g in self.graphs():
            counts.setdefault(g, 0)
        return dict(sorted(counts.items()))

    # -- writing ----------------------------------------------------------------------------
    @staticmethod
    def parse(
        data: bytes,
        fmt: str,
        graph: str | None = None,
        *,
        source: str = "",
        base_iri: str | None = None,
        default_graph: str | None = None,
    ) -> list[ox.Quad]:
        """Parse ``data`` completely. Everything goes into ``graph`` when it is given; otherwise
        quads keep their own graph and triples (default-graph data) go into ``default_graph``.
        Raises :class:`DataError` with the line on a syntax error, for triples with nowhere to
        go, and for a JSON-LD remote context (never fetched)."""
        rdf_format = _rdf_format(fmt)
        target = _graph_node(graph) if graph is not None else None
        fallback = _graph_node(default_graph) if default_graph is not None else None
        try:
            quads = list(ox.parse(data, format=rdf_format, base_iri=base_iri))
        except SyntaxError as exc:
            msg = exc.msg or str(exc)
            if "LoadDocumentCallback" in msg:
                msg = ("JSON-LD remote contexts are not fetched; inline the @context "
                       f"(engine: {msg})")
            raise DataError(msg, source=source or None, line=exc.lineno) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise DataError(str(exc), source=source or None) from None
        except OSError as exc:
            raise DataError(f"cannot read the data: {exc}", source=source or None) from None
        if target is not None:
            return [ox.Quad(q.subject, q.predicate, q.object, target) for q in quads]
        if fallback is not None:
            return [
                ox.Quad(q.subject, q.predicate, q.object, fallback)
                if type(q.graph_name) is ox.DefaultGraph else q
                for q in quads
            ]
        if any(type(q.graph_name) is ox.DefaultGraph for q in quads):
            raise DataError(
                "this data has triples outside any named graph; give a graph IRI to load them into",
                source=source or None,
            )
        return quads

    def load(
        self,
        data: bytes,
        fmt: RDFFormat,
        graph: str | None = None,
        *,
        source: str = "",
        default_graph: str | None = None,
        replace: bool = False,
    ) -> int:
        """See :meth:`Store.load`. The data is parsed completely before the store is touched,
        and written in one transaction. ``default_graph``: where triples outside any named
        graph go when ``graph`` is not given. ``replace``: empty every graph the data writes to
        first."""
        quads = self.parse(data, fmt, graph, source=source, default_graph=default_graph)
        try:
            store = self._writable()
            if replace:
                for g in {q.graph_name for q in quads}:
                    store.remove_graph(g)
            store.extend(quads)
        except OSError as exc:
            raise StoreError(f"cannot write to the store: {exc}") from None
        return len(quads)

    def bulk_load(
        self,
        data: bytes | IO[bytes],
        fmt: RDFFormat,
        graph: str | None = None,
        *,
        validated: bool = False,
    ) -> None:
        """Fast, non-transactional load for building a new generation (the build discards the
        whole generation on failure). ``data`` may be a binary stream, read to its end.
        ``validated=True``: the caller has already parsed the data strictly (e.g. with
        :func:`check_rdf` in worker processes), so the loader skips IRI validation
        (pyoxigraph's lenient mode, about 15% less loader CPU).
        Raises :class:`DataError` on malformed data (with the line in the stream); an
        exception raised by the stream's ``read`` propagates unchanged."""
        try:
            self._writable().bulk_load(
                data,
                format=_rdf_format(fmt),
                to_graph=_graph_node(graph) if graph is not None else None,
                lenient=validated,
            )
        except SyntaxError as exc:
            raise DataError(exc.msg or str(exc), line=exc.lineno) from None
        except OSError as exc:
            raise StoreError(f"cannot write to the store: {exc}") from None

    def replace_graph(self, graph: str, ntriples: bytes) -> int:
        """See :meth:`Store.replace_graph`. Parses first; then drops and refills the graph.
        (Atomic for readers because writes happen in a private generation, see
        :func:`open_store`.)"""
        quads = self.parse(ntriples, "ntriples", graph, source=graph)
        store = self._writable()
        try:
            store.remove_graph(_graph_node(graph))
            store.extend(quads)
        except OSError as exc:
            raise StoreError(f"cannot write to the store: {exc}") from None
        return len(quads)

    def add_triples(
        self, graph: str, triples: Iterable[tuple[Identifier, Identifier, Identifier]]
    ) -> int:
        """Add rdflib triples to ``graph``. Raises :class:`DataError` for an invalid term."""
        g = _graph_node(graph)
        try:
            quads = [
                ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), g)  # type: ignore[arg-type]
                for s, p, o in triples
            ]
        except (ValueError, TypeError) as exc:
            raise DataError(f"invalid term: {exc}") from None
        try:
            self._writable().extend(quads)
        except OSError as exc:
            raise StoreError(f"cannot write to the store: {exc}") from None
        return len(quads)

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update (one transaction). Not part of the :class:`Store` protocol: used by
        the service's update operation on a :class:`WritableStore`. Raises :class:`QueryError`
        for a malformed update, :class:`StoreError` when the store is read-only."""
        store = self._writable()
        try:
            store.update(sparql, base_iri=base_iri)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL Update syntax error: {exc.msg or exc}") from None
        except (ValueError, RuntimeError) as exc:
            raise QueryError(str(exc)) from None
        except OSError as exc:
            raise StoreError(f"cannot write to the store: {exc}") from None

    def drop_graph(self, graph: str) -> None:
        try:
            self._writable().remove_graph(_graph_node(graph))
        except OSError as exc:
            raise StoreError(f"cannot write to the store: {exc}") from None

    # -- reading out ------------------------------------------------------------------------
    def dump(
        self,
        fmt: RDFFormat,
        graph: str | None = None,
        *,
        prefixes: Mapping[str, str] | None = None,
    ) -> bytes:
        """See :meth:`Store.dump`. With a quad format and no graph, the whole dataset with its
        graph names; with a triple format and no graph, the union of all graphs (graph names
        dropped, duplicates merged). Raises :class:`DataError` for an unknown format."""
        rdf_format = _rdf_format(fmt)
        kwargs: dict[str, object] = {}
        if prefixes and fmt in ("turtle", "trig"):
            kwargs["prefixes"] = dict(prefixes)
        try:
            if graph is not None:
                g = _graph_node(graph)
                if fmt in QUAD_FORMATS and fmt != "jsonld":
                    quads = self.ox.quads_for_pattern(None, None, None, g)
                    return ox.serialize(quads, format=rdf_format, **kwargs)  # type: ignore[arg-type]
                return self.ox.dump(format=rdf_format, from_graph=g, **kwargs)  # type: ignore[arg-type]
            if rdf_format.supports_datasets:
                return self.ox.dump(format=rdf_format, **kwargs)  # type: ignore[arg-type]
            triples = self.ox.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
            )
            return ox.serialize(triples, format=rdf_format, **kwargs)  # type: ignore[arg-type]
        except OSError as exc:
            raise StoreError(f"cannot read the store: {exc}") from None

    def close(self) -> None:
        """Release the store (RocksDB closes when the last reference goes). Idempotent."""
        if self._ox is not None and not self.read_only and self.path is not None:
            try:
                self._ox.flush()
            except OSError:
                pass
        self._ox = None


# =============================================================================================
# In-memory copies for fast reads (the service's query workers, decision 0075)
# =============================================================================================

SNAPSHOT = "snapshot.nq"


def database_bytes(path: str | os.PathLike[str]) -> int:
    """Size in bytes of the files of an on-disk database (0 when it cannot be read)."""
    total = 0
    try:
        with os.scandir(path) as it:
            for entry in it:
                try:
                    if entry.is_file(follow_symlinks=False):
                        total += entry.stat(follow_symlinks=False).st_size
                except OSError:
                    continue
    except OSError:
        return 0
    return total


def memory_copy(store: OxigraphStore, *, snapshot: bool = True) -> OxigraphStore:
    """An in-memory copy of an on-disk store (the same quads in the same graphs), for reads:
    pyoxigraph answers the same query 3-4x faster from memory than from RocksDB.

    Reading RocksDB quad by quad is slow (about 20 us a quad), so with ``snapshot`` the first
    copy of a committed generation writes its N-Quads dump beside the database
    (``<generation>/snapshot.nq``, written to a temporary name and renamed) and later copies of
    that generation (other workers, restarts) load the file instead: one process dumps while the
    others wait on ``.snapshot.lock``. Generations are immutable once committed, so the
    snapshot stays true; it goes with its generation. When the snapshot cannot be written
    (read-only directory, full disk) the copy is made without it.

    Raises :class:`StoreError` if the store is in memory already or cannot be read, or if the
    snapshot is unreadable or malformed; ``MemoryError`` when the copy does not fit.
    """
    if store.path is None:
        raise StoreError("the store is in memory already")
    gen_dir = store.path.parent
    snap = gen_dir / SNAPSHOT
    if snapshot and _is_complete(gen_dir) and not snap.is_file():
        _write_snapshot(store, gen_dir, snap)
    mem = OxigraphStore()
    try:
        if snap.is_file():
            mem.ox.bulk_load(path=str(snap), format=ox.RdfFormat.N_QUADS, lenient=True)
        else:
            data = store.ox.dump(format=ox.RdfFormat.N_QUADS)
            mem.ox.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
            del data
    except SyntaxError as exc:
        raise StoreError(f"the snapshot {snap} is malformed: {exc}; delete it") from None
    except OSError as exc:
        raise StoreError(f"cannot copy the store at {store.path} into memory: {exc}") from None
    return mem


def _write_snapshot(store: OxigraphStore, gen_dir: Path, snap: Path) -> None:
    try:
        lock = open(gen_dir / ".snapshot.lock", "a+b")  # noqa: SIM115 - held while dumping
    except OSError:
        return  # a read-only generation: copy without a snapshot
    tmp = snap.with_name(f".{SNAPSHOT}.{os.getpid()}.tmp")
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        if snap.is_file():  # another process wrote it while this one waited
            return
        store.ox.dump(str(tmp), format=ox.RdfFormat.N_QUADS)
        os.replace(tmp, snap)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
    finally:
        lock.close()  # releases the lock


# =============================================================================================
# Generations on disk: <store>/current -> gen-<timestamp>-<pid>/{db/, generation.json}
# =============================================================================================

CURRENT = "current"
GEN_PREFIX = "gen-"
META = "generation.json"
LOCK = ".lock"


def _now_stamp() -> str:
    t = time.time()
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(t)) + f"{int((t % 1) * 1e6):06d}Z"


def current_generation(root: str | os.PathLike[str]) -> Path | None:
    """The generation directory ``<root>/current`` points at, or ``None`` when there is no
    store. Cheap (one ``readlink``): a long-running reader calls it to notice a new build and
    reopen. Raises :class:`StoreError` when ``current`` points at something missing."""
    link = Path(root) / CURRENT
    try:
        target = os.readlink(link)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"{link} is not a store link: {exc}") from None
    gen = (Path(root) / target).resolve()
    if not (gen / "db").is_dir():
        raise StoreError(f"the store at {root} is damaged: {link} points at missing {gen}")
    return gen


def _is_complete(gen: Path) -> bool:
    return (gen / META).is_file()


def _read_meta(gen: Path) -> dict[str, object]:
    try:
        return json.loads((gen / META).read_text())
    except (OSError, ValueError):
        return {}


class _StoreLock:
    """An exclusive ``flock`` on ``<root>/.lock``: one writer (build, load, audit...) at a time.
    Readers never take it."""

    def __init__(self, root: Path, *, wait: float = 30.0):
        self.path = root / LOCK
        self.wait = wait
        self.fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                    os.close(fd)
                    raise StoreError(
                        f"another itukg process is writing the store at {self.path.parent} "
                        f"(waited {self.wait:.0f} s)"
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def _check_store_dir(root: Path) -> None:
    """Refuse to manage a directory that holds anything but an itukg store."""
    if not root.exists():
        return
    if not root.is_dir():
        raise StoreError(f"{root} exists and is not a directory")
    strangers = [
        p.name
        for p in root.iterdir()
        if not (p.name in (CURRENT, LOCK) or p.name.startswith((GEN_PREFIX, CURRENT + ".tmp-")))
    ]
    if strangers:
        raise StoreError(
            f"{root} is not an itukg store (it holds {', '.join(sorted(strangers)[:5])}); "
            "choose an empty or new directory with --store"
        )


def _collect_garbage(root: Path, keep: set[Path]) -> list[Path]:
    """Remove generations not in ``keep`` and leftover temporary links. Call with the lock
    held. Returns the removed paths."""
    removed = []
    for p in root.iterdir():
        if p.name.startswith(CURRENT + ".tmp-"):
            p.unlink(missing_ok=True)
        elif p.name.startswith(GEN_PREFIX) and p.resolve() not in keep:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


class Generation:
    """One generation of the store being written aside.

    ``Generation.begin(root)`` takes the writer lock, removes leftovers of interrupted writers,
    creates ``<root>/gen-<timestamp>-<pid>`` (empty, or a copy of the current generation with
    ``copy_current=True``: RocksDB's backup hard-links the immutable table files, so the copy is
    cheap) and opens it read-write as :attr:`store`. :meth:`commit` closes it, marks it
    complete, switches ``current`` to it atomically (a new symlink renamed over the old one)
    and removes older generations except the one just replaced, which a reader may still hold
    open (it goes at the next switch). :meth:`abort` (also on an exception inside ``with``)
    deletes the new generation; ``current`` never changed.

    Raises :class:`StoreError` when the store is busy, damaged or not an itukg store.
    """

    def __init__(self, root: Path, path: Path, store: OxigraphStore, lock: _StoreLock,
                 previous: Path | None, kind: str):
        self.root = root
        self.path = path
        self.store = store
        self._lock = lock
        self.previous = previous
        self.kind = kind
        self.done = False

    @classmethod
    def begin(cls, root: str | os.PathLike[str], *, copy_current: bool = False,
              kind: str = "build", lock_wait: float = 30.0) -> Generation:
        root = Path(root).absolute()
        _check_store_dir(root)
        root.mkdir(parents=True, exist_ok=True)
        lock = _StoreLock(root, wait=lock_wait)
        lock.acquire()
        try:
            previous = current_generation(root)
            keep = {previous} if previous else set()
            if previous is not None:
                prev_prev = _read_meta(previous).get("previous")
                if isinstance(prev_prev, str) and _is_complete(root / prev_prev):
                    keep.add((root / prev_prev).resolve())
            _collect_garbage(root, keep)
            if copy_current and previous is None:
                raise StoreError(f"no store at {root}; run itukg build")
            path = root / f"{GEN_PREFIX}{_now_stamp()}-{os.getpid()}"
            path.mkdir()
            if copy_current:
                assert previous is not None
                src = OxigraphStore(previous / "db", read_only=True)
                try:
                    src.ox.backup(str(path / "db"))
                except OSError as exc:
                    raise StoreError(f"cannot copy the current generation: {exc}") from None
                finally:
                    src.close()
            store = OxigraphStore(path / "db")
        except BaseException:
            lock.release()
            raise
        return cls(root, path, store, lock, previous, kind)

    def bulk_load(self, data: bytes | IO[bytes], fmt: RDFFormat, graph: str | None = None, *,
                  validated: bool = False) -> None:
        """See :meth:`OxigraphStore.bulk_load`."""
        self.store.bulk_load(data, fmt, graph, validated=validated)

    def commit(self, **info: object) -> Path:
        """Make this generation current. Returns its path. Raises :class:`StoreError` if
        already committed or aborted."""
        if self.done:
            raise StoreError("this generation is already finished")
        try:
            self.store.close()
            meta = {
                "kind": self.kind,
                "created": _now_stamp(),
                "pid": os.getpid(),
                "previous": self.previous.name if self.previous else None,
                **info,
            }
            tmp_meta = self.path / (META + ".tmp")
            tmp_meta.write_text(json.dumps(meta, indent=2, default=str))
            os.replace(tmp_meta, self.path / META)
            tmp_link = self.root / f"{CURRENT}.tmp-{os.getpid()}"
            tmp_link.unlink(missing_ok=True)
            os.symlink(self.path.name, tmp_link)
            os.replace(tmp_link, self.root / CURRENT)
            _fsync_dir(self.root)
            keep = {self.path.resolve()}
            if self.previous is not None:
                keep.add(self.previous.resolve())
            _collect_garbage(self.root, keep)
        except BaseException:
            if current_generation(self.root) != self.path.resolve():
                self._remove()
            raise
        finally:
            self.done = True
            self._lock.release()
        return self.path

    def _remove(self) -> None:
        self.store.close()
        shutil.rmtree(self.path, ignore_errors=True)

    def abort(self) -> None:
        """Discard this generation; the current one is untouched. Idempotent."""
        if self.done:
            return
        try:
            self._remove()
        finally:
            self.done = True
            self._lock.release()

    def __enter__(self) -> Generation:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None or not self.done:
            self.abort()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class WritableStore(OxigraphStore):
    """A read-write session on the store of a Settings (see :func:`open_store`): writes go into
    a private copy of the current generation; :meth:`close` publishes it when something was
    written (and discards it otherwise); :meth:`abort` discards it. As a context manager, an
    exception inside the block aborts."""

    def __init__(self, generation: Generation):
        self._generation = generation
        self.path = generation.store.path
        self.read_only = False
        self.dirty = False
        self._ox = generation.store._ox

    def close(self) -> None:
        """Publish the writes (a new generation becomes current). Raises :class:`StoreError`
        when the switch fails."""
        if self._generation.done:
            return
        self._ox = None
        self._generation.store.dirty = self.dirty
        if self.dirty:
            self._generation.commit()
        else:
            self._generation.abort()

    def abort(self) -> None:
        self._ox = None
        self._generation.abort()

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is not None:
            self.abort()
        else:
            self.close()


def open_store(settings: Settings, read_only: bool = False) -> OxigraphStore:
    """Open the store at ``settings.store``.

    ``read_only=True``: the current generation, read-only (any number of readers, in any
    processes; a reader keeps the generation it opened until it reopens, see
    :func:`current_generation`).

    ``read_only=False``: a :class:`WritableStore`, a private copy of the current generation that
    becomes current when closed (only if something was written). Writers are serialised by a
    lock; readers are never disturbed.

    Raises :class:`StoreError` ("no store at ...; run itukg build") when there is no store, and
    when it is damaged or busy.
    """
    root = Path(settings.store)
    gen = current_generation(root) if root.is_dir() else None
    if gen is None:
        raise StoreError(f"no store at {root}; run itukg build")
    if read_only:
        return OxigraphStore(gen / "db", read_only=True)
    return WritableStore(Generation.begin(root, copy_current=True, kind="update"))


def memory_store() -> Store:
    """A new empty in-memory store (for checking a query with the engine, and for tests)."""
    return OxigraphStore()


def valid_iri(value: str) -> bool:
    """True when ``value`` is an absolute IRI the engine accepts (RFC 3987): the cheapest strict
    IRI validator available, so a bad IRI from a user is a 422, never a 500 later."""
    if not value or ":" not in value:
        return False
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True
