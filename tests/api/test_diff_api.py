"""``GET /api/diff`` and the ``/diff`` page agree with ``itukg diff``; errors are problem+json
(404 unknown, 422 missing or ambiguous) or a page that says what was wrong."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from itukg.cli import main
from itukg.graph.reads.diff.render import diff_csv
from itukg.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"
BASE, REV1 = DOCS / "revision-base.zh.txt", DOCS / "revision-rev1.zh.txt"
PAIR = {"from": "ACP/22A14/2", "to": "ACP/22A14/2 (Rev.1)"}


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    s = tmp_path_factory.mktemp("diff-api") / "store"
    assert main(["--store", str(s), "build", str(BASE), str(REV1)]) == 0
    return s


@pytest.fixture(scope="module")
def client(store):
    from itukg.api.app import create_app

    with TestClient(create_app(Settings(store=store, query_workers=1))) as c:
        yield c


def cli_json(store: Path, capsys) -> dict:
    capsys.readouterr()
    assert main(["--store", str(store), "diff", PAIR["from"], PAIR["to"], "-f", "json"]) == 1
    return json.loads(capsys.readouterr().out)


def test_api_json_and_csv_are_the_cli_s(client, store, capsys):
    r = client.get("/api/diff", params=PAIR)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    data = cli_json(store, capsys)
    assert r.json() == data
    r = client.get("/api/diff", params={**PAIR, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.decode("utf-8") == diff_csv(data)
    assert "acp-22a14-2-zh-acp-22a14-2-rev1-zh.csv" in r.headers["content-disposition"]


def test_api_errors_are_problem_json(client):
    r = client.get("/api/diff", params={"from": "ACP/22A14/9", "to": "acp-22a14-2-zh"})
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert "ACP/22A14/9" in body["detail"]
    assert {d["slug"] for d in body["documents"]} == {"acp-22a14-2-zh", "acp-22a14-2-rev1-zh"}
    r = client.get("/api/diff", params={"from": "acp-22a14-2-zh"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert "to" in r.json()["detail"]


def test_page_side_by_side_links_each_change_to_its_lines(client, store, capsys):
    r = client.get("/diff", params=PAIR, headers={"accept": "text/html"})
    assert r.status_code == 200
    html = r.text
    data = cli_json(store, capsys)
    rows = re.findall(r'<tr class="diff-(added|removed|changed)">', html)
    assert rows == ["added"] * len(data["added"]) + ["removed"] * len(data["removed"]) \
        + ["changed"] * len(data["changed"])
    assert '<ins>WTDC第45号决议</ins> <a href="/source/acp-22a14-2-rev1-zh#L59">L59</a>' in html
    assert '<del>WTDC第37号决议</del> <a href="/source/acp-22a14-2-zh#L59">L59</a>' in html
    assert '<ins>AMS1：减少数字鸿沟</ins> <a href="/source/acp-22a14-2-rev1-zh#L31">L31</a>' in html
    assert 'href="/api/diff?from=ACP%2F22A14%2F2&amp;to=ACP%2F22A14%2F2+%28Rev.1%29&amp;format=csv"' in html
    zh = client.get("/diff", params={**PAIR, "lang": "zh"}).text
    assert "比较文件" in zh and "已填写" in zh and "新增4项，删除3项，更改1项" in zh


def test_page_without_documents_is_a_form_and_unknown_is_a_404_page(client):
    r = client.get("/diff")
    assert r.status_code == 200 and '<select name="from">' in r.text and "diff-added" not in r.text
    r = client.get("/diff", params={"from": "nope-zh", "to": "acp-22a14-2-zh"})
    assert r.status_code == 404 and "nope-zh" in r.text


def test_openapi_describes_the_diff(client):
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/diff"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"from", "to", "format"}
    assert {"404", "422"} <= set(op["responses"])
    assert "DiffReport" in spec["components"]["schemas"]
