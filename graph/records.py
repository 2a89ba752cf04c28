"""What the parser extracts from one planning document: plain dataclasses, no RDF.

The reader (:mod:`itukg.graph.documents`) fills these; the mapper (:mod:`itukg.graph.mapping.mapper`) turns
them into triples following ``docs/model.md``. Every fact keeps the line(s) it came from and, where
the author's spelling may differ from the normalised value, the text as written.

Facts *as written* (``body_as_written``, ``number_as_written``, ``venue_as_written``, ...) are kept
apart from *interpretations* (``resolution``, ``rule``, ``conference``), which are made by named rules
(``as-written``, ``body-from-conference``) that the audit can question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from itukg.errors import ParseWarning

# Citation roles (local names of the ikg:CitationRole individuals)
BACKGROUND = "BackgroundRole"
FORMAL = "FormalReferenceRole"
REGIONAL = "RegionalInitiativeBasisRole"
FOOTNOTE = "FootnoteRole"

REGION_KEYS = ("africa", "americas", "arab-states", "asia-pacific", "cis", "europe")


@dataclass
class Line:
    """One physical line of the source. ``raw`` is the line as in the file (tabs kept);
    ``text`` is the line the parser reads (Word leftovers and footnote bodies removed)."""

    number: int
    raw: str
    text: str
    section: str | None = None


@dataclass
class Citation:
    """One resolution cited in the text, as written, plus the interpretation made by a rule."""

    line: int
    quote: str
    role: str
    number_as_written: str
    body_as_written: str | None = None
    body: str | None = None  # pp | wtdc | unga, from the body words (or carried over)
    body_implicit: bool = False
    number: int | None = None  # None for UNGA numbers such as A/RES/70/125
    paren_as_written: str | None = None  # "（2014年，迪拜，修订版）"
    year: int | None = None
    venue_as_written: str | None = None
    venue: str | None = None  # canonical English venue
    is_revision: bool | None = None  # None when no parenthesis follows
    output: str | None = None  # code of the output whose section holds it
    n: int = 0  # n-th citation on its line (1-based)
    # interpretations
    resolution: str | None = None  # "pp/16", "unga/70-125"
    rule: str | None = None  # "as-written" | "body-from-conference"
    conference: str | None = None  # "wtdc-14"


@dataclass
class ConferenceMention:
    line: int
    quote: str
    body_as_written: str | None
    body: str | None
    year: int | None
    venue_as_written: str | None
    venue: str | None
    output: str | None = None
    n: int = 0
    conference: str | None = None


@dataclass
class ProgrammeMention:
    line: int
    quote: str
    key: str
    year_as_written: int | None = None
    output: str | None = None
    n: int = 0


@dataclass
class CountryGroupMention:
    """A country group named in the text ("LDCs", "小岛屿发展中国家"): key ldc | lldc | sids | eit."""

    line: int
    quote: str
    key: str
    output: str | None = None
    n: int = 0


@dataclass
class DateMention:
    """A date or year stated in background text ("23 December 2016", "2016年12月23日", "2011")."""

    line: int
    quote: str
    year: int
    month: int | None = None
    day: int | None = None
    output: str | None = None
    n: int = 0

    @property
    def iso(self) -> str:
        """The date as far as written: "2016-12-23", "2016-12" or "2016"."""
        s = f"{self.year:04d}"
        if self.month:
            s += f"-{self.month:02d}"
            if self.day:
                s += f"-{self.day:02d}"
        return s


@dataclass
class UNConferenceMention:
    """A UN conference that is not an ITU conference, named in the text ("第三次发展筹资问题国际会议",
    "the Fourth UN Conference on LDCs"): key of ``programmes/un_conferences.csv``."""

    line: int
    quote: str
    key: str
    output: str | None = None
    n: int = 0


@dataclass
class Footnote:
    number: int
    text: str
    lines: list[int]
    ref_line: int | None = None  # line of the [footnoteRef:N]
    # a note split off the body of footnote N ("[1: \t1\t...\n\t2\t...]"): N; its reference is N's
    body_of: int | None = None


@dataclass
class TextBlock:
    """A paragraph, activity, initiative: text plus what it mentions."""

    ordinal: int
    text: str
    lines: list[int]
    citations: list[Citation] = field(default_factory=list)
    conference_mentions: list[ConferenceMention] = field(default_factory=list)
    programme_mentions: list[ProgrammeMention] = field(default_factory=list)
    footnotes: list[int] = field(default_factory=list)
    country_group_mentions: list[CountryGroupMention] = field(default_factory=list)
    date_mentions: list[DateMention] = field(default_factory=list)
    un_conference_mentions: list[UNConferenceMention] = field(default_factory=list)


@dataclass
class Indicator:
    ordinal: int
    text: str
    lines: list[int]


@dataclass
class Outcome:
    code: str
    text: str
    lines: list[int]
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class Project:
    title: str | None
    title_line: int | None
    descriptions: list[TextBlock] = field(default_factory=list)
    activities: list[TextBlock] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@dataclass
class RegionalSlot:
    region: str  # region key
    region_as_written: str
    line: int
    initiatives: list[TextBlock] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.initiatives


@dataclass
class QuestionSlot:
    ordinal: int
    text_as_written: str
    line: int
    code: str | None  # "1/1" for a real Question, None for a placeholder

    @property
    def is_placeholder(self) -> bool:
        return self.code is None


@dataclass
class FormalLink:
    """A formal reference of section 3: WSIS action line, SDG target or goal."""

    value: str  # normalised: "C7", "9.c", "9"
    as_written: str
    line: int
    listed_under_goal: str | None = None  # for targets: the goal number they were listed under


@dataclass
class Output:
    code: str
    title: str | None = None  # as in the section heading
    heading_line: int | None = None
    short_title: str | None = None  # as in the results table
    short_title_as_written: str | None = None  # the whole table cell, "4.1 - ..."
    table_line: int | None = None
    background: list[TextBlock] = field(default_factory=list)
    project: Project | None = None
    regional_intro: list[TextBlock] = field(default_factory=list)
    regional_slots: list[RegionalSlot] = field(default_factory=list)
    question_slots: list[QuestionSlot] = field(default_factory=list)
    formal_citations: list[Citation] = field(default_factory=list)
    footnote_blocks: list[TextBlock] = field(default_factory=list)  # footnotes referenced here
    wsis: list[FormalLink] = field(default_factory=list)
    targets: list[FormalLink] = field(default_factory=list)
    goals: list[FormalLink] = field(default_factory=list)
    sections: set[str] = field(default_factory=set)

    def citations(self) -> list[Citation]:
        """Every citation in this output's sections (footnotes included), in line order."""
        out: list[Citation] = []
        for b in self.blocks():
            out.extend(b.citations)
        out.extend(self.formal_citations)
        return sorted(out, key=lambda c: (c.line, c.n))

    def blocks(self) -> list[TextBlock]:
        bl = list(self.background)
        if self.project:
            bl += self.project.descriptions + self.project.activities
        bl += self.regional_intro
        for s in self.regional_slots:
            bl += s.initiatives
        return bl + self.footnote_blocks


