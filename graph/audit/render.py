"""The audit report in the forms people and programs read: text, HTML, CSV, JSON, Turtle.

Text and HTML put the counts first (by severity, by kind of check, by output), then the findings
grouped by kind and, inside a kind, by document and output, each with its source line, the quoted
text and the offending value, so that an auditor who does not know RDF can act on it. CSV has one
finding per row. JSON is :meth:`AuditReport.to_json` (documented in docs/audit.md). Turtle is the
SHACL validation report plus our provenance (the triples stored in the audit graph).
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections import OrderedDict
from typing import Any

from itukg.graph.audit.report import AuditReport, Finding

FORMATS = ("text", "json", "csv", "html", "turtle")
SEVERITY_WORD = {"Violation": "violation", "Warning": "warning", "Info": "note"}
SEVERITY_ZH = {"Violation": "违规", "Warning": "警告", "Info": "提示"}


def render(report: AuditReport, fmt: str) -> str:
    """The report in one of :data:`FORMATS`. Raises ``ValueError`` for another format."""
    if fmt == "text":
        return render_text(report)
    if fmt == "json":
        return render_json(report)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "html":
        return render_html(report)
    if fmt == "turtle":
        return render_turtle(report)
    raise ValueError(f"unknown report format {fmt!r} (use one of {', '.join(FORMATS)})")


def render_json(report: AuditReport) -> str:
    """:meth:`AuditReport.to_json` as JSON text: the summary indented, one finding per line
    (readable, diffable, and written by the C encoder: ``indent`` would make json use its pure
    Python encoder, several seconds for tens of thousands of findings)."""
    data = report.to_json()
    findings = data.pop("findings")
    head = json.dumps(data, ensure_ascii=False, indent=2)
    rows = ",\n".join("    " + json.dumps(f, ensure_ascii=False) for f in findings)
    body = f'  "findings": [\n{rows}\n  ]' if findings else '  "findings": []'
    return head[:-2] + ",\n" + body + "\n}\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary(report: AuditReport) -> str:
    c = report.counts()["by_severity"]
    parts = [_plural(c[s], SEVERITY_WORD[s]) for s in ("Violation", "Warning", "Info")]
    return (
        f"{_plural(len(report.documents), 'document')}, {_plural(len(report.findings), 'finding')}: "
        + ", ".join(parts)
    )


def _verdict(report: AuditReport) -> str:
    if report.conforms:
        return "CONFORMS: no violation (warnings and notes do not fail an audit)"
    n = report.counts()["by_severity"]["Violation"]
    return f"DOES NOT CONFORM: {_plural(n, 'violation')}"


def _doc_name(f: Finding) -> str:
    p = f.provenance
    if p.identifier and p.file:
        return f"{p.identifier} ({p.file})"
    return p.identifier or p.file or f.focus.document or "(no document)"


def _grouped(findings: list[Finding]) -> OrderedDict[str, OrderedDict[str, list[Finding]]]:
    """document name → output ("" for none) → findings, in the findings' order."""
    out: OrderedDict[str, OrderedDict[str, list[Finding]]] = OrderedDict()
    for f in findings:
        out.setdefault(_doc_name(f), OrderedDict()).setdefault(f.focus.output or "", []).append(f)
    return out


def _by_kind(report: AuditReport) -> list[tuple[dict[str, Any], list[Finding]]]:
    groups: dict[str, list[Finding]] = {}
    for f in report.findings:
        groups.setdefault(f.kind, []).append(f)
    return [(k, groups.get(k["kind"], [])) for k in report.kinds]


def _output_rows(report: AuditReport) -> list[tuple[str, str, dict[str, int]]]:
    rows: OrderedDict[tuple[str, str], dict[str, int]] = OrderedDict()
    for f in sorted(report.findings, key=lambda f: (_doc_name(f), _code_key(f.focus.output or ""))):
        key = (_doc_name(f), f.focus.output or "")
        rows.setdefault(key, {"Violation": 0, "Warning": 0, "Info": 0})[f.severity] += 1
    return [(d, o, c) for (d, o), c in rows.items()]


def _code_key(code: str) -> tuple:
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


def _clip(s: str | None, n: int = 110) -> str:
    if not s:
        return ""
    s = " ".join(s.replace("\t", " ").split())
    return s if len(s) <= n else s[: n - 1] + "…"


# =============================================================================================
# Text
# =============================================================================================

