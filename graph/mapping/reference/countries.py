"""Country groups (LDC, LLDC, SIDS, EIT) and the countries and areas of M49.

Groups are labelled in every ``label_<lang>`` column of ``countries/country_groups.csv``;
countries in the same languages, from the upstream ``official_name_<lang>`` columns of
``countries/country-codes.csv`` (datasets/country-codes).
"""

from __future__ import annotations

import re

from rdflib import Literal
from rdflib.namespace import RDF, RDFS

from itukg.graph.mapping.reference.sources import Builder, Row
from itukg.graph.mapping.reference.text import lang_columns
from itukg.graph.vocab import IKG

COUNTRIES = "countries/country-codes.csv"
COUNTRY_GROUPS = "countries/country_groups.csv"

# The upstream file names its languages by UN code: Chinese is "cn" there.
_UPSTREAM_NAME_SUFFIX = {"zh": "cn"}


def countries(g: Builder) -> None:
    """Emit the groups and the countries with their group memberships.

    Raises :class:`DataError` (file, line) on a malformed M49 code, a repeated country, a
    country without an English name or a membership flag other than ``x`` or empty.
    """
    groups = g.csv(COUNTRY_GROUPS, ("key", "code", "label_en", "membership_column"))
    labels = lang_columns(groups[0].data if groups else {}, "label")
    for row in groups:
        s = g.iri(f"id/country-group/{row['key']}")
        g.add(s, RDF.type, IKG.CountryGroup)
        g.add(s, IKG.code, Literal(row["code"]))
        g.labels(s, RDFS.label, row, labels)
        g.derived(s, COUNTRY_GROUPS)
        if row["membership_column"]:
            g.derived(s, COUNTRIES)
    members = [r for r in groups if r["membership_column"]]
    names = [(lang, "official_name_" + _UPSTREAM_NAME_SUFFIX.get(lang, lang))
             for lang, _ in labels]
    seen: set[str] = set()
    for row in g.csv(COUNTRIES, ("M49", "ISO3166-1-Alpha-3", *(c for _, c in names),
                                 *(r["membership_column"] for r in members))):
        _country(g, row, seen, names, members)


def _country(g: Builder, row: Row, seen: set[str], names: list[tuple[str, str]],
             members: list[Row]) -> None:
    m49 = row["M49"]
    if not re.fullmatch(r"\d{1,3}", m49):
        raise row.error(f"M49 code {m49!r} is not a number of up to 3 digits")
    m49 = m49.zfill(3)
    if m49 in seen:
        raise row.error(f"M49 code {m49} appears twice")
    seen.add(m49)
    s = g.iri(f"id/country/{m49}")
    g.add(s, RDF.type, IKG.Country)
    g.add(s, IKG.m49, Literal(m49))
    if row["ISO3166-1-Alpha-3"]:
        g.add(s, IKG.code, Literal(row["ISO3166-1-Alpha-3"]))
    if not row["official_name_en"]:
        raise row.error(f"country {m49} has no English name")
    g.labels(s, RDFS.label, row, names)
    for group in members:
        col = group["membership_column"]
        flag = row[col]
        if flag not in ("", "x"):
            raise row.error(f"column {col!r}: expected 'x' or empty, got {flag!r}")
        if flag == "x":
            g.add(s, IKG.memberOf, g.iri(f"id/country-group/{group['key']}"))
    g.derived(s, COUNTRIES)
