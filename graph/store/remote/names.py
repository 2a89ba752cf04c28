"""The names a remote store keeps beside the data, and the SPARQL that reads and switches them.

The server holds the published graphs under their own names, plus bookkeeping that says which
graphs are published, under which generation id, and who writes. A writer uploads its graphs
under stage names (:func:`stage_graph`) that no reader looks at, then one update request moves
them onto the published names and rewrites the bookkeeping. The bookkeeping has two encodings
(:mod:`~itukg.graph.store.remote.books` says when each is used):

- facts in one graph, :data:`META` (:func:`switch_update`, :func:`lock_update`): readers name
  the published graphs as the dataset of every request, so it never shows;
- empty named graphs whose names are the facts (:func:`mark`, :func:`graph_switch_update`):
  no bookkeeping triple exists, so the server's union default graph is the published graphs.

Graph IRIs written into update texts are checked first (:func:`checked_iri`): an absolute IRI the
engine accepts, with none of the characters that could end an ``<...>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import quote, unquote

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
#: a writer's stage graphs, announced before it uploads them: "<token> <count>"
STAGED = NS + "staged"
STAGED_QUERY = f"SELECT ?staged WHERE {{ GRAPH <{META}> {{ <{META}> <{STAGED}> ?staged }} }}"

#: the graph-name encoding: each an empty named graph, the fact in its name
LOCK_GRAPH = NS + "lock"
HOLDER = NS + "holder:"
GENERATION_MARK = NS + "generation:"
KIND_MARK = NS + "kind:"
PUBLISHED_MARK = NS + "published:"
#: every named graph, empty ones too (Oxigraph keeps and lists empty named graphs)
EVERY_GRAPH_QUERY = "SELECT ?g WHERE { GRAPH ?g {} }"
GENERATION_MARK_QUERY = (f'SELECT ?g WHERE {{ GRAPH ?g {{}} FILTER(STRSTARTS(STR(?g), '
                         f'"{GENERATION_MARK}")) }}')

GENERATION_QUERY = f"""SELECT ?gen ?kind ?g WHERE {{ GRAPH <{META}> {{
  {{ <{META}> <{GENERATION}> ?gen OPTIONAL {{ <{META}> <{KIND}> ?kind }} }}
  UNION {{ <{META}> <{PUBLISHED}> ?g }} }} }}"""
LOCK_QUERY = f"SELECT ?lock WHERE {{ GRAPH <{META}> {{ <{META}> <{LOCK}> ?lock }} }}"


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
    """ONE update request that publishes a new state: empty the graphs that are replaced, go or
    end up empty, copy each stage graph onto its published name and empty it, and rewrite the
    bookkeeping (generation id, the published graphs). Raises StoreError for an unusable IRI.

    Three data operations whatever the number of graphs, each over a ``VALUES`` list: Virtuoso
    compiles a request into one statement and refuses one of 1,000 ``MOVE`` operations ("SQ156
    Query too large", a 1,000-document build), while the same moves as ``VALUES`` rows pass
    at 3,000 graphs, faster (decision 0173)."""
    moves = list(moves)
    cleared = sorted({*drops, *(dst for _, dst in moves), *empties})
    ops = []
    if cleared:
        ops.append(clear_graphs_update(cleared))
    if len(moves) == 1:  # Virtuoso inserts a one-row VALUES copy, then fails the request (SR002)
        src, dst = map(checked_iri, moves[0])
        ops.append(f"INSERT {{ GRAPH {dst} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {src} {{ ?s ?p ?o }} }}")
    elif moves:
        pairs = " ".join(f"({checked_iri(src)} {checked_iri(dst)})" for src, dst in moves)
        ops.append(f"INSERT {{ GRAPH ?dst {{ ?s ?p ?o }} }} WHERE {{ VALUES (?src ?dst) {{ {pairs} }} "
                   f"GRAPH ?src {{ ?s ?p ?o }} }}")
    if moves:
        ops.append(clear_graphs_update([src for src, _ in moves]))
    meta = f"<{META}>"
    ops.append(f"DELETE WHERE {{ GRAPH {meta} {{ {meta} <{GENERATION}> ?x }} }}")
    ops.append(f"DELETE WHERE {{ GRAPH {meta} {{ {meta} <{KIND}> ?x }} }}")
    ops.append(f"DELETE WHERE {{ GRAPH {meta} {{ {meta} <{PUBLISHED}> ?x }} }}")
    ops.append(f"DELETE WHERE {{ GRAPH {meta} {{ {meta} <{STAGED}> ?x }} }}")
    facts = [f"{meta} <{GENERATION}> {literal(generation)}", f"{meta} <{KIND}> {literal(kind)}"]
    facts += [f"{meta} <{PUBLISHED}> {checked_iri(g)}" for g in sorted(published)]
    ops.append(f"INSERT DATA {{ GRAPH {meta} {{ {' . '.join(facts)} }} }}")
    return " ;\n".join(ops)


def clear_graphs_update(graphs: Iterable[str]) -> str:
    """One operation that empties every graph of ``graphs`` (for servers where a graph is its
    triples: Virtuoso and the other servers of the facts encoding). Raises StoreError for an
    unusable IRI."""
    listed = " ".join(checked_iri(g) for g in graphs)
    return (f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ {listed} }} "
            f"GRAPH ?g {{ ?s ?p ?o }} }}")


def mark(prefix: str, value: str) -> str:
    """The name of the empty graph that says ``value`` (percent-encoded, so any text is one
    IRI), e.g. ``mark(HOLDER, token)``."""
    return prefix + quote(value, safe="")


def unmark(name: str, prefix: str) -> str | None:
    """The value ``name`` says when it starts with ``prefix``, else ``None``."""
    return unquote(name[len(prefix):]) if name.startswith(prefix) else None


def graph_switch_update(moves: Sequence[tuple[str, str]], drops: Iterable[str],
                        empties: Iterable[str], published: Iterable[str], before: Iterable[str],
                        marks: Iterable[str], generation: str, kind: str) -> str:
    """The graph-name encoding's switch, ONE update request: drop the graphs that go, move each
    stage graph onto its published name, keep graphs left empty as empty named graphs, then
    replace the marks (``marks``: the generation and kind marks read when the writer started;
    ``before``: the graphs published then) and drop a :data:`META` left by the other encoding.
    Raises StoreError for an unusable IRI."""
    published, before = sorted(set(published)), set(before)
    ops = [f"DROP SILENT GRAPH {checked_iri(g)}" for g in drops]
    ops += [f"MOVE SILENT GRAPH {checked_iri(src)} TO {checked_iri(dst)}" for src, dst in moves]
    for g in empties:
        ops += [f"DROP SILENT GRAPH {checked_iri(g)}", f"CREATE SILENT GRAPH {checked_iri(g)}"]
    ops += [f"DROP SILENT GRAPH {checked_iri(mark(PUBLISHED_MARK, g))}"
            for g in sorted(before - set(published))]
    ops += [f"CREATE SILENT GRAPH {checked_iri(mark(PUBLISHED_MARK, g))}"
            for g in published if g not in before]
    ops += [f"DROP SILENT GRAPH {checked_iri(m)}" for m in marks]
    ops += [f"CREATE SILENT GRAPH {checked_iri(mark(GENERATION_MARK, generation))}",
            f"CREATE SILENT GRAPH {checked_iri(mark(KIND_MARK, kind))}",
            f"DROP SILENT GRAPH <{META}>"]
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
