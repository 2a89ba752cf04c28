"""``itukg audit``: validate the built graph against the shapes in ``shapes/`` and report.

Exit status: 0 the graph conforms (no Violation; Warnings and Info are reported but do not fail),
1 there are violations, 2 usage or input errors (no store, unknown document, bad shapes).
The report replaces the store's audit graph (``B graph/audit``) unless ``--no-store`` is given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from itukg.graph.audit import ENGINES, run_audit, store_audit_graph, stored_report_hash
from itukg.graph.audit.render import FORMATS, render
from itukg.messages import languages
from itukg.errors import StoreError
from itukg.graph.store import open_store, store_generation
from itukg.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "audit",
        help="check the graph for gaps and inconsistent citations (exit 1 on violations)",
        description=(
            "Validate the built graph against the SHACL shapes in shapes/ and print the findings, "
            "each with its document, section, line and quoted text. Exit status: 0 the graph "
            "conforms, 1 there are violations, 2 usage or input errors. Warnings and notes are "
            "reported but do not fail. The report is stored in the audit graph "
            "(B graph/audit) so SPARQL can query it."
        ),
    )
    p.add_argument("--format", "-f", choices=FORMATS, default="text", help="report format (default: text)")
    p.add_argument("--lang", choices=languages(), default="en", help="language of the text and HTML reports (default: en)")
    p.add_argument(
        "--document", "-d", action="append", metavar="SLUG",
        help="audit only this document (its slug, e.g. acp-22a14-4-zh); repeatable",
    )
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the report to FILE")
    p.add_argument(
        "--engine", choices=ENGINES, default="fast",
        help="fast: shapes compiled to SPARQL on the store (default); pyshacl: the reference "
             "engine; pyshacl-parallel: pySHACL per document in worker processes",
    )
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes for --engine pyshacl-parallel (default: CPUs)")
    p.add_argument("--no-store", action="store_true",
                   help="do not replace the audit graph in the store (read-only run)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.workers is not None and args.workers < 1:
        print("itukg audit: --workers must be at least 1", file=sys.stderr)
        return 2
    # The audit reads a read-only handle (reading a private writable copy is several times
    # slower); the report is written afterwards, only when it differs from the stored one, into
    # a private generation (decision 0064), and only if no other writer switched the store in
    # between (then the report would describe data that is no longer current).
    generation = store_generation(settings)
    store = open_store(settings, read_only=True)
    try:
        report = run_audit(store, settings, args.document, store_report=False,
                           engine=args.engine, workers=args.workers)
        stored = None if args.no_store else stored_report_hash(store, settings)
    finally:
        store.close()
    stored_note = "not stored (--no-store)"
    if not args.no_store:
        if stored == report.content_hash:
            stored_note = "audit graph unchanged"
        else:
            with open_store(settings) as writable:  # holds the writer lock until closed
                if store_generation(settings) != generation:
                    writable.abort()
                    raise StoreError(
                        "the store changed while it was being audited (a build or load ran); "
                        "run itukg audit again"
                    )
                store_audit_graph(writable, settings, report)
            stored_note = "audit graph replaced"
    text = render(report, args.format, lang=args.lang)
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"itukg audit: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        c = report.counts()["by_severity"]
        print(
            f"itukg audit: {len(report.findings)} findings ({c['Violation']} violations, "
            f"{c['Warning']} warnings, {c['Info']} notes) -> {args.output}; {stored_note}",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return 0 if report.conforms else 1
