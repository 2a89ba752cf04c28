"""Read a Word (.docx) planning document into the line text the parser reads.

``read_docx(path)`` returns a :class:`WordDocument`: ``lines`` are the document *as proposed*
(tracked insertions in, deletions out) in exactly the form of the text export that
``parser.parse_text`` reads (decision 0095): one line per paragraph; per table row, each cell's
first line prefixed with a TAB, the cell's further lines as they are, then one empty line;
``[footnoteRef:N]`` at a footnote reference and `` [N: body] `` after the paragraph that references
it; ``[bookmark: name]`` for a visible bookmark; the numbers and bullets Word generates written
before the text with their suffix (``1\\t背景``, ``•\\t...``). Every line has a :class:`WordLine`
with its locator into the Word file (``p12``, ``t3/r2/c1``, ``t3/r2/c1/t1/r0/c0/p0``, ``fn4/p0``),
the paragraph style and heading level. ``lines_before`` is the text before the proposal
(deletions in, insertions out); ``amendments`` lists every tracked insertion and deletion.

The document model is python-docx; what it does not expose (numbering definitions, footnotes,
tracked changes, merged cells) is read from its lxml elements with ``xpath``/``qn``.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from itukg.errors import DocumentError

try:  # python-docx and its lxml
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.ns import qn
    from lxml import etree
except ImportError:  # pragma: no cover - a dependency of the project
    docx = None

MAX_FILE_BYTES = 50_000_000  # the .docx file itself
MAX_PART_BYTES = 200_000_000  # word/document.xml uncompressed (zip bombs)
MAX_PARAGRAPHS = 50_000  # paragraphs (body, cells, footnotes) in one document
MAX_CHARS = 5_000_000  # characters of text in one document

NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def X(el, expr: str) -> list:
    """Namespace-aware xpath on any lxml element (python-docx's or a plain one)."""
    return etree._Element.xpath(el, expr, namespaces=NS)


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Symbol/Wingdings private-use bullets Word stores in lvlText, as the text export writes them.
PUA_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf06f": "o", "\uf0d8": "➢", "\uf0fc": "✓",
               "\uf076": "❖", "\uf0a8": "•", "\uf02d": "-", "\uf0e8": "➔"}


@dataclass(frozen=True)
class WordLine:
    """One line of ``WordDocument.lines`` and where it comes from in the Word file."""

    number: int  # 1-based, as the parser counts lines
    text: str  # the line as the parser reads it
    locator: str  # p12 | t3/r2/c1/p0 | t3/r2 (end of row) | fn4/p0
    style: str | None = None  # paragraph style name ("Heading 1", "Normal"), None for a row end
    heading_level: int | None = None  # from a "Heading N" style or an outline level
    header_row: bool = False  # a table row marked to repeat as header (w:tblHeader)


@dataclass(frozen=True)
class Amendment:
    """One tracked change (``w:ins``/``w:del``/``w:moveTo``/``w:moveFrom``)."""

    kind: str  # "insert" | "delete"
    author: str | None
    date: str | None  # as written (ISO 8601)
    text: str
    locator: str
    line: int  # line of ``lines`` holding the insertion, or where the deleted text stood
    span: tuple[int, int]  # character span in that line (empty for a deletion)
    line_before: int | None = None  # line of ``lines_before`` holding the deletion (or where
    span_before: tuple[int, int] | None = None  # the insertion would stand) and its span there
    move: bool = False  # w:moveFrom / w:moveTo
    change_id: str | None = None  # w:id


@dataclass
class WordDocument:
    source: str  # file name
    lines: list[str]
    line_info: list[WordLine]
    lines_before: list[str]
    line_info_before: list[WordLine]
    amendments: list[Amendment] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (locator, message)

    @property
    def text(self) -> str:
        """The lines as one text, the form ``parse_text`` reads."""
        return "".join(line + "\n" for line in self.lines)

    @property
    def text_before(self) -> str:
        return "".join(line + "\n" for line in self.lines_before)

    def locator(self, line: int) -> str:
        """Locator of a 1-based line number."""
        return self.line_info[line - 1].locator


# ------------------------------------------------------------------------------------------
# Opening the file: every failure is a DocumentError naming it


