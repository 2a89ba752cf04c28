"""The query page: ONE view for ``/query`` and for ``/sparql`` (and ``/api/queries/{name}``)
opened in a browser (decision 0140). The named queries are its examples; results come as a
paged table with prefixed names, downloads in every format of the endpoint, a permalink and
errors in place.

The page works without scripts (this module renders the form and the results); with them,
``static/editor.js`` puts the YASGUI editor over the form (highlighting, completion, automatic
PREFIX lines, tabs, sortable and filterable tables, a chart).

The page's address is the permalink: ``/query?query=...`` (free SPARQL) or
``/query?name=output-trace&outputCode=4.1`` (a named query; its text fills the editor and its
parameters are bound through the engine by :meth:`NamedQuery.bind`, never pasted into the text).
The query runs through the service's executor, so it has the same deadline and size caps as
``/sparql``; an error (syntax, timeout, too large, a bad parameter) is shown on the page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from fastapi.responses import HTMLResponse
from rdflib import BNode, Graph, Literal, URIRef

from itukg.errors import ItukgError
from itukg.graph.ontology import PREFIXES
from itukg.graph.reads.named import named_queries
from itukg.graph.reads.text import text_of
from itukg.graph.store import SelectResult

from .render import PageContext

PAGE_SIZE = 50
FORMATS = {"select": ("csv", "tsv", "json", "xml"), "ask": ("csv", "tsv", "json", "xml"),
           "graph": ("turtle", "ntriples", "jsonld", "rdfxml")}
_STAR = re.compile(r"SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*", re.IGNORECASE)
_VAR = re.compile(r"[?$]([A-Za-z0-9_\u00B7-\uFFFF]+)")


@dataclass
class Cell:
    kind: str  # iri literal bnode empty
    value: str = ""
    href: str = ""
    lang: str = ""
    datatype: str = ""
    short: str = ""  # an IRI as a prefixed name, when the PREFIX map has its namespace


@dataclass
class ResultView:
    form: str  # select ask graph
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    total: int = 0
    boolean: bool | None = None


def query_body(sparql: str) -> str:
    """A named query's text without its ``#+`` metadata header (shown beside the editor)."""
    lines = sparql.splitlines()
    while lines and (lines[0].startswith("#+") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines).strip() + "\n"


def star_order(query: str, variables: list[str]) -> list[str]:
    """The columns of ``SELECT *`` in the order the query first names them (the engine lists
    them alphabetically); any other query's variables as given. Raises nothing."""
    m = _STAR.search(query)
    if not m:
        return list(variables)
    seen: list[str] = []
    for v in _VAR.findall(query, m.end()):
        if v not in seen:
            seen.append(v)
    return sorted(variables, key=lambda v: seen.index(v) if v in seen else len(seen))


def short_name(iri: str) -> str:
    """``ikg:Output`` for an IRI in a namespace of the PREFIX map, else ``""``."""
    for p, ns in PREFIXES.items():
        if iri.startswith(ns) and iri[len(ns):] and re.fullmatch(r"[\w.-]+", iri[len(ns):]):
            return f"{p}:{iri[len(ns):]}"
    return ""


def _cell(ctx: PageContext, term) -> Cell:
    if term is None:
        return Cell("empty")
    if isinstance(term, URIRef):
        return Cell("iri", str(term), ctx.data.href(str(term)), short=short_name(str(term)))
    if isinstance(term, BNode):
        return Cell("bnode", "_:" + str(term))
    if isinstance(term, Literal):
        t = text_of(term)
        dt = str(term.datatype).rsplit("#", 1)[-1] if term.datatype else ""
        return Cell("literal", t.value, lang=t.short_lang, datatype=dt)
    return Cell("literal", str(term))


def _json_cell(ctx: PageContext, term: dict | None) -> Cell:
    """A cell from a SPARQL JSON term."""
    if not term:
        return Cell("empty")
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return Cell("iri", value, ctx.data.href(value), short=short_name(value))
    if kind == "bnode":
        return Cell("bnode", "_:" + value)
    dt = term.get("datatype", "")
    return Cell("literal", value, lang=term.get("xml:lang", ""),
                datatype=dt.rsplit("#", 1)[-1] if dt and not dt.endswith("#string") else "")


