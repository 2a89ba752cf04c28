"""Golden test: the parser on the corpus document against facts written by reading it.

The expected facts live in tests/data/golden/ACP-22A14-4.zh.expected.yaml (written by hand, not
computed). Comparisons are on sets, so a missing or an extra fact fails with the difference.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from itukg.graph.documents import parse_file

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = yaml.safe_load(
    (ROOT / "tests/data/golden/ACP-22A14-4.zh.expected.yaml").read_text(encoding="utf-8")
)
OUTPUT_CODES = sorted(GOLDEN["outputs"])


@pytest.fixture(scope="module")
def doc():
    return parse_file(ROOT / GOLDEN["source"])


def test_header_and_objective(doc):
    assert doc.symbol == GOLDEN["symbol"]
    assert doc.marker == GOLDEN["marker"]
    assert doc.language == GOLDEN["language"]
    assert doc.slug == GOLDEN["slug"]
    assert doc.line_count == GOLDEN["line_count"]
    assert doc.objective.code == GOLDEN["objective"]["code"]
    assert doc.objective.title == GOLDEN["objective"]["title"]
    assert doc.objective.line == GOLDEN["objective"]["line"]


def test_outcomes_and_indicators(doc):
    got = {(oc.code, oc.text, tuple(i.text for i in oc.indicators)) for oc in doc.outcomes}
    want = {(o["code"], o["text"], tuple(o["indicators"])) for o in GOLDEN["outcomes"]}
    assert got == want
    for oc in doc.outcomes:  # ordinals are 1..k in table order
        assert [i.ordinal for i in oc.indicators] == list(range(1, len(oc.indicators) + 1))


def test_outputs_titles_and_lines(doc):
    assert sorted(o.code for o in doc.outputs) == OUTPUT_CODES
    for o in doc.outputs:
        g = GOLDEN["outputs"][o.code]
        assert (o.title, o.short_title) == (g["title"], g["short_title"])
        assert (o.heading_line, o.table_line) == (g["heading_line"], g["table_line"])


@pytest.mark.parametrize("code", OUTPUT_CODES)
def test_formal_resolutions(doc, code):
    g = GOLDEN["outputs"][code]
    o = doc.output(code)
    got = {(c.body, c.number) for c in o.formal_citations}
    assert got == {(b, n) for b, n in g["resolutions"]}
    assert {c.line for c in o.formal_citations} == {g["resolutions_line"]}
    assert {c.role for c in o.formal_citations} == {"FormalReferenceRole"}
    assert {c.resolution for c in o.formal_citations} == {f"{b}/{n}" for b, n in g["resolutions"]}


@pytest.mark.parametrize("code", OUTPUT_CODES)
def test_wsis_and_sdg(doc, code):
    g = GOLDEN["outputs"][code]
    o = doc.output(code)
    assert {w.value for w in o.wsis} == set(g["wsis"])
    assert {(t.value, t.as_written) for t in o.targets} == {tuple(t) for t in g["targets"]}
    assert {gl.value for gl in o.goals} == set(g["goals"])
    assert {t.line for t in o.targets} | {gl.line for gl in o.goals} == {g["sdg_line"]}


@pytest.mark.parametrize("code", OUTPUT_CODES)
def test_regional_slots(doc, code):
    g = GOLDEN["outputs"][code]
    o = doc.output(code)
    got_empty = {(s.region, s.line) for s in o.regional_slots if s.empty}
    assert got_empty == set(g["empty_regions"].items())
    assert not [s for s in o.regional_slots if not s.empty]


@pytest.mark.parametrize("code", OUTPUT_CODES)
def test_question_slots(doc, code):
    g = GOLDEN["outputs"][code]
    o = doc.output(code)
    got = {(q.line, q.text_as_written) for q in o.question_slots if q.is_placeholder}
    assert got == {tuple(x) for x in g["question_placeholders"]}
    assert {q.code for q in o.question_slots if not q.is_placeholder} == set(g["real_questions"])


@pytest.mark.parametrize("code", OUTPUT_CODES)
def test_background_and_project(doc, code):
    g = GOLDEN["outputs"][code]
    o = doc.output(code)
    assert [b.lines[0] for b in o.background] == g["background_paragraphs"]
    assert o.project.title == g["project"]
    assert [a.lines[0] for a in o.project.activities] == g["activity_lines"]


def test_citations_as_written(doc):
    got = {
        (c.line, c.role, c.quote, c.body_as_written, c.body, c.body_implicit,
         c.number_as_written, c.year, c.venue_as_written, c.venue, c.is_revision,
         c.resolution, c.rule, c.conference)
        for c in doc.all_citations() if c.role != "FormalReferenceRole"
    }
    assert got == {tuple(x) for x in GOLDEN["citations"]}


def test_conference_and_programme_mentions(doc):
    blocks = doc.all_blocks()
    conf = {(m.line, m.quote, m.body_as_written, m.venue_as_written, m.venue, m.year, m.conference)
            for b in blocks for m in b.conference_mentions}
    assert conf == {tuple(x) for x in GOLDEN["conference_mentions"]}
    progs = {(m.line, m.quote, m.key, m.year_as_written)
             for b in blocks for m in b.programme_mentions}
    assert progs == {tuple(x) for x in GOLDEN["programme_mentions"]}


def test_footnote(doc):
    want = GOLDEN["footnotes"]
    assert [f.number for f in doc.footnotes] == [w["number"] for w in want]
    for fn, w in zip(doc.footnotes, want):
        assert (fn.body_of, fn.ref_line, fn.lines) == (w["body_of"], w["ref_line"], w["lines"])
        assert fn.text.startswith(w["starts_with"]) and fn.text.endswith(w["ends_with"])
        for piece in w["contains"]:
            assert piece in fn.text
    o = doc.output(want[0]["output"])
    (act,) = [a for a in o.project.activities if a.footnotes]
    # the activity references footnote 1, whose body holds notes 1, 2 and 3
    assert act.text == want[0]["activity"] and act.footnotes == [w["number"] for w in want]
    assert "[footnoteRef" not in act.text
    # footnote citations belong to the output that references the footnote
    assert {c.line for c in o.citations() if c.role == "FootnoteRole"} == {47}


def test_country_groups_and_dates(doc):
    """Issue 10: the country groups the text names and the dates its background states."""
    blocks = doc.all_blocks()
    assert {(m.line, m.quote, m.key) for b in blocks for m in b.country_group_mentions} == {
        tuple(x) for x in GOLDEN["country_group_mentions"]}
    assert {(m.line, m.quote, m.iso) for b in blocks for m in b.date_mentions} == {
        tuple(x) for x in GOLDEN["date_mentions"]}
    # a year written with a programme ("2011年《伊斯坦布尔行动纲领》") or in a citation is not one
    assert not {m.line for b in blocks for m in b.date_mentions} & {33, 37, 53}


def test_un_conferences_are_mentions_of_their_own(doc):
    """Issue 10: UN conferences that are not ITU conferences are not conference mentions."""
    blocks = doc.all_blocks()
    assert {(m.line, m.quote, m.key) for b in blocks for m in b.un_conference_mentions} == {
        tuple(x) for x in GOLDEN["un_conference_mentions"]}
    assert {m.line for b in blocks for m in b.conference_mentions} == {
        x[0] for x in GOLDEN["conference_mentions"]}


def test_no_warnings_on_the_corpus(doc):
    assert [str(w) for w in doc.warnings] == GOLDEN["warnings"]


def test_bookmark_stripped_but_raw_line_kept(doc):
    (ln,) = [ln for ln in doc.lines if "[bookmark:" in ln.raw]
    assert "[bookmark:" not in ln.text
    assert ln.section == "output/4.3/references"


def test_summary_counts_match_the_golden_sets(doc):
    s = doc.summary()
    outs = GOLDEN["outputs"].values()
    assert s["objective"] == {"code": "4", "title": GOLDEN["objective"]["title"]}
    assert s["outcomes"] == len(GOLDEN["outcomes"])
    assert s["indicators"] == sum(len(o["indicators"]) for o in GOLDEN["outcomes"])
    assert s["outputs"] == len(GOLDEN["outputs"])
    links = s["links"]
    assert links["resolutions"] == sum(len(o["resolutions"]) for o in outs)
    assert links["wsis"] == sum(len(o["wsis"]) for o in outs)
    assert links["sdg_targets"] == sum(len(o["targets"]) for o in outs)
    assert links["sdg_goals"] == sum(len(o["goals"]) for o in outs)
    assert links["regional_slots_empty"] == sum(len(o["empty_regions"]) for o in outs)
    assert links["regional_slots_filled"] == 0
    assert links["question_slots_placeholder"] == sum(len(o["question_placeholders"]) for o in outs)
    assert links["question_slots_real"] == 0
    assert links["background_citations"] == sum(
        1 for c in GOLDEN["citations"] if c[1] == "BackgroundRole")
    assert links["programme_mentions"] == len(GOLDEN["programme_mentions"])
    assert links["footnotes"] == len(GOLDEN["footnotes"])


def test_section_keys(doc):
    sec = {ln.number: ln.section for ln in doc.lines}
    assert sec[1] == "header" and sec[2] == "objective" and sec[9] == "results"
    assert sec[31] == "output/4.1"
    assert sec[33] == "output/4.1/background"
    assert sec[42] == "output/4.1/implementation"
    assert sec[47] == "footnotes"
    assert sec[56] == "output/4.1/regional-initiatives"
    assert sec[83] == "output/4.1/questions"
    assert sec[94] == "output/4.1/references"
