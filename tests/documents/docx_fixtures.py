"""Tools that MAKE Word (.docx) files for the tests of graph/documents/word.py.

python-docx builds the document; lxml elements (``OxmlElement``/``parse_xml``) add what it has no
API for: the footnotes part, numbering definitions, tracked changes, header rows, bookmarks.
``docx_from_text`` turns a text export (the form the parser reads) into a Word document the way
Word holds it, so a test can read it back and compare lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml

FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
DATE = "2026-11-30T10:00:00Z"


def new_document():
    return docx.Document()


# ------------------------------------------------------------------------ numbering


def add_numbering(doc, levels, start_override: dict[int, int] | None = None,
                  abstract_id: int | None = None) -> int:
    """Define a list: ``levels`` = [(numFmt, lvlText, suffix, start)] per level (suffix
    tab/space/nothing). Returns the new numId. With ``abstract_id``, a new w:num on an existing
    definition (``start_override`` {ilvl: start} restarts it)."""
    numbering = doc.part.numbering_part.element
    if abstract_id is None:
        ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
        abstract_id = max(ids, default=-1) + 1
        lvls = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:suff w:val="{suff}"/><w:lvlText w:val="{text}"/></w:lvl>'
            for i, (fmt, text, suff, start) in enumerate(levels))
        an = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                       f"{lvls}</w:abstractNum>")
        nums = numbering.findall(qn("w:num"))
        if nums:
            nums[0].addprevious(an)
        else:
            numbering.append(an)
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    num_id = max(num_ids, default=0) + 1
    overrides = "".join(
        f'<w:lvlOverride w:ilvl="{i}"><w:startOverride w:val="{s}"/></w:lvlOverride>'
        for i, s in (start_override or {}).items())
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId '
                               f'w:val="{abstract_id}"/>{overrides}</w:num>'))
    return num_id


def abstract_of(doc, num_id: int) -> int:
    for n in doc.part.numbering_part.element.findall(qn("w:num")):
        if n.get(qn("w:numId")) == str(num_id):
            return int(n.find(qn("w:abstractNumId")).get(qn("w:val")))
    raise KeyError(num_id)


def number(paragraph, num_id: int, ilvl: int = 0):
    pPr = paragraph._p.get_or_add_pPr()
    pPr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/>'
                         f'<w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


# ------------------------------------------------------------------------ footnotes


def _footnotes_root(doc):
    for rel in doc.part.rels.values():
        if rel.reltype == RT.FOOTNOTES:
            return rel.target_part.element
    root = parse_xml(
        f'<w:footnotes {nsdecls("w")}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>")
    part = XmlPart(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, root, doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    return root


def add_footnote_reference(doc, paragraph, body: list[str], fid: int | None = None) -> int:
    """Append a footnote reference to ``paragraph`` and its body (one paragraph per item) to
    the footnotes part. A body paragraph "\\tN\\t..." whose N is the footnote's id is written
    with Word's own number mark (w:footnoteRef) in place of N."""
    root = _footnotes_root(doc)
    if fid is None:
        fid = max(int(f.get(qn("w:id"))) for f in root.findall(qn("w:footnote"))) + 1
    r = OxmlElement("w:r")
    r.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:vertAlign w:val="superscript"/></w:rPr>'))
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(fid))
    r.append(ref)
    paragraph._p.append(r)
    fn = parse_xml(f'<w:footnote {nsdecls("w")} w:id="{fid}"/>')
    for k, text in enumerate(body):
        p = OxmlElement("w:p")
        prefix = f"\t{fid}\t"
        if k == 0 and text.startswith(prefix):
            p.append(_run("\t"))
            mark = OxmlElement("w:r")
            mark.append(OxmlElement("w:footnoteRef"))
            p.append(mark)
            text = text[len(prefix) - 1:]
        if text:
            p.append(_run(text))
        fn.append(p)
    root.append(fn)
    return fid


def _run(text: str, tag: str = "w:t"):
    """A w:r holding text, tabs as w:tab."""
    r = OxmlElement("w:r")
    for i, part in enumerate(text.split("\t")):
        if i:
            r.append(OxmlElement("w:tab"))
        if part:
            t = OxmlElement(tag)
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = part
            r.append(t)
    return r


# ------------------------------------------------------------------------ tracked changes


_ids = iter(range(100, 10_000))


def add_change(paragraph, kind: str, text: str, author: str, date: str = DATE):
    """Append a tracked insertion (kind "ins"/"moveTo") or deletion ("del"/"moveFrom")."""
    el = OxmlElement(f"w:{kind}")
    el.set(qn("w:id"), str(next(_ids)))
    el.set(qn("w:author"), author)
    el.set(qn("w:date"), date)
    el.append(_run(text, "w:delText" if kind in ("del", "moveFrom") else "w:t"))
    paragraph._p.append(el)
    return el


def mark_paragraph(paragraph, kind: str, author: str, date: str = DATE):
    """Mark the paragraph mark itself as inserted ("ins") or deleted ("del")."""
    rPr = paragraph._p.get_or_add_pPr().find(qn("w:rPr"))
    if rPr is None:
        rPr = OxmlElement("w:rPr")
        paragraph._p.get_or_add_pPr().append(rPr)
    el = OxmlElement(f"w:{kind}")
    el.set(qn("w:id"), str(next(_ids)))
    el.set(qn("w:author"), author)
    el.set(qn("w:date"), date)
    rPr.append(el)


def add_text(paragraph, text: str):
    paragraph._p.append(_run(text))
    return paragraph


