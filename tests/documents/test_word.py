"""The Word (.docx) reader: Word files made by the tests (docx_fixtures), read back.

Golden: the Word version of every text fixture reads back as the text export's lines, and the
parser gives the same records, links and warnings. Then one test per feature (locators, tables,
numbering, headings, footnotes, tracked changes) and one per error.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.oxml.ns import nsdecls

from docx_fixtures import (
    amend, add_change, add_footnote_reference, add_numbering, add_text, docx_from_text, header_row,
    mark_paragraph, new_document, number, set_cell, add_bookmark,
)
from itukg.errors import DocumentError
from itukg.graph.documents import parse_file, parse_text
from itukg.graph.documents.word import read_docx

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus/ACP-22A14-4.zh.txt"
FIXTURES = sorted((ROOT / "tests/data/docs").glob("*.txt"))


def text_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def save(doc, tmp_path, name="t.docx") -> Path:
    p = tmp_path / name
    doc.save(str(p))
    return p


def body(doc) -> list:
    return doc.element.body


# ------------------------------------------------------------------------------ golden


@pytest.fixture(scope="module")
def corpus_word(tmp_path_factory):
    p = tmp_path_factory.mktemp("word") / "ACP-22A14-4.zh.docx"
    docx_from_text(CORPUS.read_text(encoding="utf-8"), p, heading_pattern=r"^输出成果\d")
    return read_docx(p)


def test_corpus_word_lines_equal_the_text_export(corpus_word):
    assert corpus_word.lines == text_lines(CORPUS)
    assert corpus_word.lines_before == corpus_word.lines and corpus_word.amendments == []
    assert corpus_word.warnings == []


def test_corpus_word_parses_to_the_same_records_links_and_warnings(corpus_word):
    from itukg.graph.mapping.mapper import document_ntriples

    text_doc = parse_file(CORPUS)
    word_doc = parse_text(corpus_word.text, CORPUS.name)
    for attr in ("symbol", "language", "marker", "slug", "line_count", "objective", "outcomes",
                 "outputs", "footnotes", "orphan_footnote_blocks", "warnings"):
        assert getattr(word_doc, attr) == getattr(text_doc, attr), attr
    assert document_ntriples(word_doc, "https://w3id.org/itukg/") == document_ntriples(
        text_doc, "https://w3id.org/itukg/")


def test_corpus_word_locators_point_into_the_word_file(corpus_word):
    info = corpus_word.line_info
    assert [i.number for i in info] == list(range(1, len(info) + 1))
    assert info[0].locator == "p0"  # MOD\tACP/22A14/4
    assert info[2].locator == "t0/r0/c0/p0" and info[2].text == "\t成果"
    assert info[5].locator == "t0/r0/c2/p1" and info[5].text == "（产品和服务）"
    assert info[6].locator == "t0/r0" and info[6].text == ""  # end of the header row
    assert info[45].locator.startswith("p") and "[footnoteRef:1]" in info[45].text
    assert [info[k].locator for k in range(46, 50)] == [f"fn1/p{k}" for k in range(1, 5)]
    assert info[30].style == "Heading 1" and info[30].heading_level == 1  # output heading
    assert info[31].text == "1\t背景" and info[31].heading_level == 2  # generated number


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_text_fixture_reads_back_from_word(path, tmp_path):
    w = read_docx(docx_from_text(path.read_text(encoding="utf-8"), tmp_path / "x.docx"))
    expected = text_lines(path)
    assert len(w.lines) == len(expected)
    for got, want in zip(w.lines, expected):
        # the export writes "] " after a footnote body; hand-written fixtures may omit the space
        assert got == want or (want.endswith("]") and got == want + " ")
    try:
        want_doc = parse_text("\n".join(expected) + "\n", path.name)
    except DocumentError as e:
        with pytest.raises(DocumentError) as got_e:
            parse_text(w.text, path.name)
        assert got_e.value.message == e.message
        return
    got_doc = parse_text(w.text, path.name)
    for attr in ("symbol", "objective", "outcomes", "footnotes", "warnings"):
        assert getattr(got_doc, attr) == getattr(want_doc, attr), attr
    assert [o.code for o in got_doc.outputs] == [o.code for o in want_doc.outputs]
    assert [c.resolution for c in got_doc.all_citations()] == [
        c.resolution for c in want_doc.all_citations()]


# ------------------------------------------------------------------------------ tables


def test_table_cells_merged_horizontally_read_once_and_vertical_continuations_empty(tmp_path):
    doc = new_document()
    t = doc.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2))  # gridSpan 3
    set_cell(t.cell(0, 0), ["区域"])
    t.cell(1, 0).merge(t.cell(2, 0))  # vMerge restart + continue
    set_cell(t.cell(1, 0), ["非洲区域"])
    set_cell(t.cell(1, 1), ["a"])
    set_cell(t.cell(1, 2), ["b", "b2"])
    set_cell(t.cell(2, 1), ["c"])
    set_cell(t.cell(2, 2), [""])
    w = read_docx(save(doc, tmp_path))
    assert w.lines[:11] == ["\t区域", "", "\t非洲区域", "\ta", "\tb", "b2", "", "\t", "\tc", "\t",
                            ""]
    assert [i.locator for i in w.line_info[:4]] == ["t0/r0/c0/p0", "t0/r0", "t0/r1/c0/p0",
                                                    "t0/r1/c1/p0"]
    assert w.line_info[7].locator == "t0/r2/c0"  # the continuation cell itself


def test_nested_table_and_header_rows(tmp_path):
    doc = new_document()
    t = doc.add_table(rows=2, cols=2)
    header_row(t.rows[0])
    set_cell(t.cell(0, 0), ["成果"])
    set_cell(t.cell(0, 1), ["输出成果"])
    set_cell(t.cell(1, 0), ["外"])
    inner = t.cell(1, 1).add_table(rows=1, cols=2)
    set_cell(inner.cell(0, 0), ["x"])
    set_cell(inner.cell(0, 1), ["y"])
    w = read_docx(save(doc, tmp_path))
    assert w.lines[:3] == ["\t成果", "\t输出成果", ""]
    assert all(i.header_row for i in w.line_info[:3])
    assert not w.line_info[3].header_row
    # the cell's own (empty) paragraph, the nested table's row, the paragraph Word keeps after
    # a table at the end of a cell, then the end of the outer row
    assert w.lines[3:] == ["\t外", "\t", "\tx", "\ty", "", "", ""]
    assert w.line_info[8].locator == "t0/r1/c1/p1" and w.line_info[9].locator == "t0/r1"
    assert w.line_info[5].locator == "t0/r1/c1/t0/r0/c0/p0"
    assert w.line_info[7].locator == "t0/r1/c1/t0/r0"


def test_rows_and_cells_inside_content_controls(tmp_path):
    doc = new_document()
    t = doc.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "a", (0, 1): "b", (1, 0): "c", (1, 1): "d"}.items():
        set_cell(t.cell(r, c), [text])
    tr1 = t.rows[1]._tr
    sdt = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtContent/></w:sdt>')
    tr1.addprevious(sdt)
    sdt[0].append(tr1)  # the second row inside a content control
    tc = t.rows[0]._tr.findall(qn("w:tc"))[1]
    cell_sdt = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtContent/></w:sdt>')
    tc.addprevious(cell_sdt)
    cell_sdt[0].append(tc)
    w = read_docx(save(doc, tmp_path))
    assert w.lines == ["\ta", "\tb", "", "\tc", "\td", ""]
    assert w.line_info[4].locator == "t0/r1/c1/p0"


# ------------------------------------------------------------------------------ numbering


def test_generated_numbers_counters_levels_and_restarts(tmp_path):
    doc = new_document()
    num = add_numbering(doc, [("decimal", "%1.", "tab", 1), ("lowerLetter", "%1.%2", "space", 1),
                              ("upperRoman", "(%3)", "nothing", 3)])
    for text, lvl in [("一", 0), ("a", 1), ("b", 1), ("r", 2), ("r2", 2), ("二", 0), ("c", 1)]:
        number(add_text(doc.add_paragraph(), text), num, lvl)
    w = read_docx(save(doc, tmp_path))
    assert w.lines == ["1.\t一", "1.a a", "1.b b", "(III)r", "(IV)r2", "2.\t二", "2.a c"]


def test_bullets_start_values_and_start_override_restart(tmp_path):
    doc = new_document()
    bullet = add_numbering(doc, [("bullet", "\uf0b7", "tab", 1), ("bullet", "-", "space", 1)])
    sec = add_numbering(doc, [("decimal", "%1", "tab", 5)])
    number(add_text(doc.add_paragraph(), "项目"), bullet)
    number(add_text(doc.add_paragraph(), "指标"), bullet, 1)
    number(add_text(doc.add_paragraph(), "五"), sec)
    number(add_text(doc.add_paragraph(), "六"), sec)
    restart = add_numbering(doc, [], {0: 1}, abstract_id=_abstract(doc, sec))
    number(add_text(doc.add_paragraph(), "背景"), restart)
    number(add_text(doc.add_paragraph(), "实施框架"), restart)
    number(add_text(doc.add_paragraph(), "七"), sec)  # the same definition counts on
    w = read_docx(save(doc, tmp_path))
    assert w.lines == ["•\t项目", "- 指标", "5\t五", "6\t六", "1\t背景", "2\t实施框架", "3\t七"]


def _abstract(doc, num_id):
    from docx_fixtures import abstract_of
    return abstract_of(doc, num_id)


def test_numbering_from_the_paragraph_style_and_undefined_numbering(tmp_path):
    doc = new_document()
    num = add_numbering(doc, [("decimal", "%1)", "space", 1)])
    style = doc.styles.add_style("ItuList", WD_STYLE_TYPE.PARAGRAPH)
    style.element.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:numId w:val="{num}"/></w:numPr>'))
    p1 = add_text(doc.add_paragraph(style="ItuList"), "甲")
    p2 = add_text(doc.add_paragraph(style="ItuList"), "乙")
    bad = number(add_text(doc.add_paragraph(), "丙"), 99)
    del p1, p2, bad
    w = read_docx(save(doc, tmp_path))
    assert w.lines == ["1) 甲", "2) 乙", "丙"]
    assert w.line_info[0].style == "ItuList"
    assert w.warnings == [("p2", "numbering 99 level 0 is not defined")]


def test_heading_styles_tied_to_list_levels_and_numbering_style_links(tmp_path):
    doc = new_document()
    num = add_numbering(doc, [("decimal", "%1", "tab", 1), ("decimal", "%1.%2", "tab", 1)])
    numbering = doc.part.numbering_part.element
    aid = str(_abstract(doc, num))
    defn = [a for a in numbering.findall(qn("w:abstractNum"))
            if a.get(qn("w:abstractNumId")) == aid][0]
    lvl1 = defn.findall(qn("w:lvl"))[1]
    lvl1.insert(0, parse_xml(f'<w:pStyle {nsdecls("w")} w:val="Heading2"/>'))
    h2 = doc.styles["Heading 2"].element.get_or_add_pPr()
    h2.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="{num}"/></w:numPr>'))
    # a second definition that only links to a numbering style using the first one
    style = doc.styles.add_style("ItuNumbering", WD_STYLE_TYPE.PARAGRAPH)
    style.element.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:numId w:val="{num}"/></w:numPr>'))
    defn.addnext(parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="777">'
                           '<w:numStyleLink w:val="ItuNumbering"/></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="770"><w:abstractNumId '
                               'w:val="777"/></w:num>'))
    number(add_text(doc.add_paragraph(), "背景"), num)
    add_text(doc.add_paragraph(style="Heading 2"), "小节")  # level 1 through its style
    number(add_text(doc.add_paragraph(), "链接"), 770, 1)
    w = read_docx(save(doc, tmp_path))
    assert w.lines == ["1\t背景", "1.1\t小节", "1.2\t链接"]  # a linked list counts on
    assert w.line_info[1].heading_level == 2


# ------------------------------------------------------------------------------ headings


def test_headings_by_style_name_localized_id_and_outline_level(tmp_path):
    doc = new_document()
    add_text(doc.add_paragraph(style="Heading 1"), "输出成果4.1 – x")
    de = doc.styles.add_style("Überschrift 2 (DE)", WD_STYLE_TYPE.PARAGRAPH)
    de.element.set(qn("w:styleId"), "berschrift2")
    de.element.find(qn("w:name")).set(qn("w:val"), "heading 2")  # Word's built-in name
    p = doc.add_paragraph()
    p._p.get_or_add_pPr().append(parse_xml(f'<w:pStyle {nsdecls("w")} w:val="berschrift2"/>'))
    add_text(p, "背景")
    outline = doc.add_paragraph()
    outline._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="2"/>'))
    add_text(outline, "小节")
    add_text(doc.add_paragraph(), "正文")
    w = read_docx(save(doc, tmp_path))
    assert [(i.style, i.heading_level) for i in w.line_info] == [
        ("Heading 1", 1), ("Heading 2", 2), ("Normal", 3), ("Normal", None)]


# ------------------------------------------------------------------------------ footnotes


def test_footnotes_from_the_footnotes_part(tmp_path):
    doc = new_document()
    p = add_text(doc.add_paragraph(), "与技术库")
    add_footnote_reference(doc, p, ["\t1\t联合国大会建立技术库。", "\t2\t第二段"])
    add_text(p, "建立联系。")
    q = add_text(doc.add_paragraph(), "另一段")
    add_footnote_reference(doc, q, ["\t2\t第A/RES/70/125号决议"])
    w = read_docx(save(doc, tmp_path))
    assert w.lines == ["与技术库[footnoteRef:1]建立联系。 [1: \t1\t联合国大会建立技术库。",
                       "\t2\t第二段] ",
                       "另一段[footnoteRef:2] [2: \t2\t第A/RES/70/125号决议] "]
    assert [i.locator for i in w.line_info] == ["p0", "fn1/p1", "p1"]


def test_footnote_reference_without_body_is_a_warning(tmp_path):
    doc = new_document()
    p = add_text(doc.add_paragraph(), "文本")
    ref = OxmlElement("w:r")
    fr = OxmlElement("w:footnoteReference")
    fr.set(qn("w:id"), "7")
    ref.append(fr)
    p._p.append(ref)
    w = read_docx(save(doc, tmp_path))
    assert w.lines == ["文本[footnoteRef:7]"]
    assert w.warnings == [("p0", "footnote 7 is referenced but has no body")]


# ------------------------------------------------------------------------------ inline content


def test_fields_hyperlinks_breaks_and_bookmarks(tmp_path):
    doc = new_document()
    p = add_text(doc.add_paragraph(), "见")
    p._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'))
    p._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:instrText> REF _Ref1 \\h </w:instrText></w:r>'))
    # everything between begin and separate is the instruction, even as w:t (some tools)
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t>PAGEREF _Ref2</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>'))
    add_text(p, "第3节")
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))
    p._p.append(parse_xml(f'<w:hyperlink {nsdecls("w")}><w:r><w:t>ITU</w:t></w:r></w:hyperlink>'))
    add_bookmark(p, "_GoBack")  # hidden bookmarks are not written
    q = doc.add_paragraph()
    add_bookmark(q, "OLE_LINK28")
    add_text(q, "上")
    q._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:br/><w:t>下</w:t></w:r>'))
    # a raw newline inside w:t is not a line break (Word shows a space): lines stay lines
    q._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">\n一</w:t></w:r>'))
    w = read_docx(save(doc, tmp_path))
    assert w.lines == ["见第3节ITU", "[bookmark: OLE_LINK28]上", "下 一"]
    assert [i.locator for i in w.line_info] == ["p0", "p1", "p1"]


# ------------------------------------------------------------------------------ tracked changes


@pytest.fixture()
def amended(tmp_path):
    doc = new_document()
    p = add_text(doc.add_paragraph(), "落实WTDC第")
    add_change(p, "del", "16", "Alice", "2026-11-01T09:00:00Z")
    add_change(p, "ins", "17", "Bob", "2026-11-02T10:00:00Z")
    add_text(p, "号决议将支持输出成果4.1")
    add_change(p, "ins", "和4.2", "Alice", "2026-11-01T09:05:00Z")
    gone = add_text(doc.add_paragraph(), "")
    add_change(gone, "del", "整段删除", "Bob")
    mark_paragraph(gone, "del", "Bob")
    add_text(doc.add_paragraph(), "下一段")
    new = doc.add_paragraph()
    add_change(new, "ins", "新增段落", "Alice")
    mark_paragraph(new, "ins", "Alice")
    add_text(doc.add_paragraph(), "末段")
    return read_docx(save(doc, tmp_path))


def test_lines_are_the_document_as_proposed(amended):
    assert amended.lines == ["落实WTDC第17号决议将支持输出成果4.1和4.2", "下一段", "新增段落", "末段"]
    assert not any("16" in line or "整段删除" in line for line in amended.lines)


def test_lines_before_are_the_document_before_the_proposal(amended):
    assert amended.lines_before == ["落实WTDC第16号决议将支持输出成果4.1", "整段删除", "下一段", "末段"]


def test_amendments_list_each_change_with_author_date_line_and_span(amended):
    got = [(a.kind, a.author, a.date, a.text, a.locator, a.line) for a in amended.amendments]
    assert got == [
        ("delete", "Alice", "2026-11-01T09:00:00Z", "16", "p0", 1),
        ("insert", "Bob", "2026-11-02T10:00:00Z", "17", "p0", 1),
        ("insert", "Alice", "2026-11-01T09:05:00Z", "和4.2", "p0", 1),
        ("delete", "Bob", "2026-11-30T10:00:00Z", "整段删除", "p1", 2),  # its own paragraph
        ("insert", "Alice", "2026-11-30T10:00:00Z", "新增段落", "p3", 3),
    ]
    for a in amended.amendments:
        if a.kind == "insert":
            s, e = a.span
            assert amended.lines[a.line - 1][s:e] == a.text
        else:
            assert a.span[0] == a.span[1]  # where the deleted text stood
            s, e = a.span_before
            assert amended.lines_before[a.line_before - 1][s:e] == a.text
    assert {a.author for a in amended.amendments} == {"Alice", "Bob"}


def test_a_deleted_paragraph_mark_joins_the_next_paragraph_under_its_number(tmp_path):
    doc = new_document()
    num = add_numbering(doc, [("decimal", "%1", "tab", 1)])
    a = add_text(doc.add_paragraph(), "甲")
    mark_paragraph(a, "del", "Bob")
    number(add_text(doc.add_paragraph(), "乙"), num)
    w = read_docx(save(doc, tmp_path))
    assert w.lines == ["1\t甲乙"]
    assert w.lines_before == ["甲", "1\t乙"]
    assert w.line_info[0].locator == "p0"


def test_a_proposal_in_the_corpus_links_what_is_proposed_and_keeps_what_was(tmp_path):
    import docx

    src = docx_from_text(CORPUS.read_text(encoding="utf-8"), tmp_path / "c.docx")
    doc = docx.Document(str(src))
    amend(doc, "落实WTDC第16号决议", "落实WTDC第17号决议", "Alice")  # output 4.1
    amend(doc, "、C6和C7", "和C6", "Bob")  # WSIS C7 withdrawn from output 4.1
    w = read_docx(save(doc, tmp_path, "ACP-22A14-4.zh.docx"))
    assert [(a.kind, a.author, a.text, a.line) for a in w.amendments] == [
        ("delete", "Alice", "落实WTDC第16号决议", 90), ("insert", "Alice", "落实WTDC第17号决议", 90),
        ("delete", "Bob", "、C6和C7", 92), ("insert", "Bob", "和C6", 92)]
    assert w.lines_before == text_lines(CORPUS)

    def links(text):
        out = parse_text(text, "ACP-22A14-4.zh.docx").output("4.1")
        formal = {c.resolution for c in out.citations() if c.role == "FormalReferenceRole"}
        return formal, {x.value for x in out.wsis}

    assert links(w.text) == ({"wtdc/17"}, {"C2", "C6"})  # the document as proposed
    assert links(w.text_before) == ({"wtdc/16"}, {"C2", "C6", "C7"})


def test_moves_deleted_rows_and_numbering_per_view(tmp_path):
    doc = new_document()
    num = add_numbering(doc, [("decimal", "%1", "tab", 1)])
    number(add_text(doc.add_paragraph(), "背景"), num)
    inserted = doc.add_paragraph()
    number(inserted, num)
    add_change(inserted, "ins", "新节", "Bob")
    mark_paragraph(inserted, "ins", "Bob")
    number(add_text(doc.add_paragraph(), "实施框架"), num)
    m = doc.add_paragraph()
    add_change(m, "moveFrom", "旧位置", "Alice")
    add_change(m, "moveTo", "新位置", "Alice")
    t = doc.add_table(rows=2, cols=1)
    set_cell(t.cell(0, 0), ["保留"])
    set_cell(t.cell(1, 0), ["删除行"])
    t.rows[1]._tr.get_or_add_trPr().append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="9" w:author="Bob" w:date="2026-11-30T10:00:00Z"/>'))
    w = read_docx(save(doc, tmp_path))
    assert w.lines == ["1\t背景", "2\t新节", "3\t实施框架", "新位置", "\t保留", ""]
    assert w.lines_before == ["1\t背景", "2\t实施框架", "旧位置", "\t保留", "", "\t删除行", ""]
    moves = [(a.kind, a.text, a.move) for a in w.amendments if a.move]
    assert moves == [("delete", "旧位置", True), ("insert", "新位置", True)]
    row = [a for a in w.amendments if a.locator.startswith("t0")]
    assert [a.locator for a in row] == ["t0/r1"]
    assert [(a.kind, a.author, a.text, a.line, a.line_before) for a in row] == [
        ("delete", "Bob", "删除行", 6, 6)]
    assert w.lines_before[row[0].line_before - 1] == "\t删除行"


# ------------------------------------------------------------------------------ errors


def error_of(path) -> DocumentError:
    with pytest.raises(DocumentError) as e:
        read_docx(path)
    return e.value


def test_error_not_a_zip(tmp_path):
    p = tmp_path / "plan.docx"
    p.write_text("MOD\tACP/22A14/4\n", encoding="utf-8")
    e = error_of(p)
    assert e.source == "plan.docx" and "not a Word document" in e.message
    assert str(e).startswith("plan.docx: ")


def test_error_zip_without_word_document(tmp_path):
    p = tmp_path / "plan.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "hello")
    assert error_of(p).message == "a zip that is not a Word document (no word/document.xml)"
    x = tmp_path / "book.docx"
    with zipfile.ZipFile(x, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert error_of(x).message.startswith("a spreadsheet that is not a Word document")


def test_error_old_doc_and_encrypted_ole(tmp_path):
    sig = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    old = tmp_path / "old.doc"
    old.write_bytes(sig + b"\0" * 500 + "WordDocument".encode("utf-16-le") + b"\0" * 100)
    e = error_of(old)
    assert "old binary Word document (.doc)" in e.message and "save it as .docx" in e.message
    enc = tmp_path / "locked.docx"
    enc.write_bytes(sig + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100)
    e = error_of(enc)
    assert "password-protected" in e.message and e.source == "locked.docx"


def test_error_rtf_other_ole_and_file_size(tmp_path, monkeypatch):
    rtf = tmp_path / "plan.docx"
    rtf.write_bytes(b"{\\rtf1\\ansi hello}")
    assert error_of(rtf).message == "an RTF file, not a Word .docx document: save it as .docx"
    ole = tmp_path / "sheet.xls"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500
                    + "Workbook".encode("utf-16-le"))
    assert error_of(ole).message.startswith("an OLE compound file (old Office format)")
    from itukg.graph.documents.word import package

    good = docx_from_text("MOD\tX\n", tmp_path / "small.docx")
    monkeypatch.setattr(package, "MAX_FILE_BYTES", 1000)
    e = error_of(good)
    assert e.message.startswith("file too large for a planning document") and "1,000" in e.message


def test_error_corrupt_files(tmp_path):
    good = tmp_path / "good.docx"
    docx_from_text(CORPUS.read_text(encoding="utf-8"), good)
    cut = tmp_path / "cut.docx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "not a Word document" in error_of(cut).message or "corrupt" in error_of(cut).message
    bad_xml = tmp_path / "badxml.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad_xml, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    e = error_of(bad_xml)
    assert e.message.startswith("corrupt Word document") and e.source == "badxml.docx"


def test_error_damaged_compressed_part(tmp_path):
    good = tmp_path / "good.docx"
    docx_from_text(CORPUS.read_text(encoding="utf-8"), good)
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(start + 40, start + 200):
        data[k] ^= 0x5A
    bad = tmp_path / "damaged.docx"
    bad.write_bytes(bytes(data))
    e = error_of(bad)
    assert e.message.startswith("corrupt Word document") and e.source == "damaged.docx"


def test_error_missing_file(tmp_path):
    e = error_of(tmp_path / "nope.docx")
    assert e.message.startswith("cannot read file") and e.source == "nope.docx"


def test_error_enormous_document_names_the_paragraph(tmp_path):
    doc = new_document()
    for k in range(12):
        add_text(doc.add_paragraph(), f"段落{k}")
    p = save(doc, tmp_path)
    with pytest.raises(DocumentError) as e:
        read_docx(p, max_paragraphs=10)
    assert e.value.message == "document too large: more than 10 paragraphs (at p10)"
    with pytest.raises(DocumentError) as e:
        read_docx(p, max_chars=20)
    assert e.value.message == "document too large: more than 20 characters of text (at p6)"


# ------------------------------------------------------------------------ headings by style


def test_a_reworded_heading_styled_heading_2_is_read_as_the_section_it_stands_for(tmp_path):
    text = CORPUS.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[31] == "1\t背景"
    lines[31] = "1\t情况概述"  # words the language table does not know
    reworded = "\n".join(lines)
    p = docx_from_text(reworded, tmp_path / "ACP-22A14-4.zh.docx", heading_pattern=r"^输出成果\d")
    assert read_docx(p).line_info[31].heading_level == 2  # styled Heading 2

    word_doc = parse_file(p)
    text_doc = parse_file(CORPUS)
    o_word = next(o for o in word_doc.outputs if o.code == "4.1")
    o_text = next(o for o in text_doc.outputs if o.code == "4.1")
    assert "background" in o_word.sections
    assert [b.text for b in o_word.background] == [b.text for b in o_text.background]
    assert o_word.background[0].conference_mentions == o_text.background[0].conference_mentions
    warned = [w for w in word_doc.warnings if w.line == 32]
    assert len(warned) == 1
    assert "Word heading" in warned[0].message and "background" in warned[0].message
    assert word_doc.locators[31] in warned[0].message  # names the paragraph

    # the same words in a text export (no style) are not a heading: the background is lost
    plain = parse_text(reworded, CORPUS.name)
    o_plain = next(o for o in plain.outputs if o.code == "4.1")
    assert "background" not in o_plain.sections and o_plain.background == []


def test_a_reworded_output_heading_styled_like_the_others_is_read_as_its_output(tmp_path):
    text = CORPUS.read_text(encoding="utf-8")
    assert "\n输出成果4.2 – ICT应用产品和服务\n" in text
    reworded = text.replace("\n输出成果4.2 – ICT应用产品和服务\n", "\n产出4.2：ICT应用产品和服务\n")
    p = docx_from_text(reworded, tmp_path / "ACP-22A14-4.zh.docx",
                       heading_pattern=r"^(?:输出成果|产出)\d")
    word_doc = parse_file(p)
    text_doc = parse_file(CORPUS)
    o_word = next(o for o in word_doc.outputs if o.code == "4.2")
    o_text = next(o for o in text_doc.outputs if o.code == "4.2")
    assert o_word.heading_line == 95 and o_word.title == "ICT应用产品和服务"
    assert (o_word.sections, o_word.targets, o_word.wsis, o_word.formal_citations) == (
        o_text.sections, o_text.targets, o_text.wsis, o_text.formal_citations)
    (w,) = [w for w in word_doc.warnings if w.line == 95]
    assert "output 4.2" in w.message and word_doc.locators[94] in w.message
    # without the style (a text export) the section is lost, with a warning
    plain = parse_text(reworded, CORPUS.name)
    assert next(o for o in plain.outputs if o.code == "4.2").heading_line is None
