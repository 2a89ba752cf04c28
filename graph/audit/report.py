"""The audit report: findings an auditor can act on, and their RDF form.

A :class:`Finding` is one SHACL validation result plus what the reports need: the kind of check,
the focus with its label and code ("output 4.1 · Africa region"), the offending value as a reader
sees it, and the source line (document, section, line, quoted text) the focus or the link was
read from. Its IRI is stable: ``B id/finding/{h}``, h = the first 16 hex digits of the SHA-1 of
kind, focus IRI, path and value (:func:`finding_iri`), so the same finding keeps its IRI across
rebuilds and a fixed one disappears.

:meth:`AuditReport.to_json` is the documented JSON form (``docs/audit.md``), the body of the
service's ``GET /api/audit``. :meth:`AuditReport.to_ntriples` is the SHACL validation report
(``sh:ValidationReport``, one ``sh:ValidationResult`` per finding, SHACL 1.0 section 3.6) plus
our provenance; it is what ``itukg audit`` stores in the audit graph.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from itukg.graph.audit.shapes import SEVERITY_ORDER
from itukg.graph.ontology import IKG_NS

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCT_IDENTIFIER = "http://purl.org/dc/terms/identifier"
IKG = IKG_NS
XSD = "http://www.w3.org/2001/XMLSchema#"


def term_key(term: Identifier | None) -> str:
    """A canonical string for a term (N-Triples-like), used in finding IRIs and comparisons."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        if term.language:
            return f'"{term}"@{term.language.lower()}'
        dt = term.datatype or URIRef(XSD + "string")
        return f'"{term}"^^<{dt}>'
    return f"<{term}>"


def finding_iri(base_iri: str, kind: str, focus: str, path: str | None, value: Identifier | None) -> str:
    """``B id/finding/{h}``: h from kind, focus, path and value, never from a counter."""
    key = "\n".join((kind, focus, path or "", term_key(value)))
    return f"{base_iri}id/finding/{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


@dataclass
class Focus:
    """The resource a finding is about, as an auditor names it."""

    iri: str
    type: str | None = None  # local name of its ikg: class, e.g. "RegionalInitiativeSlot"
    code: str | None = None  # its own code (outputs: "4.1")
    label: str = ""  # "output 4.1 · Africa region (非洲区域)"
    output: str | None = None  # code of the output it belongs to
    output_iri: str | None = None
    document: str | None = None  # document slug

    def to_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri, "type": self.type, "code": self.code, "label": self.label,
            "output": self.output, "output_iri": self.output_iri, "document": self.document,
        }


@dataclass
class Provenance:
    """Where the finding can be seen in the source: the line the link or the focus was read from."""

    document: str | None = None  # the document's IRI (B id/doc/{slug})
    file: str | None = None  # its source file name, e.g. "ACP-22A14-4.zh.txt"
    identifier: str | None = None  # its symbol, e.g. "ACP/22A14/4"
    section: str | None = None
    line: int | None = None
    line_iri: str | None = None
    text: str | None = None  # the raw line
    quote: str | None = None  # the exact span, when the focus is a citation or a mention

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document, "file": self.file, "identifier": self.identifier, "section": self.section, "line": self.line,
            "line_iri": self.line_iri, "text": self.text, "quote": self.quote,
        }


@dataclass
class Finding:
    id: str
    severity: str  # Violation | Warning | Info
    kind: str
    shape: str
    check: dict[str, str]  # the check's name: language → text
    message: dict[str, str]  # language → text, the languages of its shape
    focus: Focus
    component: str = SH + "SPARQLConstraintComponent"  # sh:sourceConstraintComponent
    path: str | None = None
    value_term: Identifier | None = None
    value: str | None = None  # the value as a reader sees it (label for an IRI)
    provenance: Provenance = field(default_factory=Provenance)
    # the other document's side, for a finding that relates two documents (language versions)
    counterpart: Provenance | None = None

    @property
    def sort_key(self) -> tuple:
        return (
            self.focus.document or "", self.provenance.line or 0, SEVERITY_ORDER[self.severity],
            self.kind, self.focus.iri, term_key(self.value_term),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "kind": self.kind,
            "check": dict(self.check),
            "shape": self.shape,
            "focus": self.focus.to_json(),
            "message": dict(self.message),
            "path": self.path,
            "value": self.value,
            "value_iri": str(self.value_term) if isinstance(self.value_term, URIRef) else None,
            "provenance": self.provenance.to_json(),
            **({"counterpart": self.counterpart.to_json()} if self.counterpart else {}),
        }


