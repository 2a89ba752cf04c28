"""The reference graph (graph/mapping/reference/__init__.py) built from the real files under graph/mapping/reference/."""

from __future__ import annotations

import csv
import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

import itukg.graph.mapping.reference as ref
from itukg.errors import DataError
from itukg.graph.mapping.reference import (
    full_width_punctuation,
    reference_ntriples,
    reference_triples,
)
from itukg.graph.vocab import IKG, SDG, SDGO

BASE = "https://w3id.org/itukg/"
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
REF_DIR = ref.REFERENCE_DIR
SHARED_KOS = (
    Path(__file__).resolve().parents[3]
    / "shared/reference/sdg/un-sdg-kos-lod4stats/sdg-ontology-with-taxonomy.ttl"
)
CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"


def B(path: str) -> URIRef:
    return URIRef(BASE + path)


@pytest.fixture(scope="module")
def g() -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in reference_triples(BASE):
        graph.add(t)
    return graph


def of_type(g: rdflib.Graph, cls: URIRef) -> set:
    return set(g.subjects(RDF.type, cls))


def labels(g: rdflib.Graph, s: URIRef, p: URIRef, lang: str) -> list[str]:
    return [str(o) for o in g.objects(s, p) if isinstance(o, Literal) and o.language == lang]


def csv_rows(rel: str) -> list[dict[str, str]]:
    with (REF_DIR / rel).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# ------------------------------------------------------------------ SDG


def test_seventeen_goals_and_169_targets(g):
    goals = of_type(g, SDGO.Goal)
    targets = of_type(g, SDGO.Target)
    assert goals == {SDG[str(n)] for n in range(1, 18)}
    assert len(targets) == 169
    assert all(str(t).startswith(str(SDG)) for t in targets)


def test_every_target_belongs_to_the_goal_of_its_code(g):
    for t in of_type(g, SDGO.Target):
        (notation,) = list(g.objects(t, SKOS.notation))
        goal = SDG[str(notation).split(".")[0]]
        assert list(g.objects(t, SDGO.isTargetOf)) == [goal], t
        assert (goal, SDGO.hasTarget, t) in g
    assert (SDG["9.c"], SDGO.isTargetOf, SDG["9"]) in g
    assert (SDG["17.18"], SDGO.isTargetOf, SDG["17"]) in g
    assert len(list(g.objects(SDG["9"], SDGO.hasTarget))) == 8  # 9.1-9.5, 9.a, 9.b, 9.c


def test_indicators_on_kos_iris(g):
    assert (SDG["C090c01"], RDF.type, SDGO.Indicator) in g
    assert (SDG["C090c01"], SKOS.notation, Literal("9.c.1")) in g
    assert (SDG["C090c01"], SDGO.isIndicatorOf, SDG["9.c"]) in g
    assert (SDG["9.c"], SDGO.hasIndicator, SDG["C090c01"]) in g
    assert (SDG["C170801"], SKOS.notation, Literal("17.8.1")) in g
    indicators = of_type(g, SDGO.Indicator)
    assert len(indicators) == 232  # unique IRIs in the KOS 2020
    assert sum(len(list(g.objects(i, SKOS.notation))) for i in indicators) == 244  # codes


def test_repeated_indicator_shares_one_iri(g):
    shared = SDG["C200303"]
    assert {str(n) for n in g.objects(shared, SKOS.notation)} == {"1.5.1", "11.5.1", "13.1.1"}
    assert set(g.objects(shared, SDGO.isIndicatorOf)) == {SDG["1.5"], SDG["11.5"], SDG["13.1"]}
    # no per-code IRIs invented for the repeats
    assert not list(g.triples((SDG["C010501"], None, None)))


def test_one_preflabel_per_language_on_every_sdg_concept(g):
    for cls in (SDGO.Goal, SDGO.Target, SDGO.Indicator):
        for s in of_type(g, cls):
            assert len(labels(g, s, SKOS.prefLabel, "en")) == 1, s
            assert len(labels(g, s, SKOS.prefLabel, "zh")) == 1, s
            assert re.search(CJK, labels(g, s, SKOS.prefLabel, "zh")[0]), s
            assert not re.search(CJK, labels(g, s, SKOS.prefLabel, "en")[0]), s
    # a repeated indicator whose codes have different Chinese wording keeps the other as altLabel
    assert len(labels(g, SDG["C200204"], SKOS.altLabel, "zh")) == 1


