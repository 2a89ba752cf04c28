"""Downloads of every view and the trace page's search and start, over real HTTP on the corpus
store (issue 14, decisions 0145 and 0147). The numbers are checked against the graph itself,
asked through /sparql, and against the page the download comes from."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

import httpx
import pytest

SDG = "http://metadata.un.org/sdg/"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def client(live_pages):
    with httpx.Client(base_url=live_pages.url, timeout=60) as c:
        yield c


@pytest.fixture(autouse=True)
def _fresh_cookies(client):
    """Each test starts in English, without the language cookie an earlier test set."""
    client.cookies.clear()


def _csv(r: httpx.Response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


def _sparql(client, query: str) -> list[dict]:
    r = client.get("/sparql", params={"query": "PREFIX ikg: <https://w3id.org/itukg/ontology#>\n"
                                                "PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>\n" + query},
                   headers={"accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def _download_links(html: str) -> dict[str, str]:
    block = re.search(r'<p class="downloads">(.*?)</p>', html, re.S)
    assert block, "the page has a downloads line"
    return {f: h.replace("&amp;", "&") for h, f in re.findall(r'href="([^"]+)" download data-format="(\w+)"',
                                                               block[1])}


MEDIA = {"csv": "text/csv", "json": "application/json", "svg": "image/svg+xml", "png": "image/png"}


@pytest.mark.parametrize("page,formats", [("/coverage", "csv json svg png"), ("/coverage?goal=9", "csv json svg png"),
                                          ("/coverage/wsis", "csv json svg png"),
                                          ("/trace?focus=" + quote(SDG + "9", safe=""), "csv json")])
def test_every_view_links_its_downloads_and_each_has_its_media_type(client, page, formats):
    r = client.get(page)
    assert r.status_code == 200
    links = _download_links(r.text)
    assert sorted(links) == sorted(formats.split())
    for fmt, href in links.items():
        d = client.get(href)
        assert d.status_code == 200, (href, d.text[:300])
        assert d.headers["content-type"].split(";")[0] == MEDIA[fmt], href
        disposition = d.headers["content-disposition"]
        assert disposition.startswith("attachment; filename=") and disposition.endswith(f'.{fmt}"')
        if fmt == "png":
            assert d.content.startswith(PNG_MAGIC) and len(d.content) > 5000
        elif fmt == "svg":
            assert d.text.lstrip().startswith("<?xml") and "<svg" in d.text
        elif fmt == "json":
            assert isinstance(d.json(), dict)
        else:
            assert len(_csv(d)) > 1


def test_coverage_csv_and_json_agree_with_the_graph(client):
    """Each output's count of goals in the CSV is the number of goals it serves in the graph (a
    target of the goal, or the goal itself)."""
    rows = _csv(client.get("/coverage.csv"))
    head, body = rows[0], rows[1:]
    assert head[:4] == ["iri", "document", "code", "name"]
    assert head[4].startswith("1 ") and len(head) == 4 + 17  # every goal, named
    served = _sparql(client, """SELECT ?o (COUNT(DISTINCT ?g) AS ?n) WHERE {
        { ?o ikg:servesTarget ?t . ?t sdgo:isTargetOf ?g } UNION { ?o ikg:servesGoal ?g } } GROUP BY ?o""")
    expected = {r["o"]: int(r["n"]) for r in served}
    assert {r[0]: sum(1 for c in r[4:] if int(c)) for r in body} == expected
    doc = client.get("/coverage.json").json()
    assert doc["view"] == "sdg-goals" and len(doc["columns"]) == 17
    assert all(c["name"] for c in doc["columns"])  # goal names, not only numbers
    cells = {(c["row"], c["column"]): c["count"] for c in doc["cells"]}
    for r in body:
        for j, col in enumerate(doc["columns"]):
            assert int(r[4 + j]) == cells.get((r[0], col["iri"]), 0)


def test_goal_targets_download_names_the_targets(client):
    doc = client.get("/coverage.json", params={"goal": "9"}).json()
    assert doc["view"] == "sdg-targets" and doc["goal"]["code"] == "9"
    assert {c["code"] for c in doc["columns"]} >= {"9.1", "9.c"}
    r = client.get("/coverage.csv", params={"goal": "9"})
    assert 'filename="coverage-sdg-goal-9' in r.headers["content-disposition"]


def test_heatmap_svg_writes_goal_and_wsis_names_on_the_axes(client):
    goals = _sparql(client, "SELECT ?g ?l WHERE { ?g a sdgo:Goal ; <http://www.w3.org/2004/02/skos/core#altLabel> ?l "
                            "FILTER(lang(?l) = 'en') }")
    assert goals
    svg = client.get("/coverage.svg").text
    names = re.findall(r'<text class="col-name"[^>]*>([^<]*)</text>', svg)
    assert len(names) == 17 and names[0].startswith("1 ")
    for g in goals:  # every goal's English short name is on the axis (maybe shortened)
        assert any(g["l"][:20] in n for n in names), g
    wsis = client.get("/coverage/wsis.svg").text
    rows = re.findall(r'<text class="row-name"[^>]*>([^<]*)</text>', wsis)
    assert any(r.startswith("C7 ") and "ICT" in r for r in rows) and len(rows) == 11


def test_html_heatmaps_write_the_names_on_the_axes(client):
    html = client.get("/coverage").text
    assert len(re.findall(r'<span class="col-name"', html)) == 17
    assert "Industry, innovation and infrastructure" in html.split('<tbody>')[0]  # in the header row
    zh = client.get("/coverage/wsis", params={"lang": "zh"}).text
    assert re.search(r'<span class="col-name"[^>]*>[^<]*[\u4e00-\u9fff]', zh)


def test_trace_downloads_list_every_edge_with_its_line(client):
    focus = SDG + "13"
    page = client.get("/trace", params={"focus": focus}).text
    rows_on_page = len(re.findall(r'<tr class="edge-row', page))
    table = _csv(client.get("/trace.csv", params={"focus": focus}))
    assert table[0][:4] == ["from_kind", "from_code", "from_iri", "link"]
    stated = {tuple(r[:7]) for r in table[1:] if r[3] != "isTargetOf"}
    assert len(stated) == rows_on_page  # the page's table, edge for edge
    assert all(r[8] and r[9].isdigit() for r in table[1:] if r[3] != "isTargetOf")  # each with its line
    doc = client.get("/trace.json", params={"focus": focus}).json()
    assert doc["focus"]["iri"] == focus and doc["focus"]["kind"] == "goal"
    assert {e["link"] for e in doc["edges"]} >= {"servesTarget", "isTargetOf"}


def test_download_errors_are_problem_json(client):
    for path, params in (("/coverage.xlsx", {}), ("/coverage.csv", {"document": "nope"}),
                         ("/coverage.csv", {"goal": "99"}), ("/trace.svg", {"focus": SDG + "9"}),
                         ("/trace.csv", {"focus": "http://example.org/nothing"}), ("/trace.json", {"focus": "no iri"})):
        r = client.get(path, params=params)
        assert r.status_code == 404, (path, params, r.status_code)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "Traceback" not in r.text


# -- the trace page's start and search ------------------------------------------------------------
def test_trace_start_shows_goals_with_counts_not_a_dropdown(client):
    r = client.get("/trace")
    assert "<select" not in r.text and 'type="search"' in r.text
    start = re.findall(r'<span class="goal-num g(\d+)">.*?<span class="n-outputs">(\d+) outputs?</span>', r.text, re.S)
    assert len(start) == 17
    served = _sparql(client, """SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {
        { ?o ikg:servesTarget ?t . ?t sdgo:isTargetOf <http://metadata.un.org/sdg/9> }
        UNION { ?o ikg:servesGoal <http://metadata.un.org/sdg/9> } }""")
    assert dict(start)["9"] == served[0]["n"]
    assert len(r.content) < 40_000  # the start is small (no list of every item)


def _hits(client, q: str, lang: str = "en") -> list[tuple[str, str]]:
    r = client.get("/trace", params={"q": q, "lang": lang})
    assert r.status_code == 200
    return re.findall(r'<li data-kind="(\w+)"><a href="([^"]+)"', r.text)


def test_search_finds_by_code(client):
    assert _hits(client, "9.c")[0] == ("target", "/trace?focus=" + quote(SDG + "9.c", safe=""))
    kinds = {k for k, _ in _hits(client, "4.3")}
    assert "output" in kinds
    res = _hits(client, "WTDC 37")
    assert res and res[0][0] == "resolution" and "wtdc%2F37" in res[0][1]
    assert _hits(client, "wtdc-37") == res
    assert _hits(client, "Goal 13")[0][0] == "goal"


def test_search_finds_by_title_words_in_any_language(client):
    outputs = _sparql(client, "SELECT ?o ?l WHERE { ?o a ikg:Output ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    o = next(r for r in outputs if "气候" in r["l"])  # an output titled in Chinese
    assert any(k == "output" and quote(o["o"], safe="") in h for k, h in _hits(client, "气候"))
    assert any(k == "goal" for k, _ in _hits(client, "climate action"))  # English goal name
    assert any(k == "target" for k, _ in _hits(client, "农村"))  # Chinese target text
    assert _hits(client, "zzzz no such words") == []
    # the words are data: quotes and braces find nothing and break nothing
    r = client.get("/trace", params={"q": '"} } SELECT * { ?s ?p ?o'})
    assert r.status_code == 200 and "0 matches" in r.text
