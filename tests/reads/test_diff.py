"""Revisions built side by side (distinct slugs, revisesDocument, the latest version computed at
build) and the diff reader: the exact changes of tests/data/docs/revision-rev1.zh.txt, with lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from itukg.graph.build import build
from itukg.graph.reads.common import UnknownDocument
from itukg.graph.reads.diff import AmbiguousDocument, diff, documents, resolve
from itukg.graph.reads.models import DocumentRef
from itukg.graph.reads.params import ParameterError
from itukg.graph.store import open_store, select_rows
from itukg.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"
BASE, REV1 = DOCS / "revision-base.zh.txt", DOCS / "revision-rev1.zh.txt"
IKG = "https://w3id.org/itukg/ontology#"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The base, its Rev.1 (the fixture), a Rev.2 and a Corr.1 (header changed only)."""
    tmp = tmp_path_factory.mktemp("revisions")
    text = REV1.read_text(encoding="utf-8")
    extra = []
    for name, header in (("rev2", "MOD\tACP/22A14/2(Rev.2)"), ("corr1", "MOD\tACP/22A14/2 Corr.1")):
        p = tmp / f"revision-{name}.zh.txt"
        p.write_text(text.replace("MOD\tACP/22A14/2 (Rev.1)", header, 1), encoding="utf-8")
        extra.append(p)
    settings = Settings(store=tmp / "store")
    report = build([str(BASE), str(REV1), *map(str, extra)], settings, workers=1)
    assert sorted(d.slug for d in report.documents) == [
        "acp-22a14-2-corr1-zh", "acp-22a14-2-rev1-zh", "acp-22a14-2-rev2-zh", "acp-22a14-2-zh"]
    s = open_store(settings, read_only=True)
    yield settings, s
    s.close()


def _values(store, p: str) -> dict[str, str]:
    rows = select_rows(store, f"SELECT ?d ?v WHERE {{ ?d <{IKG}{p}> ?v }}")
    return {str(r["d"]).rsplit("/", 1)[-1]: str(r["v"]).rsplit("/", 1)[-1] for r in rows}


def test_versions_side_by_side_with_revision_and_latest(store):
    settings, s = store
    assert _values(s, "revisesDocument") == {
        "acp-22a14-2-rev1-zh": "acp-22a14-2-zh", "acp-22a14-2-rev2-zh": "acp-22a14-2-zh",
        "acp-22a14-2-corr1-zh": "acp-22a14-2-zh"}
    assert _values(s, "revisionKind") == {"acp-22a14-2-rev1-zh": "Rev", "acp-22a14-2-rev2-zh": "Rev",
                                          "acp-22a14-2-corr1-zh": "Corr"}
    # the highest Rev is the latest; a corrigendum is not a version of its own
    assert _values(s, "isLatestVersion") == {"acp-22a14-2-zh": "false", "acp-22a14-2-rev1-zh": "false",
                                             "acp-22a14-2-rev2-zh": "true"}
    assert set(_values(s, "work").values()) == {"acp-22a14-2"}


def test_diff_gives_the_exact_changes_with_lines(store):
    settings, s = store
    d = diff(s, settings, "ACP/22A14/2", "ACP/22A14/2(Rev.1)")
    assert (d["from"]["slug"], d["to"]["slug"], d["identical"]) == (
        "acp-22a14-2-zh", "acp-22a14-2-rev1-zh", False)
    added = [(e["output"], e["kind"], e["key"], e["text"], e["lines"]) for e in d["added"]]
    assert added == [
        ("2.1", "resolution", "wtdc/45", "WTDC第45号决议", [59]),
        ("2.1", "wsis", "C3", "C3", [61]),
        ("2.1", "sdg-target", "9.4", "9.4", [63]),
        ("2.1", "regional-slot", "americas", "AMS1：减少数字鸿沟", [31]),
    ]
    assert d["added"][3]["change"] == "filled" and d["added"][3]["was"] == {"text": "", "lines": [29]}
    removed = [(e["output"], e["kind"], e["key"], e["text"], e["lines"]) for e in d["removed"]]
    assert removed == [
        ("2.1", "resolution", "wtdc/37", "WTDC第37号决议", [59]),
        ("2.1", "wsis", "C2", "C2", [61]),
        ("2.1", "sdg-target", "9.c", "9c", [63]),
    ]
    assert d["changed"] == [{"output": "2.1", "kind": "indicator", "key": "1",
                             "from": {"text": "获得援助的国家数量", "lines": [9]},
                             "to": {"text": "获得援助的国家和区域数量", "lines": [9]}}]


