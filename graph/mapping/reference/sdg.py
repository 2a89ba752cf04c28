"""SDG goals, targets and indicators on UN SDG KOS IRIs, with their texts in every language.

IRIs come from the KOS 2020 dump (``sdg/kos-2020/codes.csv``, extracted by
:func:`extract_kos_codes`); indicators the KOS 2020 does not hold get no node
(docs/decisions/0030-sdg-iris-pinned-to-kos-2020.md). Texts come from the open-sdg translation
files listed in ``sources.csv`` with a ``label_language``: one folder per language
(``sdg/open-sdg/<folder>/global_{goals,targets,indicators}.yml``), labelled with that tag. Adding a
language is adding its folder and its rows there (docs/reference-data.md).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from itukg.errors import DataError
from itukg.graph.mapping.reference.sources import SOURCES_CSV, Builder, Row, where
from itukg.graph.mapping.reference.text import full_width_punctuation
from itukg.graph.vocab import SDG, SDGO

SDG_SCHEME = URIRef("http://metadata.un.org/sdg")
"""The UN SDG KOS concept scheme."""

SDG_KOS_CODES = "sdg/kos-2020/codes.csv"
SDG_CORRECTIONS = "sdg/corrections.csv"
KINDS = ("goals", "targets", "indicators")
# An open-sdg text file: its folder is one language (en, zh-Hans), its name one kind.
_TEXT_FILE = re.compile(r"sdg/open-sdg/[^/]+/global_(goals|targets|indicators)\.yml")
_CODE_KEY = re.compile(r"^(\d+)(?:-([0-9a-z]+))?(?:-([0-9a-z]+))?-(title|short)$")

Texts = dict[tuple[str, str], str]  # (code, "title"|"short") → cleaned text


def sdg_code_sort_key(code: str) -> tuple:
    """Framework order: 1.1 < 1.2 < 1.a < 2.1; numbers numerically, letters after numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


def text_files(g: Builder) -> dict[str, dict[str, str]]:
    """``{language tag: {kind: file}}`` from the ``label_language`` column of ``sources.csv``.

    Raises :class:`DataError` when a language lacks one of the three kinds or lists one twice.
    """
    out: dict[str, dict[str, str]] = {}
    rows: dict[str, Row] = {}
    for row in g.csv(SOURCES_CSV, ("path", "label_language")):
        m = _TEXT_FILE.fullmatch(row["path"])
        lang = row["label_language"]
        if not (m and lang):
            continue
        files = out.setdefault(lang, {})
        if m.group(1) in files:
            raise row.error(f"a second SDG {m.group(1)} file for language {lang}")
        files[m.group(1)] = row["path"]
        rows.setdefault(lang, row)
    for lang, files in out.items():
        missing = [k for k in KINDS if k not in files]
        if missing:
            raise rows[lang].error(f"SDG texts in {lang} lack the {', '.join(missing)} file")
    if not out:
        raise DataError("no open-sdg text file has a label_language", source=where(SOURCES_CSV))
    return out


@dataclass(frozen=True)
class _Correction:
    row: Row = field(compare=False)
    code: str
    lang: str
    field: str
    find: str
    replace: str


def _load_corrections(g: Builder, langs: Iterable[str]) -> dict[tuple[str, str, str],
                                                                list[_Correction]]:
    langs = sorted(langs)
    out: dict[tuple[str, str, str], list[_Correction]] = {}
    for row in g.csv(SDG_CORRECTIONS, ("code", "lang", "field", "find", "replace", "reason")):
        c = _Correction(row, row["code"], row["lang"], row["field"], row.data["find"],
                        row.data["replace"] or "")
        if c.lang not in langs or c.field not in ("title", "short") or not c.find:
            raise row.error(f"a correction needs lang {'|'.join(langs)}, field title|short "
                            "and a find text")
        out.setdefault((c.code, c.lang, c.field), []).append(c)
    return out


