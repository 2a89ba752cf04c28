"""From raw validation results to findings: the labels of the IRIs a finding names, which source
line represents it, the document and output it belongs to (docs/model.md)."""

from __future__ import annotations

import re
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from itukg.graph.audit.engine import _DOC_IRI, IKG, Dataset, RawResult
from itukg.graph.audit.report import Finding, Focus, Provenance, finding_iri
from itukg.graph.audit.shapes import ShapesBundle
from itukg.graph.reads.sparql import read_query
from itukg.graph.store import select_rows
from itukg.settings import Settings

_OUTPUT_SECTION = re.compile(r"^output/([^/]+)")


class Labeller:
    """Labels for IRIs that appear as values or regions (reference and ontology resources),
    looked up once per IRI."""

    def __init__(self, store: Any, settings: Settings):
        self.store = store
        self.settings = settings
        self.cache: dict[str, list[Literal]] = {}

    def _labels(self, iri: str) -> list[Literal]:
        if iri not in self.cache:
            rows = select_rows(self.store, read_query("audit/labels"),
                           [self.settings.reference_graph, self.settings.ontology_graph],
                           {"s": URIRef(iri)})
            self.cache[iri] = [r["label"] for r in rows if isinstance(r.get("label"), Literal)]
        return self.cache[iri]

    def titles(self, iri: str) -> dict[str, str]:
        """``{language: label}`` for every language the labels of ``iri`` have (the first label
        per language; a label without language counts as ``en``). Raises StoreError."""
        out: dict[str, str] = {}
        for lab in self._labels(iri):
            lang = (lab.language or "en").lower().split("-")[0]
            out.setdefault(lang, str(lab))
        return out

    def labels(self, iri: str) -> tuple[str | None, str | None]:
        """``(English, Chinese)`` labels of ``iri`` (the audit report's two message languages)."""
        titles = self.titles(iri)
        return titles.get("en"), titles.get("zh")

    def display(self, term: Identifier | None) -> str | None:
        if term is None:
            return None
        if isinstance(term, Literal):
            return str(term)
        iri = str(term)
        short = short_name(iri, self.settings.base_iri)
        en, zh = self.labels(iri)
        if iri.startswith("http://metadata.un.org/sdg/"):
            return short  # "SDG target 9.c": the code says it all
        if en and zh and zh != en:
            return f"{en} ({zh})"
        return en or zh or short


def short_name(iri: str, base: str) -> str:
    if iri.startswith("http://metadata.un.org/sdg/"):
        code = iri.rsplit("/", 1)[1]
        return f"SDG {'target' if '.' in code else 'goal'} {code}"
    if iri.startswith(base + "id/resolution/"):
        parts = iri[len(base + "id/resolution/"):].split("/")
        body = {"pp": "PP", "wtdc": "WTDC", "unga": "UNGA"}.get(parts[0], parts[0])
        if body == "UNGA" and len(parts) > 1:
            return f"UNGA resolution A/RES/{parts[1].replace('-', '/')}"
        return f"{body} Resolution {parts[1] if len(parts) > 1 else '?'}"
    if iri.startswith(IKG):
        return iri[len(IKG):]
    return iri.rsplit("/", 1)[-1] or iri


def _line_rank(row: dict[str, Identifier]) -> tuple:
    """Which row (source line) represents a finding: a link's line first, then a line in the
    output's own sections, then the smallest line number."""
    section = str(row.get("section") or "")
    n = row.get("lineNo")
    return (
        0 if row.get("linkLine") is not None else 1,
        0 if section.startswith("output/") else 1,
        int(n) if isinstance(n, Literal) else 1 << 30,
    )


