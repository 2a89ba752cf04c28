"""The embedded backend's store: pyoxigraph on RocksDB, or in memory.

:class:`OxigraphStore` implements :class:`itukg.graph.store.protocol.Store` for one database
directory (or memory); the on-disk lifecycle around it (generations, the writer lock, the
``current`` link) is :mod:`itukg.graph.store.generations`. Queries are screened by
:mod:`itukg.graph.store.screen` before the engine sees them.

(About 420 lines: one class per engine is easier to follow than its methods spread over
mixins; the parsing and term helpers already live in :mod:`itukg.graph.store.formats`.)
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib.term import Identifier

from itukg.errors import DataError, QueryError, StoreError
from itukg.graph.store.formats import (
    QUAD_FORMATS,
    RDF_FORMATS,
    RESULT_FORMATS,
    graph_node,
    parse_quads,
    rdf_format,
    to_oxigraph,
    to_rdflib,
)
from itukg.graph.store.limits import (
    DEFAULT_MAX_LITERAL_BYTES,
    check_xml_entities,
    too_long_line,
)
from itukg.graph.store.protocol import QueryResult, RDFFormat, SelectResult, StoreInfo
from itukg.graph.store.screen import check_update, dataset_of, query_form


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

    Satisfies :class:`~itukg.graph.store.protocol.Store`. Queries never reach the network: a query using ``SERVICE`` is
    refused with :class:`QueryError` before the engine sees it (pyoxigraph would fetch it), and
    JSON-LD remote contexts are never loaded (pyoxigraph has no document loader set; such data is
    refused as malformed).

    Use :func:`itukg.graph.store.open_store` to open the store of a :class:`~itukg.settings.Settings`; construct
    this class directly only for an in-memory store (tests) or a bare directory.

    Raises :class:`StoreError` if the directory cannot be opened (e.g. locked by another writer).

    >>> s = OxigraphStore()
    >>> s.load(b'<http://e/a> <http://e/p> "x"@en .', "ntriples", "http://e/g")
    1
    >>> s.query("SELECT ?o WHERE { ?s ?p ?o }").rows
    [(rdflib.term.Literal('x', lang='en'),)]
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False,
                 location: str | None = None, generation: str | None = None):
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self.dirty = False  # something was written (a writer session publishes only then)
        self.location = location if location is not None else (str(path) if path else None)
        self.generation = generation
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
        form = query_form(sparql)
        kwargs: dict[str, object] = {}
        try:
            # the union default graph, unless the query names its own dataset (FROM / FROM
            # NAMED), which pyoxigraph would otherwise ignore for the union
            if default_graph is None and named_graphs is None and dataset_of(sparql) is None:
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
        form = query_form(sparql)
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
        form = query_form(sparql)
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
    def load(
        self,
        data: bytes,
        fmt: RDFFormat,
        graph: str | None = None,
        *,
        source: str = "",
        default_graph: str | None = None,
        replace: bool = False,
        max_literal_bytes: int = DEFAULT_MAX_LITERAL_BYTES,
    ) -> int:
        """See :meth:`Store.load`. The data is parsed completely before the store is touched,
        and written in one transaction. ``default_graph``: where triples outside any named
        graph go when ``graph`` is not given. ``replace``: empty every graph the data writes to
        first."""
        quads = parse_quads(data, fmt, graph, source=source, default_graph=default_graph,
                            max_literal_bytes=max_literal_bytes)
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
        Raises :class:`DataError` on malformed data (with the line in the stream) and for
        RDF/XML bytes with unbounded entities; an
        exception raised by the stream's ``read`` propagates unchanged."""
        if fmt == "rdfxml" and isinstance(data, bytes):  # same entity screen as load()
            check_xml_entities(data)
        try:
            self._writable().bulk_load(
                data,
                format=rdf_format(fmt),
                to_graph=graph_node(graph) if graph is not None else None,
                lenient=validated,
            )
        except SyntaxError as exc:
            raise DataError(exc.msg or str(exc), line=exc.lineno) from None
        except MemoryError:  # the parser's buffer holds one line: a longer one ends here
            raise too_long_line(None) from None
        except OSError as exc:
            raise StoreError(f"cannot write to the store: {exc}") from None

    def replace_graph(self, graph: str, ntriples: bytes) -> int:
        """See :meth:`Store.replace_graph`. Parses first; then drops and refills the graph.
        (Atomic for readers because writes happen in a private generation, see
        :func:`open_store`.)"""
        quads = parse_quads(ntriples, "ntriples", graph, source=graph)
        store = self._writable()
        try:
            store.remove_graph(graph_node(graph))
            store.extend(quads)
        except OSError as exc:
            raise StoreError(f"cannot write to the store: {exc}") from None
        return len(quads)

    def add_triples(
        self, graph: str, triples: Iterable[tuple[Identifier, Identifier, Identifier]]
    ) -> int:
        """Add rdflib triples to ``graph``. Raises :class:`DataError` for an invalid term."""
        g = graph_node(graph)
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
        """See :meth:`Store.update` (the service's update operation runs it on a writer session,
        :class:`itukg.graph.store.generations.WritableStore`). Raises :class:`QueryError`
        for a malformed update and one that would reach the network (SERVICE, LOAD: refused by
        the screener before the engine sees it), :class:`StoreError` when read-only."""
        check_update(sparql)
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
            self._writable().remove_graph(graph_node(graph))
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
        engine_format = rdf_format(fmt)
        kwargs: dict[str, object] = {}
        if prefixes and fmt in ("turtle", "trig"):
            kwargs["prefixes"] = dict(prefixes)
        try:
            if graph is not None:
                g = graph_node(graph)
                if fmt in QUAD_FORMATS and fmt != "jsonld":
                    quads = self.ox.quads_for_pattern(None, None, None, g)
                    return ox.serialize(quads, format=engine_format, **kwargs)  # type: ignore[arg-type]
                return self.ox.dump(format=engine_format, from_graph=g, **kwargs)  # type: ignore[arg-type]
            if engine_format.supports_datasets:
                return self.ox.dump(format=engine_format, **kwargs)  # type: ignore[arg-type]
            triples = self.ox.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
            )
            return ox.serialize(triples, format=engine_format, **kwargs)  # type: ignore[arg-type]
        except OSError as exc:
            raise StoreError(f"cannot read the store: {exc}") from None

    # -- lifecycle --------------------------------------------------------------------------
    def info(self) -> StoreInfo:
        """See :meth:`Store.info`. ``size`` is the bytes of the RocksDB files (0 in memory)."""
        return StoreInfo(
            engine="oxigraph-memory" if self.path is None else "oxigraph-rocksdb",
            location=self.location,
            generation=self.generation,
            size=database_bytes(self.path) if self.path is not None else 0,
            read_only=self.read_only,
            session="reader" if self.read_only else "direct",
        )

    def copy_to_memory(self) -> OxigraphStore:
        """See :meth:`Store.copy_to_memory` and :func:`itukg.graph.store.snapshot.memory_copy`."""
        from itukg.graph.store.snapshot import memory_copy

        return memory_copy(self)

    def backup(self, target: str | os.PathLike[str]) -> None:
        """Write a consistent copy of this on-disk database to the new directory ``target``
        (RocksDB's checkpoint: hard links where it can). Engine-specific, not in the protocol:
        for comparing with the standalone oxigraph server. Raises StoreError."""
        try:
            self.ox.backup(str(target))
        except OSError as exc:
            raise StoreError(f"cannot copy the store to {target}: {exc}") from None

    def abort(self) -> None:
        """Writes to this store went straight in and cannot be undone: the same as :meth:`close`
        (a writer session, :class:`itukg.graph.store.generations.WritableStore`, discards)."""
        self.close()

    def close(self) -> None:
        """Release the store (RocksDB closes when the last reference goes). Idempotent."""
        if self._ox is not None and not self.read_only and self.path is not None:
            try:
                self._ox.flush()
            except OSError:
                pass
        self._ox = None