def _sdg_texts(g: Builder, rel: str, lang: str, corrections: dict,
               applied: set[_Correction]) -> Texts:
    """``{(code, "title"|"short"): cleaned text}`` from one open-sdg file.

    Raises :class:`DataError` on a key that is not an SDG code or a correction that no longer
    finds its text.
    """
    out: Texts = {}
    for key, text in g.yaml_map(rel).items():
        m = _CODE_KEY.match(key)
        if not m:
            raise DataError(f"unexpected key {key!r}", source=where(rel))
        code = ".".join(p for p in m.group(1, 2, 3) if p)
        kind = m.group(4)
        for c in corrections.get((code, lang, kind), ()):
            if c.find not in text:
                raise c.row.error(f"correction for {code} {lang} {kind}: text {c.find!r} not "
                                  f"found in {rel} (was the source updated?)")
            text = text.replace(c.find, c.replace)
            applied.add(c)
        # (a no-op on text without CJK characters, so it is not tied to one language). NFC: the
        # ar/es/fr/ru files write many accents decomposed ("a" + U+0302), which would not match
        # the same word typed or searched precomposed; en and zh-Hans are unchanged by it.
        out[(code, kind)] = full_width_punctuation(
            unicodedata.normalize("NFC", " ".join(text.split())))
    return out


def _all_texts(g: Builder, files: dict[str, dict[str, str]]) -> dict[str, Texts]:
    """Every language's cleaned texts. Raises :class:`DataError` on an unused correction."""
    corrections = _load_corrections(g, files)
    applied: set[_Correction] = set()
    texts: dict[str, Texts] = {}
    for lang, by_kind in files.items():
        texts[lang] = {}
        for kind in KINDS:
            texts[lang].update(_sdg_texts(g, by_kind[kind], lang, corrections, applied))
    unused = [c for cs in corrections.values() for c in cs if c not in applied]
    if unused:
        raise unused[0].row.error(f"correction for {unused[0].code} matches no open-sdg entry")
    return texts


def _kos(g: Builder, texts: dict[str, Texts]):
    """``(goals, targets, indicator codes)`` by code (indicators: IRI → codes) from the KOS
    table. Raises :class:`DataError` on a foreign IRI, an unknown kind or a code without text."""
    goals: dict[str, URIRef] = {}
    targets: dict[str, URIRef] = {}
    indicator_codes: dict[URIRef, list[str]] = {}
    for row in g.csv(SDG_KOS_CODES, ("kind", "code", "iri")):
        kind, code, iri = row["kind"], row["code"], URIRef(row["iri"])
        if not str(iri).startswith(str(SDG)):
            raise row.error(f"not a UN SDG KOS IRI: {iri}")
        for lang, t in texts.items():
            if (code, "title") not in t:
                raise row.error(f"SDG {kind} {code} has no {lang} text in open-sdg")
        if kind == "goal":
            goals[code] = iri
        elif kind == "target":
            targets[code] = iri
        elif kind == "indicator":
            indicator_codes.setdefault(iri, []).append(code)
        else:
            raise row.error(f"unknown kind {kind!r} (goal, target or indicator)")
    return goals, targets, indicator_codes


def sdg(g: Builder) -> None:
    """Emit the scheme, goals, targets and indicators. Raises :class:`DataError` (file, line)."""
    files = text_files(g)
    texts = _all_texts(g, files)
    goals, targets, indicator_codes = _kos(g, texts)
    sources = {kind: [f[kind] for f in files.values()] for kind in KINDS}

    g.add(SDG_SCHEME, RDF.type, SKOS.ConceptScheme)
    g.label(SDG_SCHEME, RDFS.label, "Sustainable Development Goals (UN SDG KOS)", "en")
    g.derived(SDG_SCHEME, SDG_KOS_CODES)

    def concept(iri: URIRef, cls: URIRef, code: str, text_sources: list[str]) -> None:
        g.add(iri, RDF.type, cls)
        g.add(iri, RDF.type, SKOS.Concept)
        g.add(iri, SKOS.inScheme, SDG_SCHEME)
        g.add(iri, SKOS.notation, Literal(code))
        g.derived(iri, SDG_KOS_CODES, *text_sources)

    for code, iri in goals.items():
        concept(iri, SDGO.Goal, code, sources["goals"])
        for lang, t in texts.items():
            g.label(iri, SKOS.prefLabel, t[(code, "title")], lang)
            g.label(iri, SKOS.altLabel, t.get((code, "short"), ""), lang)
        g.add(iri, SKOS.topConceptOf, SDG_SCHEME)

    for code, iri in targets.items():
        goal = goals.get(code.split(".")[0])
        if goal is None:
            raise DataError(f"target {code} has no goal", source=where(SDG_KOS_CODES))
        concept(iri, SDGO.Target, code, sources["targets"])
        for lang, t in texts.items():
            g.label(iri, SKOS.prefLabel, t[(code, "title")], lang)
        g.add(iri, SDGO.isTargetOf, goal)
        g.add(goal, SDGO.hasTarget, iri)

    for iri, codes in indicator_codes.items():
        _indicator(g, iri, codes, targets, texts, sources["indicators"])


