"""A remote store's reading side: :class:`RemoteStore`, the :class:`Store` protocol over HTTP.

Every query passes the one screener first (:mod:`itukg.graph.store.screen`: no ``SERVICE``, no
``LOAD``, the engine's limits), then goes to the server with an explicit dataset, the graphs
published at open time (:mod:`~itukg.graph.store.remote.names`), so a build writing aside is
never seen. On the Oxigraph server a query on the default dataset is asked with the server's
union default graph instead, and kept only if no writer came meanwhile
(:class:`~itukg.graph.store.remote.books.GraphBook`). Answers come back as SPARQL JSON results
or N-Triples and are parsed and re-serialised by the same engine library as the embedded
store's, so both backends give the same terms and the same bytes. Bindings enter as a ``VALUES`` block of terms serialised by
rdflib at the start of the query's WHERE group, never as text pasted by hand.

Writes raise :class:`StoreError` here: a write session is a
:class:`~itukg.graph.store.remote.publish.RemoteSession`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import IO

import pyoxigraph as ox
from rdflib.term import Identifier

from itukg.errors import QueryError, StoreError
from itukg.graph.store.formats import RDF_FORMATS, RESULT_FORMATS, to_rdflib
from itukg.graph.store.oxigraph import OxigraphStore
from itukg.graph.store.protocol import QueryResult, RDFFormat, SelectResult, StoreInfo
from itukg.graph.store.remote.books import GraphBook, Published, read_published
from itukg.graph.store.remote.client import JSON_RESULTS, NTRIPLES, Client
from itukg.graph.store.remote.names import EMPTY
from itukg.graph.store.screen import dataset_of, decode_escapes, query_form, tokens


class RemoteStore:
    """The published state of a SPARQL server, read-only. ``published``: the graphs of the
    generation ``generation`` (read when opened). ``follow``: a GraphBook server, whose reader
    moves to each new generation whole (:meth:`_ask_published`); ``union_mark``: the holder
    mark under which the server's union default graph is exactly the published graphs
    (``None``: not now). Methods raise as :class:`Store` says."""

    #: seconds a reader sticks to the list after a writer was seen, before it looks again
    RECHECK = 1.0
    #: published graphs from which the union is worth its check: with a few graphs the list
    #: costs the server nothing more, and the check is one more request (corpus lookups:
    #: 600 req/s with it against 900 without, docs/benchmarks.md)
    UNION_FROM_GRAPHS = 16

    def __init__(self, client: Client, published: Sequence[str], generation: str | None, *,
                 follow: bool = False, union_mark: str | None = None):
        self.client = client
        self.published = sorted(published)
        self.generation = generation
        self.read_only = True
        self.follow = follow
        self.union_mark = union_mark
        self._state_lock = threading.Lock()
        self._recheck_at = time.monotonic() + self.RECHECK if union_mark is None else 0.0
        #: answers asked with the union default graph and kept / thrown away (the sequence lock)
        self.union_answers = [0, 0]

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queries --------------------------------------------------------------------------
    def _dataset(self, sparql: str, default_graph: Sequence[str] | None,
                 named_graphs: Sequence[str] | None) -> tuple[list[str], list[str]]:
        """The protocol dataset to send: the caller's, else the published graphs; nothing when
        the query names its own (FROM / FROM NAMED)."""
        if default_graph is None and named_graphs is None and dataset_of(sparql) is not None:
            return [], []
        if default_graph is None:
            default = [] if named_graphs is not None else list(self.published)
        else:
            default = list(default_graph)
        named = (self._named(sparql) if named_graphs is None else list(named_graphs))
        # the protocol cannot say "no graph": a graph that never exists stands for it
        return default or [EMPTY], named or [EMPTY]

    def _named(self, sparql: str) -> list[str]:
        """The published graphs as the named graphs, only for a query that has a GRAPH pattern
        (nothing else reads them): a list of 300 costs Virtuoso 5x on every query."""
        return list(self.published) if _uses_graph(sparql) else []

    def _execute(self, sparql: str, bindings: Mapping[str, Identifier] | None,
                 default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None
                 ) -> tuple[str, object]:
        """Run ``sparql`` on the server; returns the form and the engine library's result
        object (QuerySolutions, QueryBoolean, or a list of triples)."""
        form = query_form(sparql)
        # Virtuoso 7 fails on a VALUES block in a group that holds FILTER(?x = iri)
        # ("sparp_gp_deprecate ... under deprecation") and mis-joins a trailing one with UNION
        # branches: there the terms are substituted for the variable tokens instead
        substitute = self.client.dialect == "virtuoso"
        text = with_bindings(sparql, bindings, substitute=substitute) if bindings else sparql
        graph_form = form in ("construct", "describe")
        if (default_graph is None and named_graphs is None and dataset_of(sparql) is None
                and self.follow and len(self.published) >= self.UNION_FROM_GRAPHS):
            body = self._ask_published(form, text, union=not _lists_graphs(text))
        else:
            default, named = self._dataset(sparql, default_graph, named_graphs)
            body = self._send(form, text, default_graph=default, named_graphs=named)
        try:
            if graph_form:
                return form, list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            return form, ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.client.endpoints.query}: an answer that is not "
                             f"{'N-Triples' if graph_form else 'SPARQL results'}: {exc}") from None

    def _send(self, form: str, text: str, **dataset: object) -> bytes:
        if form == "ask":
            return self.client.ask(text, **dataset)  # type: ignore[arg-type]
        accept = NTRIPLES if form in ("construct", "describe") else JSON_RESULTS
        return self.client.query(text, accept, **dataset)  # type: ignore[arg-type]

    def _ask_published(self, form: str, text: str, *, union: bool) -> bytes:
        """Ask on the published graphs of a GraphBook server (books.py), following it: with
        the union default graph while no writer is at work, kept only if the mark still
        stands; else with the list of published graphs, kept only if their generation still
        stands (a switch meanwhile would give old names with new contents). On a new
        generation the reader moves to it, whole. Raises StoreError, QueryError."""
        for _ in range(4):
            if union and self.union_mark is None and time.monotonic() >= self._recheck_at:
                self._follow(read_published(self.client))
            mark = self.union_mark  # one value for the question and its check (threads share a reader)
            if union and mark is not None:
                body = self._send(form, text, union=True)
                if GraphBook.still_clean(self.client, mark):
                    self.union_answers[0] += 1
                    return body
                # a writer came: its stage graphs may be in the answer
                self.union_answers[1] += 1
                self._follow(read_published(self.client))
                continue
            with self._state_lock:  # a pair: the names and the generation they were read with
                published, generation = self.published, self.generation
            body = self._send(form, text, default_graph=published or [EMPTY],
                              named_graphs=(published if _uses_graph(text) else None) or [EMPTY])
            if GraphBook.generation_stands(self.client, generation):
                return body
            self._follow(read_published(self.client))
        raise StoreError(f"{self.client.endpoints.base}: the store was switched four times while "
                         "answering; ask again")

    def _follow(self, pub: Published) -> None:
        """Take the server's published state as this reader's; with a writer at work, stay
        on the list for :data:`RECHECK` seconds before looking again."""
        with self._state_lock:
            if pub.generation is not None:
                self.published, self.generation = pub.graphs, pub.generation
            self.union_mark = pub.mark
        if pub.mark is None:
            self._recheck_at = time.monotonic() + self.RECHECK

    def query(self, sparql: str, *, bindings: Mapping[str, Identifier] | None = None,
              default_graph: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None) -> QueryResult:
        """See :meth:`Store.query`."""
        form, res = self._execute(sparql, bindings, default_graph, named_graphs)
        if isinstance(res, ox.QueryBoolean):
            return bool(res)
        if isinstance(res, ox.QuerySolutions):
            variables = [v.value for v in res.variables]
            return SelectResult(variables, [tuple(map(to_rdflib, sol)) for sol in res])  # type: ignore[arg-type]
        return [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))  # type: ignore[misc]
                for t in res]  # type: ignore[attr-defined]

    def query_serialized(self, sparql: str, *, result_format: str,
                         bindings: Mapping[str, Identifier] | None = None,
                         default_graph: Sequence[str] | None = None,
                         named_graphs: Sequence[str] | None = None) -> tuple[str, bytes]:
        """See :meth:`Store.query_serialized`: serialised here by the engine library, so the
        bytes are those of the embedded store."""
        form = query_form(sparql)
        graph_form = form in ("construct", "describe")
        allowed = RDF_FORMATS if graph_form else RESULT_FORMATS
        if result_format not in allowed:
            raise QueryError(f"a {form.upper()} result cannot be given as {result_format!r}; "
                             f"use one of {' '.join(allowed)}")
        form, res = self._execute(sparql, bindings, default_graph, named_graphs)
        if graph_form:
            return "graph", ox.serialize(res, format=RDF_FORMATS[result_format])  # type: ignore[arg-type]
        kind = "ask" if isinstance(res, ox.QueryBoolean) else "select"
        return kind, res.serialize(format=RESULT_FORMATS[result_format])  # type: ignore[attr-defined]

    def query_form(self, sparql: str) -> str:
        """See :meth:`Store.query_form`: checked locally with the engine on an empty dataset."""
        return OxigraphStore().query_form(sparql)

    # -- graphs ---------------------------------------------------------------------------
    def graphs(self) -> list[str]:
        return list(self.published)

    def triples_per_graph(self) -> dict[str, int]:
        res = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                         default_graph=[])
        assert isinstance(res, SelectResult)
        counts = {str(g): int(n) for g, n in res.rows}  # type: ignore[arg-type]
        for g in self.published:
            counts.setdefault(g, 0)
        return dict(sorted(counts.items()))

    def dump(self, fmt: RDFFormat, graph: str | None = None, *,
             prefixes: Mapping[str, str] | None = None) -> bytes:
        """See :meth:`Store.dump`: read graph by graph into memory, serialised there."""
        return self.copy_to_memory(graph).dump(fmt, graph, prefixes=prefixes)

    def copy_to_memory(self, graph: str | None = None) -> OxigraphStore:
        """The published graphs (or one) in an in-memory store. Raises StoreError, MemoryError."""
        mem = OxigraphStore()
        for g in [graph] if graph is not None else self.published:
            data = self.client.get_graph(g)
            if data:
                mem.bulk_load(data, "ntriples", g)
        mem.read_only = True
        return mem

    # -- writing: not here ------------------------------------------------------------------
    def _read_only(self, *a: object, **k: object) -> int:
        raise StoreError("the store is open read-only")

    load = replace_graph = add_triples = update = drop_graph = _read_only  # type: ignore[assignment]

    def bulk_load(self, data: bytes | IO[bytes], fmt: RDFFormat, graph: str | None = None, *,
                  validated: bool = False) -> None:
        self._read_only()

    def info(self) -> StoreInfo:
        """See :meth:`Store.info`; ``size`` 0: the query workers read the server directly."""
        return StoreInfo(engine=f"remote-{self.client.dialect}",
                         location=self.client.endpoints.base, generation=self.generation,
                         size=0, read_only=True, session="reader")

    def close(self) -> None:
        """Nothing to release: the HTTP connections are shared per server. Idempotent."""

    def abort(self) -> None:
        self.close()


def _uses_graph(sparql: str) -> bool:
    """Whether ``sparql`` has the keyword GRAPH (outside strings, IRIs and comments)."""
    return any(kind == "word" and tok.upper() == "GRAPH" for kind, tok, _ in tokens(sparql))


def _lists_graphs(sparql: str) -> bool:
    """Whether ``sparql`` has ``GRAPH x {}``: with the union default graph every named graph
    is in the dataset, the bookkeeping's empty ones too, and that pattern would list them."""
    toks = tokens(sparql)
    return any(kind == "word" and tok.upper() == "GRAPH"
               and [t for _, t, _ in toks[i + 2:i + 4]] == ["{", "}"]
               for i, (kind, tok, _) in enumerate(toks))


