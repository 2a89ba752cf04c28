"""The facts of a parsed document that do not depend on its language: what the golden tests of
the language tables compare (records and links, never the words)."""

from __future__ import annotations

from itukg.graph.documents import fold


def links(doc) -> dict:
    """Per output: resolutions, WSIS lines, SDG targets (with the goal listed under) and goals,
    regional slots (region → initiative codes), Question slots (line, code)."""
    out = {}
    for o in doc.outputs:
        out[o.code] = {
            "resolutions": sorted((c.body, c.number, c.resolution, c.line)
                                  for c in o.formal_citations),
            "wsis": sorted((w.value, w.line) for w in o.wsis),
            "targets": sorted((t.value, t.listed_under_goal, t.line) for t in o.targets),
            "goals": sorted((g.value, g.line) for g in o.goals),
            "regions": {s.region: [fold(i.text).split(":")[0] for i in s.initiatives]
                        for s in o.regional_slots},
            "questions": sorted((q.line, q.code) for q in o.question_slots),
            "project": (o.project.title_line, len(o.project.activities),
                        len(o.project.descriptions)) if o.project else None,
            "lines": (o.heading_line, o.table_line),
        }
    return out


def facts(doc) -> dict:
    """Everything language-neutral: header, objective, outcomes, outputs' links, citations and
    mentions (line, key, year), footnotes, warnings (line only)."""
    blocks = doc.all_blocks()
    return {
        "symbol": (doc.symbol, doc.marker, doc.line_count),
        "objective": (doc.objective.code, doc.objective.line),
        "outcomes": sorted((oc.code, len(oc.indicators)) for oc in doc.outcomes),
        "links": links(doc),
        "citations": sorted(
            (c.line, c.role, c.body, c.body_implicit, c.number, c.year, c.venue,
             bool(c.is_revision), c.resolution, c.rule, c.conference)
            for c in doc.all_citations() if c.role != "FormalReferenceRole"),
        "conferences": sorted((m.line, m.year, m.venue, m.conference)
                              for b in blocks for m in b.conference_mentions),
        "programmes": sorted((m.line, m.key, m.year_as_written)
                             for b in blocks for m in b.programme_mentions),
        "country_groups": sorted({(m.line, m.key) for b in blocks
                                  for m in b.country_group_mentions}),
        "dates": sorted((m.line, m.year, m.month, m.day)
                        for b in blocks for m in b.date_mentions),
        "un_conferences": sorted((m.line, m.key) for b in blocks
                                 for m in b.un_conference_mentions),
        "footnotes": sorted((f.number, tuple(f.lines), f.ref_line) for f in doc.footnotes),
        "amendments": sorted((a.kind, a.line) for a in doc.amendments),
        "warnings": sorted(w.line for w in doc.warnings),
    }
