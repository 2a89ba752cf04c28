"""The audit page: the last audit's findings grouped by kind and by output, filterable by
severity and document, each linking to its focus resource and its source line; CSV download.

The findings are read from the audit graph by :mod:`itukg.graph.reads.findings` (the one reader
of the audit graph, also behind ``GET /api/audit``); this module only groups, filters and
renders them.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from fastapi.responses import HTMLResponse, Response

from itukg.graph.reads import findings
from itukg.graph.reads.text import Text
from itukg.graph.reads.views import LineRef, code_key

from .render import PageContext

SEVERITIES = findings.SEVERITIES
_OUTPUT_SECTION = re.compile(r"^output/([^/]+)")
_IN_OUTPUT = re.compile(r"^(.+?/output/[^/]+)(?:/(.+))?$")  # D/output/{code}[/rest] (docs/model.md)


@dataclass
class Finding:
    id: str
    severity: str
    kind: str
    focus: str
    focus_label: str
    message: dict[str, str]
    value: str
    document: str  # document IRI
    slug: str
    output: str  # output code ("" when the finding is not in an output)
    line: LineRef | None = None

    def message_in(self, lang: str) -> Text:
        if self.message.get(lang):
            return Text(self.message[lang], lang)
        for lg in ("en", "zh"):
            if self.message.get(lg):
                return Text(self.message[lg], lg)
        return Text(self.kind)


@dataclass
class Report:
    conforms: bool
    findings: list[Finding] = field(default_factory=list)

    def severity_counts(self) -> dict[str, int]:
        c = Counter(f.severity for f in self.findings)
        return {s: c.get(s, 0) for s in SEVERITIES}


def _severity(s: Any) -> str:
    s = str(s or "")
    s = s.rsplit("#", 1)[-1]
    return s if s in SEVERITIES else (s.capitalize() or "Info")


def normalise(ctx: PageContext, raw: dict) -> Report:
    """A report in the ``GET /api/audit`` shape → :class:`Report`. Tolerates missing fields."""
    findings = []
    for f in raw.get("findings", []):
        prov = f.get("provenance") or {}
        focus = f.get("focus")
        focus_label = ""
        if isinstance(focus, dict):
            focus_label = focus.get("label") or focus.get("code") or ""
            if isinstance(focus_label, dict):
                focus_label = focus_label.get(ctx.lang) or focus_label.get("en") or focus_label.get("zh") or ""
            focus = focus.get("iri") or ""
        doc = prov.get("document") or ""
        if isinstance(doc, dict):
            doc = doc.get("iri") or ""
        slug = ctx.data.slug_of(doc) if doc else ""
        line = None
        if prov.get("line") and slug:
            n = int(prov["line"])
            line = LineRef(f"{doc}/line/{n}", slug, n, prov.get("text") or "", prov.get("section") or "")
        m = _OUTPUT_SECTION.match(prov.get("section") or "")
        output = f.get("outputCode") or (m[1] if m else "")
        if not output and focus:
            m2 = re.search(r"/output/([^/]+)", str(focus))
            output = m2[1] if m2 else ""
        msg = f.get("message") or {}
        if isinstance(msg, str):
            msg = {"en": msg}
        value = f.get("value")
        findings.append(Finding(str(f.get("id") or ""), _severity(f.get("severity")), str(f.get("kind") or ""),
                                str(focus or ""), str(focus_label or ""), msg, "" if value is None else str(value),
                                str(doc), slug, output, line))
    findings.sort(key=lambda f: (SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 9, f.kind,
                                 f.slug, code_key(f.output), f.line.number if f.line else 0))
    return Report(bool(raw.get("conforms")), findings)


def severity_counts(ctx: PageContext) -> dict[str, int] | None:
    """Findings per severity of the stored audit, or ``None`` when no audit has been stored.
    Raises what the store raises."""
    return findings.severity_counts(ctx.data.store)


def kind_names() -> tuple[dict[str, dict[str, str]], list[str]]:
    """``({kind: {"en": name, "zh": name}}, kinds in the audit's order)`` from the bundled shapes
    (their ``sh:name``); empty when the shapes cannot be loaded (the page then shows the keys)."""
    names, _, kinds = findings.checks()
    return names, kinds


def focus_label(ctx: PageContext, f: Finding, outputs: dict[str, str]) -> str:
    """A short name for a finding's focus: ``output 4.3`` for an output, the part after its
    output for what lies inside one (``region/africa``, ``question-slot/1``), else its
    code or label. Raises what the store raises."""
    if f.focus_label:
        return f.focus_label
    m = _IN_OUTPUT.match(f.focus)
    if m and m[1] in outputs:
        return m[2] if m[2] else f"{ctx.t('Output')} {outputs[m[1]]}"
    doc_prefix = ctx.settings.base_iri + "id/doc/"
    if f.focus.startswith(doc_prefix) and "/" in f.focus[len(doc_prefix):]:
        return f.focus[len(doc_prefix):].split("/", 1)[1]  # citation/L33-1, footnote/1, ...
    return ctx.data.display(f.focus).value


def load(ctx: PageContext, document: str = "") -> Report | None:
    """The stored audit (of one document IRI, or all), or ``None`` when there is none."""
    raw = findings.stored_findings(ctx.data.store, document, code_of=ctx.data.code)
    return normalise(ctx, raw) if raw is not None else None


#: With more documents than this, the audit page shows one document at a time unless the reader
#: asks for all (``document=all``): thousands of findings make a page nobody reads.
ALL_DOCUMENTS_UP_TO = 5


def _scope(ctx: PageContext, document: str) -> tuple[str, str]:
    """``(document slug shown in the filter, document IRI to read)`` for a ``document``
    parameter: a slug/IRI picks one; ``all`` or nothing picks all, except with many documents
    where nothing picks the first."""
    docs = ctx.data.documents()
    if document == "all":
        return "all", ""
    for d in docs:
        if document in (d.slug, d.iri):
            return d.slug, d.iri
    if not document and len(docs) > ALL_DOCUMENTS_UP_TO:
        return docs[0].slug, docs[0].iri
    return "", ""


def _filtered(ctx: PageContext, report: Report, severity: str, document: str, output: str) -> list[Finding]:
    out = report.findings
    if severity:
        out = [f for f in out if f.severity.lower() == severity.lower()]
    if document and document != "all":
        out = [f for f in out if document in (f.slug, f.document)]
    if output:
        out = [f for f in out if f.output == output]
    return out


def page(ctx: PageContext, severity: str = "", document: str = "", output: str = "") -> HTMLResponse:
    document, doc_iri = _scope(ctx, document)
    report = load(ctx, doc_iri)
    if report is None:
        return ctx.render("audit.html", active="audit", report=None, groups=[], severity=severity,
                          document=document, output=output, docs=ctx.data.documents(), outputs=[], shown=0,
                          counts={}, csv_url="")
    shown = _filtered(ctx, report, severity, document, output)
    groups: dict[str, dict[tuple[str, str], list[Finding]]] = {}
    for f in shown:
        groups.setdefault(f.kind, {}).setdefault((f.slug, f.output), []).append(f)
    outputs = sorted({(f.slug, f.output) for f in report.findings if f.output},
                     key=lambda so: (so[0], code_key(so[1])))
    names, order = kind_names()
    groups = dict(sorted(groups.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0])))
    for by_out in groups.values():
        for k in list(by_out):
            by_out[k].sort(key=lambda f: (f.line.number if f.line else 0, f.focus))
    out_iris = {o.iri: o.code for o in ctx.data.outputs()}
    for f in shown:
        f.focus_label = focus_label(ctx, f, out_iris)
    kind_title = {k: (v.get(ctx.lang) or v.get("en") or k) for k, v in names.items()}
    csv_url = ctx.url("/audit.csv", severity=severity, document=document, output=output)
    return ctx.render("audit.html", active="audit", report=report, groups=groups, severity=severity,
                      document=document, output=output, docs=ctx.data.documents(), outputs=outputs,
                      shown=len(shown), counts=report.severity_counts(), csv_url=csv_url, kind_title=kind_title,
                      several_docs=len(ctx.data.documents()) > 1)


def csv_response(ctx: PageContext, severity: str = "", document: str = "", output: str = "") -> Response:
    document, doc_iri = _scope(ctx, document)
    report = load(ctx, doc_iri)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id", "severity", "kind", "document", "output", "focus", "message_en", "message_zh",
                "value", "line", "section", "text"])
    for f in _filtered(ctx, report, severity, document, output) if report else []:
        w.writerow([f.id, f.severity, f.kind, f.slug, f.output, f.focus, f.message.get("en", ""),
                    f.message.get("zh", ""), f.value, f.line.number if f.line else "",
                    f.line.section if f.line else "", f.line.text if f.line else ""])
    return Response(buf.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="itukg-audit.csv"'})
