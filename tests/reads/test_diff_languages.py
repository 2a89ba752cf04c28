"""``itukg diff`` between language versions: compared by codes (outputs, links, initiative
codes, Questions), never by words; the languages are said."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from itukg.graph.build import build
from itukg.graph.reads.diff import diff
from itukg.graph.reads.diff.languages import initiative_codes
from itukg.graph.store import open_store
from itukg.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    settings = Settings(store=tmp_path_factory.mktemp("langdiff") / "store")
    build([str(p) for p in sorted(DOCS.glob("translation-*.txt"))], settings, workers=1)
    s = open_store(settings, read_only=True)
    yield settings, s
    s.close()


def _line(name: str, needle: str) -> int:
    lines = (DOCS / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, t in enumerate(lines, 1) if needle in t)


def test_aligned_languages_are_identical_by_codes(store):
    settings, s = store
    d = diff(s, settings, "acp-22a14-7-en", "acp-22a14-7-zh")
    assert (d["compared"], d["identical"]) == ("codes", True)
    assert (d["from"]["language"], d["to"]["language"]) == ("en", "zh")


def test_differing_languages_by_codes_with_lines(store):
    settings, s = store
    d = diff(s, settings, "acp-22a14-8-en", "acp-22a14-8-zh")
    removed = {(e["output"], e["kind"], e["key"]): e["lines"] for e in d["removed"]}
    en = "translation-differs.en.txt"
    assert removed[("3.1", "resolution", "wtdc/37")] == [_line(en, "WTDC Resolutions 17 and 37")]
    assert removed[("3.1", "wsis", "C6")] == [_line(en, "action lines C1 and C6")]
    assert removed[("3.1", "sdg-target", "9.c")] == [_line(en, "(targets 9.1, 9.c)")]
    assert removed[("3.1", "question", "3/1")] == [_line(en, "Question 3/1")]
    assert ("3.2", "output", "3.2") in removed
    assert not any(k[0] == "3.1" and k[1] in ("outcome", "indicator") for k in removed)
    assert d["added"] == []
    assert [(e["output"], e["kind"], e["key"]) for e in d["changed"]] == [
        ("3.1", "regional-slot", "africa")]
    assert d["changed"][0]["to"]["lines"] == [_line("translation-differs.zh.txt", "AFR1：")]


def test_same_language_still_compares_text(store):
    settings, s = store
    d = diff(s, settings, "acp-22a14-7-en", "acp-22a14-8-en")
    assert d["compared"] == "text" and d["identical"]


def test_initiative_codes():
    both = initiative_codes(("AFR1: x", "• AFR 3：y"))
    assert both.codes == ("AFR1", "AFR3") and both.count == 2
    assert both == initiative_codes(("AFR3 z", "AFR1 w"))
    assert both != initiative_codes(("AFR3 z", "AFR2 w"))
    # one side's codes unreadable (another script): the number of initiatives decides
    assert both == initiative_codes(("АФР1: x", "АФР3: y"))
    assert both != initiative_codes(("АФР1: x",))
    assert initiative_codes(()) is None


def test_cli_says_which_languages(store):
    settings, _ = store
    cmd = [sys.executable, "-m", "itukg.cli", "--store", str(settings.store), "diff",
           "ACP/22A14/8", "acp-22a14-8-zh"]
    # a symbol in two languages is ambiguous: exit 2 naming both slugs
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "acp-22a14-8-en" in r.stderr
    cmd[-2] = "acp-22a14-8-en"
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "language versions en and zh: compared by codes" in r.stdout
    assert "- output 3.1 sdg-target 9.c" in r.stdout
    r = subprocess.run(cmd + ["--format", "json"], capture_output=True, text=True, timeout=120)
    assert json.loads(r.stdout)["compared"] == "codes"


def test_the_diff_page_says_language_versions_are_compared_by_codes(store):
    from fastapi.testclient import TestClient

    from itukg.api.app import create_app

    settings, _ = store
    with TestClient(create_app(settings)) as client:
        page = client.get("/diff", params={"from": "acp-22a14-8-en", "to": "acp-22a14-8-zh",
                                           "lang": "en"})
        same = client.get("/diff", params={"from": "acp-22a14-8-en", "to": "acp-22a14-8-en",
                                           "lang": "en"})
    assert page.status_code == 200
    assert "Language versions (en, zh): compared by codes" in page.text
    assert "compared by codes" not in same.text
