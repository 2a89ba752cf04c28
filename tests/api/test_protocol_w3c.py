"""Every W3C SPARQL 1.1 Protocol test (protocol/cases.json), through the TestClient and through
real HTTP against a running uvicorn. The update tests are inverted on the read-only endpoint:
refused with a 4xx, data unchanged."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import httpx
import pytest
import rdflib

from servers import live_w3c, w3c_cases, w3c_client, w3c_store  # noqa: F401

CASES = w3c_cases()
SRX = "{http://www.w3.org/2005/sparql-results#}"


def _request(case: dict) -> list[dict]:
    ro = case["readonly"]
    if ro["applies"] == "inverted":
        return ro["requests_override"]
    return case["requests"]


def build_request(base: str, r: dict) -> httpx.Request:
    path = r["absolutePath"]
    assert path.startswith("/sparql/")
    url = base + "/sparql" + path[len("/sparql/"):]
    headers = {k: v for k, v in r["headers"]}
    content = None
    if r.get("body") is not None:
        content = r["body"]["chars"].encode(r["body"]["characterEncoding"].lower().replace("utf-16", "utf-16"))
    req = httpx.Request(r["method"], url, headers=headers, content=content)
    # the cases send no Accept header: drop the client's default one
    if "accept" not in {k.lower() for k in headers}:
        req.headers.pop("accept", None)
    return req


def check_response(resp: httpx.Response, expect: dict, case_id: str) -> None:
    classes = expect["status"]
    ok = any(
        (c.endswith("xx") and str(resp.status_code)[0] == c[0]) or c == str(resp.status_code)
        for c in classes
    )
    assert ok, f"{case_id}: status {resp.status_code} not in {classes}: {resp.text[:300]}"
    if resp.status_code >= 400:
        assert resp.headers["content-type"].startswith("application/problem+json"), case_id
        problem = resp.json()
        assert problem["status"] == resp.status_code and problem["detail"], case_id
        return
    ctype = resp.headers.get("content-type", "").split(";")[0].strip()
    fmt = expect.get("format")
    if fmt == "boolean":
        assert ctype in ("application/sparql-results+xml", "application/sparql-results+json"), (case_id, ctype)
    elif fmt == "tabular":
        assert ctype in (
            "application/sparql-results+xml", "application/sparql-results+json",
            "text/csv", "text/tab-separated-values",
        ), (case_id, ctype)
    elif fmt == "RDF":
        assert ctype in ("application/rdf+xml", "text/turtle", "application/n-triples"), (case_id, ctype)
        rdflib.Graph().parse(data=resp.content, format={"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}[ctype])
    if "boolean" in expect:
        if ctype == "application/sparql-results+json":
            value = json.loads(resp.content)["boolean"]
        else:
            value = ET.fromstring(resp.content).find(f"{SRX}boolean").text == "true"
        assert value is expect["boolean"], f"{case_id}: ASK answered {value}"


COUNT = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def _counts(send) -> list:
    r = send(httpx.Request("GET", "/sparql", params={"query": COUNT}, headers={"accept": "application/sparql-results+json"}))
    assert r.status_code == 200
    return [(b["g"]["value"], b["n"]["value"]) for b in r.json()["results"]["bindings"]]


def _run_case(case: dict, base: str, send) -> None:
    before = _counts(lambda req: send(httpx.Request(req.method, base + str(req.url), headers=req.headers)))
    for r in _request(case):
        resp = send(build_request(base, r))
        check_response(resp, r["expect"], case["id"])
    after = _counts(lambda req: send(httpx.Request(req.method, base + str(req.url), headers=req.headers)))
    assert after == before, f"{case['id']}: the data changed"
    assert len(after) == 4  # data1..3 + the big graph: nothing was cleared


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_w3c_case_testclient(case: dict, w3c_client) -> None:  # noqa: F811
    _run_case(case, "http://testserver", w3c_client.send)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_w3c_case_live(case: dict, live_w3c) -> None:  # noqa: F811
    with httpx.Client(timeout=30) as client:
        _run_case(case, live_w3c.url, client.send)


def test_all_cases_are_run() -> None:
    ids = {c["id"] for c in CASES}
    assert len(ids) == 34 and "query_multiple_dataset" in ids and "bad_update_get" in ids
    assert sum(1 for c in CASES if c["readonly"]["applies"] == "inverted") == 7
