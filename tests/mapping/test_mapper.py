"""The mapper: N-Triples that both rdflib and pyoxigraph read, the model's IRIs and provenance,
and the golden facts of the corpus read back through SPARQL (values bound, never pasted)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import yaml
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF

from itukg.graph.mapping.mapper import document_ntriples, document_triples
from itukg.graph.documents import parse_file, parse_text

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus/ACP-22A14-4.zh.txt"
GOLDEN = yaml.safe_load(
    (ROOT / "tests/data/golden/ACP-22A14-4.zh.expected.yaml").read_text(encoding="utf-8")
)
BASE = "https://w3id.org/itukg/"
IKGNS = "https://w3id.org/itukg/ontology#"
IKG = Namespace(IKGNS)
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
SDG = Namespace("http://metadata.un.org/sdg/")
D = BASE + "id/doc/acp-22a14-4-zh"
PREFIXES = f"""
PREFIX ikg: <{IKGNS}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="module")
def doc():
    return parse_file(CORPUS)


@pytest.fixture(scope="module")
def nt(doc):
    return document_ntriples(doc, BASE)


@pytest.fixture(scope="module")
def store(nt):
    s = ox.Store()
    s.load(nt, ox.RdfFormat.N_TRIPLES)
    return s


@pytest.fixture(scope="module")
def graph(nt):
    g = rdflib.Graph()
    g.parse(data=nt, format="nt")
    return g


def select(store, query, **bind):
    subs = {ox.Variable(k): (ox.NamedNode(str(v)) if isinstance(v, URIRef) else ox.Literal(v))
            for k, v in bind.items()}
    return list(store.query(PREFIXES + query, substitutions=subs))


def test_both_engines_read_the_same_triples(nt, graph, store, doc):
    assert len(nt.splitlines()) == len(graph) == len(store)
    got = set(document_triples(doc, BASE))
    assert got == set(graph)


def test_output_is_stable_across_runs(nt):
    assert document_ntriples(parse_file(CORPUS), BASE) == nt


def test_base_iri_is_configurable_and_sdg_iris_are_not(doc):
    other = document_ntriples(doc, "http://example.org/kg/").decode()
    assert "<http://example.org/kg/id/doc/acp-22a14-4-zh>" in other
    assert "w3id.org/itukg/id/" not in other
    assert "<http://metadata.un.org/sdg/9.c>" in other
    with pytest.raises(ValueError):
        document_ntriples(doc, "http://example.org/no slash")


def test_why_does_output_42_serve_target_3a(store):
    """The provenance question of the issue, answered by SPARQL with bound values."""
    rows = select(store, """
        SELECT ?code ?target ?line ?text ?written ?section WHERE {
            ?output a ikg:Output ; ikg:code ?code .
            ?output ikg:servesTarget ?target .
            ?la a ikg:LinkAssertion ; rdf:subject ?output ; rdf:predicate ikg:servesTarget ;
                rdf:object ?target ; ikg:asWritten ?written ; prov:wasDerivedFrom ?l .
            ?l ikg:lineNumber ?line ; ikg:text ?text ; ikg:section ?section .
        }""", code="4.2", target=URIRef(SDG["3.a"]))
    assert len(rows) == 1
    r = rows[0]
    assert int(r["line"].value) == GOLDEN["outputs"]["4.2"]["sdg_line"]
    assert r["written"].value == "3.a"
    assert r["section"].value == "output/4.2/references"
    assert "3.a" in r["text"].value and r["text"].language == "zh"


def test_why_as_written_8a(store):
    rows = select(store, """
        SELECT ?code ?target ?written ?line WHERE {
            ?output ikg:code ?code ; ikg:servesTarget ?target .
            ?la rdf:subject ?output ; rdf:predicate ikg:servesTarget ; rdf:object ?target ;
                ikg:asWritten ?written ; prov:wasDerivedFrom/ikg:lineNumber ?line .
        }""", code="4.1", target=URIRef(SDG["8.a"]))
    assert [(r["written"].value, int(r["line"].value)) for r in rows] == [("8a", 94)]


