"""The language a request is answered in, and the translator the pages render with.

The messages themselves are gettext catalogues (:mod:`itukg.messages`); the interface
languages are the catalogues present (:data:`LANGS`).

The language is chosen, in order, by a ``lang`` query parameter (one of :data:`LANGS`; the
switch links set it and the answer remembers it in a cookie), the ``itukg_lang`` cookie, the
browser's ``Accept-Language`` (its most wanted language that has a catalogue, by primary subtag,
``zh-CN`` → ``zh``, so ``de-CH, fr;q=0.8`` gives French), else English.
"""

from __future__ import annotations

from collections.abc import Mapping

from itukg.messages import N_, SOURCE, Messages, languages

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
       "trace": N_("Trace"), "audit": N_("Audit"), "query": N_("Query"), "sources": N_("Sources"),
       "diff": N_("Compare")}


def pick_lang(query: Mapping[str, str], cookies: Mapping[str, str], accept_language: str | None) -> str:
    """The interface language for a request: one of :data:`LANGS`. Never raises."""
    q = (query.get("lang") or "").lower()
    if q in LANGS:
        return q
    c = (cookies.get(COOKIE) or "").lower()
    if c in LANGS:
        return c
    for lang in accepted(accept_language):
        primary = lang.split("-")[0]
        if primary in LANGS:
            return primary
    return SOURCE


def accepted(header: str | None) -> list[str]:
    """The languages of an ``Accept-Language`` header, most wanted first (by ``q``, then by
    order), lower-cased; ``q=0`` and malformed weights are dropped. Never raises.

    >>> accepted("de-CH, fr;q=0.8, ar;q=0.9, *;q=0.1, ru;q=0")
    ['de-ch', 'ar', 'fr', '*']
    """
    weighted = []
    for i, part in enumerate((header or "").split(",")):
        lang, _, params = part.strip().partition(";")
        weight = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k.strip().lower() == "q":
                try:
                    weight = float(v)
                except ValueError:
                    weight = 0.0
        if lang.strip() and weight > 0:
            weighted.append((-weight, i, lang.strip().lower()))
    return [lang for _, _, lang in sorted(weighted)]


class Translator(Messages):
    """The pages' messages (:class:`itukg.messages.Messages`) plus :meth:`kind`,
    :meth:`severity`, :meth:`column`, :meth:`nav`: words chosen by a value in the data.

    Raises ``ValueError`` for a language without a catalogue."""

    def kind(self, kind: str) -> str:
        return self(KIND.get(kind, N_("other")))

    def severity(self, severity: str) -> str:
        """The severity's word, or the value itself for a severity we do not know."""
        return self(SEVERITY[severity]) if severity in SEVERITY else severity

    def column(self, col: str) -> str:
        return self(COLUMN[col])

    def nav(self, key: str) -> str:
        return self(NAV[key])
