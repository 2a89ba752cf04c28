"""The head of a document: header line (marker, symbol), sector objective, results table.

The results table lists, per row, an outcome, its performance indicators and the output that
serves it ("4.1 – title"). In a text export a table cell starts with a tab; a line without one
continues the cell above, except that a bullet after an outcome cell starts the indicator cell.
"""

from __future__ import annotations

import re
from pathlib import Path

from itukg.graph.documents.identity import parse_symbol
from itukg.graph.documents.language import LanguageTable
from itukg.graph.documents.lines import Reading, fold, short
from itukg.graph.records import Indicator, Objective, Outcome, Output

# A document symbol: letters/digits with at least one slash part (ACP/22A14/4, WTDC-17/22(Add.10)).
_SYMBOL = re.compile(r"^[A-Za-z][A-Za-z0-9.-]*(?:/[A-Za-z0-9().+-]+)+$")

Cell = list[tuple[int, str]]  # (line, text as written)


def header(r: Reading, L: LanguageTable, first: int) -> tuple[str | None, str | None]:
    """(marker, symbol) from the first line ("MOD ACP/22A14/4"); warns when either is missing.

    A revision or addendum after the symbol ("ACP/22A14/2 (Rev.1)", "... Addendum 1") is part of
    the identity: the symbol returned is the canonical one, ``ACP/22A14/2(Rev.1)``. Raises nothing.
    """
    toks = r.f(first).split()
    marker = symbol = None
    if toks and toks[0] in L.markers:
        marker = toks.pop(0)
    ident = parse_symbol(" ".join(toks)) if toks else None
    if ident and " " not in ident.base and _SYMBOL.match(ident.base):
        symbol = ident.symbol
    if symbol or marker:
        r.place(first, "header")
        if not symbol:
            r.warn(first, "header line has no document symbol; taken from the file name")
    else:
        r.warn(first, "no header line (marker and symbol); symbol taken from the file name")
    return marker, symbol


def symbol_from_name(source: str, lang: str) -> str:
    """The symbol a file name stands for: ``ACP-TEST.zh.txt`` → ``ACP-TEST``."""
    name = Path(source).name
    name = re.sub(r"\.[^.]+$", "", name)  # .txt
    name = re.sub(rf"\.{re.escape(lang)}$", "", name, flags=re.I)
    return name or "document"


def objective(r: Reading, L: LanguageTable, first: int, stop: int) -> Objective:
    """The sector-objective heading before line ``stop``.

    Raises :class:`DocumentError` when there is none (not a planning document of this family).
    """
    for n in range(first, min(stop, len(r.lines) + 1)):
        if n in r.consumed:
            continue
        m = L.headings["objective"].match(r.f(n))
        if m:
            r.place(n, "objective")
            return Objective(m.group("code"), r.orig(n, m, "title"), r.text(n), n)
    raise r.error(first + 1 if first < len(r.lines) else first,
                  "no sector-objective heading (like the language's 'Objective 4 – title')"
                  " before the first output section: not a planning document of this family")


def results(r: Reading, L: LanguageTable, start: int,
            stop: int) -> tuple[list[Outcome], list[Output]]:
    """The outcomes (with indicators) and outputs of the results table in lines start..stop-1.

    Raises :class:`DocumentError` when there is no table row at all.
    """
    rows = _rows(r, L, start, stop)
    outcomes: list[Outcome] = []
    outputs: list[Output] = []
    for row in rows:
        _read_row(r, L, row, outcomes, outputs)
    return outcomes, outputs