@dataclass
class AuditReport:
    """The findings of one audit run, sorted by document, line and kind."""

    findings: list[Finding]
    documents: list[dict[str, Any]]  # [{"slug", "iri", "identifier", "file"}] audited
    kinds: list[dict[str, Any]]  # every check run: [{"kind", "severity", "name", "message", "shape"}]
    engine: str
    base_iri: str
    elapsed: float = 0.0

    @property
    def conforms(self) -> bool:
        """True when no finding is a Violation (Warnings and Info do not fail an audit)."""
        return not any(f.severity == "Violation" for f in self.findings)

    @property
    def report_iri(self) -> str:
        return f"{self.base_iri}id/audit/report"

    def message_languages(self) -> list[str]:
        """The languages the checks' messages are written in (the shapes decide), English first."""
        langs = {lg for k in self.kinds for lg in k.get("message", {})}
        langs |= {lg for f in self.findings for lg in f.message}
        return sorted(langs, key=lambda lg: (lg != "en", lg))

    def counts(self) -> dict[str, Any]:
        by_sev = Counter(f.severity for f in self.findings)
        by_kind = Counter(f.kind for f in self.findings)
        by_doc = Counter(f.focus.document or "" for f in self.findings)
        by_output: dict[str, Counter] = {}
        for f in self.findings:
            key = f"{f.focus.document or ''} {f.focus.output or '-'}"
            by_output.setdefault(key, Counter())[f.severity] += 1
        return {
            "total": len(self.findings),
            "documents": len(self.documents),
            "by_severity": {s: by_sev.get(s, 0) for s in ("Violation", "Warning", "Info")},
            "by_kind": {k["kind"]: by_kind.get(k["kind"], 0) for k in self.kinds},
            "by_document": dict(sorted(by_doc.items())),
            "by_output": {
                k: {s: c.get(s, 0) for s in ("Violation", "Warning", "Info")}
                for k, c in sorted(by_output.items())
            },
        }

    def to_json(self) -> dict[str, Any]:
        """The documented JSON form (docs/audit.md), also ``GET /api/audit``'s body."""
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "documents": list(self.documents),
            "checks": list(self.kinds),
            "engine": self.engine,
            "findings": [f.to_json() for f in self.findings],
        }

    # -- RDF ----------------------------------------------------------------------------------
    def to_ntriples(self) -> bytes:
        """The SHACL validation report plus our provenance, as N-Triples (UTF-8).

        Per finding ``F`` (its stable IRI): ``F a sh:ValidationResult, ikg:Finding`` ·
        ``sh:focusNode`` · ``sh:resultSeverity`` · ``sh:sourceShape`` ·
        ``sh:sourceConstraintComponent`` · ``sh:resultMessage`` (every language of the shape) · ``sh:value`` (when
        the result has one) · ``sh:resultPath`` (when it is a single property) ·
        ``ikg:checkKind`` · ``rdfs:label`` (the focus as the reports name it, e.g. "output 4.1 ·
        Africa (非洲区域)") · ``ikg:inDocument`` · ``prov:wasDerivedFrom`` (the source line) ·
        ``ikg:aboutOutput`` (and, comparing two language versions, ``ikg:counterpartDocument``
        and ``ikg:counterpartLine``). The report node ``B id/audit/report`` has ``sh:conforms``,
        ``ikg:inDocument`` for each document audited, ``sh:result`` for each finding and
        ``dcterms:identifier "sha256:{h}"``, h the SHA-256 of all the other triples (so a run
        can tell that the stored report is already the same, see :attr:`content_hash`)."""
        body = self._body()
        rep = _iri(self.report_iri)
        ident = f"{rep} {_iri(DCT_IDENTIFIER)} {_lit('sha256:' + hashlib.sha256(body).hexdigest())} .\n"
        return body + ident.encode("utf-8")

    @property
    def content_hash(self) -> str:
        """``sha256:{hex}`` of the report's triples (the value of its ``dcterms:identifier``)."""
        return "sha256:" + hashlib.sha256(self._body()).hexdigest()

    def _body(self) -> bytes:
        key = (id(self.findings), len(self.findings), self.conforms)
        cached = getattr(self, "_body_cache", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        body = self._make_body()
        self._body_cache = (key, body)
        return body

    def _make_body(self) -> bytes:
        out: list[str] = []
        rep = _iri(self.report_iri)
        out.append(f"{rep} {_iri(RDF_TYPE)} {_iri(SH + 'ValidationReport')} .")
        out.append(f"{rep} {_iri(SH + 'conforms')} {_lit(str(self.conforms).lower(), XSD + 'boolean')} .")
        for d in self.documents:
            out.append(f"{rep} {_iri(IKG + 'inDocument')} {_iri(d['iri'])} .")
        for f in self.findings:
            s = _iri(f.id)
            out.append(f"{rep} {_iri(SH + 'result')} {s} .")
            out.append(f"{s} {_iri(RDF_TYPE)} {_iri(SH + 'ValidationResult')} .")
            out.append(f"{s} {_iri(RDF_TYPE)} {_iri(IKG + 'Finding')} .")
            out.append(f"{s} {_iri(SH + 'focusNode')} {_iri(f.focus.iri)} .")
            out.append(f"{s} {_iri(SH + 'resultSeverity')} {_iri(SH + f.severity)} .")
            out.append(f"{s} {_iri(SH + 'sourceShape')} {_iri(f.shape)} .")
            out.append(f"{s} {_iri(SH + 'sourceConstraintComponent')} {_iri(f.component)} .")
            for lang in sorted(f.message):  # every language the shape speaks
                if f.message.get(lang):
                    out.append(f"{s} {_iri(SH + 'resultMessage')} {_lang(f.message[lang], lang)} .")
            if f.value_term is not None:
                out.append(f"{s} {_iri(SH + 'value')} {_term(f.value_term)} .")
            if f.path and f.path.startswith("<") and f.path.count("<") == 1:
                out.append(f"{s} {_iri(SH + 'resultPath')} {f.path} .")
            out.append(f"{s} {_iri(IKG + 'checkKind')} {_lit(f.kind)} .")
            if f.focus.label:
                out.append(f"{s} {_iri(RDFS_LABEL)} {_lit(f.focus.label)} .")
            if f.provenance.document:
                out.append(f"{s} {_iri(IKG + 'inDocument')} {_iri(f.provenance.document)} .")
            if f.provenance.line_iri:
                out.append(f"{s} {_iri(PROV_DERIVED)} {_iri(f.provenance.line_iri)} .")
            if f.focus.output_iri:
                out.append(f"{s} {_iri(IKG + 'aboutOutput')} {_iri(f.focus.output_iri)} .")
            for c in [f.counterpart] if f.counterpart else []:  # the other language version
                out.append(f"{s} {_iri(IKG + 'counterpartDocument')} {_iri(c.document)} .")
                if c.line_iri:
                    out.append(f"{s} {_iri(IKG + 'counterpartLine')} {_iri(c.line_iri)} .")
        return ("\n".join(out) + "\n").encode("utf-8")


def _escape(s: str) -> str:
    return (
        s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )


def _iri(i: str) -> str:
    return f"<{i}>"


def _lit(v: str, dt: str | None = None) -> str:
    return f'"{_escape(v)}"' + (f"^^<{dt}>" if dt else "")


def _lang(v: str, lang: str) -> str:
    return f'"{_escape(v)}"@{lang}'


def _term(t: Identifier) -> str:
    if isinstance(t, Literal):
        if t.language:
            return _lang(str(t), t.language)
        return _lit(str(t), str(t.datatype) if t.datatype else None)
    return _iri(str(t))
