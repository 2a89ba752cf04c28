"""The audit report in the forms people and programs read: text, HTML, CSV, JSON, Turtle.

Text and HTML put the counts first (by severity, by kind of check, by output), then the findings
grouped by kind and, inside a kind, by document and output, each with its source line, the quoted
text and the offending value, so that an auditor who does not know RDF can act on it. Both are
in the reader's language (``lang``): their words come from the message catalogues
(:mod:`itukg.messages`); the checks' names and messages come from the shapes, in the reader's
language when the shapes give it, else in another one marked as such (``[en] …``). The HTML page
is the template ``audit_report.html`` of the project's one Jinja environment
(:mod:`itukg.templating`), so it renders without the web app. CSV has one finding per row and a
message column per language of the shapes. JSON is :meth:`AuditReport.to_json` (documented in
docs/audit.md). Turtle is the SHACL validation report plus our provenance (the triples stored in
the audit graph).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import OrderedDict
from typing import Any

from itukg.graph.audit.report import AuditReport, Finding
from itukg.messages import N_, Messages, in_language
from itukg.templating import environment

FORMATS = ("text", "json", "csv", "html", "turtle")
SEVERITIES = ("Violation", "Warning", "Info")
SEVERITY_WORD = {"Violation": N_("Violation"), "Warning": N_("Warning"), "Info": N_("Info")}


def render(report: AuditReport, fmt: str, *, lang: str = "en") -> str:
    """The report in one of :data:`FORMATS`, text and HTML in ``lang``. Raises ``ValueError``
    for another format or for a language without a message catalogue."""
    if fmt == "text":
        return render_text(report, lang=lang)
    if fmt == "json":
        return render_json(report)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "html":
        return render_html(report, lang=lang)
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


# =============================================================================================
# Words in the reader's language
# =============================================================================================

def _counted(_: Messages, n: int, what: str) -> str:
    """``n documents``, ``n findings``, ``n violations``... in the reader's language."""
    if what == "document":
        return _.ngettext("%(num)d document", "%(num)d documents", n)
    if what == "finding":
        return _.ngettext("%(num)d finding", "%(num)d findings", n)
    if what == "Violation":
        return _.ngettext("%(num)d violation", "%(num)d violations", n)
    if what == "Warning":
        return _.ngettext("%(num)d warning", "%(num)d warnings", n)
    return _.ngettext("%(num)d note", "%(num)d notes", n)


def _summary(report: AuditReport, _: Messages) -> str:
    c = report.counts()["by_severity"]
    return _("%(documents)s, %(findings)s: %(violations)s, %(warnings)s, %(notes)s",
             documents=_counted(_, len(report.documents), "document"),
             findings=_counted(_, len(report.findings), "finding"),
             violations=_counted(_, c["Violation"], "Violation"),
             warnings=_counted(_, c["Warning"], "Warning"), notes=_counted(_, c["Info"], "Info"))


def _verdict(report: AuditReport, _: Messages) -> str:
    if report.conforms:
        return _("CONFORMS: no violation (warnings and notes do not fail an audit)")
    n = report.counts()["by_severity"]["Violation"]
    return _("DOES NOT CONFORM: %(violations)s", violations=_counted(_, n, "Violation"))


def _said(texts: dict[str, str], lang: str) -> str:
    """A shape's text in ``lang``, or another language's prefixed with its tag (a visible
    fallback: the reader sees the shapes do not speak their language)."""
    text, lg = in_language(texts, lang)
    return text if lg == lang else f"[{lg}] {text}"


def _output_heading(_: Messages, output: str) -> str:
    return _("output %(code)s", code=output) if output else _("(not in an output)")


# =============================================================================================
# Grouping (shared by text and HTML)
# =============================================================================================

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
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


def _clip(s: str | None, n: int = 110) -> str:
    if not s:
        return ""
    s = " ".join(s.replace("\t", " ").split())
    return s if len(s) <= n else s[: n - 1] + "…"


# =============================================================================================
# Text
# =============================================================================================

def render_text(report: AuditReport, *, lang: str = "en") -> str:
    """The report as plain text in ``lang``. Raises ``ValueError`` for a language without a
    message catalogue."""
    _ = Messages(lang)  # `_` so that message extraction finds the calls
    out = [_("itukg audit: %(summary)s", summary=_summary(report, _)), _verdict(report, _), "",
           _("Findings by kind of check")]
    width = max((len(k["kind"]) for k in report.kinds), default=10)
    for k, fs in _by_kind(report):
        out.append(f"  {_(SEVERITY_WORD[k['severity']]):<9}  {k['kind']:<{width}}  {len(fs):>5}  "
                   f"{_said(k['name'], lang)}")
    rows = _output_rows(report)
    if rows:
        out += ["", _("Findings by output"),
                f"  {_('document'):<40} {_('output'):<8} {_('violations'):>10} {_('warnings'):>9} "
                f"{_('notes'):>6}"]
        for doc, output, c in rows:
            out.append(f"  {_clip(doc, 40):<40} {output or '-':<8} {c['Violation']:>10} "
                       f"{c['Warning']:>9} {c['Info']:>6}")
    for k, fs in _by_kind(report):
        if fs:
            out += ["", f"== {_(SEVERITY_WORD[k['severity']])} · {_said(k['name'], lang)} [{k['kind']}] · "
                        f"{_counted(_, len(fs), 'finding')} ==", f"   {_said(k['message'], lang)}"]
            out += _text_findings(fs, _)
    out.append("")
    return "\n".join(out)


