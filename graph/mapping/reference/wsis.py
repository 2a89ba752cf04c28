"""The WSIS action lines C1..C11 and the C7 sub-lines (``wsis/wsis_action_lines.csv``).

English titles have their own columns (current title, Geneva Plan of Action 2003 heading); the
title in any other language is a ``title_<lang>`` column, each one a ``skos:prefLabel``.
"""

from __future__ import annotations

import re

from rdflib import Literal
from rdflib.namespace import RDF, RDFS, SKOS

from itukg.graph.mapping.reference.sources import Builder
from itukg.graph.mapping.reference.text import full_width_punctuation, lang_columns
from itukg.graph.vocab import IKG

WSIS_LINES = "wsis/wsis_action_lines.csv"


def wsis(g: Builder) -> None:
    """Emit the action lines. Raises :class:`DataError` (file, line) on a malformed row."""
    rows = g.csv(WSIS_LINES, ("code", "parent", "title_en_current", "title_en_geneva_poa_2003"))
    codes = {row["code"] for row in rows}
    titles = lang_columns(rows[0].data if rows else {}, "title")
    for row in rows:
        code = row["code"]
        if not re.fullmatch(r"C\d{1,2}(\.[a-z]+)?", code):
            raise row.error(f"not a WSIS action-line code: {code!r}")
        s = g.iri(f"id/wsis/{code}")
        g.add(s, RDF.type, IKG.WSISActionLine)
        g.add(s, IKG.code, Literal(code))
        title = row["title_en_current"]
        if not title:
            raise row.error(f"WSIS action line {code} has no English title")
        g.label(s, SKOS.prefLabel, title, "en")
        g.label(s, RDFS.label, f"{code} {title}", "en")
        if row["title_en_geneva_poa_2003"] and row["title_en_geneva_poa_2003"] != title:
            g.label(s, SKOS.altLabel, row["title_en_geneva_poa_2003"], "en")
        for lang, col in titles:
            g.label(s, SKOS.prefLabel, full_width_punctuation(row[col]), lang)
        if row["parent"]:
            if row["parent"] not in codes:
                raise row.error(f"parent {row['parent']!r} is not an action line of the file")
            g.add(s, SKOS.broader, g.iri(f"id/wsis/{row['parent']}"))
        g.row_sources(s, *(row.data.get(c) or "" for c in (
            "source_title_en_current", "source_title_en_poa", "source_itu_role")))
        g.derived(s, WSIS_LINES)
