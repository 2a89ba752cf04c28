"""The output sections: "Output 4.1 – title" and its subsections.

Each output section holds, under numbered sub-headings, a background (text blocks), an
implementation framework (a project with descriptions and activities), a regional-initiatives
table (one slot per ITU-D region), the study-group Questions and the references (read by
:mod:`.references`). The text blocks are scanned for citations and mentions as they are read.
"""

from __future__ import annotations

import re

from itukg.graph.documents.citations import scan
from itukg.graph.documents.language import LanguageTable
from itukg.graph.documents.lines import Reading, fold, short
from itukg.graph.documents.references import references
from itukg.graph.records import (
    BACKGROUND,
    REGION_KEYS,
    REGIONAL,
    Output,
    Project,
    QuestionSlot,
    RegionalSlot,
    TextBlock,
)

_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_REAL_QUESTION = re.compile(r"^\d+/\d+$")
SUBSECTIONS = ("background", "implementation", "regional-initiatives", "questions", "references")


_STYLED_CODE = re.compile(r"^\D{0,30}?(?<![\d.])(?P<code>\d+(?:\.\d+)+)(?![\d.])\s*[^\w\s]?\s*"
                          r"(?P<title>.*)$")


def styled_output_heads(r: Reading, L: LanguageTable, word_heads: list[int]) -> list[int]:
    """Word headings by style in an output heading's place whose words the table does not know:
    after the first output heading found by words, at the same heading level as those, heading-
    like, and with an output code of its own ("产出 4.2 – ..."). Each is a warning naming the
    paragraph; ``output_section`` reads it with the code it gives."""
    levels = {r.heading_levels.get(n) for n in word_heads}
    if not word_heads or len(levels) != 1 or None in levels:
        return []
    (level,) = levels
    codes = {L.headings["output"].match(r.f(n)).group("code") for n in word_heads}
    objectives = {c.split(".")[0] for c in codes}  # "4.3" only where the others are "4.x"
    out = []
    for n, lv in sorted(r.heading_levels.items()):
        if lv != level or n <= word_heads[0] or n in word_heads or n in r.consumed:
            continue
        t = r.f(n)
        m = _STYLED_CODE.match(t)
        if (m is None or m.group("code") in codes or len(t) > 200
                or m.group("code").split(".")[0] not in objectives
                or t.rstrip().endswith((".", "。", ";", "；"))):
            continue
        codes.add(m.group("code"))
        out.append(n)
        r.warn(n, f"Word heading (style level {lv}, paragraph {r.locators.get(n, '?')}) read as "
                  f"the section of output {m.group('code')}, although its words are not the "
                  f"language's: {short(r.text(n))}")
    return out


def output_section(r: Reading, L: LanguageTable, head: int, end: int,
                   outputs: dict[str, Output]) -> None:
    """Read the section whose heading is line ``head`` (up to ``end``) into its output,
    creating the output when the results table has no row for it (with a warning). A heading
    by Word style whose words are unknown (:func:`styled_output_heads`) gives its code."""
    m = L.headings["output"].match(r.f(head)) or _STYLED_CODE.match(r.f(head))
    code = m.group("code")
    o = outputs.get(code)
    if o is None:
        o = Output(code=code)
        outputs[code] = o
        r.warn(head, f"output {code} has a section but no row in the results table")
    if o.heading_line is not None:
        r.warn(head, f"second section for output {code} (lines {o.heading_line} and {head}); "
                     f"its content is added to the first")
    else:
        o.heading_line = head
        o.title = r.orig(head, m, "title")
    r.place(head, f"output/{code}")
    parts = _subsections(r, L, o, head, end)
    for k in SUBSECTIONS:
        if k not in o.sections:
            r.warn(head, f"output {code} has no {k} section")
    readers = {"background": _background, "implementation": _implementation,
               "regional-initiatives": _regional, "questions": _questions,
               "references": references}
    for k in SUBSECTIONS:
        if k in parts:
            readers[k](r, L, o, parts[k])