def with_bindings(sparql: str, bindings: Mapping[str, Identifier], *, substitute: bool = False) -> str:
    """``sparql`` with ``VALUES (?a ?b) { (t1 t2) }`` first in its WHERE group (``substitute``:
    the terms put in place of the variable tokens, :func:`_substituted`): each term serialised
    by rdflib (``n3()``), so a value can never become query text. Raises QueryError for a query without a group to put
    it in, a bound variable a SELECT does not project, or a binding that is no RDF term."""
    text = decode_escapes(sparql)
    names, terms = [], []
    for name, term in bindings.items():
        var = name.lstrip("?$")
        if not var.replace("_", "a").isalnum():
            raise QueryError(f"invalid variable name {name!r}")
        if not isinstance(term, Identifier) or term.__class__.__name__ == "Variable":
            raise QueryError(f"invalid binding for ?{var}: not an RDF term")
        names.append("?" + var)
        terms.append(term.n3())
    _check_projection(text, names)
    at = _where_group(text)
    if substitute:
        return _substituted(text, at, dict(zip(names, terms)))
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }} "
    return text[: at + 1] + block + text[at + 1:]


def _substituted(text: str, at: int, values: dict[str, str]) -> str:
    """The WHERE group of ``text`` (from offset ``at``) with each bound variable replaced by its
    term (the embedded engine's substitution), and ``BIND(term AS ?v)`` first in the group so
    the projection still shows it. Only variable tokens are replaced, never strings or IRIs."""
    out, last = [], 0
    for kind, tok, offset in tokens(text):
        if kind == "var" and offset > at and "?" + tok[1:] in values:
            out += [text[last:offset], values["?" + tok[1:]]]
            last = offset + len(tok)
    body = "".join(out) + text[last:]
    binds = " ".join(f"BIND({term} AS {var})" for var, term in values.items())
    return body[: at + 1] + f" {binds} " + body[at + 1:]


