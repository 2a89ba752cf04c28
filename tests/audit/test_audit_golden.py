"""The golden audit of the corpus: exactly the findings a careful auditor expects
(tests/data/golden/ACP-22A14-4.zh.audit.yaml, written by reading the document), each on its line;
and a document with everything filled in and consistent audits clean."""

from __future__ import annotations

import yaml

from itukg.graph.audit import run_audit
from itukg.graph.store import open_store
from itukg.settings import Settings
from test_audit_fixtures import (  # noqa: F401
    CORPUS,
    CORPUS_SLUG,
    GOLDEN,
    clean_settings,
    corpus_settings,
)


def _audit(settings: Settings, **kw):
    store = open_store(settings, read_only=True)
    try:
        return run_audit(store, settings, store_report=False, **kw)
    finally:
        store.close()


def _matches(entry: dict, f, settings: Settings) -> bool:
    doc = settings.document_iri(CORPUS_SLUG)
    if (f.kind, f.severity, f.focus.output, f.provenance.line) != (
        entry["kind"], entry["severity"], entry["output"], entry["line"]
    ):
        return False
    if "value" in entry and f.value != str(entry["value"]):
        return False
    if "quote" in entry and f.provenance.quote != entry["quote"]:
        return False
    if "focus" in entry and f.focus.iri != f"{doc}/{entry['focus']}":
        return False
    if "value_iri" in entry and str(f.value_term) != settings.base_iri + entry["value_iri"]:
        return False
    return True


def test_the_corpus_audit_is_exactly_the_golden_set(corpus_settings: Settings) -> None:
    golden = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
    report = _audit(corpus_settings)
    unmatched = list(report.findings)
    missing = []
    for entry in golden["findings"]:
        hits = [f for f in unmatched if _matches(entry, f, corpus_settings)]
        if len(hits) != 1:
            missing.append((entry, len(hits)))
            continue
        unmatched.remove(hits[0])
    extra = [(f.kind, f.focus.label, f.value, f.provenance.line) for f in unmatched]
    assert not missing, f"golden findings not reported exactly once: {missing}"
    assert not extra, f"findings the golden set does not expect: {extra}"
    assert report.conforms is golden["conforms"]
    by_kind = report.counts()["by_kind"]
    assert by_kind["regional-slot-empty"] == 24  # 4 outputs x 6 regions
    assert by_kind["question-placeholder"] == 4


def test_every_finding_points_at_its_line_in_the_source_file(corpus_settings: Settings) -> None:
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    report = _audit(corpus_settings)
    assert report.findings
    for f in report.findings:
        p = f.provenance
        assert p.line and p.text is not None, f.id
        assert lines[p.line - 1].rstrip("\r") == p.text, (f.kind, p.line)
        if p.quote:
            assert p.quote in p.text
        assert p.file == CORPUS.name and p.identifier == "ACP/22A14/4"
        assert p.section and p.section.startswith(f"output/{f.focus.output}")
        assert p.line_iri == f"{p.document}/line/{p.line}"


def test_findings_carry_messages_focus_labels_and_values(corpus_settings: Settings) -> None:
    report = _audit(corpus_settings)
    body = [f for f in report.findings if f.kind == "citation-body-conference"]
    assert len(body) == 1
    f = body[0]
    assert f.severity == "Violation"
    assert "WTDC-14" in f.message["en"] and "全权代表大会" in f.message["zh"]
    assert f.focus.label.startswith("output 4.1 · citation")
    assert f.focus.output_iri == corpus_settings.document_iri(CORPUS_SLUG) + "/output/4.1"
    slot = next(f for f in report.findings if f.kind == "regional-slot-empty")
    assert "Africa" in slot.focus.label and "非洲区域" in slot.focus.label
    unlisted = next(f for f in report.findings if f.kind == "background-unlisted")
    assert unlisted.value.startswith("PP Resolution 30")


def test_a_document_with_everything_filled_in_audits_clean(clean_settings: Settings) -> None:
    report = _audit(clean_settings)
    assert report.findings == [], [(f.kind, f.focus.label, f.value) for f in report.findings]
    assert report.conforms
    assert len(report.documents) == 1 and report.documents[0]["identifier"] == "ACP/99/1"


def test_the_clean_document_exercises_every_consistency_check(clean_settings: Settings) -> None:
    """Clean because it is right, not because there was nothing to check: it has filled slots,
    real Questions, a carried-over body, venue+year citations, a conference mention and dated
    programmes, each of which a check looked at."""
    store = open_store(clean_settings, read_only=True)
    try:
        res = store.query("""
            PREFIX ikg: <https://w3id.org/itukg/ontology#>
            SELECT (COUNT(DISTINCT ?i) AS ?initiatives) (COUNT(DISTINCT ?q) AS ?questions)
                   (COUNT(DISTINCT ?carried) AS ?carriedBodies) (COUNT(DISTINCT ?rev) AS ?revisions)
                   (COUNT(DISTINCT ?m) AS ?mentions) (COUNT(DISTINCT ?p) AS ?dated) WHERE {
              { ?s ikg:holdsInitiative ?i } UNION { ?s ikg:holdsQuestion ?q }
              UNION { ?carried ikg:bodyImplicit true ; ikg:revisionConference ?c1 }
              UNION { ?rev ikg:revisionConference ?c2 }
              UNION { ?m ikg:mentionsConference ?c3 } UNION { ?p ikg:yearAsWritten ?y }
            }""")
    finally:
        store.close()
    (row,) = res.rows
    counts = dict(zip(res.variables, (int(v) for v in row)))
    assert counts["initiatives"] == 12 and counts["questions"] == 3, counts
    assert counts["carriedBodies"] >= 1 and counts["revisions"] >= 4, counts
    assert counts["mentions"] >= 1 and counts["dated"] >= 2, counts
