"""Issue 12, item 1: documents in every UN language.

Each of tests/data/docs/ACP-TEST-{FR,ES,RU,AR}.{lang}.txt is the English fixture
ACP-TEST-EN.en.txt (whose facts are written by hand in its .expected.yaml) written in that
language's ITU phrasing, line for line. The golden tests compare what the reader makes of them,
never the words: outputs and their links, citations and mentions, footnotes, amendments, warnings
(:mod:`language_facts`).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from docx_fixtures import docx_from_text
from language_facts import facts, links

from itukg.graph import documents
from itukg.graph.documents import available_languages, fold, load_language, parse_file, parse_text
from itukg.graph.documents import language as language_module
from itukg.graph.documents.language import script_letters

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"
REFERENCE = DOCS / "ACP-TEST-EN.en.txt"
LANGS = ["fr", "es", "ru", "ar"]


def fixture(lang: str) -> Path:
    return DOCS / f"ACP-TEST-{lang.upper()}.{lang}.txt"


@pytest.fixture(scope="module")
def reference():
    return facts(parse_file(REFERENCE))


def test_every_un_language_has_a_table():
    assert {"ar", "en", "es", "fr", "ru", "zh"} <= set(available_languages())


@pytest.mark.parametrize("lang", LANGS)
def test_a_language_version_gives_the_facts_of_the_english_one(lang, reference):
    doc = parse_file(fixture(lang))
    assert doc.language == lang and doc.slug == f"acp-22a14-4-{lang}"
    assert facts(doc) == reference
    assert doc.warnings == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_language_is_detected_from_the_text_alone(lang):
    doc = parse_text(fixture(lang).read_text(encoding="utf-8"), "document.txt")
    assert doc.language == lang


@pytest.mark.parametrize("lang", LANGS + ["en"])
def test_the_tables_have_the_keys_of_the_chinese_one(lang):
    def keys(d, prefix=""):
        out = set()
        for k, v in d.items():
            if isinstance(v, dict) and k not in ("bodies", "venues"):
                out |= keys(v, f"{prefix}{k}.")
            else:
                out.add(prefix + k)
        return out

    def table(code):
        return yaml.safe_load((language_module.LANG_DIR / f"{code}.yaml").read_text("utf-8"))

    optional = {"ignore_case", "citations.body_after", "programmes.year_after",
                "dates.months", "script"}
    assert keys(table("zh")) - optional <= keys(table(lang)), lang
    assert load_language(lang).script is not None


# Replacement wording no table has, for the references heading of each output (lines 69, 122).
UNSEEN = {
    "fr": "3\tMandats, orientations et cibles applicables",
    "es": "3\tMandatos, orientaciones y metas aplicables",
    "ru": "3\tМандаты, направления и задачи, применимые к результату",
    "ar": "3\tالولايات والتوجهات والغايات المنطبقة",
}


@pytest.mark.parametrize("lang", LANGS)
def test_unknown_heading_wording_still_yields_the_facts_with_a_warning(lang, reference):
    lines = fixture(lang).read_text(encoding="utf-8").split("\n")
    for n in (69, 122):
        assert lines[n - 1].startswith(("3\t", "٣\t"))
        lines[n - 1] = UNSEEN[lang]
    doc = parse_text("\n".join(lines), f"unseen.{lang}.txt")
    assert links(doc) == reference["links"]
    assert [w.line for w in doc.warnings] == [69, 122]
    assert all("read as the references" in w.message for w in doc.warnings)


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EASTERN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def test_arabic_indic_digits_and_arabic_punctuation_read_as_ascii(reference):
    """Every number of the Arabic version (codes, resolutions, years, targets, Questions) written
    in Arabic-Indic digits, some in Eastern Arabic-Indic; lists joined by the Arabic comma."""
    lines = fixture("ar").read_text(encoding="utf-8").split("\n")
    lines[123] = lines[123].replace("70 و175", "70، 175")
    for i, ln in enumerate(lines):
        if i == 0 or "[" in ln or ln.startswith("\t2\t"):
            continue  # the symbol and the export's footnote marks are not the language's
        lines[i] = ln.translate(EASTERN if i % 3 == 0 else ARABIC_INDIC)
    assert "۷۰، ۱۷۵" in lines[123] and not re.search(r"[0-9]", lines[74] + lines[123])
    doc = parse_text("\n".join(lines), "digits.ar.txt")
    assert facts(doc) == reference
    o = doc.output("4.1")
    assert {t.value for t in o.targets} == {"1.4", "1.5", "9.a", "9.c"}
    assert not any(re.search(r"[0-9]", t.as_written) for t in o.targets)  # kept as written


def test_fold_maps_arabic_digits_and_punctuation_one_for_one():
    written = "القرار ١٦، ۱۷؛ ٤٫١ C٢ ؟\u200f"
    folded = fold(written)
    assert folded == "القرار 16, 17; 4.1 C2 ? "
    assert len(folded) == len(written)


def test_an_arabic_word_document_gives_the_facts_of_its_text_export(tmp_path, reference):
    src = fixture("ar")
    word = docx_from_text(src.read_text(encoding="utf-8"), tmp_path / "ACP-TEST-AR.ar.docx")
    doc = parse_file(word)
    assert doc.language == "ar" and doc.warnings == []
    assert facts(doc) == reference


def test_russian_action_line_codes_with_a_cyrillic_c_read_as_c_codes():
    o = parse_file(fixture("ru")).output("4.1")
    assert [(w.value, w.as_written) for w in o.wsis] == [("C2", "C2"), ("C6", "С6"), ("C7", "C7")]
    assert o.question_slots[0].text_as_written == "Вопрос Х" and o.question_slots[0].code is None


def test_conference_codes_are_read_in_each_language():
    cases = {"fr": "La CMDT-17 a adopté le Plan d'action.",
             "es": "La CMDT-22 aprobó el Plan de Acción.",
             "ru": "ВКРЭ-17 и ПК-18 приняли решения.",
             "ar": "اعتمد المؤتمر WTDC-22 خطة العمل."}
    want = {"fr": ["wtdc-17"], "es": ["wtdc-22"], "ru": ["wtdc-17", "pp-18"], "ar": ["wtdc-22"]}
    for lang, sentence in cases.items():
        lines = fixture(lang).read_text(encoding="utf-8").split("\n")
        lines[77] = sentence  # the background paragraph of output 4.2
        doc = parse_text("\n".join(lines), f"codes.{lang}.txt")
        got = [m.conference for b in doc.output("4.2").background for m in b.conference_mentions]
        assert got == want[lang], lang


def test_the_script_decides_between_tables_whose_headings_match_alike(tmp_path, monkeypatch):
    """Two tables with the same heading words: the one written in the document's script wins
    (a copy of the French table said to be Cyrillic, named to sort first, loses on French)."""
    copy = tmp_path / "lang"
    shutil.copytree(language_module.LANG_DIR, copy)
    monkeypatch.setattr(language_module, "LANG_DIR", copy)
    documents.load_language.cache_clear()
    try:
        for code, script in (("fr", "Cyrillic"), ("ru", "Latin")):
            t = yaml.safe_load((copy / f"{code}.yaml").read_text(encoding="utf-8"))
            t["script"] = script
            (copy / f"aa{code}.yaml").write_text(yaml.safe_dump(t, allow_unicode=True),
                                                 encoding="utf-8")
        for lang in ("fr", "ru"):
            text = fixture(lang).read_text(encoding="utf-8")
            assert parse_text(text, "document.txt").language == lang
    finally:
        documents.load_language.cache_clear()


def test_script_letters_counts_each_script():
    got = script_letters("Produit 4.1 Намеченный الناتج 输出")
    assert got == {"Latin": 7, "Cyrillic": 10, "Arabic": 6, "Han": 2}
