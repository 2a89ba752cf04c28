"""The SPARQL 1.1 Protocol, without the web framework: request parsing, query screening, the
service description and the HTML result page. The route itself is ``api/routers/sparql.py``.

Spec references: SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/) §2.1 query
operation, §2.2 update operation; SPARQL 1.1 Service Description
(https://www.w3.org/TR/sparql11-service-description/).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl

from itukg.errors import QueryError

MAX_QUERY_BYTES = 1024 * 1024  # a request body above this is refused (413) before parsing

# ------------------------------------------------------------------------------------------
# screening query text: a lexer, not a parser (fast: it runs on every request)
# ------------------------------------------------------------------------------------------

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

QUERY_FORMS = {"SELECT": "select", "CONSTRUCT": "construct", "DESCRIBE": "describe", "ASK": "ask"}
UPDATE_KEYWORDS = {
    "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH",
}


@lru_cache(maxsize=512)
def tokens(sparql: str) -> tuple[tuple[str, str, int], ...]:
    """The significant tokens of a SPARQL text as ``(kind, text, offset)``: kinds ``word``
    (keywords), ``pname``, ``iri``, ``var``, ``str``/``lstr``, ``other``; comments dropped.
    One pass of one regex, cached for repeated texts (clients repeat queries). Raises nothing."""
    return tuple(
        (m.lastgroup, m.group(), m.start())
        for m in _TOKEN.finditer(sparql)
        if m.lastgroup != "comment"
    )


def keywords(sparql: str) -> list[str]:
    """The bare words of a SPARQL text (keywords, upper-cased), outside strings, IRIs,
    comments, variables and prefixed names. Raises nothing."""
    return [text.upper() for kind, text, _ in tokens(sparql) if kind == "word"]


def operation_of(sparql: str) -> str:
    """``select ask construct describe`` for a query, ``update`` for an update, ``unknown`` if
    the text starts with neither (the engine will then report the syntax error).
    Raises nothing."""
    words = keywords(sparql)
    for w in words:
        if w in ("BASE", "PREFIX"):
            continue
        if w in QUERY_FORMS:
            return QUERY_FORMS[w]
        if w in UPDATE_KEYWORDS:
            return "update"
        return "unknown"
    return "unknown"


def check_query(sparql: str) -> str:
    """Screen a query before it reaches the engine; returns its form (or ``unknown``).

    Raises :class:`QueryError` for a SPARQL update sent as a query, for a ``SERVICE`` clause
    (federated queries would make the engine open network connections: refused) and for an
    undeclared prefix. FROM / FROM NAMED are allowed: the engine resolves them against the
    store's graphs only. The verdict is cached per text.
    """
    form, error = _screen(sparql)
    if error is not None:
        raise QueryError(error[0], source=error[1], line=error[2])
    return form


@lru_cache(maxsize=512)
def _screen(sparql: str) -> tuple[str, tuple[str, str | None, int | None] | None]:
    try:
        return _check_query(sparql), None
    except QueryError as exc:
        return "", (exc.message, exc.source, exc.line)


def _check_query(sparql: str) -> str:
    """Screen a query before it reaches the engine; returns its form (or ``unknown``).

    Raises :class:`QueryError` for a SPARQL update sent as a query and for a ``SERVICE``
    clause (federated queries would make the engine open network connections: refused).
    FROM / FROM NAMED are allowed: the engine resolves them against the store's graphs only.
    """
    words = keywords(sparql)
    if "SERVICE" in words:
        raise QueryError(
            "SERVICE (federated query) is not allowed on this endpoint: queries cannot reach "
            "the network; query the data held here, or run the federated query in your client"
        )
    op = operation_of(sparql)
    if op != "update":
        _check_prefixes(sparql)
    if op == "update":
        raise QueryError(
            "this is a SPARQL Update, not a query; updates go through the update operation "
            "(POST with update= or application/sparql-update), which is disabled unless the "
            "server enables it"
        )
    return op


def dataset_of(sparql: str, base_iri: str | None = None) -> tuple[list[str], list[str]] | None:
    """See :func:`_dataset_of` (cached per text and base; returns fresh lists)."""
    ds = _dataset_of(sparql, base_iri)
    return None if ds is None else (list(ds[0]), list(ds[1]))


@lru_cache(maxsize=512)
def _dataset_of(sparql: str, base_iri: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The query's own dataset (``FROM`` → default graphs, ``FROM NAMED`` → named graphs) as
    absolute IRIs, or ``None`` when it has no dataset clause. Prefixed names are expanded
    with the query's PREFIX declarations and relative IRIs resolved against its BASE (or
    ``base_iri``). Dataset clauses only occur at the top level (never in subqueries), so every
    ``FROM`` keyword starts one. Raises :class:`QueryError` for a FROM without a graph IRI or
    with an undeclared prefix.
    """
    from urllib.parse import urljoin

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
            continue
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 1][0] == "pname" and toks[i + 2][0] == "iri":
            prefixes[toks[i + 1][1].rstrip(":")] = iri(*toks[i + 2])
            i += 3
            continue
        if word == "FROM":
            j = i + 1
            target = defaults
            if j < len(toks) and toks[j][0] == "word" and toks[j][1].upper() == "NAMED":
                target = named
                j += 1
            if j >= len(toks) or toks[j][0] not in ("iri", "pname"):
                raise QueryError("FROM / FROM NAMED must be followed by a graph IRI")
            target.append(iri(*toks[j]))
            i = j + 1
            continue
        i += 1
    return tuple(defaults), tuple(named)


