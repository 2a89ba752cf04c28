"""The one reader of the audit graph (``B graph/audit``, written by ``itukg audit``; shape in
docs/model.md): the last audit's findings.

* :func:`audit_report` (async, through a :class:`QueryRunner`): the body of ``GET /api/audit``,
  read with the named query ``queries/audit-findings.rq``, in the JSON form of
  :meth:`itukg.graph.audit.report.AuditReport.to_json` (docs/audit.md):
  ``{"conforms", "counts", "documents", "findings"}``.
* :func:`stored_findings` and :func:`severity_counts` (sync, on a Store): what the audit page
  and the home page show, read facet by facet (``queries/reads/findings/facet-*.rq``: one simple
  query per facet stays fast on thousands of findings).

The audit is not re-run per request (pySHACL over a large graph takes minutes); what is served
is what the last run stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from rdflib import Literal, URIRef

from itukg.graph.reads.named import convert_param, named_queries
from itukg.graph.reads.runner import QueryRunner
from itukg.graph.reads.common import as_int, doc_bindings, local_name, resolve_document, s, slug_of
from itukg.errors import NotFound
from itukg.graph.reads.sparql import read_query
from itukg.graph.store import Store
from itukg.settings import Settings

SEVERITIES = ("Violation", "Warning", "Info")

Q_REPORT = read_query("findings/report")


def checks() -> tuple[dict[str, dict[str, str]], dict[str, str], list[str]]:
    """(kind → check name {en, zh}, kind → shape IRI, kinds in order) from the bundled shapes;
    empty when the shapes cannot be loaded."""
    try:
        from itukg.graph.audit.shapes import load_shapes

        bundle = load_shapes()
    except Exception:  # noqa: BLE001 - names are a nicety; the findings still stand
        return {}, {}, []
    names: dict[str, dict[str, str]] = {}
    shapes: dict[str, str] = {}
    for iri, info in bundle.shapes.items():
        names.setdefault(info.kind, dict(info.name))
        shapes.setdefault(info.kind, str(iri))
    return names, shapes, bundle.kinds()


async def audit_report(runner: QueryRunner, settings: Settings, *, document: str | None = None,
                       severity: str | None = None, kind: str | None = None) -> dict[str, Any]:
    """The stored audit (optionally only one document's, one severity's or one kind's findings).

    Raises NotFound (404) when no audit has been stored or the document is unknown,
    ParameterError (422) for a malformed severity or document, and as the runner does."""
    doc = await resolve_document(runner, settings, document)
    b: dict[str, Any] = dict(doc_bindings(doc))
    if severity:
        b["severity"] = convert_param("severity", severity, base_iri=settings.base_iri, name="severity")
    if kind:
        b["kind"] = convert_param("string", kind, base_iri=settings.base_iri, name="kind")
    reports = (await runner.select(Q_REPORT)).dicts()
    if not reports:
        raise NotFound("no audit is stored in this store: run `itukg audit` (it writes the audit graph)")
    conforms_stored = all(str(r["conforms"]).lower() in ("true", "1") for r in reports)
    audited = sorted({str(r["document"]) for r in reports if r.get("document") is not None})
    q = named_queries(settings.base_iri)["audit-findings"]
    rows = (await runner.select(q.body_for(b), b)).dicts()
    names, shapes, kinds = checks()

    findings: dict[str, dict[str, Any]] = {}
    for r in rows:
        fid = str(r["finding"])
        f = findings.get(fid)
        if f is None:
            f = findings[fid] = _finding(r, names, shapes, settings)
        for col, lang in (("messageEn", "en"), ("messageZh", "zh")):
            m = r.get(col)
            if isinstance(m, Literal):
                f["message"].setdefault(lang, str(m))
    items = sorted(findings.values(), key=lambda f: (
        f["focus"]["document"] or "", f["provenance"]["line"] or 0,
        SEVERITIES.index(f["severity"]) if f["severity"] in SEVERITIES else 9, f["kind"], f["focus"]["iri"],
    ))
    by_sev = Counter(f["severity"] for f in items)
    by_kind = Counter(f["kind"] for f in items)
    by_doc = Counter(f["focus"]["document"] or "" for f in items)
    filtered = bool(doc is not None or severity or kind)
    return {
        # conforms: no Violation among the findings served (with filters: among those)
        "conforms": (not any(f["severity"] == "Violation" for f in items)) if filtered else conforms_stored,
        "counts": {
            "total": len(items),
            "documents": len(audited) if doc is None else 1,
            "by_severity": {sv: by_sev.get(sv, 0) for sv in SEVERITIES},
            "by_kind": {k: by_kind.get(k, 0) for k in (kinds or sorted(by_kind))},
            "by_document": dict(sorted(by_doc.items())),
        },
        "documents": [{"iri": d, "slug": slug_of(d, settings)} for d in audited
                      if doc is None or d == str(doc)],
        "filters": {"document": s(doc), "severity": severity, "kind": kind},
        "findings": items,
    }


def _finding(r: dict, names: dict[str, dict[str, str]], shapes: dict[str, str],
             settings: Settings) -> dict[str, Any]:
    """One finding of ``GET /api/audit`` from its first row (messages are added per row).
    Raises nothing."""
    output = r.get("output")
    docu = r.get("document")
    value = r.get("value")
    k = str(r["kind"])
    return {
        "id": str(r["finding"]),
        "severity": local_name(r["severity"]),
        "kind": k,
        "check": names.get(k, {}),
        "shape": shapes.get(k),
        "focus": {
            "iri": str(r["focus"]),
            "output": s(r.get("outputCode")) if output is not None else None,
            "output_iri": s(output),
            "document": slug_of(str(docu), settings) if docu is not None else None,
        },
        "message": {},
        "path": s(r.get("path")),
        "value": s(value),
        "value_iri": str(value) if isinstance(value, URIRef) else None,
        "provenance": {
            "document": s(docu),
            "section": s(r.get("section")),
            "line": as_int(r.get("lineNumber")),
            "line_iri": s(r.get("line")),
            "text": s(r.get("text")),
        },
    }


# -------------------------------------------------------------------------------------------
# the pages' reading (synchronous, on a Store): one simple query per facet, joined here
# -------------------------------------------------------------------------------------------


def severity_counts(store: Store) -> dict[str, int] | None:
    """Findings per severity of the stored audit (one aggregate query), or ``None`` when no
    audit has been stored. Raises what the store raises."""
    if not store.query(Q_REPORT).dicts():
        return None
    counts: dict[str, int] = {}
    for r in store.query(read_query("findings/severity-counts")).dicts():
        sev = local_name(r["sev"]) or ""
        counts[sev if sev in SEVERITIES else (sev.capitalize() or "Info")] = int(str(r["n"]))
    return {sv: counts.get(sv, 0) for sv in SEVERITIES}


def stored_findings(store: Store, document: str = "",
                    code_of: Callable[[str], str] | None = None) -> dict | None:
    """The last audit for the pages, read from the audit graph (model contract: ``docs/model.md``,
    "Audit graph") facet by facet, for one document IRI or all: ``{"conforms", "findings":
    [{"id", "severity", "kind", "focus", "message", "value", "provenance", "outputCode"}]}``;
    ``None`` when no audit has been stored. ``code_of`` names an IRI value (its code).
    Raises what the store raises."""
    reports = store.query(Q_REPORT).dicts()
    if not reports:
        return None
    conforms = all(str(r["conforms"]).lower() in ("true", "1") for r in reports)
    found: dict[str, dict] = {}
    scope = "-in-document" if document else ""
    bindings = {"doc": URIRef(document)} if document else None

    def facet(name: str) -> list[dict]:
        # one simple query per facet, joined here (why: queries/reads/findings/facet-base.rq)
        return store.query(read_query(f"findings/facet-{name}{scope}"), bindings=bindings).dicts()

    for r in facet("base"):
        found[str(r["f"])] = {
            "id": str(r["f"]), "severity": str(r["sev"]), "kind": str(r.get("kind") or ""),
            "focus": str(r["focus"]), "message": {}, "value": None, "provenance": {}, "outputCode": "",
        }
    for r in facet("doc"):
        f = found.get(str(r["f"]))
        if f is not None:
            f["provenance"].setdefault("document", str(r["d"]))
    for r in facet("msg"):
        f = found.get(str(r["f"]))
        if f is not None:
            msg = r["msg"]
            f["message"].setdefault((getattr(msg, "language", None) or "en").split("-")[0], str(msg))
    for r in facet("value"):
        f = found.get(str(r["f"]))
        if f is not None:
            v = r["value"]
            f["value"] = str(v) if isinstance(v, Literal) else ((code_of(str(v)) if code_of else "") or str(v))
    for r in facet("line"):
        f = found.get(str(r["f"]))
        if f is not None and "line" not in f["provenance"]:
            f["provenance"].update({"section": str(r.get("sec") or ""), "line": int(str(r["n"])),
                                    "text": str(r.get("text") or "")})
    for r in facet("out"):
        f = found.get(str(r["f"]))
        if f is not None:
            f["outputCode"] = str(r["outcode"])
    return {"conforms": conforms, "findings": list(found.values())}