def _open(path: Path, name: str):
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as e:
        raise DocumentError(f"cannot read file: {e.strerror or e}", source=name) from e
    if size > MAX_FILE_BYTES:
        raise DocumentError(f"file too large for a planning document ({size:,} bytes; "
                            f"limit {MAX_FILE_BYTES:,})", source=name)
    if head == OLE_SIGNATURE:
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise DocumentError("password-protected (encrypted) Word document: open it in Word, "
                                "remove the password and save it again as .docx", source=name)
        if "WordDocument".encode("utf-16-le") in data:
            raise DocumentError("old binary Word document (.doc): open it in Word and save it "
                                "as .docx (Word Document)", source=name)
        raise DocumentError("an OLE compound file (old Office format), not a Word .docx "
                            "document: save it as .docx", source=name)
    if head.startswith(b"{\\rtf"):
        raise DocumentError("an RTF file, not a Word .docx document: save it as .docx",
                            source=name)
    if not zipfile.is_zipfile(path):
        raise DocumentError("not a Word document (.docx is a zip package; this file is not "
                            "one)", source=name)
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "word/document.xml" not in names:
                what = ("a spreadsheet" if "xl/workbook.xml" in names else "a presentation"
                        if "ppt/presentation.xml" in names else "a zip")
                raise DocumentError(f"{what} that is not a Word document (no word/document.xml)",
                                    source=name)
            if z.getinfo("word/document.xml").file_size > MAX_PART_BYTES:
                raise DocumentError("document too large (word/document.xml over "
                                    f"{MAX_PART_BYTES:,} bytes)", source=name)
            bad = z.testzip()
            if bad:
                raise DocumentError(f"corrupt Word document (damaged part {bad})", source=name)
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise DocumentError(f"corrupt Word document ({e})", source=name) from e
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, ValueError, KeyError, etree.XMLSyntaxError, zipfile.BadZipFile,
            OSError, EOFError) as e:
        raise DocumentError(f"corrupt Word document ({type(e).__name__}: {e})",
                            source=name) from e


# ------------------------------------------------------------------------------------------
# Numbering (numbering.xml): formats, counters, restarts


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                 (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= v:
            out, n = out + s, n - v
    return out


def _letters(n: int) -> str:  # Word: a..z, aa..zz, aaa...
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


_ZH = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n < 10:
        return _ZH[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _ZH[tens]) + "十" + (_ZH[ones] if ones else "")
    return str(n)


def _format(n: int, fmt: str) -> str:
    if fmt in ("decimal", "", None):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "ideographDigital", "japaneseCounting"):
        return _chinese(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) - 0x30 + 0xFF10) for c in str(n))
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    suffix: str = "\t"
    restart: int | None = None  # w:lvlRestart (1-based level that restarts it; 0 = never)
    legal: bool = False


