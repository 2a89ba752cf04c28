"""The entry point of the reader: a document file in, a :class:`ParsedDocument` out.

A file kind's *source reader* turns the file into text in the text-export form (tabs for table
cells, ``[footnoteRef:N]``, ``[N: ...]``); every kind then goes through the same stages:
:mod:`.lines` → :mod:`.footnotes` (clean) → :mod:`.language` → :mod:`.results` →
:mod:`.outputs` (and :mod:`.references`) → :mod:`.footnotes` (attach) → :mod:`.citations`
(interpret) → the final sweep. File kinds are registered in :data:`SOURCE_READERS`, the one
place a kind is added (``.txt`` text exports, ``.docx`` Word files). A document with amendments
(Word tracked changes, or the text export's ``ADD``/``SUP``/``MOD`` marks and ``[inserted]``
brackets) is read as proposed, and the text before the proposal is read too, to find the links
the proposal removes (:mod:`.amendments`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from itukg.errors import DocumentError, ParseWarning
from itukg.graph.documents import amendments, footnotes, identity
from itukg.graph.documents.citations import interpret
from itukg.graph.documents.language import LanguageTable, detect_language, load_language
from itukg.graph.documents.lines import Reading, split_lines
from itukg.graph.documents.outputs import output_section, styled_output_heads
from itukg.graph.documents.results import header, objective, results, symbol_from_name
from itukg.graph.records import Amendment, Output, ParsedDocument


def read_bytes(path: Path) -> bytes:
    """The file's bytes. Raises :class:`DocumentError` when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as e:
        raise DocumentError(f"cannot read file: {e.strerror or e}", source=str(path)) from e


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 text (a BOM dropped). Raises :class:`DocumentError` (file, line) otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DocumentError(
            f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})",
            source=path.name, line=line,
        ) from e


def read_text_export(path: Path) -> tuple[str, str]:
    """``(text, sha256 of the file)`` of a Word document exported to UTF-8 text.

    Raises :class:`DocumentError` (with file and line) when the file cannot be read or is not
    UTF-8.
    """
    data = read_bytes(path)
    return decode_text(data, path), hashlib.sha256(data).hexdigest()


@dataclass
class SourceText:
    """What a source reader gives besides the text: for a Word file, each line's locator, the
    text before the proposal and the tracked changes."""

    text: str
    sha256: str
    locators: list[str] | None = None
    text_before: str | None = None
    amendments: list[Amendment] = field(default_factory=list)
    heading_levels: list[int | None] | None = None  # per line: Word's heading level (1-9)


def read_word(path: Path) -> SourceText:
    """A Word ``.docx`` as proposed, in text-export form, with its locators and tracked changes;
    sha256 over the ``.docx`` bytes. Raises :class:`DocumentError` (file, and paragraph where it
    applies) for a file that is not a readable Word document."""
    from itukg.graph.documents.word import read_docx

    w = read_docx(path)
    changes = [Amendment(a.kind, a.text, a.line, a.span, a.author, a.date, a.locator,
                         a.line_before, "word") for a in w.amendments]
    return SourceText(w.text, hashlib.sha256(read_bytes(path)).hexdigest(),
                      [i.locator for i in w.line_info], w.text_before, changes,
                      [i.heading_level for i in w.line_info])


SourceReader = Callable[[Path], "tuple[str, str] | SourceText"]
"""A file kind's reader: the file as text in text-export form and the sha256 of the file, as a
pair or as a :class:`SourceText` (which can add locators, the text before, amendments)."""

SOURCE_READERS: dict[str, SourceReader] = {".txt": read_text_export, ".docx": read_word}
"""File suffix → source reader; the one place a file kind is added. A suffix not listed is
read as a text export."""


def parse_file(path: str | Path, language: str | None = None) -> ParsedDocument:
    """Parse one document file.

    The language is taken from ``language``, else from the file name (``*.zh.txt``,
    ``*.zh.docx``), else detected from the text. Raises :class:`DocumentError` (with file and
    line, or paragraph) when the file cannot be read, is not UTF-8 / not a Word document, or is
    not a planning document of this family.
    """
    p = Path(path)
    reader = SOURCE_READERS.get(p.suffix.lower(), read_text_export)
    got = reader(p)
    src = got if isinstance(got, SourceText) else SourceText(*got)
    return read_source(src, p.name, language)


