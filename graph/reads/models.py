"""Response models of the traceability API: the stable JSON shapes other systems rely on.

Conventions (documented in ``docs/api-traceability.md``):

* every item carries its ``iri``;
* text in several languages is a :class:`LangText` object keyed by language tag, with one
  member for every language the graph has a text in (``{"zh": "...", "en": "..."}``; a language
  the graph has no text in is absent, never ``null``);
* every link carries its ``provenance`` (:class:`Provenance`): the document, the section, the
  line number and the raw line the link was read from (``null`` only when the graph records none);
* codes are strings as the UN / ITU write them (``"9.c"``, ``"C7"``, ``"4.1"``); resolution
  numbers are integers.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, RootModel


class LangText(RootModel[dict[str, str]]):
    """Text by language tag, for every language the graph has: ``{"zh": "...", "en": "..."}``.

    Languages are data (a new language is a new member), not fields."""

    root: dict[str, str] = Field(default_factory=dict)


class Provenance(BaseModel):
    """Where the document states a fact."""

    document: str = Field(description="IRI of the document")
    section: str | None = Field(None, description="Section key, e.g. output/4.1/references")
    line: int = Field(description="1-based line number in the source file")
    text: str = Field(description="The raw source line")
    asWritten: str | None = Field(None, description="The link's words as written (e.g. '9c')")


class DocumentRef(BaseModel):
    iri: str
    slug: str
    identifier: str | None = Field(None, description="The document symbol, e.g. ACP/22A14/4")
    language: str | None = None


class OutputSummary(BaseModel):
    code: str = Field(examples=["4.1"])
    iri: str
    title: LangText = Field(description="Title as in the output's section heading")
    shortTitle: LangText = Field(default_factory=LangText, description="Title as in the results table")
    document: str = Field(description="IRI of the document")


class Indicator(BaseModel):
    ordinal: int
    iri: str
    text: LangText


class Outcome(BaseModel):
    code: str
    iri: str
    text: LangText
    provenance: Provenance | None = None


class ResolutionLink(BaseModel):
    body: str | None = Field(description="Issuing body: PP, WTDC, UNGA", examples=["WTDC"])
    number: int | None = Field(examples=[17])
    iri: str
    label: LangText = Field(description="e.g. {'en': 'WTDC Resolution 17'}")
    title: LangText = Field(description="The resolution's title, when known")
    provenance: Provenance | None = None


class ActionLineLink(BaseModel):
    code: str = Field(examples=["C7"])
    iri: str
    title: LangText
    provenance: Provenance | None = None


class TargetLink(BaseModel):
    code: str = Field(examples=["3.a"])
    iri: str = Field(examples=["http://metadata.un.org/sdg/3.a"])
    goal: str = Field(examples=["3"])
    title: LangText
    provenance: Provenance | None = None


class GoalLink(BaseModel):
    code: str = Field(examples=["3"])
    iri: str
    title: LangText
    provenance: Provenance | None = None


class RegionRef(BaseModel):
    key: str | None = Field(description="africa americas arab-states asia-pacific cis europe")
    iri: str | None
    name: LangText


class Initiative(BaseModel):
    iri: str
    ordinal: int | None
    text: LangText


class RegionalSlot(BaseModel):
    """One region's slot for regional initiatives (empty list: an unfilled slot)."""

    iri: str
    region: RegionRef
    asWritten: str | None = Field(None, description="The region's name as the document writes it")
    initiatives: list[Initiative]
    provenance: Provenance | None = None


class QuestionRef(BaseModel):
    code: str = Field(examples=["1/1"])
    iri: str


class QuestionSlot(BaseModel):
    iri: str
    ordinal: int | None
    placeholder: bool = Field(description="True when the slot holds a placeholder, not a real Question")
    asWritten: str | None = Field(None, description="The slot's text as written, e.g. 第X号研究组课题")
    question: QuestionRef | None = None
    provenance: Provenance | None = None


class Citation(BaseModel):
    """A resolution citation as written in the output's text, and what it was read as."""

    iri: str
    quote: str | None
    role: str | None = Field(None, description="BackgroundRole, FormalReferenceRole, ...")
    bodyAsWritten: str | None = None
    body: str | None = None
    number: int | None = None
    revisionYear: int | None = None
    revisionVenue: str | None = None
    resolution: str | None = Field(None, description="IRI of the resolution it was read as")
    rule: str | None = Field(None, description="as-written or body-from-conference")
    provenance: Provenance | None = None


class OutputDetail(OutputSummary):
    outcome: Outcome | None
    indicators: list[Indicator]
    resolutions: list[ResolutionLink]
    wsisActionLines: list[ActionLineLink]
    sdgTargets: list[TargetLink]
    sdgGoals: list[GoalLink]
    regionalInitiatives: list[RegionalSlot] = Field(description="One entry per region")
    questions: list[QuestionSlot]
    citations: list[Citation]