@pytest.mark.parametrize("code", sorted(GOLDEN["outputs"]))
def test_formal_links_in_rdf_match_golden(store, code):
    g = GOLDEN["outputs"][code]
    out = URIRef(f"{D}/output/{code}")

    def objs(pred):
        return {r["o"].value for r in select(store, f"SELECT ?s ?o WHERE {{ ?s {pred} ?o }}", s=out)}

    assert objs("ikg:mandatedBy") == {f"{BASE}id/resolution/{b}/{n}" for b, n in g["resolutions"]}
    assert objs("ikg:supportsActionLine") == {f"{BASE}id/wsis/{w}" for w in g["wsis"]}
    assert objs("ikg:servesTarget") == {str(SDG[t]) for t, _ in g["targets"]}
    assert objs("ikg:servesGoal") == {str(SDG[x]) for x in g["goals"]}
    assert objs("ikg:servesOutcome") == {f"{D}/outcome/{code}"}
    # empty regional slots: a slot with no initiative
    rows = select(store, """
        SELECT ?s ?region ?line WHERE {
            ?s ikg:hasRegionalSlot ?slot . ?slot ikg:region ?region ;
                prov:wasDerivedFrom/ikg:lineNumber ?line .
            FILTER NOT EXISTS { ?slot ikg:holdsInitiative ?i }
        }""", s=out)
    assert {(r["region"].value.rsplit("/", 1)[1], int(r["line"].value)) for r in rows} == set(
        g["empty_regions"].items())
    rows = select(store, """
        SELECT ?s ?ph ?line WHERE {
            ?s ikg:hasQuestionSlot ?q . ?q ikg:isPlaceholder true ; ikg:placeholder ?ph ;
               prov:wasDerivedFrom/ikg:lineNumber ?line .
        }""", s=out)
    assert {(int(r["line"].value), r["ph"].value) for r in rows} == {
        tuple(x) for x in g["question_placeholders"]}


def test_citation_as_written_and_interpreted(graph):
    c = URIRef(f"{D}/citation/L33-1")
    assert graph.value(c, IKG.quote) == Literal("全权代表大会第16号决议（2014年，迪拜，修订版）")
    assert graph.value(c, IKG.bodyAsWritten) == Literal("全权代表大会")
    assert graph.value(c, IKG.body) == IKG.PP
    assert graph.value(c, IKG.resolutionNumber) == Literal(16, datatype=XSD_INTEGER)
    assert graph.value(c, IKG.revisionYear) == Literal(2014, datatype=XSD_INTEGER)
    assert graph.value(c, IKG.revisionVenue) == Literal("Dubai")
    assert graph.value(c, IKG.revisionVenueAsWritten) == Literal("迪拜")
    assert graph.value(c, IKG.isRevision) == Literal(True)
    assert graph.value(c, IKG.citesResolution) == URIRef(BASE + "id/resolution/pp/16")
    assert graph.value(c, IKG.resolutionRule) == Literal("as-written")
    assert graph.value(c, IKG.revisionConference) == URIRef(BASE + "id/conference/wtdc-14")
    assert graph.value(c, IKG.citationRole) == IKG.BackgroundRole
    c2 = URIRef(f"{D}/citation/L33-2")
    assert graph.value(c2, IKG.bodyImplicit) == Literal(True)
    assert graph.value(c2, IKG.bodyAsWritten) is None and graph.value(c2, IKG.body) == IKG.PP
    c3 = URIRef(f"{D}/citation/L210-1")
    assert graph.value(c3, IKG.body) is None and graph.value(c3, IKG.bodyAsWritten) is None
    assert graph.value(c3, IKG.resolutionRule) == Literal("body-from-conference")
    assert graph.value(c3, IKG.citesResolution) == URIRef(BASE + "id/resolution/wtdc/34")
    u = URIRef(f"{D}/citation/L47-1")
    assert graph.value(u, IKG.citationRole) == IKG.FootnoteRole
    assert graph.value(u, IKG.numberAsWritten) == Literal("A/RES/70/125")
    assert graph.value(u, IKG.resolutionNumber) is None
    assert (URIRef(f"{D}/footnote/2"), IKG.mentions, u) in graph  # note 2 of footnote 1's body
    assert (URIRef(f"{D}/output/4.1/project/activity/5"), IKG.hasFootnote,
            URIRef(f"{D}/footnote/1")) in graph


