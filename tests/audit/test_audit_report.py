"""The report model and its forms: the documented JSON (``GET /api/audit``), CSV, HTML, Turtle
(the SHACL report plus our provenance) and text; and the coverage computation."""

from __future__ import annotations

import copy
import csv
import io
import json
from html.parser import HTMLParser

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH

from itukg.graph.audit import run_audit
from itukg.graph.reads.coverage import coverage
from itukg.graph.reads.coverage import coverage_csv, coverage_text
from itukg.graph.audit.render import CSV_COLUMNS, render
from itukg.graph.store import open_store
from itukg.settings import Settings
from test_audit_fixtures import CORPUS_SLUG, clean_settings, corpus_settings  # noqa: F401

IKG = Namespace("https://w3id.org/itukg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")


@pytest.fixture(scope="module")
def report(corpus_settings: Settings):
    store = open_store(corpus_settings, read_only=True)
    try:
        return run_audit(store, corpus_settings, store_report=False)
    finally:
        store.close()


@pytest.fixture(scope="module")
def cov(corpus_settings: Settings) -> dict:
    store = open_store(corpus_settings, read_only=True)
    try:
        return coverage(store, corpus_settings)
    finally:
        store.close()


def test_json_has_the_documented_shape(report) -> None:
    data = json.loads(render(report, "json"))
    assert data == report.to_json()
    assert set(data) >= {"conforms", "counts", "findings"}
    assert data["conforms"] is False
    assert data["counts"]["by_severity"] == {"Violation": 29, "Warning": 4, "Info": 9}
    assert data["counts"]["total"] == len(data["findings"]) == 42
    assert sum(data["counts"]["by_kind"].values()) == 42
    assert data["counts"]["by_output"][f"{CORPUS_SLUG} 4.1"] == {"Violation": 8, "Warning": 3, "Info": 5}
    for f in data["findings"]:
        assert set(f) >= {"id", "severity", "kind", "focus", "message", "value", "provenance"}
        assert set(f["message"]) == {"en", "zh", "fr", "es", "ru", "ar"}
        assert set(f["focus"]) >= {"iri", "label", "code", "output", "document"}
        assert set(f["provenance"]) >= {"document", "section", "line", "text"}
        assert f["provenance"]["document"].endswith("/id/doc/" + CORPUS_SLUG)
    json.dumps(data, ensure_ascii=False)  # plain JSON types only


def test_csv_has_one_finding_per_row(report) -> None:
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert len(rows) == 42
    assert list(rows[0]) == CSV_COLUMNS
    assert {r["id"] for r in rows} == {f.id for f in report.findings}
    body = next(r for r in rows if r["kind"] == "citation-body-conference")
    assert body["line"] == "33" and body["output"] == "4.1" and body["value"] == "全权代表大会"
    assert body["quote"] == "全权代表大会第16号决议（2014年，迪拜，修订版）"
    assert body["message_zh"] and body["message_en"]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ("meta", "br", "link"):
            self.stack.append(tag)
        for k, v in attrs:
            if k == "id":
                self.ids.add(v)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_well_formed_grouped_and_counted(report) -> None:
    page = render(report, "html")
    p = _Collector()
    p.feed(page)
    assert p.stack == []
    text = "".join(p.text)
    assert "DOES NOT CONFORM: 29 violations" in text
    assert "kind-regional-slot-empty" in p.ids and "by-output" in p.ids
    assert all(f.id.rsplit("/", 1)[1] in p.ids for f in report.findings)
    assert "<mark>全权代表大会第16号决议（2014年，迪拜，修订版）</mark>" in page
    assert "<script" not in page and "http://" not in page.split("<body>")[0].replace(
        "http://www.w3.org", "")


