"""The query editor and the API docs in a real browser (issue 14; decisions 0140-0141): Debian's
chromium under Playwright against a real uvicorn serving the corpus store.

Every test fails on a console error or on a request to a host other than the loopback one
(``Watch`` of test_browser.py); the API docs are also loaded with every non-local request
aborted, and must still show every operation.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

# chromium, live_pages: fixtures of conftest.py (one browser for every module here)
from test_browser import page  # noqa: F401 (a fresh context watched for errors and foreign hosts)

pytestmark = pytest.mark.browser

EDITOR = ".yasqe .CodeMirror"
ROWS = ".yasr .dataTable tbody tr"


def editor_text(page) -> str:
    return page.evaluate("() => window.itukgEditor.getTab().getYasqe().getValue()")


def type_query(page, text: str) -> None:
    """Empty the editor and type ``text`` as a person would (completion and PREFIX lines run)."""
    page.wait_for_selector(EDITOR)
    page.evaluate("() => window.itukgEditor.getTab().getYasqe().setValue('')")
    page.click(EDITOR)
    page.keyboard.type(text)


def test_editor_highlights_and_adds_the_prefix_and_completes_a_class(page):
    page.goto("/query")
    type_query(page, "SELECT ?o WHERE { ?o a ikg:Outp")
    # the editor declared the prefix it was not given (?s ikg:foo ?o must work)
    page.wait_for_function("() => window.itukgEditor.getTab().getYasqe().getValue().startsWith('PREFIX ikg:')")
    assert "PREFIX ikg: <https://w3id.org/itukg/ontology#>" in editor_text(page)
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for()
    assert "ikg:Output" in hints.all_inner_texts()  # from the ontology, served by this service
    page.keyboard.press("Enter")
    page.keyboard.type(" }")
    assert editor_text(page).endswith("?o a ikg:Output }")
    # highlighting: keywords, variables and prefixed names are told apart
    assert {"PREFIX", "SELECT", "WHERE"} <= set(page.locator(".yasqe .cm-keyword").all_inner_texts())
    assert "?o" in page.locator(".yasqe .cm-atom").all_inner_texts()
    page.keyboard.press("Control+Enter")
    page.locator(ROWS).first.wait_for()
    assert parse_qs(urlsplit(page.get_attribute("#permalink", "href")).query)["query"] == [editor_text(page)]
    n = int(page.request.get("/sparql", params={"query": editor_text(page)},
                             headers={"accept": "application/sparql-results+json"}).json()["results"]["bindings"].__len__())
    assert page.locator(ROWS).count() == n > 0
    assert page.locator(".yasr .dataTable tbody a").first.inner_text().startswith("https://w3id.org/itukg/id/")


def test_a_property_completes_in_predicate_position(page):
    page.goto("/query")
    type_query(page, "PREFIX ikg: <https://w3id.org/itukg/ontology#>\nSELECT * WHERE { ?o ikg:serves")
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for()
    assert {"ikg:servesTarget", "ikg:servesGoal"} <= set(hints.all_inner_texts())


def test_select_star_keeps_the_query_order_and_pages_and_filters(page):
    q = "SELECT * WHERE { ?s ?p ?o } LIMIT 120"
    page.goto("/query?" + "query=" + q.replace(" ", "%20").replace("?", "%3F").replace("{", "%7B").replace("}", "%7D"))
    page.locator(ROWS).first.wait_for()
    heads = [h.strip() for h in page.locator(".yasr .dataTable thead th").all_inner_texts() if h.strip()]
    assert heads == ["s", "p", "o"]
    assert page.locator(ROWS).count() == 50  # the first page
    first = page.locator(ROWS).first.inner_text()
    page.locator(".yasr .paginate_button.next").click()
    assert page.locator(ROWS).first.inner_text() != first
    assert page.locator(".yasr .paginate_button.current").inner_text() == "2"
    page.locator(".yasr .paginate_button.previous").click()  # the filter keeps the page it is on
    # filtering keeps the rows whose text matches; predicates are written as prefixed names
    page.locator(".yasr .tableFilter").press_sequentially("syntax-ns#type")  # on keyup, in the values
    page.wait_for_function("() => /filtered/.test(document.querySelector('.yasr .dataTables_info').innerText)")
    result = page.request.get("/sparql", params={"query": q}, headers={"accept": "application/sparql-results+json"}).json()
    typed = [b for b in result["results"]["bindings"] if b["p"]["value"] == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"]
    assert page.locator(ROWS).count() == min(50, len(typed)) > 0
    # the downloads of this query, in every format of the endpoint
    links = {a.get_attribute("data-format"): a.get_attribute("href") for a in page.locator("#download-links a").all()}
    assert set(links) == {"csv", "tsv", "json", "xml"}
    for fmt, media in (("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
                       ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml")):
        r = page.request.get(links[fmt])
        assert r.ok and r.headers["content-type"].startswith(media)
        assert parse_qs(urlsplit(links[fmt]).query)["query"] == [q]


def test_named_query_runs_with_bound_parameters_and_draws_a_chart(page):
    page.goto("/query")
    page.click('a[data-example="output-trace"]')
    page.wait_for_url(re.compile(r"name=output-trace"))
    page.locator(ROWS).first.wait_for()
    assert "SELECT" in editor_text(page)
    page.fill("input[name=outputCode]", "4.3")
    page.locator("input[name=outputCode]").dispatch_event("change")
    assert parse_qs(urlsplit(page.get_attribute("#permalink", "href")).query) == {
        "name": ["output-trace"], "outputCode": ["4.3"], "document": ["acp-22a14-4-zh"]}
    page.click("#run")  # bound by the engine through /api/queries, never pasted into the text
    page.wait_for_function(f"() => [...document.querySelectorAll('{ROWS}')].every(r => r.innerText.includes('4.3'))")
    expected = page.request.get("/api/queries/output-trace", params={"outputCode": "4.3"},
                                headers={"accept": "application/sparql-results+json"}).json()
    assert page.locator(ROWS).count() == min(50, len(expected["results"]["bindings"]))
    # an aggregate draws as a chart
    page.goto("/query?name=coverage-by-goal")
    page.locator(ROWS).first.wait_for()
    page.click(".yasr .select_chart")
    chart = page.locator("svg.itukg-chart")
    chart.wait_for()
    rows = page.request.get("/api/queries/coverage-by-goal", headers={"accept": "application/sparql-results+json"}).json()
    assert chart.locator("rect").count() == min(60, len(rows["results"]["bindings"])) > 0


def test_errors_show_in_place_and_the_query_stays(page):
    page.goto("/query")
    type_query(page, "SELECT WHERE {")
    page.keyboard.press("Control+Enter")
    page.locator(".yasr .errorResult").wait_for()
    assert "SELECT WHERE {" in editor_text(page)
    assert "Bad SPARQL query" in page.inner_text(".yasr .errorResult") or "400" in page.inner_text(".yasr .errorResult")
    # the browser logs the refused request (400) and YASGUI its error: expected here, nothing else
    expected = [e for e in page.watch.errors if "400" in e or "Bad Request" in e]
    assert expected
    page.watch.errors[:] = [e for e in page.watch.errors if e not in expected]


def test_sparql_in_a_browser_is_the_same_view(page):
    resp = page.goto("/sparql")
    assert resp.status == 200 and page.locator("nav.nav a[aria-current=page]").inner_text() == "Query"
    page.wait_for_selector(EDITOR)
    assert "SELECT" in editor_text(page)


# -- API docs with no network --------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_docs_show_every_operation_offline(chromium, live_pages, path):  # noqa: F811
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_pages.url)
    context.set_default_timeout(90_000)
    host = urlsplit(live_pages.url).hostname
    aborted: list[str] = []

    def only_local(route):
        if urlsplit(route.request.url).hostname in (host, None):
            route.continue_()
        else:
            aborted.append(route.request.url)
            route.abort()

    try:
        context.route("**/*", only_local)
        pg = context.new_page()
        pg.goto(path)
        doc = pg.request.get("/openapi.json").json()
        operations = [(m.upper(), p) for p, item in doc["paths"].items() for m in item]
        if path == "/docs":
            pg.locator(".opblock").first.wait_for()
            shown = {(b.locator(".opblock-summary-method").inner_text(),
                      b.locator(".opblock-summary-path").get_attribute("data-path")) for b in pg.locator(".opblock").all()}
            assert set(operations) <= shown
        else:
            pg.locator("[data-section-id^='operation/']").first.wait_for()
            assert pg.locator("[data-section-id^='operation/']").count() >= len(operations)
        assert not aborted, aborted
    finally:
        context.close()