def build_findings(
    raws: list[RawResult], rows_by_key: dict[tuple, list[dict[str, Identifier]]],
    bundle: ShapesBundle, dataset: Dataset, settings: Settings, labeller: Labeller,
) -> list[Finding]:
    """Findings from raw results and their report rows (see :func:`enrich_pattern`).

    The document is the prefix ``B id/doc/{slug}`` of the focus IRI; the output is the focus
    itself (an output) or the one whose section the focus's line is in (``output/{code}/...``),
    at ``D/output/{code}`` (docs/model.md)."""
    docs = {d["iri"]: d for d in dataset.documents}
    findings: dict[str, Finding] = {}
    for raw in raws:
        shape = bundle.shapes[raw.shape]
        rows = rows_by_key.get(raw.key()) or [{}]
        row = min(rows, key=_line_rank)
        facts: dict[str, Identifier] = {}
        for r in rows:  # the focus's own facts are the same on every row
            for k, v in r.items():
                facts.setdefault(k, v)
        fid = finding_iri(settings.base_iri, shape.kind, raw.focus, raw.path, raw.value)
        m = _DOC_IRI.match(raw.focus)
        doc_iri = m.group(1) if m else None
        doc = docs.get(doc_iri or "", {})
        section = str(row["section"]) if row.get("section") is not None else None
        type_ = shape.target_class[len(IKG):] if shape.target_class.startswith(IKG) else None
        code = str(facts["code"]) if facts.get("code") is not None else None
        output = code if type_ == "Output" else None
        if output is None and section:
            sm = _OUTPUT_SECTION.match(section)
            output = sm.group(1) if sm else None
        if type_ == "Output":
            output_iri: str | None = raw.focus
        elif output and doc_iri:
            output_iri = f"{doc_iri}/output/{output}"
        else:
            output_iri = None
        focus = Focus(
            iri=raw.focus, type=type_, code=code,
            label=_focus_label(type_, code, output, facts, labeller),
            output=output, output_iri=output_iri, document=doc.get("slug"),
        )
        line = row.get("lineNo")
        line_iri = row.get("linkLine") or row.get("ownLine")
        prov = Provenance(
            document=doc_iri, file=doc.get("file"), identifier=doc.get("identifier"),
            section=section, line=int(line) if isinstance(line, Literal) else None,
            line_iri=str(line_iri) if line_iri is not None else None,
            text=str(row["text"]) if row.get("text") is not None else None,
            quote=str(facts["quote"]) if facts.get("quote") is not None else None,
        )
        findings[fid] = Finding(
            id=fid, severity=shape.severity, kind=shape.kind, shape=shape.iri,
            check=dict(shape.name), message=dict(shape.message), focus=focus,
            component=shape.component, path=raw.path, value_term=raw.value,
            value=labeller.display(raw.value), provenance=prov,
        )
    return sorted(findings.values(), key=lambda f: f.sort_key)


def _focus_label(type_: str | None, code: str | None, output: str | None,
                 facts: dict[str, Identifier], labeller: Labeller) -> str:
    out = f"output {output}" if output else None

    def within(part: str) -> str:
        return f"{out} · {part}" if out else part

    if type_ == "Output":
        return f"output {code}" if code else "output"
    if type_ == "RegionalInitiativeSlot":
        region = facts.get("region")
        en, zh = labeller.labels(str(region)) if region is not None else (None, None)
        written = str(facts["regionAsWritten"]) if facts.get("regionAsWritten") is not None else zh
        name = en or written or "region"
        return within(f"{name} ({written})" if written and written != name else name)
    if type_ == "QuestionSlot":
        n = facts.get("ordinal")
        return within(f"Question slot {n}" if n is not None else "Question slot")
    if type_ in ("ResolutionCitation", "ConferenceMention", "ProgrammeMention"):
        what = {"ResolutionCitation": "citation", "ConferenceMention": "conference mention",
                "ProgrammeMention": "programme mention"}[type_]
        q = facts.get("quote")
        return within(f"{what} “{q}”" if q is not None else what)
    if type_ == "LinkAssertion":
        obj = facts.get("object")
        return within(f"link to {labeller.display(obj)}" if obj is not None else "link")
    return within(type_ or "resource")

