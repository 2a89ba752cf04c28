"""Citations and mentions in free text, and their interpretation against the conferences.

:func:`scan` reads one line of a text block: resolution citations ("WTDC Resolution 37
(Rev. Kigali, 2022)"), conference mentions ("PP (Busan, 2014)", "WTDC-17") and programme
mentions ("Istanbul Programme of Action"). :func:`interpret` then names each citation's
resolution by named rules (``as-written``, ``body-from-conference``), once every block is read.
"""

from __future__ import annotations

import re
import unicodedata

from itukg.graph.documents.conferences import Conference, find_conferences
from itukg.graph.documents.language import LanguageTable
from itukg.graph.documents.lines import Reading, fold
from itukg.graph.records import (
    BACKGROUND,
    FOOTNOTE,
    Citation,
    ConferenceMention,
    CountryGroupMention,
    DateMention,
    Output,
    ProgrammeMention,
    TextBlock,
    UNConferenceMention,
)


def scan(r: Reading, L: LanguageTable, b: TextBlock, n: int, text: str, role: str,
         output: str | None, citations_only: bool = False) -> None:
    """Add the citations (and, unless ``citations_only``, the mentions) of line ``n``'s
    ``text`` to block ``b``, numbered per line. Warns about unknown venues; raises nothing."""
    t = fold(text)
    spans = _citations(r, L, b, n, text, t, role, output)
    if citations_only:
        return
    found = _conference_mentions(r, L, n, text, t, output, spans)
    progs = _programme_mentions(L, n, text, t, output)
    found += progs
    found.sort(key=lambda x: x[0])
    for _, men in found:
        r.men_n[n] = men.n = r.men_n.get(n, 0) + 1
        if isinstance(men, ConferenceMention):
            b.conference_mentions.append(men)
        else:
            b.programme_mentions.append(men)
    # country groups and dates are numbered after the mentions above, so those keep their IRIs
    taken = spans + [(a, a + len(m.quote)) for a, m in progs]
    taken += [(a - len(ym.group()), a) for a, _ in progs
              if (ym := L.year_before.search(t[max(0, a - 20): a]))]
    if L.year_after is not None:  # "... d'Istanbul de 2011": the programme's year, not a date
        taken += [(z, z + len(ym.group())) for a, m in progs
                  if (ym := L.year_after.match(t[(z := a + len(m.quote)):]))]
    later: list[tuple[int, object]] = _country_group_mentions(L, n, text, t, output, taken)
    if role in (BACKGROUND, FOOTNOTE):
        later += _date_mentions(L, n, text, t, output, taken)
    later.sort(key=lambda x: x[0])
    for _, men in later:
        r.men_n[n] = men.n = r.men_n.get(n, 0) + 1
        if isinstance(men, CountryGroupMention):
            b.country_group_mentions.append(men)
        else:
            b.date_mentions.append(men)
    # UN conferences (not ITU ones) last, so the mentions above keep their IRIs; a country group
    # or a year inside a conference's name is still a mention of its own ("... on LDCs")
    for _, men in _un_conference_mentions(L, n, text, t, output, spans):
        r.men_n[n] = men.n = r.men_n.get(n, 0) + 1
        b.un_conference_mentions.append(men)


def _free(a: int, z: int, taken: list[tuple[int, int]]) -> bool:
    return not any(a < tz and ta < z for ta, tz in taken)


def _country_group_mentions(L: LanguageTable, n: int, text: str, t: str, output: str | None,
                            taken: list[tuple[int, int]]) -> list[tuple]:
    """``(offset, CountryGroupMention)`` for each country-group word of the table outside the
    spans ``taken`` (a programme's name such as "SIDS Accelerated Modalities" is not a group's
    mention); of overlapping words the longest wins."""
    found: list[tuple[int, object]] = []
    seen = list(taken)
    hits = [(m.start(), m.end(), key) for p, key in L.country_group_patterns
            for m in p.finditer(t)]
    hits.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    for a, z, key in hits:
        if _free(a, z, seen):
            seen.append((a, z))
            found.append((a, CountryGroupMention(n, text[a:z], key, output)))
    return found


def _un_conference_mentions(L: LanguageTable, n: int, text: str, t: str, output: str | None,
                            taken: list[tuple[int, int]]) -> list[tuple]:
    """``(offset, UNConferenceMention)`` for each name of a UN conference that is not an ITU
    conference (the table's ``un_conferences``) outside the spans ``taken`` (citations); of
    overlapping names the earliest, then longest, wins."""
    hits = [(m.start(), m.end(), key) for key, p in L.un_conferences for m in p.finditer(t)]
    hits.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    seen = list(taken)
    found: list[tuple[int, object]] = []
    for a, z, key in hits:
        if _free(a, z, seen):
            seen.append((a, z))
            found.append((a, UNConferenceMention(n, text[a:z], key, output)))
    return found


