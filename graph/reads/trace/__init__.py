"""Traceability answers (the JSON API's ``/api/outputs``, ``/api/sdg``, ``/api/resolutions``):
the outputs, one output with all its links (:mod:`.output`, :mod:`.slots`), an SDG code back to
outputs and resolutions (:mod:`.sdg`), a resolution forward to outputs (:mod:`.resolution`).

The link rows come from the named queries (``queries/output-trace.rq``, ``sdg-trace.rq``,
``resolution-trace.rq``, ``link-provenance.rq``, ``outputs.rq``); the internal queries of
``queries/reads/trace/`` add what a JSON answer needs besides (labels, slots, citations). They are
written for pyoxigraph's planner (docs/decisions/0051): the bound variable's pattern first, no
pattern with a constant subject or object, what the data contract guarantees required rather
than OPTIONAL, and no read of a resolution's ``ikg:body`` / ``ikg:resolutionNumber`` (repeated
in every document graph that cites it). Every value is bound, never pasted.
"""

from itukg.graph.reads.trace.common import question_code, resolution_labels
from itukg.graph.reads.trace.output import find_output, list_outputs, output_detail
from itukg.graph.reads.trace.resolution import resolution_trace
from itukg.graph.reads.trace.sdg import sdg_trace

__all__ = ["find_output", "list_outputs", "output_detail", "question_code", "resolution_labels",
           "resolution_trace", "sdg_trace"]