def test_goal_short_names_are_alt_labels(g):
    assert "Industry, innovation and infrastructure" in labels(g, SDG["9"], SKOS.altLabel, "en")
    assert labels(g, SDG["9"], SKOS.prefLabel, "en") == [
        "Build resilient infrastructure, promote inclusive and sustainable industrialization "
        "and foster innovation"
    ]
    for n in range(1, 18):
        assert labels(g, SDG[str(n)], SKOS.altLabel, "en"), n
        assert labels(g, SDG[str(n)], SKOS.altLabel, "zh"), n


def test_english_display_text_comes_from_open_sdg_not_the_kos(g):
    # The KOS 2020 label of 12.3 is truncated ("By 2030,d") and 14.6 has a footnote digit.
    (t123,) = labels(g, SDG["12.3"], SKOS.prefLabel, "en")
    assert t123.startswith("By 2030, halve per capita global food waste")
    (t146,) = labels(g, SDG["14.6"], SKOS.prefLabel, "en")
    assert not re.search(r"negotiation\d", t146)


def test_13b_spreadsheet_artefact_removed(g):
    (zh,) = labels(g, SDG["13.b"], SKOS.prefLabel, "zh")
    assert "+B68" not in zh
    assert zh.startswith("促进在最不发达国家")
    for o in g.objects():
        if isinstance(o, Literal):
            assert not re.search(r"\+[A-Z]{1,3}\d+", str(o)), o


def test_goal_17_short_name_typo_fixed(g):
    assert labels(g, SDG["17"], SKOS.altLabel, "zh") == ["促进目标实现的伙伴关系"]


def test_no_ascii_punctuation_next_to_chinese_in_zh_labels(g):
    zh = [str(o) for o in g.objects() if isinstance(o, Literal) and o.language == "zh"]
    assert len(zh) > 400
    bad = [t for t in zh if re.search(rf"{CJK} *[,;:]|[,;:] *{CJK}", t)]
    assert bad == []
    # the source did have them (445 ASCII commas between ideographs in the zh files)
    raw = (REF_DIR / "sdg/open-sdg/zh-Hans/global_targets.yml").read_text(encoding="utf-8")
    assert re.search(r"[\u4e00-\u9fff],[\u4e00-\u9fff]", raw)
    (goal2,) = labels(g, SDG["2"], SKOS.prefLabel, "zh")
    assert goal2 == "消除饥饿，实现粮食安全，改善营养状况和促进可持续农业"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("到2030年,在全球", "到2030年，在全球"),
        ("(公共、私人), 遗产类型", "(公共、私人)，遗产类型"),
        ("至少降至12例,5岁以下", "至少降至12例，5岁以下"),
        ("改善水质:减少污染", "改善水质：减少污染"),
        ("危险废物; 和(b)处理", "危险废物；和(b)处理"),
        ("每10万人中有100,000人", "每10万人中有100,000人"),  # thousands separator kept
        ("PM2.5, PM10", "PM2.5, PM10"),  # between Latin text: kept
        ("", ""),
    ],
)
def test_full_width_punctuation(text, expected):
    assert full_width_punctuation(text) == expected


def test_indicators_missing_from_kos_2020_get_no_node(g):
    # open-sdg has 252 indicator entries; 8 (later additions) are not in the KOS 2020.
    en = (REF_DIR / "sdg/open-sdg/en/global_indicators.yml").read_text(encoding="utf-8")
    assert "2-2-3-title" in en and "16-3-3-title" in en
    notations = {str(o) for o in g.objects(None, SKOS.notation)}
    for code in ("2.2.3", "3.d.2", "4.1.2", "10.4.2", "10.7.3", "10.7.4", "13.2.2", "16.3.3"):
        assert code not in notations
    # and nothing is minted in the UN namespace beyond what the KOS table lists
    kos = {r["iri"] for r in csv_rows("sdg/kos-2020/codes.csv")} | {str(ref.SDG_SCHEME)}
    un = {str(t) for trip in g for t in trip if isinstance(t, URIRef)
          and str(t).startswith("http://metadata.un.org/sdg") and "/ontology#" not in str(t)}
    assert un == kos


