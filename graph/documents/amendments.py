"""Amendments: the proposal's changes, and the links the text before the proposal made.

Two sources of amendments (decision 0106):

- a Word file's tracked insertions and deletions (:mod:`.word`), handed in by the Word source
  reader with the text before the proposal (deletions in, insertions out);
- the amendment marks of this family's text exports: a line that is only ``ADD``, ``SUP`` or
  ``MOD`` marks the next non-blank line as added, suppressed or modified, and ``[text]`` (square
  brackets without a colon, not a footnote) is an inserted span.

The text the parser reads is the document *as proposed*: marker lines and brackets go, a
suppressed line is blank. :func:`text_before` gives the text before the proposal with the same
line numbers, which the reader parses too; :func:`removed_links` compares the two per output.
"""

from __future__ import annotations

import re

from itukg.graph.documents.lines import Reading, fold
from itukg.graph.records import Amendment, ParsedDocument, RemovedLink

#: An inserted span of a text export: "[集中]" (no colon, so not a footnote or a bookmark).
_BRACKETS = re.compile(r"\[([^\[\]:：\n]{1,200})\]")
_MARKS = {"ADD": "insert", "SUP": "delete", "MOD": "modify"}


def _paragraph_marks(lines: list[str]) -> dict[int, tuple[str, int]]:
    """Marker line number → (mark, number of the line it marks). The first non-blank line (the
    header, ``MOD\\tACP/...``) is never a paragraph mark."""
    out: dict[int, tuple[str, int]] = {}
    nonblank = [i for i, t in enumerate(lines, 1) if t.strip()]
    for k, n in enumerate(nonblank[1:], 1):
        mark = fold(lines[n - 1]).strip()
        if mark in _MARKS and k + 1 < len(nonblank):
            out[n] = (mark, nonblank[k + 1])
    return out


def text_marks(r: Reading) -> list[Amendment]:
    """Apply the text export's amendment marks to ``r.lines`` (the proposed text) and return
    them as amendments; spans are in the line as written (``Line.raw``). Runs after footnotes
    are cleaned. Raises nothing."""
    texts = [ln.text for ln in r.lines]
    found: list[Amendment] = []
    for marker, (mark, n) in _paragraph_marks(texts).items():
        r.lines[marker - 1].text = ""
        r.placed.add(marker)
        ln = r.lines[n - 1]
        body, whole = ln.text.strip(), (0, len(ln.raw))
        if mark == "SUP":  # the suppressed text stays in the line as written, not in the text
            ln.text = ""
            r.placed.add(n)
        found.append(Amendment(_MARKS[mark], body, n, whole, line_before=n, mark=mark))
    for ln in r.lines:
        if "[" in ln.text:
            found += _brackets(ln)
    found.sort(key=lambda a: (a.line, a.span[0]))
    return found


def _brackets(ln) -> list[Amendment]:
    """Take the brackets of ``[inserted]`` spans out of ``ln.text``; an insertion for each."""
    found, parts, pos, cursor = [], [], 0, 0
    for m in _BRACKETS.finditer(ln.text):
        k = ln.raw.find(m.group(0), cursor)
        k = m.start() if k < 0 else k  # not in the raw line (cannot happen): the text's place
        cursor = k + len(m.group(0))
        found.append(Amendment("insert", m.group(1), ln.number, (k + 1, cursor - 1),
                               line_before=ln.number, mark="brackets"))
        parts += [ln.text[pos:m.start()], m.group(1)]
        pos = m.end()
    ln.text = "".join(parts) + ln.text[pos:]
    return found


def text_before(text: str) -> str:
    """The text export before the proposal, line for line: marker lines blank, an added line
    blank, a suppressed line kept, bracketed insertions dropped. Raises nothing."""
    lines = text.split("\n")
    marks = _paragraph_marks(lines)
    for marker, (mark, n) in marks.items():
        lines[marker - 1] = ""
        if mark == "ADD":
            lines[n - 1] = ""
    return "\n".join(_BRACKETS.sub("", t) for t in lines)


def link_keys(doc: ParsedDocument) -> dict[tuple[str, str, str], tuple[str | None, int]]:
    """Every link of the document: (output, predicate, value) → (as written, line)."""
    keys: dict[tuple[str, str, str], tuple[str | None, int]] = {}
    for o in doc.outputs:
        for c in o.formal_citations:
            if c.resolution:
                keys.setdefault((o.code, "mandatedBy", c.resolution), (c.quote, c.line))
        for w in o.wsis:
            keys.setdefault((o.code, "supportsActionLine", w.value), (w.as_written, w.line))
        for t in o.targets:
            keys.setdefault((o.code, "servesTarget", t.value), (t.as_written, t.line))
        for g in o.goals:
            keys.setdefault((o.code, "servesGoal", g.value), (g.as_written, g.line))
    return keys


def removed_links(doc: ParsedDocument, before: ParsedDocument) -> list[RemovedLink]:
    """The links ``before`` (the text before the proposal) makes and ``doc`` does not, and
    files each under the deletions on its line (``Amendment.removes``); sets ``doc.new_links``
    (the links only the proposal makes). Raises nothing."""
    now = link_keys(doc)
    doc.new_links = set(now) - set(link_keys(before))
    removed = [RemovedLink(k[0], k[1], k[2], w, n)
               for k, (w, n) in link_keys(before).items() if k not in now]
    for rl in removed:
        for a in doc.amendments:
            if a.kind in ("delete", "modify") and a.line_before == rl.line_before:
                a.removes.append(rl)
    return removed
