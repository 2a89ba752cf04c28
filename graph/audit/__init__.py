"""The audit: SHACL completeness and citation-consistency checks that point back to the source line.

Python API (used by the CLI and the service)::

    report = run_audit(store, settings)            # AuditReport
    report.conforms, report.findings, report.to_json()

The shapes are the files in ``shapes/`` (:mod:`itukg.graph.audit.shapes`); the engines are in
:mod:`itukg.graph.audit.engine` (fast) and :mod:`itukg.graph.audit.pyshacl_engine` (the reference), and
:mod:`itukg.graph.audit.findings` turns their results into findings; the report model in :mod:`itukg.graph.audit.report`; the text, CSV, HTML,
JSON and Turtle forms in :mod:`itukg.graph.audit.render`. See ``docs/audit.md``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from itukg.errors import ItukgError
from itukg.graph.audit.engine import (
    ENGINES,
    RawResult,
    enrich_one,
    run_fast,
    select_dataset,
)
from itukg.graph.audit.findings import Labeller, build_findings
from itukg.graph.audit.pyshacl_engine import run_pyshacl, run_pyshacl_parallel
from itukg.graph.audit.report import (
    AuditReport,
    Finding,
    Focus,
    Provenance,
    finding_iri,
)
from itukg.graph.audit.shapes import ShapeError, ShapesBundle, load_shapes
from itukg.graph.audit.translations import check_kinds, translation_findings
from itukg.settings import Settings

__all__ = [
    "AuditReport", "Finding", "Focus", "Provenance", "ShapeError", "ENGINES",
    "finding_iri", "load_shapes", "run_audit", "raw_results", "store_audit_graph",
    "stored_report_hash",
]


def raw_results(
    store: Any, settings: Settings, documents: Sequence[str] | None = None, *,
    engine: str = "fast", shapes_dir: str | Path | None = None, workers: int | None = None,
) -> list[RawResult]:
    """Only the validation results (shape, focus, path, value) of one engine: what the
    equivalence tests and the benchmark compare. Raises like :func:`run_audit`."""
    bundle = load_shapes(shapes_dir)
    dataset = select_dataset(store, settings, documents)
    if engine == "fast":
        return run_fast(store, bundle, dataset)[0]
    if engine == "pyshacl":
        return run_pyshacl(store, bundle, dataset)
    if engine == "pyshacl-parallel":
        return run_pyshacl_parallel(store, bundle, dataset, settings, workers=workers,
                                    shapes_dir=str(shapes_dir) if shapes_dir else None)
    raise ItukgError(f"unknown audit engine {engine!r} (use one of {', '.join(ENGINES)})")


def run_audit(
    store: Any,
    settings: Settings,
    documents: Sequence[str] | None = None,
    store_report: bool = True,
    *,
    engine: str = "fast",
    shapes_dir: str | Path | None = None,
    workers: int | None = None,
) -> AuditReport:
    """Validate the built graph (all documents, or the given document slugs) against the shapes.

    ``store_report``: replace the store's audit graph (``settings.audit_graph``) with this run's
    report (the SHACL report plus our provenance), so SPARQL can query the findings; the store
    must then be writable. ``engine``: ``fast`` (default), ``pyshacl`` or ``pyshacl-parallel``
    (see :mod:`itukg.graph.audit.engine`); all report the same findings.

    Raises :class:`itukg.errors.NotFound` for a document slug the store does not hold,
    :class:`ShapeError` for invalid shapes, :class:`itukg.errors.StoreError` when the store
    cannot be read or (with ``store_report``) written, :class:`ItukgError` for an unknown engine.
    """
    if engine not in ENGINES:
        raise ItukgError(f"unknown audit engine {engine!r} (use one of {', '.join(ENGINES)})")
    t0 = time.perf_counter()
    bundle = load_shapes(shapes_dir)
    dataset = select_dataset(store, settings, documents)
    if engine == "fast":
        raws, rows, _ = run_fast(store, bundle, dataset)
    else:
        raws = raw_results(store, settings, documents, engine=engine, shapes_dir=shapes_dir,
                           workers=workers)
        rows = {r.key(): enrich_one(store, r, bundle.shapes[r.shape], dataset) for r in raws}
    labeller = Labeller(store, settings)
    findings = build_findings(raws, rows, bundle, dataset, settings, labeller)
    # language versions held against each other: not a shape (it relates two documents)
    findings = sorted(findings + translation_findings(store, settings, dataset, labeller),
                      key=lambda f: f.sort_key)
    report = AuditReport(
        findings=findings,
        documents=[{k: d[k] for k in ("slug", "iri", "identifier", "language", "file")}
                   for d in dataset.documents],
        kinds=_kinds(bundle) + check_kinds(),
        engine=engine,
        base_iri=settings.base_iri,
    )
    if store_report:
        store_audit_graph(store, settings, report)
    report.elapsed = time.perf_counter() - t0
    return report


def stored_report_hash(store: Any, settings: Settings) -> str | None:
    """The ``dcterms:identifier`` (``sha256:...``) of the report in the store's audit graph, or
    ``None`` when there is none. Raises :class:`itukg.errors.StoreError`."""
    from itukg.graph.reads.sparql import read_query
    from itukg.graph.store import select_rows

    rows = select_rows(store, read_query("audit/report-identifier"), [settings.audit_graph])
    ids = {str(r["id"]) for r in rows if r.get("id") is not None}
    return ids.pop() if len(ids) == 1 else None


def store_audit_graph(store: Any, settings: Settings, report: AuditReport) -> int:
    """Replace the audit graph with ``report`` (its SHACL report plus our provenance). Returns
    the triples written.

    In a writer session (the store ``open_store(settings)`` returns: it becomes current only
    when closed, and is discarded on failure) the report is bulk-loaded, which is several times
    faster than a transactional insert for tens of thousands of findings; elsewhere the graph is
    replaced in one transaction. Raises :class:`itukg.errors.StoreError` (read-only store) and
    :class:`itukg.errors.DataError`."""
    data = report.to_ntriples()
    if store.info().session == "writer":
        store.drop_graph(settings.audit_graph)
        store.bulk_load(data, "ntriples", settings.audit_graph)
        return data.count(b"\n")
    return store.replace_graph(settings.audit_graph, data)


def _kinds(bundle: ShapesBundle) -> list[dict[str, Any]]:
    out = []
    by_kind = bundle.by_kind()
    for kind in bundle.kinds():
        s = by_kind[kind][0]
        out.append({
            "kind": kind, "severity": s.severity, "name": dict(s.name),
            "message": dict(s.message), "shape": s.iri, "concern": s.concern,
        })
    return out
