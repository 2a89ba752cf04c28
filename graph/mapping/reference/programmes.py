"""UN programmes of action and frameworks, the UNGA resolutions that adopted some of them, and
the UN conferences (not ITU conferences) the documents name.

Labels: ``label_<lang>`` columns (English required) and ``alt_labels_<lang>`` (``;``-separated).
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from itukg.graph.mapping.reference.countries import COUNTRY_GROUPS
from itukg.graph.mapping.reference.itu import ITU_BODIES, bodies, resolution, title_status
from itukg.graph.mapping.reference.sources import Builder, Row
from itukg.graph.mapping.reference.text import lang_columns
from itukg.graph.vocab import IKG

PROGRAMMES = "programmes/un_programmes_frameworks.csv"
UNGA_RESOLUTIONS = "programmes/unga_resolutions.csv"
UN_CONFERENCES = "programmes/un_conferences.csv"

_ADOPTED = re.compile(r"^(\d{4})(?:-(\d{2})-(\d{2}))?(?:\s*\((.+)\))?$")


def programme_key(code: str) -> str:
    """The IRI key of a programme code: lower case, runs of other characters as ``-``.

    >>> programme_key("A/RES/70/125")
    'a-res-70-125'
    """
    return re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-")


def programmes(g: Builder) -> dict[str, URIRef]:
    """Emit the programmes; return ``{code: IRI}``. Raises :class:`DataError` (file, line)."""
    out: dict[str, URIRef] = {}
    groups = {r["code"]: r["key"] for r in g.csv(COUNTRY_GROUPS, ("key", "code"))}
    rows = g.csv(PROGRAMMES, ("id", "title_en", "country_group", "adopted", "label_en",
                              "source", "note"))
    labels = lang_columns(rows[0].data if rows else {}, "label")
    alt_labels = lang_columns(rows[0].data if rows else {}, "alt_labels")
    for row in rows:
        code = row["id"]
        s = g.iri(f"id/programme/{programme_key(code)}")
        out[code] = s
        g.add(s, RDF.type, IKG.Programme)
        g.add(s, IKG.code, Literal(code))
        if not row["label_en"]:
            raise row.error(f"programme {code} has no English label")
        g.labels(s, RDFS.label, row, labels)
        for lang, col in alt_labels:
            for alt in filter(None, (a.strip() for a in row[col].split(";"))):
                g.label(s, SKOS.altLabel, alt, lang)
        g.label(s, DCTERMS.description, row["title_en"], "en")
        _adopted(g, s, row)
        group = row["country_group"]
        if group != "all":
            if group not in groups:
                raise row.error(f"country_group {group!r} is not a country group code or 'all'")
            g.add(s, IKG.concernsGroup, g.iri(f"id/country-group/{groups[group]}"))
        g.label(s, SKOS.note, row["note"], "en")
        g.row_sources(s, row["source"])
        g.derived(s, PROGRAMMES)
    return out


def _adopted(g: Builder, s: URIRef, row: Row) -> None:
    """Adoption year (and date, and a note on a qualified year) from the ``adopted`` cell."""
    m = _ADOPTED.match(row["adopted"])
    if not m:
        raise row.error(f"adopted: expected YYYY, YYYY-MM-DD or 'YYYY (note)', got "
                        f"{row['adopted']!r}")
    year, month, day, qualifier = m.groups()
    g.add(s, IKG.adoptionYear, Literal(int(year), datatype=XSD.integer))
    if month:
        g.add(s, DCTERMS.issued, Literal(f"{year}-{month}-{day}", datatype=XSD.date))
    if qualifier:
        g.label(s, SKOS.note, f"Adoption year {year}: {qualifier}.", "en")


def unga_resolutions(g: Builder, progs: dict[str, URIRef]) -> None:
    """Emit the UNGA resolutions, linked both ways to the programme each adopted.

    Raises :class:`DataError` on a malformed symbol or an unknown programme.
    """
    by_body = bodies(g)
    for row in g.csv(UNGA_RESOLUTIONS, ("symbol", "programme", "title_en", "title_status",
                                        "source", "note")):
        m = re.fullmatch(r"A/RES/(\d+)/(\d+)", row["symbol"])
        if not m:
            raise row.error(f"not a UNGA resolution symbol: {row['symbol']!r}")
        number = f"{m.group(1)}/{m.group(2)}"
        s = resolution(g, row, by_body, "UNGA", f"{m.group(1)}-{m.group(2)}", number)
        g.add(s, DCTERMS.identifier, Literal(row["symbol"]))
        status = title_status(row, row["title_status"])
        g.add(s, IKG.titleStatus, Literal(status))
        if status != "NOT FOUND":
            g.label(s, DCTERMS.title, row["title_en"], "en")
        g.label(s, SKOS.note, row["note"], "en")
        g.row_sources(s, row["source"])
        g.derived(s, UNGA_RESOLUTIONS, ITU_BODIES)
        if row["programme"]:
            p = progs.get(row["programme"])
            if p is None:
                raise row.error(f"programme {row['programme']!r} is not in {PROGRAMMES}")
            g.add(p, RDFS.seeAlso, s)
            g.add(s, RDFS.seeAlso, p)


def un_conferences(g: Builder) -> dict[str, URIRef]:
    """Emit the UN conferences that are not ITU conferences (``ikg:UNConference``, never an
    ``ikg:Conference``); return ``{id: IRI}``. A Chinese name whose ``name_zh_status`` is
    ``UNVERIFIED`` is not asserted as a label; a conference held in phases (``2003; 2005``) gets
    no ``ikg:year``/``ikg:venue``, only a note. Raises :class:`DataError` (file, line)."""
    out: dict[str, URIRef] = {}
    for row in g.csv(UN_CONFERENCES, ("id", "name_en", "name_zh", "name_zh_status", "year",
                                      "venue", "dates", "source", "note")):
        key = row["id"]
        if not re.fullmatch(r"[a-z][a-z0-9-]*", key):
            raise row.error(f"UN conference id {key!r}: expected lower-case letters, digits, '-'")
        if not row["name_en"]:
            raise row.error(f"UN conference {key} has no English name")
        if row["name_zh_status"] not in ("corpus", "verified", "UNVERIFIED"):
            raise row.error("name_zh_status must be corpus, verified or UNVERIFIED")
        s = g.iri(f"id/un-conference/{key}")
        out[key] = s
        g.add(s, RDF.type, IKG.UNConference)
        g.add(s, IKG.code, Literal(key))
        g.label(s, RDFS.label, row["name_en"], "en")
        if row["name_zh_status"] != "UNVERIFIED":
            g.label(s, RDFS.label, row["name_zh"], "zh")
        years = [y.strip() for y in row["year"].split(";") if y.strip()]
        venues = [v.strip() for v in row["venue"].split(";") if v.strip()]
        if not years or not all(re.fullmatch(r"\d{4}", y) for y in years):
            raise row.error(f"year: expected YYYY or 'YYYY; YYYY', got {row['year']!r}")
        if len(years) == 1 and len(venues) == 1:
            g.add(s, IKG.year, Literal(int(years[0]), datatype=XSD.integer))
            g.add(s, IKG.venue, Literal(venues[0]))
        else:
            g.label(s, SKOS.note, "Held in phases: " + "; ".join(
                f"{v}, {y}" for v, y in zip(venues, years)) + ".", "en")
        if row["dates"]:
            g.label(s, SKOS.note, f"Dates: {row['dates']}.", "en")
        g.label(s, SKOS.note, row["note"], "en")
        g.row_sources(s, row["source"])
        g.derived(s, UN_CONFERENCES)
    return out
