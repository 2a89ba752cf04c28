"""What the Word reader returns: lines with locators, amendments."""

from __future__ import annotations

from dataclasses import dataclass, field


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
