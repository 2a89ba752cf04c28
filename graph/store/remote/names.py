"""The names a remote store keeps beside the data, and the SPARQL that reads and switches them.

The server holds the published graphs under their own names, plus one bookkeeping graph
(:data:`META`) that says which graphs are published and under which generation id. A writer
uploads its graphs under stage names (:func:`stage_graph`) that no reader looks at, then one
update request (:func:`switch_update`) moves them onto the published names and rewrites the
bookkeeping. Readers query with an explicit dataset (the published graphs), so neither the
stage graphs nor the bookkeeping ever show in an answer.

Graph IRIs written into update texts are checked first (:func:`checked_iri`): an absolute IRI the
engine accepts, with none of the characters that could end an ``<...>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rdflib import Literal

from itukg.errors import StoreError
from itukg.graph.store.formats import valid_iri

NS = "urn:x-itukg:"
META = NS + "store"
STAGE_PREFIX = NS + "stage:"
#: a graph that never exists: the dataset "nothing" (the protocol has no empty list)
EMPTY = NS + "empty"
GENERATION = NS + "generation"
PUBLISHED = NS + "graph"
LOCK = NS + "lock"
KIND = NS + "kind"

GENERATION_QUERY = f"""SELECT ?gen ?kind ?g WHERE {{ GRAPH <{META}> {{
  {{ <{META}> <{GENERATION}> ?gen OPTIONAL {{ <{META}> <{KIND}> ?kind }} }}
  UNION {{ <{META}> <{PUBLISHED}> ?g }} }} }}"""
LOCK_QUERY = f"SELECT ?lock WHERE {{ GRAPH <{META}> {{ <{META}> <{LOCK}> ?lock }} }}"
ALL_GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def checked_iri(iri: str) -> str:
    """``<iri>`` for an update text. Raises StoreError for anything but a plain absolute IRI."""
    if not valid_iri(iri) or any(c in iri for c in '<>"{}|^`\\ \n\r\t'):
        raise StoreError(f"not a graph IRI the store can name: {iri!r}")
    return f"<{iri}>"


def literal(text: str) -> str:
    """A string literal for an update text, escaped by rdflib. Raises nothing."""
    return Literal(text).n3()


def stage_graph(token: str, index: int) -> str:
    """The stage name of the ``index``-th graph of writer ``token``."""
    return f"{STAGE_PREFIX}{token}:{index}"


def switch_update(moves: Sequence[tuple[str, str]], drops: Iterable[str], empties: Iterable[str],
                  published: Iterable[str], generation: str, kind: str) -> str:
    """ONE update request that publishes a new state: drop the graphs that go, move each stage
    graph onto its published name (MOVE replaces the target), create graphs left empty, and
    rewrite the bookkeeping (generation id, the published graphs). Raises StoreError for an
    unusable IRI."""
    ops = [f"DROP SILENT GRAPH {checked_iri(g)}" for g in drops]
    ops += [f"MOVE SILENT GRAPH {checked_iri(src)} TO {checked_iri(dst)}" for src, dst in moves]
    ops += [f"DROP SILENT GRAPH {checked_iri(g)}" for g in empties]
    meta = f"<{META}>"
    ops.append(f"DELETE WHERE {{ GRAPH {meta} {{ {meta} <{GENERATION}> ?x }} }}")
    ops.append(f"DELETE WHERE {{ GRAPH {meta} {{ {meta} <{KIND}> ?x }} }}")
    ops.append(f"DELETE WHERE {{ GRAPH {meta} {{ {meta} <{PUBLISHED}> ?x }} }}")
    facts = [f"{meta} <{GENERATION}> {literal(generation)}", f"{meta} <{KIND}> {literal(kind)}"]
    facts += [f"{meta} <{PUBLISHED}> {checked_iri(g)}" for g in sorted(published)]
    ops.append(f"INSERT DATA {{ GRAPH {meta} {{ {' . '.join(facts)} }} }}")
    return " ;\n".join(ops)


def lock_update(token: str) -> str:
    """Take the writer lock when nobody holds it (one request: insert only if absent)."""
    meta = f"<{META}>"
    return (f"INSERT {{ GRAPH {meta} {{ {meta} <{LOCK}> {literal(token)} }} }} WHERE "
            f"{{ FILTER NOT EXISTS {{ GRAPH {meta} {{ {meta} <{LOCK}> ?any }} }} }}")


def unlock_update(token: str) -> str:
    """Release (or break) the lock ``token``."""
    meta = f"<{META}>"
    return f"DELETE DATA {{ GRAPH {meta} {{ {meta} <{LOCK}> {literal(token)} }} }}"
