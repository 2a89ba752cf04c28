"""The pages with several documents loaded (the corpus, an English document of the same family
and another Chinese one, from tests/data/docs): rows say which document they come from, the
document filters restrict every view, and each document has its own source view."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest
from pages_support import CORPUS, ROOT
from servers import LiveServer, settings_env

DOCS = [CORPUS, ROOT / "tests" / "data" / "docs" / "ACP-TEST-EN.en.txt",
        ROOT / "tests" / "data" / "docs" / "filled-regional.zh.txt"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = tmp_path_factory.mktemp("pages-multi") / "store"
    for args in (["build", *map(str, DOCS)], ["audit", "--format", "json"]):
        r = subprocess.run([sys.executable, "-m", "itukg.cli", "--store", str(store), *args],
                           capture_output=True, text=True, timeout=600)
        assert r.returncode in (0, 1), r.stderr
    with LiveServer(settings_env(store)) as server, \
            httpx.Client(base_url=server.url, headers={"accept": "text/html"}, timeout=30) as c:
        yield c


def documents(client) -> dict[str, str]:
    r = client.get("/sparql", params={"query": "PREFIX ikg: <https://w3id.org/itukg/ontology#> "
                                      "SELECT ?d WHERE { ?d a ikg:PlanningDocument }"},
                   headers={"accept": "application/sparql-results+json"})
    iris = [b["d"]["value"] for b in r.json()["results"]["bindings"]]
    return {i.rsplit("/", 1)[1]: i for i in iris}


def row_docs(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="row-head"><a [^>]+>[^<]+</a> <span class="muted small">([^<]+)</span>', html)


def test_rows_name_their_document_and_filters_restrict(client):
    docs = documents(client)
    assert len(docs) == 3
    every = row_docs(client.get("/coverage").text)
    assert len(set(every)) == 3  # same identifier in en and zh: told apart by language
    for slug in docs:
        one = client.get("/coverage", params={"document": slug}).text
        assert 0 < len(row_docs(one)) < len(every) and len(set(row_docs(one))) == 1
        audit = client.get("/audit", params={"document": slug}).text
        lines = re.findall(r'class="line-ref" href="/source/([^#"]+)#L\d+"', audit)
        assert lines and set(lines) == {slug}
        src = client.get(f"/source/{slug}")
        assert src.status_code == 200 and 'id="L1"' in src.text
        assert f'<ol class="source" lang="{slug.rsplit("-", 1)[1]}"' in src.text


def test_trace_of_a_goal_spans_documents(client):
    html = client.get("/trace", params={"focus": "http://metadata.un.org/sdg/9"}).text
    slugs = set(re.findall(r'href="/source/([^#"]+)#L\d+"', html))
    assert len(slugs) >= 2
