"""``itukg export``: dump the store, or one named graph, in an RDF format."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from itukg.errors import DataError, NotFound
from itukg.graph.store import QUAD_FORMATS, RDF_FORMATS, open_store
from itukg.settings import Settings
from itukg.commands.query import _WELL_KNOWN, pipe_safe


def run(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings, read_only=True) as store:
        if args.graph is not None and args.graph not in store.graphs():
            raise NotFound(f"no graph <{args.graph}> in the store (see itukg stats)")
        if args.graph is None and args.format not in QUAD_FORMATS:
            print(
                f"itukg: note: {args.format} has no graphs: exporting the union of all graphs "
                "(use --format trig or nquads to keep graph names, or --graph IRI)",
                file=sys.stderr,
            )
        body = store.dump(args.format, args.graph, prefixes=_WELL_KNOWN)
    if args.output is None or str(args.output) == "-":
        sys.stdout.buffer.write(body)
    else:
        out: Path = args.output
        tmp = out.with_name(out.name + ".tmp")
        try:
            tmp.write_bytes(body)
            tmp.replace(out)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise DataError(f"cannot write the file: {exc.strerror or exc}", source=str(out)) from None
        print(f"wrote {len(body)} bytes ({args.format}) to {out}", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export",
        help="dump the store or one named graph",
        description="Serialise the whole store (quad formats keep graph names; triple formats "
        "give the union of all graphs) or one named graph.",
    )
    p.add_argument("--format", default="trig", choices=sorted(RDF_FORMATS),
                   help="RDF format (default: trig)")
    p.add_argument("--graph", help="export only this named graph")
    p.add_argument("-o", "--output", type=Path, help="write to this file (default: stdout)")
    p.set_defaults(func=pipe_safe(run))
