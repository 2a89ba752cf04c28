"""What the pages read: :class:`PageData` (one per request) and the view models the templates
receive (:mod:`.models`). The reads are split by concern: :mod:`.base` (labels, documents,
outputs, reference), :mod:`.coverage` (matrices), :mod:`.trace` (provenance, trace graph,
resources, source lines), :mod:`.search` (finding a trace's start); :mod:`.export` turns a matrix
or a trace into the rows and JSON of a download."""

from __future__ import annotations

from itukg.graph.ontology import IKG_NS as IKG
from itukg.graph.ontology import SDG_NS as SDG
from itukg.graph.reads.codes import code_key
from itukg.graph.reads.views.coverage import CoverageReads
from itukg.graph.reads.views.models import (
    LINK_KINDS,
    Assertion,
    Document,
    Edge,
    LineRef,
    Matrix,
    Node,
    TraceGraph,
    group_by,
)
from itukg.graph.reads.views.search import Hit, SearchReads
from itukg.graph.reads.views.trace import TraceReads

__all__ = ["IKG", "LINK_KINDS", "SDG", "Assertion", "Document", "Edge", "Hit", "LineRef", "Matrix", "Node",
           "PageData", "TraceGraph", "code_key", "group_by"]


class PageData(CoverageReads, TraceReads, SearchReads):
    """Reads for one request: a store, the base IRI and the interface language.

    Labels are cached for the life of the object (one request). Methods raise what the store
    raises (StoreError, QueryError, QueryTimeout)."""
