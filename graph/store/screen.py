"""The one SPARQL screener: what a query or update is, and whether it may run here.

Used by the service (:mod:`itukg.api.sparql`, the lean path, the executor) and by the store
(:class:`itukg.graph.store.oxigraph.OxigraphStore`) alike, so a text is judged the same way
wherever it enters (decision 0081).

It reads the text as the engine will. SPARQL 1.1 §19.2: the codepoint escapes ``\\uXXXX`` and
``\\UXXXXXXXX`` are decoded in the whole text BEFORE it is parsed, so ``SERVI\\u0043E`` is the
keyword SERVICE and ``<a\\u0061'>`` is an IRI, not the start of a string. A lexer that does not
decode them can be told that a ``SERVICE`` sits inside a string while the engine runs it. So the
screener first decodes, then tokenises (IRIs, short and long strings, comments, prefixed names,
variables, keywords case-insensitively). The network guard (``SERVICE``, ``LOAD``) looks at the
keywords of BOTH readings, decoded and raw: should the engine ever decode less than §19.2 says,
a keyword visible in either reading still refuses the text. Form, dataset and prefixes come from
the decoded reading. (pyoxigraph 0.5 has no Python query parser, ``pyoxigraph.Query``; the
token scan is the whole screen.)

Before any of that, the text must be within the engine's safe limits (:data:`LIMITS`): the
engine's recursive-descent parser overflows its stack and kills the process on about 3,000
nested ``{`` (a 5 KB query), so nesting depth, length, triple patterns and property-path length
are capped here, each refusal naming its limit (decision 0125).

Every verdict is cached per text: clients repeat queries, and the scan costs about as much as
evaluating a small query in memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from itukg.errors import QueryError

QUERY_FORMS = {"SELECT": "select", "CONSTRUCT": "construct", "DESCRIBE": "describe", "ASK": "ask"}
UPDATE_KEYWORDS = frozenset({
    "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH",
})
#: keywords that make the engine open a network connection
NETWORK_KEYWORDS = frozenset({"SERVICE", "LOAD"})

#: the engine's safe limits (decision 0125). Nesting: ``{ ( [`` together; the engine crashes at
#: about 3,000 and the longest bundled query nests 6 deep. Triple patterns: separators ``. ; ,``
#: plus one per group, an over-estimate. Path length: elements joined by ``/ | ^`` in one path.
LIMITS = {
    "query length": 100_000,  # characters, after decoding escapes
    "nesting depth": 64,
    "triple patterns": 2_000,
    "property-path length": 64,
}
_OPENERS = {"{": "}", "(": ")", "[": "]"}
_PATH_OPS = frozenset({"/", "|", "^"})

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_TOKEN = re.compile(
    r'''
      (?P<lstr>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\')
    | (?P<str>"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<comment>\#[^\n\r]*)
    | (?P<var>[?$][\w\u00B7\u00C0-\uFFFF]+)
    | (?P<pname>[\w\u00C0-\uFFFF][\w\-.\u00B7\u00C0-\uFFFF]*:(?:[\w\-.:%\u00B7\u00C0-\uFFFF]|\\.)*|:(?:[\w\-.:%\u00B7\u00C0-\uFFFF]|\\.)*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<other>\S)
    ''',
    re.VERBOSE | re.DOTALL,
)

Token = tuple[str, str, int]
"""``(kind, text, offset)``: kinds ``word lstr str iri var pname other`` (comments dropped)."""


def decode_escapes(text: str) -> str:
    """``text`` with every ``\\uXXXX`` / ``\\UXXXXXXXX`` replaced by its character (SPARQL 1.1
    §19.2); an escape naming no character (a surrogate, past U+10FFFF) is left as written (the
    engine refuses the text anyway). Raises nothing."""
    if "\\u" not in text and "\\U" not in text:
        return text

    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return m.group()
        return chr(code)

    return _ESCAPE.sub(char, text)


@lru_cache(maxsize=1024)
def _scan(text: str) -> tuple[Token, ...]:
    return tuple(
        (m.lastgroup or "other", m.group(), m.start())
        for m in _TOKEN.finditer(text)
        if m.lastgroup != "comment"
    )


def tokens(sparql: str) -> tuple[Token, ...]:
    """The significant tokens of a SPARQL text as the engine reads it (escapes decoded first),
    comments dropped. Cached. Raises nothing."""
    return _scan(decode_escapes(sparql))


def keywords(sparql: str) -> list[str]:
    """The bare words (keywords, upper-cased) of the decoded text, outside strings, IRIs,
    comments, variables and prefixed names. Raises nothing."""
    return [text.upper() for kind, text, _ in tokens(sparql) if kind == "word"]


def network_keywords(sparql: str) -> set[str]:
    """``SERVICE`` / ``LOAD`` found as keywords in the decoded OR the raw reading of the text.
    Raises nothing."""
    found = {t.upper() for kind, t, _ in tokens(sparql) if kind == "word"}
    found |= {t.upper() for kind, t, _ in _scan(sparql) if kind == "word"}
    return found & NETWORK_KEYWORDS


def operation_of(sparql: str) -> str:
    """``select ask construct describe`` for a query, ``update`` for an update, ``unknown`` if
    the text starts with neither (the engine then reports the syntax error). Raises nothing."""
    for w in keywords(sparql):
        if w in ("BASE", "PREFIX"):
            continue
        if w in QUERY_FORMS:
            return QUERY_FORMS[w]
        return "update" if w in UPDATE_KEYWORDS else "unknown"
    return "unknown"


@dataclass(frozen=True)
class _Verdict:
    form: str
    error: tuple[str, str | None, int | None] | None = None


def check_query(sparql: str) -> str:
    """Screen a query before it reaches the engine; returns its form (or ``unknown``).

    Raises :class:`QueryError` for a ``SERVICE`` clause or a ``LOAD`` (the engine would open
    network connections: refused), for a SPARQL update sent as a query and for an undeclared
    prefix. FROM / FROM NAMED are allowed: they name graphs of the store, never fetched.
    """
    verdict = _screen_query(sparql)
    if verdict.error is not None:
        message, source, line = verdict.error
        raise QueryError(message, source=source, line=line)
    return verdict.form


def query_form(sparql: str) -> str:
    """:func:`check_query`, and a QueryError when the text is no query at all."""
    form = check_query(sparql)
    if form == "unknown":
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return form


@lru_cache(maxsize=1024)
def _screen_query(sparql: str) -> _Verdict:
    try:
        check_limits(sparql)
        if network_keywords(sparql):
            raise QueryError(
                "SERVICE (federated query) is not allowed on this endpoint: queries cannot reach "
                "the network; query the data held here, or run the federated query in your client"
            )
        op = operation_of(sparql)
        if op == "update":
            raise QueryError(
                "this is a SPARQL Update, not a query; updates go through the update operation "
                "(POST with update= or application/sparql-update), which is disabled unless the "
                "server enables it"
            )
        _check_prefixes(sparql)
        return _Verdict(op)
    except QueryError as exc:
        return _Verdict("", (exc.message, exc.source, exc.line))


def check_update(sparql: str) -> None:
    """Screen an update: refuse texts beyond :data:`LIMITS` and ``SERVICE`` and ``LOAD`` (both
    would reach the network).

    Raises :class:`QueryError`.
    """
    check_limits(sparql)
    found = network_keywords(sparql)
    if "SERVICE" in found:
        raise QueryError("SERVICE is not allowed in updates: the service never reaches the network")
    if "LOAD" in found:
        raise QueryError("LOAD is not allowed: the service never fetches remote data")


def check_limits(sparql: str) -> None:
    """Refuse a text beyond the engine's safe limits (:data:`LIMITS`), naming the limit.

    Raises :class:`QueryError` ("... exceeds the limit of N (nesting depth)").
    """
    text = decode_escapes(sparql)
    if len(text) > LIMITS["query length"]:
        _over("query length", len(text), "characters")
    depth = deepest = patterns = path = 0
    for kind, tok, _ in tokens(sparql):
        if kind != "other":
            continue
        if tok in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
            if deepest > LIMITS["nesting depth"]:
                _over("nesting depth", deepest, "levels of { ( [")
            patterns += tok == "{"
        elif tok in ")}]":
            depth = max(0, depth - 1)
        elif tok in ".;,":
            patterns += 1
        if tok in _PATH_OPS:
            path += 1
            if path + 1 > LIMITS["property-path length"]:
                _over("property-path length", path + 1, "elements in one path")
        elif tok not in "()":
            path = 0
        if patterns > LIMITS["triple patterns"]:
            _over("triple patterns", patterns, "triple patterns")


def _over(limit: str, value: int, unit: str) -> None:
    raise QueryError(
        f"query refused before running: {value} {unit} exceeds the limit of "
        f"{LIMITS[limit]} ({limit}); split or simplify the query"
    )


def _check_prefixes(sparql: str) -> None:
    """Raise QueryError naming the first prefixed name whose prefix is not declared (the
    engine's own message for that is a bare "expected ..." at the position)."""
    text = decode_escapes(sparql)
    declared: set[str] = set()
    prev_word = None
    for kind, tok, start in tokens(sparql):
        if kind == "pname":
            prefix = tok.split(":", 1)[0]
            if prev_word == "PREFIX":
                declared.add(prefix)
            elif prefix != "_" and prefix not in declared:
                line = text.count("\n", 0, start) + 1
                if text[start - 1:start] == "<":  # "<http://a b>": not an IRI the grammar reads
                    end = text.find(">", start)
                    iri = text[start - 1:end + 1 if end >= 0 else start + len(tok)]
                    raise QueryError(f"invalid IRI {iri!r} at line {line} (IRIs may not contain "
                                     "spaces, quotes, braces or other delimiters)",
                                     source="query", line=line)
                raise QueryError(
                    f"undeclared prefix {prefix + ':'!r} in {tok!r} at line {line}; "
                    f"add PREFIX {prefix}: <...>",
                    source="query",
                    line=line,
                )
        prev_word = tok.upper() if kind == "word" else None


def dataset_of(sparql: str, base_iri: str | None = None) -> tuple[list[str], list[str]] | None:
    """The query's own dataset (``FROM`` → default graphs, ``FROM NAMED`` → named graphs) as
    absolute IRIs, or ``None`` when it has no dataset clause. Prefixed names are expanded with
    the query's PREFIX declarations and relative IRIs resolved against its BASE (or
    ``base_iri``). Cached per text and base; returns fresh lists. Raises :class:`QueryError`
    for a FROM without a graph IRI or with an undeclared prefix."""
    ds = _dataset_of(sparql, base_iri)
    return None if ds is None else (list(ds[0]), list(ds[1]))


@lru_cache(maxsize=512)
def _dataset_of(sparql: str, base_iri: str | None) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    # Dataset clauses only occur at the top level (never in subqueries), so every FROM keyword
    # starts one.
    toks = [(kind, text) for kind, text, _ in tokens(sparql)]
    if not any(kind == "word" and text.upper() == "FROM" for kind, text in toks):
        return None
    base = base_iri or ""
    prefixes: dict[str, str] = {}
    defaults: list[str] = []
    named: list[str] = []

    def iri(kind: str, text: str) -> str:
        if kind == "iri":
            return urljoin(base, text[1:-1]) if base else text[1:-1]
        prefix, _, local = text.partition(":")
        if prefix not in prefixes:
            raise QueryError(f"undeclared prefix {prefix + ':'!r} in a FROM clause")
        return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)

    i = 0
    while i < len(toks):
        kind, text = toks[i]
        word = text.upper() if kind == "word" else None
        if word == "BASE" and i + 1 < len(toks) and toks[i + 1][0] == "iri":
            base = iri(*toks[i + 1])
            i += 2
        elif word == "PREFIX" and i + 2 < len(toks) and toks[i + 1][0] == "pname" and toks[i + 2][0] == "iri":
            prefixes[toks[i + 1][1].rstrip(":")] = iri(*toks[i + 2])
            i += 3
        elif word == "FROM":
            j = i + 1
            target = defaults
            if j < len(toks) and toks[j][0] == "word" and toks[j][1].upper() == "NAMED":
                target = named
                j += 1
            if j >= len(toks) or toks[j][0] not in ("iri", "pname"):
                raise QueryError("FROM / FROM NAMED must be followed by a graph IRI")
            target.append(iri(*toks[j]))
            i = j + 1
        else:
            i += 1
    return tuple(defaults), tuple(named)