def header_row(row):
    trPr = row._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:tblHeader"))


def add_bookmark(paragraph, name: str):
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), "0")
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), "0")
    paragraph._p.append(start)
    paragraph._p.append(end)


def set_cell(cell, paragraphs: list[str]):
    """Replace a cell's content with paragraphs of text."""
    for p in list(cell._tc.findall(qn("w:p"))):
        cell._tc.remove(p)
    for text in paragraphs or [""]:
        p = cell.add_paragraph()
        add_text(p, text)


def amend(doc, old: str, new: str | None, author: str, date: str = DATE, nth: int = 0):
    """Rewrite the ``nth`` body paragraph holding ``old`` (plain text runs only) so that
    ``old`` is a tracked deletion by ``author``, followed by ``new`` as a tracked insertion."""
    hits = [p for p in doc.paragraphs if old in p.text]
    p = hits[nth]
    text = p.text
    k = text.index(old)
    for r in list(p._p.findall(qn("w:r"))):
        p._p.remove(r)
    add_text(p, text[:k])
    add_change(p, "del", old, author, date)
    if new:
        add_change(p, "ins", new, author, date)
    add_text(p, text[k + len(old):])
    return p


# ------------------------------------------------------------------------ text export → Word


_FOOTNOTE = re.compile(r" \[(\d+): ")
_REF = re.compile(r"\[footnoteRef:(\d+)\]")
_BOOKMARK = re.compile(r"\[bookmark: ([^\]]+)\]")
_SECTION = re.compile(r"^(\d+)\t")
_BULLET = "•\t"


def _inline(doc, paragraph, text: str, notes: dict[int, list[str]]):
    """Text with [footnoteRef:N] (a reference to footnote N, its body from ``notes``) and
    [bookmark: X] as Word holds them."""
    pos = 0
    for m in re.finditer(f"{_REF.pattern}|{_BOOKMARK.pattern}", text):
        if m.start() > pos:
            add_text(paragraph, text[pos:m.start()])
        if m.group(2):
            add_bookmark(paragraph, m.group(2))
        else:
            fid = int(m.group(1))
            add_footnote_reference(doc, paragraph, notes.get(fid, [""]), fid)
        pos = m.end()
    if pos < len(text):
        add_text(paragraph, text[pos:])


def docx_from_text(text: str, path: str | Path, heading_pattern: str | None = None) -> Path:
    """Write the text export ``text`` as a Word document the way Word holds it: tab-led rows as
    table rows (cells, merged to the widest row), footnote bodies in the footnotes part with
    references in the text, section numbers ``N\\t`` and bullets ``•\\t`` generated by
    numbering definitions (a new list restarting at 1 at each ``1\\t``), bookmarks as
    bookmarks. Lines matching ``heading_pattern`` get style Heading 1, section lines Heading 2."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    doc = new_document()
    section_abstract = None
    section_num = None
    section_next = None
    bullets = add_numbering(doc, [("bullet", "\uf0b7", "tab", 1)])
    i = 0
    heading = re.compile(heading_pattern) if heading_pattern else None
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t"):  # a table: rows of cells, each row ends with an empty line
            rows: list[list[list[str]]] = []
            while i < len(lines) and lines[i].startswith("\t"):
                cells: list[list[str]] = []
                while i < len(lines) and lines[i] != "":
                    if lines[i].startswith("\t"):
                        cells.append([lines[i][1:]])
                    else:
                        cells[-1].append(lines[i])
                    i += 1
                rows.append(cells)
                i += 1  # the row's end
            width = max(len(r) for r in rows)
            table = doc.add_table(rows=len(rows), cols=width)
            for row, cells in zip(table.rows, rows):
                if len(cells) < width:  # a merged cell spanning the rest of the row
                    row.cells[len(cells) - 1].merge(row.cells[width - 1])
                tcs = row._tr.findall(qn("w:tc"))
                for tc, paras in zip(tcs, cells):
                    set_cell(docx.table._Cell(tc, table), paras)
            continue
        para_text, notes = line, []
        m = _FOOTNOTE.search(line)
        if m:  # footnote bodies run to the closing "] " (brackets counted)
            para_text = line[:m.start()]
            body = line[m.end():]
            fid = int(m.group(1))
            while True:
                depth, end = 1, None
                for k, ch in enumerate(body):
                    depth += ch == "["
                    depth -= ch == "]"
                    if depth == 0:
                        end = k
                        break
                if end is not None:
                    break
                i += 1
                body += "\n" + lines[i]
            notes.append((fid, body[:end].split("\n")))
        p = doc.add_paragraph()
        sm = _SECTION.match(para_text)
        if sm:
            n = int(sm.group(1))
            if n != section_next:  # a new list (restarting at n) where the count breaks
                if section_abstract is None:
                    section_num = add_numbering(doc, [("decimal", "%1", "tab", n)])
                    section_abstract = abstract_of(doc, section_num)
                else:
                    section_num = add_numbering(doc, [], {0: n}, abstract_id=section_abstract)
            section_next = n + 1
            number(p, section_num)
            p.style = doc.styles["Heading 2"]
            para_text = para_text[sm.end():]
        elif para_text.startswith(_BULLET):
            number(p, bullets)
            para_text = para_text[len(_BULLET):]
        elif heading and heading.search(para_text):
            p.style = doc.styles["Heading 1"]
        _inline(doc, p, para_text, dict(notes))
        i += 1
    out = Path(path)
    doc.save(str(out))
    return out
