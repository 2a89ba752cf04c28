"""Asserted facts the ontology also entails, so the reasoner can be asked to derive them again
(decision 0148).

The mapper asserts what the ontology could infer (every output's goal, the class of every
resource, both directions of the structural links), so HermiT, which reports only what is new,
had nothing to say about the corpus ("0 inferred facts") although the axioms hold there on every
output. :func:`withheld` picks the asserted triples that follow, in one step, from other asserted
triples and one axiom:

- ``o ikg:servesGoal g`` when ``o ikg:servesTarget t`` and ``t sdgo:isTargetOf g`` (the chain);
- ``y q x`` when ``x p y`` and ``p ⊑ inverse(q)`` (``hasOutput ⊑ inverse(inDocument)``);
- ``x a C`` when ``x p _`` and ``p`` has domain ``C``, or ``_ p x`` and ``p`` has range ``C``,
  unless ``x`` has another asserted class below ``C`` (HermiT reports only the most specific
  new class, so ``C`` would not come back).

Leaving these out of the reasoner's input changes nothing it can conclude (each still follows
from what remains), so consistency is the same; what HermiT derives among them is reported as
"re-derived", and a fact it does not re-derive is simply not reported.
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef

from itukg.graph.reasoning.explain import _superclasses
from itukg.graph.vocab import IKG, SDGO


def _inverse_parents(ontology: Graph) -> dict[URIRef, URIRef]:
    """``p → q`` for every ``p rdfs:subPropertyOf [ owl:inverseOf q ]``."""
    out = {}
    for p, parent in ontology.subject_objects(RDFS.subPropertyOf):
        if isinstance(parent, BNode):
            q = ontology.value(parent, OWL.inverseOf)
            if isinstance(p, URIRef) and isinstance(q, URIRef):
                out[p] = q
    return out


def _typed_by_properties(data: Graph, ontology: Graph) -> set[tuple]:
    domain = {p: c for p, c in ontology.subject_objects(RDFS.domain) if isinstance(c, URIRef)}
    rng = {p: c for p, c in ontology.subject_objects(RDFS.range)
           if isinstance(c, URIRef) and (p, RDF.type, OWL.ObjectProperty) in ontology}
    implied: set[tuple] = set()
    for s, p, o in data:
        if p in domain:
            implied.add((s, domain[p]))
        if p in rng and isinstance(o, URIRef):
            implied.add((o, rng[p]))
    supers = _superclasses(ontology)
    out = set()
    for x, c in implied:
        if (x, RDF.type, c) not in data:
            continue
        below = [d for d in data.objects(x, RDF.type) if d != c and c in supers.get(d, ())]
        if not below:
            out.add((x, RDF.type, c))
    return out


def withheld(data: Graph, ontology: Graph) -> set[tuple]:
    """The asserted triples of ``data`` that follow in one step from other asserted triples
    and one axiom of ``ontology`` (see the module). Raises nothing."""
    out: set[tuple] = set()
    goal_of = dict(data.subject_objects(SDGO.isTargetOf))
    for o, t in data.subject_objects(IKG.servesTarget):
        g = goal_of.get(t)
        if g is not None and (o, IKG.servesGoal, g) in data:
            out.add((o, IKG.servesGoal, g))
    for p, q in _inverse_parents(ontology).items():
        for x, y in data.subject_objects(p):
            if (y, q, x) in data:
                out.add((y, q, x))
    out |= _typed_by_properties(data, ontology)
    return out
