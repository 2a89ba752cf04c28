"""What the reasoner reads from the store: the ontology, one graph at a time (a document's, or
one added with ``itukg load``) and the part of the reference graph (and, for a loaded graph,
of the documents' graphs) it points to: never the whole store at once, HermiT is slow on big
graphs. :func:`store_units` says which graphs are reasoned over and which are left out."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from rdflib import OWL, RDF, Graph, URIRef

from itukg.errors import NotFound
from itukg.graph.reads.sparql import read_query
from itukg.graph.reasoning.hermit import ReasoningReport, bundled_ontology, java_executable, reason
from itukg.graph.vocab import SDGO

_REFERENCE_NEEDED = read_query("reasoning/reference-needed")
_GRAPH_NEEDED = read_query("reasoning/graph-needed")


def document_slugs(store, settings) -> list[str]:
    """Slugs of the documents in the store (from its ``B graph/doc/{slug}`` graphs), sorted.

    Raises :class:`itukg.errors.StoreError` when the store cannot be read.
    """
    prefix = settings.document_graph("")
    return sorted(g[len(prefix):] for g in store.graphs() if g.startswith(prefix) and len(g) > len(prefix))


def store_ontology(store, settings) -> Graph:
    """The ontology graph of the store (``B graph/ontology``), or the bundled ontology when the
    store has none. Raises :class:`itukg.errors.StoreError` when the store cannot be read."""
    if settings.ontology_graph in store.graphs():
        g = Graph().parse(data=store.dump("ntriples", graph=settings.ontology_graph).decode("utf-8"), format="nt")
        if len(g):
            return g
    return bundled_ontology()


#: Reference links that fan out from a resource the document points to (a goal to all its
#: targets, a target to all its indicators): not needed to reason about the document.
_FAN_OUT = (SDGO.hasTarget, SDGO.hasIndicator)


def reference_subset(document: Graph, reference: Graph | Iterable, ontology: Graph, *,
                     subjects: bool = False) -> Graph:
    """The part of ``reference`` that reasoning about ``document`` needs: for every IRI the
    document points to, its types and its values of the ontology's object and datatype
    properties (so an SDG target comes with its ``sdgo:isTargetOf`` goal, a conference with its
    body, venue and year), but not labels, provenance or fan-out links (:data:`_FAN_OUT`); and
    the types of the resources those triples point to (a programme's country group).
    ``subjects``: the IRIs ``document`` describes count too (a loaded file that says something
    about a reference conference)."""
    props = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty))
    props = (props - set(_FAN_OUT)) | {RDF.type}
    pointed = {o for o in document.objects() if isinstance(o, URIRef)}
    if subjects:
        pointed |= {x for x in document.subjects() if isinstance(x, URIRef)}
    triples = list(reference)
    out = Graph()
    for s, p, o in triples:
        if s in pointed and p in props:
            out.add((s, p, o))
    second = {o for _, p, o in out if p != RDF.type and isinstance(o, URIRef)} - pointed
    for s, p, o in triples:
        if s in second and p == RDF.type:
            out.add((s, p, o))
    return out


def store_document_graph(store, settings, slug: str, ontology: Graph | None = None) -> Graph:
    """One document's graph plus the part of the reference graph it needs
    (:func:`reference_subset`; ``ontology`` defaults to the store's).

    Raises :class:`itukg.errors.NotFound` when the store holds no document ``slug``, and
    :class:`itukg.errors.StoreError` when the store cannot be read.
    """
    doc_graph = settings.document_graph(slug)
    if doc_graph not in store.graphs():
        known = ", ".join(document_slugs(store, settings)) or "none"
        raise NotFound(f"no document {slug!r} in the store (documents: {known})")
    g = Graph().parse(data=store.dump("ntriples", graph=doc_graph).decode("utf-8"), format="nt")
    if settings.reference_graph in store.graphs():
        rows = store.query(_REFERENCE_NEEDED, default_graph=[doc_graph],
                           named_graphs=[settings.reference_graph])
        ontology = ontology if ontology is not None else store_ontology(store, settings)
        for t in reference_subset(g, rows, ontology):
            g.add(t)
    return g


def store_units(store, settings) -> tuple[list[str], list[str], dict[str, str]]:
    """``(document slugs, loaded graph IRIs, left out: graph IRI → why)`` of the store: every
    named graph is one of these, or the ontology and reference graphs (read with each unit).
    Raises :class:`itukg.errors.StoreError` when the store cannot be read."""
    prefix = settings.document_graph("")
    fixed = {settings.ontology_graph, settings.reference_graph}
    left_out = {settings.audit_graph: "the audit report (findings about the graph, not facts of it)"}
    loaded = sorted(g for g in store.graphs() if not g.startswith(prefix) and g not in fixed and g not in left_out)
    present = set(store.graphs())
    return document_slugs(store, settings), loaded, {g: why for g, why in left_out.items() if g in present}


def store_loaded_graph(store, settings, graph: str, ontology: Graph | None = None) -> Graph:
    """A graph added with ``itukg load`` plus what it points to in the reference graph and the
    documents' graphs (the types and ontology-property values of each IRI it uses), so a loaded
    file that retypes a reference conference or a document's output meets the facts it
    contradicts. Raises :class:`itukg.errors.StoreError` when the store cannot be read."""
    g = Graph().parse(data=store.dump("ntriples", graph=graph).decode("utf-8"), format="nt")
    others = [x for x in store.graphs() if x == settings.reference_graph
              or x.startswith(settings.document_graph(""))]
    if others:
        ontology = ontology if ontology is not None else store_ontology(store, settings)
        rows = store.query(_GRAPH_NEEDED, default_graph=[graph], named_graphs=others)
        for t in reference_subset(g, rows, ontology, subjects=True):
            g.add(t)
    return g


def reason_over_store(store, settings, slugs: list[str] | None = None) -> list[ReasoningReport]:
    """Reason over each document of the store (or only the given slugs) and, without slugs,
    each graph added with ``itukg load``, one at a time (:func:`store_units`).

    Raises :class:`ReasonerUnavailable`, :class:`ReasonerError`, :class:`itukg.errors.NotFound`
    (unknown slug, or nothing to reason over) or :class:`itukg.errors.StoreError`.
    """
    java_executable()
    ontology = store_ontology(store, settings)
    docs, loaded, _ = store_units(store, settings)
    if slugs:
        docs, loaded = slugs, []
    if not docs and not loaded:
        raise NotFound("the store holds no documents and no loaded graphs; run itukg build or itukg load")
    reports = [reason(store_document_graph(store, settings, s, ontology), ontology, label=s) for s in docs]
    reports += [reason(store_loaded_graph(store, settings, g, ontology), ontology, label=f"loaded <{g}>")
                for g in loaded]
    return reports


def graph_from_files(paths: Iterable[str | os.PathLike[str]]) -> Graph:
    """Parse RDF files (format from the file name) into one rdflib graph.

    Raises :class:`itukg.errors.DataError` naming the file when one cannot be read or parsed.
    """
    from rdflib.util import guess_format

    from itukg.errors import DataError

    g = Graph()
    for path in paths:
        p = Path(path)
        fmt = guess_format(p.name) or "turtle"
        try:
            g.parse(p, format=fmt)
        except FileNotFoundError as exc:
            raise DataError("file not found", source=str(p)) from exc
        except Exception as exc:  # rdflib raises several parser exception types
            raise DataError(f"cannot parse as {fmt}: {exc}", source=str(p)) from exc
    return g