@pytest.mark.skipif(not SHARED_KOS.exists(), reason="../shared KOS dump not available")
def test_kos_code_table_matches_the_kos_dump(tmp_path):
    rows = ref.extract_kos_codes(SHARED_KOS)
    out = tmp_path / "codes.csv"
    ref.write_kos_codes(rows, out)
    assert out.read_bytes() == (REF_DIR / "sdg/kos-2020/codes.csv").read_bytes()


# ------------------------------------------------------------------ WSIS


def test_wsis_action_lines(g):
    lines = of_type(g, IKG.WSISActionLine)
    top = {s for s in lines if not list(g.objects(s, SKOS.broader))}
    assert {str(o) for s in top for o in g.objects(s, IKG.code)} == {f"C{n}" for n in range(1, 12)}
    subs = lines - top
    assert len(subs) == 8
    assert all(list(g.objects(s, SKOS.broader)) == [B("id/wsis/C7")] for s in subs)
    assert (B("id/wsis/C7.health"), IKG.code, Literal("C7.health")) in g
    assert labels(g, B("id/wsis/C2"), SKOS.prefLabel, "en") == [
        "Information and communication infrastructure"]
    assert all(len(labels(g, s, SKOS.prefLabel, "en")) == 1 for s in lines)


# ------------------------------------------------------------------ conferences


def test_sixteen_conferences(g):
    pp = of_type(g, IKG.PlenipotentiaryConference)
    wtdc = of_type(g, IKG.DevelopmentConference)
    assert len(pp) == 8 and len(wtdc) == 8 and not pp & wtdc
    assert of_type(g, IKG.Conference) == pp | wtdc
    assert len(csv_rows("itu/itu_conferences.csv")) == 16


@pytest.mark.parametrize(
    ("key", "cls", "body", "code", "venue", "year"),
    [
        ("wtdc-14", IKG.DevelopmentConference, IKG.WTDC, "WTDC-14", "Dubai", 2014),
        ("pp-14", IKG.PlenipotentiaryConference, IKG.PP, "PP-14", "Busan", 2014),
        ("wtdc-17", IKG.DevelopmentConference, IKG.WTDC, "WTDC-17", "Buenos Aires", 2017),
        ("pp-18", IKG.PlenipotentiaryConference, IKG.PP, "PP-18", "Dubai", 2018),
        ("wtdc-94", IKG.DevelopmentConference, IKG.WTDC, "WTDC-94", "Buenos Aires", 1994),
    ],
)
def test_conference_venue_and_year(g, key, cls, body, code, venue, year):
    s = B(f"id/conference/{key}")
    assert (s, RDF.type, cls) in g
    assert (s, IKG.body, body) in g
    assert list(g.objects(s, IKG.code)) == [Literal(code)]
    assert list(g.objects(s, IKG.venue)) == [Literal(venue)]
    assert list(g.objects(s, IKG.year)) == [Literal(year, datatype=XSD_INTEGER)]
    assert labels(g, s, RDFS.label, "en")


def test_conference_dates_and_doubts(g):
    s = B("id/conference/wtdc-17")
    assert list(g.objects(s, IKG.startDate)) == [Literal("2017-10-09", datatype=XSD_DATE)]
    assert list(g.objects(s, IKG.endDate)) == [Literal("2017-10-20", datatype=XSD_DATE)]
    # PP-22: sources conflict on the end date, so none is asserted; the doubt is a note
    pp22 = B("id/conference/pp-22")
    assert list(g.objects(pp22, IKG.startDate)) == [Literal("2022-09-26", datatype=XSD_DATE)]
    assert list(g.objects(pp22, IKG.endDate)) == []
    assert any("conflict" in n for n in labels(g, pp22, SKOS.note, "en"))
    # dates never verified: none asserted
    assert list(g.objects(B("id/conference/pp-94"), IKG.startDate)) == []
    # WTDC-22 is also called WTDC-21
    assert "WTDC-21" in labels(g, B("id/conference/wtdc-22"), SKOS.altLabel, "en")


# ------------------------------------------------------------------ resolutions


def test_no_pp_resolution_16(g):
    assert not list(g.triples((B("id/resolution/pp/16"), None, None)))
    assert not list(g.triples((None, None, B("id/resolution/pp/16"))))
    assert (B("id/resolution/wtdc/16"), RDF.type, IKG.Resolution) in g