def _date_mentions(L: LanguageTable, n: int, text: str, t: str, output: str | None,
                   taken: list[tuple[int, int]]) -> list[tuple]:
    """``(offset, DateMention)`` for each date or year of the table's ``dates`` pattern outside
    the spans ``taken`` (a citation's or conference's year, a programme's year)."""
    if L.date is None:
        return []
    found: list[tuple[int, object]] = []
    for m in L.date.finditer(t):
        a, z = m.span()
        if not _free(a, z, taken):
            continue
        month = m.group("month") if "month" in m.groupdict() else None
        day = m.group("day") if "day" in m.groupdict() else None
        mn = None
        if month:
            mn = int(month) if month.isdigit() else L.months.get(month.casefold())
        if mn is not None and not 1 <= mn <= 12:
            continue
        d = int(day) if day and mn else None
        if d is not None and not 1 <= d <= 31:
            d = None
        found.append((a, DateMention(n, text[a:z].strip(), int(m.group("year")), mn, d,
                                     output)))
    return found


def _citations(r: Reading, L: LanguageTable, b: TextBlock, n: int, text: str, t: str,
               role: str, output: str | None) -> list[tuple[int, int]]:
    """Add the resolution citations of the line to ``b``; return the spans they cover."""
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
        paren = _citation_paren(r, L, n, text, t, end)
        if paren:
            end = paren[0]
        if L.body_after is not None:
            am = L.body_after.match(t, end)
            if am:
                body_w = body_w or text[am.start("body"): am.end("body")]
                end = am.end()
        body = L.body_key(body_w)
        implicit = False
        if body_w:
            carried = (body, body_w)
        elif carried:
            body, implicit = carried[0], True
        fields = dict(line=n, quote=text[start: end].strip(), role=role, output=output,
                      body_as_written=body_w or None, body=body, body_implicit=implicit,
                      paren_as_written=None, year=None, venue_as_written=None, venue=None,
                      is_revision=None)
        if paren:
            fields.update(paren[1])
        _add_numbers(r, L, b, m, text, fields)
        spans.append((start, end))
        prev_end = end
    return spans


def _citation_paren(r: Reading, L: LanguageTable, n: int, text: str, t: str,
                    end: int) -> tuple[int, dict] | None:
    """``(new end, citation fields)`` of a parenthesis with a year right after a resolution
    phrase ending at ``end``, or None."""
    pm = L.paren.match(t, end)
    if not (pm and paren_has_year(L, pm.group("inner"))):
        return None
    year, venue_w, is_rev = read_paren(r, L, n, text[pm.start("inner"): pm.end("inner")])
    venue = L.venue(venue_w) if venue_w else None
    if venue_w and not venue:
        r.warn(n, f"unknown venue {venue_w!r} (not in the {L.code} venue table)")
    return pm.end(), dict(paren_as_written=text[pm.start(): pm.end()].strip(), year=year,
                          venue_as_written=venue_w, venue=venue, is_revision=is_rev)


def _add_numbers(r: Reading, L: LanguageTable, b: TextBlock, m: re.Match, text: str,
                 fields: dict) -> None:
    """One citation per resolution number of the phrase ``m`` ("Resolutions 17, 21 and 30")."""
    n = fields["line"]
    nums = m.group("numbers")
    na = m.start("numbers")
    for nm in L.number.finditer(nums):
        nw = text[na + nm.start(): na + nm.end()]
        c = Citation(number_as_written=nw, number=int(nw) if nw.isdigit() else None, **fields)
        r.cit_n[n] = c.n = r.cit_n.get(n, 0) + 1
        b.citations.append(c)


def _conference_mentions(r: Reading, L: LanguageTable, n: int, text: str, t: str,
                         output: str | None, spans: list[tuple[int, int]]) -> list[tuple]:
    """``(offset, ConferenceMention)`` for "body (venue, year)" and conference codes outside
    the citation ``spans`` (which grow by the mentions found)."""
    found: list[tuple[int, object]] = []
    for m in (L.conf_mention.finditer(t) if "(" in t else ()):
        if any(a <= m.start() < z for a, z in spans):
            continue
        pm = L.paren.match(t, m.end())
        if not pm or not paren_has_year(L, pm.group("inner")):
            continue
        year, venue_w, _ = read_paren(r, L, n, text[pm.start("inner"): pm.end("inner")])
        venue = L.venue(venue_w) if venue_w else None
        if venue_w and not venue:
            r.warn(n, f"unknown venue {venue_w!r} (not in the {L.code} venue table)")
        bw = text[m.start("body"): m.end("body")]
        found.append((m.start(), ConferenceMention(
            n, text[m.start(): pm.end()].strip(), bw, L.body_key(bw), year, venue_w, venue,
            output)))
        spans.append((m.start(), pm.end()))
    if L.conf_code is not None:
        for m in (L.conf_code.finditer(t) if "-" in t else ()):
            if any(a <= m.start() < z for a, z in spans):
                continue
            # the body part as the language writes it ("CMDT-17", "ВКРЭ-17") names the body
            written, _, nn = m.group("code").rpartition("-")
            body = L.body_key(written) or written.lower()
            found.append((m.start(), ConferenceMention(
                n, text[m.start(): m.end()], written, body, None, None, None, output,
                conference=f"{body}-{nn}")))
    return found


