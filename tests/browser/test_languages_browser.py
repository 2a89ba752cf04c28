"""The pages in Arabic and French in a real browser (Debian's chromium under Playwright, against a
real uvicorn on the corpus store): Arabic is laid out right to left (brand and navigation on the
right, the heatmap's row heads on the right), the trace diagram keeps its left-to-right chain,
nothing overflows; a fallback label carries a visible [en]; French pages speak French, including
the audit's messages.

Screenshots go to the test's temporary folder; with ``ITUKG_SCREENSHOTS=docs/img`` they are
written there too (that is how ``docs/img/*-ar.png`` and ``*-fr.png`` were made).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_browser import Watch

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 1280


@pytest.fixture
def page(chromium, live_pages):
    context = chromium.new_context(viewport={"width": WIDTH, "height": 900}, base_url=live_pages.url,
                                   locale="en-US")
    context.set_default_timeout(90_000)  # CI shares two cores with everything else
    context.set_default_navigation_timeout(90_000)
    watch = Watch(context, urlsplit(live_pages.url).hostname)
    pg = context.new_page()
    yield pg
    context.close()
    watch.check()


def shoot(page, tmp_path: Path, name: str) -> None:
    """A full-page screenshot, kept in the docs when asked to (ITUKG_SCREENSHOTS)."""
    out = tmp_path / name
    page.screenshot(path=str(out), full_page=False)
    assert out.stat().st_size > 10_000, f"{name}: an empty picture"
    target = os.environ.get("ITUKG_SCREENSHOTS")
    if target:
        dest = ROOT / target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(out.read_bytes())


def box(page, selector: str) -> dict:
    b = page.locator(selector).first.bounding_box()
    assert b and b["width"] > 0 and b["height"] > 0, f"{selector} is not visible"
    return b


def test_arabic_heatmap_is_right_to_left_and_readable(page, tmp_path):
    page.goto("/coverage?lang=ar")
    assert page.eval_on_selector("html", "el => [el.lang, el.dir]") == ["ar", "rtl"]
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    brand, langs, row = box(page, "a.brand"), box(page, ".langs"), box(page, ".top-inner")
    home, last = box(page, "nav.nav li:first-child a"), box(page, "nav.nav li:last-child a")
    right = row["x"] + row["width"]
    # mirrored header: brand and the first navigation link ("Home") at the right edge, the
    # navigation running leftwards, the language switch at the left
    assert abs(brand["x"] + brand["width"] - right) < 24
    assert abs(home["x"] + home["width"] - right) < 40 and home["x"] > last["x"]
    assert langs["x"] < home["x"]
    assert "التتبع" in page.inner_text("nav.nav")
    # the heatmap: row heads on the right of the cells, every cell visible and clickable
    row_head, cell = box(page, "#heatmap th.row-head"), box(page, "#heatmap td.cell")
    assert row_head["x"] > cell["x"]
    assert page.locator("#heatmap td.cell a").count() > 0
    # a code keeps its order inside the rtl page (13.b, not b.13): links are bidi-isolated
    page.goto("/trace?focus=http%3A%2F%2Fmetadata.un.org%2Fsdg%2F13&lang=ar")
    link = page.locator(".summary-col a", has_text=re.compile(r"^13\.b$")).first
    assert link.evaluate("el => getComputedStyle(el).unicodeBidi") == "plaintext"
    page.goto("/coverage?lang=ar")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shoot(page, tmp_path, "coverage-ar.png")


def test_arabic_trace_diagram_keeps_its_chain_left_to_right(page, tmp_path):
    page.goto("/trace?focus=http%3A%2F%2Fmetadata.un.org%2Fsdg%2F13&lang=ar")
    assert page.eval_on_selector("html", "el => el.dir") == "rtl"
    assert page.eval_on_selector("svg.trace", "el => getComputedStyle(el).direction") == "ltr"
    # resolution → output → target → goal still reads from left to right
    xs = page.evaluate("""() => ['resolution', 'output', 'target', 'goal'].map(k => {
        const n = document.querySelector('svg.trace .node-' + k + ' rect');
        return n ? n.getBoundingClientRect().x : null; })""")
    present = [x for x in xs if x is not None]
    assert len(present) >= 3 and present == sorted(present), xs
    # Arabic labels inside the diagram are laid out on their own (bidi), not clipped to nothing
    widths = page.evaluate("""() => [...document.querySelectorAll('svg.trace text')]
        .map(t => t.getBBox().width)""")
    assert widths and min(widths) > 0
    shoot(page, tmp_path, "trace-ar.png")


def test_a_fallback_label_is_marked_visibly(page):
    page.goto("/coverage/wsis?lang=ar")
    mark = page.locator(".lang-mark").first
    assert mark.inner_text() == "[en]" and mark.get_attribute("lang") == "en"
    assert box(page, ".lang-mark")["width"] > 0
    # the English text it marks is isolated (dir=auto): it reads left to right inside the rtl page
    assert page.locator('span[lang="en"][dir="auto"]').first.evaluate(
        "el => getComputedStyle(el).direction") == "ltr"


def test_french_pages_and_audit_messages(page, tmp_path):
    page.goto("/audit")
    page.click(".langs a[hreflang=fr]")
    page.wait_for_url(re.compile(r"lang=fr"))
    assert page.eval_on_selector("html", "el => [el.lang, el.dir]") == ["fr", ""]
    assert "Accueil" in page.inner_text("nav.nav")
    body = page.inner_text("main")
    assert "Case d'initiative régionale vide" in body
    assert "Empty regional-initiative slot" not in body
    shoot(page, tmp_path, "audit-fr.png")
    # remembered on the next page (cookie): SDG names in French
    page.goto("/coverage?goal=13")
    assert page.eval_on_selector("html", "el => el.lang") == "fr"
    assert page.inner_text(".goal-name") == "Mesures relatives à la lutte contre les changements climatiques"


@pytest.mark.parametrize("path", ["/coverage?lang=ar", "/audit?lang=ar", "/coverage?lang=ru"])
def test_narrow_screen_in_arabic_and_russian_has_no_page_wide_overflow(chromium, live_pages, path):
    """Six language names and longer words must still fit a 390 px phone screen."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=live_pages.url)
    context.set_default_navigation_timeout(90_000)
    try:
        pg = context.new_page()
        pg.goto(path)
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px screen"
    finally:
        context.close()
