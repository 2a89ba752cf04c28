"""The pages in a real browser: Debian's chromium (headless) driven by Playwright, against a
real uvicorn serving the corpus store (built and audited by the CLI).

Each test records the browser console, page errors and every request the page makes, and
fails on a console error or on any request to a host other than the loopback one. The two
questions the pages must answer on their own are walked through click by click:

* which outputs serve SDG 13, under which resolutions, and where does the document say so?
* what is still missing in output 4.3?
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from itukg.settings import DEFAULT_BASE_IRI

# chromium, live_pages: fixtures of conftest.py (one browser for every module here)

pytestmark = pytest.mark.browser

SPARQL_HEADERS = {"accept": "application/sparql-results+json"}


class Watch:
    """Console messages, page errors and requests of one browser context."""

    def __init__(self, context, host: str):
        self.host = host
        self.errors: list[str] = []
        self.requests: list[str] = []
        context.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        context.on("weberror", lambda e: self.errors.append(f"page error: {e.error}"))
        context.on("request", lambda r: self.requests.append(r.url))

    def check(self) -> None:
        assert not self.errors, self.errors
        foreign = [u for u in self.requests if urlsplit(u).hostname not in (self.host, None)
                   and not u.startswith(("data:", "about:"))]
        assert not foreign, f"requests left the loopback host: {foreign}"
        assert self.requests, "no request was recorded"


@pytest.fixture
def page(chromium, live_pages):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_pages.url,
                                   locale="en-US")
    context.set_default_timeout(90_000)  # generous: CI shares two cores with everything else
    context.set_default_navigation_timeout(90_000)
    watch = Watch(context, urlsplit(live_pages.url).hostname)
    pg = context.new_page()
    pg.watch = watch
    yield pg
    context.close()
    watch.check()


def sparql(page, query: str) -> list[dict[str, str]]:
    r = page.request.get("/sparql", params={"query": query}, headers=SPARQL_HEADERS)
    assert r.ok, r.text()
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def highlighted(page) -> tuple[str, str, str]:
    """(id, text, background colour) of the source line the URL's fragment targets."""
    return page.eval_on_selector(":target", "el => [el.id, el.querySelector('.ltext').textContent, "
                                            "getComputedStyle(el).backgroundColor]")


def free_edge_point(page) -> tuple[float, float, str]:
    """A point on a formal edge of the trace diagram that no other edge covers (the middle of
    the first such edge), and the edge's link."""
    found = page.evaluate("""() => {
      for (const a of document.querySelectorAll('svg.trace a.edge-formal')) {
        const p = a.querySelector('path.line');
        for (const f of [0.5, 0.35, 0.65, 0.2, 0.8]) {
          const pt = p.getPointAtLength(p.getTotalLength() * f).matrixTransform(p.getScreenCTM());
          const hit = document.elementFromPoint(pt.x, pt.y);
          if (hit && hit.closest('a.edge') === a) return [pt.x, pt.y, a.getAttribute('href')];
        }
      }
      return null;
    }""")
    assert found, "no edge of the diagram can be pointed at"
    return found[0], found[1], found[2]


# -- every page ----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/coverage", "/coverage?goal=9", "/coverage/wsis", "/trace",
                                  "/trace?focus=http%3A%2F%2Fmetadata.un.org%2Fsdg%2F9", "/audit", "/source",
                                  "/source/acp-22a14-4-zh#L1", "/query", "/query?name=outputs",
                                  "/id/doc/acp-22a14-4-zh/output/4.1"])
def test_page_loads_without_errors(page, path):
    resp = page.goto(path)
    assert resp.status == 200
    assert page.locator("h1").first.is_visible()
    assert page.eval_on_selector("html", "el => el.lang") == "en"
    # the stylesheet and script were served by the service and applied
    assert page.eval_on_selector("header.top", "el => getComputedStyle(el).position") in ("sticky", "static")