def _programme_mentions(L: LanguageTable, n: int, text: str, t: str,
                        output: str | None) -> list[tuple]:
    """``(offset, ProgrammeMention)`` for each programme name; of overlapping names the
    earliest, then longest, wins."""
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
    found: list[tuple[int, object]] = []
    for a, z, key in progs:
        if any(a < tz and ta < z for ta, tz in taken):
            continue
        taken.append((a, z))
        ym = L.year_before.search(t[max(0, a - 20): a])
        if ym is None and L.year_after is not None:
            ym = L.year_after.match(t[z:])
        found.append((a, ProgrammeMention(
            n, text[a:z], key, int(ym.group("year")) if ym else None, output)))
    return found


def paren_has_year(L: LanguageTable, inner: str) -> bool:
    """Whether one part of a parenthesis' inside is a year."""
    return any(L.year.match(p.strip()) for p in L.paren_sep.split(inner))


def read_paren(r: Reading, L: LanguageTable, n: int,
               inner_w: str) -> tuple[int | None, str | None, bool]:
    """(year, venue as written, revision?) from the inside of '（2014年，迪拜，修订版）'."""
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
                r.warn(n, f"two venues in one parenthesis ({inner_w!r}); kept the first")
                continue
            off = inner.find(stripped, start)
            venue_w = inner_w[off: off + len(stripped)]
    return year, venue_w, rev


def interpret(r: Reading, outputs: dict[str, Output], orphan: list[TextBlock]) -> None:
    """Name each citation's conference and resolution, each mention's conference.

    A citation naming no body takes the body of its conference (rule ``body-from-conference``);
    one with neither is warned about and left unlinked.
    """
    blocks = [b for o in outputs.values() for b in o.blocks()] + orphan
    cits = [c for b in blocks for c in b.citations]
    cits += [c for o in outputs.values() for c in o.formal_citations]
    for c in cits:
        conf = _one_conference(r, c)
        body, rule = c.body, "as-written"
        if body is None:
            if conf is not None:
                body, rule = conf.body, "body-from-conference"
            else:
                r.warn(c.line, f"resolution {c.number_as_written} ({c.quote!r}) names no "
                               "issuing body and no known conference: not linked")
                continue
        key = resolution_key(body, c.number_as_written)
        if key is None:
            r.warn(c.line, f"cannot read resolution number {c.number_as_written!r} "
                           f"for body {body}")
            continue
        c.resolution, c.rule = key, rule
    for b in blocks:
        for m in b.conference_mentions:
            if m.conference is None and m.year is not None and m.venue:
                confs = _conferences_for(m.venue, m.year, m.body)
                if len(confs) == 1:
                    m.conference = confs[0].key


def _conferences_for(venue: str, year: int, body: str | None) -> list[Conference]:
    """The conferences at ``venue`` in ``year``; narrowed to ``body``'s when several met."""
    confs = find_conferences(venue, year)
    if len(confs) > 1 and body:
        confs = [x for x in confs if x.body == body] or confs
    return confs


def _one_conference(r: Reading, c: Citation) -> Conference | None:
    """The one conference a citation's parenthesis names (set on ``c.conference``), or None."""
    if c.year is None or not c.venue:
        return None
    confs = _conferences_for(c.venue, c.year, c.body)
    if len(confs) == 1:
        c.conference = confs[0].key
        return confs[0]
    if len(confs) > 1:
        r.warn(c.line, f"{c.venue} {c.year}: several conferences met there; none chosen")
    return None


def resolution_key(body: str, written: str) -> str | None:
    """The resolution's key (``wtdc/37``, ``unga/70-125``), or None for an unreadable number."""
    w = unicodedata.normalize("NFKC", written).strip()
    if body == "unga":
        w = re.sub(r"^A/RES/", "", w, flags=re.I)
        return "unga/" + re.sub(r"[^0-9A-Za-z]+", "-", w).strip("-") if w else None
    if not w.isdigit():
        return None
    return f"{body}/{int(w)}"