def test_resolutions_with_titles_and_status(g):
    rows = csv_rows("itu/itu_resolutions_cited_in_corpus.csv")
    itu = {s for s in of_type(g, IKG.Resolution) if "/unga/" not in str(s)}
    assert len(itu) == len(rows) - 1  # all but PP 16
    for s in of_type(g, IKG.Resolution):
        (status,) = [str(o) for o in g.objects(s, IKG.titleStatus)]
        assert status in ("VERBATIM", "DESCRIPTIVE", "NOT FOUND")
        titles = labels(g, s, DCTERMS.title, "en")
        assert (status == "NOT FOUND") == (titles == []), s
    w17 = B("id/resolution/wtdc/17")
    assert (w17, IKG.body, IKG.WTDC) in g
    assert (w17, IKG.resolutionNumber, Literal(17, datatype=XSD_INTEGER)) in g
    assert labels(g, w17, RDFS.label, "en") == ["WTDC Resolution 17"]
    assert labels(g, w17, DCTERMS.title, "en") == [
        "Implementation of regionally approved initiatives at the national, regional, "
        "interregional and global levels"]
    assert list(g.objects(w17, IKG.titleStatus)) == [Literal("VERBATIM")]
    assert list(g.objects(B("id/resolution/pp/30"), IKG.titleStatus)) == [Literal("DESCRIPTIVE")]
    assert list(g.objects(B("id/resolution/wtdc/52"), IKG.titleStatus)) == [Literal("NOT FOUND")]
    assert labels(g, B("id/resolution/pp/70"), RDFS.label, "en") == ["PP Resolution 70"]


def test_resolution_revisions_point_at_conferences(g):
    rev = B("id/resolution/wtdc/17/rev/wtdc-14")
    assert (rev, RDF.type, IKG.ResolutionRevision) in g
    assert (rev, IKG.revisionOf, B("id/resolution/wtdc/17")) in g
    assert (rev, IKG.adoptedAt, B("id/conference/wtdc-14")) in g
    for r in of_type(g, IKG.ResolutionRevision):
        (conf,) = list(g.objects(r, IKG.adoptedAt))
        (work,) = list(g.objects(r, IKG.revisionOf))
        assert set(g.objects(conf, IKG.body)) == set(g.objects(work, IKG.body)), r
    # "Dubai, 2014 era" (WTDC 32) is not read as a revision
    assert not list(g.subjects(IKG.revisionOf, B("id/resolution/wtdc/32")))


def test_unga_resolutions(g):
    s = B("id/resolution/unga/70-125")
    assert (s, IKG.body, IKG.UNGA) in g
    assert (s, DCTERMS.identifier, Literal("A/RES/70/125")) in g
    assert list(g.objects(s, IKG.resolutionNumber)) == []  # UNGA numbers are not integers
    assert (B("id/programme/a-res-70-125"), RDFS.seeAlso, s) in g


# ------------------------------------------------------------------ programmes


def test_programmes(g):
    progs = of_type(g, IKG.Programme)
    keys = {str(p).rsplit("/", 1)[1] for p in progs}
    assert keys == set("ipoa samoa vpoa almaty sendai aaaa a-res-70-125 a-res-70-1 bpoa".split())

    def year(key):
        (y,) = list(g.objects(B(f"id/programme/{key}"), IKG.adoptionYear))
        assert y.datatype == XSD_INTEGER
        return y.toPython()

    assert year("bpoa") == 1994
    assert year("samoa") == 2014
    assert year("ipoa") == 2011
    assert year("a-res-70-1") == 2015
    assert year("almaty") == 2003
    assert any("not verified" in n for n in
               labels(g, B("id/programme/almaty"), SKOS.note, "en"))
    assert (B("id/programme/ipoa"), IKG.concernsGroup, B("id/country-group/ldc")) in g
    assert (B("id/programme/vpoa"), IKG.concernsGroup, B("id/country-group/lldc")) in g
    assert (B("id/programme/bpoa"), IKG.concernsGroup, B("id/country-group/sids")) in g
    assert labels(g, B("id/programme/vpoa"), RDFS.label, "zh") == ["维也纳行动方案"]
    assert (B("id/programme/a-res-70-125"), IKG.code, Literal("A/RES/70/125")) in g
    for p in progs:
        assert len(labels(g, p, RDFS.label, "en")) == 1


