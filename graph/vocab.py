"""The itukg ontology namespace as a closed vocabulary.

A typo in a term is an AttributeError, not a new IRI (``DefinedNamespace`` with ``_fail = True``).
This module is generated from ``ontology/itukg.ttl`` by ``python -m itukg.graph.gen_vocab``;
``tests/test_ontology.py`` regenerates it and diffs. Do not edit by hand.
"""

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace


class IKG(DefinedNamespace):
    _fail = True
    _NS = Namespace("https://w3id.org/itukg/ontology#")

    # classes
    Activity: URIRef
    BackgroundParagraph: URIRef
    CitationRole: URIRef
    Conference: URIRef
    ConferenceMention: URIRef
    Country: URIRef
    CountryGroup: URIRef
    DevelopmentConference: URIRef
    Footnote: URIRef
    IssuingBody: URIRef
    LinkAssertion: URIRef
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
    Resolution: URIRef
    ResolutionCitation: URIRef
    SectorObjective: URIRef
    SourceLine: URIRef
    StudyGroupQuestion: URIRef
    WSISActionLine: URIRef

    # individuals
    PP: URIRef
    WTDC: URIRef
    UNGA: URIRef
    BackgroundRole: URIRef
    FormalReferenceRole: URIRef
    RegionalInitiativeBasisRole: URIRef
    FootnoteRole: URIRef

    # properties
    adoptionYear: URIRef
    asWritten: URIRef
    body: URIRef
    bodyAsWritten: URIRef
    bodyImplicit: URIRef
    citationRole: URIRef
    citesResolution: URIRef
    code: URIRef
    concernsGroup: URIRef
    endDate: URIRef
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
    isPlaceholder: URIRef
    isRevision: URIRef
    lineCount: URIRef
    lineNumber: URIRef
    m49: URIRef
    mandatedBy: URIRef
    marker: URIRef
    memberOf: URIRef
    mentions: URIRef
    mentionsConference: URIRef
    mentionsProgramme: URIRef
    number: URIRef
    numberAsWritten: URIRef
    ordinal: URIRef
    partOfObjective: URIRef
    placeholder: URIRef
    quote: URIRef
    region: URIRef
    regionAsWritten: URIRef
    resolutionNumber: URIRef
    resolutionRule: URIRef
    revisionConference: URIRef
    revisionVenue: URIRef
    revisionVenueAsWritten: URIRef
    revisionYear: URIRef
    section: URIRef
    servesGoal: URIRef
    servesOutcome: URIRef
    servesTarget: URIRef
    sha256: URIRef
    shortTitle: URIRef
    sourceFile: URIRef
    startDate: URIRef
    supportsActionLine: URIRef
    text: URIRef
    textAsWritten: URIRef
    titleStatus: URIRef
    venue: URIRef
    venueAsWritten: URIRef
    year: URIRef
    yearAsWritten: URIRef


SDG = Namespace("http://metadata.un.org/sdg/")


class SDGO(DefinedNamespace):
    """The UN SDG KOS ontology terms itukg uses."""

    _fail = True
    _NS = Namespace("http://metadata.un.org/sdg/ontology#")

    Goal: URIRef
    Target: URIRef
    Indicator: URIRef
    hasTarget: URIRef
    isTargetOf: URIRef
    hasIndicator: URIRef
    isIndicatorOf: URIRef
