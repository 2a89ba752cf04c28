"""The reference vocabularies as RDF: the ``B graph/reference`` part of docs/model.md.

Built from the data files under ``graph/mapping/reference/`` (their origin and licence are in
``graph/mapping/reference/SOURCES.md`` and, machine-readable, in ``graph/mapping/reference/sources.csv``):

- SDG goals (17), targets (169) and indicators on UN SDG KOS IRIs (``sdg:9``, ``sdg:9.c``,
  ``sdg:C090c01``). Texts: open-sdg ``en`` and ``zh-Hans`` (the latter tagged ``@zh``). IRIs: the
  KOS 2020 dump (``sdg/kos-2020/codes.csv``, extracted by :func:`extract_kos_codes`). Indicators the
  KOS 2020 does not hold get no node (docs/decisions/0030-sdg-iris-pinned-to-kos-2020.md).
- WSIS action lines C1..C11 and the C7 sub-lines; PP and WTDC conferences; PP, WTDC and UNGA
  resolutions; UN programmes; the six ITU-D regions; country groups; countries (M49).
- Provenance: a node for the reference data set and one per source file (``dcterms:source``,
  ``dcterms:license``); every vocabulary resource is ``prov:wasDerivedFrom`` its source files.

Cleaning happens here, at load time, and is documented in docs/reference-data.md: exact
corrections listed in ``sdg/corrections.csv``, ASCII ``, ; :`` next to Chinese text made full-width,
surrounding white space trimmed.

The output is deterministic: :func:`reference_ntriples` returns the same bytes on every run (sorted
N-Triples lines).
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from itukg.errors import DataError
from itukg.graph.vocab import IKG, SDG, SDGO

REFERENCE_DIR = Path(__file__).resolve().parent
"""The folder holding the reference data files (``graph/mapping/reference/``)."""

SDG_SCHEME = URIRef("http://metadata.un.org/sdg")
"""The UN SDG KOS concept scheme."""

# Source files, relative to REFERENCE_DIR (each one has a row in sources.csv).
SOURCES_CSV = "sources.csv"
LICENCES_CSV = "licences.csv"
SDG_GOALS = ("sdg/open-sdg/en/global_goals.yml", "sdg/open-sdg/zh-Hans/global_goals.yml")
SDG_TARGETS = ("sdg/open-sdg/en/global_targets.yml", "sdg/open-sdg/zh-Hans/global_targets.yml")
SDG_INDICATORS = (
    "sdg/open-sdg/en/global_indicators.yml",
    "sdg/open-sdg/zh-Hans/global_indicators.yml",
)
SDG_KOS_CODES = "sdg/kos-2020/codes.csv"
SDG_CORRECTIONS = "sdg/corrections.csv"
WSIS_LINES = "wsis/wsis_action_lines.csv"
ITU_BODIES = "itu/bodies.csv"
ITU_CONFERENCES = "itu/itu_conferences.csv"
ITU_RESOLUTIONS = "itu/itu_resolutions_cited_in_corpus.csv"
ITU_RESOLUTIONS_NOT_ASSERTED = "itu/resolutions_not_asserted.csv"
ITU_REGIONS = "itu/regions.csv"
PROGRAMMES = "programmes/un_programmes_frameworks.csv"
UNGA_RESOLUTIONS = "programmes/unga_resolutions.csv"
COUNTRIES = "countries/country-codes.csv"
COUNTRY_GROUPS = "countries/country_groups.csv"

TITLE_STATUSES = ("VERBATIM", "DESCRIPTIVE", "NOT FOUND")
DATE_STATUSES = ("verified", "secondary-source", "end-date-conflict", "unknown")

Triple = tuple[URIRef, URIRef, URIRef | Literal]


# --------------------------------------------------------------------------------------------
# Text cleaning (Chinese punctuation)

_CJK = (
    "\u2e80-\u2fdf"  # radicals
    "\u3000-\u303f"  # CJK symbols and punctuation (、。《》「」...)
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\uff00-\uffef"  # full-width forms (，（）：；)
)
_FULL_WIDTH = {",": "\uff0c", ";": "\uff1b", ":": "\uff1a"}
# An ASCII , ; or : (with any spaces around it) that touches Chinese text on at least one side.
_ASCII_PUNCT_NEXT_TO_CJK = re.compile(
    rf"(?<=[{_CJK}]) *([,;:]) *|(?<![{_CJK}]) *([,;:]) *(?=[{_CJK}])"
)
CJK_CHAR = re.compile(f"[{_CJK}]")


def full_width_punctuation(text: str) -> str:
    """Replace ASCII ``,`` ``;`` ``:`` that touch Chinese text with their full-width forms.

    A mark is replaced when the nearest non-space character on its left or on its right is a CJK
    character (ideograph, CJK punctuation or full-width form); the spaces around it go too. Marks
    between two non-CJK characters (``100,000``, ``PM2.5, PM10``) are kept. Raises nothing.

    >>> full_width_punctuation("到2030年,在全球; 消除")
    '到2030年，在全球；消除'
    >>> full_width_punctuation("每10万人中有100,000人")
    '每10万人中有100,000人'
    """

    def repl(m: re.Match[str]) -> str:
        return _FULL_WIDTH[m.group(1) or m.group(2)]

    return _ASCII_PUNCT_NEXT_TO_CJK.sub(repl, text)


# --------------------------------------------------------------------------------------------
# Reading data files


@dataclass
class _Row:
    """One CSV row with its file and line number (for error messages)."""

    path: str
    line: int
    data: dict[str, str]

    def __getitem__(self, key: str) -> str:
        try:
            value = self.data[key]
        except KeyError:
            raise self.error(f"missing column {key!r}") from None
        return (value or "").strip()

    def error(self, message: str) -> DataError:
        return DataError(message, source=f"graph/mapping/reference/{self.path}", line=self.line)


def _read_csv(rel: str, required: Iterable[str] = ()) -> list[_Row]:
    """Read ``REFERENCE_DIR/rel`` as UTF-8 CSV with a header row.

    Raises :class:`DataError` (file and line) if the file is missing, undecodable, or lacks one of
    the ``required`` columns.
    """
    path = REFERENCE_DIR / rel
    where = f"graph/mapping/reference/{rel}"
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise DataError(f"missing column(s) {', '.join(missing)}", source=where, line=1)
            rows = []
            for rec in reader:
                if None in rec:  # more cells than header columns
                    raise DataError("row has more cells than the header", source=where,
                                    line=reader.line_num)
                rows.append(_Row(rel, reader.line_num, rec))
            return rows
    except FileNotFoundError:
        raise DataError("reference data file is missing", source=where) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"cannot read CSV: {exc}", source=where) from None


def _read_yaml_map(rel: str) -> dict[str, str]:
    """Read an open-sdg translation file (a flat ``key: text`` YAML map).

    Raises :class:`DataError` if the file is missing, not YAML, or not a map of strings.
    """
    path = REFERENCE_DIR / rel
    where = f"graph/mapping/reference/{rel}"
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        raise DataError("reference data file is missing", source=where) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(f"not valid YAML: {exc}", source=where,
                        line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise DataError("expected a map of text keys to text values", source=where)
    return data


_URL = re.compile(r"https?://[^\s;,()<>\"]+")


def _urls(text: str) -> list[str]:
    """The http(s) URLs written in a free-text sources cell, in order, without duplicates.

    A trailing ``.`` is dropped; a URL written truncated (ending in ``...``) is skipped.
    """
    out: list[str] = []
    for m in _URL.finditer(text):
        url = m.group(0)
        if url.endswith("..."):
            continue
        url = url.rstrip(".")
        if url not in out:
            out.append(url)
    return out


# --------------------------------------------------------------------------------------------
# The builder


@dataclass
class _Graph:
    """Collects triples; remembers which resources derive from which source files."""

    base: str
    triples: set[Triple] = field(default_factory=set)
    used_sources: set[str] = field(default_factory=set)

    def iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.triples.add((s, p, o))

    def label(self, s: URIRef, p: URIRef, text: str, lang: str) -> None:
        if text:
            self.add(s, p, Literal(text, lang=lang))

    def derived(self, s: URIRef, *sources: str) -> None:
        for rel in sources:
            self.used_sources.add(rel)
            self.add(s, PROV.wasDerivedFrom, self.source_iri(rel))

    def source_iri(self, rel: str) -> URIRef:
        return self.iri("id/reference/source/" + rel)

    def row_sources(self, s: URIRef, *cells: str) -> None:
        for cell in cells:
            for url in _urls(cell):
                self.add(s, DCTERMS.source, URIRef(url))


def _int(row: _Row, col: str) -> int:
    value = row[col]
    if not re.fullmatch(r"\d+", value):
        raise row.error(f"column {col!r}: expected a whole number, got {value!r}")
    return int(value)


def _date(row: _Row, col: str) -> Literal | None:
    value = row[col]
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise row.error(f"column {col!r}: expected a date YYYY-MM-DD, got {value!r}")
    return Literal(value, datatype=XSD.date)


# --------------------------------------------------------------------------------------------
# SDG


_CODE_KEY = re.compile(r"^(\d+)(?:-([0-9a-z]+))?(?:-([0-9a-z]+))?-(title|short)$")


def _sdg_code_sort_key(code: str) -> tuple:
    """Framework order: 1.1 < 1.2 < 1.a < 2.1; numbers numerically, letters after numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