@dataclass
class Objective:
    code: str
    title: str
    heading: str  # the whole heading line as written
    line: int


@dataclass
class RemovedLink:
    """A link the text before the proposal made and the proposed text does not: not in force.
    ``predicate`` is the local name (``mandatedBy``, ``supportsActionLine``, ``servesTarget``,
    ``servesGoal``); ``value`` the object's key (``pp/16``, ``C7``, ``4.2``, ``4``);
    ``line_before`` the line of the text before the proposal it was read from."""

    output: str
    predicate: str
    value: str
    as_written: str | None
    line_before: int


@dataclass
class Amendment:
    """One proposed change: a tracked insertion or deletion in a Word file, or an amendment
    mark of a text export (``ADD``/``SUP``/``MOD`` paragraph, ``[inserted]`` brackets).

    ``line`` is the line of the proposed text holding it (or where deleted text stood), ``span``
    its characters in that line (empty for a deletion); ``locator`` its place in the Word file
    (None for a text export); ``removes`` the links only the text before the proposal made.
    """

    kind: str  # "insert" | "delete" | "modify"
    text: str
    line: int
    span: tuple[int, int]
    author: str | None = None
    date: str | None = None
    locator: str | None = None
    line_before: int | None = None
    mark: str | None = None  # "word" | "ADD" | "SUP" | "MOD" | "brackets"
    removes: list[RemovedLink] = field(default_factory=list)