def _check_prefixes(sparql: str) -> None:
    """Raise QueryError naming the first prefixed name whose prefix is not declared (the
    engine's own message for that is a bare "expected ..." at the position)."""
    declared: set[str] = set()
    prev_word = None
    for kind, text, start in tokens(sparql):
        if kind == "pname":
            prefix = text.split(":", 1)[0]
            if prev_word == "PREFIX":
                declared.add(prefix)
            elif prefix != "_" and prefix not in declared:
                line = sparql.count("\n", 0, start) + 1
                raise QueryError(
                    f"undeclared prefix {prefix + ':'!r} in {text!r} at line {line}; "
                    f"add PREFIX {prefix}: <...>",
                    source="query",
                    line=line,
                )
        prev_word = text.upper() if kind == "word" else None


def check_update(sparql: str) -> None:
    """Screen an update: refuse ``SERVICE`` and ``LOAD`` (both would reach the network).

    Raises :class:`QueryError`.
    """
    words = keywords(sparql)
    if "SERVICE" in words:
        raise QueryError("SERVICE is not allowed in updates: the service never reaches the network")
    if "LOAD" in words:
        raise QueryError("LOAD is not allowed: the service never fetches remote data")


# ------------------------------------------------------------------------------------------
# protocol requests
# ------------------------------------------------------------------------------------------


class ProtocolError(Exception):
    """A malformed protocol request: ``status`` (400, 413, 415) and a message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class ProtocolRequest:
    """What a SPARQL protocol request asks for."""

    operation: str  # "query" | "update" | "description"
    text: str = ""
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    using_graphs: list[str] = field(default_factory=list)
    using_named_graphs: list[str] = field(default_factory=list)
    format: str | None = None

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)

    @property
    def dataset(self) -> dict[str, list[str]]:
        """The protocol dataset as keywords of ``Executor.run`` (SPARQL 1.1 Protocol §2.1.4: it
        replaces the query's FROM / FROM NAMED); empty when the request names none."""
        if not self.has_dataset:
            return {}
        return {"default_graph": self.default_graphs, "named_graphs": self.named_graphs}

    def result_format(self, accept: str | None) -> tuple[str, str, str]:
        """``(kind, format, media type)`` of this query's answer for an ``Accept`` header and
        the request's ``format`` parameter (``format`` may be ``html``: a page for browsers).

        Raises QueryError (the query is refused by :func:`check_query`), NotAcceptable (406)
        and BadFormatParameter (400)."""
        from itukg.api.conneg import kind_of_form, negotiate

        form = check_query(self.text)
        kind = kind_of_form(form) if form != "unknown" else "select"
        fmt, media_type = negotiate(accept, kind, self.format)
        return kind, fmt, media_type


_IRI_OK = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*$")


def _iris(params: list[tuple[str, str]], name: str) -> list[str]:
    out = []
    for k, v in params:
        if k == name:
            if not _IRI_OK.match(v):
                raise ProtocolError(400, f"{name} must be an absolute IRI, got {v!r}")
            out.append(v)
    return out


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            400, f"the {what} is not valid UTF-8 (byte {exc.start}); SPARQL requests must be UTF-8"
        ) from None


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        k, _, v = param.partition("=")
        if k.strip().lower() == "charset":
            return v.strip().strip('"').lower()
    return None


