"""Rendering paragraphs, tables and footnotes into text-export lines, one view at a time
(``proposed``: insertions in, deletions out; ``before``: the reverse)."""

from __future__ import annotations

from dataclasses import dataclass

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from itukg.errors import DocumentError

from .numbering import Numbering
from .xml import PUA_BULLETS, X, qn


# ------------------------------------------------------------------------------------------
# Rendering: pieces of text with the tracked change they belong to


W_INS, W_DEL = qn("w:ins"), qn("w:del")
W_MOVE_TO, W_MOVE_FROM = qn("w:moveTo"), qn("w:moveFrom")
CHANGE_TAGS = {W_INS: ("insert", False), W_DEL: ("delete", False),
               W_MOVE_TO: ("insert", True), W_MOVE_FROM: ("delete", True)}
ROW_CHANGES = ".//w:ins[w:r] | .//w:del[w:r] | .//w:moveTo[w:r] | .//w:moveFrom[w:r]"
# rows and cells, also inside content controls and custom XML
ROWS = "./w:tr | ./w:sdt/w:sdtContent/w:tr | ./w:customXml/w:tr"
CELLS = "./w:tc | ./w:sdt/w:sdtContent/w:tc | ./w:customXml/w:tc"
CONTAINERS = {qn(t) for t in ("w:hyperlink", "w:smartTag", "w:customXml", "w:fldSimple",
                              "w:sdtContent", "w:dir", "w:bdo")}


@dataclass
class _Line:
    pieces: list  # [(text, change element or None)]
    locator: str
    style: str | None = None
    level: int | None = None
    header: bool = False
    label: int = 0  # how many leading pieces are the generated number or bullet

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.pieces)


