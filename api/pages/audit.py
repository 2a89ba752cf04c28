"""The audit page: the last audit's findings grouped by kind and by output, filterable by
severity and document, each linking to its focus resource and its source line; CSV download.

The findings come from the traceability API's audit service (the same answer as
``GET /api/audit``); this module only groups, filters and renders them.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import anyio.from_thread
from fastapi.responses import HTMLResponse, Response

from .data import LineRef, code_key
from .render import PageContext
from .text import Text

SEVERITIES = ("Violation", "Warning", "Info")
_OUTPUT_SECTION = re.compile(r"^output/([^/]+)")


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
        output = m[1] if m else ""
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


def _fetch(ctx: PageContext) -> dict | None:
    """The audit report as ``GET /api/audit`` gives it, or ``None`` when no audit is stored."""
    try:
        from itukg.api.services import audit as service  # the traceability helper's service
    except ImportError:
        return None
    fn = getattr(service, "audit_report", None) or getattr(service, "get_audit", None)
    if fn is None:
        return None
    runner = ctx.data.store.executor
    result = anyio.from_thread.run(fn, runner, ctx.settings)
    if result is None:
        return None
    return result.model_dump(mode="json") if hasattr(result, "model_dump") else dict(result)


def load(ctx: PageContext) -> Report | None:
    raw = _fetch(ctx)
    return normalise(ctx, raw) if raw is not None else None


def _filtered(ctx: PageContext, report: Report, severity: str, document: str, output: str) -> list[Finding]:
    out = report.findings
    if severity:
        out = [f for f in out if f.severity.lower() == severity.lower()]
    if document:
        out = [f for f in out if document in (f.slug, f.document)]
    if output:
        out = [f for f in out if f.output == output]
    return out


def page(ctx: PageContext, severity: str = "", document: str = "", output: str = "") -> HTMLResponse:
    report = load(ctx)
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
    csv_url = ctx.url("/audit.csv", severity=severity, document=document, output=output)
    return ctx.render("audit.html", active="audit", report=report, groups=groups, severity=severity,
                      document=document, output=output, docs=ctx.data.documents(), outputs=outputs,
                      shown=len(shown), counts=report.severity_counts(), csv_url=csv_url,
                      several_docs=len(ctx.data.documents()) > 1)


def csv_response(ctx: PageContext, severity: str = "", document: str = "", output: str = "") -> Response:
    report = load(ctx)
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