@dataclass(frozen=True)
class _Correction:
    row: _Row = field(compare=False)
    code: str
    lang: str
    field: str
    find: str
    replace: str


def _load_corrections() -> dict[tuple[str, str, str], list[_Correction]]:
    out: dict[tuple[str, str, str], list[_Correction]] = {}
    for row in _read_csv(SDG_CORRECTIONS, ("code", "lang", "field", "find", "replace", "reason")):
        c = _Correction(row, row["code"], row["lang"], row["field"], row.data["find"],
                        row.data["replace"] or "")
        if c.lang not in ("en", "zh") or c.field not in ("title", "short") or not c.find:
            raise row.error("a correction needs lang en|zh, field title|short and a find text")
        out.setdefault((c.code, c.lang, c.field), []).append(c)
    return out


def _sdg_texts(
    rel: str, lang: str, corrections: dict, applied: set[_Correction]
) -> dict[tuple[str, str], str]:
    """``{(code, "title"|"short"): cleaned text}`` from one open-sdg file.

    Raises :class:`DataError` on a key that is not an SDG code.
    """
    out: dict[tuple[str, str], str] = {}
    for key, text in _read_yaml_map(rel).items():
        m = _CODE_KEY.match(key)
        if not m:
            raise DataError(f"unexpected key {key!r}", source=f"graph/mapping/reference/{rel}")
        code = ".".join(p for p in m.group(1, 2, 3) if p)
        kind = m.group(4)
        for c in corrections.get((code, lang, kind), ()):
            if c.find not in text:
                raise c.row.error(f"correction for {code} {lang} {kind}: text {c.find!r} not "
                                  f"found in {rel} (was the source updated?)")
            text = text.replace(c.find, c.replace)
            applied.add(c)
        text = " ".join(text.split())
        if lang == "zh":
            text = full_width_punctuation(text)
        out[(code, kind)] = text
    return out


