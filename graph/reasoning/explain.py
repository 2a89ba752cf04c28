"""Explaining an inconsistency: HermiT says only "inconsistent", so look for the usual causes (an
individual in two disjoint classes, two values of a functional property, a literal outside a
property's range) and name them."""

from __future__ import annotations

import itertools
from collections import defaultdict

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from itukg.graph.vocab import IKG, SDGO


def _namespaces():
    g = Graph()
    g.bind("ikg", str(IKG._NS))
    g.bind("sdgo", str(SDGO._NS))
    g.bind("sdg", "http://metadata.un.org/sdg/")
    return g.namespace_manager
def _n3(term: Node, nm) -> str:
    try:
        return term.n3(nm)
    except Exception:  # pragma: no cover - an IRI rdflib cannot abbreviate
        return term.n3()
def _plain(term: Node) -> Node:
    # owlready2 writes plain literals back as xsd:string; compare them as RDF 1.1 does (equal).
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def explain(graph: Graph) -> list[str]:
    """Name the likely causes of an inconsistency in ``graph`` (ontology plus data).

    Checks, without a reasoner: individuals whose classes (asserted, or implied by the domains
    and ranges of the properties they use, closed under ``rdfs:subClassOf``) include two disjoint
    classes; functional properties with two different values (data values, or individuals
    declared different); literals outside a property's declared datatype range. Returns one sentence per
    clash, sorted; an empty list when none of these causes is present.
    """
    nm = _namespaces()

    def n(t: Node) -> str:
        return _n3(t, nm)

    supers = _superclasses(graph)
    disjoint = _disjoint_pairs(graph)
    domains = {p: d for p, d in graph.subject_objects(RDFS.domain) if isinstance(d, URIRef)}
    ranges = {p: r for p, r in graph.subject_objects(RDFS.range) if isinstance(r, URIRef)}
    object_props = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    schema = {s for s in graph.subjects(RDF.type, None)
              if (s, RDF.type, OWL.Class) in graph or (s, RDF.type, OWL.ObjectProperty) in graph
              or (s, RDF.type, OWL.DatatypeProperty) in graph or (s, RDF.type, OWL.AnnotationProperty) in graph
              or (s, RDF.type, OWL.Ontology) in graph}

    # Why each individual is in each class.
    why: dict[Node, dict[Node, str]] = defaultdict(dict)

    def add(ind: Node, cls: Node, reason: str) -> None:
        for c in [cls, *supers.get(cls, ())]:
            why[ind].setdefault(c, reason if c == cls else f"{reason}, and {n(cls)} is a {n(c)}")

    for s, o in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and s not in schema and isinstance(o, URIRef) and not str(o).startswith(str(OWL)):
            add(s, o, "typed so")
    for s, p, o in graph:
        if s in schema or isinstance(s, BNode) or p == RDF.type:
            continue
        if p in domains:
            add(s, domains[p], f"it has {n(p)} (domain {n(domains[p])})")
        if p in object_props and p in ranges and isinstance(o, URIRef):
            add(o, ranges[p], f"it is the object of {n(s)} {n(p)} (range {n(ranges[p])})")

    clashes: set[str] = set()
    for ind, classes in why.items():
        for a, b in itertools.combinations(sorted(classes, key=str), 2):
            if frozenset((a, b)) in disjoint:
                clashes.add(f"{n(ind)} is both {n(a)} ({classes[a]}) and {n(b)} ({classes[b]}), "
                            f"which are disjoint")

    different = _different_pairs(graph)
    for p in graph.subjects(RDF.type, OWL.FunctionalProperty):
        values: dict[Node, set[Node]] = defaultdict(set)
        for s, o in graph.subject_objects(p):
            if s not in schema:
                values[s].add(_plain(o) if isinstance(o, Literal) else o)
        for s, vals in values.items():
            if len(vals) < 2:
                continue
            lits = [v for v in vals if isinstance(v, Literal)]
            if len(lits) >= 2 and len({(v.value if v.value is not None else str(v), v.datatype, v.language)
                                        for v in lits}) >= 2:
                clashes.add(f"{n(s)} has {len(lits)} values of the functional property {n(p)}: "
                            + ", ".join(sorted(n(v) for v in lits)))
            iris = [v for v in vals if not isinstance(v, Literal)]
            for a, b in itertools.combinations(sorted(iris, key=str), 2):
                if frozenset((a, b)) in different:
                    clashes.add(f"{n(s)} has two values of the functional property {n(p)}: {n(a)} and "
                                f"{n(b)}, which are declared different")

    for p, r in ranges.items():
        if p in object_props or not str(r).startswith(str(XSD)) and r != RDF.langString:
            continue
        for s, o in graph.subject_objects(p):
            if isinstance(o, Literal) and not _literal_in_range(o, r):
                clashes.add(f"{n(s)} {n(p)} {n(o)}: the value is not in the range {n(r)}")
    return sorted(clashes)


def _literal_in_range(lit: Literal, rng: URIRef) -> bool:
    dt = lit.datatype or (RDF.langString if lit.language else XSD.string)
    if rng == XSD.integer:
        ints = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
                XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger, XSD.unsignedInt,
                XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte}
        return dt in ints and lit.ill_typed is not True
    if rng == XSD.string:
        return dt == XSD.string
    return dt == rng and lit.ill_typed is not True


def _superclasses(graph: Graph) -> dict[Node, set[Node]]:
    direct: dict[Node, set[Node]] = defaultdict(set)
    for c, d in graph.subject_objects(RDFS.subClassOf):
        if isinstance(d, URIRef):
            direct[c].add(d)
    closed: dict[Node, set[Node]] = {}
    for c in list(direct):
        seen: set[Node] = set()
        stack = list(direct[c])
        while stack:
            x = stack.pop()
            if x not in seen:
                seen.add(x)
                stack.extend(direct.get(x, ()))
        closed[c] = seen
    return closed


def _disjoint_pairs(graph: Graph) -> set[frozenset]:
    pairs: set[frozenset] = set()
    for a, b in graph.subject_objects(OWL.disjointWith):
        pairs.add(frozenset((a, b)))
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(graph.items(graph.value(node, OWL.members)))
        pairs.update(frozenset(p) for p in itertools.combinations(members, 2))
    return pairs


def _different_pairs(graph: Graph) -> set[frozenset]:
    pairs: set[frozenset] = set()
    for a, b in graph.subject_objects(OWL.differentFrom):
        pairs.add(frozenset((a, b)))
    for node in graph.subjects(RDF.type, OWL.AllDifferent):
        lst = graph.value(node, OWL.distinctMembers) or graph.value(node, OWL.members)
        members = list(graph.items(lst)) if lst is not None else []
        pairs.update(frozenset(p) for p in itertools.combinations(members, 2))
    return pairs


