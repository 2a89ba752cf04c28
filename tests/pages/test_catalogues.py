"""Every interface message the templates and the code use has a translation in every catalogue,
the catalogues agree with their template (``itukg/messages/itukg.pot``), and no translation breaks a
placeholder. Adding a message without translating it fails here, naming it."""

from __future__ import annotations

import io

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from itukg.messages import DOMAIN, SOURCE, catalogue_path, languages
from itukg.messages.extract import extract, untranslated


@pytest.fixture(scope="module")
def template() -> Catalog:
    return extract()


def _read(lang: str) -> Catalog:
    with catalogue_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def test_there_are_several_languages_and_english_is_the_source() -> None:
    assert languages()[0] == SOURCE == "en" and "zh" in languages()


@pytest.mark.parametrize("lang", languages())
def test_every_used_message_is_translated(template: Catalog, lang: str) -> None:
    missing = untranslated(template, _read(lang), source=lang == SOURCE)
    assert not missing, f"{lang}: {len(missing)} message(s) without translation:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", languages())
def test_translations_keep_their_placeholders(lang: str) -> None:
    problems = [f"{m.id!r}: {errors}" for m, errors in _read(lang).check() if errors]
    assert not problems, "\n".join(problems)


def test_extraction_finds_template_code_and_plural_messages(template: Catalog) -> None:
    assert template.get("Trace") is not None  # a template's _()
    assert template.get("mandated by resolution") is not None  # an N_() in the code
    assert template.get(("%(num)d finding", "%(num)d findings")) is not None  # ngettext
    assert template.get("From", context="edge") is not None  # pgettext


def test_a_missing_translation_is_named(template: Catalog) -> None:
    broken = _read("zh")
    broken.delete("Trace")
    broken.get("Audit").string = ""
    buf = io.BytesIO()
    write_po(buf, broken)  # the check reads what a PO file can hold
    buf.seek(0)
    missing = untranslated(template, read_po(buf, locale="zh", domain=DOMAIN))
    assert sorted(m.split(" (")[0] for m in missing) == ["Audit", "Trace"]


@pytest.mark.parametrize("lang", languages())
def test_translations_are_plain_text(lang: str) -> None:
    """Templates insert translations as markup (Jinja's i18n extension does), so a translation
    must not carry markup or a quote that would end an attribute."""
    bad = [m.id for m in _read(lang) if m.id
           for s in (m.string if isinstance(m.string, tuple) else (m.string,)) if any(c in (s or "") for c in '<>&"')]
    assert not bad, bad


def test_templates_translate_with_gettext_calls() -> None:
    """Templates say ``_("English")``: a ``t("key")`` (the old word keys) would not be extracted
    and would show the key itself."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "api" / "templates"
    old = [f"{p.name}: {m[0]}" for p in sorted(templates.glob("*.html"))
           for m in re.finditer(r"""\bt\(\s*["'][^"']*["']""", p.read_text(encoding="utf-8"))]
    assert not old, "use _() / ngettext() / pgettext() in templates:\n" + "\n".join(old)
