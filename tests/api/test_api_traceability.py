"""The traceability API and the named-query endpoint, through the TestClient (the app with its
lifespan: real store, real query workers) and through a real uvicorn.

Expected values were read from ``corpus/ACP-22A14-4.zh.txt`` (line numbers in the comments).
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest

from itukg.settings import Settings
from traceability_fixtures import (  # noqa: F401
    api_client,
    audited_corpus,
    corpus_lines,
    live_api,
    two_documents,
)

DOC = "https://w3id.org/itukg/id/doc/acp-22a14-4-zh"
SDG = "http://metadata.un.org/sdg/"
PROBLEM = "application/problem+json"


def problem(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


# -------------------------------------------------------------------------------------------
# named queries
# -------------------------------------------------------------------------------------------


def test_list_of_named_queries(api_client):
    r = api_client.get("/api/queries")
    assert r.status_code == 200
    items = {q["name"]: q for q in r.json()}
    assert {"output-trace", "sdg-trace", "resolution-trace", "coverage-by-goal", "coverage-by-wsis",
            "unfilled-slots", "audit-findings", "link-provenance"} <= set(items)
    ot = items["output-trace"]
    assert ot["summary"] and ot["url"] == "/api/queries/output-trace?outputCode=4.1&document=acp-22a14-4-zh"
    assert [(p["name"], p["type"], p["required"]) for p in ot["params"]] == [
        ("outputCode", "output-code", True), ("document", "document", False)]


def test_every_named_query_runs_with_its_examples(api_client):
    for q in api_client.get("/api/queries").json():
        r = api_client.get(q["url"])
        assert r.status_code == 200, (q["name"], r.text)
        body = r.json()
        assert body["head"]["vars"] and body["results"]["bindings"], q["name"]


def test_named_query_result_formats_and_conneg(api_client):
    url = "/api/queries/sdg-trace?sdg=9.c"
    j = api_client.get(url).json()
    rows = j["results"]["bindings"]
    assert {b["outputCode"]["value"] for b in rows} == {"4.1"}
    assert {b["objectCode"]["value"] for b in rows} == {"9.c", "WTDC 16"}

    r = api_client.get(url, headers={"Accept": "application/sparql-results+xml"})
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert len(ET.fromstring(r.content).findall(".//s:result", ns)) == len(rows)

    r = api_client.get(url + "&format=csv")
    assert r.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert len(table) == len(rows) and {t["lineNumber"] for t in table} == {"90", "94"}

    r = api_client.get(url, headers={"Accept": "text/tab-separated-values;q=0.9, text/csv;q=0.5"})
    assert r.headers["content-type"].startswith("text/tab-separated-values")

    r = api_client.get(url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.headers["content-type"].startswith("text/html") and "9.c" in r.text

    problem(api_client.get(url, headers={"Accept": "image/png"}), 406)


@pytest.mark.parametrize("url, status, what", [
    ("/api/queries/no-such-query", 404, "no-such-query"),
    ("/api/queries/output-trace", 422, "outputCode"),
    ("/api/queries/output-trace?outputCode=4", 422, "outputCode"),
    ("/api/queries/output-trace?outputCode=4.1&colour=red", 422, "colour"),
    ("/api/queries/output-trace?outputCode=4.1&outputCode=4.2", 422, "more than once"),
    ("/api/queries/sdg-trace?sdg=9c", 422, "9.c"),
    ("/api/queries/sdg-trace?sdg=18", 422, "18"),
    ("/api/queries/link-provenance?subject=not%20an%20iri", 422, "not a valid absolute IRI"),
    ("/api/queries/resolution-trace?resolution=ITU%2016", 422, "resolution"),
    ("/api/queries/audit-findings?severity=fatal", 422, "severity"),
])
def test_named_query_errors_are_problems(api_client, url, status, what):
    body = problem(api_client.get(url), status)
    assert what in body["detail"]


def test_a_value_that_looks_like_sparql_is_just_a_value(api_client):
    # bound through the engine, never pasted: this is a valid output code? no - refused by type;
    # as a free string it simply matches nothing
    r = api_client.get("/api/queries/audit-findings", params={"kind": '"} } DROP ALL #'})
    assert r.status_code == 200 and r.json()["results"]["bindings"] == []


# -------------------------------------------------------------------------------------------
# /api/outputs
# -------------------------------------------------------------------------------------------


def test_outputs_list(api_client, corpus_lines):
    items = api_client.get("/api/outputs").json()
    assert [o["code"] for o in items] == ["4.1", "4.2", "4.3", "4.4"]
    for o in items:
        assert set(o) >= {"code", "iri", "title", "document"}
        assert o["iri"] == f"{DOC}/output/{o['code']}" and o["document"] == DOC
        heading = next(line for line in corpus_lines if line.startswith("输出成果" + o["code"]))
        assert o["title"]["zh"] and o["title"]["zh"] in heading and "en" not in o["title"]


def test_output_42(api_client):
    o = api_client.get("/api/outputs/4.2").json()
    assert o["code"] == "4.2" and o["iri"] == DOC + "/output/4.2"
    assert [w["code"] for w in o["wsisActionLines"]] == ["C7"]  # line 148
    assert o["wsisActionLines"][0]["provenance"]["line"] == 148
    assert [(r["body"], r["number"]) for r in o["resolutions"]] == [
        ("WTDC", n) for n in (17, 21, 30, 32, 37, 50, 52, 53, 54)]  # line 146
    r17 = o["resolutions"][0]
    assert r17["iri"].endswith("/id/resolution/wtdc/17") and r17["label"]["en"] == "WTDC Resolution 17"
    assert r17["provenance"] == {
        "document": DOC, "section": "output/4.2/references", "line": 146,
        "text": r17["provenance"]["text"], "asWritten": r17["provenance"]["asWritten"]}
    assert "17、21、30" in r17["provenance"]["text"]
    t3a = next(t for t in o["sdgTargets"] if t["code"] == "3.a")  # line 150
    assert t3a["iri"] == SDG + "3.a" and t3a["goal"] == "3" and t3a["provenance"]["line"] == 150
    assert t3a["title"]["en"] and t3a["title"]["zh"]
    # a language without text is absent, never null (decision 0087)
    assert "en" not in o["title"] and None not in o["outcome"]["text"].values()
    assert len(o["sdgTargets"]) == 24 and [g["code"] for g in o["sdgGoals"]] == ["2", "3", "4", "6", "7", "11"]
    assert o["outcome"]["code"] == "4.2" and o["outcome"]["text"]["zh"].startswith("提高国际电联成员")
    assert [i["ordinal"] for i in o["indicators"]] == [1, 2, 3]  # lines 14-16
    regions = o["regionalInitiatives"]
    assert len(regions) == 6 and all(r["initiatives"] == [] for r in regions)
    assert [r["region"]["key"] for r in regions] == ["africa", "americas", "arab-states", "asia-pacific", "cis",
                                                     "europe"]
    assert regions[0]["asWritten"] == "非洲区域" and regions[0]["provenance"]["line"] == 112
    assert len(o["questions"]) == 1 and o["questions"][0]["placeholder"] is True
    assert o["questions"][0]["asWritten"] == "第X号研究组课题" and o["questions"][0]["provenance"]["line"] == 139


def test_output_41(api_client):
    o = api_client.get("/api/outputs/4.1", params={"document": "acp-22a14-4-zh"}).json()
    t9c = next(t for t in o["sdgTargets"] if t["code"] == "9.c")
    assert t9c["goal"] == "9" and t9c["iri"] == SDG + "9.c"
    assert t9c["provenance"]["line"] == 94 and t9c["provenance"]["asWritten"] == "9c"
    assert [r["number"] for r in o["resolutions"]] == [16]
    assert [w["code"] for w in o["wsisActionLines"]] == ["C2", "C6", "C7"]
    slip = next(c for c in o["citations"] if c["provenance"]["line"] == 33 and c["number"] == 16)
    assert slip["bodyAsWritten"] == "全权代表大会" and slip["body"] == "PP" and slip["revisionYear"] == 2014
    assert o["document"] == DOC


@pytest.mark.parametrize("url, status", [
    ("/api/outputs/9.9", 404), ("/api/outputs/abc", 422),
    ("/api/outputs?document=no-such-doc", 404), ("/api/outputs?document=Not%20a%20slug", 422),
])
def test_output_errors(api_client, url, status):
    problem(api_client.get(url), status)


# -------------------------------------------------------------------------------------------
# /api/sdg, /api/resolutions
# -------------------------------------------------------------------------------------------


def test_sdg_target_9c(api_client):
    s = api_client.get("/api/sdg/9.c").json()
    assert s["kind"] == "target" and s["goal"] == "9" and s["iri"] == SDG + "9.c" and s["title"]["en"]
    assert [o["code"] for o in s["outputs"]] == ["4.1"]
    out = s["outputs"][0]
    assert [(v["predicate"], v["code"], v["provenance"]["line"]) for v in out["via"]] == [("servesTarget", "9.c", 94)]
    assert [(r["body"], r["number"], r["provenance"]["line"]) for r in out["resolutions"]] == [("WTDC", 16, 90)]


def test_sdg_goal_3(api_client):
    s = api_client.get("/api/sdg/3").json()
    assert s["kind"] == "goal" and s["goal"] == "3" and "3.a" in s["targets"] and len(s["targets"]) == 13
    got = {o["code"]: sorted(v["code"] for v in o["via"]) for o in s["outputs"]}
    assert got == {"4.1": ["3", "3.9"], "4.2": ["3", "3.1", "3.2", "3.4", "3.5", "3.6", "3.7", "3.a"],
                   "4.4": ["3", "3.9"]}
    assert {o["code"]: [r["number"] for r in o["resolutions"]] for o in s["outputs"]}["4.4"] == [34]
    assert api_client.get("/api/sdg/12").json()["outputs"] == []


@pytest.mark.parametrize("code", ["9c", "18", "0", "9.", "x"])
def test_sdg_malformed_codes(api_client, code):
    problem(api_client.get(f"/api/sdg/{code}"), 422)


def test_sdg_code_of_the_right_shape_that_does_not_exist(api_client):
    problem(api_client.get("/api/sdg/9.z"), 404)


def test_resolution_wtdc_17(api_client):
    r = api_client.get("/api/resolutions/WTDC/17").json()
    assert (r["body"], r["number"]) == ("WTDC", 17) and r["iri"].endswith("/resolution/wtdc/17")
    assert r["title"]["en"].startswith("Implementation of regionally approved initiatives")
    places = {o["code"]: [(p["kind"], p["provenance"]["line"]) for p in o["places"]] for o in r["outputs"]}
    assert places == {
        "4.1": [("citation", 53)],
        "4.2": [("citation", 109), ("citation", 146), ("mandate", 146)],
        "4.3": [("citation", 166), ("citation", 203), ("mandate", 203)],
        "4.4": [("citation", 222)],
    }
    assert "9.c" in next(o for o in r["outputs"] if o["code"] == "4.1")["sdgTargets"]


def test_resolution_pp_16_as_written(api_client):
    r = api_client.get("/api/resolutions/pp/16").json()
    (out,) = r["outputs"]
    (place,) = out["places"]
    assert out["code"] == "4.1" and place["kind"] == "citation" and place["provenance"]["line"] == 33
    assert place["quote"] == "全权代表大会第16号决议（2014年，迪拜，修订版）" and place["rule"] == "as-written"


@pytest.mark.parametrize("url, status", [
    ("/api/resolutions/wtdc/999", 404), ("/api/resolutions/itu/16", 422), ("/api/resolutions/wtdc/sixteen", 422),
])
def test_resolution_errors(api_client, url, status):
    problem(api_client.get(url), status)


# -------------------------------------------------------------------------------------------
# /api/coverage, /api/audit
# -------------------------------------------------------------------------------------------


def test_coverage(api_client):
    c = api_client.get("/api/coverage").json()
    goals = {g["code"]: g for g in c["goals"]}
    assert len(goals) == 17
    assert goals["9"]["outputCount"] == 1 and goals["9"]["unservedTargetCodes"] == ["9.1", "9.2", "9.3", "9.4", "9.5"]
    assert goals["3"]["outputCount"] == 3 and goals["12"]["outputCount"] == 0
    t9c = next(t for t in goals["9"]["targets"] if t["code"] == "9.c")
    assert t9c["outputCount"] == 1 and [o["code"] for o in t9c["outputs"]] == ["4.1"]
    assert len(c["targets_unserved"]) == 120 and c["totals"]["targets_served"] == 49
    wsis = {w["code"]: w["outputCount"] for w in c["wsis"]}
    assert wsis["C7"] == 4 and wsis["C1"] == 0
    # titles by language, every language the graph has (decision 0087)
    assert "label_zh" not in goals["9"] and goals["9"]["label"] == goals["9"]["title"]["en"]
    assert goals["9"]["title"]["zh"].startswith("建造具备抵御灾害能力的基础设施")
    assert t9c["title"]["en"] and t9c["title"]["zh"]
    assert all("label_zh" not in r and r["title"].get("en") for r in c["resolutions"]
               if r["label"].startswith("WTDC Resolution"))
    one = api_client.get("/api/coverage", params={"document": "acp-22a14-4-zh"}).json()
    assert one["document"] == DOC and one["totals"] == c["totals"]
    problem(api_client.get("/api/coverage", params={"document": "nope"}), 404)


def test_audit(api_client):
    a = api_client.get("/api/audit").json()
    assert a["conforms"] is False
    assert a["counts"]["total"] == 42 and a["counts"]["by_severity"] == {"Violation": 29, "Warning": 4, "Info": 9}
    assert a["counts"]["by_kind"]["regional-slot-empty"] == 24 and a["counts"]["by_kind"]["question-placeholder"] == 4
    f = next(f for f in a["findings"] if f["kind"] == "citation-body-conference")
    assert set(f) >= {"id", "severity", "kind", "focus", "message", "value", "provenance"}
    assert f["id"].startswith("https://w3id.org/itukg/id/finding/") and f["severity"] == "Violation"
    assert f["message"]["en"] and f["message"]["zh"] and f["value"] == "全权代表大会"
    assert f["provenance"]["line"] == 33 and f["provenance"]["document"] == DOC
    assert f["focus"]["output"] == "4.1"
    warnings = api_client.get("/api/audit", params={"severity": "Warning"}).json()
    assert warnings["counts"]["total"] == 4 and {x["severity"] for x in warnings["findings"]} == {"Warning"}
    empty = api_client.get("/api/audit", params={"kind": "regional-slot-empty", "document": DOC}).json()
    assert empty["counts"]["total"] == 24
    problem(api_client.get("/api/audit", params={"severity": "fatal"}), 422)


def test_audit_without_a_stored_audit_is_404(corpus_store):
    from fastapi.testclient import TestClient

    from itukg.api.app import create_app

    settings, _ = corpus_store
    with TestClient(create_app(Settings(store=settings.store, query_workers=1))) as client:
        body = problem(client.get("/api/audit"), 404)
        assert "itukg audit" in body["detail"]


def test_openapi_documents_the_response_models(api_client):
    spec = api_client.get("/openapi.json").json()
    for path in ("/api/outputs", "/api/outputs/{code}", "/api/sdg/{code}", "/api/resolutions/{body}/{number}",
                 "/api/coverage", "/api/audit", "/api/queries", "/api/queries/{name}"):
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    assert {"OutputDetail", "Provenance", "SdgTrace", "ResolutionTrace", "CoverageReport",
            "AuditReportModel"} <= set(schemas)
    assert set(schemas["Provenance"]["properties"]) >= {"document", "section", "line", "text"}


# -------------------------------------------------------------------------------------------
# several documents
# -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_doc_client(two_documents: Settings) -> Iterator:
    from fastapi.testclient import TestClient

    from itukg.api.app import create_app

    with TestClient(create_app(Settings(store=two_documents.store, query_workers=1))) as client:
        yield client


def test_codes_are_ambiguous_across_documents(two_doc_client):
    body = problem(two_doc_client.get("/api/outputs/4.1"), 409)
    slugs = sorted(d["slug"] for d in body["documents"])
    assert len(slugs) == 2 and "acp-22a14-4-zh" in slugs and "document" in body["detail"]
    for slug in slugs:
        o = two_doc_client.get("/api/outputs/4.1", params={"document": slug}).json()
        assert o["document"].endswith("/" + slug) and o["iri"].startswith(o["document"] + "/")
        assert [r["number"] for r in o["resolutions"]] == [16]
    assert len(two_doc_client.get("/api/outputs").json()) == 8
    assert len(two_doc_client.get("/api/outputs", params={"document": slugs[0]}).json()) == 4
    s = two_doc_client.get("/api/sdg/9.c").json()
    assert sorted(o["document"].rsplit("/", 1)[1] for o in s["outputs"]) == slugs
    rows = two_doc_client.get("/api/queries/output-trace?outputCode=4.1").json()["results"]["bindings"]
    assert {b["document"]["value"].rsplit("/", 1)[1] for b in rows} == set(slugs)
    rows = two_doc_client.get(f"/api/queries/output-trace?outputCode=4.1&document={slugs[0]}").json()
    assert {b["document"]["value"].rsplit("/", 1)[1] for b in rows["results"]["bindings"]} == {slugs[0]}


# -------------------------------------------------------------------------------------------
# the same over real HTTP
# -------------------------------------------------------------------------------------------


def test_live_server_answers_the_api(live_api):
    with httpx.Client(base_url=live_api.url, timeout=30) as http:
        o = http.get("/api/outputs/4.2").json()
        assert [w["code"] for w in o["wsisActionLines"]] == ["C7"]
        assert len(o["regionalInitiatives"]) == 6 and o["questions"][0]["placeholder"] is True
        r = http.get("/api/queries/sdg-trace", params={"sdg": "9.c", "format": "tsv"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/tab-separated-values")
        assert len(r.text.strip().splitlines()) == 3
        p = http.get("/api/sdg/9c")
        assert p.status_code == 422 and p.headers["content-type"].startswith(PROBLEM)
        cors = http.get("/api/outputs", headers={"Origin": "https://example.org"})
        assert cors.headers["access-control-allow-origin"] == "*"
        assert json.loads(http.get("/api/audit").content)["counts"]["total"] == 42
