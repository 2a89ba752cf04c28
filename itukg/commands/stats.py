"""``itukg stats``: triples per named graph and entities per class (by SPARQL)."""

from __future__ import annotations

import argparse
import json
import sys

from itukg.commands.query import compact, format_table, pipe_safe, prefixes
from itukg.graph.reads.sparql import read_query
from itukg.graph.store import SelectResult, Store, open_store
from itukg.settings import Settings

#: Above this many document graphs, they are shown as one line unless --all-graphs.
MAX_DOC_GRAPHS = 20

CLASS_COUNTS = read_query("stats/class-counts")


def collect(store: Store, settings: Settings) -> dict:
    """``{"graphs": {iri: triples}, "classes": {iri: entities}, "documents": n, "triples": n}``.
    Raises StoreError if the store cannot be read."""
    graphs = store.triples_per_graph()
    res = store.query(CLASS_COUNTS)
    assert isinstance(res, SelectResult)
    classes = {str(c): int(n) for c, n in res.rows}  # type: ignore[arg-type]
    doc_prefix = settings.base_iri + "graph/doc/"
    return {
        "triples": sum(graphs.values()),
        "documents": sum(1 for g in graphs if g.startswith(doc_prefix)),
        "graphs": graphs,
        "classes": classes,
    }


def run(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings, read_only=True) as store:
        stats = collect(store, settings)
    if args.format == "json":
        json.dump(stats, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    pfx = prefixes(settings)
    doc_prefix = settings.base_iri + "graph/doc/"
    docs = {g: n for g, n in stats["graphs"].items() if g.startswith(doc_prefix)}
    rows = [[compact_iri(g, pfx), str(n)] for g, n in stats["graphs"].items()
            if g not in docs or args.all_graphs or len(docs) <= MAX_DOC_GRAPHS]
    if docs and not (args.all_graphs or len(docs) <= MAX_DOC_GRAPHS):
        rows.append([f"graph:doc/* ({len(docs)} graphs)", str(sum(docs.values()))])
    rows.append(["total", str(stats["triples"])])
    sys.stdout.write(format_table(["graph", "triples"], rows))
    print()
    rows = [[compact_iri(c, pfx), str(n)] for c, n in stats["classes"].items()]
    sys.stdout.write(format_table(["class", "entities"], rows))
    return 0


def compact_iri(iri: str, pfx: dict[str, str]) -> str:
    from rdflib import URIRef

    return compact(URIRef(iri), pfx)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "stats",
        help="triples per named graph, entities per class",
        description="Count triples per named graph and entities (distinct subjects) per class.",
    )
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--all-graphs", action="store_true",
                   help=f"list every document graph even when there are more than {MAX_DOC_GRAPHS}")
    p.set_defaults(func=pipe_safe(run))