def test_turtle_is_the_shacl_report_plus_provenance(report, corpus_settings: Settings) -> None:
    g = Graph().parse(data=render(report, "turtle"), format="turtle")
    nt = Graph().parse(data=report.to_ntriples(), format="nt")
    assert isomorphic(g, nt)
    (rep,) = g.subjects(RDF.type, SH.ValidationReport)
    assert g.value(rep, SH.conforms) == Literal(False)
    results = set(g.objects(rep, SH.result))
    assert len(results) == 42
    for r in results:
        assert (r, RDF.type, IKG.Finding) in g
        assert g.value(r, SH.focusNode) is not None and g.value(r, SH.sourceShape) is not None
        assert {m.language for m in g.objects(r, SH.resultMessage)} == {"en", "zh", "fr", "es", "ru", "ar"}
        line = g.value(r, PROV.wasDerivedFrom)
        assert str(line).startswith(corpus_settings.document_iri(CORPUS_SLUG) + "/line/")
        assert g.value(r, IKG.aboutOutput) is not None
    one = next(r for r in results if g.value(r, IKG.checkKind) == Literal("citation-body-conference"))
    assert g.value(one, SH.value) == Literal("全权代表大会")  # as written: a plain string
    assert g.value(one, SH.resultPath) == IKG.bodyAsWritten
    assert g.value(one, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent


def test_text_groups_by_kind_and_output_with_counts_first(report) -> None:
    text = render(report, "text")
    head, _, body = text.partition("== ")
    assert "Findings by kind of check" in head and "Findings by output" in head
    assert head.index("DOES NOT CONFORM") < head.index("Findings by kind")
    kinds = [line.split("[")[1].split("]")[0] for line in text.splitlines() if line.startswith("== ")]
    assert kinds == ["regional-slot-empty", "question-placeholder", "citation-body-conference",
                     "background-unlisted", "programme-year", "sdg-target-notation"]
    assert text.count("    output 4.1") >= 4


def test_unknown_format_is_refused(report) -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render(report, "pdf")
    with pytest.raises(ValueError, match="unknown interface language"):
        render(report, "text", lang="xx")


def test_text_and_html_speak_the_readers_language(report) -> None:
    text = render(report, "text", lang="zh")
    assert "不符合要求：29 条违规" in text.splitlines()[1]
    assert "   区域性举措空缺：未列出该区域的任何区域性举措。" in text
    assert "no regional initiative is named" not in text
    page = render(report, "html", lang="zh")
    assert "<html lang='zh'>" in page and "按输出成果列出的结果" in page
    assert "<span class='sev Violation'>违规</span>" in page and "[en]" not in page
    english = render(report, "text")
    assert "   Empty regional-initiative slot: no regional initiative is named" in english
    assert "区域性举措空缺" not in english


def test_a_message_missing_in_the_readers_language_falls_back_visibly(report) -> None:
    """Shapes may speak any languages: a reader whose language they lack sees another one,
    tagged with its language."""
    r = copy.deepcopy(report)
    for k in r.kinds:
        k["message"] = {"en": k["message"]["en"]}
    for f in r.findings:
        f.message = {"en": f.message["en"]}
    text = render(r, "text", lang="zh")
    assert "   [en] Empty regional-initiative slot: no regional initiative is named" in text
    page = render(r, "html", lang="zh")
    assert '<p class=\'msg\'><span lang="en">[en] Empty regional-initiative slot: ' in page
    rows = list(csv.DictReader(io.StringIO(render(r, "csv"))))
    assert list(rows[0])[-1] == "message_en" and "message_zh" not in rows[0]


def test_coverage_of_the_corpus(cov: dict) -> None:
    res = {r["label"]: [o["code"] for o in r["outputs"]] for r in cov["resolutions"]}
    assert res["WTDC Resolution 17"] == ["4.2", "4.3"]
    assert res["WTDC Resolution 16"] == ["4.1"]
    assert res["PP Resolution 70"] == ["4.3"]
    goals = {g["code"]: g for g in cov["goals"]}
    assert len(goals) == 17
    assert [o["code"] for o in goals["9"]["outputs"]] == ["4.1"]
    assert {t["code"] for t in goals["9"]["targets"] if t["outputs"]} == {"9.a", "9.b", "9.c"}
    assert goals["9"]["targets_served"] == 3 and goals["9"]["targets_total"] == 8
    assert goals["12"]["outputs"] == [] and goals["12"]["targets_served"] == 0
    unserved = {t["code"] for t in cov["targets_unserved"]}
    assert "9.1" in unserved and "9.c" not in unserved and len(unserved) == 169 - 49
    wsis = {w["code"]: [o["code"] for o in w["outputs"]] for w in cov["wsis"]}
    assert wsis["C7"] == ["4.1", "4.2", "4.3", "4.4"] and wsis["C1"] == []
    out = {o["code"]: o for o in cov["outputs"]}
    assert out["4.1"]["counts"] == {"resolutions": 1, "wsis": 3, "targets": 12, "goals": 8, "outcomes": 1}
    assert {t["code"] for t in out["4.1"]["links"]["targets"]} >= {"8.a", "17.18"}
    assert cov["totals"]["goals_served"] == 13
    json.dumps(cov, ensure_ascii=False)


def test_coverage_renderings(cov: dict) -> None:
    text = coverage_text(cov)
    assert "Targets no output serves (120)" in text
    assert "  Goal 9   " in text
    rows = list(csv.DictReader(io.StringIO(coverage_csv(cov))))
    targets = [r for r in rows if r["view"] == "target" and r["item"] == "9.c"]
    assert [r["output"] for r in targets] == ["4.1"]
    assert [r["output"] for r in rows if r["view"] == "target" and r["item"] == "9.1"] == [""]


def test_coverage_of_one_document(clean_settings: Settings) -> None:
    store = open_store(clean_settings, read_only=True)
    try:
        data = coverage(store, clean_settings, "acp-99-1-zh")
    finally:
        store.close()
    assert [o["code"] for o in data["outputs"]] == ["3.1", "3.2"]
    assert data["totals"]["resolutions"] == 5


def test_the_html_report_renders_without_the_web_app() -> None:
    """`itukg audit --format html` renders through the one Jinja environment, which must not
    pull in FastAPI or the pages (a fresh interpreter shows what an import really loads)."""
    import subprocess
    import sys

    code = ("import sys, itukg.graph.audit.render as r; "
            "print(sorted(m for m in ('fastapi', 'starlette', 'itukg.api.pages') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
