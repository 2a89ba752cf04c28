"""The ontology file: parses, is complete (labels, definitions, every model term), the generated
vocabulary module matches it, and owlready2 can load it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from tools import gen_vocab
from itukg.graph.vocab import IKG, SDGO

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology" / "itukg.ttl"
MODEL = ROOT / "docs" / "model.md"
ONTO_IRI = URIRef("https://w3id.org/itukg/ontology")
IKG_NS = str(IKG._NS)
SDGO_NS = str(SDGO._NS)
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                     OWL.NamedIndividual}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def declared(g: Graph, ns: str) -> set[URIRef]:
    return {s for s, _, t in g.triples((None, RDF.type, None))
            if t in DECLARATION_TYPES and isinstance(s, URIRef) and str(s).startswith(ns)}


def test_ontology_header(onto: Graph) -> None:
    assert (ONTO_IRI, RDF.type, OWL.Ontology) in onto
    version_iri = onto.value(ONTO_IRI, OWL.versionIRI)
    assert version_iri is not None and str(version_iri).startswith(str(ONTO_IRI) + "/")
    assert onto.value(ONTO_IRI, OWL.versionInfo) is not None
    assert onto.value(ONTO_IRI, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert onto.value(ONTO_IRI, DCTERMS.creator) is not None
    langs = {o.language for o in onto.objects(ONTO_IRI, DCTERMS.description)}
    assert {"en", "zh"} <= langs
    # Nothing reaches the network: no imports at all.
    assert not list(onto.triples((None, OWL.imports, None)))


@pytest.mark.parametrize("ns", [IKG_NS, SDGO_NS])
def test_every_term_has_en_and_zh_label_and_definition(onto: Graph, ns: str) -> None:
    terms = declared(onto, ns)
    assert len(terms) > (100 if ns == IKG_NS else 5)
    missing = []
    for t in sorted(terms):
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in onto.objects(t, prop) if isinstance(o, Literal)}
            for lang in ("en", "zh"):
                if lang not in langs:
                    missing.append(f"{t} {prop.n3(onto.namespace_manager)} @{lang}")
    assert not missing, "\n".join(missing)


def test_every_term_has_exactly_one_label_per_language(onto: Graph) -> None:
    for t in declared(onto, IKG_NS) | declared(onto, SDGO_NS):
        langs = [o.language for o in onto.objects(t, RDFS.label)]
        assert len(langs) == len(set(langs)), f"{t} has two labels in one language"


def test_sdgo_terms_are_defined_by_the_un_kos(onto: Graph) -> None:
    for t in declared(onto, SDGO_NS):
        assert onto.value(t, RDFS.isDefinedBy) == URIRef("http://metadata.un.org/sdg/ontology"), t


def test_every_term_the_model_uses_is_declared(onto: Graph) -> None:
    text = MODEL.read_text(encoding="utf-8")
    used_ikg = set(re.findall(r"\bikg:([A-Za-z][A-Za-z0-9]*)", text))
    used_sdgo = set(re.findall(r"\bsdgo:([A-Za-z][A-Za-z0-9]*)", text))
    assert {"Output", "servesTarget", "ResolutionRevision", "revisionOf", "adoptedAt"} <= used_ikg
    decl_ikg = {str(t)[len(IKG_NS):] for t in declared(onto, IKG_NS)}
    decl_sdgo = {str(t)[len(SDGO_NS):] for t in declared(onto, SDGO_NS)}
    assert not used_ikg - decl_ikg, f"used in docs/model.md, not declared: {sorted(used_ikg - decl_ikg)}"
    assert not used_sdgo - decl_sdgo, f"used in docs/model.md, not declared: {sorted(used_sdgo - decl_sdgo)}"


def test_every_declared_term_has_one_kind(onto: Graph) -> None:
    kinds = [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual]
    for t in declared(onto, IKG_NS):
        n = sum((t, RDF.type, k) in onto for k in kinds)
        assert n == 1, f"{t} is declared as {n} kinds"


def test_no_gyear_anywhere(onto: Graph) -> None:
    # owlready2's HermiT stops on xsd:gYear; years are xsd:integer.
    assert URIRef(XSD_NS + "gYear") not in set(onto.objects())
    for year_prop in (IKG.year, IKG.revisionYear, IKG.adoptionYear, IKG.yearAsWritten):
        assert onto.value(year_prop, RDFS.range) == URIRef(XSD_NS + "integer")


def test_key_axioms(onto: Graph) -> None:
    chain = onto.value(IKG.servesGoal, OWL.propertyChainAxiom)
    assert chain is not None
    assert list(onto.items(chain)) == [IKG.servesTarget, SDGO.isTargetOf]
    assert (IKG.PlenipotentiaryConference, OWL.disjointWith, IKG.DevelopmentConference) in onto
    disjoint_sets = [set(onto.items(onto.value(b, OWL.members)))
                     for b in onto.subjects(RDF.type, OWL.AllDisjointClasses)]
    assert any({IKG.Output, IKG.Outcome, IKG.PerformanceIndicator} <= s for s in disjoint_sets)
    assert (SDGO.hasTarget, OWL.inverseOf, SDGO.isTargetOf) in onto
    for ind, cls in [(IKG.PP, IKG.IssuingBody), (IKG.WTDC, IKG.IssuingBody), (IKG.UNGA, IKG.IssuingBody),
                     (IKG.BackgroundRole, IKG.CitationRole), (IKG.FootnoteRole, IKG.CitationRole)]:
        assert (ind, RDF.type, cls) in onto
    # The classes the brief asks to reuse from standard vocabularies.
    assert (IKG.PlanningDocument, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")) in onto
    assert (IKG.LinkAssertion, RDFS.subClassOf, RDF.Statement) in onto


def test_generated_vocab_matches_committed_file(onto: Graph) -> None:
    generated = gen_vocab.render(onto)
    committed = gen_vocab.VOCAB_PATH.read_text(encoding="utf-8")
    assert generated == committed, "graph/vocab.py is stale: run python tools/gen_vocab.py"
    assert gen_vocab.main(["--check"]) == 0


def test_generated_vocab_is_closed_and_complete(onto: Graph) -> None:
    for t in declared(onto, IKG_NS):
        assert getattr(IKG, str(t)[len(IKG_NS):]) == t
    for t in declared(onto, SDGO_NS):
        assert getattr(SDGO, str(t)[len(SDGO_NS):]) == t
    with pytest.raises(AttributeError):
        IKG.servesTargte  # noqa: B018  (a typo must fail)


def test_gen_vocab_check_detects_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "vocab.py"
    stale.write_text(gen_vocab.VOCAB_PATH.read_text(encoding="utf-8").replace("    servesGoal: URIRef\n", ""))
    monkeypatch.setattr(gen_vocab, "VOCAB_PATH", stale)
    assert gen_vocab.main(["--check"]) == 1
    assert gen_vocab.main([]) == 0
    assert gen_vocab.main(["--check"]) == 0


def test_gen_vocab_reports_a_broken_ontology(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ikg: <https://w3id.org/itukg/ontology#> .\nikg:A a \n", encoding="utf-8")
    assert gen_vocab.main(["--stdout", "--ontology", str(bad)]) == 2


def test_owlready2_loads_the_ontology(onto: Graph) -> None:
    owlready2 = pytest.importorskip("owlready2")
    world = owlready2.World()
    data = onto.serialize(format="ntriples").encode("utf-8")
    world.get_ontology("urn:itukg:test").load(fileobj=io.BytesIO(data), format="ntriples")
    for cls in (IKG.Output, IKG.ResolutionRevision, IKG.PlenipotentiaryConference, SDGO.Target):
        assert world[str(cls)] is not None, f"{cls} did not arrive in owlready2"
    serves_goal = world[str(IKG.servesGoal)]
    assert serves_goal is not None and serves_goal.property_chain, "the property chain did not arrive"
    assert world[str(IKG.PP)] is not None


def test_catalog_maps_the_ontology_and_version_iri_to_the_file(onto: Graph) -> None:
    import xml.etree.ElementTree as ET

    root = ET.parse(ROOT / "ontology" / "catalog-v001.xml").getroot()
    ns = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"
    entries = {e.get("name"): e.get("uri") for e in root.iter(f"{ns}uri")}
    assert entries == {str(ONTO_IRI): "itukg.ttl", str(onto.value(ONTO_IRI, OWL.versionIRI)): "itukg.ttl"}
