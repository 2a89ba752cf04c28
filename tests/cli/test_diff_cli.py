"""``itukg diff``: text, json, csv on the revision fixture; exit 0 identical, 1 different, 2 for an
unknown document (naming the loaded ones), with the store left as it was."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from itukg.cli import main

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"
BASE, REV1 = DOCS / "revision-base.zh.txt", DOCS / "revision-rev1.zh.txt"

TEXT = """\
--- ACP/22A14/2 (acp-22a14-2-zh)
+++ ACP/22A14/2(Rev.1) (acp-22a14-2-rev1-zh)
+ output 2.1 resolution wtdc/45: [to L59] WTDC第45号决议
+ output 2.1 wsis C3: [to L61] C3
+ output 2.1 sdg-target 9.4: [to L63] 9.4
+ output 2.1 regional-slot americas filled: [from L29] (empty)  [to L31] AMS1：减少数字鸿沟
- output 2.1 resolution wtdc/37: [from L59] WTDC第37号决议
- output 2.1 wsis C2: [from L61] C2
- output 2.1 sdg-target 9.c: [from L63] 9c
~ output 2.1 indicator 1: [from L9] 获得援助的国家数量  [to L9] 获得援助的国家和区域数量
4 added, 3 removed, 1 changed
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    s = tmp_path_factory.mktemp("diff-cli") / "store"
    assert main(["--store", str(s), "build", str(BASE), str(REV1)]) == 0
    return str(s)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_lists_every_change_with_its_lines(store, capsys):
    code, out, err = run(capsys, "--store", store, "diff", "ACP/22A14/2", "ACP/22A14/2 (Rev.1)")
    assert (code, out, err) == (1, TEXT, "")


def test_json_and_csv_say_the_same(store, capsys):
    code, out, _ = run(capsys, "--store", store, "diff", "acp-22a14-2-zh", "acp-22a14-2-rev1-zh",
                       "--format", "json")
    data = json.loads(out)
    assert code == 1 and set(data) == {"from", "to", "compared", "identical", "added", "removed",
                                      "changed"}
    assert data["compared"] == "text"  # one language: words compared too
    assert [e["key"] for e in data["added"]] == ["wtdc/45", "C3", "9.4", "americas"]
    assert [e["key"] for e in data["removed"]] == ["wtdc/37", "C2", "9.c"]
    assert data["changed"][0]["to"] == {"text": "获得援助的国家和区域数量", "lines": [9]}
    code, out, _ = run(capsys, "--store", store, "diff", "acp-22a14-2-zh", "acp-22a14-2-rev1-zh",
                       "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 1 and len(rows) == 8
    assert rows[3] == {"section": "added", "output": "2.1", "kind": "regional-slot",
                       "key": "americas", "change": "filled", "from_text": "", "from_lines": "29",
                       "to_text": "AMS1：减少数字鸿沟", "to_lines": "31"}
    assert rows[-1]["from_text"] == "获得援助的国家数量" and rows[-1]["to_lines"] == "9"


def test_identical_documents_exit_0(store, capsys):
    code, out, _ = run(capsys, "--store", store, "diff", "ACP/22A14/2", "acp-22a14-2-zh")
    assert code == 0 and "identical" in out


def test_unknown_document_exits_2_naming_the_loaded_ones(store, capsys):
    before = sorted(p.name for p in Path(store).rglob("*"))
    code, out, err = run(capsys, "--store", store, "diff", "ACP/22A14/9", "acp-22a14-2-zh")
    assert code == 2 and out == ""
    assert "ACP/22A14/9" in err and "acp-22a14-2-rev1-zh, acp-22a14-2-zh" in err
    assert sorted(p.name for p in Path(store).rglob("*")) == before


def test_usage_errors_exit_2(store, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--store", store, "diff", "acp-22a14-2-zh"])
    assert exc.value.code == 2
