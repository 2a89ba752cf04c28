"""``itukg load FILE``: load RDF data from elsewhere into a named graph of the store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import quote

from itukg.errors import DataError
from itukg.graph.store import RDF_FORMATS, format_from_filename, open_store
from itukg.commands.query import pipe_safe
from itukg.settings import Settings


def default_graph_for(settings: Settings, path: Path) -> str:
    """``B graph/file/{file name}``, the name percent-encoded where an IRI needs it."""
    return settings.file_graph(quote(path.name, safe="-._~!$&'()*+,;=@"))


def read_bounded(path: Path, limit: int) -> bytes:
    """The file's bytes. Raises :class:`DataError` when it cannot be read or is larger than
    ``limit`` (read at most ``limit + 1`` bytes, so a growing file or a device is bounded
    too)."""
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror or exc}", source=str(path)) from None
    if len(data) > limit:
        raise DataError(f"the file is larger than the limit of {limit} bytes "
                        "(ITUKG_MAX_LOAD_BYTES)", source=str(path))
    return data


def run(args: argparse.Namespace, settings: Settings) -> int:
    path: Path = args.file
    data = read_bounded(path, settings.max_load_bytes)
    fmt = args.format or format_from_filename(path)
    file_graph = default_graph_for(settings, path)
    if args.keep_graphs and args.graph:
        raise DataError("--keep-graphs and --graph exclude each other")
    graph = args.graph if args.graph else (None if args.keep_graphs else file_graph)
    built = (settings.ontology_graph, settings.reference_graph, settings.audit_graph,
             settings.base_iri + "graph/doc/")
    if graph and graph.startswith(built):
        print(
            f"itukg: warning: <{graph}> is written by itukg build/audit; data loaded there is "
            "replaced at the next build",
            file=sys.stderr,
        )
    with open_store(settings) as store:
        n = store.load(
            data,
            fmt,  # type: ignore[arg-type]
            graph,
            source=str(path),
            default_graph=file_graph,
            replace=not args.append,
            max_literal_bytes=settings.max_literal_bytes,
        )
        where = f"<{graph}>" if graph else "their own graphs (default-graph triples into " \
            f"<{file_graph}>)"
    print(f"loaded {n} triples from {path} ({fmt}) into {where}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "load",
        help="load RDF data (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) into the store",
        description="Load an RDF file into a named graph (default: B graph/file/<file name>), "
        "replacing what that graph held. The whole file is parsed first: malformed data is "
        "refused with its line and the store is left as it was. Loaded graphs survive "
        "`itukg build`. JSON-LD remote contexts are never fetched.",
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--graph", help="the named graph IRI to load into")
    p.add_argument(
        "--format", choices=sorted(RDF_FORMATS), help="the format (default: from the extension)"
    )
    p.add_argument(
        "--keep-graphs",
        action="store_true",
        help="quad formats (N-Quads, TriG, JSON-LD): keep the graphs named in the data",
    )
    p.add_argument("--append", action="store_true", help="add to the graph instead of replacing it")
    p.set_defaults(func=pipe_safe(run))
