"""A Word proposal served (issue 10): the source page shows each line's Word locator and the
amendments as <ins>/<del>; GET /api/documents/{slug}/amendments lists them with the links each
adds and removes; the named query `amendments` asks the same in SPARQL."""

from __future__ import annotations

import subprocess
import sys

import docx
import httpx
import pytest
from pages_support import ROOT
from servers import LiveServer, settings_env

sys.path.insert(0, str(ROOT / "tests" / "documents"))
from docx_fixtures import amend, docx_from_text  # noqa: E402

SLUG = "acp-22a14-4-zh"
CORPUS_TXT = ROOT / "corpus" / "ACP-22A14-4.zh.txt"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("word-pages")
    src = docx_from_text(CORPUS_TXT.read_text(encoding="utf-8"), tmp / "c.docx")
    d = docx.Document(str(src))
    amend(d, "落实WTDC第16号决议", "落实WTDC第17号决议", "Alice", "2026-11-01T09:00:00Z")
    amend(d, "、C6和C7", "和C6", "Bob", "2026-11-02T10:00:00Z")
    folder = tmp / "docs"
    folder.mkdir()
    d.save(str(folder / "ACP-22A14-4.zh.docx"))
    store = tmp / "store"
    r = subprocess.run([sys.executable, "-m", "itukg.cli", "--store", str(store), "build",
                        str(folder)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    with LiveServer(settings_env(store)) as server, \
            httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def test_source_page_shows_locators_and_marks_insertions_and_deletions(client):
    html = client.get(f"/source/{SLUG}", headers={"accept": "text/html"}).text
    assert '<span class="wloc muted small"' in html and ">p1</span>" in html
    assert '<del title="Alice 2026-11-01T09:00:00Z">落实WTDC第16号决议</del>' in html
    assert '<ins title="Alice 2026-11-01T09:00:00Z">落实WTDC第17号决议</ins>' in html
    assert '<del title="Bob 2026-11-02T10:00:00Z">、C6和C7</del>' in html
    zh = client.get(f"/source/{SLUG}", headers={"accept": "text/html",
                                                 "accept-language": "zh"}).text
    assert "本文件为提案" in zh


def test_amendments_api_lists_changes_with_links_added_and_removed(client):
    r = client.get(f"/api/documents/{SLUG}/amendments")
    assert r.status_code == 200, r.text
    items = r.json()["amendments"]
    got = [(a["kind"], a["author"], a["text"], a["locator"]) for a in items if a["mark"] == "word"]
    assert ("delete", "Bob", "、C6和C7", got[2][3]) in got and len(got) == 4
    by_text = {a["text"]: a for a in items}
    assert [x["object"].rsplit("/", 2)[-2:] for x in by_text["落实WTDC第17号决议"]["adds"]] == \
        [["wtdc", "17"]]
    assert [x["object"].rsplit("/", 2)[-2:] for x in by_text["落实WTDC第16号决议"]["removes"]] == \
        [["wtdc", "16"]]
    assert [x["object"].rsplit("/", 1)[1] for x in by_text["、C6和C7"]["removes"]] == ["C7"]
    assert by_text["集中"]["mark"] == "brackets"  # the text's own mark, read from Word too
    assert client.get("/api/documents/no-such-doc/amendments").status_code == 404


def test_the_named_query_amendments_takes_a_document(client):
    r = client.get("/api/queries/amendments", params={"document": SLUG},
                   headers={"accept": "application/json"})
    assert r.status_code == 200, r.text[:500]
    body = r.text
    assert "removes" in body and "wtdc/16" in body