def test_resolutions_and_mentions_typed(graph):
    r = URIRef(BASE + "id/resolution/pp/16")
    assert (r, RDF.type, IKG.Resolution) in graph
    assert graph.value(r, IKG.body) == IKG.PP
    assert graph.value(r, IKG.resolutionNumber) == Literal(16, datatype=XSD_INTEGER)
    un = URIRef(BASE + "id/resolution/unga/70-125")
    assert graph.value(un, IKG.body) == IKG.UNGA and graph.value(un, IKG.resolutionNumber) is None
    m = URIRef(f"{D}/mention/L37-2")
    assert graph.value(m, IKG.mentionsProgramme) == URIRef(BASE + "id/programme/bpoa")
    assert graph.value(m, IKG.yearAsWritten) == Literal(2014, datatype=XSD_INTEGER)
    m = URIRef(f"{D}/mention/L35-1")
    assert graph.value(m, IKG.mentionsConference) == URIRef(BASE + "id/conference/wtdc-10")


def test_every_scoped_resource_has_document_and_lines(graph):
    doc_iri = URIRef(D)
    line_re = re.compile(re.escape(D) + r"/line/\d+$")
    subjects = {s for s in graph.subjects() if str(s).startswith(D + "/")}
    assert subjects
    for s in subjects:
        if line_re.match(str(s)):  # source lines: dcterms:isPartOf (model), no self-provenance
            assert graph.value(s, IKG.lineNumber) is not None and graph.value(s, IKG.section)
            assert (s, URIRef("http://purl.org/dc/terms/isPartOf"), doc_iri) in graph
        else:
            assert (s, IKG.inDocument, doc_iri) in graph, s
            lines = list(graph.objects(s, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
            assert lines and all(line_re.match(str(x)) for x in lines), s
            for x in lines:
                assert (x, RDF.type, IKG.SourceLine) in graph


def test_every_link_assertion_states_a_triple_of_the_graph(graph):
    las = list(graph.subjects(RDF.type, IKG.LinkAssertion))
    assert len(las) > 100
    preds = set()
    for la in las:
        s, p, o = (graph.value(la, RDF.subject), graph.value(la, RDF.predicate),
                   graph.value(la, RDF.object))
        assert (s, p, o) in graph
        assert graph.value(la, IKG.asWritten) is not None
        preds.add(p)
    for p in ("servesOutcome", "hasIndicator", "hasRegionalSlot", "hasQuestionSlot", "mandatedBy",
              "supportsActionLine", "servesTarget", "servesGoal", "citesResolution",
              "revisionConference", "mentionsConference", "mentionsProgramme"):
        assert IKG[p] in preds, p
    # and every formal link has one
    for p in (IKG.mandatedBy, IKG.servesTarget, IKG.servesGoal, IKG.supportsActionLine):
        for s, o in graph.subject_objects(p):
            assert any(True for la in graph.subjects(RDF.subject, s)
                       if graph.value(la, RDF.predicate) == p and graph.value(la, RDF.object) == o)


def test_language_tags_and_plain_codes(graph):
    out = URIRef(f"{D}/output/4.1")
    assert graph.value(out, IKG.code) == Literal("4.1")
    assert graph.value(out, URIRef("http://www.w3.org/2000/01/rdf-schema#label")).language == "zh"
    assert graph.value(URIRef(f"{D}/outcome/4.1/indicator/2"), IKG.text).language == "zh"
    line2 = graph.value(URIRef(D + "/line/2"), IKG.text)
    assert line2.language == "zh" and line2.startswith("部门目标4 – ")
    assert graph.value(URIRef(D + "/line/9"), IKG.text).startswith("\t-  ")  # tabs kept


def test_only_terms_the_ontology_declares(graph):
    onto = rdflib.Graph().parse(ROOT / "ontology/itukg.ttl", format="turtle")
    declared = {s for s in onto.subjects() if str(s).startswith(IKGNS)}
    used = {t for tr in graph for t in tr if isinstance(t, URIRef) and str(t).startswith(IKGNS)}
    assert used and used <= declared, used - declared


def test_literals_are_escaped():
    text = (ROOT / "tests/data/docs/escapes.zh.txt").read_text(encoding="utf-8")
    d = parse_text(text, "escapes.zh.txt")
    data = document_ntriples(d, BASE)
    g = rdflib.Graph().parse(data=data, format="nt")
    s = ox.Store()
    s.load(data, ox.RdfFormat.N_TRIPLES)
    assert len(g) == len(s)
    texts = {str(o) for o in g.objects(None, IKG.text)}
    assert any('"引号"' in t and "\\反斜杠" in t for t in texts)
