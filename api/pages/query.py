"""The query page: a SPARQL editor with the named queries as examples, results in a paged
table, downloads, a permalink, errors in place.

The page's address is the permalink: ``/query?query=...`` (free SPARQL) or
``/query?name=output-trace&outputCode=4.1`` (a named query; its text fills the editor and its
parameters are bound through the engine by :meth:`NamedQuery.bind`, never pasted into the text).
The query runs through the service's executor, so it has the same deadline and size caps as
``/sparql``; an error (syntax, timeout, too large, a bad parameter) is shown on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from fastapi.responses import HTMLResponse
from rdflib import BNode, Literal, URIRef

from itukg.graph.reads.named import named_queries
from itukg.errors import ItukgError
from itukg.graph.store import SelectResult

from .render import PageContext
from itukg.graph.reads.text import text_of

PAGE_SIZE = 50


@dataclass
class Cell:
    kind: str  # iri literal bnode empty
    value: str = ""
    href: str = ""
    lang: str = ""
    datatype: str = ""


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


def _cell(ctx: PageContext, term) -> Cell:
    if term is None:
        return Cell("empty")
    if isinstance(term, URIRef):
        return Cell("iri", str(term), ctx.data.href(str(term)))
    if isinstance(term, BNode):
        return Cell("bnode", "_:" + str(term))
    if isinstance(term, Literal):
        t = text_of(term)
        dt = str(term.datatype).rsplit("#", 1)[-1] if term.datatype else ""
        return Cell("literal", t.value, lang=t.short_lang, datatype=dt)
    return Cell("literal", str(term))


def page(ctx: PageContext) -> HTMLResponse:
    qp = ctx.request.query_params
    examples = named_queries(ctx.settings.base_iri)
    name = qp.get("name", "")
    nq = examples.get(name)
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
            result = _view(ctx, res, page_no)
        except ItukgError as exc:
            error = f"{exc.title}: {exc}"
    permalink_params = [("query", text or "")] if text and (nq is None or text != query_body(nq.sparql)) else []
    if nq:
        permalink_params = [("name", nq.name)] + permalink_params + [(k, v) for k, v in values.items() if v]
    permalink = "/query" + ("?" + urlencode(permalink_params) if permalink_params else "")
    downloads = _downloads(nq, text, values, result.form) if text and result and not error else []
    pages = (result.total + PAGE_SIZE - 1) // PAGE_SIZE if result and result.form != "ask" else 0

    def page_url(n: int) -> str:
        items = [(k, v) for k, v in qp.multi_items() if k not in ("page",)]
        items.append(("page", str(n)))
        return "/query?" + urlencode(items)

    return ctx.render("query.html", active="query", examples=examples, nq=nq, text=text or "",
                      values=values, result=result, error=error, permalink=permalink, downloads=downloads,
                      page_no=page_no, pages=pages, page_url=page_url, page_size=PAGE_SIZE)


def _view(ctx: PageContext, res, page_no: int) -> ResultView:
    start = (page_no - 1) * PAGE_SIZE
    if isinstance(res, bool):
        return ResultView("ask", boolean=res)
    if isinstance(res, SelectResult):
        rows = res.rows[start:start + PAGE_SIZE]
        return ResultView("select", list(res.variables), [[_cell(ctx, t) for t in r] for r in rows], len(res.rows))
    triples = list(res)
    rows = triples[start:start + PAGE_SIZE]
    return ResultView("graph", ["subject", "predicate", "object"], [[_cell(ctx, t) for t in r] for r in rows],
                      len(triples))


def _downloads(nq, text: str, values: dict[str, str], form: str) -> list[tuple[str, str]]:
    """``(label, url)`` for CSV and JSON (or Turtle) downloads of the same query."""
    if nq is not None and text == query_body(nq.sparql):
        base = f"/api/queries/{nq.name}"
        params = [(k, v) for k, v in values.items() if v]
    else:
        base = "/sparql"
        params = [("query", text)]
    return [(fmt.upper(), base + "?" + urlencode(params + [("format", fmt)])) for fmt in (("turtle", "jsonld") if form == "graph" else ("csv", "json"))]
