"""HermiT (through owlready2) over the ontology plus hand-written data graphs: a consistent one with
its inferred facts, deliberately inconsistent ones caught and explained; the store path and the
``itukg reason`` command."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef

from itukg.cli import main as cli_main
from itukg.graph import reasoning as reasoner
from itukg.graph.reasoning import ReasonerError, ReasonerUnavailable, explain, reason
from itukg.graph.vocab import IKG, SDG, SDGO
from itukg.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "ontology"
B = "https://w3id.org/itukg/"
DOC = URIRef(B + "id/doc/tst-1-2-en")
OUTPUT = URIRef(str(DOC) + "/output/2.1")
OUTCOME = URIRef(str(DOC) + "/outcome/2.1")
OBJECTIVE = URIRef(str(DOC) + "/objective/2")
WTDC14 = URIRef(B + "id/conference/wtdc-14")

requires_java = pytest.mark.skipif(
    not reasoner.java_available(),
    reason="HermiT needs Java, which is not installed (apt-get install -y default-jre-headless)",
)


def load(name: str) -> Graph:
    return Graph().parse(DATA / name, format="turtle")


def inconsistent_cases() -> list[tuple[str, str]]:
    cases = []
    for path in sorted(DATA.glob("inconsistent-*.ttl")):
        m = re.search(r"^# expected-clash: (.+)$", path.read_text(encoding="utf-8"), re.M)
        assert m, f"{path.name} lacks an '# expected-clash:' line"
        cases.append((path.name, m.group(1).strip()))
    return cases


@pytest.fixture(scope="module")
def consistent_report():
    if not reasoner.java_available():
        pytest.skip("HermiT needs Java, which is not installed (apt-get install -y default-jre-headless)")
    return reason(load("consistent.ttl"), label="consistent.ttl")


# -- HermiT ----------------------------------------------------------------------------------


@requires_java
def test_consistent_graph_is_consistent(consistent_report) -> None:
    assert consistent_report.consistent
    assert consistent_report.clashes == []
    assert consistent_report.input_triples > len(load("consistent.ttl"))  # the ontology came too


@requires_java
def test_property_chain_infers_the_goal_from_the_target(consistent_report) -> None:
    data = load("consistent.ttl")
    assert (OUTPUT, IKG.servesTarget, SDG["9.c"]) in data
    assert (OUTPUT, IKG.servesGoal, SDG["9"]) not in data  # not asserted ...
    assert (OUTPUT, IKG.servesGoal, SDG["9"]) in consistent_report.inferred  # ... but inferred


@requires_java
def test_other_axioms_infer_what_they_say(consistent_report) -> None:
    inferred = consistent_report.inferred
    # the range of citesResolution (PP Resolution 139 has no reference entry in the data)
    assert (URIRef(B + "id/resolution/pp/139"), RDF.type, IKG.Resolution) in inferred
    # hasOutcome ⊑ inverse(partOfObjective)
    assert (OUTCOME, IKG.partOfObjective, OBJECTIVE) in inferred
    # Only new facts: nothing asserted is reported again.
    data = load("consistent.ttl")
    assert not [t for t in inferred if t in data]
    # And no fact about the ontology's own terms.
    assert not [t for t in inferred if str(t[0]).startswith(str(IKG._NS))]


@requires_java
@pytest.mark.parametrize("name,expected", inconsistent_cases())
def test_inconsistent_graph_is_caught_and_explained(name: str, expected: str) -> None:
    report = reason(load(name), label=name)
    assert not report.consistent
    assert len(report.inferred) == 0
    assert any(expected in c for c in report.clashes), report.clashes
    assert "INCONSISTENT" in report.text() and expected in report.text()


def test_inconsistent_cases_cover_the_brief() -> None:
    names = [n for n, _ in inconsistent_cases()]
    assert "inconsistent-conference-types.ttl" in names and len(names) >= 3


# -- the explainer (no Java needed) ------------------------------------------------------------


def test_explain_finds_nothing_in_a_consistent_graph() -> None:
    g = reasoner.bundled_ontology() + load("consistent.ttl")
    assert explain(g) == []


def test_explain_names_both_reasons_of_a_disjointness_clash() -> None:
    g = reasoner.bundled_ontology() + load("inconsistent-target-is-goal.ttl")
    clashes = explain(g)
    assert len(clashes) == 1
    assert "sdg:9 is both sdgo:Goal (typed so) and sdgo:Target" in clashes[0]
    assert "ikg:servesTarget (range sdgo:Target)" in clashes[0]


# -- failures ---------------------------------------------------------------------------------


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    with pytest.raises(ReasonerUnavailable, match="apt-get install -y default-jre-headless"):
        reasoner.java_executable()
    assert reasoner.java_available() is False
    with pytest.raises(ReasonerUnavailable):
        reason(load("consistent.ttl"))


def test_missing_java_exits_2_from_the_command(monkeypatch, capsys) -> None:
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    assert cli_main(["reason", "--data", str(DATA / "consistent.ttl")]) == 2
    assert "default-jre-headless" in capsys.readouterr().err


def test_a_graph_without_the_ontology_is_refused() -> None:
    with pytest.raises(ReasonerError, match="does not declare the itukg classes"):
        reason(load("consistent.ttl"), ontology=Graph())


@requires_java
def test_an_ontology_that_did_not_arrive_in_owlready2_is_an_error(monkeypatch) -> None:
    # The owlready2 trap: a load that silently brings nothing. Simulate it by handing owlready2
    # nothing; the reasoner must notice rather than report "consistent" about an empty world.
    monkeypatch.setattr(reasoner.hermit, "_payload", lambda graph: b"")
    with pytest.raises(ReasonerError, match="did not receive the ontology"):
        reason(load("consistent.ttl"))
    # Turtle where N-Triples is expected is refused, not ignored.
    monkeypatch.setattr(reasoner.hermit, "_payload", lambda graph: graph.serialize(format="turtle", encoding="utf-8"))
    with pytest.raises(ReasonerError, match="could not load"):
        reason(load("consistent.ttl"))


# -- the store and the command ------------------------------------------------------------------


def test_reference_subset_keeps_what_reasoning_needs() -> None:
    from rdflib import Literal
    from rdflib.namespace import RDFS, SKOS

    prog, group, country = URIRef(B + "id/programme/ipoa"), URIRef(B + "id/country-group/ldc"), URIRef(B + "id/country/004")
    doc = Graph()
    doc.add((URIRef(str(DOC) + "/mention/L5-1"), IKG.mentionsProgramme, prog))
    doc.add((OUTPUT, IKG.servesTarget, SDG["9.c"]))
    ref = Graph()
    ref.add((prog, RDF.type, IKG.Programme))
    ref.add((prog, IKG.concernsGroup, group))
    ref.add((prog, RDFS.label, Literal("Istanbul Programme of Action", lang="en")))
    ref.add((group, RDF.type, IKG.CountryGroup))
    ref.add((group, RDFS.label, Literal("LDC", lang="en")))
    ref.add((country, IKG.memberOf, group))
    ref.add((SDG["9.c"], SDGO.isTargetOf, SDG["9"]))
    ref.add((SDG["9.c"], SKOS.notation, Literal("9.c")))
    ref.add((SDG["9"], RDF.type, SDGO.Goal))
    sub = reasoner.reference_subset(doc, ref, reasoner.bundled_ontology())
    assert set(sub) == {
        (prog, RDF.type, IKG.Programme), (prog, IKG.concernsGroup, group),
        (group, RDF.type, IKG.CountryGroup),  # second hop: type only
        (SDG["9.c"], SDGO.isTargetOf, SDG["9"]), (SDG["9"], RDF.type, SDGO.Goal),
    }


def _store_with(tmp_path: Path) -> Settings:
    """A real store holding the ontology, a reference graph and one document graph, split out
    of consistent.ttl, plus reference facts the document does not point to."""
    from itukg.graph.store import Generation

    settings = Settings(store=tmp_path / "store", base_iri=B)
    data = load("consistent.ttl")
    doc, ref = Graph(), Graph()
    for t in data:
        (doc if str(t[0]).startswith(str(DOC)) else ref).add(t)
    ref.add((SDG["1.1"], SDGO.isTargetOf, SDG["1"]))  # unrelated: must not be pulled in
    ref.add((SDG["1.1"], RDF.type, SDGO.Target))
    ref.add((SDG["9"], SDGO.hasTarget, SDG["9.1"]))  # a goal's fan-out to all its targets
    onto = (Path(__file__).resolve().parents[2] / "ontology" / "itukg.ttl")
    with Generation.begin(settings.store) as gen:
        gen.bulk_load(onto.read_bytes(), "turtle", settings.ontology_graph)
        gen.bulk_load(ref.serialize(format="nt", encoding="utf-8"), "ntriples", settings.reference_graph)
        gen.bulk_load(doc.serialize(format="nt", encoding="utf-8"), "ntriples",
                      settings.document_graph("tst-1-2-en"))
        gen.commit()
    return settings


def test_store_document_graph_takes_only_the_reference_it_needs(tmp_path: Path) -> None:
    from itukg.graph.store import open_store

    settings = _store_with(tmp_path)
    store = open_store(settings, read_only=True)
    try:
        assert reasoner.document_slugs(store, settings) == ["tst-1-2-en"]
        g = reasoner.store_document_graph(store, settings, "tst-1-2-en")
        assert (OUTPUT, IKG.servesTarget, SDG["9.c"]) in g
        assert (SDG["9.c"], SDGO.isTargetOf, SDG["9"]) in g  # the target's goal came along
        assert (WTDC14, IKG.body, IKG.WTDC) in g
        assert (SDG["1.1"], None, None) not in g  # not pointed to by the document
        assert (SDG["9"], SDGO.hasTarget, None) not in g  # fan-out links stay out
        assert (IKG.Output, None, None) not in g  # the ontology is separate
        assert (IKG.Output, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in \
            reasoner.store_ontology(store, settings)
        from itukg.errors import NotFound

        with pytest.raises(NotFound, match="no document 'nope'"):
            reasoner.store_document_graph(store, settings, "nope")
    finally:
        store.close()


@requires_java
def test_reason_command_over_the_store(tmp_path: Path, capsys) -> None:
    settings = _store_with(tmp_path)
    assert cli_main(["--store", str(settings.store), "--base-iri", B, "reason",
                     "--document", "tst-1-2-en"]) == 0
    out = capsys.readouterr().out
    assert "tst-1-2-en: consistent" in out
    assert f"<{OUTPUT}> ikg:servesGoal sdg:9" in out
    assert cli_main(["--store", str(settings.store), "--base-iri", B, "reason", "--document", "nope"]) == 2


@requires_java
def test_reason_command_on_files(capsys) -> None:
    assert cli_main(["reason", "--data", str(DATA / "consistent.ttl"), "--format", "ntriples"]) == 0
    facts = Graph().parse(data=capsys.readouterr().out, format="nt")
    assert (OUTPUT, IKG.servesGoal, SDG["9"]) in facts
    assert cli_main(["reason", "--data", str(DATA / "inconsistent-conference-types.ttl")]) == 1
    assert "INCONSISTENT" in capsys.readouterr().out


# -- the corpus ----------------------------------------------------------------------------------


@requires_java
@pytest.mark.slow
def test_corpus_graph_is_consistent_with_the_ontology() -> None:
    """The corpus document, parsed and mapped, plus the reference data it points to (SDG targets
    with their goals, conferences, resolutions, ...) is consistent, and the property chain adds
    every goal of every target an output serves."""
    from itukg.graph.mapping.mapper import document_ntriples
    from itukg.graph.documents import parse_file
    from itukg.graph.mapping.reference import reference_ntriples

    corpus = Path(__file__).resolve().parents[2] / "corpus" / "ACP-22A14-4.zh.txt"
    doc = Graph().parse(data=document_ntriples(parse_file(corpus), B).decode("utf-8"), format="nt")
    ref = Graph().parse(data=reference_ntriples(B).decode("utf-8"), format="nt")
    ontology = reasoner.bundled_ontology()
    needed = reasoner.reference_subset(doc, ref, ontology)
    report = reason([doc, needed], ontology, label=corpus.name)
    assert report.consistent, report.text()

    # Every (output, goal of a served target) pair holds after reasoning: asserted or inferred.
    everything = doc + needed + report.inferred
    pairs = {(o, g) for o, t in doc.subject_objects(IKG.servesTarget) for g in ref.objects(t, SDGO.isTargetOf)}
    assert pairs, "the corpus serves SDG targets"
    assert all((o, IKG.servesGoal, g) in everything for o, g in pairs)
    # Whatever was inferred about servesGoal follows from the chain (never invented).
    for o, _, g in report.inferred.triples((None, IKG.servesGoal, None)):
        assert (o, g) in pairs
