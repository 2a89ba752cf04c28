"""read_docx: both views rendered, amendments paired with their places."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from itukg.errors import DocumentError

from .model import Amendment, WordDocument, WordLine
from .package import _open
from .render import CHANGE_TAGS, ROW_CHANGES, _footnotes, _Line, _Renderer
from .xml import MAX_CHARS, MAX_PARAGRAPHS, X, qn


def _finish(lines: list[_Line]) -> tuple[list[str], list[WordLine]]:
    texts = [ln.text for ln in lines]
    info = [WordLine(i + 1, t, ln.locator, ln.style, ln.level, ln.header)
            for i, (t, ln) in enumerate(zip(texts, lines))]
    return texts, info


def _change_spans(lines: list[_Line]) -> dict:
    """change element → (line number, start, end) of its first piece in these lines."""
    spans: dict = {}
    for i, ln in enumerate(lines):
        pos = 0
        for t, ch in ln.pieces:
            if ch is not None:
                if ch not in spans:
                    spans[ch] = [i + 1, pos, pos + len(t)]
                elif spans[ch][0] == i + 1:
                    spans[ch][2] = pos + len(t)
            pos += len(t)
    return spans


def _all_changes(document, footnotes) -> list:
    roots = [document.element.body] + list(footnotes.values())
    out = []
    for root in roots:
        out.extend(X(root, ROW_CHANGES + " | .//w:trPr/w:ins | .//w:trPr/w:del"))
    return out


def read_docx(path: str | Path, *, max_paragraphs: int = MAX_PARAGRAPHS,
              max_chars: int = MAX_CHARS) -> WordDocument:
    """Read a .docx file. Raises :class:`DocumentError` naming the file (and the paragraph)
    when it is not a Word document, is encrypted, an old .doc, corrupt, or too large."""
    p = Path(path)
    name = p.name
    document = _open(p, name)
    try:
        footnotes = _footnotes(document, name)
        proposed = _Renderer(document, footnotes, name, "proposed", max_paragraphs, max_chars)
        now = proposed.blocks(document.element.body, "")
        if proposed.carry and now:
            now[-1].pieces.extend(proposed.carry)
        before_r = _Renderer(document, footnotes, name, "before", max_paragraphs, max_chars)
        before = before_r.blocks(document.element.body, "")
        if before_r.carry and before:
            before[-1].pieces.extend(before_r.carry)
    except DocumentError:
        raise
    except (etree.XMLSyntaxError, ValueError, KeyError, AttributeError) as e:
        raise DocumentError(f"corrupt Word document ({type(e).__name__}: {e})",
                            source=name) from e
    lines, info = _finish(now)
    lines_before, info_before = _finish(before)
    spans_now, spans_before = _change_spans(now), _change_spans(before)
    amendments = []
    for ch in _all_changes(document, footnotes):
        kind, move = CHANGE_TAGS[ch.tag]
        s, sb = spans_now.get(ch), spans_before.get(ch)
        if s is None:
            continue  # in a part that is not rendered
        text = "".join(X(ch, ".//w:t/text()" if kind == "insert" else ".//w:delText/text()"))
        if ch.getparent().tag == qn("w:trPr"):  # a whole row: its cells' text, tab-separated
            text = "\t".join("".join(X(tc, ".//w:t/text() | .//w:delText/text()"))
                              for tc in X(ch.getparent().getparent(), "./w:tc"))
            if kind == "insert":
                s = [s[0], 0, len(lines[s[0] - 1])]
            elif sb:
                sb = [sb[0], 0, len(lines_before[sb[0] - 1])]
        # where it is in the Word file: deleted text is visible (has its place) before
        locator = (info_before[sb[0] - 1] if kind == "delete" and sb else info[s[0] - 1]).locator
        locator = proposed.row_locators.get(ch, locator)
        amendments.append(Amendment(
            kind=kind, author=ch.get(qn("w:author")), date=ch.get(qn("w:date")), text=text,
            locator=locator, line=s[0], span=(s[1], s[2]),
            line_before=sb[0] if sb else None, span_before=(sb[1], sb[2]) if sb else None,
            move=move, change_id=ch.get(qn("w:id"))))
    amendments.sort(key=lambda a: (a.line, a.span[0], a.kind))
    return WordDocument(name, lines, info, lines_before, info_before, amendments,
                        proposed.warnings)
