"""``itukg reason``: check the graph against the ontology with HermiT and print what it infers.

Reasons over the ontology plus one graph at a time: each document's graph and each graph added
with ``itukg load`` (plus the reference facts each points to), and says which graphs it left out.
Prints, per graph, the new facts HermiT inferred and the asserted facts the ontology entails
(derived again), or the clashes. Exit status: 0 every graph is consistent, 1 at least one is
inconsistent, 2 usage/input error (unknown document, no store, no Java).
"""

from __future__ import annotations

import argparse
import sys

from itukg.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "reason",
        help="check consistency with the OWL ontology (HermiT) and list inferred facts",
        description=(
            "Load the ontology with one graph at a time (each document's graph and each graph "
            "added with itukg load, with the reference data they point to) into owlready2, run "
            "HermiT, and print whether it is consistent, what clashes, and the facts it infers "
            "(e.g. an output serving target 9.c serves goal 9), new or also asserted. Needs Java. "
            "Exit 0 consistent, 1 inconsistent, 2 error."
        ),
    )
    p.add_argument("--document", "-d", action="append", metavar="SLUG", default=None,
                   help="document slug, e.g. acp-22a14-4-zh (repeatable; default: every document "
                        "and every loaded graph)")
    p.add_argument("--data", action="append", metavar="FILE", default=None,
                   help="reason over these RDF files instead of the store (repeatable)")
    p.add_argument("--format", choices=["text", "turtle", "ntriples"], default="text",
                   help="text report (default), or every fact HermiT derived (new and re-derived) as RDF")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from itukg.graph import reasoning as reasoner

    if args.data:
        if args.document:
            print("itukg reason: --document and --data cannot be combined", file=sys.stderr)
            return 2
        reports = [reasoner.reason(reasoner.graph_from_files(args.data), label=", ".join(args.data))]
    else:
        from itukg.graph.store import open_store

        reasoner.java_executable()  # fail early, before opening the store
        store = open_store(settings, read_only=True)
        try:
            _say_what_is_read(store, settings, args.document)
            reports = reasoner.reason_over_store(store, settings, args.document)
        finally:
            store.close()

    if args.format == "text":
        for r in reports:
            print(r.text())
    else:
        for r in reports:
            if not r.consistent:
                print(r.text(), file=sys.stderr)
            else:
                sys.stdout.write(r.entailed().serialize(format="turtle" if args.format == "turtle" else "nt"))
    return 0 if all(r.consistent for r in reports) else 1


def _say_what_is_read(store, settings: Settings, slugs: list[str] | None) -> None:
    """On stderr: the graphs reasoned over and those left out, with why."""
    from itukg.graph.reasoning import store_units

    docs, loaded, left_out = store_units(store, settings)
    if slugs:
        print(f"itukg reason: documents {', '.join(slugs)} (loaded graphs: not with --document)", file=sys.stderr)
        return
    print(f"itukg reason: {len(docs)} document graph(s), {len(loaded)} loaded graph(s), each with the "
          "reference facts it points to", file=sys.stderr)
    for g, why in left_out.items():
        print(f"itukg reason: left out <{g}>: {why}", file=sys.stderr)