class ServingLink(BaseModel):
    """How an output serves the asked SDG code: the target or goal it lists."""

    predicate: str = Field(description="servesTarget or servesGoal")
    code: str
    iri: str
    provenance: Provenance | None = None


class OutputServing(OutputSummary):
    via: list[ServingLink]
    resolutions: list[ResolutionLink]


class SdgTrace(BaseModel):
    code: str = Field(examples=["9.c"])
    iri: str
    kind: str = Field(description="goal or target")
    goal: str
    title: LangText
    targets: list[str] = Field(description="For a goal: the codes of its targets")
    outputs: list[OutputServing]


class CitingPlace(BaseModel):
    kind: str = Field(description="mandate (formal references) or citation (in the text)")
    iri: str | None = Field(None, description="The citation's IRI (kind citation)")
    quote: str | None = None
    role: str | None = None
    rule: str | None = None
    provenance: Provenance | None = None


class OutputCiting(OutputSummary):
    places: list[CitingPlace]
    sdgTargets: list[str] = Field(description="Codes of the SDG targets the output serves")


class ResolutionTrace(BaseModel):
    body: str
    number: int
    iri: str
    label: LangText
    title: LangText
    outputs: list[OutputCiting]


class NamedQueryParam(BaseModel):
    name: str
    type: str
    description: str
    example: str
    required: bool


class NamedQueryInfo(BaseModel):
    name: str
    summary: str
    description: str
    params: list[NamedQueryParam]
    tags: list[str]
    url: str = Field(description="Path that runs it with its example values")
    sparql: str | None = None


# -------------------------------------------------------------------------------------------
# coverage (the dict of itukg.graph.reads.coverage.coverage, docs/audit.md, plus counts)
# -------------------------------------------------------------------------------------------


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class OutputRef(_Open):
    iri: str
    code: str
    document: str = Field(description="Document slug")


class TargetCoverageItem(_Open):
    iri: str
    code: str = Field(examples=["9.c"])
    goal: str
    label: str | None = Field(None, description="The English title (as in the CSV and text views)")
    title: dict[str, str] = Field(default_factory=dict,
                                  description="Title by language tag, every language the graph has")
    outputs: list[OutputRef]
    outputCount: int


class GoalCoverageItem(_Open):
    iri: str
    code: str = Field(examples=["9"])
    label: str | None = Field(None, description="The English title (as in the CSV and text views)")
    title: dict[str, str] = Field(default_factory=dict,
                                  description="Title by language tag, every language the graph has")
    outputs: list[OutputRef] = Field(description="Outputs serving the goal or one of its targets")
    outputCount: int
    targets: list[TargetCoverageItem]
    unservedTargetCodes: list[str]


class UnservedTarget(_Open):
    iri: str
    code: str
    goal: str
    label: str | None = None


class WsisCoverageItem(_Open):
    iri: str
    code: str = Field(examples=["C7"])
    label: str | None = None
    outputs: list[OutputRef]
    outputCount: int


class ResolutionCoverageItem(_Open):
    iri: str
    label: str | None = None
    title: dict[str, str] = Field(default_factory=dict,
                                  description="Title by language tag, every language the graph has")
    body: str | None = None
    number: str | None = None
    outputs: list[OutputRef]
    outputCount: int


class CoverageReport(_Open):
    document: str | None = Field(None, description="IRI of the document covered, null for all")
    documents: list[dict]
    outputs: list[dict] = Field(description="Per output: its links by kind")
    resolutions: list[ResolutionCoverageItem]
    goals: list[GoalCoverageItem]
    targets_unserved: list[UnservedTarget]
    wsis: list[WsisCoverageItem]
    totals: dict[str, int]


# -------------------------------------------------------------------------------------------
# audit (the JSON of itukg.graph.audit.report.AuditReport.to_json, docs/audit.md)
# -------------------------------------------------------------------------------------------


class FindingFocus(_Open):
    iri: str
    output: str | None = None
    output_iri: str | None = None
    document: str | None = Field(None, description="Document slug")


class FindingProvenance(_Open):
    document: str | None = None
    section: str | None = None
    line: int | None = None
    line_iri: str | None = None
    text: str | None = None


class FindingModel(_Open):
    id: str = Field(description="Stable IRI of the finding")
    severity: str = Field(examples=["Violation"])
    kind: str = Field(examples=["regional-slot-empty"])
    check: dict[str, str]
    shape: str | None = None
    focus: FindingFocus
    message: dict[str, str] = Field(description="{en, zh}")
    path: str | None = None
    value: str | None = None
    value_iri: str | None = None
    provenance: FindingProvenance


class AuditCounts(_Open):
    total: int
    documents: int
    by_severity: dict[str, int]
    by_kind: dict[str, int]
    by_document: dict[str, int]


class AuditReportModel(_Open):
    conforms: bool
    counts: AuditCounts
    documents: list[dict]
    filters: dict
    findings: list[FindingModel]
