"""``itukg query``: run a SPARQL query against the built store.

Also home of the small text-table helpers other commands reuse (:func:`format_table`,
:func:`compact`, :func:`prefixes`).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable
import unicodedata
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from itukg.errors import QueryError
from itukg.graph.ontology import PREFIXES
from itukg.graph.store import SelectResult, open_store, sandbox
from itukg.settings import Settings

# the prefixes shown in results: from the one map (itukg.graph.ontology), the ones this command
# has always shown (org: left out, so the output does not change)
_WELL_KNOWN = {p: PREFIXES[p] for p in ("ikg", "sdg", "sdgo", "skos", "dcterms", "prov", "rdfs", "owl",
                                       "xsd", "rdf", "sh")}


def prefixes(settings: Settings) -> dict[str, str]:
    """Prefixes for display: the model's well-known ones plus ``id:`` and ``graph:`` for the
    configured base IRI (``B id/``, ``B graph/``)."""
    return {**_WELL_KNOWN, "id": settings.base_iri + "id/", "graph": settings.base_iri + "graph/"}


def compact(term: Identifier | None, pfx: dict[str, str]) -> str:
    """A readable cell: IRIs as ``prefix:local`` when a prefix fits (longest namespace wins),
    literals as their text (``@lang`` and datatypes dropped), blank nodes as ``_:id``."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    iri = str(term)
    best = ""
    best_ns = ""
    for p, ns in pfx.items():
        if iri.startswith(ns) and len(ns) > len(best_ns):
            local = iri[len(ns):]
            if local and not any(c in local for c in " <>\"{}|^`\\"):
                best, best_ns = f"{p}:{local}", ns
    return best or f"<{iri}>"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())  # one line per row
    if display_width(text) <= width:
        return text
    out, w = [], 0
    for c in text:
        cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if w + cw > width - 1:
            break
        out.append(c)
        w += cw
    return "".join(out) + "…"


def format_table(headers: list[str], rows: list[list[str]], *, max_width: int | None = 60) -> str:
    """Aligned text columns (CJK-aware widths), a rule under the header, a row count line.
    Cells longer than ``max_width`` display columns are clipped with ``…``."""
    if max_width:
        rows = [[_clip(c, max_width) for c in r] for r in rows]
    else:
        rows = [[" ".join(c.split()) for c in r] for r in rows]
    widths = [display_width(h) for h in headers]
    for r in rows:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], display_width(c))

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (widths[i] - display_width(c)) for i, c in enumerate(cells)).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    return "\n".join(out) + "\n"


def pipe_safe(func: Callable[[argparse.Namespace, Settings], int]) -> Callable[[argparse.Namespace, Settings], int]:
    """Wrap a command so that a closed stdout (``itukg query ... | head``) ends it quietly with
    exit status 141 (as if killed by SIGPIPE) instead of a traceback."""

    @functools.wraps(func)
    def wrapper(args: argparse.Namespace, settings: Settings) -> int:
        try:
            code = func(args, settings)
            sys.stdout.flush()
            return code
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
            return 141

    return wrapper


def _parse_binding(text: str) -> tuple[str, Identifier]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise QueryError(f"--bind expects NAME=VALUE, got {text!r}")
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return name.strip(), URIRef(value[1:-1])
    return name.strip(), Literal(value)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the query in a child process without network, as the service's query workers do
    (decision 0128): a query that got past the screener still cannot connect anywhere. The
    child prints the result and any error; its exit status is returned."""
    request = {k: v for k, v in vars(args).items() if k != "func"}
    return sandbox.run_isolated("itukg.commands.query:run_here", request, settings)


@pipe_safe
def run_here(args: argparse.Namespace, settings: Settings) -> int:
    """The query itself, in this process (the child of :func:`run`)."""
    if args.file is not None:
        if args.sparql is not None:
            raise QueryError("give the query as an argument or with --file, not both")
        try:
            sparql = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read the query file: {exc}", source=str(args.file)) from None
    elif args.sparql is not None:
        sparql = args.sparql
    else:
        raise QueryError("give a SPARQL query (itukg query 'SELECT ...' or --file q.rq)")
    bindings = dict(_parse_binding(b) for b in args.bind or [])
    pfx = prefixes(settings)
    with open_store(settings, read_only=True) as store:
        form = store.query_form(sparql)
        fmt = args.format
        graph_form = form in ("construct", "describe")
        if fmt in ("csv", "tsv", "json", "xml") and not graph_form:
            _, body = store.query_serialized(sparql, result_format=fmt, bindings=bindings or None)
            sys.stdout.buffer.write(body)
            if not body.endswith(b"\n"):
                sys.stdout.buffer.write(b"\n")
            return 0
        if graph_form and fmt not in ("table", "turtle"):
            if fmt == "json":
                fmt = "jsonld"
            _, body = store.query_serialized(sparql, result_format=fmt, bindings=bindings or None)
            sys.stdout.buffer.write(body)
            return 0
        if fmt == "turtle" and not graph_form:
            raise QueryError(f"a {form.upper()} result cannot be printed as Turtle")
        result = store.query(sparql, bindings=bindings or None)
    if isinstance(result, bool):
        print("true" if result else "false")
    elif isinstance(result, SelectResult):
        rows = [[compact(t, pfx) for t in row] for row in result.rows]
        sys.stdout.write(format_table(result.variables, rows, max_width=None if args.wide else 60))
        sys.stdout.flush()  # the table before the row count on stderr
        print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", file=sys.stderr)
    else:
        g = Graph(bind_namespaces="none")
        for p, ns in pfx.items():
            g.bind(p, ns)
        for t in result:
            g.add(t)
        sys.stdout.write(g.serialize(format="turtle"))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "query",
        help="run a SPARQL query against the store",
        description="Run a read-only SPARQL query. SELECT prints a table (or csv/tsv/json/xml); "
        "ASK prints true or false; CONSTRUCT/DESCRIBE print Turtle (or ntriples/jsonld/rdfxml). "
        "The default graph is the union of all named graphs. Exit 2 on a bad query.",
    )
    p.add_argument("sparql", nargs="?", help="the query text")
    p.add_argument("--file", "-f", type=Path, help="read the query from a .rq file")
    p.add_argument(
        "--format",
        default="table",
        choices=["table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld", "rdfxml"],
        help="output format (default: table)",
    )
    p.add_argument(
        "--bind",
        action="append",
        metavar="NAME=VALUE",
        help="bind a projected variable through the engine: VALUE is <iri> or a plain string",
    )
    p.add_argument("--wide", action="store_true", help="do not clip long table cells")
    p.set_defaults(func=pipe_safe(run))