@dataclass
class ParsedDocument:
    """Everything parsed from one document. ``summary()`` is what the CLI prints."""

    source: str  # file name (or the name given to parse_text)
    symbol: str
    language: str
    marker: str | None
    slug: str
    sha256: str
    line_count: int
    lines: list[Line]
    objective: Objective
    outcomes: list[Outcome] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    orphan_footnote_blocks: list[TextBlock] = field(default_factory=list)  # no output refers to them
    warnings: list[ParseWarning] = field(default_factory=list)
    # Word files (issue 10): each line's place in the .docx (None for a text export)
    locators: list[str] | None = None
    amendments: list[Amendment] = field(default_factory=list)
    removed_links: list[RemovedLink] = field(default_factory=list)
    # links (output, predicate, value) the text before the proposal did not make; None when
    # there is no text before (no amendments)
    new_links: set[tuple[str, str, str]] | None = None
    # identity (docs/parser.md "Identity"): filled from ``symbol`` when not given
    base_symbol: str = ""  # the symbol without revision: "ACP/22A14/2"
    revision_kind: str | None = None  # "Rev" | "Corr"
    revision_number: int | None = None

    def __post_init__(self) -> None:
        # every reader (text, Word) gets the same identity rule without repeating it
        if not self.base_symbol:
            from itukg.graph.documents.identity import parse_symbol

            ident = parse_symbol(self.symbol)
            self.base_symbol, self.revision_kind, self.revision_number = (
                ident.base, ident.kind, ident.number)

    def output(self, code: str) -> Output | None:
        for o in self.outputs:
            if o.code == code:
                return o
        return None

    def all_citations(self) -> list[Citation]:
        out: list[Citation] = []
        for o in self.outputs:
            out.extend(o.citations())
        for b in self.orphan_footnote_blocks:
            out.extend(b.citations)
        return sorted(out, key=lambda c: (c.line, c.n))

    def all_blocks(self) -> list[TextBlock]:
        bl: list[TextBlock] = []
        for o in self.outputs:
            bl += o.blocks()
        return bl + self.orphan_footnote_blocks

    def summary(self) -> dict:
        """Counts for the CLI: objective, outcomes, indicators, outputs, links by kind, warnings,
        amendments and the links the proposal removes."""
        cits = self.all_citations()
        blocks = self.all_blocks()
        slots = [s for o in self.outputs for s in o.regional_slots]
        qs = [q for o in self.outputs for q in o.question_slots]
        formal_res = {(o.code, c.resolution) for o in self.outputs for c in o.formal_citations if c.resolution}
        return {
            "source": self.source,
            "symbol": self.symbol,
            "language": self.language,
            "slug": self.slug,
            "objective": {"code": self.objective.code, "title": self.objective.title},
            "outcomes": len(self.outcomes),
            "indicators": sum(len(oc.indicators) for oc in self.outcomes),
            "outputs": len(self.outputs),
            "links": {
                "resolutions": len(formal_res),
                "wsis": sum(len(o.wsis) for o in self.outputs),
                "sdg_targets": sum(len(o.targets) for o in self.outputs),
                "sdg_goals": sum(len(o.goals) for o in self.outputs),
                "regional_slots_empty": sum(1 for s in slots if s.empty),
                "regional_slots_filled": sum(1 for s in slots if not s.empty),
                "regional_initiatives": sum(len(s.initiatives) for s in slots),
                "question_slots_placeholder": sum(1 for q in qs if q.is_placeholder),
                "question_slots_real": sum(1 for q in qs if not q.is_placeholder),
                "background_citations": sum(1 for c in cits if c.role == BACKGROUND),
                "citations": len(cits),
                "conference_mentions": sum(len(b.conference_mentions) for b in blocks),
                "programme_mentions": sum(len(b.programme_mentions) for b in blocks),
                "country_group_mentions": sum(len(b.country_group_mentions) for b in blocks),
                "date_mentions": sum(len(b.date_mentions) for b in blocks),
                "footnotes": len(self.footnotes),
            },
            "warnings": len(self.warnings),
            "amendments": len(self.amendments),  # issue 10: proposed changes, links withdrawn
            "removed_links": len(self.removed_links),
        }
