"""Language versions held against each other by the audit: an aligned English/Chinese pair gives
no finding; a pair that differs in one output, resolution, WSIS line, SDG target, regional
initiative and Question gives one finding each, naming both versions and both lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from itukg.graph.audit import run_audit
from itukg.graph.audit.render import render
from itukg.graph.build import build
from itukg.graph.store import open_store
from itukg.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"
PAIRS = sorted(DOCS.glob("translation-*.txt"))


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    settings = Settings(store=tmp_path_factory.mktemp("translations") / "store")
    build([str(p) for p in PAIRS], settings, workers=1)
    with open_store(settings, read_only=True) as s:
        report = run_audit(s, settings, store_report=False)
    return settings, report


def _ours(report, slug_part: str = ""):
    return [f for f in report.findings if f.kind.startswith("translation-")
            and slug_part in f.focus.document + (f.counterpart.document if f.counterpart else "")]


def _line(name: str, needle: str) -> int:
    """The line of ``needle`` in a fixture, read from the file (not hard-coded)."""
    lines = (DOCS / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, t in enumerate(lines, 1) if needle in t)


def test_aligned_pair_has_no_finding(audited):
    _, report = audited
    assert len(PAIRS) == 4
    assert _ours(report, "acp-22a14-7") == []


def test_differing_pair_one_finding_per_kind_naming_both_lines(audited):
    _, report = audited
    found = {f.kind: f for f in _ours(report, "acp-22a14-8")}
    assert sorted(found) == sorted(["translation-output", "translation-resolution",
                                    "translation-wsis", "translation-sdg-target",
                                    "translation-regional", "translation-question"])
    assert len(_ours(report, "acp-22a14-8")) == 6
    en, zh = "translation-differs.en.txt", "translation-differs.zh.txt"
    zh_heading = _line(zh, "输出成果3.1 –")
    expect = {  # kind: (English line, Chinese line)
        "translation-resolution": (_line(en, "WTDC Resolutions 17 and 37"), zh_heading),
        "translation-wsis": (_line(en, "action lines C1 and C6"), zh_heading),
        "translation-sdg-target": (_line(en, "(targets 9.1, 9.c)"), zh_heading),
        "translation-question": (_line(en, "Question 3/1"), zh_heading),
        "translation-regional": (_line(en, "AFR2:"), _line(zh, "AFR1：")),
        "translation-output": (_line(en, "Output 3.2 –"), None),
    }
    for kind, (en_line, zh_line) in expect.items():
        f = found[kind]
        assert f.severity == "Warning"
        assert f.provenance.document.endswith("/acp-22a14-8-en"), kind
        assert f.counterpart.document.endswith("/acp-22a14-8-zh"), kind
        assert (f.provenance.line, f.counterpart.line) == (en_line, zh_line), kind
        # the message names both versions and both lines, in English and Chinese
        assert "acp-22a14-8-en" in f.message["en"] and "acp-22a14-8-zh" in f.message["en"]
        assert f"line {en_line}" in f.message["en"]
        assert f"第{en_line}行" in f.message["zh"]
        if zh_line:
            assert f"line {zh_line}" in f.message["en"]
    assert "lacks SDG target 9.c that the English version" in found["translation-sdg-target"].message["en"]
    assert "中文版本" in found["translation-wsis"].message["zh"]
    assert "AFR2" in found["translation-regional"].message["en"]
    assert "AFR1" in found["translation-regional"].message["en"]


def test_finding_ids_distinct_and_reports_carry_both_sides(audited):
    _, report = audited
    ours = _ours(report)
    assert len({f.id for f in ours}) == len(ours)
    data = report.to_json()
    js = [f for f in data["findings"] if f["kind"].startswith("translation-")]
    assert all(f["counterpart"]["document"] and f["provenance"]["document"] for f in js)
    assert {k["kind"] for k in data["checks"]} >= {"translation-output", "translation-question"}
    nt = report.to_ntriples().decode()
    zh_line = ours[0].counterpart.line_iri or ours[1].counterpart.line_iri
    assert f"<https://w3id.org/itukg/ontology#counterpartLine> <{zh_line}>" in nt
    text = render(report, "text", lang="zh")
    assert "缺少" in text and "研究组课题" in text
    html = render(report, "html", lang="en")
    assert "lacks SDG target 9.c that the English version" in html


def test_subset_audit_of_one_version_still_compares(audited):
    settings, _ = audited
    with open_store(settings, read_only=True) as s:
        report = run_audit(s, settings, ["acp-22a14-8-zh"], store_report=False)
    assert len(_ours(report)) == 6


def test_audit_of_one_language_has_no_translation_findings(tmp_path):
    settings = Settings(store=tmp_path / "store")
    build([str(DOCS / "translation-differs.en.txt")], settings, workers=1)
    with open_store(settings, read_only=True) as s:
        report = run_audit(s, settings, store_report=False)
    assert _ours(report) == []


def test_same_translation_findings_whichever_engine_runs_the_shapes(audited):
    settings, report = audited
    with open_store(settings, read_only=True) as s:
        other = run_audit(s, settings, ["acp-22a14-8-en", "acp-22a14-8-zh"], store_report=False,
                          engine="pyshacl")
    key = [(f.id, f.kind, f.provenance.line, f.counterpart.line, f.message["zh"])
           for f in _ours(report, "acp-22a14-8")]
    assert [(f.id, f.kind, f.provenance.line, f.counterpart.line, f.message["zh"])
            for f in _ours(other)] == key


def test_region_filled_in_one_version_only(tmp_path):
    """An emptied slot: one finding, the other version's line is the row naming the region."""
    zh = (DOCS / "translation-aligned.zh.txt").read_text(encoding="utf-8")
    assert zh.count("\tAMS1：减少数字鸿沟\n") == 1
    emptied = tmp_path / "emptied.zh.txt"
    emptied.write_text(zh.replace("\tAMS1：减少数字鸿沟\n", "\t\n"), encoding="utf-8")
    settings = Settings(store=tmp_path / "store")
    build([str(DOCS / "translation-aligned.en.txt"), str(emptied)], settings, workers=1)
    with open_store(settings, read_only=True) as s:
        report = run_audit(s, settings, store_report=False)
    [f] = _ours(report)
    assert (f.kind, f.focus.document, f.value) == ("translation-regional", "acp-22a14-7-en", "americas")
    assert f.provenance.line == _line("translation-aligned.en.txt", "AMS1:")
    assert f.counterpart.line == zh.splitlines().index("\t美洲区域") + 1
    assert f.counterpart.file == "emptied.zh.txt" and f.provenance.identifier == "ACP/22A14/7"
    assert "names AMS1: Reducing the digital divide and the Chinese version" in f.message["en"]
