"""Stage 2 of reading: the language tables, and which table a document is read with.

Everything one language writes differently (headings, list words, body words, region and venue
names, programme names) is data in ``graph/documents/lang/{code}.yaml``; no code names a
language. A new document language is one new table: :func:`available_languages` lists the files
and :func:`detect_language` tries each (see docs/parser.md).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from itukg.errors import DocumentError
from itukg.graph.documents.lines import BULLETS, DASHES, Reading, fold, norm_word
from itukg.graph.records import REGION_KEYS

LANG_DIR = Path(__file__).parent / "lang"
"""The folder of language tables; read at call time (tests point it at a copy)."""


@dataclass
class LanguageTable:
    """The compiled surface of one language (from ``graph/documents/lang/{code}.yaml``)."""

    code: str
    name: str
    data: dict
    join: str
    markers: set[str]
    headings: dict[str, re.Pattern]
    references_sub: list[re.Pattern]
    results_header: list[re.Pattern]
    output_cell: re.Pattern
    indicator_bullet: re.Pattern
    project: re.Pattern
    activities_intro: re.Pattern
    bullet: re.Pattern
    regional_header: re.Pattern
    regions: list[tuple[re.Pattern, str]]
    initiative_bullet: re.Pattern
    question: re.Pattern
    question_intro: re.Pattern
    supports: re.Pattern
    wsis_line: re.Pattern
    wsis_code: re.Pattern
    sdg_line: re.Pattern
    sdg_output: re.Pattern
    bodies: dict[str, str]
    resolution: re.Pattern
    body_before: re.Pattern
    body_after: re.Pattern | None
    number: re.Pattern
    paren: re.Pattern
    paren_sep: re.Pattern
    year: re.Pattern
    revision: re.Pattern
    sentence_end: re.Pattern
    conf_mention: re.Pattern
    conf_code: re.Pattern | None
    venues: dict[str, str]
    programmes: list[tuple[str, re.Pattern, str]]  # key, pattern, literal prefix
    resolution_prefix: str
    body_window: int  # how far before a resolution phrase its body words may start
    quote_brackets: list[tuple[str, str]]
    year_before: re.Pattern
    year_after: re.Pattern | None  # a programme's year written after its name ("... de 2011")
    country_groups: dict[str, list[str]]
    country_group_patterns: list[tuple[re.Pattern, str]]  # (pattern, group key), longest first
    date: re.Pattern | None  # groups year, optional month and day
    months: dict[str, int]  # month name (case-folded) → 1-12
    # UN conferences that are not ITU conferences: (key of programmes/un_conferences.csv, pattern)
    un_conferences: list[tuple[str, re.Pattern]] = field(default_factory=list)
    script: str | None = None  # the script the language is written in (a key of SCRIPTS)

    def body_key(self, written: str | None) -> str | None:
        if not written:
            return None
        return self.bodies.get(norm_word(written))

    def venue(self, written: str) -> str | None:
        return self.venues.get(norm_word(written))


def _literal_prefix(pattern: str, flags: int = 0) -> str:
    """The literal text every match of ``pattern`` starts with ('' when none): a cheap
    ``in`` test that skips the regular expression on text that cannot match."""
    try:
        from re import _parser as sre_parse  # Python >= 3.11
    except ImportError:  # pragma: no cover
        import sre_parse  # type: ignore[no-redef]
    prefix = []
    for op, av in sre_parse.parse(pattern, flags):
        if str(op) == "LITERAL":
            prefix.append(chr(av))
        else:
            break
    return "".join(prefix)


def available_languages() -> list[str]:
    """Codes of the languages that have a table in ``graph/documents/lang/``."""
    return sorted(p.stem for p in LANG_DIR.glob("*.yaml"))


@functools.lru_cache(maxsize=None)
def load_language(code: str) -> LanguageTable:
    """Load and compile ``graph/documents/lang/{code}.yaml``.

    Raises :class:`DocumentError` when there is no table for the language or the table is
    malformed (a missing key or a bad regular expression: the message names it).
    """
    path = LANG_DIR / f"{code}.yaml"
    if not path.is_file():
        raise DocumentError(
            f"no language table for {code!r} (have: {', '.join(available_languages())})"
        )
    try:
        d = yaml.safe_load(path.read_text(encoding="utf-8"))
        return _compile_language(code, d)
    except (KeyError, TypeError, re.error, yaml.YAMLError) as e:
        raise DocumentError(f"language table {path.name} is malformed: {e!r}") from e


def _placeholders(d: dict):
    """The function filling ``{body}`` ``{numbers}`` ``{sep}`` in a table's patterns."""
    seps = sorted(d["list_separators"], key=len, reverse=True)
    sep_alt = "|".join(re.escape(s) for s in seps)
    cit = d["citations"]
    body_alt = "|".join(re.escape(fold(k)) for k in sorted(cit["bodies"], key=len, reverse=True))
    number = cit["number"]
    numbers = rf"{number}(?:\s*(?:{sep_alt})\s*{number})*"

    def t(p: str) -> str:
        return p.replace("{body}", body_alt).replace("{numbers}", numbers).replace("{sep}", sep_alt)

    return t