class _Renderer:
    def __init__(self, document, footnotes: dict, name: str, view: str, max_paragraphs: int,
                 max_chars: int):
        self.doc, self.name, self.view = document, name, view
        self.numbering = Numbering(document)
        self.footnotes = footnotes
        self.max_paragraphs, self.max_chars = max_paragraphs, max_chars
        self.paragraphs = self.chars = 0
        self.warnings: list[tuple[str, str]] = []
        self.carry: list = []  # zero-width marks of rows hidden in this view, for the next line
        self.row_locators: dict = {}  # w:trPr/w:ins|w:del element -> "t3/r2"
        self.styles = {s.get(qn("w:styleId")): s for s in X(document.styles.element,
                                                             "./w:style")}
        default = [s for s in self.styles.values() if s.get(qn("w:type")) == "paragraph"
                   and s.get(qn("w:default")) in ("1", "true", "on")]
        self.default_style = default[0].get(qn("w:styleId")) if default else None

    # -- which changes are visible in this view
    def hidden(self, change) -> bool:
        kind = CHANGE_TAGS[change.tag][0]
        return (kind == "delete") if self.view == "proposed" else (kind == "insert")

    def mark_hidden(self, p) -> bool:
        """The paragraph mark is deleted (proposed view) or inserted (before view)."""
        tags = ("w:del", "w:moveFrom") if self.view == "proposed" else ("w:ins", "w:moveTo")
        return bool(X(p, " | ".join(f"./w:pPr/w:rPr/{t}" for t in tags)))

    # -- styles
    def _style_chain(self, style_id):
        seen = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            s = self.styles[style_id]
            yield s
            b = X(s, "./w:basedOn/@w:val")
            style_id = b[0] if b else None

    def para_props(self, p):
        sid = X(p, "./w:pPr/w:pStyle/@w:val")
        sid = sid[0] if sid else None
        if sid is None:
            sid = self.default_style
        name = None
        if sid in self.styles:
            n = X(self.styles[sid], "./w:name/@w:val")
            name = n[0] if n else sid
            name = {"heading %d" % i: "Heading %d" % i for i in range(1, 10)}.get(name, name)
            name = {"normal": "Normal", "title": "Title"}.get(name, name)
        level = None
        if name and name.startswith("Heading ") and name[8:].isdigit():
            level = int(name[8:])
        outline = X(p, "./w:pPr/w:outlineLvl/@w:val")
        num = X(p, "./w:pPr/w:numPr")
        for s in self._style_chain(sid):
            if not outline:
                outline = X(s, "./w:pPr/w:outlineLvl/@w:val")
            if not num:
                num = X(s, "./w:pPr/w:numPr")
        if level is None and outline and outline[0].isdigit() and int(outline[0]) < 9:
            level = int(outline[0]) + 1
        num_id, ilvl = None, 0
        if num:
            nid = X(num[0], "./w:numId/@w:val")
            lv = X(num[0], "./w:ilvl/@w:val")
            num_id = nid[0] if nid and nid[0] != "0" else None
            ilvl = int(lv[0]) if lv else 0
            if not lv and num_id is not None:  # from the style: the level tied to the style
                ilvl = self.numbering.level_for_style(num_id, sid)
        return name, level, num_id, ilvl

    # -- one paragraph → lines (a soft break starts a new line with the same locator)
    def paragraph(self, p, loc: str, footnote_id: str | None = None) -> list[_Line]:
        self.paragraphs += 1
        if self.paragraphs > self.max_paragraphs:
            raise DocumentError(f"document too large: more than {self.max_paragraphs:,} "
                                f"paragraphs (at {loc})", source=self.name)
        name, level, num_id, ilvl = self.para_props(p)
        lines = [_Line([], loc, name, level)]
        if num_id is not None and not self.mark_hidden(p):
            label = self.numbering.label(num_id, ilvl)
            if label is None:
                self.warnings.append((loc, f"numbering {num_id} level {ilvl} is not defined"))
            elif label:
                lines[0].pieces.append((label, None))
                lines[0].label = 1
        notes: list[str] = []
        state = {"field": []}  # stack of field states: "code" until separate, then "result"
        self._content(p, None, lines, notes, state, footnote_id)
        for fid in notes:
            self._append_footnote(fid, lines, loc)
        for line in lines:
            self.chars += sum(len(t) for t, _ in line.pieces)
        if self.chars > self.max_chars:
            raise DocumentError(f"document too large: more than {self.max_chars:,} characters "
                                f"of text (at {loc})", source=self.name)
        return lines

    def _content(self, el, change, lines, notes, state, footnote_id):
        for child in el:
            tag = child.tag
            if tag in CHANGE_TAGS:
                if self.hidden(child):
                    lines[-1].pieces.append(("", child))  # where it stands, zero width
                else:
                    self._content(child, child, lines, notes, state, footnote_id)
                continue
            if tag == qn("w:r"):
                self._run(child, change, lines, notes, state, footnote_id)
            elif tag in CONTAINERS or tag == qn("w:sdt"):
                inner = child.find(qn("w:sdtContent")) if tag == qn("w:sdt") else child
                if inner is not None:
                    self._content(inner, change, lines, notes, state, footnote_id)
            elif tag == qn("w:bookmarkStart"):
                name = child.get(qn("w:name"), "")
                if name and not name.startswith("_") and not state["field"]:
                    lines[-1].pieces.append((f"[bookmark: {name}]", None))

    def _run(self, r, change, lines, notes, state, footnote_id):
        for c in r:
            tag = c.tag
            if tag == qn("w:fldChar"):
                t = c.get(qn("w:fldCharType"))
                if t == "begin":
                    state["field"].append("code")
                elif t == "separate" and state["field"]:
                    state["field"][-1] = "result"
                elif t == "end" and state["field"]:
                    state["field"].pop()
                continue
            if state["field"] and state["field"][-1] == "code":
                continue  # field instructions are not text
            text = None
            if tag == qn("w:t") or (tag == qn("w:delText") and change is not None):
                text = (c.text or "").replace("\r", " ").replace("\n", " ")  # Word: a space
            elif tag == qn("w:tab") or tag == qn("w:ptab"):
                text = "\t"
            elif tag in (qn("w:br"), qn("w:cr")):
                if c.get(qn("w:type")) in (None, "textWrapping"):
                    lines.append(_Line([], lines[-1].locator, lines[-1].style, lines[-1].level))
                continue
            elif tag == qn("w:noBreakHyphen"):
                text = "-"
            elif tag == qn("w:sym"):
                ch = c.get(qn("w:char"), "")
                try:
                    text = PUA_BULLETS.get(chr(int(ch, 16)), chr(int(ch, 16)))
                except ValueError:
                    text = ""
            elif tag == qn("w:footnoteReference"):
                fid = c.get(qn("w:id"))
                text = f"[footnoteRef:{fid}]"
                notes.append(fid)
            elif tag == qn("w:footnoteRef") and footnote_id is not None:
                text = footnote_id  # the number mark inside the footnote itself
            if text:
                lines[-1].pieces.append((text, change))

    def _append_footnote(self, fid, lines, loc):
        fn = self.footnotes.get(fid)
        if fn is None:
            self.warnings.append((loc, f"footnote {fid} is referenced but has no body"))
            return
        body: list[_Line] = []
        for k, p in enumerate(X(fn, "./w:p")):
            got = self.paragraph(p, f"fn{fid}/p{k}", footnote_id=fid)
            if body and got:
                body.extend(got)
            else:
                body = got
        lines[-1].pieces.append((f" [{fid}: ", None))
        if body:
            lines[-1].pieces.extend(body[0].pieces)
            lines.extend(body[1:])
        lines[-1].pieces.append(("] ", None))

    # -- block containers: body, cells
    def blocks(self, container, prefix: str) -> list[_Line]:
        out: list[_Line] = []
        pending: list = []  # pieces of paragraphs whose mark is hidden in this view
        pending_loc = None
        np = nt = 0
        for child in self._block_children(container):
            if child.tag == qn("w:p"):
                loc = f"{prefix}p{np}"
                np += 1
                lines = self.paragraph(child, loc)
                if self.carry:
                    lines[0].pieces[0:0] = self.carry
                    self.carry = []
                if pending:
                    has_text = any(t for t, _ in pending)
                    # the surviving paragraph mark is this one: its number comes first
                    first = lines[0]
                    lines[0] = _Line(first.pieces[:first.label] + pending
                                     + first.pieces[first.label:],
                                     pending_loc if has_text else first.locator,
                                     first.style, first.level, label=first.label)
                    pending, pending_loc = [], None
                if self.mark_hidden(child):
                    out.extend(lines[:-1])
                    pending, pending_loc = lines[-1].pieces, lines[-1].locator
                    continue
                out.extend(lines)
            elif child.tag == qn("w:tbl"):
                if pending:
                    out.append(_Line(pending, pending_loc))
                    pending = []
                out.extend(self.table(child, f"{prefix}t{nt}"))
                nt += 1
        if pending:
            out.append(_Line(pending, pending_loc))
        return out

    def _block_children(self, container):
        for child in container:
            if child.tag == qn("w:sdt"):
                inner = child.find(qn("w:sdtContent"))
                if inner is not None:
                    yield from self._block_children(inner)
            elif child.tag == qn("w:customXml"):
                yield from self._block_children(child)
            elif child.tag in (qn("w:p"), qn("w:tbl")):
                yield child

    def table(self, tbl, loc: str) -> list[_Line]:
        out: list[_Line] = []
        hidden = "w:del" if self.view == "proposed" else "w:ins"
        for ri, tr in enumerate(X(tbl, ROWS)):
            for m in X(tr, "./w:trPr/w:ins | ./w:trPr/w:del"):
                self.row_locators[m] = f"{loc}/r{ri}"
            if X(tr, f"./w:trPr/{hidden}"):  # a row deleted (inserted) by the proposal
                self.carry.extend(("", ch) for ch in X(tr, ROW_CHANGES + " | ./w:trPr/w:ins | "
                                                       "./w:trPr/w:del"))
                continue
            header = bool(X(tr, "./w:trPr/w:tblHeader[not(@w:val='0' or @w:val='false')]"))
            row: list[_Line] = []
            for ci, tc in enumerate(X(tr, CELLS)):
                cloc = f"{loc}/r{ri}/c{ci}"
                vm = X(tc, "./w:tcPr/w:vMerge")
                if vm and vm[0].get(qn("w:val")) in (None, "continue"):
                    cell = [_Line([], cloc)]  # continuation of a vertical merge reads empty
                else:
                    cell = self.blocks(tc, cloc + "/") or [_Line([], cloc)]
                cell[0] = _Line([("\t", None)] + cell[0].pieces, cell[0].locator,
                                cell[0].style, cell[0].level)
                row.extend(cell)
            row.append(_Line([], f"{loc}/r{ri}"))
            marks = [("", m) for m in X(tr, "./w:trPr/w:ins | ./w:trPr/w:del")]
            row[0].pieces[0:0] = self.carry + marks
            self.carry = []
            out.extend(_Line(c.pieces, c.locator, c.style, c.level, header) for c in row)
        return out


def _footnotes(document, name: str) -> dict:
    """w:footnote elements by w:id, from the part the document part's relationships name."""
    for rel in document.part.rels.values():
        if rel.reltype == RT.FOOTNOTES and not rel.is_external:
            part = rel.target_part
            root = getattr(part, "element", None)
            if root is None:
                try:
                    root = etree.fromstring(part.blob)
                except etree.XMLSyntaxError as e:
                    raise DocumentError(f"corrupt Word document (footnotes part: {e})",
                                        source=name) from e
            return {fn.get(qn("w:id")): fn for fn in X(root, "./w:footnote")}
    return {}