class _Numbering:
    """numbering.xml read once; ``label(num_id, ilvl)`` advances the counters like Word."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, _Level]] = {}  # abstractNumId -> levels
        self.nums: dict[str, tuple[str, dict[int, _Level | None], dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            root = None
        if root is None:
            return
        for an in X(root, "./w:abstractNum"):
            self.levels[an.get(qn("w:abstractNumId"))] = {
                int(lvl.get(qn("w:ilvl"), "0")): self._level(lvl) for lvl in X(an, "./w:lvl")}
        for num in X(root, "./w:num"):
            aid = X(num, "./w:abstractNumId/@w:val")
            overrides: dict[int, _Level | None] = {}
            starts: dict[int, int] = {}
            for ov in X(num, "./w:lvlOverride"):
                i = int(ov.get(qn("w:ilvl"), "0"))
                so = X(ov, "./w:startOverride/@w:val")
                if so:
                    starts[i] = int(so[0])
                lvl = X(ov, "./w:lvl")
                if lvl:
                    overrides[i] = self._level(lvl[0])
            self.nums[num.get(qn("w:numId"))] = (aid[0] if aid else "", overrides, starts)

    @staticmethod
    def _level(lvl) -> _Level:
        def val(tag, default=None):
            v = X(lvl, f"./w:{tag}/@w:val")
            return v[0] if v else default
        suff = {"tab": "\t", "space": " ", "nothing": ""}.get(val("suff", "tab"), "\t")
        restart = val("lvlRestart")
        return _Level(fmt=val("numFmt", "decimal"), text=val("lvlText", ""),
                      start=int(val("start", "1")), suffix=suff,
                      restart=int(restart) if restart is not None else None,
                      legal=bool(X(lvl, "./w:isLgl")))

    def label(self, num_id: str, ilvl: int) -> str | None:
        if num_id not in self.nums:
            return None
        aid, overrides, starts = self.nums[num_id]
        base = self.levels.get(aid, {})
        lvls = {**base, **{k: v for k, v in overrides.items() if v is not None}}
        if ilvl not in lvls:
            return None
        # counters are per abstract numbering; a w:num with a startOverride restarts them once
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for i, s in starts.items():
                counters[i] = s - 1
                for deeper in [k for k in counters if k > i]:
                    del counters[deeper]
        lvl = lvls[ilvl]
        counters[ilvl] = counters.get(ilvl, lvl.start - 1) + 1
        for k in list(counters):  # a level restarts after any higher level (unless lvlRestart)
            if k > ilvl:
                r = lvls[k].restart if k in lvls else None
                if r is None or (r != 0 and r - 1 >= ilvl):
                    del counters[k]
        if lvl.fmt == "bullet":
            text = "".join(PUA_BULLETS.get(c, c) for c in lvl.text)
        else:
            text = lvl.text
            for k in range(9):
                if f"%{k + 1}" in text:
                    n = counters.get(k, lvls[k].start if k in lvls else 1)
                    fmt = "decimal" if (lvl.legal and k != ilvl) else (
                        lvls[k].fmt if k in lvls else "decimal")
                    text = text.replace(f"%{k + 1}", _format(n, fmt))
        return text + lvl.suffix if text else ""


# ------------------------------------------------------------------------------------------
# Rendering: pieces of text with the tracked change they belong to


W_INS, W_DEL = qn("w:ins"), qn("w:del")
W_MOVE_TO, W_MOVE_FROM = qn("w:moveTo"), qn("w:moveFrom")
CHANGE_TAGS = {W_INS: ("insert", False), W_DEL: ("delete", False),
               W_MOVE_TO: ("insert", True), W_MOVE_FROM: ("delete", True)}
ROW_CHANGES = ".//w:ins[w:r] | .//w:del[w:r] | .//w:moveTo[w:r] | .//w:moveFrom[w:r]"
CONTAINERS = {qn(t) for t in ("w:hyperlink", "w:smartTag", "w:customXml", "w:fldSimple",
                              "w:sdtContent", "w:dir", "w:bdo")}


@dataclass
class _Line:
    pieces: list  # [(text, change element or None)]
    locator: str
    style: str | None = None
    level: int | None = None
    header: bool = False

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.pieces)


class _Renderer:
    def __init__(self, document, footnotes: dict, name: str, view: str, max_paragraphs: int,
                 max_chars: int):
        self.doc, self.name, self.view = document, name, view
        self.numbering = _Numbering(document)
        self.footnotes = footnotes
        self.max_paragraphs, self.max_chars = max_paragraphs, max_chars
        self.paragraphs = self.chars = 0
        self.warnings: list[tuple[str, str]] = []
        self.carry: list = []  # zero-width marks of rows hidden in this view, for the next line
        self.styles = {}
        for s in X(document.styles.element, "./w:style"):
            self.styles[s.get(qn("w:styleId"))] = s

    # -- which changes are visible in this view
    def hidden(self, change) -> bool:
        kind = CHANGE_TAGS[change.tag][0]
        return (kind == "delete") if self.view == "proposed" else (kind == "insert")

    def mark_hidden(self, p) -> bool:
        """The paragraph mark is deleted (proposed view) or inserted (before view)."""
        tag = "w:del" if self.view == "proposed" else "w:ins"
        return bool(X(p, f"./w:pPr/w:rPr/{tag}") or X(p, 
            f"./w:pPr/w:rPr/{'w:moveFrom' if self.view == 'proposed' else 'w:moveTo'}"))

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
        if sid is None:  # the default paragraph style
            d = [s for s in self.styles.values() if s.get(qn("w:type")) == "paragraph"
                 and s.get(qn("w:default")) in ("1", "true")]
            sid = d[0].get(qn("w:styleId")) if d else None
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
            if not lv and not X(p, "./w:pPr/w:numPr") and sid:  # style-linked list level
                ilvl = 0
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
                text = c.text or ""
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
                    lines[0] = _Line(pending + lines[0].pieces,
                                     pending_loc if has_text else lines[0].locator,
                                     lines[0].style, lines[0].level)
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
        for ri, tr in enumerate(X(tbl, "./w:tr")):
            if X(tr, f"./w:trPr/{hidden}"):  # a row deleted (inserted) by the proposal
                self.carry.extend(("", ch) for ch in X(tr, ROW_CHANGES + " | ./w:trPr/w:ins | "
                                                       "./w:trPr/w:del"))
                continue
            header = bool(X(tr, "./w:trPr/w:tblHeader[not(@w:val='0' or @w:val='false')]"))
            row: list[_Line] = []
            for ci, tc in enumerate(X(tr, "./w:tc")):
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
        text = "".join(X(ch, ".//w:t/text() | .//w:delText/text()"))
        if ch.getparent().tag == qn("w:trPr"):  # a whole row: its cells' text, tab-separated
            text = "\t".join("".join(X(tc, ".//w:t/text() | .//w:delText/text()"))
                              for tc in X(ch.getparent().getparent(), "./w:tc"))
            if kind == "insert":
                s = [s[0], 0, len(lines[s[0] - 1])]
            elif sb:
                sb = [sb[0], 0, len(lines_before[sb[0] - 1])]
        # where it is in the Word file: deleted text is visible (has its place) before
        locator = (info_before[sb[0] - 1] if kind == "delete" and sb else info[s[0] - 1]).locator
        if ch.getparent().tag == qn("w:trPr"):
            locator = re.match(r"(.*?/r\d+)(?:/c\d+.*)?$", locator).group(1)
        amendments.append(Amendment(
            kind=kind, author=ch.get(qn("w:author")), date=ch.get(qn("w:date")), text=text,
            locator=locator, line=s[0], span=(s[1], s[2]),
            line_before=sb[0] if sb else None, span_before=(sb[1], sb[2]) if sb else None,
            move=move, change_id=ch.get(qn("w:id"))))
    amendments.sort(key=lambda a: (a.line, a.span[0], a.kind))
    return WordDocument(name, lines, info, lines_before, info_before, amendments,
                        proposed.warnings)
