"""The reader's seams: a language is a table found by its headings, a file kind is one entry in
the registry of source readers, and the stages meet in one pipeline."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from itukg.graph import documents
from itukg.graph.documents import SOURCE_READERS, parse_file, parse_text, reader
from itukg.graph.documents import language as language_module

ROOT = Path(__file__).resolve().parents[2]
EN_DOC = ROOT / "tests/data/docs/ACP-TEST-EN.en.txt"


@pytest.fixture
def lang_dir(tmp_path, monkeypatch):
    """A copy of graph/documents/lang/ that the reader uses instead."""
    copy = tmp_path / "lang"
    shutil.copytree(language_module.LANG_DIR, copy)
    monkeypatch.setattr(language_module, "LANG_DIR", copy)
    documents.load_language.cache_clear()
    yield copy
    documents.load_language.cache_clear()


def test_a_new_table_is_detected_from_the_headings(lang_dir):
    """No language in the file name: the added table wins because its headings match."""
    en = yaml.safe_load((lang_dir / "en.yaml").read_text(encoding="utf-8"))
    en["language"] = "xx"
    # German: a language with no table of its own (French, "Objectif"/"Produit", has one)
    en["headings"]["objective"] = r"^ziel\s*(?P<code>\d+)\s*[-–—:]\s*(?P<title>.+)$"
    en["headings"]["output"] = r"^leistung\s*(?P<code>\d+(?:\.\d+)+)\s*[-–—:]\s*(?P<title>.+)$"
    (lang_dir / "xx.yaml").write_text(yaml.safe_dump(en, allow_unicode=True), encoding="utf-8")
    assert "xx" in documents.available_languages()
    text = EN_DOC.read_text(encoding="utf-8")
    text = text.replace("Objective 4 –", "Ziel 4 –")
    text = "\n".join("Leistung" + ln[len("Output"):] if ln.startswith("Output 4.") and " – " in ln
                     else ln for ln in text.split("\n"))
    d = parse_text(text, "doc.txt")
    assert d.language == "xx"
    assert [o.code for o in d.outputs] == ["4.1", "4.2"]
    assert parse_text(EN_DOC.read_text(encoding="utf-8"), "doc.txt").language == "en"


def test_a_file_kind_is_one_registry_entry(tmp_path, monkeypatch):
    """A reader registered for a suffix turns the file into text-export form; the stages that
    follow are the text reader's (so a Word reader yields the same records)."""
    src = tmp_path / "ACP-TEST-EN.en.fake"
    src.write_bytes(EN_DOC.read_bytes()[::-1])  # a "format" the text reader cannot read

    def read_fake(path: Path) -> tuple[str, str]:
        data = reader.read_bytes(path)
        return reader.decode_text(data[::-1], path), hashlib.sha256(data).hexdigest()

    monkeypatch.setitem(SOURCE_READERS, ".fake", read_fake)
    d = parse_file(src)
    expected = parse_file(EN_DOC)
    assert d.summary() == expected.summary() | {"source": src.name}
    assert d.sha256 == hashlib.sha256(src.read_bytes()).hexdigest() != expected.sha256


def test_unregistered_suffix_is_read_as_a_text_export(tmp_path):
    src = tmp_path / "ACP-TEST-EN.en.export"
    shutil.copy(EN_DOC, src)
    assert parse_file(src).summary() == parse_file(EN_DOC).summary() | {"source": src.name}
