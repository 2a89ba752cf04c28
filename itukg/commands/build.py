"""``itukg build [PATH...]``: parse documents, map them to RDF, load them into a new store
generation with the ontology and reference data, and switch to it (see :mod:`itukg.graph.build`).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from itukg.graph.build import BuildReport, DocumentReport, build, bundled_corpus
from itukg.commands.query import pipe_safe
from itukg.settings import Settings

#: Above this many documents the per-document summary is one line each.
FULL_SUMMARY_MAX = 10


class ProgressBar:
    """``[#####.....]  412/1000 documents  7.9 s`` on one stderr line, redrawn at most ten
    times a second; silent when the stream is not a terminal."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None):
        stream = sys.stderr if stream is None else stream
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.t0 = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.enabled or total < 2:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = width * done // total
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(
            f"\r[{bar}] {done:>{len(str(total))}}/{total} documents  {now - self.t0:5.1f} s"
        )
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _exit_on_sigterm() -> Callable[[], None]:
    """Turn SIGTERM into SystemExit(143) during the build, so the half-built generation is
    removed at once (as on Ctrl-C) instead of waiting for the next writer. Returns a function
    that restores the previous handler. Does nothing outside the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _links(links: dict) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in links.items())


def print_document(d: DocumentReport, out: TextIO, *, full: bool) -> None:
    s = d.summary or {}
    obj = s.get("objective") or {}
    if not full:
        links = s.get("links") or {}
        print(
            f"{d.path}: {s.get('symbol', d.slug)} ({s.get('language', '?')}) objective "
            f"{obj.get('code', '?')}, {s.get('outcomes', 0)} outcomes, "
            f"{s.get('indicators', 0)} indicators, {s.get('outputs', 0)} outputs, "
            f"{links.get('resolutions', 0)} resolution links, {links.get('sdg_targets', 0)} SDG "
            f"target links, {len(d.warnings)} warnings",
            file=out,
        )
        return
    print(f"{d.path}", file=out)
    print(f"  document    {s.get('symbol', '?')} ({s.get('language', '?')}), graph <{d.graph}>", file=out)
    print(f"  objective   {obj.get('code', '?')} – {obj.get('title', '')}", file=out)
    print(
        f"  found       {s.get('outcomes', 0)} outcomes, {s.get('indicators', 0)} indicators, "
        f"{s.get('outputs', 0)} outputs",
        file=out,
    )
    if s.get("links"):
        print(f"  links       {_links(s['links'])}", file=out)
    print(f"  triples     {d.triples}", file=out)


def print_report(report: BuildReport, settings: Settings, out: TextIO, *, quiet: bool) -> None:
    full = len(report.documents) <= FULL_SUMMARY_MAX
    if not quiet:
        for d in report.documents:
            print_document(d, out, full=full)
    n = len(report.documents)
    carried = (
        f", {len(report.carried_graphs)} loaded graph(s) carried over" if report.carried_graphs else ""
    )
    print(
        f"built {n} document{'s' if n != 1 else ''}: {report.total_triples} triples "
        f"({report.document_triples} from documents, {report.reference_triples} reference, "
        f"{report.ontology_triples} ontology{carried}), {len(report.warnings)} warnings, "
        f"{report.timings.get('total', 0):.2f} s -> {settings.store}",
        file=out,
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.paths:
        paths = args.paths
    else:  # the bundled corpus, named relative to the working directory when it is below it
        corpus = bundled_corpus()
        rel = os.path.relpath(corpus)
        paths = [rel if not rel.startswith("..") else corpus]
    bar = ProgressBar(enabled=False if (args.quiet or args.json) else None)
    restore = _exit_on_sigterm()
    try:
        report = build(paths, settings, progress=bar, workers=args.workers)
    finally:
        bar.finish()
        restore()
    for w in report.warnings:
        print(str(w), file=sys.stderr)
    if args.json:
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_report(report, settings, sys.stdout, quiet=args.quiet)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "build",
        help="build the store from planning documents",
        description="Parse planning documents (files, or directories of *.txt text exports and "
        "*.docx Word files, mixed), map them to RDF "
        "and load them with the ontology and reference data into a new generation of the store, "
        "which replaces the current one only when complete. Graphs loaded with `itukg load` are "
        "carried over. Default: the bundled corpus/. Exit 2 with file:line: message on a bad "
        "document (the store is left as it was).",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="document files or directories")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress, no per-document lines")
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
    p.add_argument(
        "--workers", type=int, default=None, help="parser processes (default: CPUs when many documents)"
    )
    p.set_defaults(func=pipe_safe(run))
