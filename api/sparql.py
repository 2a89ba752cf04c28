"""The SPARQL 1.1 Protocol, without the web framework: request parsing, the steps of the query
operation shared by the FastAPI route (``api/routers/sparql.py``) and the lean ASGI path
(``api/fastpath.py``), the service description and the HTML pages for browsers.

Queries are screened by the one screener, :mod:`itukg.graph.store.screen` (its functions are
re-exported here for older imports).

Spec references: SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/) §2.1 query
operation, §2.2 update operation; SPARQL 1.1 Service Description
(https://www.w3.org/TR/sparql11-service-description/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from itukg.graph.reads.sparql import read_query
from itukg.graph.store.screen import check_query

MAX_QUERY_BYTES = 1024 * 1024  # a request body above this is refused (413) before parsing

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
        params, direct_kind, direct_text = url_params, None, ""
    elif method == "POST":
        params, direct_kind, direct_text = _post_parts(url_params, content_type, body)
    else:  # pragma: no cover - the router only routes GET, HEAD and POST here
        raise ProtocolError(405, f"method {method} not allowed")

    queries = [v for k, v in params if k == "query"]
    updates = [v for k, v in params if k == "update"]
    fmt = next((v for k, v in params if k == "format"), None) or next(
        (v for k, v in params if k == "output"), None
    )
    if direct_kind == "query":
        queries = [direct_text]
    elif direct_kind == "update":
        updates = [direct_text]
    _check_operations(method, queries, updates)
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
    if not queries[0].strip():
        raise ProtocolError(400, "the query is empty")
    return ProtocolRequest(
        "query",
        queries[0],
        default_graphs=_iris(params, "default-graph-uri"),
        named_graphs=_iris(params, "named-graph-uri"),
        format=fmt,
    )


def _post_parts(
    url_params: list[tuple[str, str]], content_type: str | None, body: bytes
) -> tuple[list[tuple[str, str]], str | None, str]:
    """``(parameters, "query" | "update" | None, text)`` of a POST: a form adds its fields to
    the URL's parameters; a direct body is the operation itself. Raises ProtocolError (413,
    415, 400) as :func:`parse_request` says."""
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
        return url_params + form, None, ""
    if mtype in ("application/sparql-query", "application/sparql-update"):
        if any(k in ("query", "update") for k, _ in url_params):
            raise ProtocolError(
                400, f"a {mtype} request carries the operation in its body, not in the URL"
            )
        kind = "query" if mtype == "application/sparql-query" else "update"
        return url_params, kind, _decode(body, "request body")
    raise ProtocolError(
        415,
        f"unsupported Content-Type {mtype!r}: use application/x-www-form-urlencoded, "
        "application/sparql-query or application/sparql-update",
    )


def _check_operations(method: str, queries: list[str], updates: list[str]) -> None:
    """Exactly one operation, and no update through GET. Raises ProtocolError (400)."""
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


# ------------------------------------------------------------------------------------------
# the query operation, step by step: ONE implementation for the route and the lean path
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryPlan:
    """A screened, negotiated query operation, ready to run: ``fmt`` is what the client gets
    (``html`` for a browser page), ``run_format`` what the engine serialises."""

    request: ProtocolRequest
    kind: str
    fmt: str
    media_type: str

    @property
    def run_format(self) -> str:
        if self.fmt != "html":
            return self.fmt
        return "turtle" if self.kind == "graph" else "json"  # what the HTML page renders


def plan_query(req: ProtocolRequest, accept: str | None) -> QueryPlan:
    """Screen (:func:`check_query`) and negotiate the query operation ``req``.

    Raises QueryError (400: refused by the screener), NotAcceptable (406) and
    BadFormatParameter (400)."""
    kind, fmt, media_type = req.result_format(accept)
    return QueryPlan(req, kind, fmt, media_type)


async def run_plan(plan: QueryPlan, executor: Any, base_iri: str) -> Any:
    """Execute a plan through the query executor (deadline, caps, no network) with the
    service's base IRI; returns its :class:`~itukg.graph.store.pool.QueryOutcome`.

    Raises QueryError, QueryTimeout, ResultTooLarge, StoreError (the executor's errors)."""
    req = plan.request
    return await executor.run(req.text, result_format=plan.run_format, base_iri=base_iri,
                              **req.dataset)


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
# HTML (browsers): the one query view of the site (api/pages/query.py, query.html)
# ------------------------------------------------------------------------------------------

def _context(request: Any, settings: Any, executor: Any):
    from itukg.api.pages.render import PageContext
    from itukg.graph.reads.runner import ThreadStore

    return PageContext(request, settings, ThreadStore(executor))


def render_query_form(request: Any, settings: Any, executor: Any) -> Any:
    """The query page served to browsers at the endpoint (no query given): the site's query
    view with an example query in the editor. Returns an HTMLResponse; raises nothing."""
    from itukg.api.pages import query as query_page

    return query_page.page(_context(request, settings, executor), default_text=read_query("sparql/example"))


def render_results_html(request: Any, settings: Any, executor: Any, query: str, kind: str,
                        body: bytes) -> Any:
    """A result the engine serialised (SPARQL JSON for SELECT/ASK, Turtle for CONSTRUCT/
    DESCRIBE) in the site's query view, with ``query`` in the editor. Returns an HTMLResponse;
    raises nothing for bodies produced by the engine."""
    from itukg.api.pages import query as query_page

    ctx = _context(request, settings, executor)
    return query_page.show(ctx, query, query_page.view_of_body(ctx, kind, body, query))
