"""Issue 10, parts 4 and 5: a reader that does not break on wording, and the facts a careful
reader sees. Fixtures in tests/data/docs/ (unknown-heading, dash-variants, multi-note-footnote,
duplicate-output; their expected records are checked by test_parser_variants.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from itukg.graph.documents import load_language, parse_file, parse_text
from itukg.graph.documents.lines import BULLETS, DASHES
from itukg.graph.mapping.mapper import document_ntriples

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"
EN = (DOCS / "ACP-TEST-EN.en.txt").read_text(encoding="utf-8")
BASE = "https://w3id.org/itukg/"
IKG = "https://w3id.org/itukg/ontology#"


def _links(doc):
    return {o.code: (sorted((c.body, c.number) for c in o.formal_citations),
                     sorted(w.value for w in o.wsis), sorted(t.value for t in o.targets))
            for o in doc.outputs}


def test_an_unknown_references_heading_still_yields_the_links_with_a_warning():
    known = parse_file(DOCS / "ACP-TEST-EN.en.txt")
    doc = parse_file(DOCS / "unknown-heading.en.txt")
    assert _links(doc) == _links(known)
    assert sum(len(o.formal_citations) + len(o.wsis) for o in doc.outputs) == 12
    (w,) = doc.warnings
    assert (w.source, w.line) == ("unknown-heading.en.txt", 69)
    assert "read as the references" in w.message and "Mandate, action lines" in w.message


def test_the_references_phrasing_of_english_documents_is_known():
    L = load_language("en")
    assert L.headings["references"].match(
        "References to WTDC resolutions, WSIS action lines and SDGs")


def test_a_numbered_line_is_not_the_references_out_of_place():
    # "3" right after the background (no implementation framework yet) is not in the place of
    # the references, nor a sentence after the implementation framework
    text = EN.replace("2\tImplementation framework\nProject: Concentrated",
                      "2\tImplementation framework\n3\tcountries will be assisted first.\n"
                      "Project: Concentrated", 1)
    doc = parse_text(text, "x.en.txt")
    assert not any("read as the references" in w.message for w in doc.warnings)
    assert _links(doc) == _links(parse_file(DOCS / "ACP-TEST-EN.en.txt"))


@pytest.mark.parametrize("lang", ["ar", "en", "es", "fr", "ru", "zh"])
@pytest.mark.parametrize("ch", list(DASHES + BULLETS))
def test_every_dash_and_bullet_character_starts_a_bullet(lang, ch):
    L = load_language(lang)
    for p in (L.indicator_bullet, L.bullet, L.initiative_bullet):
        assert p.match(f"{ch} an item"), (lang, hex(ord(ch)))


def test_dash_variants_keep_every_indicator():
    doc = parse_file(DOCS / "dash-variants.en.txt")
    assert [len(oc.indicators) for oc in doc.outcomes] == [2, 2]
    assert [o.code for o in doc.outputs] == ["4.1", "4.2"]
    assert [len(o.project.activities) for o in doc.outputs] == [2, 2]
    assert doc.warnings == []


def test_a_footnote_body_with_several_notes_is_split():
    doc = parse_file(DOCS / "multi-note-footnote.en.txt")
    assert [(f.number, f.body_of, f.lines) for f in doc.footnotes] == [
        (1, None, [30]), (2, 1, [31]), (3, 1, [32])]
    assert doc.footnotes[2].text == "Addis Ababa Action Agenda, adopted in July 2015:"
    nt = document_ntriples(doc, BASE).decode()
    d = f"{BASE}id/doc/acp-22a14-4-en"
    act = f"<{d}/output/4.1/project/activity/2>"
    for k in (1, 2, 3):
        assert f"{act} <{IKG}hasFootnote> <{d}/footnote/{k}> ." in nt
    # every note is referenced, as written, by footnote 1's reference
    assert nt.count(f'<{IKG}asWritten> "[footnoteRef:1]" .') == 3


def test_two_sections_of_one_output_are_a_warning_with_both_lines():
    doc = parse_file(DOCS / "duplicate-output.en.txt")
    msgs = [(w.line, w.message) for w in doc.warnings]
    assert (76, "second section for output 4.1 (lines 20 and 76); its content is added to the "
                "first") in msgs
    assert (17, "output 4.2 is in the results table but has no section") in msgs


def test_a_line_read_as_a_header_continuation_is_said():
    text = EN.replace("(products and services)\n", "(products and services)\nservices list\n", 1)
    doc = parse_text(text, "x.en.txt")
    assert [(w.line, w.message) for w in doc.warnings] == [
        (7, "read as a continuation of the results-table header, not as a row: services list")]


def test_every_non_blank_line_is_placed_or_warned():
    for name in ("ACP-TEST-EN.en.txt", "unknown-heading.en.txt", "dash-variants.en.txt",
                 "multi-note-footnote.en.txt", "duplicate-output.en.txt"):
        doc = parse_file(DOCS / name)
        warned = {w.line for w in doc.warnings}
        for ln in doc.lines:
            if ln.raw.strip():
                assert ln.section is not None or ln.number in warned, (name, ln.number)


def test_country_groups_and_dates_in_the_graph():
    doc = parse_file(DOCS / "multi-note-footnote.en.txt")
    nt = document_ntriples(doc, BASE).decode()
    d = f"{BASE}id/doc/acp-22a14-4-en"
    m = f"<{d}/mention/L22-"
    assert f"<{IKG}mentionsCountryGroup> <{BASE}id/country-group/eit> ." in nt
    assert any(line.startswith(m) and line.endswith(
        f"<{IKG}mentionsCountryGroup> <{BASE}id/country-group/ldc> .") for line in nt.splitlines())
    assert (f'<{IKG}statedDate> "2015-07"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> .'
            in nt)
    assert f'<{IKG}statedDate> "2010"^^<http://www.w3.org/2001/XMLSchema#gYear> .' in nt


def test_the_goal_a_target_was_listed_under_is_on_its_link_assertion():
    text = EN.replace("9 (targets 9.a, 9c)", "9 (targets 9.a, 9c), 17 (target 1.5)", 1)
    doc = parse_text(text, "x.en.txt")
    o = doc.output("4.1")
    assert {(t.value, t.listed_under_goal) for t in o.targets} >= {("1.5", "1"), ("1.5", "17")}
    nt = document_ntriples(doc, BASE).decode()
    under = [line for line in nt.splitlines() if f"<{IKG}listedUnderGoal>" in line]
    la = {line.split()[0] for line in under if line.endswith("<http://metadata.un.org/sdg/17> .")}
    assert len(la) == 1
    (la,) = la
    assert f"{la} <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> <http://metadata.un.org/sdg/1.5> ." in nt
    assert f"{la} <{IKG}listedUnderGoal> <http://metadata.un.org/sdg/1> ." in nt


def test_an_unknown_chinese_references_heading_keeps_output_4_4_s_links():
    """The corpus with output 4.4's heading "3\\tWTDC决议参考资料、…" in other words: its mandate, WSIS
    lines and SDG targets are still read (the audit would otherwise say it has none)."""
    corpus = Path(__file__).resolve().parents[2] / "corpus" / "ACP-22A14-4.zh.txt"
    lines = corpus.read_text(encoding="utf-8").split("\n")
    assert lines[256].startswith("3\tWTDC决议参考资料")
    lines[256] = "3\t本输出成果的依据、行动方面和目标"
    doc = parse_text("\n".join(lines), "ACP-22A14-4.zh.txt")
    assert _links(doc) == _links(parse_file(corpus))
    o = doc.output("4.4")
    assert o.formal_citations and o.wsis and o.targets
    assert [(w.line, "read as the references" in w.message) for w in doc.warnings] == [(257, True)]