def _regions(d: dict, c) -> list[tuple[re.Pattern, str]]:
    """(pattern, region key) per region name, longest names first.

    Raises ``KeyError`` for a region key the model does not have."""
    regions = []
    for key, names in d["regional"]["regions"].items():
        if key not in REGION_KEYS:
            raise KeyError(f"unknown region key {key!r} (allowed: {', '.join(REGION_KEYS)})")
        for name in sorted(names, key=len, reverse=True):
            regions.append((c(r"^" + re.escape(fold(name)) + r"$"), key))
    return regions


def _programmes(d: dict, c, flags: int) -> list[tuple[str, re.Pattern, str]]:
    """(key, pattern, literal prefix) per programme name pattern."""
    progs = []
    for key, pats in d["programmes"].items():
        if key in ("year_before", "year_after"):
            continue
        for p in pats:
            progs.append((key, c(p), "" if flags else _literal_prefix(fold(p))))
    return progs


_DASH_CLASS = "".join(re.escape(ch) if ch in "-" else ch for ch in DASHES)
_BULLET_CLASS = "".join(BULLETS)


def _char_classes(p: str) -> str:
    """``{dash}`` and ``{bullet}`` (used inside a character class) → every dash-like and every
    bullet character (:data:`.lines.DASHES`, :data:`.lines.BULLETS`)."""
    return p.replace("{dash}", _DASH_CLASS).replace("{bullet}", _BULLET_CLASS)


def _compile_language(code: str, d: dict) -> LanguageTable:
    """The compiled table. Raises ``KeyError``, ``TypeError`` or ``re.error`` on a bad table
    (:func:`load_language` turns them into a :class:`DocumentError`). The body is long because
    it lists every field of the table, one line each."""
    flags = re.IGNORECASE if d.get("ignore_case") else 0

    def c(p: str) -> re.Pattern:
        return re.compile(_char_classes(p), flags)

    t = _placeholders(d)
    cit = d["citations"]
    bodies = {norm_word(k): v for k, v in cit["bodies"].items()}
    number = cit["number"]
    h = d["headings"]
    regions = _regions(d, c)
    progs = _programmes(d, c, flags)
    conf = d.get("conferences", {})
    refs = d["references"]
    return LanguageTable(
        code=code,
        name=d.get("name", code),
        data=d,
        join=d.get("join", " "),
        markers=set(d.get("markers", [])),
        headings={
            k: c(h[k])
            for k in ("objective", "output", "background", "implementation",
                      "regional-initiatives", "questions", "references")
        },
        references_sub=[c(p) for p in h.get("references_sub", [])],
        results_header=[c(p) for p in d["results"]["header"]],
        output_cell=c(d["results"]["output_cell"]),
        indicator_bullet=c(d["results"]["indicator_bullet"]),
        project=c(d["implementation"]["project"]),
        activities_intro=c(d["implementation"]["activities_intro"]),
        bullet=c(d["implementation"]["bullet"]),
        regional_header=c(d["regional"]["header"]),
        regions=regions,
        initiative_bullet=c(d["regional"]["initiative_bullet"]),
        question=c(d["questions"]["question"]),
        question_intro=c(d["questions"]["intro"]),
        supports=c(refs["supports"]),
        wsis_line=c(refs["wsis_line"]),
        wsis_code=c(refs["wsis_code"]),
        sdg_line=c(refs["sdg_line"]),
        sdg_output=c(refs["sdg_output"]),
        bodies=bodies,
        resolution=c(t(cit["resolution"])),
        body_before=c(t(cit["body_before"])),
        resolution_prefix="" if flags else _literal_prefix(t(cit["resolution"])),
        body_window=max(len(k) for k in cit["bodies"]) + 8,
        body_after=c(t(cit["body_after"])) if cit.get("body_after") else None,
        number=c(number),
        paren=c(cit["paren"]),
        paren_sep=c(cit["paren_separators"]),
        year=c(cit["year"]),
        revision=c(cit["revision"]),
        sentence_end=c(cit["sentence_end"]),
        conf_mention=c(t(conf["mention"])),
        conf_code=c(conf["code"]) if conf.get("code") else None,
        venues={norm_word(k): v for k, v in d["venues"].items()},
        programmes=progs,
        quote_brackets=[(b[0], b[1]) for b in d.get("quote_brackets", [])],
        year_before=c(d["programmes"]["year_before"]),
        year_after=(c(d["programmes"]["year_after"]) if d["programmes"].get("year_after")
                    else None),
        country_groups=d.get("country_groups", {}),
        country_group_patterns=_country_groups(d, c),
        date=c(d["dates"]["pattern"]) if d.get("dates") else None,
        months={str(m).casefold(): i for i, m in
                enumerate((d.get("dates") or {}).get("months", []), 1)},
        un_conferences=[(key, c(p)) for key, pats in (d.get("un_conferences") or {}).items()
                        for p in pats],
        script=_script(d),
    )


