"""The source view: a document line by line, each line an anchor (``#L94``).

A document read from a Word file shows each line's Word locator (``p12``, ``t3/r2/c1/p0``);
the proposal's amendments are marked: inserted text as ``<ins>``, deleted text as ``<del>``
(a Word deletion, which is not in the proposed line, at the place it stood).

The full text comes from the graph when the build kept it (:meth:`PageData.full_text`);
otherwise the page shows the ``ikg:SourceLine`` nodes the graph has (the lines something derives
from) with the gaps marked. Either way the line numbers are the graph's own, so a link from a
finding or a provenance record lands on the line it names.
"""

from __future__ import annotations

from dataclasses import dataclass

from itukg.graph.reads.views import Document
from .render import PageContext


@dataclass
class Segment:
    text: str
    mark: str = ""  # "" | "ins" | "del"
    title: str = ""  # who and when (a Word change)


@dataclass
class SourceLineView:
    number: int
    text: str
    cited: bool  # something in the graph derives from this line
    locator: str | None = None  # the line's place in the Word file
    segments: list[Segment] | None = None  # the text with its amendments marked; None: none


def _segments(text: str, changes: list[dict]) -> list[Segment]:
    """``text`` cut at the amendments' spans: inserted or suppressed spans marked, a deletion
    not in the line put where it stood. Spans past the line's end are clipped."""
    out: list[Segment] = []
    pos = 0
    for c in sorted(changes, key=lambda c: (c["start"], c["kind"] != "delete")):
        start, end = max(min(c["start"], len(text)), pos), min(c["end"], len(text))
        who = " ".join(x for x in (c.get("author"), c.get("date")) if x)
        if start > pos:
            out.append(Segment(text[pos:start]))
        if c["kind"] == "delete" and end <= start:
            out.append(Segment(c.get("text") or "", "del", who))
            pos = start
        elif end > start:
            out.append(Segment(text[start:end], "del" if c["kind"] == "delete" else "ins", who))
            pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


@dataclass
class Gap:
    start: int
    end: int


@dataclass
class SourceView:
    items: list  # SourceLineView | Gap
    complete: bool
    lang: str

    @property
    def amended(self) -> bool:
        """Whether any line carries an amendment."""
        return any(getattr(it, "segments", None) for it in self.items)


def lines_of(ctx: PageContext, doc: Document) -> SourceView:
    """The lines of ``doc`` for the page. Raises what the store raises."""
    stored = ctx.data.stored_lines(doc.iri)
    full = ctx.data.full_text(doc.iri)
    lang = (doc.language or "").split("-")[0].lower()
    if full is not None:
        lines = full.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        locators = ctx.data.word_locators(doc.iri) or []
        changes: dict[int, list[dict]] = {}
        for c in ctx.data.amendments(doc.iri):
            changes.setdefault(c["n"], []).append(c)
        return SourceView([
            SourceLineView(i, s, i in stored, locators[i - 1] if i <= len(locators) else None,
                           _segments(s, changes[i]) if i in changes else None)
            for i, s in enumerate(lines, 1)], True, lang)
    items: list = []
    last = 0
    total = doc.line_count or (max(stored) if stored else 0)
    for n in sorted(stored):
        if n > last + 1:
            items.append(Gap(last + 1, n - 1))
        items.append(SourceLineView(n, stored[n], True))
        last = n
    if total > last:
        items.append(Gap(last + 1, total))
    return SourceView(items, False, lang)