def _sdg(g: _Graph) -> None:
    corrections = _load_corrections()
    applied: set[_Correction] = set()
    en: dict[tuple[str, str], str] = {}
    zh: dict[tuple[str, str], str] = {}
    for en_rel, zh_rel in (SDG_GOALS, SDG_TARGETS, SDG_INDICATORS):
        en.update(_sdg_texts(en_rel, "en", corrections, applied))
        zh.update(_sdg_texts(zh_rel, "zh", corrections, applied))
    unused = [c for cs in corrections.values() for c in cs if c not in applied]
    if unused:
        raise unused[0].row.error(f"correction for {unused[0].code} matches no open-sdg entry")

    kos = _read_csv(SDG_KOS_CODES, ("kind", "code", "iri"))
    goals: dict[str, URIRef] = {}
    targets: dict[str, URIRef] = {}
    indicator_codes: dict[URIRef, list[str]] = {}
    for row in kos:
        kind, code, iri = row["kind"], row["code"], URIRef(row["iri"])
        if not str(iri).startswith(str(SDG)):
            raise row.error(f"not a UN SDG KOS IRI: {iri}")
        if (code, "title") not in en or (code, "title") not in zh:
            raise row.error(f"SDG {kind} {code} has no English or Chinese text in open-sdg")
        if kind == "goal":
            goals[code] = iri
        elif kind == "target":
            targets[code] = iri
        elif kind == "indicator":
            indicator_codes.setdefault(iri, []).append(code)
        else:
            raise row.error(f"unknown kind {kind!r} (goal, target or indicator)")

    g.add(SDG_SCHEME, RDF.type, SKOS.ConceptScheme)
    g.label(SDG_SCHEME, RDFS.label, "Sustainable Development Goals (UN SDG KOS)", "en")
    g.derived(SDG_SCHEME, SDG_KOS_CODES)

    def concept(iri: URIRef, cls: URIRef, code: str, text_sources: tuple[str, str]) -> None:
        g.add(iri, RDF.type, cls)
        g.add(iri, RDF.type, SKOS.Concept)
        g.add(iri, SKOS.inScheme, SDG_SCHEME)
        g.add(iri, SKOS.notation, Literal(code))
        g.derived(iri, SDG_KOS_CODES, *text_sources)

    for code, iri in goals.items():
        concept(iri, SDGO.Goal, code, SDG_GOALS)
        g.label(iri, SKOS.prefLabel, en[(code, "title")], "en")
        g.label(iri, SKOS.prefLabel, zh[(code, "title")], "zh")
        g.label(iri, SKOS.altLabel, en.get((code, "short"), ""), "en")
        g.label(iri, SKOS.altLabel, zh.get((code, "short"), ""), "zh")
        g.add(iri, SKOS.topConceptOf, SDG_SCHEME)

    for code, iri in targets.items():
        goal = goals.get(code.split(".")[0])
        if goal is None:
            raise DataError(f"target {code} has no goal", source=f"graph/mapping/reference/{SDG_KOS_CODES}")
        concept(iri, SDGO.Target, code, SDG_TARGETS)
        g.label(iri, SKOS.prefLabel, en[(code, "title")], "en")
        g.label(iri, SKOS.prefLabel, zh[(code, "title")], "zh")
        g.add(iri, SDGO.isTargetOf, goal)
        g.add(goal, SDGO.hasTarget, iri)

    for iri, codes in indicator_codes.items():
        # A repeated indicator (pseudo-goal 20, e.g. C200303) has several codes; its preferred
        # labels are those of its first code in framework order, differing texts become altLabels.
        codes = sorted(codes, key=_sdg_code_sort_key)
        g.add(iri, RDF.type, SDGO.Indicator)
        g.add(iri, RDF.type, SKOS.Concept)
        g.add(iri, SKOS.inScheme, SDG_SCHEME)
        g.derived(iri, SDG_KOS_CODES, *SDG_INDICATORS)
        for code in codes:
            g.add(iri, SKOS.notation, Literal(code))
            target = targets.get(code.rsplit(".", 1)[0])
            if target is None:
                raise DataError(f"indicator {code} has no target",
                                source=f"graph/mapping/reference/{SDG_KOS_CODES}")
            g.add(iri, SDGO.isIndicatorOf, target)
            g.add(target, SDGO.hasIndicator, iri)
        for lang, texts in (("en", en), ("zh", zh)):
            first = texts[(codes[0], "title")]
            g.label(iri, SKOS.prefLabel, first, lang)
            for code in codes[1:]:
                if texts[(code, "title")] != first:
                    g.label(iri, SKOS.altLabel, texts[(code, "title")], lang)


