"""The pages over real HTTP (a real uvicorn on the corpus store, built and audited by the CLI):
every page answers, its numbers agree with the graph (asked through /sparql), bad input gets a
clear 404/422 page, nothing is loaded from another host. Browser flows are in tests/browser/.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote, unquote

import httpx
import pytest

from itukg.api.pages.i18n import LANGS, Translator, pick_lang
from itukg.api.pages.views import legend, shade

HTML = {"accept": "text/html"}
SDG = "http://metadata.un.org/sdg/"
PREFIXES = """PREFIX ikg: <https://w3id.org/itukg/ontology#>
PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="module")
def client(live_pages):
    with httpx.Client(base_url=live_pages.url, timeout=30, headers=HTML) as c:
        yield c


@pytest.fixture(autouse=True)
def _fresh_cookies(request):
    """Each test starts without the language cookie an earlier test may have set."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").cookies.clear()


def sparql(client: httpx.Client, query: str) -> list[dict[str, str]]:
    r = client.get("/sparql", params={"query": PREFIXES + query},
                   headers={"accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


@pytest.fixture(scope="module")
def doc(client) -> dict[str, str]:
    rows = sparql(client, "SELECT ?d ?n WHERE { ?d a ikg:PlanningDocument ; ikg:lineCount ?n }")
    assert len(rows) == 1
    return {"iri": rows[0]["d"], "slug": rows[0]["d"].rsplit("/", 1)[1], "lines": int(rows[0]["n"])}


def output_iri(doc: dict, code: str) -> str:
    return f"{doc['iri']}/output/{code}"


# -- unit ----------------------------------------------------------------------------------------
def test_shade_is_monotone_and_legend_covers_every_count():
    for top in (1, 2, 4, 7, 30):
        steps = [shade(n, top) for n in range(top + 1)]
        assert steps[0] == 0 and all(s >= 1 for s in steps[1:])
        assert steps == sorted(steps) and max(steps) <= 4
        assert legend(top)[0] == (0, "0") and legend(top)[-1][0] == steps[-1]
    assert legend(0) == [(0, "0")]


def test_language_choice_and_words():
    assert pick_lang({"lang": "zh"}, {"itukg_lang": "en"}, "en") == "zh"
    assert pick_lang({}, {"itukg_lang": "zh"}, "en-US") == "zh"
    assert pick_lang({}, {}, "zh-CN,zh;q=0.9") == "zh"
    assert pick_lang({"lang": "de"}, {}, None) == "en"  # no German catalogue
    assert pick_lang({"lang": "fr"}, {}, None) == "fr"
    assert pick_lang({}, {}, "de-DE,zh;q=0.9") == "zh"  # the first one with a catalogue
    assert pick_lang({}, {}, "de-DE") == "en"
    # the catalogues present, the source language first
    assert LANGS == ("en", "ar", "es", "fr", "ru", "zh")
    zh, en = Translator("zh"), Translator("en")
    assert zh("Trace") == "追溯" and en("Trace") == "Trace"
    assert zh("no such message") == "no such message"  # shows in English; test_catalogues names it
    assert zh.pgettext("edge", "From") == "从" and zh("From") == "来自"
    assert en.ngettext("%(num)d finding", "%(num)d findings", 1) == "1 finding"
    assert en.ngettext("%(num)d finding", "%(num)d findings", 3) == "3 findings"
    assert zh.ngettext("%(num)d finding", "%(num)d findings", 3) == "3 条结果"
    assert zh.severity("Violation") == "违规" and zh.severity("Odd") == "Odd"
    with pytest.raises(ValueError):
        Translator("de")


# -- every page ----------------------------------------------------------------------------------
PAGES = ["/", "/coverage", "/coverage?goal=13", "/coverage/wsis", "/trace", "/audit", "/source", "/query",
         "/trace?focus=" + quote(SDG + "13", safe=""), "/resource?iri=" + quote(SDG + "13", safe="")]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_answers_in_both_languages(client, path, lang):
    sep = "&" if "?" in path else "?"
    r = client.get(f"{path}{sep}lang={lang}")
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in r.text
    assert r.headers["content-language"] == lang
    assert f"itukg_lang={lang}" in r.headers.get("set-cookie", "")
    # everything the page loads comes from this service
    for attr in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', r.text):
        assert attr.startswith("/"), attr
    assert "//" not in "".join(re.findall(r'url\(([^)]*)\)', r.text))


def test_static_files_are_served_and_nothing_else(client):
    for name, media in (("style.css", "text/css"), ("app.js", "text/javascript"), ("favicon.svg", "image/svg+xml")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    css = client.get("/static/style.css").text
    assert "http" not in css and "@import" not in css  # no web font, no remote asset
    assert client.get("/static/..%2Fpages%2Fviews.py").status_code == 404
    assert client.get("/static/nope.css").status_code == 404


# -- coverage ------------------------------------------------------------------------------------
def _cells(html: str) -> dict[tuple[str, str], int]:
    return {(o, c): int(n) for o, c, n in
            re.findall(r'data-output="([^"]+)" data-col="([^"]+)">(\d+)</a>', html)}


def test_goal_heatmap_counts_agree_with_the_graph(client):
    rows = sparql(client, """SELECT ?code ?g (COUNT(DISTINCT ?t) AS ?n) WHERE {
        ?o a ikg:Output ; ikg:code ?code .
        { ?o ikg:servesTarget ?t . ?t sdgo:isTargetOf ?goal } UNION { ?o ikg:servesGoal ?goal }
        ?goal <http://www.w3.org/2004/02/skos/core#notation> ?g } GROUP BY ?code ?g""")
    expected = {(r["code"], r["g"]): max(1, int(r["n"])) for r in rows}
    html = client.get("/coverage").text
    assert _cells(html) == expected
    assert 'class="legend"' in html and html.count('class="swatch') >= 3


def test_goal_drill_down_shows_targets_and_gaps(client):
    rows = sparql(client, """SELECT ?code ?t WHERE { ?o ikg:code ?code ; ikg:servesTarget ?x .
        ?x sdgo:isTargetOf <http://metadata.un.org/sdg/13> ; <http://www.w3.org/2004/02/skos/core#notation> ?t }""")
    html = client.get("/coverage", params={"goal": "13"}).text
    assert set(_cells(html)) == {(r["code"], r["t"]) for r in rows}
    served = {r["t"] for r in rows}
    all_targets = {r["t"] for r in sparql(client, """SELECT ?t WHERE { ?x sdgo:isTargetOf
        <http://metadata.un.org/sdg/13> ; <http://www.w3.org/2004/02/skos/core#notation> ?t }""")}
    gaps = html.split('class="plain gaps"')[1]
    for t in all_targets - served:
        assert f">{t}</a>" in gaps
    for t in served:
        assert f">{t}</a>" not in gaps


def test_wsis_heatmap_counts_agree_with_the_graph(client):
    rows = sparql(client, """SELECT ?w ?g (COUNT(DISTINCT ?o) AS ?n) WHERE {
        ?o ikg:supportsActionLine ?line . ?line ikg:code ?w .
        { ?o ikg:servesGoal ?goal } UNION { ?o ikg:servesTarget ?t . ?t sdgo:isTargetOf ?goal }
        ?goal <http://www.w3.org/2004/02/skos/core#notation> ?g } GROUP BY ?w ?g""")
    assert _cells(client.get("/coverage/wsis").text) == {(r["w"], r["g"]): int(r["n"]) for r in rows}


def test_cell_lists_each_link_with_its_source_line(client, doc):
    rows = sparql(client, """SELECT ?code ?n WHERE {
        ?la <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?o ;
            <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> ikg:servesTarget ;
            <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?t ; prov:wasDerivedFrom ?line .
        ?o ikg:code ?code . ?t sdgo:isTargetOf <http://metadata.un.org/sdg/13> . ?line ikg:lineNumber ?n }""")
    assert rows, "the corpus has outputs serving SDG 13"
    for code in {r["code"] for r in rows}:
        html = client.get("/coverage/cell", params={"output": output_iri(doc, code), "goal": SDG + "13"}).text
        for n in {r["n"] for r in rows if r["code"] == code}:
            assert f'href="/source/{doc["slug"]}#L{n}"' in html
        focus = {unquote(h) for h in re.findall(r'href="/trace\?focus=([^"&]+)', html)}
        assert output_iri(doc, code) in focus


# -- trace ---------------------------------------------------------------------------------------
def _summary(html: str, col: str) -> set[str]:
    block = html.split(f'data-col="{col}"')[1].split("</div>")[0]
    return set(re.findall(r'<a href="/trace\?focus=[^"]+"[^>]*>(?:Output )?([^<]+)</a>', block))


def test_trace_of_a_goal_answers_which_outputs_and_resolutions(client, doc):
    outs = {r["code"] for r in sparql(client, """SELECT DISTINCT ?code WHERE { ?o ikg:code ?code .
        { ?o ikg:servesGoal <http://metadata.un.org/sdg/13> } UNION
        { ?o ikg:servesTarget ?t . ?t sdgo:isTargetOf <http://metadata.un.org/sdg/13> } }""")}
    mandates = {(r["b"].rsplit("#", 1)[1], r["n"]) for r in sparql(client, """SELECT DISTINCT ?b ?n WHERE {
        ?o ikg:code ?code ; ikg:mandatedBy ?r . ?r ikg:body ?b ; ikg:resolutionNumber ?n .
        { ?o ikg:servesGoal <http://metadata.un.org/sdg/13> } UNION
        { ?o ikg:servesTarget ?t . ?t sdgo:isTargetOf <http://metadata.un.org/sdg/13> } }""")}
    html = client.get("/trace", params={"focus": SDG + "13"}).text
    assert _summary(html, "output") == outs
    assert {f"{b} {n}" for b, n in mandates} <= _summary(html, "resolution")
    assert "<svg" in html and 'class="edge edge-formal"' in html
    # every drawn edge with a line links to it, and the edge table says where
    for href in re.findall(r'<a class="edge[^"]*" id="edge-\d+" href="([^"]+)"', html):
        assert re.fullmatch(rf"/source/{doc['slug']}#L\d+", href)


def test_trace_of_an_output_and_of_a_resolution(client, doc):
    rows = sparql(client, """SELECT ?code ?r WHERE { ?o ikg:code ?code ; ikg:mandatedBy ?r } LIMIT 1""")
    code, res = rows[0]["code"], rows[0]["r"]
    html = client.get("/trace", params={"focus": output_iri(doc, code)}).text
    assert _summary(html, "output") == {code}
    html = client.get("/trace", params={"focus": res}).text
    mandated = {r["code"] for r in sparql(client, f"SELECT ?code WHERE {{ ?o ikg:code ?code ; ikg:mandatedBy <{res}> }}")}
    assert mandated <= _summary(html, "output")


# -- audit ---------------------------------------------------------------------------------------
def test_audit_page_and_csv_agree_with_the_audit_graph(client):
    rows = sparql(client, """SELECT ?f ?code ?kind ?n WHERE { ?f a ikg:Finding ; ikg:checkKind ?kind .
        OPTIONAL { ?f ikg:aboutOutput ?o . ?o ikg:code ?code }
        OPTIONAL { ?f prov:wasDerivedFrom ?l . ?l ikg:lineNumber ?n } }""")
    assert rows
    html = client.get("/audit").text
    assert html.count('<li class="finding') == len({r["f"] for r in rows})
    code = sorted({r["code"] for r in rows if r.get("code")})[-1]
    mine = [r for r in rows if r.get("code") == code]
    page = client.get("/audit", params={"output": code}).text
    assert page.count('<li class="finding') == len({r["f"] for r in mine})
    assert set(re.findall(r'data-output="([^"]*)"', page.split('id="shown-count"')[1])) == {code}
    r = client.get("/audit.csv", params={"output": code})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert len(table) == len({x["f"] for x in mine}) and {t["output"] for t in table} == {code}
    assert sorted(t["kind"] for t in table) == sorted(x["kind"] for x in {x["f"]: x for x in mine}.values())
    viol = client.get("/audit", params={"severity": "Violation"}).text
    assert "badge sev-warning" not in viol and "badge sev-violation" in viol


# -- source --------------------------------------------------------------------------------------
def test_source_view_has_every_line_and_the_graph_text(client, doc):
    html = client.get(f"/source/{doc['slug']}").text
    ids = [int(n) for n in re.findall(r'<li id="L(\d+)"', html)]
    assert ids == list(range(1, doc["lines"] + 1))
    for r in sparql(client, f"""SELECT ?n ?text WHERE {{ ?l dcterms:isPartOf <{doc['iri']}> ;
            ikg:lineNumber ?n ; ikg:text ?text }} LIMIT 20"""):
        li = html.split(f'<li id="L{r["n"]}"')[1].split("</li>")[0]
        esc = r["text"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
        assert esc.replace("&#34;", '"') in li.replace("&#34;", '"')
    assert client.get("/source/no-such-doc").status_code == 404


# -- resources -----------------------------------------------------------------------------------
def test_linked_data_iri_gives_browsers_the_pages_view(client, doc, live_pages):
    from itukg.settings import DEFAULT_BASE_IRI

    path = "/" + output_iri(doc, "4.3")[len(DEFAULT_BASE_IRI):]
    r = client.get(path)
    assert r.status_code == 200 and 'class="nav"' in r.text and 'id="provenance"' in r.text
    assert re.search(rf'href="/source/{doc["slug"]}#L\d+"', r.text)
    assert "/trace?focus=" in r.text
    zh = client.get(path, params={"lang": "zh"})
    assert '<html lang="zh">' in zh.text and "属性" in zh.text
    # the same IRI still gives RDF to RDF clients
    assert client.get(path, headers={"accept": "text/turtle"}).headers["content-type"].startswith("text/turtle")


def test_resource_page_for_an_external_iri(client):
    r = client.get("/resource", params={"iri": SDG + "13"})
    assert r.status_code == 200 and 'lang="zh"' in r.text  # the Chinese label is marked
    assert "metadata.un.org" in r.text and 'href="http://metadata.un.org' not in r.text


# -- query ---------------------------------------------------------------------------------------
def test_named_query_runs_with_its_example_parameters(client):
    r = client.get("/query", params={"name": "output-trace"})
    assert r.status_code == 200 and 'id="results-table"' in r.text
    n = int(re.search(r'id="row-count">(\d+)', r.text)[1])
    assert n > 0
    dl = re.findall(r'<a href="([^"]+)" download', r.text)
    assert any("format=csv" in u for u in dl)
    csv_body = client.get(dl[0].replace("&amp;", "&"), headers={"accept": "*/*"})
    assert csv_body.status_code == 200 and len(csv_body.text.strip().splitlines()) == n + 1


def test_free_query_pages_and_permalink(client):
    q = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 120"
    r = client.get("/query", params={"query": q})
    assert 'id="row-count">120' in r.text and r.text.count("<tr>") == 50 + 1
    assert 'id="next-page"' in r.text
    p3 = client.get("/query", params={"query": q, "page": "3"}).text
    assert p3.count("<tr>") == 20 + 1 and 'rel="prev"' in p3
    link = re.search(r'id="permalink" class="permalink"|href="([^"]+)" id="permalink"', r.text)
    assert link and "query=SELECT" in link[1]


def test_query_errors_are_shown_in_place(client):
    r = client.get("/query", params={"query": "SELEC nothing"})
    assert r.status_code == 200 and 'id="query-error"' in r.text and "SELEC nothing" in r.text
    r = client.get("/query", params={"name": "sdg-trace", "sdg": "not a code"})
    assert 'id="query-error"' in r.text and "sdg" in r.text


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path,status", [
    ("/trace?focus=not%20an%20iri", 422),
    ("/trace?focus=http%3A%2F%2Fexample.org%2Fnothing", 404),
    ("/coverage?goal=99", 404),
    ("/coverage?document=nope", 404),
    ("/coverage/cell?output=http%3A%2F%2Fexample.org%2Fx&goal=http%3A%2F%2Fmetadata.un.org%2Fsdg%2F13", 404),
    ("/resource?iri=nope", 422),
    ("/resource?iri=http%3A%2F%2Fexample.org%2Fnothing", 404),
])
def test_bad_input_gets_a_clear_page(client, path, status):
    r = client.get(path)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html") and 'class="problem"' in r.text