def test_the_other_way_round_fills_become_emptied(store):
    settings, s = store
    d = diff(s, settings, "acp-22a14-2-rev1-zh", "acp-22a14-2-zh")
    slot = [e for e in d["removed"] if e["kind"] == "regional-slot"]
    assert slot and slot[0]["change"] == "emptied" and slot[0]["lines"] == [31]
    assert {e["key"] for e in d["added"]} == {"wtdc/37", "C2", "9.c"}


def test_a_document_against_itself_and_a_header_only_revision_are_identical(store):
    settings, s = store
    assert diff(s, settings, "acp-22a14-2-zh", "ACP/22A14/2")["identical"]
    d = diff(s, settings, "ACP/22A14/2 (Rev.1)", "ACP/22A14/2 Revision 2")
    assert d["identical"] and not (d["added"] or d["removed"] or d["changed"])


def test_unknown_empty_and_ambiguous_documents_are_clear_errors(store):
    settings, s = store
    with pytest.raises(UnknownDocument, match="acp-22a14-2-rev1-zh"):
        diff(s, settings, "ACP/22A14/9", "acp-22a14-2-zh")
    with pytest.raises(ParameterError, match="to"):
        diff(s, settings, "acp-22a14-2-zh", "")
    docs = documents(s) + [DocumentRef(iri="x", slug="acp-22a14-2-en", identifier="ACP/22A14/2",
                                       language="en")]
    with pytest.raises(AmbiguousDocument, match="give a slug: acp-22a14-2-zh, acp-22a14-2-en"):
        resolve("ACP/22A14/2", docs, "from")


def test_question_slot_filled_and_outcome_changed(store, tmp_path):
    """A further revision (built in its own store with the base) that fills the Question
    placeholder and rewords the outcome."""
    settings, _ = store
    text = BASE.read_text(encoding="utf-8").replace("MOD\tACP/22A14/2", "MOD\tACP/22A14/2(Rev.3)", 1)
    assert "\t第X号研究组课题" in text and "\t加强成员国在网络和服务方面的能力" in text
    text = text.replace("\t第X号研究组课题", "\t第1/1号研究组课题", 1)
    text = text.replace("\t加强成员国在网络和服务方面的能力", "\t加强成员国在网络方面的能力", 1)
    rev3 = tmp_path / "revision-rev3.zh.txt"
    rev3.write_text(text, encoding="utf-8")
    own = Settings(store=tmp_path / "store")
    build([str(BASE), str(rev3)], own, workers=1)
    with open_store(own, read_only=True) as s:
        d = diff(s, own, "acp-22a14-2-zh", "acp-22a14-2-rev3-zh")
        assert _values(s, "isLatestVersion") == {"acp-22a14-2-zh": "false",
                                                 "acp-22a14-2-rev3-zh": "true"}
    assert [(e["kind"], e["key"], e["change"], e["text"], e["lines"]) for e in d["added"]] == [
        ("question-slot", "1", "filled", "第1/1号研究组课题", [52])]
    assert d["removed"] == []
    assert d["changed"] == [{"output": "2.1", "kind": "outcome", "key": "2.1",
                             "from": {"text": "加强成员国在网络和服务方面的能力", "lines": [8]},
                             "to": {"text": "加强成员国在网络方面的能力", "lines": [8]}}]