def parse_request(method: str, raw_query_string: bytes, content_type: str | None, body: bytes) -> ProtocolRequest:
    """Parse a request to the endpoint (SPARQL 1.1 Protocol §2.1, §2.2).

    ``raw_query_string`` is the URL's query string as received (so repeated parameters are all
    seen). Raises :class:`ProtocolError`: 400 for two ``query`` (or ``update``) parameters, both
    at once, an update via GET, a body that is not UTF-8, a non-UTF-8 charset, an invalid
    graph IRI; 415 for a missing or unsupported Content-Type on POST; 413 for a body over
    :data:`MAX_QUERY_BYTES`.
    """
    url_params = parse_qsl(_decode(raw_query_string, "URL query string"), keep_blank_values=True)
    if method in ("GET", "HEAD"):
        params = url_params
        direct_text: str | None = None
        direct_kind = None
    elif method == "POST":
        if len(body) > MAX_QUERY_BYTES:
            raise ProtocolError(413, f"request body larger than {MAX_QUERY_BYTES} bytes")
        ctype = (content_type or "").strip()
        mtype = ctype.split(";")[0].strip().lower()
        charset = _charset(ctype)
        if not mtype:
            raise ProtocolError(
                415,
                "POST without a Content-Type: use application/x-www-form-urlencoded (query= or "
                "update=), application/sparql-query or application/sparql-update",
            )
        if charset not in (None, "utf-8", "utf8"):
            raise ProtocolError(400, f"charset {charset!r} is not supported: SPARQL requests must be UTF-8")
        if mtype == "application/x-www-form-urlencoded":
            form = parse_qsl(_decode(body, "form body"), keep_blank_values=True)
            params = url_params + form
            direct_text, direct_kind = None, None
        elif mtype in ("application/sparql-query", "application/sparql-update"):
            direct_text = _decode(body, "request body")
            direct_kind = "query" if mtype == "application/sparql-query" else "update"
            params = url_params
            if any(k in ("query", "update") for k, _ in url_params):
                raise ProtocolError(
                    400, f"a {mtype} request carries the operation in its body, not in the URL"
                )
        else:
            raise ProtocolError(
                415,
                f"unsupported Content-Type {mtype!r}: use application/x-www-form-urlencoded, "
                "application/sparql-query or application/sparql-update",
            )
    else:  # pragma: no cover - the router only routes GET, HEAD and POST here
        raise ProtocolError(405, f"method {method} not allowed")

    queries = [v for k, v in params if k == "query"]
    updates = [v for k, v in params if k == "update"]
    fmt = next((v for k, v in params if k == "format"), None) or next(
        (v for k, v in params if k == "output"), None
    )
    if direct_kind == "query":
        queries = [direct_text or ""]
    elif direct_kind == "update":
        updates = [direct_text or ""]
    if queries and updates:
        raise ProtocolError(400, "a request carries either a query or an update, not both")
    if len(queries) > 1:
        raise ProtocolError(400, f"{len(queries)} query parameters given; exactly one is allowed")
    if len(updates) > 1:
        raise ProtocolError(400, f"{len(updates)} update parameters given; exactly one is allowed")
    if updates and method in ("GET", "HEAD"):
        raise ProtocolError(
            400, "SPARQL Update is not allowed through GET (SPARQL 1.1 Protocol §2.2): use POST"
        )
    if updates:
        return ProtocolRequest(
            "update",
            updates[0],
            using_graphs=_iris(params, "using-graph-uri"),
            using_named_graphs=_iris(params, "using-named-graph-uri"),
        )
    if not queries:
        if method == "POST":
            raise ProtocolError(400, "no query: send query= (form) or a application/sparql-query body")
        return ProtocolRequest("description", format=fmt)
    text = queries[0]
    if not text.strip():
        raise ProtocolError(400, "the query is empty")
    return ProtocolRequest(
        "query",
        text,
        default_graphs=_iris(params, "default-graph-uri"),
        named_graphs=_iris(params, "named-graph-uri"),
        format=fmt,
    )


# ------------------------------------------------------------------------------------------
# service description (SPARQL 1.1 Service Description)
# ------------------------------------------------------------------------------------------

_FORMATS_NS = "http://www.w3.org/ns/formats/"
RESULT_FORMAT_IRIS = {
    "json": _FORMATS_NS + "SPARQL_Results_JSON",
    "xml": _FORMATS_NS + "SPARQL_Results_XML",
    "csv": _FORMATS_NS + "SPARQL_Results_CSV",
    "tsv": _FORMATS_NS + "SPARQL_Results_TSV",
    "turtle": _FORMATS_NS + "Turtle",
    "ntriples": _FORMATS_NS + "N-Triples",
    "jsonld": _FORMATS_NS + "JSON-LD",
    "rdfxml": _FORMATS_NS + "RDF_XML",
}


