"""ITU bodies, conferences (PP, WTDC), resolutions and their revisions, and the ITU-D regions.

Labels in every language the tables have: ``conference_label_<lang>`` and
``resolution_label_<lang>`` templates in ``itu/bodies.csv`` (``{city}``, ``{year}``,
``{number}``), ``label_<lang>`` columns in ``itu/regions.csv``.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from itukg.errors import DataError
from itukg.graph.mapping.reference.sources import Builder, Row, date_cell, int_cell, where
from itukg.graph.mapping.reference.text import lang_columns
from itukg.graph.vocab import IKG

ITU_BODIES = "itu/bodies.csv"
ITU_CONFERENCES = "itu/itu_conferences.csv"
ITU_RESOLUTIONS = "itu/itu_resolutions_cited_in_corpus.csv"
ITU_RESOLUTIONS_NOT_ASSERTED = "itu/resolutions_not_asserted.csv"
ITU_REGIONS = "itu/regions.csv"

TITLE_STATUSES = ("VERBATIM", "DESCRIPTIVE", "NOT FOUND")
DATE_STATUSES = ("verified", "secondary-source", "end-date-conflict", "unknown")
_CONFERENCE_CLASS = {"PP": IKG.PlenipotentiaryConference, "WTDC": IKG.DevelopmentConference}


def bodies(g: Builder) -> dict[str, Row]:
    """The issuing bodies by name (PP, WTDC, UNGA), with their label templates."""
    return {row["body"]: row for row in g.csv(
        ITU_BODIES, ("body", "key", "label_prefix_en", "resolution_label_en"))}


def _templated(g: Builder, s: URIRef, p: URIRef, body: Row, prefix: str, **values) -> None:
    """A label per ``{prefix}_<lang>`` template of the body's row, filled with ``values``."""
    for lang, col in lang_columns(body.data, prefix):
        if body[col]:
            g.label(s, p, body[col].format(**values), lang)


def _body_individual(row: Row, body: str) -> URIRef:
    try:
        return getattr(IKG, body)
    except AttributeError:
        raise row.error(f"unknown issuing body {body!r} (PP, WTDC or UNGA)") from None


def conferences(g: Builder) -> dict[tuple[str, str, int], URIRef]:
    """Emit the conferences; return ``{(body, venue, year): conference IRI}``.

    Raises :class:`DataError` (file, line) on a malformed row.
    """
    by_body = bodies(g)
    out: dict[tuple[str, str, int], URIRef] = {}
    for row in g.csv(ITU_CONFERENCES, ("short_code", "body", "city", "year", "start_date",
                                       "end_date", "alt_codes", "date_status")):
        code, body = row["short_code"], row["body"]
        if body not in _CONFERENCE_CLASS:
            raise row.error(f"conference body must be PP or WTDC, got {body!r}")
        if not re.fullmatch(rf"{body}-\d{{2}}", code):
            raise row.error(f"short code {code!r} is not {body}-YY")
        year = int_cell(row, "year")
        if code[-2:] != str(year)[-2:]:
            raise row.error(f"short code {code} does not match year {year}")
        s = g.iri(f"id/conference/{code.lower()}")
        if (body, row["city"], year) in out:
            raise row.error(f"a second {body} conference in {row['city']} in {year}")
        out[(body, row["city"], year)] = s
        g.add(s, RDF.type, _CONFERENCE_CLASS[body])
        g.add(s, RDF.type, IKG.Conference)
        g.add(s, IKG.code, Literal(code))
        g.add(s, IKG.body, _body_individual(row, body))
        g.add(s, IKG.venue, Literal(row["city"]))
        g.add(s, IKG.year, Literal(year, datatype=XSD.integer))
        _templated(g, s, RDFS.label, by_body[body], "conference_label", city=row["city"],
                   year=year)
        g.label(s, SKOS.altLabel, code, "en")
        for alt in filter(None, (a.strip() for a in row["alt_codes"].split(";"))):
            g.label(s, SKOS.altLabel, alt, "en")
        _conference_dates(g, s, row, year)
        g.label(s, SKOS.note, row["notes"], "en")
        g.label(s, SKOS.note, f"Verification: {row['verification']}", "en")
        g.row_sources(s, row["sources"])
        g.derived(s, ITU_CONFERENCES, ITU_BODIES)
    return out


def _conference_dates(g: Builder, s: URIRef, row: Row, year: int) -> None:
    """Start and end dates as the row's ``date_status`` allows them to be asserted."""
    status = row["date_status"]
    if status not in DATE_STATUSES:
        raise row.error(f"date_status must be one of {', '.join(DATE_STATUSES)}")
    start, end = date_cell(row, "start_date"), date_cell(row, "end_date")
    if status == "unknown":
        if start or end:
            raise row.error("date_status is 'unknown' but dates are given")
        return
    if start is None or end is None or str(start)[:4] != str(year):
        raise row.error(f"date_status {status!r} needs start and end dates in {year}")
    g.add(s, IKG.startDate, start)
    if status == "end-date-conflict":
        g.label(s, SKOS.note, f"End date not asserted: the sources conflict (this table "
                              f"gives {end}; see the verification note).", "en")
    else:
        g.add(s, IKG.endDate, end)


def title_status(row: Row, text: str) -> str:
    """Classify a free-text title status as VERBATIM, DESCRIPTIVE or NOT FOUND.

    A title "AS GIVEN BY" a named secondary source counts as VERBATIM (quoted from that source).
    Raises :class:`DataError` on anything else.
    """
    upper = text.upper()
    for status in TITLE_STATUSES:
        if upper.startswith(status):
            return status
    if upper.startswith("TITLE AS GIVEN BY"):
        return "VERBATIM"
    raise row.error(f"title status {text!r} is not VERBATIM, DESCRIPTIVE or NOT FOUND")