def _check_projection(text: str, variables: list[str]) -> None:
    """The embedded engine's rule, kept on every backend: a bound variable must be projected by
    a SELECT (``SELECT *`` projects all). Raises QueryError as the engine words it."""
    if query_form(text) != "select":
        return
    projected: set[str] = set()
    started = False
    for kind, tok, _ in tokens(text):
        if kind == "word" and tok.upper() == "SELECT":
            started = True
        elif started and ((kind == "word" and tok.upper() in ("WHERE", "FROM")) or tok == "{"):
            break
        elif started and tok == "*":
            return
        elif started and kind == "var":
            projected.add("?" + tok[1:])
    for var in variables:
        if var not in projected:
            raise QueryError(f"The SPARQL query does not contains variable {var} in its SELECT "
                             "projection")


def _where_group(text: str) -> int:
    """Offset of the ``{`` that opens the query's WHERE group (after the keyword WHERE, or the
    first group after SELECT/ASK when WHERE is left out). Raises QueryError when none."""
    toks = tokens(text)
    seen_where = False
    for kind, tok, offset in toks:
        if kind == "word" and tok.upper() == "WHERE":
            seen_where = True
        elif kind == "other" and tok == "{" and seen_where:
            return offset
    form = query_form(text)
    if form in ("select", "ask"):
        for kind, tok, offset in toks:
            if kind == "other" and tok == "{":
                return offset
    raise QueryError("bindings need a query with a WHERE group")