def render_text(report: AuditReport) -> str:
    out: list[str] = []
    out.append(f"itukg audit: {_summary(report)}")
    out.append(_verdict(report))
    out.append("")
    out.append("Findings by kind of check")
    width = max((len(k["kind"]) for k in report.kinds), default=10)
    for k, fs in _by_kind(report):
        out.append(f"  {k['severity']:<9}  {k['kind']:<{width}}  {len(fs):>5}  {k['name']['en']}")
    rows = _output_rows(report)
    if rows:
        out.append("")
        out.append("Findings by output")
        out.append(f"  {'document':<40} {'output':<8} {'violations':>10} {'warnings':>9} {'notes':>6}")
        for doc, output, c in rows:
            out.append(f"  {_clip(doc, 40):<40} {output or '-':<8} {c['Violation']:>10} "
                       f"{c['Warning']:>9} {c['Info']:>6}")
    for k, fs in _by_kind(report):
        if not fs:
            continue
        out.append("")
        out.append(f"== {k['severity']} · {k['name']['en']} [{k['kind']}] · {_plural(len(fs), 'finding')} ==")
        out.append(f"   {k['message']['en']}")
        out.append(f"   {k['message']['zh']}")
        for doc, outputs in _grouped(fs).items():
            out.append(f"  {doc}")
            for output, items in outputs.items():
                out.append(f"    {'output ' + output if output else '(not in an output)'}")
                for f in items:
                    where = f"line {f.provenance.line}" if f.provenance.line else "line ?"
                    out.append(f"      {where:<9} {f.focus.label}")
                    if f.value is not None and f.value != "":
                        out.append(f"                value: {f.value}")
                    if f.provenance.text:
                        out.append(f"                | {_clip(f.provenance.text)}")
    out.append("")
    return "\n".join(out)


# =============================================================================================
# CSV
# =============================================================================================

CSV_COLUMNS = [
    "id", "severity", "kind", "check", "document", "identifier", "file", "output", "focus",
    "focus_label", "value", "value_iri", "line", "section", "quote", "text", "message_en",
    "message_zh",
]


def render_csv(report: AuditReport) -> str:
    """One finding per row (UTF-8; a spreadsheet opens it as is)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for f in report.findings:
        j = f.to_json()
        p = f.provenance
        w.writerow([
            f.id, f.severity, f.kind, f.check.get("en", ""), f.focus.document or "",
            p.identifier or "", p.file or "", f.focus.output or "", f.focus.iri, f.focus.label,
            f.value if f.value is not None else "", j["value_iri"] or "",
            p.line if p.line is not None else "", p.section or "", p.quote or "",
            (p.text or "").replace("\t", " "), f.message.get("en", ""), f.message.get("zh", ""),
        ])
    return buf.getvalue()


# =============================================================================================
# Turtle
# =============================================================================================

def render_turtle(report: AuditReport) -> str:
    """The SHACL validation report plus our provenance, as Turtle."""
    from rdflib import Graph

    g = Graph()
    g.parse(data=report.to_ntriples(), format="nt")
    g.bind("sh", "http://www.w3.org/ns/shacl#")
    g.bind("ikg", "https://w3id.org/itukg/ontology#")
    g.bind("ikgsh", "https://w3id.org/itukg/shapes#")
    g.bind("prov", "http://www.w3.org/ns/prov#")
    g.bind("sdg", "http://metadata.un.org/sdg/")
    g.bind("finding", report.base_iri + "id/finding/")
    g.bind("id", report.base_iri + "id/")
    return g.serialize(format="turtle")


# =============================================================================================
# HTML
# =============================================================================================

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
h3{font-size:1.05rem;margin:1.2rem 0 .3rem}h4{font-size:.95rem;margin:.8rem 0 .2rem;color:#444}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;
vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}
.verdict{font-weight:600;padding:.4rem .7rem;display:inline-block;border-radius:4px}
.bad{background:#fde2e1;color:#8a1111}.ok{background:#e2f5e4;color:#145a1f}
.sev{font-size:.8rem;font-weight:600;padding:.05rem .35rem;border-radius:3px;white-space:nowrap}
.Violation{background:#fde2e1;color:#8a1111}.Warning{background:#fff1cc;color:#6b4e00}
.Info{background:#e3ecfb;color:#183f7a}.msg{margin:.2rem 0 .5rem;color:#333}
.src{font-family:ui-monospace,monospace;font-size:.85rem;color:#333;white-space:pre-wrap}
mark{background:#ffe58a}.muted{color:#666;font-size:.85rem}
nav a{margin-right:1rem}
"""


def _anchor(doc: str, output: str) -> str:
    import hashlib

    return "out-" + hashlib.sha1(f"{doc}\n{output}".encode()).hexdigest()[:10]


def _e(s: Any) -> str:
    return html.escape("" if s is None else str(s))


def _source_html(f: Finding) -> str:
    text = " ".join((f.provenance.text or "").replace("\t", " ").split())
    quote = f.provenance.quote
    if quote and quote in text:
        i = text.index(quote)
        return f"{_e(text[:i])}<mark>{_e(quote)}</mark>{_e(text[i + len(quote):])}"
    value = f.value if f.value_term is not None and not str(f.value_term).startswith("http") else None
    if value and value in text:
        i = text.index(value)
        return f"{_e(text[:i])}<mark>{_e(value)}</mark>{_e(text[i + len(value):])}"
    return _e(text)


