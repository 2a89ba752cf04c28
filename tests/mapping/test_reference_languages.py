"""Labels in the six UN languages (issue 12, item 2): counted per vocabulary and language from
the reference graph, and the table in docs/reference-data.md is exactly that count."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from itukg.graph.mapping.reference import reference_triples
from itukg.graph.mapping.reference.coverage import (
    BEGIN,
    END,
    UN_LANGUAGES,
    coverage_markdown,
    label_coverage,
    replace_block,
)
from itukg.graph.vocab import SDGO

BASE = "https://w3id.org/itukg/"
DOC = Path(__file__).resolve().parents[2] / "docs" / "reference-data.md"
SCRIPT = {"ar": r"[\u0600-\u06ff]", "ru": r"[\u0400-\u04ff]", "zh": r"[\u4e00-\u9fff]",
          "en": r"[A-Za-z]", "fr": r"[A-Za-zÀ-ÿ]", "es": r"[A-Za-zÀ-ÿ]"}


@pytest.fixture(scope="module")
def triples() -> list[tuple]:
    return reference_triples(BASE)


@pytest.fixture(scope="module")
def coverage(triples) -> dict[str, tuple[int, dict[str, int]]]:
    return {name: (total, counts) for name, total, counts in label_coverage(triples)}


def _labels(triples, s: URIRef, p: URIRef) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s2, p2, o in triples:
        if s2 == s and p2 == p and isinstance(o, Literal) and o.language:
            out.setdefault(o.language, []).append(str(o))
    return out


@pytest.mark.parametrize("name, count", [("SDG goals (title)", 17), ("SDG targets (title)", 169),
                                         ("SDG indicators (title)", 232)])
def test_every_sdg_term_has_a_title_in_each_of_the_six_languages(coverage, name, count):
    total, counts = coverage[name]
    assert total == count
    assert {lg: counts.get(lg, 0) for lg in UN_LANGUAGES} == {lg: count for lg in UN_LANGUAGES}


def test_each_goal_title_is_written_in_its_languages_script(triples):
    goals = {s for s, p, o in triples if p == RDF.type and o == SDGO.Goal}
    assert len(goals) == 17
    for goal in goals:
        titles = _labels(triples, goal, SKOS.prefLabel)
        assert sorted(titles) == sorted(UN_LANGUAGES), goal
        for lang, (title,) in titles.items():
            assert re.search(SCRIPT[lang], title), (goal, lang, title)
    (fr9,) = _labels(triples, URIRef("http://metadata.un.org/sdg/9"), SKOS.prefLabel)["fr"]
    assert fr9.startswith("Bâtir une infrastructure résiliente")


def test_the_ru_cell_reference_in_indicator_14_1_1_is_removed(triples):
    (ru,) = _labels(triples, URIRef("http://metadata.un.org/sdg/C140101"), SKOS.prefLabel)["ru"]
    assert ru.endswith("плотность лома пластмасс") and "+B" not in ru


def test_regions_conferences_and_resolutions_in_itu_wording(triples):
    assert _labels(triples, URIRef(BASE + "id/region/arab-states"), RDFS.label) == {
        "en": ["Arab States"], "zh": ["阿拉伯国家区域"], "fr": ["Etats arabes"],
        "ru": ["Арабские государства"], "ar": ["الدول العربية"]}  # no Spanish source: absent
    wtdc17 = _labels(triples, URIRef(BASE + "id/conference/wtdc-17"), RDFS.label)
    assert wtdc17["ru"] == ["Всемирная конференция по развитию электросвязи 2017 года"]
    assert wtdc17["ar"] == ["المؤتمر العالمي لتنمية الاتصالات لعام 2017"]
    assert "fr" not in wtdc17  # the (city, year) form would need French city names
    res = _labels(triples, URIRef(BASE + "id/resolution/wtdc/37"), RDFS.label)
    assert res["fr"] == ["Résolution 37 de la CMDT"] and res["ru"] == ["Резолюция 37 ВКРЭ"]
    pp = _labels(triples, URIRef(BASE + "id/resolution/pp/70"), RDFS.label)
    assert pp["es"] == ["Resolución 70 de la Conferencia de Plenipotenciarios"] and "ru" not in pp


def test_countries_are_named_in_the_six_languages(coverage):
    total, counts = coverage["Countries (name)"]
    assert total > 200 and all(counts[lg] == total for lg in UN_LANGUAGES)


def test_the_coverage_table_in_the_docs_is_the_generated_one(triples):
    text = DOC.read_text(encoding="utf-8")
    table = coverage_markdown(label_coverage(triples))
    assert BEGIN in text and END in text, f"{DOC}: the label-coverage markers are missing"
    assert replace_block(text, table) == text, (
        "docs/reference-data.md has a stale label-coverage table: run "
        "python -m itukg.graph.mapping.reference label-coverage --update docs/reference-data.md")


def test_a_language_outside_the_six_gets_its_own_column():
    rows = [("X", 2, {"en": 2, "pt": 1})]
    md = coverage_markdown(rows)
    assert md.splitlines()[0] == "| vocabulary | terms | en | ar | es | fr | ru | zh | pt |"
    assert md.splitlines()[2] == "| X | 2 | **2** | 0 | 0 | 0 | 0 | 0 | 1 |"
    with pytest.raises(ValueError, match="markers"):
        replace_block("no markers here", md)