def service_description(endpoint: str, graph_sizes: dict[str, int], *, updates: bool):
    """An rdflib Graph describing the endpoint (sd: vocabulary): endpoint, languages, result
    formats, features and the default dataset with its named graphs and their sizes.
    Raises nothing."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF, XSD

    SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
    VOID = Namespace("http://rdfs.org/ns/void#")
    ENT = Namespace("http://www.w3.org/ns/entailment/")
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    svc = URIRef(endpoint + "#service")
    ep = URIRef(endpoint)
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, ep))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))
    if updates:
        g.add((svc, SD.supportedLanguage, SD.SPARQL11Update))
    for iri in RESULT_FORMAT_IRIS.values():
        g.add((svc, SD.resultFormat, URIRef(iri)))
    g.add((svc, SD.feature, SD.UnionDefaultGraph))
    g.add((svc, SD.feature, SD.EmptyGraphs))
    g.add((svc, SD.defaultEntailmentRegime, ENT.Simple))
    ds = BNode()
    g.add((svc, SD.defaultDataset, ds))
    g.add((ds, RDF.type, SD.Dataset))
    dg = BNode()
    g.add((ds, SD.defaultGraph, dg))
    g.add((dg, RDF.type, SD.Graph))
    g.add((dg, VOID.triples, Literal(sum(graph_sizes.values()), datatype=XSD.integer)))
    for name in sorted(graph_sizes):
        ng = BNode()
        gr = BNode()
        g.add((ds, SD.namedGraph, ng))
        g.add((ng, RDF.type, SD.NamedGraph))
        g.add((ng, SD.name, URIRef(name)))
        g.add((ng, SD.graph, gr))
        g.add((gr, RDF.type, SD.Graph))
        g.add((gr, VOID.triples, Literal(graph_sizes[name], datatype=XSD.integer)))
    return g


RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


# ------------------------------------------------------------------------------------------
# HTML (browsers): one function per page, so a later pages module can restyle them
# ------------------------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font-family:system-ui,sans-serif;margin:1.5rem;max-width:80rem}}
textarea{{width:100%;font-family:monospace}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top;font-family:monospace;font-size:.9rem}}
th{{background:#f3f3f3}} pre{{background:#f6f6f6;padding:.75rem;overflow:auto}}
</style></head><body>
<h1>{title}</h1>
{content}
</body></html>
"""


def render_query_form(endpoint: str, query: str = "") -> str:
    """The HTML query form served to browsers at the endpoint. Raises nothing."""
    q = query or "SELECT ?g (COUNT(*) AS ?triples)\nWHERE { GRAPH ?g { ?s ?p ?o } }\nGROUP BY ?g\nORDER BY ?g"
    content = (
        f'<form method="get" action="{html.escape(endpoint)}">'
        f'<p><textarea name="query" rows="12">{html.escape(q)}</textarea></p>'
        '<p><label>Format <select name="format"><option value="html">HTML table</option>'
        '<option value="json">SPARQL JSON</option><option value="xml">SPARQL XML</option>'
        '<option value="csv">CSV</option><option value="tsv">TSV</option>'
        '<option value="turtle">Turtle (CONSTRUCT/DESCRIBE)</option></select></label> '
        '<button type="submit">Run</button></p></form>'
        "<p>This endpoint speaks the SPARQL 1.1 Protocol: point any SPARQL client at this URL. "
        "It is read-only, never reaches the network (no SERVICE) and cuts queries at their "
        "deadline.</p>"
    )
    return _PAGE.format(title="SPARQL endpoint", content=content)


def render_results_html(query: str, kind: str, body: bytes, endpoint: str) -> str:
    """Render a result as an HTML page: a table for SELECT (``body`` in SPARQL JSON), the
    answer for ASK (SPARQL JSON), the Turtle text for CONSTRUCT/DESCRIBE (``body`` in Turtle).
    Raises nothing for bodies produced by the engine."""
    parts = [
        f'<form method="get" action="{html.escape(endpoint)}">'
        f'<p><textarea name="query" rows="8">{html.escape(query)}</textarea></p>'
        '<input type="hidden" name="format" value="html"><button type="submit">Run</button></form>'
    ]
    if kind == "select":
        data = json.loads(body)
        variables = data["head"].get("vars", [])
        rows = data["results"]["bindings"]
        parts.append(f"<p>{len(rows)} result{'s' if len(rows) != 1 else ''}</p>")
        parts.append("<table><thead><tr>" + "".join(f"<th>?{html.escape(v)}</th>" for v in variables) + "</tr></thead><tbody>")
        for row in rows:
            cells = []
            for v in variables:
                t = row.get(v)
                cells.append(f"<td>{_term_html(t) if t else ''}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</tbody></table>")
    elif kind == "ask":
        data = json.loads(body)
        parts.append(f"<p>Answer: <strong>{'true' if data.get('boolean') else 'false'}</strong></p>")
    else:
        parts.append(f"<pre>{html.escape(body.decode('utf-8', 'replace'))}</pre>")
    return _PAGE.format(title="SPARQL results", content="\n".join(parts))


def _term_html(t: dict) -> str:
    value = html.escape(t.get("value", ""))
    if t.get("type") == "uri":
        return f'<a href="{value}">{value}</a>'
    if t.get("type") == "bnode":
        return f"_:{value}"
    if "xml:lang" in t:
        return f'"{value}"@{html.escape(t["xml:lang"])}'
    if "datatype" in t and not t["datatype"].endswith("#string"):
        return f'"{value}"^^&lt;{html.escape(t["datatype"])}&gt;'
    return f'"{value}"'
