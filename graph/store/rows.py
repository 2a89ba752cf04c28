"""Rows of a SELECT as ``{variable: rdflib term}``, read from the engine's JSON results.

Reading the serialised JSON is faster than building result objects row by row; the audit and
the coverage read large SELECT results this way, through any :class:`~itukg.graph.store.Store`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier


def _term(d: dict[str, str]) -> Identifier:
    t = d["type"]
    if t == "uri":
        return URIRef(d["value"])
    if t == "bnode":
        return BNode(d["value"])
    if "xml:lang" in d:
        return Literal(d["value"], lang=d["xml:lang"])
    dt = d.get("datatype")
    if dt is None or dt == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(d["value"])
    return Literal(d["value"], datatype=URIRef(dt))


def select_rows(
    store: Any, sparql: str, default_graph: Sequence[str] | None = None,
    bindings: dict[str, Identifier] | None = None,
) -> list[dict[str, Identifier]]:
    """Run a SELECT on ``store`` and return its rows as ``{variable: rdflib term}`` (unbound
    variables absent). Raises what the store raises (QueryError, StoreError, ...)."""
    kind, body = store.query_serialized(
        sparql, result_format="json", bindings=bindings,
        default_graph=list(default_graph) if default_graph is not None else None,
    )
    data = json.loads(body)
    return [{k: _term(v) for k, v in b.items()} for b in data["results"]["bindings"]]


