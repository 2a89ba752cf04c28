"""Bad input: clear DocumentErrors with file and line, warnings instead of silent drops, the
language taken from the file name or the text, tables loaded as data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from itukg.errors import DocumentError, ParseWarning
from itukg.graph.documents import language as P
from itukg.graph.documents import (
    available_languages,
    load_conferences,
    load_language,
    parse_file,
    parse_text,
)

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "tests/data/docs"
CORPUS = ROOT / "corpus/ACP-22A14-4.zh.txt"


def test_not_a_planning_document():
    with pytest.raises(DocumentError) as e:
        parse_file(DOCS / "not-a-plan.zh.txt")
    assert e.value.source == "not-a-plan.zh.txt" and e.value.line == 2
    assert "objective" in e.value.message
    assert str(e.value).startswith("not-a-plan.zh.txt:2: ")


def test_unknown_language_without_hint_is_an_error_with_line(tmp_path):
    p = tmp_path / "minutes.txt"
    shutil.copy(DOCS / "not-a-plan.zh.txt", p)
    with pytest.raises(DocumentError) as e:
        parse_file(p)
    assert e.value.line == 1 and "language" in e.value.message


def test_no_results_table():
    text = CORPUS.read_text(encoding="utf-8").split("\n")
    # keep header + objective, drop the table (lines 3-30)
    doc = "\n".join(text[:2] + text[30:])
    with pytest.raises(DocumentError) as e:
        parse_text(doc, "cut.zh.txt")
    assert "results table" in e.value.message and e.value.line == 3


def test_no_output_section():
    text = CORPUS.read_text(encoding="utf-8").split("\n")
    with pytest.raises(DocumentError) as e:
        parse_text("\n".join(text[:30]), "cut.zh.txt")
    assert "output section" in e.value.message and e.value.line == 29  # the last line


def test_not_utf8(tmp_path):
    p = tmp_path / "latin1.zh.txt"
    p.write_bytes("MOD\tACP/1/1\n".encode() + "caf\u00e9\n".encode("latin-1"))
    with pytest.raises(DocumentError) as e:
        parse_file(p)
    assert e.value.line == 2 and "UTF-8" in e.value.message and e.value.source == p.name


def test_missing_file(tmp_path):
    with pytest.raises(DocumentError) as e:
        parse_file(tmp_path / "nope.zh.txt")
    assert "cannot read" in e.value.message


def test_empty_document():
    with pytest.raises(DocumentError):
        parse_text("\n\n", "empty.zh.txt")


def test_unknown_language_code():
    with pytest.raises(DocumentError):
        parse_text("x", "x.txt", language="xx")


def test_language_from_text_when_name_has_none(tmp_path):
    p = tmp_path / "document.txt"
    shutil.copy(DOCS / "ACP-TEST-EN.en.txt", p)
    assert parse_file(p).language == "en"
    q = tmp_path / "corpus-copy.txt"
    shutil.copy(CORPUS, q)
    d = parse_file(q)
    assert d.language == "zh" and d.slug == "acp-22a14-4-zh"


def test_symbol_from_file_name_when_header_missing():
    text = CORPUS.read_text(encoding="utf-8").split("\n")
    d = parse_text("\n".join(text[1:]), "ACP-22A14-4.zh.txt")
    assert d.symbol == "ACP-22A14-4" and d.slug == "acp-22a14-4-zh" and d.marker is None
    assert [w.line for w in d.warnings] == [1] and "header" in d.warnings[0].message


def test_unplaceable_lines_are_warnings_not_drops():
    text = CORPUS.read_text(encoding="utf-8").split("\n")
    text.insert(31, "这一行不属于任何小节。")  # between the heading of output 4.1 and "1 背景"
    text.insert(86, "\t无法识别的单元格")  # inside the Questions table of output 4.1 (line 87)
    d = parse_text("\n".join(text), "x.zh.txt")
    got = {(w.line, w.message.split(":")[0]) for w in d.warnings}
    assert (32, "text before the first subsection of output 4.1") in got
    assert any(w.line == 87 and "Question" in w.message for w in d.warnings)
    assert all(isinstance(w, ParseWarning) and w.source == "x.zh.txt" for w in d.warnings)
    # the rest of the document is unchanged
    assert d.summary()["links"]["sdg_targets"] == 54


def test_unknown_venue_and_footnote_without_body_warn():
    text = CORPUS.read_text(encoding="utf-8").split("\n")
    text[32] = "根据全权代表大会第16号决议（2014年，火星，修订版）。[footnoteRef:9]"
    d = parse_text("\n".join(text), "x.zh.txt")
    msgs = [(w.line, w.message) for w in d.warnings]
    assert any(n == 33 and "火星" in m for n, m in msgs)
    assert any(n == 33 and "footnote reference 9" in m for n, m in msgs)
    (c,) = [c for c in d.all_citations() if c.line == 33]
    assert c.venue_as_written == "火星" and c.venue is None and c.conference is None
    assert c.resolution == "pp/16" and c.rule == "as-written"  # the body was written


def test_unclosed_footnote_body_warns():
    text = CORPUS.read_text(encoding="utf-8").split("\n")
    text[49] = text[49].rstrip().rstrip("]")  # remove the closing bracket of footnote 1
    d = parse_text("\n".join(text), "x.zh.txt")
    assert any(w.line == 46 and "no closing" in w.message for w in d.warnings)


def test_languages_are_data():
    assert {"zh", "en"} <= set(available_languages())
    zh, en = load_language("zh"), load_language("en")
    assert zh.body_key("全权代表大会") == "pp" and en.body_key("Plenipotentiary Conference") == "pp"
    assert zh.venue("迪拜") == en.venue("Dubai") == "Dubai"
    for L in (zh, en):
        assert {k for _, k in L.regions} == {"africa", "americas", "arab-states", "asia-pacific",
                                             "cis", "europe"}
        assert {k for k, _, _ in L.programmes} == {"ipoa", "samoa", "vpoa", "almaty", "sendai",
                                                   "aaaa", "a-res-70-125", "a-res-70-1", "bpoa"}


def test_every_venue_maps_to_a_conference_city():
    cities = {c.venue for c in load_conferences()}
    for code in available_languages():
        assert set(load_language(code).venues.values()) <= cities, code
        assert cities <= set(load_language(code).venues.values()), code


def test_a_new_language_is_a_new_yaml_file(tmp_path, monkeypatch):
    """Adding a language needs only a table: a pseudo-language whose surface is the English one
    with other heading words parses a document written in it."""
    import yaml

    en = yaml.safe_load((P.LANG_DIR / "en.yaml").read_text(encoding="utf-8"))
    en["language"] = "xx"
    en["headings"]["background"] = "^contexte$"
    lang_dir = tmp_path / "lang"
    lang_dir.mkdir()
    for f in P.LANG_DIR.glob("*.yaml"):
        shutil.copy(f, lang_dir / f.name)
    (lang_dir / "xx.yaml").write_text(yaml.safe_dump(en, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(P, "LANG_DIR", lang_dir)
    P.load_language.cache_clear()
    try:
        text = (DOCS / "ACP-TEST-EN.en.txt").read_text(encoding="utf-8")
        text = text.replace("1\tBackground", "1\tContexte")
        d = parse_text(text, "doc.xx.txt")
        assert d.language == "xx" and d.slug == "acp-22a14-4-xx"
        assert [len(o.background) for o in d.outputs] == [3, 1]
        assert not d.warnings
    finally:
        P.load_language.cache_clear()


def test_malformed_language_table(tmp_path, monkeypatch):
    (tmp_path / "yy.yaml").write_text("language: yy\nheadings: {}\n", encoding="utf-8")
    monkeypatch.setattr(P, "LANG_DIR", tmp_path)
    P.load_language.cache_clear()
    try:
        with pytest.raises(DocumentError) as e:
            load_language("yy")
        assert "yy.yaml" in e.value.message
    finally:
        P.load_language.cache_clear()


def test_crlf_and_bom_are_read():
    text = CORPUS.read_text(encoding="utf-8")
    d = parse_text("\ufeff" + text.replace("\n", "\r\n"), "x.zh.txt")
    assert d.summary() == parse_file(CORPUS).summary() | {"source": "x.zh.txt"}
    assert not d.warnings


def test_region_row_on_one_line_and_colon_heading():
    text = (DOCS / "filled-regional.zh.txt").read_text(encoding="utf-8").split("\n")
    i = text.index("\t欧洲区域")
    text[i: i + 3] = ["\t欧洲区域\tEUR1：频谱管理\tEUR2：数字广播"]
    j = text.index("输出成果2.1 – 网络基础设施产品和服务")
    text[j] = "输出成果2.1：网络基础设施产品和服务"
    d = parse_text("\n".join(text), "x.zh.txt")
    (o,) = d.outputs
    assert o.title == "网络基础设施产品和服务"
    (eur,) = [s for s in o.regional_slots if s.region == "europe"]
    assert [i.text for i in eur.initiatives] == ["EUR1：频谱管理", "EUR2：数字广播"]
    assert eur.region_as_written == "欧洲区域" and not d.warnings
