"""Canonical N-Quads for published snapshots (``itukg publish``, decision 0180).

A published dump must be the same bytes for the same graph, whatever store wrote it, so a
mirror can compare checksums and count what changed. Two things stand in the way: the order
the engine dumps quads in, and blank node labels, which the engine draws at random on every
load (the ontology's OWL lists and restrictions get new labels at every build). So each named
graph is dumped on its own, its blank nodes are renamed by RDF canonicalization (pyoxigraph's
``Dataset.canonicalize``) and prefixed with a short hash of the graph's IRI (canonical labels
restart at ``c14n0`` in every graph; the prefix keeps two graphs' blank nodes apart), and its
lines are sorted. Any backend works: only :meth:`Store.dump` is used. One quad is one line, so
two dumps compare line by line (:mod:`itukg.graph.publish.changes`).

This is the only module of the publisher that touches pyoxigraph (``graph/store`` owns it).
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from itukg.errors import DataError
from itukg.graph.store.protocol import Store

_NQ = ox.RdfFormat.N_QUADS


def graph_lines(store: Store, graph: str) -> list[bytes]:
    """The N-Quads lines (without line ends) of one named graph, blank nodes canonical, sorted.

    Raises :class:`~itukg.errors.StoreError` when the store cannot be read, ``DataError`` when
    its dump does not parse (a backend bug)."""
    data = store.dump("nquads", graph)
    if b"_:" in data:  # maybe blank nodes (or just a literal holding "_:"): parse to know
        try:
            quads = list(ox.parse(data, format=_NQ))
        except SyntaxError as exc:
            raise DataError(f"the store's dump of <{graph}> does not parse: {exc}") from None
        if any(_has_blank(q) for q in quads):
            data = ox.serialize(_canonical(quads, graph), format=_NQ)
    lines = [line for line in data.splitlines() if line.strip()]
    lines.sort()
    return lines


def _has_blank(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def _canonical(quads: list[ox.Quad], graph: str) -> list[ox.Quad]:
    """``quads`` with blank nodes renamed canonically, under a prefix of the graph's own.
    The canonicalization is exponential in the worst case (many look-alike blank nodes); OWL
    lists and restrictions are trees, which it handles at once."""
    ds = ox.Dataset(quads)
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    prefix = "g" + hashlib.sha256(graph.encode()).hexdigest()[:8]

    def rename(term):
        return ox.BlankNode(f"{prefix}{term.value}") if isinstance(term, ox.BlankNode) else term

    return [ox.Quad(rename(q.subject), q.predicate, rename(q.object), q.graph_name) for q in ds]
