"""Issue 10 (part 5): UN conferences that are not ITU conferences, named in the text, are
mentions of their own (ikg:UNConferenceMention → ikg:UNConference), never conference mentions
(which the audit checks against the PP and WTDC conferences)."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from itukg.graph.documents import parse_text
from itukg.graph.mapping.mapper import document_ntriples
from itukg.graph.mapping.reference import reference_ntriples

ROOT = Path(__file__).resolve().parents[2]
EN = ROOT / "tests/data/docs/ACP-TEST-EN.en.txt"
TABLE = ROOT / "graph/mapping/reference/programmes/un_conferences.csv"
B = "https://w3id.org/itukg/"
IKG = "https://w3id.org/itukg/ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LINE = ("In 2010, WTDC (Hyderabad, 2010) approved the inclusion of LLDCs and countries with "
        "economies in transition in the programme. The Fourth UN Conference on LDCs adopted the "
        "Istanbul Programme of Action in 2011.")
MORE = (" The Third International Conference on Small Island Developing States (Apia, 2014), the "
        "Third International Conference on Financing for Development and the World Summit on the "
        "Information Society are named too.")


def _doc():
    text = EN.read_text(encoding="utf-8")
    assert LINE in text
    return parse_text(text.replace(LINE, LINE + MORE), EN.name)


def test_every_un_conference_of_the_line_is_a_mention_of_its_own():
    doc = _doc()
    blocks = doc.all_blocks()
    got = [(m.line, m.quote, m.key) for b in blocks for m in b.un_conference_mentions]
    assert got == [
        (23, "Fourth UN Conference on LDCs", "ldc4"),
        (23, "Third International Conference on Small Island Developing States", "sids3"),
        (23, "Third International Conference on Financing for Development", "ffd3"),
        (23, "World Summit on the Information Society", "wsis"),
    ]
    # the one ITU conference of the line stays a conference mention; the UN ones are not
    assert [(m.quote, m.conference) for b in blocks for m in b.conference_mentions
            if m.line == 23] == [("WTDC (Hyderabad, 2010)", "wtdc-10")]
    # a country group named inside a conference's name is still a mention of the group
    assert (23, "LDCs", "ldc") in {(m.line, m.quote, m.key) for b in blocks
                                   for m in b.country_group_mentions}
    assert not [w for w in doc.warnings if w.line == 23]


def test_the_mention_is_in_the_graph_with_its_quote_and_line():
    doc = _doc()
    nt = document_ntriples(doc, B).decode()
    doc_iri = f"{B}id/doc/{doc.slug}"
    derived = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
    men = [ln.split(" ")[0] for ln in nt.splitlines()
           if f"<{IKG}mentionsUNConference> <{B}id/un-conference/ldc4>" in ln]
    assert len(men) == 1
    m = men[0]
    assert m.startswith(f"<{doc_iri}/mention/L23-")
    assert f"{m} {RDF_TYPE} <{IKG}UNConferenceMention> ." in nt
    assert f'{m} <{IKG}quote> "Fourth UN Conference on LDCs" .' in nt
    assert f"{m} {derived} <{doc_iri}/line/23> ." in nt
    assert f"{m} {RDF_TYPE} <{IKG}ConferenceMention> ." not in nt
    # provenance: a link assertion per mention, with the quote and the source line
    links = [ln.split(" ")[0] for ln in nt.splitlines()
             if ln.endswith(f"<{IKG}mentionsUNConference> .")]
    assert len(links) == 4
    (a,) = [x for x in links if f"{x} <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> {m} ."
            in nt]
    assert f'{a} <{IKG}asWritten> "Fourth UN Conference on LDCs" .' in nt
    assert f"{a} {derived} <{doc_iri}/line/23> ." in nt


def test_every_key_of_the_language_tables_is_in_the_reference_table():
    ids = {r["id"] for r in csv.DictReader(TABLE.open(encoding="utf-8", newline=""))}
    for code in ("zh", "en"):
        table = yaml.safe_load((ROOT / f"graph/documents/lang/{code}.yaml").read_text(
            encoding="utf-8"))
        assert set(table["un_conferences"]) <= ids, code


def test_the_reference_graph_holds_un_conferences_not_itu_conferences():
    nt = reference_ntriples(B).decode()
    for key in ("ffd3", "ldc4", "sids3", "wsis"):
        s = f"<{B}id/un-conference/{key}>"
        assert f"{s} {RDF_TYPE} <{IKG}UNConference> ." in nt
        assert f"{s} {RDF_TYPE} <{IKG}Conference> ." not in nt
    ffd3, ldc4, wsis = (f"<{B}id/un-conference/{k}>" for k in ("ffd3", "ldc4", "wsis"))
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    assert f'{ffd3} {label} "第三次发展筹资问题国际会议"@zh .' in nt  # as the corpus writes it
    assert not [ln for ln in nt.splitlines() if ln.startswith(f"{ldc4} {label}")
                and ln.endswith("@zh .")]  # UNVERIFIED: no Chinese label
    assert f'{ffd3} <{IKG}year> "2015"^^<http://www.w3.org/2001/XMLSchema#integer> .' in nt
    assert not [ln for ln in nt.splitlines() if ln.startswith(f"{wsis} <{IKG}year>")]  # phases


def test_a_bare_unga_symbol_is_not_read_as_a_citation():
    """Decision 0107: "A/RES/70/125" without the word resolution stays a programme mention (the
    symbol is in the programme table), even with "General Assembly" in the sentence."""
    text = EN.read_text(encoding="utf-8").replace(
        LINE, "The General Assembly, in A/RES/70/125, reviewed WSIS. " + LINE)
    doc = parse_text(text, EN.name)
    blocks = doc.all_blocks()
    assert not [c for b in blocks for c in b.citations if c.line == 23]
    assert ("A/RES/70/125", "a-res-70-125") in {(m.quote, m.key) for b in blocks
                                                for m in b.programme_mentions if m.line == 23}