# ------------------------------------------------------------------ regions, groups, countries


def test_six_regions(g):
    expected = {
        "africa": ("Africa", "非洲区域"),
        "americas": ("Americas", "美洲区域"),
        "arab-states": ("Arab States", "阿拉伯国家区域"),
        "asia-pacific": ("Asia and the Pacific", "亚太区域"),
        "cis": ("Commonwealth of Independent States", "独联体区域"),
        "europe": ("Europe", "欧洲区域"),
    }
    assert of_type(g, IKG.Region) == {B(f"id/region/{k}") for k in expected}
    for key, (en, zh) in expected.items():
        s = B(f"id/region/{key}")
        assert labels(g, s, RDFS.label, "en") == [en]
        assert labels(g, s, RDFS.label, "zh") == [zh]
        assert len(list(g.objects(s, IKG.code))) == 1


def test_country_groups(g):
    groups = {"ldc": "最不发达国家", "lldc": "内陆发展中国家", "sids": "小岛屿发展中国家",
              "eit": "经济转型国家"}
    assert of_type(g, IKG.CountryGroup) == {B(f"id/country-group/{k}") for k in groups}
    for key, zh in groups.items():
        assert labels(g, B(f"id/country-group/{key}"), RDFS.label, "zh") == [zh]


def test_country_membership_matches_source_flags(g):
    rows = csv_rows("countries/country-codes.csv")
    for key, col in (("ldc", "Least Developed Countries (LDC)"),
                     ("lldc", "Land Locked Developing Countries (LLDC)"),
                     ("sids", "Small Island Developing States (SIDS)")):
        expected = {B(f"id/country/{r['M49'].zfill(3)}") for r in rows if r[col] == "x"}
        assert set(g.subjects(IKG.memberOf, B(f"id/country-group/{key}"))) == expected
    assert len(set(g.subjects(IKG.memberOf, B("id/country-group/ldc")))) == 45
    # no machine-readable source flags economies in transition: the group has no members
    assert not list(g.subjects(IKG.memberOf, B("id/country-group/eit")))


def test_countries(g):
    countries = of_type(g, IKG.Country)
    assert len(countries) == 249
    afg = B("id/country/004")
    assert (afg, IKG.m49, Literal("004")) in g
    assert labels(g, afg, RDFS.label, "en") == ["Afghanistan"]
    assert labels(g, afg, RDFS.label, "zh") == ["阿富汗"]
    assert set(g.objects(afg, IKG.memberOf)) == {B("id/country-group/ldc"),
                                                  B("id/country-group/lldc")}
    for c in countries:
        (m49,) = list(g.objects(c, IKG.m49))
        assert re.fullmatch(r"\d{3}", str(m49)) and str(c).endswith("/" + str(m49))
        assert len(labels(g, c, RDFS.label, "en")) == 1
        assert len(labels(g, c, RDFS.label, "zh")) == 1


# ------------------------------------------------------------------ provenance


def test_every_vocabulary_resource_has_licensed_sources(g):
    typed = set()
    for cls in (SDGO.Goal, SDGO.Target, SDGO.Indicator, IKG.WSISActionLine, IKG.Conference,
                IKG.Resolution, IKG.ResolutionRevision, IKG.Programme, IKG.Region,
                IKG.CountryGroup, IKG.Country):
        typed |= of_type(g, cls)
    assert len(typed) > 700
    for s in typed:
        sources = list(g.objects(s, PROV.wasDerivedFrom))
        assert sources, s
        for src in sources:
            assert (src, RDF.type, PROV.Entity) in g
            assert list(g.objects(src, DCTERMS.license)), src
            assert (B("id/reference"), DCTERMS.source, src) in g
    # licences are described
    assert (URIRef("http://spdx.org/licenses/MIT"), RDF.type, DCTERMS.LicenseDocument) in g
    kos_src = B("id/reference/source/sdg/kos-2020/codes.csv")
    assert (SDG["9.c"], PROV.wasDerivedFrom, kos_src) in g
    (citation,) = [str(o) for o in g.objects(kos_src, DCTERMS.bibliographicCitation)]
    assert "Knowledge Organization System" in citation


