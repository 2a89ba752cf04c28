"""``itukg coverage``: mandate and SDG coverage of the built graph (per resolution, SDG goal and
target, WSIS action line and output; the targets no output serves)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from itukg.graph.reads.coverage import coverage, coverage_csv, coverage_text
from itukg.graph.store import open_store
from itukg.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "coverage",
        help="mandate and SDG coverage: which outputs implement what, and what no output serves",
        description=(
            "Per resolution, the outputs that implement it; per SDG goal and target, the outputs "
            "that serve it and the targets no output serves; per WSIS action line, the outputs; "
            "per output, its links by kind."
        ),
    )
    p.add_argument("--format", "-f", choices=("text", "csv", "json"), default="text",
                   help="output format (default: text)")
    p.add_argument("--document", "-d", metavar="SLUG", help="only this document (its slug)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings, read_only=True)
    try:
        data = coverage(store, settings, args.document)
    finally:
        store.close()
    if args.format == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        text = coverage_csv(data)
    else:
        text = coverage_text(data)
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"itukg coverage: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(text)
    return 0