def page(ctx: PageContext, *, default_text: str = "", endpoint: str = "/sparql") -> HTMLResponse:
    """``/query`` (and ``/sparql`` without a query, ``default_text`` in the editor): run the
    URL's query or named query and show it. Raises nothing: errors are shown on the page."""
    qp = ctx.request.query_params
    nq = named_queries(ctx.settings.base_iri).get(qp.get("name", ""))
    text = qp.get("query")
    if text is None and nq is not None:
        text = query_body(nq.sparql)
    values = {p.name: qp.get(p.name, p.example if qp.get("query") is None else "") for p in nq.params} if nq else {}
    try:
        page_no = max(1, int(qp.get("page", "1")))
    except ValueError:
        page_no = 1
    result: ResultView | None = None
    error = ""
    if text and text.strip():
        try:
            bindings = nq.bind({k: v for k, v in values.items() if v}, base_iri=ctx.settings.base_iri) if nq else None
            res = ctx.data.store.query(text, bindings=bindings or None)
            result = _view(ctx, res, page_no, text)
        except ItukgError as exc:
            error = f"{exc.title}: {exc}"
    return show(ctx, text if text is not None else default_text, result, nq=nq, values=values,
                error=error, page_no=page_no, endpoint=endpoint)


def show(ctx: PageContext, text: str, result: ResultView | None, *, nq=None,
         values: dict[str, str] | None = None, error: str = "", page_no: int = 1,
         endpoint: str = "/sparql") -> HTMLResponse:
    """Render the one query view. Raises nothing."""
    values = values or {}
    permalink_params = [("query", text)] if text and (nq is None or text != query_body(nq.sparql)) else []
    if nq:
        permalink_params = [("name", nq.name)] + permalink_params + [(k, v) for k, v in values.items() if v]
    permalink = "/query" + ("?" + urlencode(permalink_params) if permalink_params else "")
    downloads = _downloads(nq, text, values, result.form) if text and result and not error else []
    pages = (result.total + PAGE_SIZE - 1) // PAGE_SIZE if result and result.form != "ask" else 0

    def page_url(n: int) -> str:
        items = [(k, v) for k, v in permalink_params]
        items.append(("page", str(n)))
        return "/query?" + urlencode(items)

    return ctx.render("query.html", active="query", examples=named_queries(ctx.settings.base_iri), nq=nq,
                      text=text or "", values=values, result=result, error=error, permalink=permalink,
                      downloads=downloads, page_no=page_no, pages=pages, page_url=page_url,
                      page_size=PAGE_SIZE, endpoint=endpoint)


def view_of_body(ctx: PageContext, kind: str, body: bytes, query: str) -> ResultView:
    """The first page of a result the engine serialised: SPARQL JSON for SELECT and ASK,
    Turtle for CONSTRUCT/DESCRIBE. Raises ValueError for a body of another shape."""
    if kind == "graph":
        g = Graph()
        g.parse(data=body.decode("utf-8"), format="turtle")
        return _view(ctx, g, 1, query)
    data = json.loads(body)
    if kind == "ask":
        return ResultView("ask", boolean=bool(data.get("boolean")))
    variables = star_order(query, data["head"].get("vars", []))
    rows = data["results"]["bindings"]
    return ResultView("select", variables, [[_json_cell(ctx, b.get(v)) for v in variables] for b in rows[:PAGE_SIZE]],
                      len(rows))


def _view(ctx: PageContext, res, page_no: int, query: str) -> ResultView:
    start = (page_no - 1) * PAGE_SIZE
    if isinstance(res, bool):
        return ResultView("ask", boolean=res)
    if isinstance(res, SelectResult):
        names = [str(v) for v in res.variables]
        order = [names.index(v) for v in star_order(query, names)]
        rows = res.rows[start:start + PAGE_SIZE]
        return ResultView("select", [names[i] for i in order],
                          [[_cell(ctx, r[i]) for i in order] for r in rows], len(res.rows))
    triples = list(res)
    rows = triples[start:start + PAGE_SIZE]
    return ResultView("graph", ["subject", "predicate", "object"], [[_cell(ctx, t) for t in r] for r in rows],
                      len(triples))


def _downloads(nq, text: str, values: dict[str, str], form: str) -> list[tuple[str, str]]:
    """``(label, url)`` of the same query in every format the endpoint gives for its form."""
    if nq is not None and text == query_body(nq.sparql):
        base = f"/api/queries/{nq.name}"
        params = [(k, v) for k, v in values.items() if v]
        formats = FORMATS["select"]  # named queries are SELECT
    else:
        base = "/sparql"
        params = [("query", text)]
        formats = FORMATS[form]
    return [(fmt.upper(), base + "?" + urlencode(params + [("format", fmt)])) for fmt in formats]