def test_sources_table_lists_existing_files():
    rows = csv_rows("sources.csv")
    assert rows
    for r in rows:
        assert (REF_DIR / r["path"]).is_file(), r["path"]
    licences = {r["key"] for r in csv_rows("licences.csv")}
    assert {r["licence"] for r in rows} <= licences


# ------------------------------------------------------------------ serialisation


def test_ntriples_parse_with_rdflib_and_pyoxigraph():
    data = reference_ntriples(BASE)
    g1 = rdflib.Graph()
    g1.parse(data=data, format="nt")
    quads = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    n = data.count(b"\n")
    assert len(g1) == len(quads) == n == len(reference_triples(BASE))
    assert n > 5000


def test_every_iri_is_valid_for_pyoxigraph():
    iris = {str(t) for trip in reference_triples(BASE) for t in trip if isinstance(t, URIRef)}
    for iri in iris:
        ox.NamedNode(iri)  # raises ValueError on an invalid IRI


def test_deterministic_within_and_across_processes():
    first = reference_ntriples(BASE)
    ref._build.cache_clear()
    assert reference_ntriples(BASE) == first
    # another interpreter with another hash seed (set iteration order differs)
    code = ("import sys; from itukg.graph.mapping.reference import reference_ntriples; "
            f"sys.stdout.buffer.write(reference_ntriples({BASE!r}))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True)
    assert out.stdout == first
    assert first == b"".join(sorted(first.splitlines(keepends=True)))


def test_other_base_iri():
    base = "http://example.org/kg/"
    triples = reference_triples(base)
    subjects = {str(s) for s, _, _ in triples}
    assert base + "id/region/africa" in subjects
    assert not any(s.startswith(BASE) for s in subjects)


@pytest.mark.parametrize("bad", ["https://w3id.org/itukg", "ftp://x/", "https://a b/", ""])
def test_bad_base_iri(bad):
    with pytest.raises(ValueError):
        reference_triples(bad)


def test_docstring_examples():
    """The examples in the builders' docstrings (one module per vocabulary) hold."""
    import importlib
    import pkgutil

    attempted = 0
    for info in pkgutil.iter_modules(ref.__path__):
        if info.name == "__main__":
            continue
        result = doctest.testmod(importlib.import_module(f"{ref.__name__}.{info.name}"))
        assert result.failed == 0, info.name
        attempted += result.attempted
    assert attempted >= 6


# ------------------------------------------------------------------ malformed data


@pytest.fixture
def ref_copy(tmp_path, monkeypatch):
    """A copy of graph/mapping/reference/ that a test may break; the module reads it instead."""
    copy = tmp_path / "reference"
    shutil.copytree(REF_DIR, copy)
    monkeypatch.setattr(ref, "REFERENCE_DIR", copy)
    ref._build.cache_clear()
    yield copy
    ref._build.cache_clear()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_bad_year_is_reported_with_file_and_line(ref_copy):
    _edit(ref_copy / "itu/itu_conferences.csv", "Busan,Republic of Korea,2014",
          "Busan,Republic of Korea,20x4")
    with pytest.raises(DataError) as exc:
        reference_ntriples(BASE)
    assert exc.value.source == "graph/mapping/reference/itu/itu_conferences.csv"
    assert exc.value.line == 7
    assert "20x4" in str(exc.value)


def test_stale_correction_is_an_error(ref_copy):
    _edit(ref_copy / "sdg/open-sdg/zh-Hans/global_targets.yml", "+B68", "")
    with pytest.raises(DataError) as exc:
        reference_ntriples(BASE)
    assert exc.value.source == "graph/mapping/reference/sdg/corrections.csv"
    assert exc.value.line == 2


def test_missing_file_is_an_error(ref_copy):
    (ref_copy / "itu/regions.csv").unlink()
    with pytest.raises(DataError, match="missing"):
        reference_ntriples(BASE)


def test_unknown_revision_venue_is_an_error(ref_copy):
    _edit(ref_copy / "itu/itu_resolutions_cited_in_corpus.csv", "Rev. Kigali, 2022",
          "Rev. Kigali, 2021")
    with pytest.raises(DataError, match="Kigali, 2021"):
        reference_ntriples(BASE)


# ------------------------------------------------------------------ label languages from the data


def _add_column(path: Path, name: str, values: dict[str, str], key: str) -> None:
    """Append column ``name`` to a CSV, filled from ``values`` by the row's ``key`` cell."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = [*rows[0].keys(), name]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fields, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({**r, name: values.get(r[key], "")})


def _graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in reference_triples(BASE):
        graph.add(t)
    return graph


def test_a_new_sdg_language_is_a_folder_and_its_sources_rows(ref_copy):
    """Adding SDG texts in a language takes its open-sdg folder and its rows in sources.csv
    (with the label_language), no code: here Portuguese (not a UN language, so no real folder is in the way), with the English texts as stand-in."""
    shutil.copytree(ref_copy / "sdg/open-sdg/en", ref_copy / "sdg/open-sdg/pt")
    with (ref_copy / "sources.csv").open("a", encoding="utf-8", newline="") as fh:
        for kind in ("goals", "targets", "indicators"):
            fh.write(f"sdg/open-sdg/pt/global_{kind}.yml,SDG {kind} Portuguese,,test,MIT,,,pt\n")
    graph = _graph()
    assert labels(graph, SDG["9"], SKOS.prefLabel, "pt") == labels(graph, SDG["9"],
                                                                    SKOS.prefLabel, "en")
    assert labels(graph, SDG["9.c"], SKOS.prefLabel, "pt")
    assert labels(graph, SDG["C090c01"], SKOS.prefLabel, "pt")
    pt_goals = B("id/reference/source/sdg/open-sdg/pt/global_goals.yml")
    assert (SDG["9"], PROV.wasDerivedFrom, pt_goals) in graph
    assert len(of_type(graph, SDGO.Goal)) == 17


def test_an_sdg_language_without_all_three_files_is_an_error(ref_copy):
    shutil.copytree(ref_copy / "sdg/open-sdg/en", ref_copy / "sdg/open-sdg/pt")
    with (ref_copy / "sources.csv").open("a", encoding="utf-8", newline="") as fh:
        fh.write("sdg/open-sdg/pt/global_goals.yml,SDG goals Portuguese,,test,MIT,,,pt\n")
    with pytest.raises(DataError, match="pt lack the targets, indicators"):
        reference_ntriples(BASE)


def test_label_columns_give_labels_in_their_language(ref_copy):
    """A label_<lang> (title_<lang>, conference_label_<lang>, ...) column is a label language."""
    _add_column(ref_copy / "itu/regions.csv", "label_pt",
                {k: f"{k} (pt)" for k in ("africa", "americas", "arab-states", "asia-pacific",
                                          "cis", "europe")}, "key")
    _add_column(ref_copy / "wsis/wsis_action_lines.csv", "title_pt", {"C7": "Applications"},
                "code")
    _add_column(ref_copy / "itu/bodies.csv", "conference_label_pt",
                {"PP": "Conferência de Plenipotenciários ({city}, {year})"}, "body")
    _add_column(ref_copy / "itu/bodies.csv", "resolution_label_pt",
                {"WTDC": "Resolução {number} da CMDT"}, "body")
    graph = _graph()
    assert labels(graph, B("id/region/africa"), RDFS.label, "pt") == ["africa (pt)"]
    assert labels(graph, B("id/wsis/C7"), SKOS.prefLabel, "pt") == ["Applications"]
    assert labels(graph, B("id/conference/pp-14"), RDFS.label, "pt") == [
        "Conferência de Plenipotenciários (Busan, 2014)"]
    assert labels(graph, B("id/resolution/wtdc/17"), RDFS.label, "pt") == [
        "Resolução 17 da CMDT"]
    assert labels(graph, B("id/resolution/pp/30"), RDFS.label, "en")  # PP has no pt template
    assert not labels(graph, B("id/resolution/pp/30"), RDFS.label, "pt")


def test_a_region_label_column_left_empty_is_an_error(ref_copy):
    _add_column(ref_copy / "itu/regions.csv", "label_pt", {"africa": "África"}, "key")
    with pytest.raises(DataError, match="label_pt"):
        reference_ntriples(BASE)


def test_module_entry_point_writes_ntriples():
    out = subprocess.run([sys.executable, "-m", "itukg.graph.mapping.reference", "ntriples"],
                         capture_output=True, check=True)
    assert out.stdout == reference_ntriples(BASE)
