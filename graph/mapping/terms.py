"""The N-Triples vocabulary of the mapper: ikg terms resolved once, literals formatted.

The mapper writes N-Triples text directly (the build's hot path); this module holds the
predicate table ``P`` (checked against the closed ``ikg`` vocabulary: a typo raises
``AttributeError`` at import) and the literal formatters.
"""

from __future__ import annotations

import re

from itukg.graph.vocab import IKG, SDG

IKG_NS = str(IKG._NS)
SDG_NS = str(SDG)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_SUBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"
RDF_PREDICATE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate"
RDF_OBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#object"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCT = "http://purl.org/dc/terms/"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

BODY_INDIVIDUAL = {"pp": "PP", "wtdc": "WTDC", "unga": "UNGA"}

# IRI characters N-Triples forbids (IRIREF excludes these and code points <= 0x20)
BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def term(local: str) -> str:
    """An ikg term, checked against the closed vocabulary (a typo raises AttributeError)."""
    return str(getattr(IKG, local))


_ESC = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_NEEDS_ESC = re.compile(r'[\\"\n\r\t]')


def quoted(value: str) -> str:
    """A quoted N-Triples string (STRING_LITERAL_QUOTE with ECHAR escapes)."""
    if _NEEDS_ESC.search(value):
        value = value.translate(_ESC)
    return f'"{value}"'


def integer(value: int) -> str:
    return f'"{int(value)}"^^<{XSD_INTEGER}>'


def date_literal(iso: str) -> str:
    """A stated date as far as written: ``xsd:date`` (2016-12-23), ``xsd:gYearMonth`` (2016-12)
    or ``xsd:gYear`` (2016)."""
    kind = {10: "date", 7: "gYearMonth", 4: "gYear"}[len(iso)]
    return f'"{iso}"^^<http://www.w3.org/2001/XMLSchema#{kind}>'


def boolean(value: bool) -> str:
    return f'"{"true" if value else "false"}"^^<{XSD_BOOLEAN}>'


# ikg terms used below, resolved once through the closed vocabulary
P = {name: f"<{term(name)}>" for name in (
    "PlanningDocument SourceLine SectorObjective Outcome PerformanceIndicator Output "
    "BackgroundParagraph Project Activity RegionalInitiativeSlot RegionalInitiative QuestionSlot "
    "StudyGroupQuestion Footnote ResolutionCitation ConferenceMention ProgrammeMention "
    "LinkAssertion Resolution "
    "marker sourceFile sha256 lineCount hasObjective hasOutput lineNumber text section code "
    "hasOutcome hasIndicator partOfObjective ordinal shortTitle servesOutcome hasBackground "
    "hasProject hasRegionalSlot hasQuestionSlot hasCitation mandatedBy supportsActionLine "
    "servesTarget servesGoal mentions hasFootnote hasActivity region holdsInitiative "
    "regionAsWritten holdsQuestion placeholder isPlaceholder textAsWritten number quote "
    "citationRole bodyAsWritten body bodyImplicit numberAsWritten resolutionNumber revisionYear "
    "revisionVenueAsWritten revisionVenue isRevision citesResolution resolutionRule "
    "revisionConference venueAsWritten venue year mentionsConference yearAsWritten "
    "mentionsProgramme asWritten inDocument listedUnderGoal CountryGroupMention DateMention "
    "mentionsCountryGroup statedDate UNConferenceMention mentionsUNConference "
    "wordLocator Amendment RemovedLink amendmentKind amendmentMark amendmentAuthor amendmentDate "
    "amendedText lineBefore adds removes charStart charEnd "
    "Work work revisesDocument revisionKind revisionNumber isLatestVersion translationOf"
).split()}
P.update({
    "type": f"<{RDF_TYPE}>", "subject": f"<{RDF_SUBJECT}>", "predicate": f"<{RDF_PREDICATE}>",
    "object": f"<{RDF_OBJECT}>", "label": f"<{RDFS_LABEL}>", "derived": f"<{PROV_DERIVED}>",
    "identifier": f"<{DCT}identifier>", "language": f"<{DCT}language>", "title": f"<{DCT}title>",
    "isPartOf": f"<{DCT}isPartOf>",
})
