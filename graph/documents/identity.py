"""A document's identity: its symbol, its revision (Rev.N, Corr.N) and its language.

ITU writes a revision after the symbol, in parentheses: ``ACP/22A14/2(Rev.1)``, also seen with a
space (``ACP/22A14/2 (Rev.1)``), spelled out (``Revision 1``) or as a corrigendum (``Corr.1``,
``Corrigendum 1``). An addendum (``Add.10``, ``Addendum 10``) is *not* a revision: in ITU
numbering ``WTDC-21/22(Add.10)`` is a document of its own (one proposal of a group), so it stays
part of the symbol, written ``(Add.N)`` (``docs/decisions/0110-document-identity.md``).

The canonical symbol is ``BASE(Rev.N)`` / ``BASE(Corr.N)``; the slug adds ``-rev{N}`` /
``-corr{N}`` before the language, so an unrevised document keeps the slug it always had.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "Rev.1", "(Rev. 1)", "Revision 1", "Corr.2", "Corrigendum 2", after the base symbol
_REVISION = re.compile(
    r"^(?P<base>\S.*?)(?:\s*[(（]\s*|\s+|-)(?P<kind>rev(?:ision)?|corr(?:igendum)?)\.?\s*"
    r"(?P<n>\d+)\s*[)）]?$", re.I)
# "Add.1", "(Add. 1)", "Addendum 1": folded into the symbol as "(Add.1)"
_ADDENDUM = re.compile(r"(?:\s*[(（]\s*|\s+|-)(?:add(?:endum)?)\.?\s*(\d+)\s*[)）]?", re.I)
KINDS = {"rev": "Rev", "corr": "Corr"}


@dataclass(frozen=True)
class Identity:
    """``base`` the symbol without revision; ``kind`` "Rev" | "Corr" | None; ``number`` N."""

    base: str
    kind: str | None = None
    number: int | None = None

    @property
    def symbol(self) -> str:
        """The canonical symbol: ``ACP/22A14/2(Rev.1)``, or the base when not a revision."""
        return f"{self.base}({self.kind}.{self.number})" if self.kind else self.base

    def slug(self, language: str) -> str:
        """``acp-22a14-2-rev1-zh``; the unrevised document's slug is ``acp-22a14-2-zh``."""
        base = re.sub(r"[^a-z0-9]+", "-", self.base.lower()).strip("-")
        rev = f"-{self.kind.lower()}{self.number}" if self.kind else ""
        return f"{base}{rev}-{language}"

    def base_slug(self, language: str) -> str:
        """The slug of the document this one revises (same symbol, same language)."""
        return Identity(self.base).slug(language)

    def work_slug(self) -> str:
        """The key shared by every version and translation: the base symbol, no language."""
        return re.sub(r"[^a-z0-9]+", "-", self.base.lower()).strip("-")


def parse_symbol(text: str) -> Identity:
    """The identity a symbol as written stands for (``ACP/22A14/2 (Rev.1)`` → base
    ``ACP/22A14/2``, Rev, 1). Never raises: text without a revision is all base."""
    t = " ".join(text.split())
    m = _REVISION.match(t)
    kind = number = None
    if m:
        word = m.group("kind").lower()
        kind = KINDS["rev" if word.startswith("rev") else "corr"]
        t, number = m.group("base"), int(m.group("n"))
    t = _ADDENDUM.sub(lambda a: f"(Add.{a.group(1)})", t).strip()
    return Identity(t, kind, number)


def slug_for(symbol: str, language: str) -> str:
    """The slug of a document: see :meth:`Identity.slug`. Never raises."""
    return parse_symbol(symbol).slug(language)