def _finding_rows(items: list[Finding], *, show_kind: bool) -> list[str]:
    out = ["<table><tr><th>line</th>" + ("<th>check</th>" if show_kind else "")
           + "<th>concerns</th><th>value</th><th>source text</th></tr>"]
    for f in items:
        kind = (f"<td><span class='sev {f.severity}'>{_e(f.severity)}</span> {_e(f.check.get('en'))}</td>"
                if show_kind else "")
        out.append(
            f"<tr id='{_e(f.id.rsplit('/', 1)[-1])}'><td class='n'>{_e(f.provenance.line or '?')}</td>{kind}"
            f"<td>{_e(f.focus.label)}<div class='muted'>{_e(f.focus.iri)}</div></td>"
            f"<td>{_e(f.value if f.value is not None else '')}</td>"
            f"<td class='src'>{_source_html(f)}</td></tr>"
        )
    out.append("</table>")
    return out


def render_html(report: AuditReport) -> str:
    """A self-contained HTML page (no external assets)."""
    c = report.counts()["by_severity"]
    verdict_class = "ok" if report.conforms else "bad"
    o: list[str] = [
        "<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>itukg audit report</title>", f"<style>{_CSS}</style></head><body>",
        "<h1>itukg audit report <span lang='zh'>审核报告</span></h1>",
        f"<p>{_e(_summary(report))}</p>",
        f"<p class='verdict {verdict_class}'>{_e(_verdict(report))}</p>",
        "<nav><a href='#by-kind'>By kind of check</a><a href='#by-output'>By output</a></nav>",
        "<h2>Counts</h2><table><tr><th>severity</th><th>findings</th><th>meaning</th></tr>",
        f"<tr><td><span class='sev Violation'>Violation</span> {SEVERITY_ZH['Violation']}</td>"
        f"<td class='n'>{c['Violation']}</td><td>must be fixed: the audit fails</td></tr>",
        f"<tr><td><span class='sev Warning'>Warning</span> {SEVERITY_ZH['Warning']}</td>"
        f"<td class='n'>{c['Warning']}</td><td>probably wrong: a person should look</td></tr>",
        f"<tr><td><span class='sev Info'>Info</span> {SEVERITY_ZH['Info']}</td>"
        f"<td class='n'>{c['Info']}</td><td>noted; nothing to fix in the links</td></tr></table>",
        "<h3>By kind of check</h3><table><tr><th>severity</th><th>check</th><th>kind</th><th>findings</th></tr>",
    ]
    for k, fs in _by_kind(report):
        link = f"<a href='#kind-{_e(k['kind'])}'>{len(fs)}</a>" if fs else "0"
        o.append(f"<tr><td><span class='sev {k['severity']}'>{_e(k['severity'])}</span></td>"
                 f"<td>{_e(k['name']['en'])}<div class='muted' lang='zh'>{_e(k['name']['zh'])}</div></td>"
                 f"<td><code>{_e(k['kind'])}</code></td><td class='n'>{link}</td></tr>")
    o.append("</table>")
    rows = _output_rows(report)
    if rows:
        o.append("<h3>By output</h3><table><tr><th>document</th><th>output</th><th>violations</th>"
                 "<th>warnings</th><th>notes</th></tr>")
        for doc, output, cnt in rows:
            anchor = _anchor(doc, output)
            o.append(f"<tr><td>{_e(doc)}</td><td><a href='#{anchor}'>{_e(output or '-')}</a></td>"
                     f"<td class='n'>{cnt['Violation']}</td><td class='n'>{cnt['Warning']}</td>"
                     f"<td class='n'>{cnt['Info']}</td></tr>")
        o.append("</table>")
    o.append("<h2 id='by-kind'>Findings by kind of check</h2>")
    if not report.findings:
        o.append("<p>No findings.</p>")
    for k, fs in _by_kind(report):
        if not fs:
            continue
        o.append(f"<h3 id='kind-{_e(k['kind'])}'><span class='sev {k['severity']}'>{_e(k['severity'])}</span> "
                 f"{_e(k['name']['en'])} <code>{_e(k['kind'])}</code> · {_plural(len(fs), 'finding')}</h3>")
        o.append(f"<p class='msg'>{_e(k['message']['en'])}<br><span lang='zh'>{_e(k['message']['zh'])}</span></p>")
        for doc, outputs in _grouped(fs).items():
            for output, items in outputs.items():
                o.append(f"<h4>{_e(doc)} · {_e('output ' + output if output else 'not in an output')}</h4>")
                o.extend(_finding_rows(items, show_kind=False))
    o.append("<h2 id='by-output'>Findings by output</h2>")
    by_output: OrderedDict[tuple[str, str], list[Finding]] = OrderedDict()
    for f in sorted(report.findings, key=lambda f: (_doc_name(f), _code_key(f.focus.output or ""),
                                                    f.provenance.line or 0)):
        by_output.setdefault((_doc_name(f), f.focus.output or ""), []).append(f)
    for (doc, output), items in by_output.items():
        anchor = _anchor(doc, output)
        o.append(f"<h3 id='{anchor}'>{_e(doc)} · {_e('output ' + output if output else 'not in an output')}"
                 f" · {_plural(len(items), 'finding')}</h3>")
        o.extend(_finding_rows(items, show_kind=True))
    o.append(f"<p class='muted'>Engine: {_e(report.engine)}. Documents: "
             + ", ".join(_e(d.get("identifier") or d["slug"]) for d in report.documents) + ".</p>")
    o.append("</body></html>")
    return "\n".join(o) + "\n"