def _subsections(r: Reading, L: LanguageTable, o: Output, head: int,
                 end: int) -> dict[str, list[int]]:
    """The lines of each subsection (by heading key) of the section after line ``head``."""
    parts: dict[str, list[int]] = {}
    current: str | None = None
    last_number = 0  # the number of the last numbered subsection heading ("2\tImplementation")
    for n in range(head + 1, end):
        if n in r.consumed:
            continue
        t = r.f(n)
        sec = f"output/{o.code}" + (f"/{current}" if current else "")
        if not t:
            r.lines[n - 1].section = sec
            continue
        h = _SECTION_NUMBER.sub("", t)
        hit = next((k for k in SUBSECTIONS if L.headings[k].match(h)), None)
        num = _heading_number(t)
        if hit and num:
            last_number = num
        elif hit is None and _in_references_place(o, t, num, last_number):
            # Structure first, words second: the numbered section after "1 background" and
            # "2 implementation framework" is the references section, whatever its words.
            hit = "references"
            last_number = num or last_number
            r.warn(n, f"output {o.code}: numbered section {num} in the place of the references "
                      f"section read as the references, although its heading words are not "
                      f"the language's: {short(r.text(n))}")
        elif hit is None and (stand := _styled_heading_place(r, o, n, t, num, last_number,
                                                             current)):
            # A Word heading by style whose words the language table does not know: the
            # subsection it stands in place of (the next one after the current, in order).
            hit = stand
            last_number = num or last_number
            r.warn(n, f"output {o.code}: Word heading (style level {r.heading_levels[n]}, "
                      f"paragraph {r.locators.get(n, '?')}) read as the {hit} section, although "
                      f"its words are not the language's: {short(r.text(n))}")
        if hit:
            current = hit
            o.sections.add(hit)
            r.place(n, f"output/{o.code}/{hit}")
            parts.setdefault(hit, [])
            continue
        r.lines[n - 1].section = sec
        if current is None:
            r.reason[n] = f"text before the first subsection of output {o.code}"
            continue
        parts[current].append(n)
    return parts


_HEADING_NUMBER = re.compile(r"^(\d{1,2})\.?(?:\t|\s+)(?=\D)")


def _heading_number(t: str) -> int | None:
    """The leading section number of a heading-like line ("3\tReferences ..." → 3), else None."""
    m = _HEADING_NUMBER.match(t)
    return int(m.group(1)) if m else None


def _in_references_place(o: Output, t: str, num: int | None, last_number: int) -> bool:
    """Whether line ``t`` is a numbered heading in the place of the references section: after
    the background and implementation framework, numbered next after them (``3``), before any
    references section, and heading-like (short, no sentence end)."""
    return (num is not None and num == last_number + 1 and num >= 3
            and {"background", "implementation"} <= o.sections
            and "references" not in o.sections
            and len(t) <= 200 and not t.rstrip().endswith((".", "。", ";", "；", ":", "：")))


def _styled_heading_place(r: Reading, o: Output, n: int, t: str, num: int | None,
                          last_number: int, current: str | None) -> str | None:
    """The subsection a Word heading (style Heading 1-3 or outline level 1-3) with unknown words
    stands in place of: the next subsection after ``current`` not yet seen, when the line is
    heading-like and its number (if any) is the next one. None when it is not such a heading."""
    level = r.heading_levels.get(n)
    if level is None or level > 3:
        return None
    if num is not None and num != last_number + 1:
        return None
    if len(t) > 200 or t.rstrip().endswith((".", "。", ";", "；")):
        return None
    start = SUBSECTIONS.index(current) + 1 if current else 0
    return next((k for k in SUBSECTIONS[start:] if k not in o.sections), None)


def block(r: Reading, L: LanguageTable, o: Output, ordinal: int, n: int, text: str,
          role: str) -> TextBlock:
    """A text block of line ``n``, scanned for citations and mentions."""
    b = TextBlock(ordinal, text, [n], footnotes=list(r.refs.get(n, [])))
    scan(r, L, b, n, text, role, o.code)
    return b


def _background(r: Reading, L: LanguageTable, o: Output, ns: list[int]) -> None:
    for n in ns:
        o.background.append(block(r, L, o, len(o.background) + 1, n, r.text(n), BACKGROUND))
        r.place(n, f"output/{o.code}/background")


def _implementation(r: Reading, L: LanguageTable, o: Output, ns: list[int]) -> None:
    sec = f"output/{o.code}/implementation"
    p = Project(title=None, title_line=None)
    for n in ns:
        orig = r.text(n)
        t = fold(orig)
        m = L.project.match(t)
        if m and p.title is None:
            p.title = orig[m.start("title"): m.end("title")].strip()
            p.title_line = n
        elif L.activities_intro.match(t):
            pass
        elif (bm := L.bullet.match(t)):
            text = orig[bm.end():].strip()
            p.activities.append(block(r, L, o, len(p.activities) + 1, n, text, BACKGROUND))
        else:
            p.descriptions.append(block(r, L, o, len(p.descriptions) + 1, n, orig, BACKGROUND))
        p.lines.append(n)
        r.place(n, sec)
    if p.title is None:
        r.warn(ns[0] if ns else (o.heading_line or 0),
               f"output {o.code}: implementation framework has no project title")
    o.project = p