class WriterSession(OxigraphStore):
    """A writer session (``open_store(settings)`` on a writable store): writes go into a
    private store; :meth:`close` publishes them when something was written and discards them
    otherwise, :meth:`abort` discards them; an exception inside ``with`` aborts. Each backend
    says how to publish and discard (:class:`~itukg.graph.store.generations.WritableStore`: a
    new generation on disk; :class:`~itukg.graph.store.remote.publish.RemoteSession`: a switch
    on the server)."""

    def __init__(self, store: OxigraphStore, *, location: str | None, generation: str | None):
        # writes go into ``store``'s engine: the private store, opened by the backend
        self.path, self._ox = store.path, store._ox
        self.read_only, self.dirty = False, False
        self.location, self.generation = location, generation

    def _finished(self) -> bool:
        raise NotImplementedError

    def _publish(self) -> None:
        raise NotImplementedError

    def _discard(self) -> None:
        raise NotImplementedError

    def info(self) -> StoreInfo:
        """See :meth:`Store.info`; ``session`` is ``"writer"``."""
        return dataclasses.replace(super().info(), session="writer")

    def close(self) -> None:
        """Publish the writes, if any. Raises :class:`StoreError` when publishing fails."""
        if self._finished():
            return
        self._ox = None
        if self.dirty:
            self._publish()
        else:
            self._discard()

    def abort(self) -> None:
        self._ox = None
        self._discard()

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is not None:
            self.abort()
        else:
            self.close()
