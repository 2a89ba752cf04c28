"""How a remote store keeps its bookkeeping: which generation and graphs are published, and
who writes. Two encodings behind one interface, chosen by the server's dialect (:func:`of`):

- :class:`TripleBook` (any SPARQL 1.1 server): facts in one graph, ``names.META``. Readers
  send the published graphs as the dataset of every request, so neither the bookkeeping nor a
  writer's stage graphs ever show.
- :class:`GraphBook` (the Oxigraph server): empty named graphs whose names are the facts
  (Oxigraph keeps and lists empty named graphs). No bookkeeping triple exists, so while no
  writer is at work the server's union default graph is exactly the published graphs, and a
  reader asks with it: one default graph instead of a list of ~300, which the server
  evaluates graph by graph (40x slower at 200 documents; decision 0186). The same engine's
  union as the embedded store's, so the same answers (a triple in two graphs counts twice on
  both; a merged copy would count it once).

  A writer's stage graphs are in that union while it uploads, so a reader checks, after each
  answer asked that way, that no writer has taken the lock since it looked (a sequence lock,
  one ASK): a writer removes the previous writer's holder mark right after it takes the lock
  and before it uploads anything, so "that mark is still there and there is no lock" means no
  stage graph can have been in the answer. Otherwise the answer is thrown away and the query
  asked again with the list. A lock left by a killed writer keeps readers on the list until
  the next writer cleans up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from itukg.errors import QueryError, StoreError
from itukg.graph.store.remote import names
from itukg.graph.store.remote.client import JSON_RESULTS, Client


@dataclass(frozen=True)
class Published:
    """What a server publishes. ``generation`` ``None``: no store. ``mark``: a
    :class:`GraphBook`'s holder mark, seen with no lock, no stage graph and no foreign data: a
    reader may ask with the union default graph while it stays (``None``: it may not).
    ``marks``: the generation and kind marks a switch replaces."""

    generation: str | None
    graphs: list[str]
    mark: str | None = None
    marks: tuple[str, ...] = field(default=())


def select(client: Client, sparql: str, *, default_graph: Sequence[str] | None = None,
           named_graphs: Sequence[str] | None = None) -> list[dict[str, str]]:
    """The rows of a SELECT as ``{variable: value}`` (unbound variables left out)."""
    body = client.query(sparql, JSON_RESULTS, default_graph=default_graph,
                        named_graphs=named_graphs)
    rows = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    return [{v.value: sol[v].value for v in rows.variables if sol[v] is not None}  # type: ignore[union-attr,index]
            for sol in rows]  # type: ignore[union-attr]


def ask(client: Client, sparql: str, *, default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None) -> bool:
    """The boolean of an ASK."""
    body = client.ask(sparql, default_graph=default_graph, named_graphs=named_graphs)
    return bool(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))


class TripleBook:
    """Bookkeeping as facts in ``names.META`` (see the module)."""

    def __init__(self) -> None:
        self.seen: str | None = None  # the generation last read

    def read(self, client: Client) -> Published:
        gen, graphs = None, []
        for row in select(client, names.GENERATION_QUERY, default_graph=[names.EMPTY],
                          named_graphs=[names.META]):
            gen = row.get("gen", gen)
            if "g" in row:
                graphs.append(row["g"])
        return Published(gen, sorted(graphs))

    def generation(self, client: Client) -> str | None:
        # asked every 50 ms by each query worker: "is the generation I saw still there" is one
        # fact; reading the bookkeeping lists every published graph
        if self.seen:
            q = (f"ASK {{ GRAPH <{names.META}> {{ <{names.META}> <{names.GENERATION}> ?g "
                 f"FILTER(STR(?g) = {names.literal(self.seen)}) }} }}")
            if ask(client, q, default_graph=[names.EMPTY], named_graphs=[names.META]):
                return self.seen
        self.seen = self.read(client).generation
        return self.seen

    def announce(self, client: Client, token: str, count: int) -> None:
        """Say which stage graphs a writer is about to upload: the next writer finds the
        leftovers of a killed one in one fact, where listing every graph is a scan (at 300
        documents Virtuoso timed out on it)."""
        client.update(f"INSERT DATA {{ GRAPH <{names.META}> {{ <{names.META}> <{names.STAGED}> "
                      f"{names.literal(f'{token} {count}')} }} }}")

    def stage_graphs(self, client: Client) -> list[str]:
        found = []
        for row in select(client, names.STAGED_QUERY, default_graph=[names.EMPTY],
                          named_graphs=[names.META]):
            token, _, count = row["staged"].partition(" ")
            found += [names.stage_graph(token, i) for i in range(int(count or 0))]
        return found

    def drop_stages_update(self, stages: Sequence[str]) -> str:
        ops = [names.clear_graphs_update(stages)] if stages else []
        ops.append(f"DELETE WHERE {{ GRAPH <{names.META}> {{ <{names.META}> <{names.STAGED}> ?x }} }}")
        return " ;\n".join(ops)

    def try_lock(self, client: Client, token: str) -> bool:
        client.update(names.lock_update(token))
        holders = self.holders(client)
        if holders == [token]:
            return True
        if token in holders:  # two took it at once: both step back
            client.update(names.unlock_update(token))
        return False

    def holders(self, client: Client) -> list[str]:
        return [r["lock"] for r in select(client, names.LOCK_QUERY, default_graph=[names.EMPTY],
                                          named_graphs=[names.META])]

    def after_lock(self, client: Client, token: str) -> None:
        """Nothing: readers never look at this encoding's lock."""

    def break_lock(self, client: Client, holders: Sequence[str]) -> None:
        for other in holders:
            client.update(names.unlock_update(other))

    def unlock(self, client: Client, token: str) -> None:
        client.update(names.unlock_update(token))

    def switch_update(self, before: Published, moves: Sequence[tuple[str, str]],
                      drops: Sequence[str], empties: Sequence[str], published: Sequence[str],
                      generation: str, kind: str) -> str:
        return names.switch_update(moves, drops, empties, published, generation, kind)


