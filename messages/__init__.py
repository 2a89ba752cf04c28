"""The interface messages: one gettext domain (``itukg``), one catalogue per language.

The catalogues are the ``.po`` files at ``messages/<lang>/LC_MESSAGES/itukg.po``; the message
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

from babel import Locale
from babel.messages.pofile import read_po

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
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (ValueError, LookupError):  # an unknown code still gets a usable link text
        return lang
    return name[:1].upper() + name[1:] if lang == SOURCE else name


class _PoTranslations(gettext.GNUTranslations):
    """A :class:`gettext.GNUTranslations` filled from a Babel catalogue instead of a ``.mo``."""

    def __init__(self, path: Path):
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
