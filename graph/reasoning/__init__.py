"""OWL reasoning over the ontology plus one document's graph, with HermiT (through owlready2).

:func:`reason` takes rdflib graphs (the ontology and the data), loads them into a fresh owlready2
``World`` (as N-Triples: owlready2 does not read Turtle, and given Turtle silently loads nothing,
so the load is checked), runs HermiT with property-value inference and returns a
:class:`ReasoningReport`: consistent or not, and the facts HermiT inferred (class memberships and
object-property values) as rdflib triples. When the graph is inconsistent, :func:`explain` looks
for the usual causes (an individual in two disjoint classes, two values of a functional property,
a literal outside a property's range) so the report names what clashes.

HermiT is slow on big graphs (2.5 s on 10k triples, 120 s on 100k here), so the store is reasoned
over one document at a time: :func:`store_document_graph` gathers the document's named graph and the
part of the reference graph it points to (e.g. the SDG targets it serves, each with its
``sdgo:isTargetOf`` goal), never the whole store.

HermiT runs on Java: :func:`java_executable` raises :class:`ReasonerUnavailable` with the way to
install it (``apt-get install -y default-jre-headless``) when ``java`` is missing.
"""

from itukg.graph.reasoning.explain import explain
from itukg.graph.reasoning.hermit import (
    ReasonerError,
    ReasonerUnavailable,
    ReasoningReport,
    bundled_ontology,
    java_available,
    java_executable,
    reason,
)
from itukg.graph.reasoning.inputs import (
    document_slugs,
    graph_from_files,
    reason_over_store,
    reference_subset,
    store_document_graph,
    store_ontology,
)

__all__ = [
    "ReasonerError", "ReasonerUnavailable", "ReasoningReport", "bundled_ontology", "document_slugs",
    "explain", "graph_from_files", "java_available", "java_executable", "reason", "reason_over_store",
    "reference_subset", "store_document_graph", "store_ontology",
]
