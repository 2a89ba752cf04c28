"""Footnotes: cut the Word footnote markup out of the lines, then file each footnote under the
output whose text references it.

Before the document's structure is read, :func:`clean` removes ``[bookmark: ...]`` leftovers,
cuts every ``[N: ...]`` footnote body out of the text (a body may span lines and hold brackets)
and records the ``[footnoteRef:N]`` references. After the output sections are read,
:func:`attach` scans each footnote for citations and mentions and gives it to the output whose
line references it (else it is an orphan block of the document).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from itukg.graph.documents.citations import scan
from itukg.graph.documents.language import LanguageTable
from itukg.graph.documents.lines import Reading
from itukg.graph.records import FOOTNOTE, Footnote, Output, TextBlock

_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]")
_FNREF = re.compile(r"\[footnoteRef:\s*(\d+)\s*\]")
_FNBODY = re.compile(r"\[(\d+):")


def clean(r: Reading) -> None:
    """Drop bookmarks, cut footnote bodies into ``r.footnotes``, record footnote references.

    Warns (never raises) about an unclosed body or a second body for one number.
    """
    for ln in r.lines:
        if "[bookmark:" in ln.text:
            ln.text = _BOOKMARK.sub("", ln.text)
    joined = "\n".join(ln.text for ln in r.lines)
    if "[" in joined:
        _cut_bodies(r, joined)
    for ln in r.lines:
        if "[footnoteRef" in ln.text:
            r.refs[ln.number] = [int(x) for x in _FNREF.findall(ln.text)]
            ln.text = _FNREF.sub("", ln.text)
            for num in r.refs[ln.number]:
                fn = r.footnotes.get(num)
                if fn and fn.ref_line is None:
                    fn.ref_line = ln.number
    for fn in r.footnotes.values():
        if fn.body_of is not None and fn.ref_line is None:
            fn.ref_line = r.footnotes[fn.body_of].ref_line


def _line_finder(r: Reading) -> Callable[[int], int]:
    """A function from an offset in the joined text to its line number."""
    starts = [0]
    for ln in r.lines[:-1]:
        starts.append(starts[-1] + len(ln.text) + 1)
    return lambda off: bisect.bisect_right(starts, off)


def _body_end(joined: str, j: int) -> int | None:
    """The offset after the ']' closing the body opened before ``j`` (nested brackets counted),
    or None when it is never closed."""
    depth = 1
    while j < len(joined) and depth:
        if joined[j] == "[":
            depth += 1
        elif joined[j] == "]":
            depth -= 1
        j += 1
    return None if depth else j


def _cut_bodies(r: Reading, joined: str) -> None:
    line_of = _line_finder(r)
    cuts: list[tuple[int, int]] = []
    pos = 0
    while m := _FNBODY.search(joined, pos):
        j = _body_end(joined, m.end())
        if j is None:
            r.warn(line_of(m.start()),
                   f"footnote body [{m.group(1)}: has no closing ']'; left in the text")
            pos = m.end()
            continue
        _keep_body(r, int(m.group(1)), line_of(m.start()), joined, m.end(), j - 1, line_of)
        cuts.append((m.start(), j))
        pos = j
    if cuts:
        _blank_cuts(r, joined, cuts, line_of)


# A note's own number at the start of a body line: "\t1\tThe UN General Assembly ..."
_NOTE_NUMBER = re.compile(r"^[ \t]*(\d{1,4})[ \t]*\t")


def _notes(num: int, segs: list[tuple[int, str]]) -> list[tuple[int, list[tuple[int, str]]]]:
    """The notes of one body: a line starting with the next note number and a tab ("\t2\t...")
    starts note num+1, num+2, ...; any other line continues the note before (so a quoted
    "\t114\t..." paragraph stays in its note). Each note's own number is cut off its text."""
    notes: list[tuple[int, list[tuple[int, str]]]] = [(num, [])]
    for n, seg in segs:
        m = _NOTE_NUMBER.match(seg)
        if m and int(m.group(1)) == notes[-1][0] + 1 and notes[-1][1]:
            notes.append((notes[-1][0] + 1, [(n, seg[m.end():])]))
        elif m and int(m.group(1)) == num and not notes[-1][1]:
            notes[-1][1].append((n, seg[m.end():]))
        else:
            notes[-1][1].append((n, seg))
    return notes


def _keep_body(r: Reading, num: int, first_line: int, joined: str, start: int, end: int,
               line_of: Callable[[int], int]) -> None:
    """File the body ``joined[start:end]`` of footnote ``num``, split into its numbered notes."""
    segs: list[tuple[int, str]] = []
    off = start
    for seg in joined[start:end].split("\n"):
        segs.append((line_of(off), seg))
        off += len(seg) + 1
    if num in r.footnotes:
        r.warn(first_line, f"footnote {num} has a second body; kept the first")
        return
    for k, (note, nsegs) in enumerate(_notes(num, segs)):
        spanned = {n for n, _ in nsegs} | ({first_line} if k == 0 else set())
        text = "\n".join(re.sub(r"\s+", " ", s).strip() for _, s in nsegs if s.strip())
        if note in r.footnotes:
            r.warn(min(spanned), f"footnote {note} has a second body; kept the first")
            continue
        r.footnotes[note] = Footnote(note, text, sorted(spanned), body_of=num if k else None)
        r.footnote_segments[note] = [(n, s) for n, s in nsegs if s.strip()]


def _blank_cuts(r: Reading, joined: str, cuts: list[tuple[int, int]],
                line_of: Callable[[int], int]) -> None:
    """Replace each cut body by its newlines (line numbers stay); lines left blank by a cut are
    consumed by the footnote."""
    pieces, prev = [], 0
    for a, b in cuts:
        pieces.append(joined[prev:a])
        pieces.append("\n" * joined.count("\n", a, b))
        prev = b
    pieces.append(joined[prev:])
    new = "".join(pieces).split("\n")
    cut_lines = set()
    for a, b in cuts:
        cut_lines.update(range(line_of(a), line_of(max(a, b - 1)) + 1))
    for ln, t in zip(r.lines, new):
        ln.text = t
        if ln.number in cut_lines and not t.strip():
            r.consumed.add(ln.number)
            ln.section = "footnotes"


def attach(r: Reading, L: LanguageTable, outputs: dict[str, Output]) -> list[TextBlock]:
    """File each footnote as a block of the output that references it; return the orphans.

    Warns about a footnote never referenced and a reference without a body.
    """
    orphan: list[TextBlock] = []
    line_output: dict[int, Output] = {}
    for o in outputs.values():
        for b in o.blocks():
            for n in b.lines:
                line_output[n] = o
            for num in list(b.footnotes):  # the notes split off a referenced body go with it
                b.footnotes.extend(k for k, f in sorted(r.footnotes.items())
                                   if f.body_of == num and k not in b.footnotes)
    for num in sorted(r.footnotes):
        fn = r.footnotes[num]
        o = line_output.get(fn.ref_line) if fn.ref_line else None
        if fn.ref_line is None:
            r.warn(fn.lines[0], f"footnote {num} is never referenced")
        b = TextBlock(num, fn.text, list(fn.lines))
        for n, seg in r.footnote_segments.get(num, []):
            scan(r, L, b, n, seg, FOOTNOTE, o.code if o else None)
        for n in fn.lines:
            r.placed.add(n)
            if r.lines[n - 1].section is None:
                r.lines[n - 1].section = "footnotes"
        (o.footnote_blocks if o else orphan).append(b)
    for n, nums in r.refs.items():
        for num in nums:
            if num not in r.footnotes:
                r.warn(n, f"footnote reference {num} has no footnote body")
    return orphan