# --------------------------------------------------------------------------------------------
# WSIS action lines


def _wsis(g: _Graph) -> None:
    rows = _read_csv(WSIS_LINES, ("code", "parent", "title_en_current", "title_en_geneva_poa_2003",
                                  "title_zh"))
    codes = {row["code"] for row in rows}
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
        g.label(s, SKOS.prefLabel, full_width_punctuation(row["title_zh"]), "zh")
        if row["parent"]:
            if row["parent"] not in codes:
                raise row.error(f"parent {row['parent']!r} is not an action line of the file")
            g.add(s, SKOS.broader, g.iri(f"id/wsis/{row['parent']}"))
        g.row_sources(s, *(row.data.get(c) or "" for c in (
            "source_title_en_current", "source_title_en_poa", "source_itu_role")))
        g.derived(s, WSIS_LINES)


# --------------------------------------------------------------------------------------------
# ITU bodies, conferences and resolutions


def _bodies() -> dict[str, _Row]:
    return {row["body"]: row for row in _read_csv(
        ITU_BODIES, ("body", "key", "label_prefix_en", "name_en", "name_zh"))}


def _body_individual(row: _Row, body: str) -> URIRef:
    try:
        return getattr(IKG, body)
    except AttributeError:
        raise row.error(f"unknown issuing body {body!r} (PP, WTDC or UNGA)") from None


_CONFERENCE_CLASS = {"PP": IKG.PlenipotentiaryConference, "WTDC": IKG.DevelopmentConference}


