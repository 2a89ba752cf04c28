"""The HTTP side of the reads: the named queries as a service (:mod:`.named`) and the HTML view
of a resource (:mod:`.html`). The readers themselves (trace, coverage, findings, linked data,
VoID, the pages' reads) live in :mod:`itukg.graph.reads`; routers call them directly.
"""