def resolution(g: Builder, row: Row, by_body: dict[str, Row], body: str, key: str,
               label_number: str) -> URIRef:
    """The resolution node ``id/resolution/{body key}/{key}`` with type, body and labels."""
    b = by_body.get(body)
    if b is None:
        raise row.error(f"unknown issuing body {body!r}")
    s = g.iri(f"id/resolution/{b['key']}/{key}")
    g.add(s, RDF.type, IKG.Resolution)
    g.add(s, IKG.body, _body_individual(row, body))
    _templated(g, s, RDFS.label, b, "resolution_label", number=label_number)
    return s


# "Rev. Dubai, 2014" or "Doha, 2006", ended by ; / ( or the end of the text (so "Dubai, 2014 era"
# is not a revision). Parenthesised remarks are removed first: they are comments, not revisions.
_REVISION = re.compile(r"(Rev\.\s*)?([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*),\s*(\d{4})(?=\s*(?:$|[;/]))")
_PARENTHESES = re.compile(r"\([^()]*\)")


def revisions(text: str) -> list[tuple[bool, str, int]]:
    """``(is_revision, venue, year)`` for each revision named in a ``revision_seen`` cell.

    >>> revisions("Busan, 2014 (adopted as WG-PL/4); Rev. Dubai, 2018")
    [(False, 'Busan', 2014), (True, 'Dubai', 2018)]
    >>> revisions("Dubai, 2014 era")
    []
    """
    text = _PARENTHESES.sub("", text)
    return [(bool(m.group(1)), m.group(2), int(m.group(3))) for m in _REVISION.finditer(text)]


def resolutions(g: Builder, confs: dict[tuple[str, str, int], URIRef]) -> None:
    """Emit the PP and WTDC resolutions cited in the corpus, with their revisions.

    Raises :class:`DataError` on a repeated or malformed row, a revision at no known conference,
    or a not-asserted resolution absent from the table.
    """
    by_body = bodies(g)
    not_asserted = {(r["body"], r["number"]) for r in g.csv(
        ITU_RESOLUTIONS_NOT_ASSERTED, ("body", "number", "reason"))}
    seen = set()
    for row in g.csv(ITU_RESOLUTIONS, ("body", "number", "title_en", "title_status", "source")):
        body, number = row["body"], int_cell(row, "number")
        if (body, str(number)) in seen:
            raise row.error(f"{body} Resolution {number} is listed twice")
        seen.add((body, str(number)))
        if (body, str(number)) in not_asserted:
            continue
        if body not in ("PP", "WTDC"):
            raise row.error(f"body must be PP or WTDC, got {body!r}")
        s = resolution(g, row, by_body, body, str(number), str(number))
        g.add(s, IKG.resolutionNumber, Literal(number, datatype=XSD.integer))
        status = title_status(row, row["title_status"])
        g.add(s, IKG.titleStatus, Literal(status))
        if status != "NOT FOUND":
            if not row["title_en"]:
                raise row.error(f"title status {status} but no title")
            g.label(s, DCTERMS.title, row["title_en"], "en")
        g.label(s, SKOS.note, f"Title status as recorded: {row['title_status']}", "en")
        if row.data.get("revision_seen"):
            g.label(s, SKOS.note, f"Revisions seen: {row['revision_seen']}", "en")
            _revision_nodes(g, s, row, by_body[body], body, number, confs)
        g.label(s, SKOS.note, row.data.get("note") or "", "en")
        g.row_sources(s, row["source"])
        g.derived(s, ITU_RESOLUTIONS, ITU_BODIES)
    missing = not_asserted - seen
    if missing:
        raise DataError(f"{sorted(missing)} listed as not asserted but absent from "
                        f"{ITU_RESOLUTIONS}", source=where(ITU_RESOLUTIONS_NOT_ASSERTED))


def _revision_nodes(g: Builder, s: URIRef, row: Row, b: Row, body: str, number: int,
                    confs: dict[tuple[str, str, int], URIRef]) -> None:
    for _is_rev, venue, year in revisions(row["revision_seen"]):
        conference = confs.get((body, venue, year))
        if conference is None:
            raise row.error(f"revision {venue}, {year}: no {body} conference met there "
                            f"then in {ITU_CONFERENCES}")
        rev = g.iri(f"id/resolution/{b['key']}/{number}/rev/"
                    f"{str(conference).rsplit('/', 1)[1]}")
        g.add(rev, RDF.type, IKG.ResolutionRevision)
        g.add(rev, IKG.revisionOf, s)
        g.add(rev, IKG.adoptedAt, conference)
        # Neutral label: the source does not always say which version was new.
        g.label(rev, RDFS.label, f"{b['label_prefix_en']} Resolution {number} "
                                 f"({venue}, {year})", "en")
        g.derived(rev, ITU_RESOLUTIONS, ITU_CONFERENCES)


def regions(g: Builder) -> None:
    """Emit the six ITU-D regions, labelled in every ``label_<lang>`` column (all required)."""
    rows = g.csv(ITU_REGIONS, ("key", "code", "label_en"))
    columns = lang_columns(rows[0].data if rows else {}, "label")
    for row in rows:
        s = g.iri(f"id/region/{row['key']}")
        g.add(s, RDF.type, IKG.Region)
        g.add(s, IKG.code, Literal(row["code"]))
        empty = [col for _, col in columns if not row[col]]
        if empty:
            raise row.error(f"a region needs a label in every label column ({', '.join(empty)} "
                            "empty)")
        g.labels(s, RDFS.label, row, columns)
        g.derived(s, ITU_REGIONS)