def _conferences(g: _Graph) -> dict[tuple[str, str, int], URIRef]:
    """Emit the conferences; return ``{(body, venue, year): conference IRI}``."""
    bodies = _bodies()
    out: dict[tuple[str, str, int], URIRef] = {}
    for row in _read_csv(ITU_CONFERENCES, ("short_code", "body", "city", "year", "start_date",
                                           "end_date", "alt_codes", "date_status")):
        code, body = row["short_code"], row["body"]
        if body not in _CONFERENCE_CLASS:
            raise row.error(f"conference body must be PP or WTDC, got {body!r}")
        if not re.fullmatch(rf"{body}-\d{{2}}", code):
            raise row.error(f"short code {code!r} is not {body}-YY")
        year = _int(row, "year")
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
        g.label(s, RDFS.label, f"{bodies[body]['name_en']} ({row['city']}, {year})", "en")
        g.label(s, RDFS.label, f"{year}年{bodies[body]['name_zh']}", "zh")
        g.label(s, SKOS.altLabel, code, "en")
        for alt in filter(None, (a.strip() for a in row["alt_codes"].split(";"))):
            g.label(s, SKOS.altLabel, alt, "en")
        status = row["date_status"]
        if status not in DATE_STATUSES:
            raise row.error(f"date_status must be one of {', '.join(DATE_STATUSES)}")
        start, end = _date(row, "start_date"), _date(row, "end_date")
        if status == "unknown":
            if start or end:
                raise row.error("date_status is 'unknown' but dates are given")
        else:
            if start is None or end is None or str(start)[:4] != str(year):
                raise row.error(f"date_status {status!r} needs start and end dates in {year}")
            g.add(s, IKG.startDate, start)
            if status == "end-date-conflict":
                g.label(s, SKOS.note, f"End date not asserted: the sources conflict (this table "
                                      f"gives {end}; see the verification note).", "en")
            else:
                g.add(s, IKG.endDate, end)
        g.label(s, SKOS.note, row["notes"], "en")
        g.label(s, SKOS.note, f"Verification: {row['verification']}", "en")
        g.row_sources(s, row["sources"])
        g.derived(s, ITU_CONFERENCES, ITU_BODIES)
    return out


def _title_status(row: _Row, text: str) -> str:
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


def _resolution(g: _Graph, row: _Row, bodies: dict[str, _Row], body: str, key: str,
                label_number: str) -> URIRef:
    b = bodies.get(body)
    if b is None:
        raise row.error(f"unknown issuing body {body!r}")
    s = g.iri(f"id/resolution/{b['key']}/{key}")
    g.add(s, RDF.type, IKG.Resolution)
    g.add(s, IKG.body, _body_individual(row, body))
    g.label(s, RDFS.label, f"{b['label_prefix_en']} Resolution {label_number}", "en")
    g.label(s, RDFS.label, f"{b['name_zh']}第{label_number}号决议", "zh")
    return s


# "Rev. Dubai, 2014" or "Doha, 2006", ended by ; / ( or the end of the text (so "Dubai, 2014 era"
# is not a revision). Parenthesised remarks are removed first: they are comments, not revisions.
_REVISION = re.compile(r"(Rev\.\s*)?([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*),\s*(\d{4})(?=\s*(?:$|[;/]))")
_PARENTHESES = re.compile(r"\([^()]*\)")


def _revisions(text: str) -> list[tuple[bool, str, int]]:
    """``(is_revision, venue, year)`` for each revision named in a ``revision_seen`` cell.

    >>> _revisions("Busan, 2014 (adopted as WG-PL/4); Rev. Dubai, 2018")
    [(False, 'Busan', 2014), (True, 'Dubai', 2018)]
    >>> _revisions("Dubai, 2014 era")
    []
    """
    text = _PARENTHESES.sub("", text)
    return [(bool(m.group(1)), m.group(2), int(m.group(3))) for m in _REVISION.finditer(text)]


