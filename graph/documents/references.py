"""The references subsection of an output: its formal links.

"Implementation of WTDC Resolutions 17, 21 and 30 will support Output 4.1 ..." (citations with
role ``formal``), "WSIS action lines C2, C7.e-health ..." and "Output 4.1 will contribute to the
following UN SDGs: 1 (targets 1.4, 1.5), 9 ..." (goals and targets).
"""

from __future__ import annotations

import re

from itukg.graph.documents.citations import scan
from itukg.graph.documents.language import LanguageTable
from itukg.graph.documents.lines import Reading, fold
from itukg.graph.records import FORMAL, FormalLink, Output, TextBlock

_SDG_ITEM = re.compile(r"(?P<goal>\d+(?:\s*\.\s*[0-9A-Za-z]+)?)\s*(?:\((?P<inner>[^()]*)\))?")
_SDG_TOKEN = re.compile(r"\d+(?:\s*\.\s*)?[0-9A-Za-z]*")
_SDG_TARGET = re.compile(r"^(?P<g>\d{1,2})\s*(?:\.\s*(?P<s>\d{1,2}|[A-Za-z])|(?P<l>[A-Za-z]))$")


def references(r: Reading, L: LanguageTable, o: Output, ns: list[int]) -> None:
    """Read the lines ``ns`` of output ``o``'s references subsection into its formal links;
    a line with no link is left unplaced with a reason."""
    sec = f"output/{o.code}/references"
    for n in ns:
        orig = r.text(n)
        t = fold(orig)
        if any(p.match(t) for p in L.references_sub):
            r.place(n, sec)
            continue
        m = L.sdg_line.search(t)
        if m:
            om = L.sdg_output.search(t[: m.start()])
            if om and om.group("output") != o.code:
                r.warn(n, f"SDG line names output {om.group('output')} in the section of "
                          f"output {o.code}; attached to {o.code} as placed")
            _sdg(r, o, n, orig, t, m.start("list"), m.end("list"))
            r.place(n, sec)
            continue
        m = L.wsis_line.search(t)
        if m:
            if _wsis(L, o, n, orig, t, m):
                _check_supports(r, L, o, n, t)
                r.place(n, sec)
            else:
                r.reason[n] = "WSIS line without action-line codes (C1-C11)"
            continue
        b = TextBlock(0, orig, [n])
        scan(r, L, b, n, orig, FORMAL, o.code, citations_only=True)
        if b.citations:
            o.formal_citations.extend(b.citations)
            _check_supports(r, L, o, n, t)
            r.place(n, sec)
        else:
            r.reason[n] = f"output {o.code}: cannot read this line of the references"


def _wsis(L: LanguageTable, o: Output, n: int, orig: str, t: str, m: re.Match) -> bool:
    """Add the action lines ("C7.e-health") of a WSIS line; whether it named any."""
    found = False
    for cm in L.wsis_code.finditer(t, m.start("codes"), m.end("codes")):
        value = f"C{int(cm.group('n'))}"
        if cm.group("sub"):
            value += "." + cm.group("sub").lower()
        if not any(w.value == value for w in o.wsis):
            o.wsis.append(FormalLink(value, orig[cm.start(): cm.end()], n))
        found = True
    return found


def _check_supports(r: Reading, L: LanguageTable, o: Output, n: int, t: str) -> None:
    """Warn when "will support Output X and contribute to Outcome Y" names another output."""
    m = L.supports.search(t)
    if not m:
        return
    if m.group("output") != o.code:
        r.warn(n, f"line names output {m.group('output')} in the section of output "
                  f"{o.code}; links attached to {o.code} as placed")
    if m.group("outcome") != o.code:
        r.warn(n, f"line names outcome {m.group('outcome')} for output {o.code}")


def _sdg(r: Reading, o: Output, n: int, orig: str, t: str, a: int, b: int) -> None:
    """Goals and targets from the list ``t[a:b]``: "1 (targets 1.4, 1.5), 9.c"."""
    seg = t[a:b]
    for m in _SDG_ITEM.finditer(seg):
        goal_w = m.group("goal")
        if "." in goal_w:
            value = _target(r, n, goal_w)
            if value:
                r.warn(n, f"SDG target {goal_w} listed outside a goal's parentheses")
                _add_target(o, value, orig[a + m.start("goal"): a + m.end("goal")], n, None)
            continue
        goal = str(int(goal_w))
        if not any(g.value == goal for g in o.goals):
            o.goals.append(FormalLink(goal, orig[a + m.start("goal"): a + m.end("goal")], n))
        if m.group("inner") is None:
            continue
        ia = a + m.start("inner")
        for tm in _SDG_TOKEN.finditer(m.group("inner")):
            tok_w = orig[ia + tm.start(): ia + tm.end()]
            value = _target(r, n, tm.group())
            if value:
                _add_target(o, value, tok_w, n, goal)


def _target(r: Reading, n: int, token: str) -> str | None:
    """The target code ("9.c") of a written token, or None (with a warning)."""
    m = _SDG_TARGET.match(token.strip())
    if not m:
        r.warn(n, f"cannot read SDG target {token!r}")
        return None
    sub = m.group("s") or m.group("l")
    sub = sub.lower() if sub.isalpha() else str(int(sub))
    return f"{int(m.group('g'))}.{sub}"


def _add_target(o: Output, value: str, written: str, n: int, goal: str | None) -> None:
    if not any(x.value == value and x.listed_under_goal == goal for x in o.targets):
        o.targets.append(FormalLink(value, written, n, goal))
