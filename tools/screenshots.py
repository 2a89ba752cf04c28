#!/usr/bin/env python3
"""Regenerate the screenshots of the pages (docs/img/*.png) in Debian's headless chromium.

    .venv/bin/python tools/screenshots.py            # builds and audits the bundled corpus
    .venv/bin/python tools/screenshots.py --store var/store --out docs/img

It starts ``itukg serve`` on a free loopback port (stopped at the end), walks the pages the way a
reader would (heatmap → cell → trace → source line; audit of one output → its line) and saves
one PNG per page. ``--goal`` and ``--output`` choose the SDG goal and the output shown.
Needs /usr/bin/chromium (tools/setup-system.sh) and the ``playwright`` package; never runs
``playwright install``.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ITUKG = [sys.executable, "-m", "itukg.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: the /diff shot compares a revision with its base (test fixtures), in a store of its own
REVISIONS = [ROOT / "tests" / "data" / "docs" / f"revision-{n}.zh.txt" for n in ("base", "rev1")]


def build(store: Path, documents: list[Path] | None = None) -> None:
    """Build ``documents`` (default: the bundled corpus) into ``store`` and audit it."""
    paths = [str(d) for d in documents or [ROOT / "corpus"]]
    subprocess.run([*ITUKG, "--store", str(store), "build", *paths], check=True, stdout=subprocess.DEVNULL)
    r = subprocess.run([*ITUKG, "--store", str(store), "audit", "--format", "json"], stdout=subprocess.DEVNULL)
    if r.returncode not in (0, 1):
        raise SystemExit(f"itukg audit failed ({r.returncode})")


def serve(store: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([*ITUKG, "--store", str(store), "serve", "--port", str(port), "--no-build",
                             "--log-level", "warning", "--no-access-log"])
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"itukg serve exited with {proc.returncode}")
        try:
            if httpx.get(url + "/health", timeout=1).json().get("status") == "ok":
                return proc, url
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the server did not start")


def shoot(url: str, out: Path, goal: str, output: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    goal_iri = quote(f"http://metadata.un.org/sdg/{goal}", safe="")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=url, device_scale_factor=1)
        page = ctx.new_page()

        def save(name: str, full: bool = True) -> None:
            page.wait_for_load_state("networkidle")
            path = out / f"{name}.png"
            page.screenshot(path=str(path), full_page=full)
            saved.append(path)

        page.goto("/")
        save("home")
        page.goto("/coverage")
        save("coverage")
        page.goto(f"/coverage?goal={goal}")
        save("coverage-goal")
        page.goto("/coverage")
        page.locator(f'td.cell a[data-col="{goal}"]').last.click()
        save("coverage-cell")
        page.goto("/coverage/wsis")
        save("wsis")
        page.goto(f"/trace?focus={goal_iri}")
        save("trace-goal")
        page.locator('.summary-col[data-col="output"] a').first.click()
        save("trace-output")
        page.goto(f"/audit?output={quote(output)}")
        save("audit")
        page.locator('li.finding a.line-ref').first.click()
        page.wait_for_url("**/source/**")
        save("source", full=False)
        slug = page.url.split("/source/")[1].split("#")[0]
        page.goto(f"/id/doc/{slug}/output/{quote(output)}")
        save("resource", full=False)
        page.goto("/query?name=output-trace")
        page.locator(".yasr .dataTable tbody tr").first.wait_for()  # the editor ran it
        save("query", full=False)
        page.goto("/query?name=coverage-by-goal")
        page.locator(".yasr .dataTable tbody tr").first.wait_for()
        page.locator(".yasr").scroll_into_view_if_needed()
        page.wait_for_load_state("networkidle")
        path = out / "query-results.png"
        page.locator(".yasr").screenshot(path=str(path))
        saved.append(path)
        page.goto("/?lang=zh")
        save("home-zh")
        page.goto(f"/trace?focus={goal_iri}&lang=zh")
        save("trace-goal-zh", full=False)
        page.goto("/?lang=en")
        narrow = browser.new_context(viewport={"width": 390, "height": 844}, base_url=url, device_scale_factor=2)
        page = narrow.new_page()
        page.goto("/coverage")
        save("narrow-coverage", full=False)
        browser.close()
    return saved


def shoot_diff(url: str, out: Path) -> Path:
    """The /diff page: the revision fixture against its base."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=url).new_page()
        page.goto("/diff")
        slugs = page.locator("select[name=from] option").evaluate_all("os => os.map(o => o.value)")
        base, rev = sorted(slugs, key=lambda s: "-rev" in s)
        page.goto(f"/diff?from={quote(base)}&to={quote(rev)}")
        page.wait_for_load_state("networkidle")
        path = out / "diff.png"
        page.screenshot(path=str(path), full_page=True)
        browser.close()
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, help="a built (and audited) store; default: build the corpus aside")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    ap.add_argument("--goal", default="13")
    ap.add_argument("--output", default="4.3")
    a = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: run tools/setup-system.sh")
    with tempfile.TemporaryDirectory() as tmp:
        store = a.store
        if store is None:
            store = Path(tmp) / "store"
            build(store)
        proc, url = serve(store)
        try:
            saved = shoot(url, a.out, a.goal, a.output)
        finally:
            proc.terminate()
            proc.wait(20)
        revisions = Path(tmp) / "revisions"
        build(revisions, REVISIONS)
        proc, url = serve(revisions)
        try:
            saved.append(shoot_diff(url, a.out))
        finally:
            proc.terminate()
            proc.wait(20)
    for path in saved:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
