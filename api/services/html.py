"""The HTML view of a resource (linked-data IRIs, named graphs, the ontology, the VoID
description): ONE function, :func:`render_resource`, that the routers call. The page is the
pages' template ``ld_resource.html`` in the site's layout (:func:`itukg.api.pages.resource.render_view`),
rendered through the project's one Jinja environment; text keeps its language (``lang``
attributes) so Chinese inside an English page is marked as such.
"""

from __future__ import annotations

from itukg.api.pages.resource import render_view
from itukg.graph.reads.linked_data import ResourceView


def render_resource(view: ResourceView, *, lang: str = "en") -> str:
    """The HTML page of ``view`` in ``lang``. Raises nothing (all text is escaped)."""
    return render_view(view, lang=lang)
