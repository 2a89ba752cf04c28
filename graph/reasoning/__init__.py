"""OWL reasoning over the ontology plus one graph of the store at a time (a document's, or one
added with ``itukg load``), with HermiT (through owlready2).

:func:`reason` takes rdflib graphs (the ontology and the data), loads them into a fresh owlready2
``World`` (as N-Triples: owlready2 does not read Turtle, and given Turtle silently loads nothing,
so the load is checked), runs HermiT with property-value inference and returns a
:class:`ReasoningReport`: consistent or not, the facts HermiT inferred (class memberships and
object-property values) as rdflib triples, and the asserted facts the ontology entails, which are
left out of HermiT's input so that it derives them again (:mod:`.entailed`, decision 0148). When the graph is inconsistent, :func:`explain` looks
for the usual causes (an individual in two disjoint classes, two values of a functional property,
a literal outside a property's range) so the report names what clashes.

HermiT is slow on big graphs (2.5 s on 10k triples, 120 s on 100k here), so the store is reasoned
over one graph at a time: :func:`store_document_graph` gathers the document's named graph and the
part of the reference graph it points to (e.g. the SDG targets it serves, each with its
``sdgo:isTargetOf`` goal), :func:`store_loaded_graph` a loaded graph and what it points to in the
reference and document graphs; :func:`store_units` lists them and what is left out (the audit
report).

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
    store_loaded_graph,
    store_ontology,
    store_units,
)

__all__ = [
    "ReasonerError", "ReasonerUnavailable", "ReasoningReport", "bundled_ontology", "document_slugs",
    "explain", "graph_from_files", "java_available", "java_executable", "reason", "reason_over_store",
    "reference_subset", "store_document_graph", "store_loaded_graph", "store_ontology", "store_units",
]