def _resolutions(g: _Graph, conferences: dict[tuple[str, str, int], URIRef]) -> None:
    bodies = _bodies()
    not_asserted = {(r["body"], r["number"]) for r in _read_csv(
        ITU_RESOLUTIONS_NOT_ASSERTED, ("body", "number", "reason"))}
    rows = _read_csv(ITU_RESOLUTIONS, ("body", "number", "title_en", "title_status", "source"))
    seen = set()
    for row in rows:
        body, number = row["body"], _int(row, "number")
        if (body, str(number)) in seen:
            raise row.error(f"{body} Resolution {number} is listed twice")
        seen.add((body, str(number)))
        if (body, str(number)) in not_asserted:
            continue
        if body not in ("PP", "WTDC"):
            raise row.error(f"body must be PP or WTDC, got {body!r}")
        s = _resolution(g, row, bodies, body, str(number), str(number))
        g.add(s, IKG.resolutionNumber, Literal(number, datatype=XSD.integer))
        status = _title_status(row, row["title_status"])
        g.add(s, IKG.titleStatus, Literal(status))
        if status != "NOT FOUND":
            if not row["title_en"]:
                raise row.error(f"title status {status} but no title")
            g.label(s, DCTERMS.title, row["title_en"], "en")
        g.label(s, SKOS.note, f"Title status as recorded: {row['title_status']}", "en")
        if row.data.get("revision_seen"):
            g.label(s, SKOS.note, f"Revisions seen: {row['revision_seen']}", "en")
            for _is_rev, venue, year in _revisions(row["revision_seen"]):
                conference = conferences.get((body, venue, year))
                if conference is None:
                    raise row.error(f"revision {venue}, {year}: no {body} conference met there "
                                    f"then in {ITU_CONFERENCES}")
                rev = g.iri(f"id/resolution/{bodies[body]['key']}/{number}/rev/"
                            f"{str(conference).rsplit('/', 1)[1]}")
                g.add(rev, RDF.type, IKG.ResolutionRevision)
                g.add(rev, IKG.revisionOf, s)
                g.add(rev, IKG.adoptedAt, conference)
                # Neutral label: the source does not always say which version was new.
                g.label(rev, RDFS.label, f"{bodies[body]['label_prefix_en']} Resolution {number} "
                                         f"({venue}, {year})", "en")
                g.derived(rev, ITU_RESOLUTIONS, ITU_CONFERENCES)
        g.label(s, SKOS.note, row.data.get("note") or "", "en")
        g.row_sources(s, row["source"])
        g.derived(s, ITU_RESOLUTIONS, ITU_BODIES)
    missing = not_asserted - seen
    if missing:
        raise DataError(f"{sorted(missing)} listed as not asserted but absent from "
                        f"{ITU_RESOLUTIONS}", source=f"graph/mapping/reference/{ITU_RESOLUTIONS_NOT_ASSERTED}")


# --------------------------------------------------------------------------------------------
# Programmes (and the UNGA resolutions that adopted some of them)


def programme_key(code: str) -> str:
    """The IRI key of a programme code: lower case, runs of other characters as ``-``.

    >>> programme_key("A/RES/70/125")
    'a-res-70-125'
    """
    return re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-")


_ADOPTED = re.compile(r"^(\d{4})(?:-(\d{2})-(\d{2}))?(?:\s*\((.+)\))?$")


def _programmes(g: _Graph) -> dict[str, URIRef]:
    out: dict[str, URIRef] = {}
    groups = {r["code"]: r["key"] for r in _read_csv(COUNTRY_GROUPS, ("key", "code"))}
    for row in _read_csv(PROGRAMMES, ("id", "title_en", "country_group", "adopted", "label_en",
                                      "label_zh", "alt_labels_zh", "source", "note")):
        code = row["id"]
        s = g.iri(f"id/programme/{programme_key(code)}")
        out[code] = s
        g.add(s, RDF.type, IKG.Programme)
        g.add(s, IKG.code, Literal(code))
        if not row["label_en"]:
            raise row.error(f"programme {code} has no English label")
        g.label(s, RDFS.label, row["label_en"], "en")
        g.label(s, RDFS.label, row["label_zh"], "zh")
        for alt in filter(None, (a.strip() for a in row["alt_labels_zh"].split(";"))):
            g.label(s, SKOS.altLabel, alt, "zh")
        g.label(s, DCTERMS.description, row["title_en"], "en")
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
        group = row["country_group"]
        if group != "all":
            if group not in groups:
                raise row.error(f"country_group {group!r} is not a country group code or 'all'")
            g.add(s, IKG.concernsGroup, g.iri(f"id/country-group/{groups[group]}"))
        g.label(s, SKOS.note, row["note"], "en")
        g.row_sources(s, row["source"])
        g.derived(s, PROGRAMMES)
    return out


def _unga_resolutions(g: _Graph, programmes: dict[str, URIRef]) -> None:
    bodies = _bodies()
    for row in _read_csv(UNGA_RESOLUTIONS, ("symbol", "programme", "title_en", "title_status",
                                            "source", "note")):
        m = re.fullmatch(r"A/RES/(\d+)/(\d+)", row["symbol"])
        if not m:
            raise row.error(f"not a UNGA resolution symbol: {row['symbol']!r}")
        number = f"{m.group(1)}/{m.group(2)}"
        s = _resolution(g, row, bodies, "UNGA", f"{m.group(1)}-{m.group(2)}", number)
        g.add(s, DCTERMS.identifier, Literal(row["symbol"]))
        status = _title_status(row, row["title_status"])
        g.add(s, IKG.titleStatus, Literal(status))
        if status != "NOT FOUND":
            g.label(s, DCTERMS.title, row["title_en"], "en")
        g.label(s, SKOS.note, row["note"], "en")
        g.row_sources(s, row["source"])
        g.derived(s, UNGA_RESOLUTIONS, ITU_BODIES)
        if row["programme"]:
            p = programmes.get(row["programme"])
            if p is None:
                raise row.error(f"programme {row['programme']!r} is not in {PROGRAMMES}")
            g.add(p, RDFS.seeAlso, s)
            g.add(s, RDFS.seeAlso, p)


