"""Downloads, names on the heatmaps' axes and the trace search, in a real browser (issue 14).

Debian's chromium under Playwright against a real uvicorn on the corpus store. Each download is
clicked as a person would and the file the browser saves is checked (name, bytes); the names on
the axes must be visible on screen, not only in tooltips. With ``ITUKG_SCREENSHOT_DIR`` set, the
coverage page and a search are saved there as PNG (how docs/img/coverage-axes.png and
docs/img/trace-search.png were made)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("ITUKG_SCREENSHOT_DIR")


@pytest.fixture
def page(chromium, live_pages):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_pages.url,
                                   locale="en-US", accept_downloads=True)
    context.set_default_timeout(90_000)  # generous: CI shares two cores with everything else
    errors: list[str] = []
    requests: list[str] = []
    context.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    context.on("request", lambda r: requests.append(r.url))
    pg = context.new_page()
    yield pg
    context.close()
    assert not errors, errors
    host = urlsplit(live_pages.url).hostname
    assert not [u for u in requests if urlsplit(u).hostname not in (host, None) and not u.startswith("data:")]


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=False)


def test_coverage_downloads_save_files_of_each_format(page, tmp_path):
    page.goto("/coverage")
    magic = {"csv": b"\xef\xbb\xbfiri,", "json": b"{", "svg": b"<?xml", "png": b"\x89PNG"}
    for fmt, head in magic.items():
        with page.expect_download() as info:
            page.click(f".downloads a[data-format={fmt}]")
        d = info.value
        assert d.suggested_filename == f"coverage-sdg.{fmt}"
        path = tmp_path / d.suggested_filename
        d.save_as(path)
        assert path.read_bytes().startswith(head), fmt
    # the media types the browser received
    for fmt, media in (("csv", "text/csv"), ("json", "application/json"), ("svg", "image/svg+xml"),
                       ("png", "image/png")):
        r = page.request.get(f"/coverage/wsis.{fmt}")
        assert r.ok and r.headers["content-type"].startswith(media)


def test_goal_names_are_visible_on_the_axis(page):
    page.goto("/coverage")
    names = page.locator("#heatmap thead .col-name")
    assert names.count() == 17
    first = names.nth(8)  # goal 9
    assert first.is_visible() and "Industry" in first.inner_text()
    box = first.bounding_box()
    assert box and box["height"] > box["width"]  # written up the column, under the number
    _shot(page, "coverage-axes.png")
    page.goto("/coverage/wsis?lang=zh")
    assert page.locator("#heatmap thead .col-name").first.is_visible()
    assert re.search(r"[\u4e00-\u9fff]", page.locator("#heatmap thead .col-name").first.inner_text())


def test_trace_search_by_code_and_by_title_word(page):
    page.goto("/trace")
    assert page.locator("select").count() == 0
    assert page.locator("#goal-start li").count() == 17
    page.fill("#q", "9.c")
    page.click("form.picker button")
    page.wait_for_url(re.compile(r"/trace\?q=9\.c"))
    first = page.locator("#search-hits li").first
    assert first.get_attribute("data-kind") == "target" and "9.c" in first.inner_text()
    page.fill("#q", "climate")
    page.click("form.picker button")
    page.wait_for_url(re.compile(r"q=climate"))
    kinds = page.locator("#search-hits li").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert "goal" in kinds and "target" in kinds
    _shot(page, "trace-search.png")
    page.locator("#search-hits li[data-kind=goal] a").first.click()
    page.wait_for_url(re.compile(r"/trace\?focus="))
    assert page.locator("svg.trace").is_visible()
    with page.expect_download() as info:
        page.click(".downloads a[data-format=csv]")
    assert info.value.suggested_filename.startswith("trace-goal-13")