# -- question 1: which outputs serve SDG 13, under which resolutions, and where does it say so? --
def test_sdg13_from_heatmap_to_trace_to_source_line(page):
    page.goto("/coverage")
    # the heatmap's column 13: the outputs with a link to goal 13
    cells = page.locator('td.cell a[data-col="13"]')
    outputs = sorted(cells.evaluate_all("els => els.map(e => e.dataset.output)"))
    expected = sorted({r["code"] for r in sparql(page, """PREFIX ikg: <https://w3id.org/itukg/ontology#>
        PREFIX sdgo: <http://metadata.un.org/sdg/ontology#> SELECT DISTINCT ?code WHERE { ?o ikg:code ?code .
        { ?o ikg:servesGoal <http://metadata.un.org/sdg/13> } UNION
        { ?o ikg:servesTarget ?t . ?t sdgo:isTargetOf <http://metadata.un.org/sdg/13> } }""")})
    assert outputs == expected and outputs

    # click one cell: the links and the lines that state them
    last = outputs[-1]
    page.click(f'td.cell a[data-col="13"][data-output="{last}"]')
    page.wait_for_url(re.compile(r"/coverage/cell\?"))
    assert page.locator("table.links tbody tr").count() >= 1
    line_links = page.locator("table.links a.line-ref").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert line_links and all(re.fullmatch(r"/source/[a-z0-9-]+#L\d+", h) for h in line_links)

    # trace goal 13: every output serving it, the resolutions behind them
    page.click("text=Trace Goal 13")
    page.wait_for_url(re.compile(r"/trace\?focus="))
    shown = page.locator('.summary-col[data-col="output"] a').all_inner_texts()
    assert sorted(t.replace("Output ", "") for t in shown) == expected
    resolutions = page.locator('.summary-col[data-col="resolution"] a').all_inner_texts()
    mandates = sparql(page, """PREFIX ikg: <https://w3id.org/itukg/ontology#> PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>
        SELECT DISTINCT ?b ?n WHERE { ?o ikg:mandatedBy ?r . ?r ikg:body ?b ; ikg:resolutionNumber ?n .
        { ?o ikg:servesGoal <http://metadata.un.org/sdg/13> } UNION
        { ?o ikg:servesTarget ?t . ?t sdgo:isTargetOf <http://metadata.un.org/sdg/13> } }""")
    assert mandates and {f"{m['b'].rsplit('#', 1)[1]} {m['n']}" for m in mandates} <= set(resolutions)

    # hover an edge of the diagram: its source line shows; click it: the document opens there
    x, y, href = free_edge_point(page)
    page.mouse.move(x, y)
    info = page.locator("#edge-info").inner_text()
    n = int(href.rsplit("#L", 1)[1])
    assert f"line {n}:" in info
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"/source/.+#L\d+$"))
    line_id, text, bg = highlighted(page)
    assert line_id == f"L{n}"
    assert text.strip() and text.strip()[:20] in info  # the line the edge quoted
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")  # the :target highlight
    slug = page.url.split("/source/")[1].split("#")[0]
    graph_text = sparql(page, f"""PREFIX ikg: <https://w3id.org/itukg/ontology#>
        SELECT ?t WHERE {{ <{DEFAULT_BASE_IRI}id/doc/{slug}/line/{n}> ikg:text ?t }}""")
    assert graph_text and graph_text[0]["t"] == text


def test_trace_edges_work_with_the_keyboard(page):
    page.goto("/trace?focus=http%3A%2F%2Fmetadata.un.org%2Fsdg%2F13")
    edge = page.locator("svg.trace a.edge-formal").first
    edge.focus()
    assert page.evaluate("document.activeElement.classList.contains('edge')")
    assert "line" in page.locator("#edge-info").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/source/.+#L\d+$"))
    assert highlighted(page)[0] == "L" + page.url.rsplit("#L", 1)[1]


# -- question 2: what is still missing in output 4.3? -------------------------------------------
def test_what_is_missing_in_output_43(page):
    page.goto("/")
    page.click("nav.nav >> text=Audit")
    page.wait_for_url(re.compile(r"/audit"))
    page.select_option("select[name=output]", "4.3")  # the script submits the filter on change
    page.wait_for_url(re.compile(r"output=4\.3"))
    findings = page.locator("li.finding")
    assert set(findings.evaluate_all("els => els.map(e => e.dataset.output)")) == {"4.3"}
    kinds = findings.evaluate_all("els => els.map(e => e.dataset.kind)")
    rows = sparql(page, """PREFIX ikg: <https://w3id.org/itukg/ontology#>
        SELECT ?f ?kind WHERE { ?f a ikg:Finding ; ikg:checkKind ?kind ; ikg:aboutOutput ?o . ?o ikg:code "4.3" }""")
    assert sorted(kinds) == sorted(r["kind"] for r in rows)
    assert kinds.count("regional-slot-empty") == 6 and "question-placeholder" in kinds

    # each finding links to its focus and to its line; follow the placeholder's line
    item = page.locator('li.finding[data-kind="question-placeholder"]').first
    assert item.locator("a.focus").count() == 1
    item.locator("a.line-ref").click()
    page.wait_for_url(re.compile(r"/source/.+#L\d+$"))
    line_id, text, bg = highlighted(page)
    assert line_id == "L" + page.url.rsplit("#L", 1)[1]
    assert "X" in text  # the placeholder as written (第X号研究组课题)
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")


