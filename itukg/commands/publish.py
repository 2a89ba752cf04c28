"""``itukg publish DIR``: write a dated, versioned snapshot of the store for mirrors.

The snapshot (``DIR/vNNNN-<UTC time>/``: the N-Quads dump gzip-compressed, its VoID/DCAT
description, ``snapshot.json`` with the changes since the previous snapshot, ``SHA256SUMS``)
is written aside and switched in atomically; ``DIR/latest`` points at the newest. Progress on
stderr, the summary on stdout. See docs/deploy.md "Published snapshots".
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from itukg.commands.query import compact, pipe_safe, prefixes
from itukg.settings import Settings


def _progress(message: str) -> None:
    print(f"itukg publish: {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from itukg.graph.publish import publish

    result = publish(settings, args.directory, service_url=args.service_url, force=args.force,
                     progress=None if args.quiet else _progress)
    manifest = result.snapshot.manifest
    if args.format == "json":
        json.dump({**manifest, "written": result.written}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if not result.written:
        print(f"unchanged: {result.snapshot.path} is the latest snapshot")
        return 0
    dump = manifest["dump"]
    print(f"{result.snapshot.path}: version {manifest['version']}, {manifest['triples']} triples "
          f"in {len(manifest['graphs'])} graphs, {dump['bytes']} bytes, sha256 {dump['sha256']}")
    changes = manifest.get("changes")
    if changes is None:
        print("first snapshot in this directory")
        return 0
    print(f"changes since {changes['previous']}: +{changes['added']} -{changes['removed']}")
    pfx = prefixes(settings)
    for graph, c in changes["graphs"].items():
        print(f"  {_short(graph, pfx)}  +{c['added']} -{c['removed']}")
    return 0


def _short(iri: str, pfx: dict[str, str]) -> str:
    from rdflib import URIRef

    return compact(URIRef(iri), pfx)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "publish",
        help="write a versioned snapshot (dump + VoID/DCAT description) for mirrors",
        description="Write the store's graph into DIR as the next snapshot: the N-Quads dump "
        "(gzip, deterministic order and blank nodes), its VoID/DCAT description, snapshot.json "
        "with the triples added and removed per graph since the previous snapshot, and "
        "SHA256SUMS; DIR/latest points at it. Nothing is written when the graph is unchanged "
        "(unless --force). The service serves DIR when ITUKG_PUBLISH_DIR is set.",
    )
    p.add_argument("directory", type=Path, metavar="DIR", help="the publish directory")
    p.add_argument("--service-url", default=None,
                   help="root URL of the service that serves DIR (download URLs and the SPARQL "
                   "endpoint in the description; default: the base IRI)")
    p.add_argument("--force", action="store_true", help="publish even when the graph is unchanged")
    p.add_argument("--format", choices=["text", "json"], default="text", help="summary format")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=pipe_safe(run))
