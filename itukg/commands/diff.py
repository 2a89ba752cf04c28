"""``itukg diff OLD NEW``: what changed between two documents (usually one and its revision):
links added and removed, slots filled or emptied, outcomes and indicators changed, with lines."""

from __future__ import annotations

import argparse
import json
import sys

from itukg.errors import ItukgError
from itukg.graph.reads.diff import diff
from itukg.graph.reads.diff.render import diff_csv, diff_text
from itukg.graph.store import open_store
from itukg.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "diff",
        help="what changed between two documents (e.g. a document and its Rev.1)",
        description=(
            "Compare two built documents output by output: resolutions, WSIS action lines, SDG "
            "targets and goals added and removed; regional and Question slots filled or "
            "emptied; outcomes and indicators changed; each with its source lines. Exit 0 when "
            "identical, 1 when they differ, 2 for an unknown or ambiguous document."
        ),
    )
    p.add_argument("old", help="the older document: a symbol as written (ACP/22A14/2) or a slug")
    p.add_argument("new", help="the newer document: e.g. 'ACP/22A14/2(Rev.1)' or its slug")
    p.add_argument("--format", "-f", choices=("text", "json", "csv"), default="text",
                   help="output format (default: text)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the diff; 0 identical, 1 different, 2 unknown/ambiguous document (the message
    names the loaded documents). Raises StoreError when there is no store (the CLI reports it)."""
    store = open_store(settings, read_only=True)
    try:
        data = diff(store, settings, args.old, args.new)
    except ItukgError as exc:
        if exc.status in (404, 422):
            print(f"itukg diff: {exc.message}", file=sys.stderr)
            return 2
        raise
    finally:
        store.close()
    if args.format == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif args.format == "csv":
        sys.stdout.write(diff_csv(data))
    else:
        sys.stdout.write(diff_text(data))
    return 0 if data["identical"] else 1
