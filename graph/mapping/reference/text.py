"""Text cleaning at load time, and which label languages a table has.

Labels come in the languages the data has: a ``label_<lang>`` column (or ``title_<lang>``, ...)
gives a label tagged ``<lang>``; no builder names a language in code
(docs/decisions/0090-label-languages-from-the-data.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CJK = (
    "\u2e80-\u2fdf"  # radicals
    "\u3000-\u303f"  # CJK symbols and punctuation (、。《》「」...)
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\uff00-\uffef"  # full-width forms (，（）：；)
)
_FULL_WIDTH = {",": "\uff0c", ";": "\uff1b", ":": "\uff1a"}
# An ASCII , ; or : (with any spaces around it) that touches Chinese text on at least one side.
_ASCII_PUNCT_NEXT_TO_CJK = re.compile(
    rf"(?<=[{_CJK}]) *([,;:]) *|(?<![{_CJK}]) *([,;:]) *(?=[{_CJK}])"
)
CJK_CHAR = re.compile(f"[{_CJK}]")


def full_width_punctuation(text: str) -> str:
    """Replace ASCII ``,`` ``;`` ``:`` that touch Chinese text with their full-width forms.

    A mark is replaced when the nearest non-space character on its left or on its right is a CJK
    character (ideograph, CJK punctuation or full-width form); the spaces around it go too. Marks
    between two non-CJK characters (``100,000``, ``PM2.5, PM10``) are kept. Text without CJK
    characters is returned unchanged, so the rule applies to every language. Raises nothing.

    >>> full_width_punctuation("到2030年,在全球; 消除")
    '到2030年，在全球；消除'
    >>> full_width_punctuation("每10万人中有100,000人")
    '每10万人中有100,000人'
    """

    def repl(m: re.Match[str]) -> str:
        return _FULL_WIDTH[m.group(1) or m.group(2)]

    return _ASCII_PUNCT_NEXT_TO_CJK.sub(repl, text)


# A language tag as a column suffix: "en", "zh", "pt-BR" (BCP 47 language[-region]).
_LANG = r"[a-z]{2,3}(?:-[A-Za-z0-9]+)?"


def lang_columns(header: Iterable[str], prefix: str) -> list[tuple[str, str]]:
    """``(language tag, column)`` for every ``{prefix}_{lang}`` column of a header, in order.

    >>> lang_columns(["key", "label_en", "label_zh", "label_en_old", "note"], "label")
    [('en', 'label_en'), ('zh', 'label_zh')]
    """
    pattern = re.compile(rf"{re.escape(prefix)}_({_LANG})")
    return [(m.group(1), col) for col in header if (m := pattern.fullmatch(col))]
