"""The itukg ontology namespace as a closed vocabulary.

A typo in a term is an AttributeError, not a new IRI (``DefinedNamespace`` with ``_fail = True``).
GENERATED from ``ontology/itukg.ttl`` by ``python tools/gen_vocab.py``: do not edit by hand.
To add a term, declare it in the ontology (with en/zh labels and definitions) and regenerate;
``tests/mapping/test_ontology.py`` regenerates this module and diffs it against the committed file.
"""

# fmt: off
# ruff: noqa

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace


class IKG(DefinedNamespace):
    """Terms of the itukg ontology (https://w3id.org/itukg/ontology)."""

    _fail = True
    _NS = Namespace("https://w3id.org/itukg/ontology#")

    # classes
    Activity: URIRef
    Amendment: URIRef
    BackgroundParagraph: URIRef
    CitationRole: URIRef
    Conference: URIRef
    ConferenceMention: URIRef
    Country: URIRef
    CountryGroup: URIRef
    CountryGroupMention: URIRef
    DateMention: URIRef
    DevelopmentConference: URIRef
    Finding: URIRef
    Footnote: URIRef
    IssuingBody: URIRef
    LinkAssertion: URIRef
    Mention: URIRef
    Outcome: URIRef
    Output: URIRef
    PerformanceIndicator: URIRef
    PlanningDocument: URIRef
    PlenipotentiaryConference: URIRef
    Programme: URIRef
    ProgrammeMention: URIRef
    Project: URIRef
    QuestionSlot: URIRef
    Region: URIRef
    RegionalInitiative: URIRef
    RegionalInitiativeSlot: URIRef
    RemovedLink: URIRef
    Resolution: URIRef
    ResolutionCitation: URIRef
    ResolutionRevision: URIRef
    SectorObjective: URIRef
    SourceLine: URIRef
    StudyGroupQuestion: URIRef
    UNConference: URIRef
    UNConferenceMention: URIRef
    WSISActionLine: URIRef
    Work: URIRef

    # individuals
    BackgroundRole: URIRef
    FootnoteRole: URIRef
    FormalReferenceRole: URIRef
    PP: URIRef
    RegionalInitiativeBasisRole: URIRef
    UNGA: URIRef
    WTDC: URIRef

    # object properties
    aboutOutput: URIRef
    adds: URIRef
    adoptedAt: URIRef
    body: URIRef
    citationRole: URIRef
    citesResolution: URIRef
    concernsGroup: URIRef
    counterpartDocument: URIRef
    counterpartLine: URIRef
    hasActivity: URIRef
    hasBackground: URIRef
    hasCitation: URIRef
    hasFootnote: URIRef
    hasIndicator: URIRef
    hasObjective: URIRef
    hasOutcome: URIRef
    hasOutput: URIRef
    hasProject: URIRef
    hasQuestionSlot: URIRef
    hasRegionalSlot: URIRef
    holdsInitiative: URIRef
    holdsQuestion: URIRef
    inDocument: URIRef
    listedUnderGoal: URIRef
    mandatedBy: URIRef
    memberOf: URIRef
    mentions: URIRef
    mentionsConference: URIRef
    mentionsCountryGroup: URIRef
    mentionsProgramme: URIRef
    mentionsUNConference: URIRef
    partOfObjective: URIRef
    region: URIRef
    removes: URIRef
    revisesDocument: URIRef
    revisionConference: URIRef
    revisionOf: URIRef
    servesGoal: URIRef
    servesOutcome: URIRef
    servesTarget: URIRef
    supportsActionLine: URIRef
    translationOf: URIRef
    work: URIRef

    # datatype properties
    adoptionYear: URIRef
    amendedText: URIRef
    amendmentAuthor: URIRef
    amendmentDate: URIRef
    amendmentKind: URIRef
    amendmentMark: URIRef
    asWritten: URIRef
    bodyAsWritten: URIRef
    bodyImplicit: URIRef
    charEnd: URIRef
    charStart: URIRef
    checkKind: URIRef
    code: URIRef
    endDate: URIRef
    isLatestVersion: URIRef
    isPlaceholder: URIRef
    isRevision: URIRef
    lineBefore: URIRef
    lineCount: URIRef
    lineNumber: URIRef
    m49: URIRef
    marker: URIRef
    number: URIRef
    numberAsWritten: URIRef
    ordinal: URIRef
    placeholder: URIRef
    quote: URIRef
    regionAsWritten: URIRef
    resolutionNumber: URIRef
    resolutionRule: URIRef
    revisionKind: URIRef
    revisionNumber: URIRef
    revisionVenue: URIRef
    revisionVenueAsWritten: URIRef
    revisionYear: URIRef
    section: URIRef
    sha256: URIRef
    shortTitle: URIRef
    sourceFile: URIRef
    sourceText: URIRef
    startDate: URIRef
    statedDate: URIRef
    text: URIRef
    textAsWritten: URIRef
    titleStatus: URIRef
    venue: URIRef
    venueAsWritten: URIRef
    wordLocator: URIRef
    wordLocators: URIRef
    year: URIRef
    yearAsWritten: URIRef


SDG = Namespace("http://metadata.un.org/sdg/")
"""UN SDG KOS resources: goals ``SDG["9"]``, targets ``SDG["9.c"]``, indicators."""


class SDGO(DefinedNamespace):
    """The UN SDG KOS ontology terms itukg uses (re-declared in the itukg ontology)."""

    _fail = True
    _NS = Namespace("http://metadata.un.org/sdg/ontology#")

    # classes
    Goal: URIRef
    Indicator: URIRef
    Target: URIRef

    # object properties
    hasIndicator: URIRef
    hasTarget: URIRef
    isIndicatorOf: URIRef
    isTargetOf: URIRef
