"""The language a request is answered in, and the translator the pages render with.

The messages themselves are gettext catalogues (:mod:`itukg.messages`); the interface
languages are the catalogues present (:data:`LANGS`).

The language is chosen, in order, by a ``lang`` query parameter (one of :data:`LANGS`; the
switch links set it and the answer remembers it in a cookie), the ``itukg_lang`` cookie, the
browser's ``Accept-Language`` (its first language we have a catalogue for, by primary
subtag: ``zh-CN`` → ``zh``), else English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup

from itukg.messages import N_, SOURCE, language_name, languages, translations

LANGS = languages()
COOKIE = "itukg_lang"

# Words chosen by a value in the data (a link kind, a severity, a trace column, a page):
# marked here so extraction finds them, translated where shown.
KIND = {
    "mandatedBy": N_("mandated by resolution"),
    "supportsActionLine": N_("supports WSIS action line"),
    "servesTarget": N_("serves SDG target"),
    "servesGoal": N_("serves SDG goal"),
    "servesOutcome": N_("serves outcome"),
    "hasRegionalSlot": N_("regional-initiative slot"),
    "hasQuestionSlot": N_("study-group Question slot"),
}
SEVERITY = {"Violation": N_("Violation"), "Warning": N_("Warning"), "Info": N_("Info")}
COLUMN = {"resolution": N_("Resolutions"), "output": N_("Outputs"), "target": N_("SDG targets"),
          "goal": N_("SDG goals")}
NAV = {"home": N_("Home"), "coverage": N_("SDG coverage"), "wsis": N_("WSIS × SDG"),
       "trace": N_("Trace"), "audit": N_("Audit"), "query": N_("Query"), "sources": N_("Sources")}


def pick_lang(query: Mapping[str, str], cookies: Mapping[str, str], accept_language: str | None) -> str:
    """The interface language for a request: one of :data:`LANGS`. Never raises."""
    q = (query.get("lang") or "").lower()
    if q in LANGS:
        return q
    c = (cookies.get(COOKIE) or "").lower()
    if c in LANGS:
        return c
    first = (accept_language or "").split(",")[0].split(";")[0].strip().lower()
    primary = first.split("-")[0]
    return primary if primary in LANGS else SOURCE


class Translator:
    """The messages of one language. ``t("English text")`` → its translation;
    ``t("… %(goal)s", goal=9)`` formats; :meth:`ngettext` for counts; :meth:`kind`,
    :meth:`severity`, :meth:`column`, :meth:`nav` for words chosen by a value.

    Raises ``ValueError`` for a language without a catalogue. A message missing from the
    catalogue shows in English (the test of the catalogues names it)."""

    def __init__(self, lang: str):
        if lang not in LANGS:
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

    def kind(self, kind: str) -> str:
        return self(KIND.get(kind, N_("other")))

    def severity(self, severity: str) -> str:
        """The severity's word, or the value itself for a severity we do not know."""
        return self(SEVERITY[severity]) if severity in SEVERITY else severity

    def column(self, col: str) -> str:
        return self(COLUMN[col])

    def nav(self, key: str) -> str:
        return self(NAV[key])

    def template_globals(self) -> dict[str, Any]:
        """What a template rendered in this language needs: ``t``, and the callables of
        Jinja's i18n extension (``_``, ``gettext``, ``ngettext``, ``pgettext``, ``{% trans %}``),
        new-style: they format ``%(name)s`` and escape the values they insert."""
        return {"t": self, "lang": self.lang, "gettext": _escaping(self._tr.gettext),
                "ngettext": _escaping(self._tr.ngettext), "pgettext": _escaping(self._tr.pgettext),
                "language_name": language_name, "LANGS": LANGS}


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
