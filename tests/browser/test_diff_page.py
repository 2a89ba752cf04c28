"""The /diff page in a real browser: a revision compared with its base, each side's line one
click away. Its own store (the base and its Rev.1), served by a real uvicorn."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pages_support import _itukg
from servers import LiveServer, settings_env

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"


@pytest.fixture(scope="module")
def revisions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    store = tmp_path_factory.mktemp("diff-pages") / "store"
    r = _itukg(store, "build", str(DOCS / "revision-base.zh.txt"), str(DOCS / "revision-rev1.zh.txt"))
    assert r.returncode == 0, r.stdout + r.stderr
    with LiveServer(settings_env(store, query_timeout=60), startup_timeout=120) as server:
        yield server


def test_a_revision_against_its_base_links_each_side_to_its_line(chromium, revisions):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=revisions.url,
                                   locale="en-US")
    context.set_default_timeout(90_000)
    errors: list[str] = []
    requests: list[str] = []
    context.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    try:
        page.goto("/diff")
        options = page.locator("select[name=from] option").all_inner_texts()
        assert len(options) == 2, options
        base = next(o for o in options if "rev1" not in o)
        rev1 = next(o for o in options if "rev1" in o)
        page.select_option("select[name=from]", label=base)
        page.select_option("select[name=to]", label=rev1)
        page.get_by_role("button", name="Compare").click()
        page.wait_for_selector("table.diff")
        summary = page.locator("main p", has_text=re.compile(r"^\d+ added, ")).first.inner_text()
        assert summary.startswith("4 added, 3 removed, 1 changed"), summary
        assert page.locator("tr.diff-added, tr.diff-removed, tr.diff-changed").count() >= 8
        # each side's line: the Rev.1 side of an added link opens the Rev.1 source at that line
        link = page.locator("td.diff-new a").first
        href = link.get_attribute("href")
        assert href and "-rev1-" in href and "#L" in href, href
        link.click()
        page.wait_for_url("**/source/**")
        line = href.split("#")[1]
        assert page.locator(f"[id='{line}']").count() == 1
        slug = {o: o.rsplit("(", 1)[1].rstrip(")") for o in (base, rev1)}
        csv = page.request.get(f"{revisions.url}/api/diff",
                               params={"from": slug[base], "to": slug[rev1], "format": "csv"})
        assert csv.ok and csv.headers["content-type"].startswith("text/csv")
    finally:
        context.close()
    assert not errors, errors
    host = urlsplit(revisions.url).hostname
    assert all(urlsplit(u).hostname in (host, None) for u in requests), requests