def _rows(r: Reading, L: LanguageTable, start: int, stop: int) -> list[list[Cell]]:
    """The table's rows as lists of cells; a row ends with its output cell."""
    cells: list[Cell] = []  # the current row's cells
    rows: list[list[Cell]] = []
    cur: Cell | None = None
    in_header = saw_header = row_done = False
    for n in range(start, stop):
        if n in r.consumed:
            continue
        ln = r.lines[n - 1]
        ln.section = "results"
        t = r.f(n)
        if not t:
            if row_done:
                cur = None
            continue
        orig = ln.text.strip()
        tabbed = ln.text.lstrip(" ").startswith("\t")
        if any(p.match(t) for p in L.results_header) and not cells:
            in_header = saw_header = True
            cur = None
            r.place(n, "results")
            continue
        if in_header and not tabbed and cur is None and not cells:
            # continuation of a header cell whose words the table does not know: kept out of the
            # records, so said (no silent loss)
            r.warn(n, f"read as a continuation of the results-table header, not as a row: "
                      f"{short(orig)}")
            r.place(n, "results")
            continue
        in_header = False
        if tabbed or cur is None:
            if row_done:
                rows.append(cells)
                cells = []
                row_done = False
            cur = [(n, orig)]
            cells.append(cur)
        elif _starts_indicators(L, t, cells, cur):
            cur = [(n, orig)]
            cells.append(cur)
        else:
            cur.append((n, orig))  # a line without a tab continues the current cell
        r.place(n, "results")
        if L.output_cell.match(fold(cur[0][1])):
            row_done = True
    if cells:
        rows.append(cells)
    if not rows:
        raise r.error(start, "no results table (outcome, performance indicators, output "
                             "rows) after the objective heading")
    if not saw_header:
        r.warn(start, "results table has no header row")
    return rows


def _starts_indicators(L: LanguageTable, t: str, cells: list[Cell], cur: Cell) -> bool:
    """Whether untabbed line ``t`` is a bullet right after an outcome cell (the indicators)."""
    return bool(L.indicator_bullet.match(t) and cells and cur is cells[0]
                and not L.indicator_bullet.match(fold(cur[0][1]))
                and not L.output_cell.match(fold(cur[0][1])))


def _read_row(r: Reading, L: LanguageTable, row: list[Cell], outcomes: list[Outcome],
              outputs: list[Output]) -> None:
    """Add the output (and outcome) of one row; a row without an output cell is left unplaced."""
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
                r.placed.discard(n)
                r.reason[n] = "results-table row without an output code ('4.1 - title')"
        return
    if len(out_cells) > 1:
        r.warn(out_cells[1][0][0], "results-table row with two output cells; "
                                   "the second is ignored")
    ocell = out_cells[0]
    m = L.output_cell.match(fold(ocell[0][1]))
    code = m.group("code")
    title = ocell[0][1][m.start("title"): m.end("title")].strip()
    for _, extra in ocell[1:]:
        title = title + L.join + extra
    outputs.append(Output(code=code, short_title=title,
                          short_title_as_written=L.join.join(t for _, t in ocell),
                          table_line=ocell[0][0]))
    if not oc_cells:
        r.warn(first_line, f"results-table row of output {code} has no outcome text")
        return
    if len(oc_cells) > 1:
        r.warn(oc_cells[1][0][0], f"results-table row of output {code} has two "
                                  "outcome cells; joined")
    outcome = Outcome(code=code, text=L.join.join(t for cell in oc_cells for _, t in cell),
                      lines=[n for cell in oc_cells for n, _ in cell])
    outcome.indicators.extend(_indicators(L, ind_cells))
    if not outcome.indicators:
        r.warn(first_line, f"outcome {code} has no performance indicator")
    outcomes.append(outcome)


def _indicators(L: LanguageTable, ind_cells: list[Cell]) -> list[Indicator]:
    """One indicator per bullet; a line without a bullet continues the one before."""
    items: list[tuple[list[int], str]] = []
    for cell in ind_cells:
        for n, t in cell:
            bm = L.indicator_bullet.match(fold(t))
            if bm or not items:
                items.append(([n], t[bm.end():].strip() if bm else t))
            else:
                items[-1][0].append(n)
                items[-1] = (items[-1][0], items[-1][1] + L.join + t)
    return [Indicator(k, t, ls) for k, (ls, t) in enumerate(items, 1)]