def _text_findings(fs: list[Finding], _: Messages) -> list[str]:
    out = []
    for doc, outputs in _grouped(fs).items():
        out.append(f"  {doc}")
        for output, items in outputs.items():
            out.append(f"    {_output_heading(_, output)}")
            for f in items:
                out.append(f"      {_('line %(line)s', line=f.provenance.line or '?'):<9} {f.focus.label}")
                if f.value is not None and f.value != "":
                    out.append(f"                {_('value: %(value)s', value=f.value)}")
                if f.provenance.text:
                    out.append(f"                | {_clip(f.provenance.text)}")
                if f.counterpart is not None:  # two language versions: the finding names both
                    out.append(f"                {_said(f.message, _.lang)}")
                    if f.counterpart.text:
                        out.append(f"                | {_clip(f.counterpart.text)}")
    return out


# =============================================================================================
# CSV
# =============================================================================================

CSV_BASE_COLUMNS = [
    "id", "severity", "kind", "check", "document", "identifier", "file", "output", "focus",
    "focus_label", "value", "value_iri", "line", "section", "quote", "text",
]
# The columns with the bundled shapes (messages in the six UN languages, English first).
CSV_COLUMNS = CSV_BASE_COLUMNS + [f"message_{lg}" for lg in ("en", "ar", "es", "fr", "ru", "zh")]


def render_csv(report: AuditReport) -> str:
    """One finding per row (UTF-8; a spreadsheet opens it as is), then one ``message_<lang>``
    column per language the shapes write their messages in."""
    langs = report.message_languages()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_BASE_COLUMNS + [f"message_{lg}" for lg in langs])
    for f in report.findings:
        j = f.to_json()
        p = f.provenance
        w.writerow([
            f.id, f.severity, f.kind, in_language(f.check, "en")[0], f.focus.document or "",
            p.identifier or "", p.file or "", f.focus.output or "", f.focus.iri, f.focus.label,
            f.value if f.value is not None else "", j["value_iri"] or "",
            p.line if p.line is not None else "", p.section or "", p.quote or "",
            (p.text or "").replace("\t", " "), *(f.message.get(lg, "") for lg in langs),
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
    from itukg.graph.ontology import PREFIXES

    for prefix in ("sh", "ikg", "prov", "sdg"):
        g.bind(prefix, PREFIXES[prefix])
    g.bind("ikgsh", "https://w3id.org/itukg/shapes#")
    g.bind("finding", report.base_iri + "id/finding/")
    g.bind("id", report.base_iri + "id/")
    return g.serialize(format="turtle")


# =============================================================================================
# HTML: the data the template ``audit_report.html`` lays out
# =============================================================================================

def _anchor(doc: str, output: str) -> str:
    return "out-" + hashlib.sha1(f"{doc}\n{output}".encode()).hexdigest()[:10]


def _source_parts(f: Finding) -> tuple[str, str, str]:
    """The source text split around what to highlight (the quote, else a literal value)."""
    text = " ".join((f.provenance.text or "").replace("\t", " ").split())
    quote = f.provenance.quote
    value = f.value if f.value_term is not None and not str(f.value_term).startswith("http") else None
    for mark in (quote, value):
        if mark and mark in text:
            i = text.index(mark)
            return text[:i], mark, text[i + len(mark):]
    return text, "", ""


def _rows(items: list[Finding], lang: str) -> list[dict[str, Any]]:
    return [{"id": f.id.rsplit("/", 1)[-1], "line": f.provenance.line or "?", "severity": f.severity,
             "check": in_language(f.check, lang), "focus": f.focus.label, "iri": f.focus.iri,
             "value": f.value if f.value is not None else "", "source": _source_parts(f),
             # two language versions: the message names both versions and both lines
             "other": in_language(f.message, lang) if f.counterpart is not None else None}
            for f in items]


def _html_kinds(report: AuditReport, lang: str) -> list[dict[str, Any]]:
    return [{"kind": k["kind"], "severity": k["severity"], "count": len(fs),
             "name": in_language(k["name"], lang), "message": in_language(k["message"], lang),
             "groups": [(doc, output, _rows(items, lang)) for doc, outputs in _grouped(fs).items()
                        for output, items in outputs.items()]}
            for k, fs in _by_kind(report)]


def _html_outputs(report: AuditReport, lang: str) -> list[dict[str, Any]]:
    by_output: OrderedDict[tuple[str, str], list[Finding]] = OrderedDict()
    for f in sorted(report.findings, key=lambda f: (_doc_name(f), _code_key(f.focus.output or ""),
                                                    f.provenance.line or 0)):
        by_output.setdefault((_doc_name(f), f.focus.output or ""), []).append(f)
    return [{"anchor": _anchor(doc, output), "document": doc, "output": output,
             "rows": _rows(items, lang)} for (doc, output), items in by_output.items()]


def render_html(report: AuditReport, *, lang: str = "en") -> str:
    """A self-contained HTML page in ``lang`` (no external assets). Raises ``ValueError`` for a
    language without a message catalogue."""
    _ = Messages(lang)  # `_` so that message extraction finds the calls
    page = environment().get_template("audit_report.html").render(
        **_.template_globals(), summary=_summary(report, _), verdict=_verdict(report, _),
        conforms=report.conforms, counts=report.counts()["by_severity"], severities=SEVERITIES,
        severity_word=SEVERITY_WORD, kinds=_html_kinds(report, lang),
        output_rows=[(d, o, c, _anchor(d, o)) for d, o, c in _output_rows(report)],
        by_output=_html_outputs(report, lang), any_findings=bool(report.findings),
        engine=report.engine,
        documents=[d.get("identifier") or d["slug"] for d in report.documents],
    )
    return page.rstrip("\n") + "\n"
