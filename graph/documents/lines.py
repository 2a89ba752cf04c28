"""Stage 1 of reading: a text export as numbered lines, and the state one reading carries.

A text export is a Word document saved as text: tabs mark table cells, ``[footnoteRef:N]`` a
footnote reference, ``[N: ...]`` a footnote body, ``[bookmark: ...]`` a Word leftover (see
:mod:`.footnotes` for those). Every later stage matches its patterns on the *folded* line
(:func:`fold`) and cuts what it keeps from the line as written; folding is one character for
one character, so offsets found in one are valid in the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from itukg.errors import DocumentError, ParseWarning
from itukg.graph.records import Footnote, Line

# Full-width ASCII forms → ASCII, ideographic and no-break spaces → space. One character for one
# character, so offsets found in the folded text cut the quote from the text as written.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20,
              0x202F: 0x20})
# Arabic script: Arabic-Indic digits (U+0660-0669) and Eastern Arabic-Indic digits (U+06F0-06F9)
# read as ASCII digits, so "القرار ١٦" cites Resolution 16 and "٤٫١" is output 4.1; the Arabic
# comma, semicolon, question mark, decimal and thousands separators read as their ASCII forms (list
# separators, sentence ends, codes). Bidirectional marks (LRM, RLM, ALM), which a right-to-left
# text export may hold between a word and a number, read as spaces (one character for one, so
# offsets still cut the words as written).
_FOLD.update({c: 0x30 + c - 0x0660 for c in range(0x0660, 0x066A)})
_FOLD.update({c: 0x30 + c - 0x06F0 for c in range(0x06F0, 0x06FA)})
_FOLD.update({0x060C: 0x2C, 0x061B: 0x3B, 0x061F: 0x3F, 0x066B: 0x2E, 0x066C: 0x2C,
              0x06D4: 0x2E, 0x200E: 0x20, 0x200F: 0x20, 0x061C: 0x20})


_FOLD_COMMON = (("（", "("), ("）", ")"), ("，", ","), ("：", ":"), ("；", ";"), ("　", " "))
_FOLD_RARE = re.compile("[\uff01-\uff5e\u00a0\u2002\u2003\u2009\u202f"
                        "\u0660-\u0669\u06f0-\u06f9\u060c\u061b\u061f\u066b\u066c"
                        "\u06d4\u200e\u200f\u061c]")


def fold(text: str) -> str:
    """Map full-width punctuation, digits and letters to ASCII, Arabic-Indic digits and Arabic
    punctuation to ASCII, bidirectional marks to spaces (length-preserving)."""
    for a, b in _FOLD_COMMON:
        if a in text:
            text = text.replace(a, b)
    if _FOLD_RARE.search(text):
        text = text.translate(_FOLD)
    return text


# Every dash-like character (hyphen-minus, U+2010-U+2015 hyphens and dashes, minus U+2212, small
# and full-width hyphen-minus U+FE58 U+FE63 U+FF0D, hyphen bullet U+2043, two- and three-em dashes)
# and every bullet character Word or a typist uses. A language table writes ``{dash}`` and
# ``{bullet}`` inside a character class (``^[{dash}{bullet}]\\s*``); :mod:`.language` fills them.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d\u2e3a\u2e3b"
BULLETS = ("\u2022\u00b7\u2027\u30fb\u2219\u25aa\u25ab\u25e6\u25cf\u25cb\u25a0\u25a1"
           "\u27a2\u27a4\u2713\u2714\u25ba\u25b8\u25b6\u2023\u2756\u2666\u25c6\u25c7"
           "\uf0b7\uf0a7\uf076\uf0d8\uf0fc")


def norm_word(s: str) -> str:
    """A written word or name as a lookup key: folded, single-spaced, case-folded."""
    return re.sub(r"\s+", " ", fold(s)).strip().casefold()


def split_lines(text: str) -> list[Line]:
    """The lines of a text export, numbered from 1 (a final newline, CR and BOM dropped)."""
    raw = text.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    raw = [r[:-1] if r.endswith("\r") else r for r in raw]
    if raw and raw[0].startswith("\ufeff"):
        raw[0] = raw[0][1:]
    return [Line(i + 1, r, r) for i, r in enumerate(raw)]


def short(s: str, n: int = 60) -> str:
    """``s`` stripped and cut to ``n`` characters (with an ellipsis) for a warning."""
    s = s.strip()
    return s if len(s) <= n else s[: n - 1] + "…"


@dataclass
class Reading:
    """What one reading of one document knows so far; every stage reads and adds to it.

    ``placed`` lines were read into a record, ``consumed`` ones lie wholly inside a footnote
    body, ``reason`` says why a line could not be placed (reported by the final sweep).
    """

    source: str
    lines: list[Line]
    warnings: list[ParseWarning] = field(default_factory=list)
    placed: set[int] = field(default_factory=set)
    consumed: set[int] = field(default_factory=set)
    reason: dict[int, str] = field(default_factory=dict)
    refs: dict[int, list[int]] = field(default_factory=dict)  # line → footnote numbers on it
    footnotes: dict[int, Footnote] = field(default_factory=dict)
    footnote_segments: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    cit_n: dict[int, int] = field(default_factory=dict)  # citations numbered per line
    men_n: dict[int, int] = field(default_factory=dict)  # mentions numbered per line
    heading_levels: dict[int, int] = field(default_factory=dict)  # line → Word heading level
    locators: dict[int, str] = field(default_factory=dict)  # line → Word paragraph locator
    _folded: dict[int, str] = field(default_factory=dict)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(self.source, line, message))

    def error(self, line: int | None, message: str) -> DocumentError:
        return DocumentError(message, source=self.source, line=line)

    def f(self, n: int) -> str:
        """The folded, stripped text of line n (cached: stages ask for it many times)."""
        t = self._folded.get(n)
        if t is None:
            t = self._folded[n] = fold(self.lines[n - 1].text).strip()
        return t

    def text(self, n: int) -> str:
        """The stripped text of line n as written."""
        return self.lines[n - 1].text.strip()

    def orig(self, n: int, m: re.Match, group: str) -> str:
        """The text as written of a group matched on the folded, stripped line n."""
        return self.text(n)[m.start(group): m.end(group)].strip()

    def place(self, n: int, section: str) -> None:
        self.placed.add(n)
        self.lines[n - 1].section = section

    def sweep(self) -> None:
        """Warn about every non-blank line no stage placed; sort the warnings by line."""
        for ln in self.lines:
            n = ln.number
            if n in self.placed or n in self.consumed or not ln.text.strip():
                continue
            msg = self.reason.get(n) or f"cannot place this line (section {ln.section or '?'})"
            self.warn(n, f"{msg}: {short(ln.text)}")
        self.warnings.sort(key=lambda w: w.line)
