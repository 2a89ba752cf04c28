"""Documents with one symbol in several languages are translations of each other, stated both
ways in each document's own graph; revisions of each language keep their own chain."""

from __future__ import annotations

from pathlib import Path

import pytest

from itukg.graph.build import build
from itukg.graph.store import open_store, select_rows
from itukg.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"
IKG = "https://w3id.org/itukg/ontology#"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The aligned English/Chinese pair, plus a Chinese and an English Rev.1 of it."""
    tmp = tmp_path_factory.mktemp("versions")
    files = [DOCS / "translation-aligned.en.txt", DOCS / "translation-aligned.zh.txt"]
    for lang in ("en", "zh"):
        text = (DOCS / f"translation-aligned.{lang}.txt").read_text(encoding="utf-8")
        p = tmp / f"rev1.{lang}.txt"
        p.write_text(text.replace("ACP/22A14/7", "ACP/22A14/7(Rev.1)", 1), encoding="utf-8")
        files.append(p)
    zh_only = tmp / "rev2.zh.txt"
    zh_only.write_text(files[3].read_text(encoding="utf-8").replace("(Rev.1)", "(Rev.2)", 1),
                       encoding="utf-8")
    settings = Settings(store=tmp / "store")
    report = build([str(f) for f in [*files, zh_only]], settings, workers=1)
    s = open_store(settings, read_only=True)
    yield report, s
    s.close()


def _pairs(s, p: str) -> set[tuple[str, str, str]]:
    rows = select_rows(s, f"SELECT ?g ?a ?b WHERE {{ GRAPH ?g {{ ?a <{IKG}{p}> ?b }} }}")
    return {(str(r["a"]).rsplit("/", 1)[-1], str(r["b"]).rsplit("/", 1)[-1],
             str(r["g"]).rsplit("/", 1)[-1]) for r in rows}


def test_translations_both_ways_each_in_its_own_graph(store):
    _, s = store
    assert _pairs(s, "translationOf") == {
        ("acp-22a14-7-en", "acp-22a14-7-zh", "acp-22a14-7-en"),
        ("acp-22a14-7-zh", "acp-22a14-7-en", "acp-22a14-7-zh"),
        ("acp-22a14-7-rev1-en", "acp-22a14-7-rev1-zh", "acp-22a14-7-rev1-en"),
        ("acp-22a14-7-rev1-zh", "acp-22a14-7-rev1-en", "acp-22a14-7-rev1-zh"),
    }  # Rev.2 exists in Chinese only: no translation; a base is no translation of a revision


def test_revisions_of_each_language_keep_working(store):
    report, s = store
    latest = {a: b for a, b, _ in _pairs(s, "isLatestVersion")}
    assert latest == {"acp-22a14-7-en": "false", "acp-22a14-7-rev1-en": "true",
                      "acp-22a14-7-zh": "false", "acp-22a14-7-rev1-zh": "false",
                      "acp-22a14-7-rev2-zh": "true"}
    assert {(a, b) for a, b, _ in _pairs(s, "revisesDocument")} == {
        ("acp-22a14-7-rev1-en", "acp-22a14-7-en"), ("acp-22a14-7-rev1-zh", "acp-22a14-7-zh"),
        ("acp-22a14-7-rev2-zh", "acp-22a14-7-zh")}
    # the build report still counts what the store holds, per document
    for d in report.documents:
        n = select_rows(s, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{d.graph}> {{ ?s ?p ?o }} }}")
        assert int(n[0]["n"]) == d.triples, d.slug


def test_translation_of_is_symmetric_in_the_ontology():
    from rdflib import OWL, RDF, URIRef

    from itukg.graph.ontology import load_ontology
    g = load_ontology()
    assert (URIRef(IKG + "translationOf"), RDF.type, OWL.SymmetricProperty) in g