# --------------------------------------------------------------------------------------------
# Regions, country groups, countries


def _regions(g: _Graph) -> None:
    for row in _read_csv(ITU_REGIONS, ("key", "code", "label_en", "label_zh")):
        s = g.iri(f"id/region/{row['key']}")
        g.add(s, RDF.type, IKG.Region)
        g.add(s, IKG.code, Literal(row["code"]))
        if not row["label_en"] or not row["label_zh"]:
            raise row.error("a region needs an English and a Chinese label")
        g.label(s, RDFS.label, row["label_en"], "en")
        g.label(s, RDFS.label, row["label_zh"], "zh")
        g.derived(s, ITU_REGIONS)


def _countries(g: _Graph) -> None:
    groups = _read_csv(COUNTRY_GROUPS, ("key", "code", "label_en", "label_zh",
                                        "membership_column"))
    for row in groups:
        s = g.iri(f"id/country-group/{row['key']}")
        g.add(s, RDF.type, IKG.CountryGroup)
        g.add(s, IKG.code, Literal(row["code"]))
        g.label(s, RDFS.label, row["label_en"], "en")
        g.label(s, RDFS.label, row["label_zh"], "zh")
        g.derived(s, COUNTRY_GROUPS)
        if row["membership_column"]:
            g.derived(s, COUNTRIES)
    columns = [r["membership_column"] for r in groups if r["membership_column"]]
    seen: set[str] = set()
    for row in _read_csv(COUNTRIES, ("M49", "official_name_en", "official_name_cn",
                                     "ISO3166-1-Alpha-3", *columns)):
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
        g.label(s, RDFS.label, row["official_name_en"], "en")
        g.label(s, RDFS.label, row["official_name_cn"], "zh")
        for group in groups:
            col = group["membership_column"]
            if not col:
                continue
            flag = row[col]
            if flag not in ("", "x"):
                raise row.error(f"column {col!r}: expected 'x' or empty, got {flag!r}")
            if flag == "x":
                g.add(s, IKG.memberOf, g.iri(f"id/country-group/{group['key']}"))
        g.derived(s, COUNTRIES)


# --------------------------------------------------------------------------------------------
# Provenance of the data set


