"""Parser for ITU-D planning documents (action plans, operational plans, WTDC proposals).

Input: a Word export to text (tabs mark table cells, ``[footnoteRef:N]`` marks a footnote
reference, ``[N: ...]`` holds a footnote body that may span lines, ``[bookmark: ...]`` is a Word
leftover). Output: a :class:`~itukg.graph.records.ParsedDocument`.

Nothing about one document is in this module: the language surface (headings, list words, body
words, region and venue names, programme names) is data in ``graph/documents/lang/{code}.yaml``
(:func:`load_language`); conference venues and years come from ``graph/mapping/reference/itu/
itu_conferences.csv`` (:func:`load_conferences`). See ``docs/parser.md``.

Public API: :func:`parse_file`, :func:`parse_text`, :func:`load_language`,
:func:`available_languages`, :func:`load_conferences`.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from itukg.errors import DocumentError, ParseWarning

from itukg.graph.records import (
    BACKGROUND,
    FOOTNOTE,
    FORMAL,
    REGION_KEYS,
    REGIONAL,
    Citation,
    ConferenceMention,
    FormalLink,
    Footnote,
    Indicator,
    Line,
    Objective,
    Outcome,
    Output,
    ParsedDocument,
    ProgrammeMention,
    Project,
    QuestionSlot,
    RegionalSlot,
    TextBlock,
)

LANG_DIR = Path(__file__).parent / "lang"
CONFERENCES_CSV = Path(__file__).parent.parent / "mapping" / "reference" / "itu" / "itu_conferences.csv"

# Full-width ASCII forms → ASCII, ideographic and no-break spaces → space. One character for one
# character, so offsets found in the folded text cut the quote from the text as written.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20})


_FOLD_COMMON = (("（", "("), ("）", ")"), ("，", ","), ("：", ":"), ("；", ";"), ("　", " "))
_FOLD_RARE = re.compile("[\uff01-\uff5e\u00a0\u2002\u2003\u2009]")


def fold(text: str) -> str:
    """Map full-width punctuation, digits and letters to ASCII (length-preserving)."""
    for a, b in _FOLD_COMMON:
        if a in text:
            text = text.replace(a, b)
    if _FOLD_RARE.search(text):
        text = text.translate(_FOLD)
    return text


_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]")
_FNREF = re.compile(r"\[footnoteRef:\s*(\d+)\s*\]")
_FNBODY = re.compile(r"\[(\d+):")
# A document symbol: letters/digits with at least one slash part (ACP/22A14/4, WTDC-17/22(Add.10)).
_SYMBOL = re.compile(r"^[A-Za-z][A-Za-z0-9.-]*(?:/[A-Za-z0-9().+-]+)+$")
_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_REAL_QUESTION = re.compile(r"^\d+/\d+$")
_SDG_ITEM = re.compile(r"(?P<goal>\d+(?:\s*\.\s*[0-9A-Za-z]+)?)\s*(?:\((?P<inner>[^()]*)\))?")
_SDG_TOKEN = re.compile(r"\d+(?:\s*\.\s*)?[0-9A-Za-z]*")
_SDG_TARGET = re.compile(r"^(?P<g>\d{1,2})\s*(?:\.\s*(?P<s>\d{1,2}|[A-Za-z])|(?P<l>[A-Za-z]))$")


# --------------------------------------------------------------------------------------------
# Language tables


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
    country_groups: dict[str, list[str]]

    def body_key(self, written: str | None) -> str | None:
        if not written:
            return None
        return self.bodies.get(_norm_word(written))

    def venue(self, written: str) -> str | None:
        return self.venues.get(_norm_word(written))


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


def _norm_word(s: str) -> str:
    return re.sub(r"\s+", " ", fold(s)).strip().casefold()


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


def _compile_language(code: str, d: dict) -> LanguageTable:
    flags = re.IGNORECASE if d.get("ignore_case") else 0

    def c(p: str) -> re.Pattern:
        return re.compile(p, flags)

    seps = sorted(d["list_separators"], key=len, reverse=True)
    sep_alt = "|".join(re.escape(s) for s in seps)
    cit = d["citations"]
    bodies = {_norm_word(k): v for k, v in cit["bodies"].items()}
    body_alt = "|".join(re.escape(fold(k)) for k in sorted(cit["bodies"], key=len, reverse=True))
    number = cit["number"]
    numbers = rf"{number}(?:\s*(?:{sep_alt})\s*{number})*"

    def t(p: str) -> str:
        return p.replace("{body}", body_alt).replace("{numbers}", numbers).replace("{sep}", sep_alt)

    h = d["headings"]
    regions = []
    for key, names in d["regional"]["regions"].items():
        if key not in REGION_KEYS:
            raise KeyError(f"unknown region key {key!r} (allowed: {', '.join(REGION_KEYS)})")
        for name in sorted(names, key=len, reverse=True):
            regions.append((c(r"^" + re.escape(fold(name)) + r"$"), key))
    progs = []
    for key, pats in d["programmes"].items():
        if key == "year_before":
            continue
        for p in pats:
            progs.append((key, c(p), "" if flags else _literal_prefix(fold(p))))
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
        venues={_norm_word(k): v for k, v in d["venues"].items()},
        programmes=progs,
        quote_brackets=[(b[0], b[1]) for b in d.get("quote_brackets", [])],
        year_before=c(d["programmes"]["year_before"]),
        country_groups=d.get("country_groups", {}),
    )


# --------------------------------------------------------------------------------------------
# Conferences (reference data)


@dataclass(frozen=True)
class Conference:
    key: str  # "wtdc-14"
    body: str  # "wtdc"
    venue: str  # "Dubai"
    year: int


@functools.lru_cache(maxsize=None)
def load_conferences(path: str | None = None) -> tuple[Conference, ...]:
    """The PP and WTDC conferences (short_code, body, city, year) from the reference CSV.

    Raises :class:`DocumentError` when the file is missing or lacks a column.
    """
    p = Path(path) if path else CONFERENCES_CSV
    try:
        with p.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        return tuple(
            Conference(r["short_code"].strip().lower(), r["body"].strip().lower(),
                       r["city"].strip(), int(r["year"]))
            for r in rows if r.get("short_code")
        )
    except (OSError, KeyError, ValueError) as e:
        raise DocumentError(f"cannot read the conference table {p}: {e!r}") from e


def _conference_index() -> dict[tuple[str, int], list[Conference]]:
    idx: dict[tuple[str, int], list[Conference]] = {}
    for c in load_conferences():
        idx.setdefault((c.venue.casefold(), c.year), []).append(c)
    return idx


_CONF_INDEX: dict[tuple[str, int], list[Conference]] | None = None


def find_conferences(venue: str, year: int) -> list[Conference]:
    """Conferences that met at ``venue`` (canonical English name) in ``year``."""
    global _CONF_INDEX
    if _CONF_INDEX is None:
        _CONF_INDEX = _conference_index()
    return _CONF_INDEX.get((venue.casefold(), year), [])


# --------------------------------------------------------------------------------------------
# Entry points


def parse_file(path: str | Path, language: str | None = None) -> ParsedDocument:
    """Parse one document file.

    The language is taken from ``language``, else from the file name (``*.zh.txt``), else
    detected from the text. Raises :class:`DocumentError` (with file and line) when the file
    cannot be read, is not UTF-8, or is not a planning document of this family.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise DocumentError(f"cannot read file: {e.strerror or e}", source=str(p)) from e
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DocumentError(
            f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})",
            source=p.name, line=line,
        ) from e
    return _Parser(text, p.name, language, hashlib.sha256(data).hexdigest()).run()