class GraphBook:
    """Bookkeeping as empty named graphs, for readers that ask with the server's union default
    graph (see the module). Only for a server that keeps empty named graphs and runs one update
    request as one transaction: the Oxigraph server."""

    def __init__(self) -> None:
        self.seen: str | None = None  # the generation last read

    def read(self, client: Client) -> Published:
        every = [r["g"] for r in select(client, names.EVERY_GRAPH_QUERY)]
        gens = sorted(v for g in every if (v := names.unmark(g, names.GENERATION_MARK)))
        published = sorted(v for g in every if (v := names.unmark(g, names.PUBLISHED_MARK)))
        holders = [g for g in every if g.startswith(names.HOLDER)]
        data = sorted(g for g in every if not g.startswith(names.NS))
        clean = (names.LOCK_GRAPH not in every and names.META not in every
                 and len(holders) == 1 and data == published
                 and client.default_graph_is_empty())
        marks = tuple(g for g in every if g.startswith((names.GENERATION_MARK, names.KIND_MARK)))
        return Published(gens[-1] if gens else None, published,
                         mark=holders[0] if clean else None, marks=marks)

    def generation(self, client: Client) -> str | None:
        # asked every 50 ms by each query worker: "is the generation I saw still there" is a
        # lookup (0.5 ms); finding the generation mark among the named graphs is a scan that
        # the server does not index (34 ms at 200 documents), done only after a switch
        if self.seen and self.generation_stands(client, self.seen):
            return self.seen
        gens = sorted(v for r in select(client, names.GENERATION_MARK_QUERY)
                      if (v := names.unmark(r["g"], names.GENERATION_MARK)))
        self.seen = gens[-1] if gens else None
        return self.seen

    def announce(self, client: Client, token: str, count: int) -> None:
        """Nothing: the stage graphs are found by listing the named graphs."""

    def stage_graphs(self, client: Client) -> list[str]:
        return [r["g"] for r in select(client, names.EVERY_GRAPH_QUERY)
                if r["g"].startswith(names.STAGE_PREFIX)]

    def drop_stages_update(self, stages: Sequence[str]) -> str:
        return " ;\n".join(f"DROP SILENT GRAPH {names.checked_iri(g)}" for g in stages)

    def try_lock(self, client: Client, token: str) -> bool:
        # CREATE GRAPH without SILENT fails when the graph exists, and the request with it; the
        # marks of writers gone go in the same step, so a lock's marks are its holder's
        gone = [r["g"] for r in select(client, names.EVERY_GRAPH_QUERY)
                if r["g"].startswith(names.HOLDER)]
        ops = [f"CREATE GRAPH <{names.LOCK_GRAPH}>"]
        ops += [f"DROP SILENT GRAPH {names.checked_iri(g)}" for g in gone]
        ops.append(f"CREATE SILENT GRAPH {names.checked_iri(names.mark(names.HOLDER, token))}")
        try:
            client.update(" ;\n".join(ops))
        except (QueryError, StoreError):
            if ask(client, f"ASK {{ GRAPH <{names.LOCK_GRAPH}> {{}} }}"):
                return False
            raise
        return True

    def holders(self, client: Client) -> list[str]:
        return [v for r in select(client, names.EVERY_GRAPH_QUERY)
                if (v := names.unmark(r["g"], names.HOLDER))]

    def after_lock(self, client: Client, token: str) -> None:
        """Drop every other holder mark (one left by a writer that released between our look
        and our lock), before anything is uploaded: a reader that saw one of them then knows
        a writer has come (the module's sequence lock)."""
        ours = names.mark(names.HOLDER, token)
        others = [r["g"] for r in select(client, names.EVERY_GRAPH_QUERY)
                  if r["g"].startswith(names.HOLDER) and r["g"] != ours]
        if others:
            client.update(" ;\n".join(f"DROP SILENT GRAPH {names.checked_iri(g)}" for g in others))

    def break_lock(self, client: Client, holders: Sequence[str]) -> None:
        client.update(f"DROP SILENT GRAPH <{names.LOCK_GRAPH}>")

    def unlock(self, client: Client, token: str) -> None:
        # ours only while our mark stands (a writer that broke a stale lock dropped it); the
        # mark stays: it is what readers compare with
        mark = names.checked_iri(names.mark(names.HOLDER, token))
        if ask(client, f"ASK {{ GRAPH {mark} {{}} }}"):
            client.update(f"DROP SILENT GRAPH <{names.LOCK_GRAPH}>")

    def switch_update(self, before: Published, moves: Sequence[tuple[str, str]],
                      drops: Sequence[str], empties: Sequence[str], published: Sequence[str],
                      generation: str, kind: str) -> str:
        return names.graph_switch_update(moves, drops, empties, published, before.graphs,
                                         before.marks, generation, kind)

    @staticmethod
    def generation_stands(client: Client, generation: str | None) -> bool:
        """Whether ``generation`` is still the published one (one lookup)."""
        if generation is None:
            return False
        name = names.checked_iri(names.mark(names.GENERATION_MARK, generation))
        return ask(client, f"ASK {{ GRAPH {name} {{}} }}")

    @staticmethod
    def still_clean(client: Client, mark: str) -> bool:
        """The sequence lock's check: ``mark`` stands and nobody holds the lock."""
        return ask(client, f"ASK {{ GRAPH {names.checked_iri(mark)} {{}} "
                           f"FILTER NOT EXISTS {{ GRAPH <{names.LOCK_GRAPH}> {{}} }} }}")


Book = TripleBook | GraphBook


def read_published(client: Client) -> Published:
    """The published state of ``client``'s server (generation ``None``: no store)."""
    return of(client).read(client)


def of(client: Client) -> Book:
    """The bookkeeping of ``client``'s server (one per client: it remembers what it saw):
    :class:`GraphBook` on the Oxigraph server."""
    if client.book is None:
        client.book = GraphBook() if client.dialect == "oxigraph" else TripleBook()
    return client.book  # type: ignore[return-value]