def _indicator(g: Builder, iri: URIRef, codes: list[str], targets: dict[str, URIRef],
               texts: dict[str, Texts], text_sources: list[str]) -> None:
    # A repeated indicator (pseudo-goal 20, e.g. C200303) has several codes; its preferred
    # labels are those of its first code in framework order, differing texts become altLabels.
    codes = sorted(codes, key=sdg_code_sort_key)
    g.add(iri, RDF.type, SDGO.Indicator)
    g.add(iri, RDF.type, SKOS.Concept)
    g.add(iri, SKOS.inScheme, SDG_SCHEME)
    g.derived(iri, SDG_KOS_CODES, *text_sources)
    for code in codes:
        g.add(iri, SKOS.notation, Literal(code))
        target = targets.get(code.rsplit(".", 1)[0])
        if target is None:
            raise DataError(f"indicator {code} has no target", source=where(SDG_KOS_CODES))
        g.add(iri, SDGO.isIndicatorOf, target)
        g.add(target, SDGO.hasIndicator, iri)
    for lang, t in texts.items():
        first = t[(codes[0], "title")]
        g.label(iri, SKOS.prefLabel, first, lang)
        for code in codes[1:]:
            if t[(code, "title")] != first:
                g.label(iri, SKOS.altLabel, t[(code, "title")], lang)


# --------------------------------------------------------------------------------------------
# Maintenance: extract the code → IRI table from the UN SDG KOS dump


def extract_kos_codes(kos_dump: Path) -> list[tuple[str, str, str]]:
    """``(kind, compact code, IRI)`` for every goal, target and indicator code in a KOS dump.

    Reads the UN SDG KOS Turtle dump (``sdg-ontology-with-taxonomy.ttl``, LOD4Stats 2020) with
    rdflib and uses the ``sdgo:SDGCodeCompact`` notations. A repeated indicator yields one row per
    code, all with the same IRI. Rows are in framework order. Raises ``FileNotFoundError`` or
    rdflib's parser errors on a missing or broken dump, :class:`DataError` if a concept has no
    compact code.
    """
    from rdflib import Graph  # only needed for maintenance

    g = Graph()
    g.parse(kos_dump, format="turtle")
    compact = URIRef(str(SDGO._NS) + "SDGCodeCompact")
    rows = []
    for kind, cls in (("goal", SDGO.Goal), ("target", SDGO.Target),
                      ("indicator", SDGO.Indicator)):
        for s in g.subjects(RDF.type, cls):
            codes = [str(n) for n in g.objects(s, SKOS.notation)
                     if isinstance(n, Literal) and n.datatype == compact]
            if not codes:
                raise DataError(f"{s} has no compact code", source=str(kos_dump))
            rows += [(kind, code, str(s)) for code in codes]
    order = {"goal": 0, "target": 1, "indicator": 2}
    rows.sort(key=lambda r: (order[r[0]], sdg_code_sort_key(r[1])))
    return rows


def write_kos_codes(rows: Iterable[tuple[str, str, str]], out: Path) -> None:
    """Write :func:`extract_kos_codes` rows as ``sdg/kos-2020/codes.csv``. Raises ``OSError``."""
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("kind", "code", "iri"))
        w.writerows(rows)