def parse_text(text: str, source_name: str, language: str | None = None) -> ParsedDocument:
    """Parse a document given as text; ``source_name`` names it in warnings and errors
    (and gives the language when it ends in ``.{code}.txt``).

    Raises :class:`DocumentError` when it is not a planning document of this family.
    """
    return _Parser(text, source_name, language,
                   hashlib.sha256(text.encode("utf-8")).hexdigest()).run()


def slug_for(symbol: str, language: str) -> str:
    """Model rule: symbol lower-cased, runs of characters other than [a-z0-9] → '-', + '-' + lang."""
    base = re.sub(r"[^a-z0-9]+", "-", symbol.lower()).strip("-")
    return f"{base}-{language}"


# --------------------------------------------------------------------------------------------
# The parser


class _Parser:
    def __init__(self, text: str, source: str, language: str | None, sha: str):
        self.source = source
        self.sha = sha
        self.language = language
        raw = text.split("\n")
        if raw and raw[-1] == "":
            raw.pop()
        raw = [r[:-1] if r.endswith("\r") else r for r in raw]
        if raw and raw[0].startswith("\ufeff"):
            raw[0] = raw[0][1:]
        self.lines = [Line(i + 1, r, r) for i, r in enumerate(raw)]
        self.warnings: list[ParseWarning] = []
        self.placed: set[int] = set()
        self.consumed: set[int] = set()  # lines wholly inside a footnote body
        self.reason: dict[int, str] = {}
        self.refs: dict[int, list[int]] = {}  # line → footnote numbers referenced on it
        self.footnotes: dict[int, Footnote] = {}
        self.footnote_segments: dict[int, list[tuple[int, str]]] = {}
        self.cit_n: dict[int, int] = {}
        self.men_n: dict[int, int] = {}
        self._fl: list[str | None] = [None] * len(self.lines)

    # -- helpers -----------------------------------------------------------------------------
    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(self.source, line, message))

    def error(self, line: int | None, message: str) -> DocumentError:
        return DocumentError(message, source=self.source, line=line)

    def f(self, n: int) -> str:
        """The folded, stripped text of line n."""
        t = self._fl[n - 1]
        if t is None:
            t = self._fl[n - 1] = fold(self.lines[n - 1].text).strip()
        return t

    def place(self, n: int, section: str) -> None:
        self.placed.add(n)
        self.lines[n - 1].section = section

    # -- pipeline ----------------------------------------------------------------------------
    def run(self) -> ParsedDocument:
        if not any(ln.raw.strip() for ln in self.lines):
            raise self.error(None, "empty document")
        self._clean()
        lang = self._language()
        self.L = load_language(lang)
        self.lang = lang
        first = next(i for i, ln in enumerate(self.lines, 1) if ln.text.strip())
        marker, symbol = self._header(first)
        out_heads = [
            ln.number for ln in self.lines
            if ln.number not in self.consumed and self.L.headings["output"].match(self.f(ln.number))
        ]
        stop = out_heads[0] if out_heads else len(self.lines) + 1
        objective = self._objective(first, stop)
        if not out_heads:
            raise self.error(len(self.lines),
                             "no output section (heading like the language's 'Output 4.1 – title')"
                             " found: not a planning document of this family")
        for n in range(first, objective.line):
            if n != first or symbol is not None:
                self.lines[n - 1].section = "header"
        outcomes, table_outputs = self._results(objective.line + 1, stop)
        outputs: dict[str, Output] = {}
        for o in table_outputs:
            if o.code in outputs:
                self.warn(o.table_line or 0, f"output {o.code} appears twice in the results table")
                continue
            outputs[o.code] = o
        bounds = out_heads + [len(self.lines) + 1]
        for i, h in enumerate(out_heads):
            self._output_section(h, bounds[i + 1], outputs)
        for o in outputs.values():
            if o.heading_line is None:
                self.warn(o.table_line or 0,
                          f"output {o.code} is in the results table but has no section")
        for oc in outcomes:
            if oc.code not in outputs:  # pragma: no cover - outcomes come from rows with outputs
                self.warn(oc.lines[0], f"outcome {oc.code} has no output")
        orphan = self._footnotes(outputs)
        self._interpret(outputs, orphan)
        self._sweep()
        sym = symbol or self._symbol_from_name()
        return ParsedDocument(
            source=self.source, symbol=sym, language=lang, marker=marker,
            slug=slug_for(sym, lang), sha256=self.sha, line_count=len(self.lines),
            lines=self.lines, objective=objective, outcomes=outcomes,
            outputs=list(outputs.values()),
            footnotes=[self.footnotes[k] for k in sorted(self.footnotes)],
            orphan_footnote_blocks=orphan, warnings=self.warnings,
        )

    # -- cleaning: bookmarks, footnote bodies, footnote references ---------------------------
    def _clean(self) -> None:
        for ln in self.lines:
            if "[bookmark:" in ln.text:
                ln.text = _BOOKMARK.sub("", ln.text)
        joined = "\n".join(ln.text for ln in self.lines)
        if "[" in joined:
            starts = [0]
            for ln in self.lines[:-1]:
                starts.append(starts[-1] + len(ln.text) + 1)

            def line_of(off: int) -> int:
                lo, hi = 0, len(starts) - 1
                while lo < hi:
                    mid = (lo + hi + 1) // 2
                    if starts[mid] <= off:
                        lo = mid
                    else:
                        hi = mid - 1
                return lo + 1

            cuts: list[tuple[int, int]] = []
            pos = 0
            while True:
                m = _FNBODY.search(joined, pos)
                if not m:
                    break
                depth, j = 1, m.end()
                while j < len(joined) and depth:
                    if joined[j] == "[":
                        depth += 1
                    elif joined[j] == "]":
                        depth -= 1
                    j += 1
                if depth:
                    self.warn(line_of(m.start()),
                              f"footnote body [{m.group(1)}: has no closing ']'; left in the text")
                    pos = m.end()
                    continue
                num = int(m.group(1))
                body_start, body_end = m.end(), j - 1
                first_line = line_of(m.start())
                segs: list[tuple[int, str]] = []
                off = body_start
                for k, seg in enumerate(joined[body_start:body_end].split("\n")):
                    segs.append((line_of(off) if k == 0 else line_of(off), seg))
                    off += len(seg) + 1
                lines_spanned = sorted({first_line} | {n for n, _ in segs})
                text = "\n".join(
                    re.sub(r"\s+", " ", s).strip() for _, s in segs if s.strip()
                )
                if num in self.footnotes:
                    self.warn(first_line, f"footnote {num} has a second body; kept the first")
                else:
                    self.footnotes[num] = Footnote(num, text, lines_spanned)
                    self.footnote_segments[num] = [(n, s) for n, s in segs if s.strip()]
                cuts.append((m.start(), j))
                pos = j
            if cuts:
                pieces, prev = [], 0
                for a, b in cuts:
                    pieces.append(joined[prev:a])
                    pieces.append("\n" * joined.count("\n", a, b))
                    prev = b
                pieces.append(joined[prev:])
                new = "".join(pieces).split("\n")
                cut_lines = set()
                for a, b in cuts:
                    for n in range(line_of(a), line_of(max(a, b - 1)) + 1):
                        cut_lines.add(n)
                for ln, t in zip(self.lines, new):
                    ln.text = t
                    if ln.number in cut_lines and not t.strip():
                        self.consumed.add(ln.number)
                        ln.section = "footnotes"
        for ln in self.lines:
            if "[footnoteRef" in ln.text:
                self.refs[ln.number] = [int(x) for x in _FNREF.findall(ln.text)]
                ln.text = _FNREF.sub("", ln.text)
                for num in self.refs[ln.number]:
                    fn = self.footnotes.get(num)
                    if fn and fn.ref_line is None:
                        fn.ref_line = ln.number

    # -- language ----------------------------------------------------------------------------
    def _language(self) -> str:
        langs = available_languages()
        if self.language:
            if self.language not in langs:
                raise self.error(None, f"no language table for {self.language!r} "
                                       f"(have: {', '.join(langs)})")
            return self.language
        m = re.search(r"\.([A-Za-z]{2,3})\.[^.]+$", self.source)
        if m and m.group(1).lower() in langs:
            return m.group(1).lower()
        best, score = None, 0
        folded = [self.f(ln.number) for ln in self.lines]
        for code in langs:
            L = load_language(code)
            s = sum(
                1 for t in folded
                if L.headings["objective"].match(t) or L.headings["output"].match(t)
            )
            if s > score:
                best, score = code, s
        if best is None:
            raise self.error(1, "cannot tell the document's language: no objective or output "
                                "heading of any known language (not a planning document?)")
        return best

    # -- header and objective ----------------------------------------------------------------
    def _header(self, first: int) -> tuple[str | None, str | None]:
        t = self.f(first)
        toks = t.split()
        marker = symbol = None
        if toks and toks[0] in self.L.markers:
            marker = toks.pop(0)
        if len(toks) == 1 and _SYMBOL.match(toks[0]):
            symbol = toks[0]
        if symbol or marker:
            self.place(first, "header")
            if not symbol:
                self.warn(first, "header line has no document symbol; taken from the file name")
        else:
            self.warn(first, "no header line (marker and symbol); symbol taken from the file name")
        return marker, symbol

    def _symbol_from_name(self) -> str:
        name = Path(self.source).name
        name = re.sub(r"\.[^.]+$", "", name)  # .txt
        name = re.sub(rf"\.{re.escape(self.lang)}$", "", name, flags=re.I)
        return name or "document"

    def _objective(self, first: int, stop: int) -> Objective:
        for n in range(first, min(stop, len(self.lines) + 1)):
            if n in self.consumed:
                continue
            m = self.L.headings["objective"].match(self.f(n))
            if m:
                self.place(n, "objective")
                return Objective(m.group("code"), self._orig(n, m, "title"),
                                 self.lines[n - 1].text.strip(), n)
        raise self.error(first + 1 if first < len(self.lines) else first,
                         "no sector-objective heading (like the language's 'Objective 4 – title')"
                         " before the first output section: not a planning document of this family")

    def _orig(self, n: int, m: re.Match, group: str) -> str:
        """The text as written of a group matched on the folded, stripped line n."""
        orig = self.lines[n - 1].text.strip()
        return orig[m.start(group): m.end(group)].strip()

    # -- results table -----------------------------------------------------------------------
    def _results(self, start: int, stop: int) -> tuple[list[Outcome], list[Output]]:
        L = self.L
        cells: list[list[tuple[int, str]]] = []  # current row's cells: [(line, text as written)]
        rows: list[list[list[tuple[int, str]]]] = []
        cur: list[tuple[int, str]] | None = None
        in_header = False
        saw_header = False
        row_done = False
        for n in range(start, stop):
            if n in self.consumed:
                continue
            ln = self.lines[n - 1]
            ln.section = "results"
            t = self.f(n)
            if not t:
                if row_done:
                    cur = None
                continue
            orig = ln.text.strip()
            tabbed = ln.text.lstrip(" ").startswith("\t")
            if any(p.match(t) for p in L.results_header) and not cells:
                in_header = saw_header = True
                cur = None
                self.place(n, "results")
                continue
            if in_header and not tabbed and cur is None and not cells:
                # continuation of a header cell: "（产品和服务）"
                self.place(n, "results")
                continue
            in_header = False
            if tabbed or cur is None:
                if row_done:
                    rows.append(cells)
                    cells = []
                    row_done = False
                cur = [(n, orig)]
                cells.append(cur)
            else:
                # a line without a tab continues the current cell; a bullet after an outcome
                # cell starts the indicator cell
                if (L.indicator_bullet.match(t) and cells and cur is cells[0]
                        and not L.indicator_bullet.match(fold(cur[0][1]))
                        and not L.output_cell.match(fold(cur[0][1]))):
                    cur = [(n, orig)]
                    cells.append(cur)
                else:
                    cur.append((n, orig))
            self.place(n, "results")
            if L.output_cell.match(fold(cur[0][1])):
                row_done = True
        if cells:
            rows.append(cells)
        if not rows:
            raise self.error(start, "no results table (outcome, performance indicators, output "
                                    "rows) after the objective heading")
        if not saw_header:
            self.warn(start, "results table has no header row")
        outcomes: list[Outcome] = []
        outputs: list[Output] = []
        for row in rows:
            oc_cells, ind_cells, out_cells = [], [], []
            for cell in row:
                t0 = fold(cell[0][1])
                if L.output_cell.match(t0):
                    out_cells.append(cell)
                elif L.indicator_bullet.match(t0) or (oc_cells and not ind_cells
                                                      and not out_cells and len(row) > 2):
                    ind_cells.append(cell)
                else:
                    oc_cells.append(cell)
            first_line = row[0][0][0]
            if not out_cells:
                for cell in row:
                    for n, _ in cell:
                        self.placed.discard(n)
                        self.reason[n] = "results-table row without an output code ('4.1 - title')"
                continue
            if len(out_cells) > 1:
                self.warn(out_cells[1][0][0], "results-table row with two output cells; "
                                              "the second is ignored")
            ocell = out_cells[0]
            m = L.output_cell.match(fold(ocell[0][1]))
            code = m.group("code")
            title = ocell[0][1][m.start("title"): m.end("title")].strip()
            for _, extra in ocell[1:]:
                title = title + L.join + extra
            o = Output(code=code, short_title=title,
                       short_title_as_written=L.join.join(t for _, t in ocell),
                       table_line=ocell[0][0])
            outputs.append(o)
            if not oc_cells:
                self.warn(first_line, f"results-table row of output {code} has no outcome text")
                continue
            if len(oc_cells) > 1:
                self.warn(oc_cells[1][0][0], f"results-table row of output {code} has two "
                                             "outcome cells; joined")
            oc_lines = [n for cell in oc_cells for n, _ in cell]
            oc_text = L.join.join(t for cell in oc_cells for _, t in cell)
            outcome = Outcome(code=code, text=oc_text, lines=oc_lines)
            items: list[tuple[list[int], str]] = []
            for cell in ind_cells:
                for n, t in cell:
                    bm = L.indicator_bullet.match(fold(t))
                    if bm or not items:
                        items.append(([n], t[bm.end():].strip() if bm else t))
                    else:
                        items[-1][0].append(n)
                        items[-1] = (items[-1][0], items[-1][1] + L.join + t)
            for k, (ls, t) in enumerate(items, 1):
                outcome.indicators.append(Indicator(k, t, ls))
            if not items:
                self.warn(first_line, f"outcome {code} has no performance indicator")
            outcomes.append(outcome)
        return outcomes, outputs

    # -- output sections ---------------------------------------------------------------------
    def _output_section(self, head: int, end: int, outputs: dict[str, Output]) -> None:
        L = self.L
        m = L.headings["output"].match(self.f(head))
        code = m.group("code")
        o = outputs.get(code)
        if o is None:
            o = Output(code=code)
            outputs[code] = o
            self.warn(head, f"output {code} has a section but no row in the results table")
        if o.heading_line is not None:
            self.warn(head, f"second section for output {code}; its content is added to the first")
        else:
            o.heading_line = head
            o.title = self._orig(head, m, "title")
        self.place(head, f"output/{code}")
        keys = ("background", "implementation", "regional-initiatives", "questions", "references")
        parts: dict[str, list[int]] = {}
        current: str | None = None
        for n in range(head + 1, end):
            if n in self.consumed:
                continue
            t = self.f(n)
            sec = f"output/{code}" + (f"/{current}" if current else "")
            if not t:
                self.lines[n - 1].section = sec
                continue
            h = _SECTION_NUMBER.sub("", t)
            hit = next((k for k in keys if L.headings[k].match(h)), None)
            if hit:
                current = hit
                o.sections.add(hit)
                self.place(n, f"output/{code}/{hit}")
                parts.setdefault(hit, [])
                continue
            self.lines[n - 1].section = sec
            if current is None:
                self.reason[n] = f"text before the first subsection of output {code}"
                continue
            parts[current].append(n)
        for k in keys:
            if k not in o.sections:
                self.warn(head, f"output {code} has no {k} section")
        if "background" in parts:
            self._background(o, parts["background"])
        if "implementation" in parts:
            self._implementation(o, parts["implementation"])
        if "regional-initiatives" in parts:
            self._regional(o, parts["regional-initiatives"])
        if "questions" in parts:
            self._questions(o, parts["questions"])
        if "references" in parts:
            self._references(o, parts["references"])

    def _block(self, o: Output, ordinal: int, n: int, text: str, role: str) -> TextBlock:
        b = TextBlock(ordinal, text, [n], footnotes=list(self.refs.get(n, [])))
        self._scan(b, n, text, role, o.code)
        return b

    def _background(self, o: Output, ns: list[int]) -> None:
        for n in ns:
            text = self.lines[n - 1].text.strip()
            o.background.append(self._block(o, len(o.background) + 1, n, text, BACKGROUND))
            self.place(n, f"output/{o.code}/background")

    def _implementation(self, o: Output, ns: list[int]) -> None:
        L = self.L
        sec = f"output/{o.code}/implementation"
        p = Project(title=None, title_line=None)
        for n in ns:
            orig = self.lines[n - 1].text.strip()
            t = fold(orig)
            m = L.project.match(t)
            if m and p.title is None:
                p.title = orig[m.start("title"): m.end("title")].strip()
                p.title_line = n
                p.lines.append(n)
            elif L.activities_intro.match(t):
                p.lines.append(n)
            elif (bm := L.bullet.match(t)):
                text = orig[bm.end():].strip()
                p.activities.append(self._block(o, len(p.activities) + 1, n, text, BACKGROUND))
                p.lines.append(n)
            else:
                p.descriptions.append(self._block(o, len(p.descriptions) + 1, n, orig, BACKGROUND))
                p.lines.append(n)
            self.place(n, sec)
        if p.title is None:
            self.warn(ns[0] if ns else (o.heading_line or 0),
                      f"output {o.code}: implementation framework has no project title")
        o.project = p

    def _regional(self, o: Output, ns: list[int]) -> None:
        L = self.L
        sec = f"output/{o.code}/regional-initiatives"
        in_table = False
        slot: RegionalSlot | None = None
        seen: dict[str, RegionalSlot] = {}
        for n in ns:
            raw = self.lines[n - 1].text
            orig = raw.strip()
            t = fold(orig)
            tabbed = raw.lstrip(" ").startswith("\t")
            if L.regional_header.match(t):
                in_table = True
                self.place(n, sec)
                continue
            key = next((k for p, k in L.regions if p.match(t)), None)
            inline: list[str] = []
            if key is None and tabbed:
                # a row written on one line: "\t非洲区域\tAFR1：…"
                cells = [c.strip() for c in raw.split("\t") if c.strip()]
                if len(cells) > 1:
                    key = next((k for p, k in L.regions if p.match(fold(cells[0]))), None)
                    if key:
                        orig, inline = cells[0], cells[1:]
            if key and (tabbed or in_table):
                in_table = True
                if key in seen:
                    self.warn(n, f"output {o.code}: region {key} appears twice; "
                                 "its initiatives are added to the first row")
                    slot = seen[key]
                else:
                    slot = RegionalSlot(key, orig, n)
                    seen[key] = slot
                    o.regional_slots.append(slot)
                for cell in inline:
                    self._initiative(o, slot, n, cell)
                self.place(n, sec)
                continue
            if not in_table and not tabbed:
                o.regional_intro.append(self._block(o, len(o.regional_intro) + 1, n, orig, REGIONAL))
                self.place(n, sec)
                continue
            if slot is None:
                self.reason[n] = f"output {o.code}: regional-initiative cell before any region"
                continue
            self._initiative(o, slot, n, orig)
            self.place(n, sec)
        missing = [k for k in REGION_KEYS if k not in seen]
        if missing and (in_table or seen):
            self.warn(ns[0] if ns else (o.heading_line or 0),
                      f"output {o.code}: regional-initiatives table has no row for "
                      + ", ".join(missing))
        elif not seen:
            self.warn(ns[0] if ns else (o.heading_line or 0),
                      f"output {o.code}: regional-initiatives section has no table")

    def _initiative(self, o: Output, slot: RegionalSlot, n: int, orig: str) -> None:
        bm = self.L.initiative_bullet.match(fold(orig))
        text = orig[bm.end():].strip() if bm else orig
        slot.initiatives.append(self._block(o, len(slot.initiatives) + 1, n, text, REGIONAL))

    def _questions(self, o: Output, ns: list[int]) -> None:
        L = self.L
        sec = f"output/{o.code}/questions"
        for n in ns:
            raw = self.lines[n - 1].text
            orig = raw.strip()
            t = fold(orig)
            tabbed = raw.lstrip(" ").startswith("\t")
            ms = list(L.question.finditer(t))
            if ms:
                for m in ms:
                    code = re.sub(r"\s+", "", m.group("code"))
                    real = bool(_REAL_QUESTION.match(code))
                    o.question_slots.append(QuestionSlot(
                        len(o.question_slots) + 1, orig[m.start(): m.end()], n,
                        code if real else None))
                self.place(n, sec)
            elif not tabbed and L.question_intro.search(t):
                self.place(n, sec)
            else:
                self.reason[n] = (f"output {o.code}: cannot read a study-group Question "
                                  "in this line")

    def _references(self, o: Output, ns: list[int]) -> None:
        L = self.L
        sec = f"output/{o.code}/references"
        for n in ns:
            orig = self.lines[n - 1].text.strip()
            t = fold(orig)
            if any(p.match(t) for p in L.references_sub):
                self.place(n, sec)
                continue
            m = L.sdg_line.search(t)
            if m:
                om = L.sdg_output.search(t[: m.start()])
                if om and om.group("output") != o.code:
                    self.warn(n, f"SDG line names output {om.group('output')} in the section of "
                                 f"output {o.code}; attached to {o.code} as placed")
                self._sdg(o, n, orig, t, m.start("list"), m.end("list"))
                self.place(n, sec)
                continue
            m = L.wsis_line.search(t)
            if m:
                found = False
                for cm in L.wsis_code.finditer(t, m.start("codes"), m.end("codes")):
                    value = f"C{int(cm.group('n'))}"
                    if cm.group("sub"):
                        value += "." + cm.group("sub").lower()
                    if not any(w.value == value for w in o.wsis):
                        o.wsis.append(FormalLink(value, orig[cm.start(): cm.end()], n))
                    found = True
                if found:
                    self._check_supports(o, n, t)
                    self.place(n, sec)
                else:
                    self.reason[n] = "WSIS line without action-line codes (C1-C11)"
                continue
            b = TextBlock(0, orig, [n])
            self._scan(b, n, orig, FORMAL, o.code, citations_only=True)
            if b.citations:
                o.formal_citations.extend(b.citations)
                self._check_supports(o, n, t)
                self.place(n, sec)
            else:
                self.reason[n] = f"output {o.code}: cannot read this line of the references"

    def _check_supports(self, o: Output, n: int, t: str) -> None:
        m = self.L.supports.search(t)
        if not m:
            return
        if m.group("output") != o.code:
            self.warn(n, f"line names output {m.group('output')} in the section of output "
                         f"{o.code}; links attached to {o.code} as placed")
        if m.group("outcome") != o.code:
            self.warn(n, f"line names outcome {m.group('outcome')} for output {o.code}")

    def _sdg(self, o: Output, n: int, orig: str, t: str, a: int, b: int) -> None:
        seg = t[a:b]
        for m in _SDG_ITEM.finditer(seg):
            goal_w = m.group("goal")
            if "." in goal_w:
                value = self._target(n, goal_w)
                if value:
                    self.warn(n, f"SDG target {goal_w} listed outside a goal's parentheses")
                    self._add_target(o, value, orig[a + m.start("goal"): a + m.end("goal")], n, None)
                continue
            goal = str(int(goal_w))
            if not any(g.value == goal for g in o.goals):
                o.goals.append(FormalLink(goal, orig[a + m.start("goal"): a + m.end("goal")], n))
            if m.group("inner") is None:
                continue
            ia = a + m.start("inner")
            for tm in _SDG_TOKEN.finditer(m.group("inner")):
                tok_w = orig[ia + tm.start(): ia + tm.end()]
                value = self._target(n, tm.group())
                if value:
                    self._add_target(o, value, tok_w, n, goal)

    def _target(self, n: int, token: str) -> str | None:
        m = _SDG_TARGET.match(token.strip())
        if not m:
            self.warn(n, f"cannot read SDG target {token!r}")
            return None
        sub = m.group("s") or m.group("l")
        sub = sub.lower() if sub.isalpha() else str(int(sub))
        return f"{int(m.group('g'))}.{sub}"

    @staticmethod
    def _add_target(o: Output, value: str, written: str, n: int, goal: str | None) -> None:
        if not any(x.value == value and x.listed_under_goal == goal for x in o.targets):
            o.targets.append(FormalLink(value, written, n, goal))

    # -- scanning free text for citations and mentions ---------------------------------------
    def _scan(self, b: TextBlock, n: int, text: str, role: str, output: str | None,
              citations_only: bool = False) -> None:
        L = self.L
        t = fold(text)
        spans: list[tuple[int, int]] = []
        carried: tuple[str, str | None] | None = None  # (body key, as written) in this sentence
        prev_end = 0
        cands = L.resolution.finditer(t) if L.resolution_prefix in t else ()
        for m in cands:
            if carried and L.sentence_end.search(t, prev_end, m.start()):
                carried = None
            # (the body words before the phrase are searched from the end of the previous one)
            start, end = m.start(), m.end()
            body_w = None
            off = max(prev_end, start - L.body_window)
            bm = L.body_before.search(t[off:start])
            if bm:
                body_w = text[off + bm.start("body"): off + bm.end("body")]
                start = off + bm.start()
            pm = L.paren.match(t, end)
            paren_w = year = venue_w = venue = None
            is_rev = None
            if pm and self._paren_has_year(pm.group("inner")):
                year, venue_w, is_rev = self._read_paren(n, text[pm.start("inner"): pm.end("inner")])
                venue = L.venue(venue_w) if venue_w else None
                if venue_w and not venue:
                    self.warn(n, f"unknown venue {venue_w!r} (not in the {L.code} venue table)")
                paren_w = text[pm.start(): pm.end()].strip()
                end = pm.end()
            if L.body_after is not None:
                am = L.body_after.match(t, end)
                if am:
                    body_w = body_w or text[am.start("body"): am.end("body")]
                    end = am.end()
            quote = text[start: end].strip()
            body = L.body_key(body_w)
            implicit = False
            if body_w:
                carried = (body, body_w)
            elif carried:
                body, implicit = carried[0], True
            nums = m.group("numbers")
            na = m.start("numbers")
            for nm in L.number.finditer(nums):
                nw = text[na + nm.start(): na + nm.end()]
                c = Citation(
                    line=n, quote=quote, role=role, number_as_written=nw,
                    body_as_written=body_w or None, body=body, body_implicit=implicit,
                    number=int(nw) if nw.isdigit() else None,
                    paren_as_written=paren_w, year=year, venue_as_written=venue_w,
                    venue=venue, is_revision=is_rev, output=output,
                )
                self.cit_n[n] = c.n = self.cit_n.get(n, 0) + 1
                b.citations.append(c)
            spans.append((start, end))
            prev_end = end
        if citations_only:
            return
        found: list[tuple[int, object]] = []
        for m in (L.conf_mention.finditer(t) if "(" in t else ()):
            if any(a <= m.start() < z for a, z in spans):
                continue
            pm = L.paren.match(t, m.end())
            if not pm or not self._paren_has_year(pm.group("inner")):
                continue
            year, venue_w, _ = self._read_paren(n, text[pm.start("inner"): pm.end("inner")])
            venue = L.venue(venue_w) if venue_w else None
            if venue_w and not venue:
                self.warn(n, f"unknown venue {venue_w!r} (not in the {L.code} venue table)")
            bw = text[m.start("body"): m.end("body")]
            found.append((m.start(), ConferenceMention(
                n, text[m.start(): pm.end()].strip(), bw, L.body_key(bw), year, venue_w, venue,
                output)))
            spans.append((m.start(), pm.end()))
        if L.conf_code is not None:
            for m in (L.conf_code.finditer(t) if "-" in t else ()):
                if any(a <= m.start() < z for a, z in spans):
                    continue
                code = m.group("code")
                found.append((m.start(), ConferenceMention(
                    n, text[m.start(): m.end()], code.split("-")[0], code.split("-")[0].lower(),
                    None, None, None, output, conference=code.lower())))
        progs: list[tuple[int, int, str]] = []
        for key, p, pre in L.programmes:
            if pre not in t:
                continue
            for pm in p.finditer(t):
                a, z = pm.span()
                for op, cl in L.quote_brackets:
                    if a > 0 and t[a - 1] == op and t.startswith(cl, z):
                        a, z = a - 1, z + 1
                        break
                progs.append((a, z, key))
        progs.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        taken: list[tuple[int, int]] = []
        for a, z, key in progs:
            if any(a < tz and ta < z for ta, tz in taken):
                continue
            taken.append((a, z))
            ym = L.year_before.search(t[max(0, a - 20): a])
            found.append((a, ProgrammeMention(
                n, text[a:z], key, int(ym.group("year")) if ym else None, output)))
        found.sort(key=lambda x: x[0])
        for _, men in found:
            self.men_n[n] = men.n = self.men_n.get(n, 0) + 1
            if isinstance(men, ConferenceMention):
                b.conference_mentions.append(men)
            else:
                b.programme_mentions.append(men)

    def _paren_has_year(self, inner: str) -> bool:
        return any(self.L.year.match(p.strip()) for p in self.L.paren_sep.split(inner))

    def _read_paren(self, n: int, inner_w: str) -> tuple[int | None, str | None, bool]:
        """(year, venue as written, revision?) from the inside of '（2014年，迪拜，修订版）'."""
        L = self.L
        year = venue_w = None
        rev = False
        inner = fold(inner_w)
        pos = 0
        for part in L.paren_sep.split(inner):
            start = inner.find(part, pos)
            pos = start + len(part)
            p = part.strip()
            if not p:
                continue
            stripped = L.revision.sub("", p).strip(" .")
            if stripped != p.strip(" ."):
                rev = True
            ym = L.year.match(stripped)
            if ym:
                year = int(ym.group("year"))
            elif stripped:
                if venue_w is not None:
                    self.warn(n, f"two venues in one parenthesis ({inner_w!r}); kept the first")
                    continue
                off = inner.find(stripped, start)
                venue_w = inner_w[off: off + len(stripped)]
        return year, venue_w, rev

    # -- footnotes ---------------------------------------------------------------------------
    def _footnotes(self, outputs: dict[str, Output]) -> list[TextBlock]:
        orphan: list[TextBlock] = []
        line_output: dict[int, Output] = {}
        for o in outputs.values():
            for b in o.blocks():
                for n in b.lines:
                    line_output[n] = o
        for num in sorted(self.footnotes):
            fn = self.footnotes[num]
            o = line_output.get(fn.ref_line) if fn.ref_line else None
            if fn.ref_line is None:
                self.warn(fn.lines[0], f"footnote {num} is never referenced")
            b = TextBlock(num, fn.text, list(fn.lines))
            for n, seg in self.footnote_segments.get(num, []):
                self._scan(b, n, seg, FOOTNOTE, o.code if o else None)
            for n in fn.lines:
                self.placed.add(n)
                if self.lines[n - 1].section is None:
                    self.lines[n - 1].section = "footnotes"
            (o.footnote_blocks if o else orphan).append(b)
        for n, nums in self.refs.items():
            for num in nums:
                if num not in self.footnotes:
                    self.warn(n, f"footnote reference {num} has no footnote body")
        return orphan

    # -- interpretation by named rules -------------------------------------------------------
    def _interpret(self, outputs: dict[str, Output], orphan: list[TextBlock]) -> None:
        blocks = [b for o in outputs.values() for b in o.blocks()] + orphan
        cits = [c for b in blocks for c in b.citations]
        cits += [c for o in outputs.values() for c in o.formal_citations]
        for c in cits:
            conf = None
            if c.year is not None and c.venue:
                confs = find_conferences(c.venue, c.year)
                if len(confs) > 1 and c.body:
                    confs = [x for x in confs if x.body == c.body] or confs
                if len(confs) == 1:
                    conf = confs[0]
                    c.conference = conf.key
                elif len(confs) > 1:
                    self.warn(c.line, f"{c.venue} {c.year}: several conferences met there; "
                                      "none chosen")
            body, rule = c.body, "as-written"
            if body is None:
                if conf is not None:
                    body, rule = conf.body, "body-from-conference"
                else:
                    self.warn(c.line, f"resolution {c.number_as_written} ({c.quote!r}) names no "
                                      "issuing body and no known conference: not linked")
                    continue
            key = _resolution_key(body, c.number_as_written)
            if key is None:
                self.warn(c.line, f"cannot read resolution number {c.number_as_written!r} "
                                  f"for body {body}")
                continue
            c.resolution, c.rule = key, rule
        for b in blocks:
            for m in b.conference_mentions:
                if m.conference is None and m.year is not None and m.venue:
                    confs = find_conferences(m.venue, m.year)
                    if len(confs) > 1 and m.body:
                        confs = [x for x in confs if x.body == m.body] or confs
                    if len(confs) == 1:
                        m.conference = confs[0].key

    # -- final sweep: every line placed or warned --------------------------------------------
    def _sweep(self) -> None:
        for ln in self.lines:
            n = ln.number
            if n in self.placed or n in self.consumed or not ln.text.strip():
                continue
            msg = self.reason.get(n) or f"cannot place this line (section {ln.section or '?'})"
            self.warn(n, f"{msg}: {_short(ln.text)}")
        self.warnings.sort(key=lambda w: w.line)


def _resolution_key(body: str, written: str) -> str | None:
    w = unicodedata.normalize("NFKC", written).strip()
    if body == "unga":
        w = re.sub(r"^A/RES/", "", w, flags=re.I)
        return "unga/" + re.sub(r"[^0-9A-Za-z]+", "-", w).strip("-") if w else None
    if not w.isdigit():
        return None
    return f"{body}/{int(w)}"


def _short(s: str, n: int = 60) -> str:
    s = s.strip()
    return s if len(s) <= n else s[: n - 1] + "…"
