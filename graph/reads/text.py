"""Language-tagged text for the pages, and the choice of a label in the interface language.

A :class:`Text` remembers its language so a template can mark Chinese text ``lang="zh"`` inside an
English page (and the reverse): screen readers and fonts then do the right thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib.term import Identifier, Literal


@dataclass(frozen=True)
class Text:
    """A string and its BCP 47 language (``""`` when it has none: codes, numbers)."""

    value: str
    lang: str = ""

    def __str__(self) -> str:
        return self.value

    @property
    def short_lang(self) -> str:
        """``zh-Hans`` → ``zh``: the form the pages mark text with."""
        return self.lang.split("-")[0].lower() if self.lang else ""

    def truncated(self, n: int) -> Text:
        if len(self.value) <= n:
            return self
        return Text(self.value[: n - 1].rstrip() + "…", self.lang)


def text_of(term: Identifier | None) -> Text | None:
    """A :class:`Text` from an rdflib literal (keeping its language), or ``None``."""
    if term is None:
        return None
    if isinstance(term, Literal):
        return Text(str(term), term.language or "")
    return Text(str(term))


def choose(texts: Iterable[Text], lang: str) -> Text | None:
    """The text in ``lang`` if there is one, else English, else Chinese, else any; ``None`` when
    there is none. Never raises."""
    items = [t for t in texts if t and t.value]
    if not items:
        return None
    for want in (lang, "en", "zh", ""):
        for t in items:
            if t.short_lang == want:
                return t
    return items[0]


def local_name(iri: str) -> str:
    """The last path segment or fragment of an IRI, for a resource without a label."""
    for sep in ("#", "/"):
        if sep in iri.rstrip("/"):
            tail = iri.rstrip("/").rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri
