"""The source view: a document line by line, each line an anchor (``#L94``).

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
class SourceLineView:
    number: int
    text: str
    cited: bool  # something in the graph derives from this line


@dataclass
class Gap:
    start: int
    end: int


@dataclass
class SourceView:
    items: list  # SourceLineView | Gap
    complete: bool
    lang: str


def lines_of(ctx: PageContext, doc: Document) -> SourceView:
    """The lines of ``doc`` for the page. Raises what the store raises."""
    stored = ctx.data.stored_lines(doc.iri)
    full = ctx.data.full_text(doc.iri)
    lang = (doc.language or "").split("-")[0].lower()
    if full is not None:
        lines = full.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return SourceView([SourceLineView(i, s, i in stored) for i, s in enumerate(lines, 1)], True, lang)
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
