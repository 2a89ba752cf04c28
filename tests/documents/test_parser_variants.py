"""Variant documents (tests/data/docs/*.txt) against their hand-written expected facts
(tests/data/docs/*.expected.yaml): English, filled regional initiatives, real Questions, missing
sections, odd spacing and punctuation. Sets are compared, not counts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from itukg.graph.documents import parse_file

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"
CASES = sorted(p.name[: -len(".expected.yaml")] for p in DOCS.glob("*.expected.yaml"))


def _load(name):
    exp = yaml.safe_load((DOCS / f"{name}.expected.yaml").read_text(encoding="utf-8"))
    return parse_file(DOCS / f"{name}.txt"), exp


@pytest.fixture(scope="module", params=CASES)
def case(request):
    return _load(request.param)


def test_cases_exist():
    assert {"ACP-TEST-EN.en", "filled-regional.zh", "real-questions.zh", "missing-section.zh",
            "odd-spacing.zh", "unknown-heading.en", "dash-variants.en",
            "multi-note-footnote.en"} <= set(CASES)


def test_header_objective_outcomes(case):
    doc, exp = case
    assert (doc.symbol, doc.language, doc.slug, doc.marker) == (
        exp["symbol"], exp["language"], exp["slug"], exp["marker"])
    assert [doc.objective.code, doc.objective.title] == exp["objective"]
    assert {oc.code: [i.text for i in oc.indicators] for oc in doc.outcomes} == exp["outcomes"]


def test_outputs(case):
    doc, exp = case
    assert sorted(o.code for o in doc.outputs) == sorted(exp["outputs"])
    for o in doc.outputs:
        e = exp["outputs"][o.code]
        assert (o.title, o.short_title) == (e["title"], e["short_title"]), o.code
        assert (o.project.title if o.project else None) == e["project"]
        assert (len(o.project.activities) if o.project else 0) == e["activities"]
        assert {(c.body, c.number) for c in o.formal_citations} == {tuple(x) for x in e["resolutions"]}
        assert {w.value for w in o.wsis} == set(e["wsis"])
        assert {(t.value, t.as_written, t.listed_under_goal) for t in o.targets} == {
            tuple(x) for x in e["targets"]}
        assert {g.value for g in o.goals} == set(e["goals"])
        assert {s.region: [i.text for i in s.initiatives] for s in o.regional_slots} == e["regions"]
        assert {(q.line, q.text_as_written, q.code) for q in o.question_slots} == {
            tuple(x) for x in e["questions"]}


def test_citations(case):
    doc, exp = case
    got = {
        (c.line, c.role, c.quote, c.body_as_written, c.body, c.body_implicit, c.number_as_written,
         c.year, c.venue_as_written, c.venue, c.is_revision, c.resolution, c.rule, c.conference)
        for c in doc.all_citations() if c.role != "FormalReferenceRole"
    }
    assert got == {tuple(x) for x in exp["citations"]}


def test_mentions_and_footnotes(case):
    doc, exp = case
    blocks = doc.all_blocks()
    assert {(m.line, m.quote, m.conference) for b in blocks for m in b.conference_mentions} == {
        tuple(x) for x in exp["conference_mentions"]}
    assert {(m.line, m.quote, m.key, m.year_as_written)
            for b in blocks for m in b.programme_mentions} == {
        tuple(x) for x in exp["programme_mentions"]}
    assert [[f.number, f.ref_line, f.lines] for f in doc.footnotes] == exp["footnotes"]


def test_warnings(case):
    doc, exp = case
    got = [(w.line, w.message) for w in doc.warnings]
    assert len(got) == len(exp["warnings"]), got
    for line, fragment in exp["warnings"]:
        assert any(n == line and fragment in m for n, m in got), (line, fragment, got)
    assert all(w.source == doc.source for w in doc.warnings)


def test_filled_slots_map_to_initiatives():
    from itukg.graph.mapping.mapper import document_ntriples

    doc, _ = _load("filled-regional.zh")
    nt = document_ntriples(doc, "https://w3id.org/itukg/").decode()
    d = "https://w3id.org/itukg/id/doc/wtdc-21-22-add-10-zh"
    hold = "<https://w3id.org/itukg/ontology#holdsInitiative>"
    assert f"<{d}/output/2.1/region/africa> {hold} <{d}/output/2.1/region/africa/initiative/2> ." in nt
    assert f"<{d}/output/2.1/region/americas> {hold}" not in nt
    s = doc.summary()["links"]
    assert (s["regional_slots_filled"], s["regional_slots_empty"], s["regional_initiatives"]) == (4, 2, 5)


def test_real_questions_map_to_question_resources():
    from itukg.graph.mapping.mapper import document_ntriples

    doc, _ = _load("real-questions.zh")
    nt = document_ntriples(doc, "https://w3id.org/itukg/").decode()
    q = "<https://w3id.org/itukg/id/question/1-1>"
    assert f'{q} <https://w3id.org/itukg/ontology#code> "1/1" .' in nt
    assert f"<https://w3id.org/itukg/ontology#holdsQuestion> {q} ." in nt
    s = doc.summary()["links"]
    assert (s["question_slots_real"], s["question_slots_placeholder"]) == (3, 1)


def test_country_groups_and_dates(case):
    doc, exp = case
    blocks = doc.all_blocks()
    assert {(m.line, m.quote, m.key) for b in blocks for m in b.country_group_mentions} == {
        tuple(x) for x in exp["country_group_mentions"]}
    assert {(m.line, m.quote, m.iso) for b in blocks for m in b.date_mentions} == {
        tuple(x) for x in exp["date_mentions"]}
    assert {(m.line, m.quote, m.key) for b in blocks for m in b.un_conference_mentions} == {
        tuple(x) for x in exp["un_conference_mentions"]}
