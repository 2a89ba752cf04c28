"""``itukg reason`` over everything in the store (issue 14, decision 0148): the documents and the
graphs added with ``itukg load``, what it leaves out said, the facts the ontology entails listed
(also those the mapper already asserts), and a loaded file's clash with the reference data."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from itukg.cli import main
from itukg.graph import reasoning
from itukg.graph.vocab import IKG

requires_java = pytest.mark.skipif(not reasoning.java_available(),
                                   reason="HermiT needs Java: apt-get install -y default-jre-headless")

PP_WTDC14 = """@prefix ikg: <https://w3id.org/itukg/ontology#> .
<https://w3id.org/itukg/id/conference/wtdc-14> a ikg:PlenipotentiaryConference .
"""


@pytest.fixture(scope="module")
def store_with_loaded_file(tmp_path_factory):
    """The corpus, audited, plus a loaded file that makes WTDC-14 a Plenipotentiary Conference."""
    from itukg.graph.build import build, bundled_corpus
    from itukg.settings import Settings

    d = tmp_path_factory.mktemp("reason")
    settings = Settings(store=d / "store")
    build([bundled_corpus()], settings)
    assert main(["--store", str(settings.store), "audit", "--format", "json", "-o", str(d / "a.json")]) in (0, 1)
    (d / "pp14.ttl").write_text(PP_WTDC14, encoding="utf-8")
    assert main(["--store", str(settings.store), "load", str(d / "pp14.ttl")]) == 0
    return settings


@requires_java
def test_reason_covers_loaded_graphs_and_finds_the_clash(store_with_loaded_file, capsys):
    settings = store_with_loaded_file
    code = main(["--store", str(settings.store), "reason"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "1 document graph(s), 1 loaded graph(s)" in err
    assert f"left out <{settings.audit_graph}>" in err
    assert f"loaded <{settings.file_graph('pp14.ttl')}>: INCONSISTENT" in out
    assert ("<https://w3id.org/itukg/id/conference/wtdc-14> is both ikg:DevelopmentConference" in out
            and "ikg:PlenipotentiaryConference" in out and "disjoint" in out)
    assert "acp-22a14-4-zh: consistent" in out


@requires_java
def test_reason_lists_the_entailed_facts_the_graph_also_asserts(store_with_loaded_file, capsys):
    """The corpus asserts every goal its outputs serve; the property chain entails each of them,
    and the report lists them (it said "0 inferred facts" before)."""
    settings = store_with_loaded_file
    assert main(["--store", str(settings.store), "reason", "--document", "acp-22a14-4-zh"]) == 0
    out = capsys.readouterr().out
    head = out.splitlines()[0]
    assert "asserted facts the ontology entails" in head and " 0 asserted" not in head
    assert "ikg:servesGoal" in out

    assert main(["--store", str(settings.store), "reason", "--document", "acp-22a14-4-zh",
                 "--format", "turtle"]) == 0
    derived = Graph().parse(data=capsys.readouterr().out, format="turtle")
    from itukg.graph.store import open_store

    store = open_store(settings, read_only=True)
    try:
        asserted = Graph().parse(data=store.dump("ntriples", graph=settings.document_graph("acp-22a14-4-zh"))
                                 .decode("utf-8"), format="nt")
    finally:
        store.close()
    goals = set(asserted.subject_objects(IKG.servesGoal))
    assert goals and set(derived.subject_objects(IKG.servesGoal)) == goals  # every one, by the chain
    assert (URIRef(settings.document_graph("x")), None, None) not in derived
