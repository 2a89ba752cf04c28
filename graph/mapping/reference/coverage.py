"""Label coverage per language: how many terms of each vocabulary have a label in each language.

Counted from the reference graph itself (not from the data files), so the numbers are what a page,
the JSON API or a SPARQL client can find. The table in ``docs/reference-data.md`` is this module's
output (``python -m itukg.graph.mapping.reference label-coverage``); a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from itukg.graph.vocab import IKG, SDGO

# The six UN languages, in the order the table shows them (English, the source, first).
UN_LANGUAGES = ("en", "ar", "es", "fr", "ru", "zh")


@dataclass(frozen=True)
class Vocabulary:
    """One row of the table: the terms of a class, and the property their label is in."""

    name: str
    cls: URIRef
    label: URIRef


VOCABULARIES = (
    Vocabulary("SDG goals (title)", SDGO.Goal, SKOS.prefLabel),
    Vocabulary("SDG targets (title)", SDGO.Target, SKOS.prefLabel),
    Vocabulary("SDG indicators (title)", SDGO.Indicator, SKOS.prefLabel),
    Vocabulary("WSIS action lines (title)", IKG.WSISActionLine, SKOS.prefLabel),
    Vocabulary("ITU-D regions (name)", IKG.Region, RDFS.label),
    Vocabulary("PP and WTDC conferences (name)", IKG.Conference, RDFS.label),
    Vocabulary("Resolutions (name, e.g. WTDC Resolution 37)", IKG.Resolution, RDFS.label),
    Vocabulary("Resolutions (title)", IKG.Resolution, DCTERMS.title),
    Vocabulary("UN programmes (name)", IKG.Programme, RDFS.label),
    Vocabulary("UN conferences (name)", IKG.UNConference, RDFS.label),
    Vocabulary("Country groups (name)", IKG.CountryGroup, RDFS.label),
    Vocabulary("Countries (name)", IKG.Country, RDFS.label),
)


def label_coverage(triples: Iterable[tuple]) -> list[tuple[str, int, dict[str, int]]]:
    """``(vocabulary, terms, {language: terms with a label in it})`` per vocabulary.

    Languages are primary tags (``zh-Hans`` → ``zh``); a language outside the six UN ones is
    counted too. Raises nothing.
    """
    types: dict[URIRef, set] = {}
    labels: dict[tuple, set[str]] = {}
    for s, p, o in triples:
        if p == RDF.type:
            types.setdefault(o, set()).add(s)
        elif isinstance(o, Literal) and o.language:
            labels.setdefault((s, p), set()).add(o.language.split("-")[0].lower())
    out = []
    for v in VOCABULARIES:
        terms = types.get(v.cls, set())
        counts: dict[str, int] = {}
        for t in terms:
            for lang in labels.get((t, v.label), ()):
                counts[lang] = counts.get(lang, 0) + 1
        out.append((v.name, len(terms), counts))
    return out


def coverage_markdown(rows: list[tuple[str, int, dict[str, int]]]) -> str:
    """The coverage as a Markdown table: one row per vocabulary, one column per language (the six
    UN languages, then any other found), each cell ``labelled / terms``. Raises nothing."""
    others = sorted({lg for _, _, c in rows for lg in c} - set(UN_LANGUAGES))
    langs = [*UN_LANGUAGES, *others]
    lines = ["| vocabulary | terms | " + " | ".join(langs) + " |",
             "|---|---:|" + "---:|" * len(langs)]
    for name, total, counts in rows:
        cells = [f"{counts.get(lg, 0)}" if counts.get(lg, 0) != total or not total
                 else f"**{total}**" for lg in langs]
        lines.append(f"| {name} | {total} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


BEGIN = "<!-- label-coverage:begin (generated: python -m itukg.graph.mapping.reference label-coverage) -->"
END = "<!-- label-coverage:end -->"


def replace_block(text: str, table: str) -> str:
    """``text`` with the part between :data:`BEGIN` and :data:`END` replaced by ``table``.

    Raises ``ValueError`` when the markers are missing."""
    try:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
    except ValueError:
        raise ValueError("the label-coverage markers are missing") from None
    return f"{head}{BEGIN}\n{table}{END}{tail}"