def test_audit_csv_download(page):
    page.goto("/audit?output=4.3")
    with page.expect_download() as dl:
        page.click("#audit-csv")
    body = open(dl.value.path(), encoding="utf-8").read().splitlines()
    assert body[0].startswith("id,severity,kind") and len(body) - 1 == page.locator("li.finding").count()


# -- query ---------------------------------------------------------------------------------------
def test_named_query_without_scripts(chromium, live_pages):
    """The query page's plain form, for browsers without scripts (the editor over it is tested
    in test_editor.py): a named query, its parameter, the permalink."""
    context = chromium.new_context(java_script_enabled=False, base_url=live_pages.url)
    context.set_default_timeout(90_000)
    try:
        page = context.new_page()
        page.goto("/query")
        page.click('a[data-example="output-trace"]')
        page.wait_for_url(re.compile(r"name=output-trace"))
        assert "SELECT" in page.input_value("#query-text")
        page.fill("input[name=outputCode]", "4.3")
        page.click("#run")
        page.wait_for_load_state()
        assert page.locator("#results-table tbody tr").count() > 0
        assert "outputCode=4.3" in page.get_attribute("#permalink", "href")
        # a permalink reproduces the same page
        n = page.inner_text("#row-count")
        page.goto(page.get_attribute("#permalink", "href"))
        assert page.inner_text("#row-count") == n
    finally:
        context.close()


# -- language ------------------------------------------------------------------------------------
def test_language_switch_shows_chinese_labels(page):
    page.goto("/coverage")
    page.click(".langs a[hreflang=zh]")
    page.wait_for_url(re.compile(r"lang=zh"))
    assert page.eval_on_selector("html", "el => el.lang") == "zh"
    assert page.inner_text("nav.nav") .find("首页") >= 0
    # the choice is remembered on the next page (cookie), labels follow it
    page.click("nav.nav >> text=追溯")
    page.click("#goal-start a:has(.g13)")  # the trace page starts from the goals (issue 14)
    page.wait_for_url(re.compile(r"/trace\?focus="))
    assert page.eval_on_selector("html", "el => el.lang") == "zh"
    goal_name = page.inner_text(".goal-name")
    assert re.search(r"[\u4e00-\u9fff]", goal_name)  # the goal's Chinese name
    # back to English: Chinese text that stays (document titles) is marked lang="zh"
    page.click(".langs a[hreflang=en]")
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.eval_on_selector("html", "el => el.lang") == "en"
    marked = page.locator('svg.trace [lang="zh"]').count() + page.locator('[lang="zh"]').count()
    assert marked > 0
    page.goto("/id/doc/acp-22a14-4-zh/output/4.3")
    page.click(".langs a[hreflang=zh]")
    assert page.eval_on_selector("html", "el => el.lang") == "zh"
    assert page.locator("#labels dd").count() >= 1


# -- keyboard and narrow screens -----------------------------------------------------------------
def test_keyboard_focus_is_visible(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert style != "none"
    page.goto("/coverage")
    page.locator("td.cell a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/coverage/cell"))


@pytest.mark.parametrize("path", ["/", "/coverage", "/trace?focus=http%3A%2F%2Fmetadata.un.org%2Fsdg%2F13",
                                  "/audit", "/source/acp-22a14-4-zh", "/query?name=outputs"])
def test_narrow_screen_has_no_page_wide_overflow(chromium, live_pages, path):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=live_pages.url)
    context.set_default_navigation_timeout(90_000)
    try:
        pg = context.new_page()
        pg.goto(path)
        # Measured once the page has finished drawing: on the query page the editor's own
        # results table arrives after the load event (and once made the page 615px wide).
        pg.wait_for_load_state("networkidle")
        if path.startswith("/query"):
            pg.wait_for_selector(".yasr table.dataTable")
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px screen"
    finally:
        context.close()