def _region_row(L: LanguageTable, raw: str, t: str, tabbed: bool):
    """``(region key, region as written, cells after it)`` when the line starts a region's row,
    else ``(None, None, [])``. A row may be written on one line: "\\t非洲区域\\tAFR1：…"."""
    key = next((k for p, k in L.regions if p.match(t)), None)
    if key is not None:
        return key, raw.strip(), []
    if tabbed:
        cells = [c.strip() for c in raw.split("\t") if c.strip()]
        if len(cells) > 1:
            key = next((k for p, k in L.regions if p.match(fold(cells[0]))), None)
            if key:
                return key, cells[0], cells[1:]
    return None, None, []


def _regional(r: Reading, L: LanguageTable, o: Output, ns: list[int]) -> None:
    sec = f"output/{o.code}/regional-initiatives"
    in_table = False
    slot: RegionalSlot | None = None
    seen: dict[str, RegionalSlot] = {}
    for n in ns:
        raw = r.lines[n - 1].text
        orig = raw.strip()
        t = fold(orig)
        tabbed = raw.lstrip(" ").startswith("\t")
        if L.regional_header.match(t):
            in_table = True
            r.place(n, sec)
            continue
        key, written, inline = _region_row(L, raw, t, tabbed)
        if key and (tabbed or in_table):
            in_table = True
            slot = _slot(r, o, seen, key, written, n)
            for cell in inline:
                _initiative(r, L, o, slot, n, cell)
            r.place(n, sec)
            continue
        if not in_table and not tabbed:
            o.regional_intro.append(block(r, L, o, len(o.regional_intro) + 1, n, orig, REGIONAL))
            r.place(n, sec)
            continue
        if slot is None:
            r.reason[n] = f"output {o.code}: regional-initiative cell before any region"
            continue
        _initiative(r, L, o, slot, n, orig)
        r.place(n, sec)
    _check_regions(r, o, ns, seen, in_table)


def _slot(r: Reading, o: Output, seen: dict[str, RegionalSlot], key: str, written: str,
          n: int) -> RegionalSlot:
    """The region's slot: a new one, or the first one again (with a warning)."""
    if key in seen:
        r.warn(n, f"output {o.code}: region {key} appears twice; "
                  "its initiatives are added to the first row")
        return seen[key]
    slot = seen[key] = RegionalSlot(key, written, n)
    o.regional_slots.append(slot)
    return slot


def _check_regions(r: Reading, o: Output, ns: list[int], seen: dict[str, RegionalSlot],
                   in_table: bool) -> None:
    missing = [k for k in REGION_KEYS if k not in seen]
    if missing and (in_table or seen):
        r.warn(ns[0] if ns else (o.heading_line or 0),
               f"output {o.code}: regional-initiatives table has no row for "
               + ", ".join(missing))
    elif not seen:
        r.warn(ns[0] if ns else (o.heading_line or 0),
               f"output {o.code}: regional-initiatives section has no table")


def _initiative(r: Reading, L: LanguageTable, o: Output, slot: RegionalSlot, n: int,
                orig: str) -> None:
    bm = L.initiative_bullet.match(fold(orig))
    text = orig[bm.end():].strip() if bm else orig
    slot.initiatives.append(block(r, L, o, len(slot.initiatives) + 1, n, text, REGIONAL))


def _questions(r: Reading, L: LanguageTable, o: Output, ns: list[int]) -> None:
    sec = f"output/{o.code}/questions"
    for n in ns:
        raw = r.lines[n - 1].text
        orig = raw.strip()
        t = fold(orig)
        tabbed = raw.lstrip(" ").startswith("\t")
        ms = list(L.question.finditer(t))
        if ms:
            for m in ms:
                code = re.sub(r"\s+", "", m.group("code"))
                real = bool(_REAL_QUESTION.match(code))
                o.question_slots.append(QuestionSlot(
                    len(o.question_slots) + 1, orig[m.start(): m.end()], n,
                    code if real else None))
            r.place(n, sec)
        elif not tabbed and L.question_intro.search(t):
            r.place(n, sec)
        else:
            r.reason[n] = f"output {o.code}: cannot read a study-group Question in this line"