def read_source(src: SourceText, source: str, language: str | None) -> ParsedDocument:
    """Read a source as proposed; with amendments, read the text before the proposal too and
    record the links it alone makes. Raises :class:`DocumentError` as :func:`read` does."""
    doc = read(src.text, source, language, src.sha256, levels=src.heading_levels,
               locators=src.locators)
    doc.locators = src.locators
    # the text before: Word's (deletions in, insertions out), then the text marks undone
    before = amendments.text_before(src.text_before if src.text_before is not None
                                    else src.text)
    doc.amendments = src.amendments + doc.amendments
    if before is not None and doc.amendments and before != src.text:
        try:
            prior = read(before, source, doc.language, src.sha256, marks=False)
        except DocumentError as e:  # the proposal is what is read; say why its before is not
            doc.warnings.append(ParseWarning(source, e.line or 0,
                                             f"text before the proposal not read: {e.message}"))
        else:
            doc.removed_links = amendments.removed_links(doc, prior)
    return doc


def parse_text(text: str, source_name: str, language: str | None = None) -> ParsedDocument:
    """Parse a document given as text; ``source_name`` names it in warnings and errors
    (and gives the language when it ends in ``.{code}.txt``).

    Raises :class:`DocumentError` when it is not a planning document of this family.
    """
    return read_source(SourceText(text, hashlib.sha256(text.encode("utf-8")).hexdigest()),
                       source_name, language)


def slug_for(symbol: str, language: str) -> str:
    """Model rule: symbol lower-cased, runs of characters other than [a-z0-9] → '-', then
    ``-rev{N}``/``-corr{N}`` for a revision, + '-' + lang (:mod:`.identity`)."""
    return identity.slug_for(symbol, language)


def read(text: str, source: str, language: str | None, sha: str, *,
         marks: bool = True, levels: list[int | None] | None = None,
         locators: list[str] | None = None) -> ParsedDocument:
    """Run the stages on a text export; ``marks``: apply its amendment marks (off for a text
    before the proposal); ``levels``/``locators``: per line, a Word file's heading level and
    paragraph locator (headings by style, :mod:`.outputs`). Raises :class:`DocumentError` (see
    :func:`parse_text`)."""
    r = Reading(source, split_lines(text))
    if levels:
        r.heading_levels = {i: lv for i, lv in enumerate(levels, 1) if lv}
    if locators:
        r.locators = {i: loc for i, loc in enumerate(locators, 1)}
    if not any(ln.raw.strip() for ln in r.lines):
        raise r.error(None, "empty document")
    footnotes.clean(r)
    marked = amendments.text_marks(r) if marks else []
    lang = detect_language(r, language)
    L = load_language(lang)
    first = next(i for i, ln in enumerate(r.lines, 1) if ln.text.strip())
    marker, symbol = header(r, L, first)
    out_heads = [ln.number for ln in r.lines
                 if ln.number not in r.consumed and L.headings["output"].match(r.f(ln.number))]
    out_heads = sorted(out_heads + styled_output_heads(r, L, out_heads))
    stop = out_heads[0] if out_heads else len(r.lines) + 1
    obj = objective(r, L, first, stop)
    if not out_heads:
        raise r.error(len(r.lines),
                      "no output section (heading like the language's 'Output 4.1 – title')"
                      " found: not a planning document of this family")
    for n in range(first, obj.line):
        if n != first or symbol is not None:
            r.lines[n - 1].section = "header"
    outcomes, table_outputs = results(r, L, obj.line + 1, stop)
    outputs = _outputs(r, L, table_outputs, out_heads)
    for oc in outcomes:
        if oc.code not in outputs:  # pragma: no cover - outcomes come from rows with outputs
            r.warn(oc.lines[0], f"outcome {oc.code} has no output")
    orphan = footnotes.attach(r, L, outputs)
    interpret(r, outputs, orphan)
    r.sweep()
    sym = symbol or symbol_from_name(source, lang)
    return ParsedDocument(
        source=source, symbol=sym, language=lang, marker=marker,
        slug=slug_for(sym, lang), sha256=sha, line_count=len(r.lines),
        lines=r.lines, objective=obj, outcomes=outcomes,
        outputs=list(outputs.values()),
        footnotes=[r.footnotes[k] for k in sorted(r.footnotes)],
        orphan_footnote_blocks=orphan, warnings=r.warnings, amendments=marked,
    )


def _outputs(r: Reading, L: LanguageTable, table_outputs: list[Output],
             out_heads: list[int]) -> dict[str, Output]:
    """The outputs by code: the results table's rows, then each section read into its own."""
    outputs: dict[str, Output] = {}
    for o in table_outputs:
        if o.code in outputs:
            r.warn(o.table_line or 0, f"output {o.code} appears twice in the results table")
            continue
        outputs[o.code] = o
    bounds = out_heads + [len(r.lines) + 1]
    for i, h in enumerate(out_heads):
        output_section(r, L, h, bounds[i + 1], outputs)
    for o in outputs.values():
        if o.heading_line is None:
            r.warn(o.table_line or 0, f"output {o.code} is in the results table but has no section")
    return outputs
