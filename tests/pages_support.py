"""Fixtures for the pages' tests: the bundled corpus built and audited into a store of their
own (real build, real audit, through the CLI), a real uvicorn serving it, and (for the browser
tests) Debian's chromium driven by Playwright.

The fixtures are made available to every test by ``tests/conftest.py`` (once per session).
Every server and browser started here is stopped by its fixture.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
import os
from pathlib import Path

import pytest

from servers import LiveServer, settings_env

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _itukg(store: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "itukg.cli", "--store", str(store), *args],
                          capture_output=True, text=True, timeout=600)


def build_pages_store(store: Path) -> Path:
    """Build the bundled corpus into ``store`` and store an audit of it. Returns ``store``."""
    r = _itukg(store, "build", str(CORPUS))
    assert r.returncode == 0, r.stdout + r.stderr
    r = _itukg(store, "audit", "--format", "json")
    assert r.returncode in (0, 1), r.stdout[-2000:] + r.stderr  # 1: the corpus has violations
    return store


@pytest.fixture(scope="session")
def pages_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus, built and audited (once per session)."""
    return build_pages_store(tmp_path_factory.mktemp("pages") / "store")


@pytest.fixture(scope="session")
def live_pages(pages_store: Path) -> Iterator[LiveServer]:
    """A real uvicorn serving the pages' store on a free loopback port."""
    with LiveServer(settings_env(pages_store, query_timeout=60), startup_timeout=120) as server:
        yield server


@pytest.fixture(scope="session")
def chromium():
    """A headless Debian chromium under Playwright (``tools/setup-system.sh`` installs it).
    Skipped on a developer's machine without it; under CI=true a missing browser fails, so the
    browser tests can never be skipped there unnoticed."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} missing: run tools/setup-system.sh"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