SCRIPTS: dict[str, tuple[tuple[int, int], ...]] = {
    "Latin": ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1E00, 0x1EFF)),
    "Cyrillic": ((0x400, 0x52F),),
    "Arabic": ((0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF),
               (0xFE70, 0xFEFF)),
    "Han": ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)),
}
"""The scripts a table may name (``script:``), as code-point ranges of their letters."""


def _script(d: dict) -> str | None:
    """The table's ``script``. Raises ``KeyError`` for a script :data:`SCRIPTS` does not have."""
    name = d.get("script")
    if name is not None and name not in SCRIPTS:
        raise KeyError(f"unknown script {name!r} (allowed: {', '.join(SCRIPTS)})")
    return name


_SCRIPT_CLASSES = {
    name: re.compile("[" + "".join(f"\\u{a:04x}-\\u{z:04x}" for a, z in ranges) + "]")
    for name, ranges in SCRIPTS.items()
}


def script_letters(text: str) -> dict[str, int]:
    """How many characters of ``text`` are letters of each script of :data:`SCRIPTS`."""
    return {name: len(p.findall(text)) for name, p in _SCRIPT_CLASSES.items()}


_GROUP_KEYS = ("ldc", "lldc", "sids", "eit")


def _country_groups(d: dict, c) -> list[tuple[re.Pattern, str]]:
    """(pattern, key) per country-group word, longest first; a word starting or ending with a
    Latin letter or digit does not match inside a longer word ("LDC" not in "LDCs").

    Raises ``KeyError`` for a group key the reference data does not have."""
    out = []
    words = []
    for key, ws in (d.get("country_groups") or {}).items():
        if key not in _GROUP_KEYS:
            raise KeyError(f"unknown country group {key!r} (allowed: {', '.join(_GROUP_KEYS)})")
        words += [(fold(w), key) for w in ws]
    for w, key in sorted(words, key=lambda x: -len(x[0])):
        p = re.escape(w)
        if re.match(r"[0-9A-Za-z]", w):
            p = r"(?<![0-9A-Za-z])" + p
        if re.search(r"[0-9A-Za-z]$", w):
            p += r"(?![0-9A-Za-z])"
        out.append((c(p), key))
    return out


# A language code in the file name: "ACP-TEST.zh.txt".
_NAME_LANGUAGE = re.compile(r"\.([A-Za-z]{2,3})\.[^.]+$")


def detect_language(r: Reading, language: str | None) -> str:
    """The code of the table to read the document with: ``language`` if given, else the code in
    the file name (``*.zh.txt``, ``*.ar.txt``), else the table whose objective and output
    headings match the most lines; of tables matching as many, the one whose script (``script:``)
    most of the document's letters are written in (words first, then script).

    Raises :class:`DocumentError` when ``language`` has no table or no table matches any line.
    """
    langs = available_languages()
    if language:
        if language not in langs:
            raise r.error(None, f"no language table for {language!r} (have: {', '.join(langs)})")
        return language
    m = _NAME_LANGUAGE.search(r.source)
    if m and m.group(1).lower() in langs:
        return m.group(1).lower()
    folded = [r.f(ln.number) for ln in r.lines]
    scores = {}
    for code in langs:
        L = load_language(code)
        s = sum(1 for t in folded
                if L.headings["objective"].match(t) or L.headings["output"].match(t))
        if s:
            scores[code] = s
    if not scores:
        raise r.error(1, "cannot tell the document's language: no objective or output "
                         "heading of any known language (not a planning document?)")
    top = max(scores.values())
    tied = [code for code in langs if scores.get(code) == top]
    if len(tied) == 1:
        return tied[0]
    letters = script_letters("\n".join(folded))  # counted only when the headings tie
    return max(tied, key=lambda code: letters.get(load_language(code).script or "", 0))
