"""Amendments (issue 10 part 2): a Word file's tracked changes and a text export's marks become
amendment records; the graph links the document as proposed; links only the text before the
proposal made are ikg:RemovedLink, never asserted on the output."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from docx_fixtures import amend, docx_from_text
from itukg.graph.documents import parse_file, parse_text
from itukg.graph.mapping.mapper import document_ntriples

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus/ACP-22A14-4.zh.txt"
B = "https://w3id.org/itukg/"
IKG = Namespace("https://w3id.org/itukg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SDG = "http://metadata.un.org/sdg/"
O41 = URIRef(f"{B}id/doc/acp-22a14-4-zh/output/4.1")


@pytest.fixture(scope="module")
def proposal(tmp_path_factory):
    """The corpus as a Word file, amended by Alice and Bob: WTDC 16 → 17, WSIS C7 withdrawn,
    target 1.5 withdrawn and 3.d added (all output 4.1)."""
    tmp = tmp_path_factory.mktemp("amend")
    src = docx_from_text(CORPUS.read_text(encoding="utf-8"), tmp / "c.docx")
    d = docx.Document(str(src))
    amend(d, "落实WTDC第16号决议", "落实WTDC第17号决议", "Alice", "2026-11-01T09:00:00Z")
    amend(d, "、C6和C7", "和C6", "Bob", "2026-11-02T10:00:00Z")
    amend(d, "1（目标1.4、1.5）、3（目标3.9）", "1（目标1.4）、3（目标3.9、3.d）", "Bob",
          "2026-11-02T10:05:00Z")
    path = tmp / "ACP-22A14-4.zh.docx"
    d.save(str(path))
    doc = parse_file(path)
    g = Graph()
    g.parse(data=document_ntriples(doc, B).decode("utf-8"), format="nt")
    return doc, g, path


def _sdg(goal_target: str) -> URIRef:
    return URIRef(SDG + goal_target)


def test_the_graph_links_the_document_as_proposed(proposal):
    _, g, _ = proposal
    res = set(g.objects(O41, IKG.mandatedBy))
    assert URIRef(f"{B}id/resolution/wtdc/17") in res
    assert URIRef(f"{B}id/resolution/wtdc/16") not in res
    wsis = {str(o).rsplit("/", 1)[1] for o in g.objects(O41, IKG.supportsActionLine)}
    assert wsis == {"C2", "C6"}
    targets = set(g.objects(O41, IKG.servesTarget))
    assert _sdg("3.d") in targets and _sdg("1.5") not in targets and _sdg("1.4") in targets


def test_amendment_records_have_kind_author_date_text_and_source_line(proposal):
    doc, g, _ = proposal
    rows = sorted((str(g.value(a, IKG.amendmentKind)), str(g.value(a, IKG.amendmentAuthor)),
                   str(g.value(a, IKG.amendmentDate)), str(g.value(a, IKG.amendedText)))
                  for a in g.subjects(RDF.type, IKG.Amendment)
                  if g.value(a, IKG.amendmentMark).toPython() == "word")
    assert rows == sorted([
        ("delete", "Alice", "2026-11-01T09:00:00Z", "落实WTDC第16号决议"),
        ("insert", "Alice", "2026-11-01T09:00:00Z", "落实WTDC第17号决议"),
        ("delete", "Bob", "2026-11-02T10:00:00Z", "、C6和C7"),
        ("insert", "Bob", "2026-11-02T10:00:00Z", "和C6"),
        ("delete", "Bob", "2026-11-02T10:05:00Z", "1（目标1.4、1.5）、3（目标3.9）"),
        ("insert", "Bob", "2026-11-02T10:05:00Z", "1（目标1.4）、3（目标3.9、3.d）"),
    ])
    for a in g.subjects(RDF.type, IKG.Amendment):
        line = g.value(a, PROV.wasDerivedFrom)
        assert (line, RDF.type, IKG.SourceLine) in g
        if str(g.value(a, IKG.amendmentMark)) == "word":
            assert g.value(a, IKG.wordLocator) is not None


def _adds(g, text):
    a = next(a for a in g.subjects(IKG.amendedText, None)
             if str(g.value(a, IKG.amendedText)) == text)
    return {(g.value(la, RDF.predicate), g.value(la, RDF.object)) for la in g.objects(a, IKG.adds)}


def test_insertions_add_only_the_links_the_text_before_did_not_make(proposal):
    _, g, _ = proposal
    assert _adds(g, "落实WTDC第17号决议") == {(IKG.mandatedBy,
                                            URIRef(f"{B}id/resolution/wtdc/17"))}
    # 1.4 and 3.9 are in the inserted text but were there before: not added
    assert _adds(g, "1（目标1.4）、3（目标3.9、3.d）") == {(IKG.servesTarget, _sdg("3.d"))}
    assert _adds(g, "和C6") == set()


def test_removed_links_are_not_in_force_and_hang_off_the_deletion(proposal):
    doc, g, _ = proposal
    removed = {(str(g.value(r, RDF.predicate)).rsplit("#", 1)[1], str(g.value(r, RDF.object)))
               for r in g.subjects(RDF.type, IKG.RemovedLink)}
    assert removed == {("mandatedBy", f"{B}id/resolution/wtdc/16"),
                       ("supportsActionLine", f"{B}id/wsis/C7"),
                       ("servesTarget", f"{SDG}1.5")}
    for r in g.subjects(RDF.type, IKG.RemovedLink):
        assert (g.value(r, RDF.subject), g.value(r, RDF.predicate), g.value(r, RDF.object)) \
            not in g  # never asserted on the output
        assert (r, RDF.type, IKG.LinkAssertion) not in g
        deletion = g.value(None, IKG.removes, r)
        assert str(g.value(deletion, IKG.amendmentKind)) == "delete"
        assert g.value(deletion, IKG.amendmentAuthor) is not None


def test_word_source_lines_carry_their_locator_and_sha_is_over_the_docx(proposal):
    doc, g, path = proposal
    import hashlib

    loc = {int(g.value(s, IKG.lineNumber)): str(o) for s, o in g.subject_objects(IKG.wordLocator)
           if (s, RDF.type, IKG.SourceLine) in g}
    assert loc[2] == "p1" and loc[90].startswith("p")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == doc.sha256


# -- text-export marks ---------------------------------------------------------------------------
def test_bracketed_insertion_leaves_the_text_and_is_an_insertion():
    doc = parse_file(CORPUS)
    assert "接受集中援助" in doc.outcomes[0].indicators[0].text
    [a] = doc.amendments
    assert (a.kind, a.mark, a.text, a.line) == ("insert", "brackets", "集中", 9)
    assert doc.lines[8].raw[a.span[0] - 1:a.span[1] + 1] == "[集中]"  # spans: the line as written


def test_add_and_sup_paragraphs_add_and_remove_links():
    text = CORPUS.read_text(encoding="utf-8").replace(
        "落实WSIS行动计划C2、C6和C7将支持输出成果4.1并有助于实现成果4.1\n",
        "SUP\n落实WSIS行动计划C2、C6和C7将支持输出成果4.1并有助于实现成果4.1\n"
        "ADD\n落实WSIS行动计划C2和C5将支持输出成果4.1并有助于实现成果4.1\n")
    doc = parse_text(text, "ACP-22A14-4.zh.txt")
    o = doc.output("4.1")
    assert {w.value for w in o.wsis} == {"C2", "C5"}
    marks = {(a.mark, a.kind): a for a in doc.amendments}
    assert {r.value for r in marks[("SUP", "delete")].removes} == {"C6", "C7"}
    g = Graph()
    g.parse(data=document_ntriples(doc, B).decode("utf-8"), format="nt")
    assert _adds(g, "落实WSIS行动计划C2和C5将支持输出成果4.1并有助于实现成果4.1") == {
        (IKG.supportsActionLine, URIRef(f"{B}id/wsis/C5"))}
    assert (O41, IKG.supportsActionLine, URIRef(f"{B}id/wsis/C7")) not in g
    assert not [w for w in doc.warnings if "SUP" in w.message or "ADD" in w.message]


def test_a_text_before_that_is_not_a_document_is_a_warning_and_the_proposal_is_built():
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    heads = [i for i, t in enumerate(lines) if t.startswith("输出成果4.")]
    for i in reversed(heads):  # every output added by the proposal: nothing before it
        lines.insert(i, "ADD")
    doc = parse_text("\n".join(lines), "ACP-22A14-4.zh.txt")
    assert len(doc.outputs) == 4 and doc.removed_links == []
    [w] = [w for w in doc.warnings if "before the proposal" in w.message]
    assert "no output section" in w.message