def _provenance(g: _Graph) -> None:
    licences: dict[str, URIRef] = {}
    for row in _read_csv(LICENCES_CSV, ("key", "iri", "label", "statement")):
        iri = URIRef(row["iri"]) if row["iri"] else g.iri(f"id/reference/licence/{row['key']}")
        licences[row["key"]] = iri
        g.add(iri, RDF.type, DCTERMS.LicenseDocument)
        g.label(iri, RDFS.label, row["label"], "en")
        g.label(iri, DCTERMS.description, row["statement"], "en")
    dataset = g.iri("id/reference")
    g.add(dataset, RDF.type, PROV.Entity)
    g.add(dataset, RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset"))
    g.label(dataset, DCTERMS.title, "itukg reference vocabularies", "en")
    g.label(dataset, DCTERMS.description,
            "SDG goals, targets and indicators; WSIS action lines; ITU conferences and resolutions; "
            "UN programmes; ITU-D regions; country groups and countries. Built from the files "
            "under graph/mapping/reference/ (see graph/mapping/reference/SOURCES.md).", "en")
    listed = set()
    for row in _read_csv(SOURCES_CSV, ("path", "title", "upstream", "version", "licence",
                                       "rights", "citation")):
        rel = row["path"]
        if not (REFERENCE_DIR / rel).is_file():
            raise row.error(f"source file {rel} does not exist under graph/mapping/reference/")
        if row["licence"] not in licences:
            raise row.error(f"licence {row['licence']!r} is not in {LICENCES_CSV}")
        listed.add(rel)
        s = g.source_iri(rel)
        g.add(s, RDF.type, PROV.Entity)
        g.add(dataset, DCTERMS.source, s)
        g.add(s, DCTERMS.isPartOf, dataset)
        g.add(s, DCTERMS.identifier, Literal(rel))
        g.label(s, DCTERMS.title, row["title"], "en")
        g.add(s, DCTERMS.license, licences[row["licence"]])
        for url in _urls(row["upstream"]):
            g.add(s, DCTERMS.source, URIRef(url))
        g.label(s, DCTERMS.rights, row["rights"], "en")
        g.label(s, DCTERMS.bibliographicCitation, row["citation"], "en")
        if row["version"]:
            g.add(s, OWL.versionInfo, Literal(row["version"]))
    unlisted = g.used_sources - listed
    if unlisted:
        raise DataError(f"data files used without a row in {SOURCES_CSV}: "
                        f"{', '.join(sorted(unlisted))}", source=f"graph/mapping/reference/{SOURCES_CSV}")


# --------------------------------------------------------------------------------------------
# Public API


def _check_base(base_iri: str) -> None:
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+/", base_iri):
        raise ValueError(f"base IRI must be an http(s) IRI ending with '/': {base_iri!r}")


@lru_cache(maxsize=4)
def _build(base_iri: str) -> tuple[Triple, ...]:
    _check_base(base_iri)
    g = _Graph(base_iri)
    _sdg(g)
    _wsis(g)
    conferences = _conferences(g)
    _resolutions(g, conferences)
    programmes = _programmes(g)
    _unga_resolutions(g, programmes)
    _regions(g)
    _countries(g)
    _provenance(g)
    return tuple(sorted(g.triples, key=_sort_key))


def _sort_key(t: Triple) -> tuple[str, str, str]:
    return (_nt_term(t[0]), _nt_term(t[1]), _nt_term(t[2]))


def reference_triples(base_iri: str) -> list[Triple]:
    """The reference graph as a sorted list of ``(subject, predicate, object)`` rdflib terms.

    ``base_iri`` is the data base IRI ``B`` (``https://w3id.org/itukg/`` by default), ending in
    ``/``. The result is cached per base IRI; each call returns a new list.

    Raises ``ValueError`` on a malformed base IRI and :class:`itukg.errors.DataError` (with the
    file and line) when a reference data file is missing or malformed.
    """
    return list(_build(base_iri))


_NT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
               "\f": "\\f"}
_NT_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _nt_escape(m: re.Match[str]) -> str:
    c = m.group(0)
    return _NT_ESCAPES.get(c) or f"\\u{ord(c):04X}"


def _nt_term(term: URIRef | Literal) -> str:
    """One term in N-Triples syntax (UTF-8 text, escapes per RDF 1.1 N-Triples).

    Raises :class:`DataError` for an IRI N-Triples cannot hold.
    """
    if isinstance(term, Literal):
        text = _NT_NEEDS_ESCAPE.sub(_nt_escape, str(term))
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype and term.datatype != XSD.string:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    iri = str(term)
    if _IRI_FORBIDDEN.search(iri) or ":" not in iri:
        raise DataError(f"not a valid IRI: {iri!r}", source="graph/reference")
    return f"<{iri}>"


def reference_ntriples(base_iri: str) -> bytes:
    """The reference graph as N-Triples (UTF-8), one triple per line, lines sorted.

    Deterministic: the same data files and base IRI give the same bytes on every run.
    Raises what :func:`reference_triples` raises.
    """
    lines = [f"{_nt_term(s)} {_nt_term(p)} {_nt_term(o)} .\n" for s, p, o in _build(base_iri)]
    return "".join(lines).encode("utf-8")


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
    rows.sort(key=lambda r: (order[r[0]], _sdg_code_sort_key(r[1])))
    return rows


def write_kos_codes(rows: Iterable[tuple[str, str, str]], out: Path) -> None:
    """Write :func:`extract_kos_codes` rows as ``sdg/kos-2020/codes.csv``. Raises ``OSError``."""
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("kind", "code", "iri"))
        w.writerows(rows)


def _main(argv: list[str]) -> int:
    """``python -m itukg.graph.mapping.reference extract-kos DUMP.ttl [OUT.csv]`` or ``ntriples [BASE]``."""
    if len(argv) >= 2 and argv[0] == "extract-kos":
        out = Path(argv[2]) if len(argv) > 2 else REFERENCE_DIR / SDG_KOS_CODES
        rows = extract_kos_codes(Path(argv[1]))
        write_kos_codes(rows, out)
        print(f"{len(rows)} codes written to {out}", file=sys.stderr)
        return 0
    if argv and argv[0] == "ntriples":
        base = argv[1] if len(argv) > 1 else "https://w3id.org/itukg/"
        sys.stdout.buffer.write(reference_ntriples(base))
        return 0
    print(_main.__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main(sys.argv[1:]))
