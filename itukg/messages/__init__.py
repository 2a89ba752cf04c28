"""The interface messages: one gettext domain (``itukg``), one catalogue per language.

The catalogues are the ``.po`` files at ``itukg/messages/<lang>/LC_MESSAGES/itukg.po``; the message
ids are the English texts (English is the source language, so its catalogue may leave a
``msgstr`` empty: gettext then answers the id itself). They are read at run time with Babel
(no compiled ``.mo`` file is committed or needed), once per process.

The interface languages are the catalogues present: adding a language is adding a catalogue
(docs/pages.md). The pages (``itukg.api.pages``) and the audit's renderers
(``itukg.graph.audit.render``) both read messages from here.
"""

from __future__ import annotations

import functools
import gettext
from pathlib import Path

from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po
from jinja2 import pass_context
from markupsafe import Markup

DOMAIN = "itukg"
SOURCE = "en"  # the language the message ids are written in
HERE = Path(__file__).resolve().parent


def N_(message: str) -> str:
    """Marks ``message`` for extraction without translating it (it is translated where shown)."""
    return message


def catalogue_path(lang: str) -> Path:
    return HERE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """The interface languages: one per catalogue present, the source language first."""
    found = sorted(p.parent.parent.name for p in HERE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return tuple(sorted(found, key=lambda lg: lg != SOURCE))


def language_name(lang: str) -> str:
    """The name of ``lang`` in that language (``zh`` → ``中文``), from Babel's locale data."""
    try:
        name = Locale.parse(lang.replace("-", "_")).get_display_name(lang) or lang
    except (ValueError, UnknownLocaleError):  # an unknown code still gets a usable link text
        return lang
    return name[:1].upper() + name[1:] if lang == SOURCE else name


@functools.lru_cache(maxsize=None)
def text_direction(lang: str) -> str:
    """``"rtl"`` for a language written right to left (``ar``), else ``"ltr"``, from Babel's
    locale data (so a new right-to-left catalogue needs no code). Raises nothing."""
    try:
        order = Locale.parse(lang.replace("-", "_")).character_order
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


class _PoTranslations(gettext.GNUTranslations):
    """A :class:`gettext.GNUTranslations` filled from a Babel catalogue instead of a ``.mo``."""

    def __init__(self, path: Path):
        # GNUTranslations.__init__ would parse a .mo from a file; its lookups only need
        # _catalog and plural, which we fill here.
        gettext.NullTranslations.__init__(self)
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=path.parent.parent.name, domain=DOMAIN)
        # The catalogue's own Plural-Forms rule, compiled the way gettext compiles a .mo's.
        self.plural = gettext.c2py(catalog.plural_expr)
        self._catalog = {}
        for m in catalog:
            if not m.id or m.fuzzy:
                continue
            key = m.id if isinstance(m.id, str) else m.id[0]
            if m.context:
                key = f"{m.context}\x04{key}"
            if isinstance(m.id, str):
                if m.string:
                    self._catalog[key] = m.string
            else:
                for i, s in enumerate(m.string):
                    if s:
                        self._catalog[(key, i)] = s


@functools.lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """The messages of ``lang``. Raises ``LookupError`` for a language without a catalogue."""
    if lang not in languages():
        raise LookupError(f"no message catalogue for {lang!r} (have {', '.join(languages())})")
    return _PoTranslations(catalogue_path(lang))


class Messages:
    """The messages of one language. ``m("English text")`` → its translation;
    ``m("… %(goal)s", goal=9)`` formats; :meth:`ngettext` for counts, :meth:`pgettext` for a
    text whose translation depends on a context.

    Raises ``ValueError`` for a language without a catalogue. A message missing from the
    catalogue shows in English (``tests/pages/test_catalogues.py`` names it)."""

    def __init__(self, lang: str):
        if lang not in languages():
            raise ValueError(f"unknown interface language {lang!r}")
        self.lang = lang
        self._tr = translations(lang)

    def __call__(self, message: str, **fmt: Any) -> str:
        s = self._tr.gettext(message)
        return s % fmt if fmt else s

    def ngettext(self, singular: str, plural: str, n: int, **fmt: Any) -> str:
        return self._tr.ngettext(singular, plural, n) % {"num": n, **fmt}

    def pgettext(self, context: str, message: str, **fmt: Any) -> str:
        s = self._tr.pgettext(context, message)
        return s % fmt if fmt else s

    def template_globals(self) -> dict[str, Any]:
        """What a template rendered in this language needs: ``t`` (this object), ``lang``, ``dir``
        (its writing direction, ``rtl`` or ``ltr``), and
        the callables of Jinja's i18n extension (``_``, ``gettext``, ``ngettext``, ``pgettext``,
        ``{% trans %}``), new-style: they format ``%(name)s`` and escape the values they insert."""
        return {"t": self, "lang": self.lang, "dir": text_direction(self.lang),
                "text_direction": text_direction, "gettext": _escaping(self._tr.gettext),
                "ngettext": _escaping(self._tr.ngettext), "pgettext": _escaping(self._tr.pgettext),
                "language_name": language_name, "LANGS": languages()}


def _escaping(func: Any) -> Any:
    """``func`` as Jinja's new-style gettext: the translated text is markup, the values it is
    formatted with are escaped (jinja2.ext does the same for the callables it installs)."""

    @pass_context
    def call(ctx: Any, *args: Any, **variables: Any) -> str:
        rv = func(*args)
        if ctx.eval_ctx.autoescape:
            rv = Markup(rv)
        if func.__name__ == "ngettext":
            variables.setdefault("num", args[2])
        return rv % variables

    return call


def in_language(texts: dict[str, str], lang: str) -> tuple[str, str]:
    """The text of ``texts`` (language → text) in ``lang``, else in English, else in the first
    language given, with the language it is in, so that a caller can show a fallback as one.
    Returns ``("", lang)`` for no text at all. Raises nothing."""
    for lg in (lang, SOURCE, *sorted(texts)):
        if texts.get(lg):
            return texts[lg], lg
    return "", lang
