"""The /sparql endpoint through the TestClient: content negotiation matrix, format override,
406, service description, HTML, protocol errors as problem+json, CORS, HEAD."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib

from itukg.api.conneg import BadFormatParameter, NotAcceptable, negotiate, parse_accept
from servers import KASEI, w3c_client, w3c_store  # noqa: F401

SELECT = "SELECT ?s WHERE { GRAPH ?g { ?s a <http://xmlns.com/foaf/0.1/Document> } } ORDER BY ?s"
ASK = "ASK { ?s a <http://xmlns.com/foaf/0.1/Document> }"
CONSTRUCT = "CONSTRUCT { ?s a <http://xmlns.com/foaf/0.1/Document> } WHERE { GRAPH ?g { ?s a <http://xmlns.com/foaf/0.1/Document> } }"
DESCRIBE = f"DESCRIBE <{KASEI.format(1)}>"
DOCS = [KASEI.format(i) for i in (1, 2, 3)]

# ---------------------------------------------------------------------------------- conneg unit

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

MATRIX = [
    # (Accept, kind, expected format)
    (None, "select", "json"),
    ("", "select", "json"),
    ("*/*", "select", "json"),
    ("*/*", "ask", "json"),
    ("*/*", "graph", "turtle"),
    ("application/sparql-results+json", "select", "json"),
    ("application/sparql-results+xml", "select", "xml"),
    ("text/csv", "select", "csv"),
    ("text/tab-separated-values", "select", "tsv"),
    ("application/json", "select", "json"),
    ("application/xml", "select", "xml"),
    ("text/*", "select", "csv"),
    ("application/*", "ask", "json"),
    ("text/csv", "ask", "csv"),
    ("text/turtle", "graph", "turtle"),
    ("application/n-triples", "graph", "ntriples"),
    ("application/ld+json", "graph", "jsonld"),
    ("application/rdf+xml", "graph", "rdfxml"),
    ("text/plain", "graph", "ntriples"),
    ("application/json", "graph", "jsonld"),
    ("application/xml", "graph", "rdfxml"),
    ("application/*", "graph", "ntriples"),
    # q-values
    ("application/sparql-results+xml;q=0.5, application/sparql-results+json;q=0.9", "select", "json"),
    ("application/sparql-results+json;q=0.1, text/csv", "select", "csv"),
    ("text/turtle;q=0.2, application/rdf+xml;q=0.8, */*;q=0.1", "graph", "rdfxml"),
    ("*/*;q=0.1, text/tab-separated-values;q=0.5", "select", "tsv"),
    ("text/csv;q=0, */*", "select", "json"),
    ("application/sparql-results+json;q=0, */*;q=0.5", "select", "xml"),
    # more specific range wins over a wildcard's q
    ("text/*;q=0.9, text/csv;q=0.1, */*;q=0.2", "select", "tsv"),
    # parameters and case
    ("Application/SPARQL-Results+JSON; charset=utf-8", "select", "json"),
    # browsers
    (BROWSER, "select", "html"),
    (BROWSER, "graph", "html"),
    # SPARQLWrapper's JSON and rdflib's defaults
    ("application/sparql-results+json,application/json,text/javascript,application/javascript", "select", "json"),
    ("application/sparql-results+xml", "ask", "xml"),
    ("application/rdf+xml", "graph", "rdfxml"),
]


@pytest.mark.parametrize(("accept", "kind", "fmt"), MATRIX)
def test_negotiate_matrix(accept, kind, fmt) -> None:
    assert negotiate(accept, kind)[0] == fmt


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("image/png", "select"),
        ("text/turtle", "select"),
        ("application/sparql-results+json", "graph"),
        ("text/csv;q=0", "select"),
        ("text/html", "select"),  # with html disabled below
    ],
)
def test_negotiate_406(accept, kind) -> None:
    with pytest.raises(NotAcceptable) as e:
        negotiate(accept, kind, html=accept != "text/html")
    assert e.value.status_code == 406 and e.value.offered


def test_ask_never_csv_by_wildcard() -> None:
    assert negotiate("text/*, */*;q=0.1", "ask")[0] == "json"
    with pytest.raises(NotAcceptable):
        negotiate("text/*", "ask", html=False)


@pytest.mark.parametrize(
    ("param", "kind", "fmt"),
    [
        ("json", "select", "json"), ("xml", "select", "xml"), ("csv", "select", "csv"),
        ("tsv", "select", "tsv"), ("json", "graph", "jsonld"), ("xml", "graph", "rdfxml"),
        ("turtle", "graph", "turtle"), ("ttl", "graph", "turtle"), ("n3", "graph", "turtle"),
        ("nt", "graph", "ntriples"), ("json-ld", "graph", "jsonld"), ("rdf", "graph", "rdfxml"),
        ("text/csv", "select", "csv"), ("application/sparql-results+xml", "ask", "xml"),
        ("html", "select", "html"),
    ],
)
def test_format_parameter(param, kind, fmt) -> None:
    # the parameter overrides whatever Accept says
    assert negotiate("image/png", kind, param)[0] == fmt


def test_format_parameter_errors() -> None:
    with pytest.raises(BadFormatParameter):
        negotiate(None, "select", "yaml")
    with pytest.raises(NotAcceptable):
        negotiate(None, "select", "turtle")


def test_parse_accept_tolerates_garbage() -> None:
    ranges = parse_accept("text/csv;q=abc, garbage, ;;, application/json;q=0.5")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [("text", "csv", 0.0), ("application", "json", 0.5)]


# ------------------------------------------------------------------------------- over HTTP


def _rows_json(r):
    return sorted(b["s"]["value"] for b in r.json()["results"]["bindings"])


def test_select_in_every_format(w3c_client) -> None:  # noqa: F811
    c = w3c_client
    r = c.get("/sparql", params={"query": SELECT}, headers={"accept": "application/sparql-results+json"})
    assert r.headers["content-type"] == "application/sparql-results+json" and _rows_json(r) == DOCS
    assert r.headers["vary"].lower().count("accept")
    r = c.get("/sparql", params={"query": SELECT}, headers={"accept": "application/sparql-results+xml"})
    assert r.headers["content-type"] == "application/sparql-results+xml"
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert sorted(u.text for u in ET.fromstring(r.content).iter(f"{ns}uri")) == DOCS
    r = c.get("/sparql", params={"query": SELECT}, headers={"accept": "text/csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert [row[0] for row in csv.reader(io.StringIO(r.text))][1:] == DOCS
    r = c.get("/sparql", params={"query": SELECT}, headers={"accept": "text/tab-separated-values"})
    assert r.headers["content-type"].startswith("text/tab-separated-values")
    assert r.text.splitlines()[1:] == [f"<{d}>" for d in DOCS]


def test_ask_formats(w3c_client) -> None:  # noqa: F811
    r = w3c_client.post("/sparql", data={"query": ASK}, headers={"accept": "application/sparql-results+xml"})
    assert "<boolean>true</boolean>" in r.text
    r = w3c_client.post("/sparql", data={"query": ASK})
    assert r.json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    ("accept", "ctype", "rdflib_fmt"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_construct_and_describe_formats(w3c_client, accept, ctype, rdflib_fmt) -> None:  # noqa: F811
    for q, n in ((CONSTRUCT, 3), (DESCRIBE, 1)):
        r = w3c_client.post("/sparql", content=q.encode(), headers={"content-type": "application/sparql-query", "accept": accept})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].split(";")[0] == ctype
        g = rdflib.Graph().parse(data=r.content, format=rdflib_fmt)
        assert len(g) == n


def test_format_parameter_over_http(w3c_client) -> None:  # noqa: F811
    r = w3c_client.get("/sparql", params={"query": SELECT, "format": "csv"}, headers={"accept": "application/sparql-results+json"})
    assert r.headers["content-type"].startswith("text/csv")
    r = w3c_client.post("/sparql", data={"query": CONSTRUCT, "format": "json"})
    assert r.headers["content-type"] == "application/ld+json"
    r = w3c_client.get("/sparql", params={"query": SELECT, "format": "yaml"})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"


def test_406_over_http(w3c_client) -> None:  # noqa: F811
    r = w3c_client.get("/sparql", params={"query": SELECT}, headers={"accept": "image/png"})
    assert r.status_code == 406
    p = r.json()
    assert p["title"] == "Not Acceptable" and "application/sparql-results+json" in p["available"]
    r = w3c_client.get("/sparql", params={"query": CONSTRUCT}, headers={"accept": "application/sparql-results+json"})
    assert r.status_code == 406 and "text/turtle" in r.json()["available"]


def test_html_for_browsers(w3c_client) -> None:  # noqa: F811
    """A browser gets the site's one query view (decision 0140): the results in the page's
    table, the query in the editor, every term escaped."""
    from urllib.parse import quote

    r = w3c_client.get("/sparql", params={"query": SELECT}, headers={"accept": BROWSER})
    assert r.headers["content-type"].startswith("text/html")
    for d in DOCS:
        assert f'<a href="/resource?iri={quote(d, safe="")}">{d}</a>' in r.text
    assert 'id="row-count">3 rows<' in r.text and '<textarea id="query-text"' in r.text
    assert 'id="yasgui"' in r.text and 'aria-current="page">Query<' in r.text  # in the site layout
    r = w3c_client.get("/sparql", params={"query": ASK}, headers={"accept": BROWSER})
    assert 'id="ask-result">yes (true)<' in r.text
    r = w3c_client.get("/sparql", params={"query": CONSTRUCT}, headers={"accept": BROWSER})
    assert "foaf:Document" in r.text or "foaf/0.1/Document" in r.text
    assert 'id="row-count">3 triples<' in r.text
    r = w3c_client.get("/sparql", headers={"accept": BROWSER})
    assert "<form" in r.text and 'name="query"' in r.text
    # markup in data is escaped
    r = w3c_client.get("/sparql", params={"query": 'SELECT ("<script>x</script>" AS ?s) {}', "format": "html"})
    assert "<script>x" not in r.text and "&lt;script&gt;" in r.text


def test_service_description(w3c_client) -> None:  # noqa: F811
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    for accept, fmt in (("text/turtle", "turtle"), (None, "turtle"), ("application/rdf+xml", "xml"),
                        ("application/ld+json", "json-ld"), ("application/n-triples", "nt")):
        headers = {"accept": accept} if accept else {}
        r = w3c_client.get("/sparql", headers=headers)
        assert r.status_code == 200, r.text
        g = rdflib.Graph().parse(data=r.content, format=fmt)
        svc = g.value(predicate=rdflib.RDF.type, object=SD.Service)
        assert g.value(svc, SD.endpoint) == rdflib.URIRef("http://testserver/sparql")
        assert (svc, SD.supportedLanguage, SD.SPARQL11Query) in g
        assert (svc, SD.supportedLanguage, SD.SPARQL11Update) not in g  # read-only
        assert (svc, SD.resultFormat, rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in g
        assert (svc, SD.feature, SD.UnionDefaultGraph) in g
        ds = g.value(svc, SD.defaultDataset)
        names = {str(g.value(ng, SD.name)) for ng in g.objects(ds, SD.namedGraph)}
        assert set(DOCS) <= names
        VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
        total = g.value(g.value(ds, SD.defaultGraph), VOID.triples)
        assert int(total) == 203


@pytest.mark.parametrize(
    ("method", "kw", "status", "words"),
    [
        ("post", {"content": b"ASK {}"}, 415, "Content-Type"),
        ("post", {"content": b"ASK {}", "headers": {"content-type": "text/plain"}}, 415, "text/plain"),
        ("post", {"content": "ASK {}".encode("utf-16"), "headers": {"content-type": "application/sparql-query"}}, 400, "UTF-8"),
        ("post", {"content": b"query=ASK%20%7B%7D%FF", "headers": {"content-type": "application/x-www-form-urlencoded"}}, 200, None),
        ("post", {"content": b"query=\xff\xfe", "headers": {"content-type": "application/x-www-form-urlencoded"}}, 400, "UTF-8"),
        ("post", {"content": b"ASK {}", "headers": {"content-type": "application/sparql-query"}, "params": {"query": "ASK {}"}}, 400, "body"),
        ("post", {"data": {"query": "ASK {}"}, "params": {"query": "ASK {}"}}, 400, "2 query parameters"),
        ("post", {"data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400, "not both"),
        ("post", {"data": {"other": "x"}}, 400, "no query"),
        ("get", {"params": {"query": "   "}}, 400, "empty"),
        ("get", {"params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "1:"),
        ("get", {"params": {"query": "PREFIX x: <http://e/>\nSELECT * WHERE {\n ?s y:p ?o }"}}, 400, "y"),
        ("delete", {"params": {"query": "ASK {}"}}, 405, "DELETE"),
        ("put", {"params": {"query": "ASK {}"}}, 405, "PUT"),
    ],
)
def test_protocol_errors_are_problems(w3c_client, method, kw, status, words) -> None:  # noqa: F811
    r = getattr(w3c_client, method)("/sparql", **kw) if method != "delete" else w3c_client.request("DELETE", "/sparql", **kw)
    if status == 200:
        # %FF percent-decodes to a replacement character inside the form value, not a crash
        assert r.status_code in (200, 400)
        return
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    p = r.json()
    assert set(p) >= {"type", "title", "status", "detail", "instance"}
    assert p["status"] == status and p["instance"] == "/sparql"
    assert words in p["detail"], p["detail"]


def test_syntax_error_gives_position(w3c_client) -> None:  # noqa: F811
    r = w3c_client.get("/sparql", params={"query": "SELECT *\nWHERE { ?s ?p }"})
    p = r.json()
    assert r.status_code == 400 and p["type"].endswith("/query-error")
    assert "2:" in p["detail"]  # line 2 of the text the client sent (not shifted by the BASE)


def test_relative_iris_resolve_against_the_base(w3c_client) -> None:  # noqa: F811
    r = w3c_client.get("/sparql", params={"query": "SELECT (<id/doc/x> AS ?i) {}"})
    assert r.json()["results"]["bindings"][0]["i"]["value"] == "https://w3id.org/itukg/id/doc/x"
    r = w3c_client.get("/sparql", params={"query": "BASE <http://other/>\nSELECT (<x> AS ?i) {}"})
    assert r.json()["results"]["bindings"][0]["i"]["value"] == "http://other/x"


def test_head_and_cors(w3c_client) -> None:  # noqa: F811
    r = w3c_client.head("/sparql", params={"query": ASK})
    assert r.status_code == 200 and r.content == b""
    r = w3c_client.get("/sparql", params={"query": ASK}, headers={"origin": "https://yasgui.triply.cc"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    r = w3c_client.options(
        "/sparql",
        headers={
            "origin": "https://yasgui.triply.cc",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type, accept",
        },
    )
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "content-type" in r.headers["access-control-allow-headers"].lower()


def test_unknown_path_and_health(w3c_client) -> None:  # noqa: F811
    r = w3c_client.get("/no/such/thing")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    h = w3c_client.get("/health").json()
    assert h["status"] == "ok" and h["queryWorkers"] == 2 and h["updates"] is False


def test_openapi_documents_sparql(w3c_client) -> None:  # noqa: F811
    spec = w3c_client.get("/openapi.json").json()
    op = spec["paths"]["/sparql"]
    assert {"get", "post"} <= set(op)
    assert "406" in json.dumps(op)
    ids = [o["operationId"] for path in spec["paths"].values() for o in path.values()
           if isinstance(o, dict) and "operationId" in o]
    assert len(ids) == len(set(ids)), "duplicate OpenAPI operationIds"


# ------------------------------------------------------------------------------- the corpus


def test_sparql_on_the_corpus_store(corpus_store) -> None:
    """The endpoint over the real corpus build answers what the store answers."""
    from fastapi.testclient import TestClient

    from itukg.api.app import create_app

    settings, store = corpus_store
    q = ("PREFIX ikg: <https://w3id.org/itukg/ontology#>\n"
         "SELECT ?output ?code WHERE { ?output a ikg:Output ; ikg:code ?code } ORDER BY ?code ?output")
    expected = [(str(o), str(c)) for o, c in store.query(q).rows]
    assert expected  # the corpus has outputs
    app = create_app(settings.model_copy(update={"query_workers": 1}))
    with TestClient(app) as client:
        r = client.get("/sparql", params={"query": q})
        got = [(b["output"]["value"], b["code"]["value"]) for b in r.json()["results"]["bindings"]]
        assert got == expected
        # relative IRIs resolve against the base IRI: the minted document IRIs
        doc = store.query("PREFIX ikg: <https://w3id.org/itukg/ontology#>\nSELECT ?d WHERE { ?d a ikg:PlanningDocument } LIMIT 1").rows[0][0]
        rel = str(doc)[len(settings.base_iri):]
        r = client.get("/sparql", params={"query": f"ASK {{ <{rel}> a <https://w3id.org/itukg/ontology#PlanningDocument> }}"})
        assert r.json()["boolean"] is True
        # the service description lists every graph of the store with its size
        SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
        VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
        g = rdflib.Graph().parse(data=client.get("/sparql", headers={"accept": "text/turtle"}).text, format="turtle")
        sizes = {str(g.value(ng, SD.name)): int(g.value(g.value(ng, SD.graph), VOID.triples))
                 for ng in g.subjects(rdflib.RDF.type, SD.NamedGraph)}
        assert sizes == store.triples_per_graph()
        assert settings.ontology_graph in sizes and settings.reference_graph in sizes


def test_html_pages_escape_and_write_terms_as_turtle(w3c_client) -> None:  # noqa: F811
    """The endpoint's page is the site's query view (decision 0140): IRIs as links, literals
    with their language or datatype, every value escaped, the query kept in the editor."""
    q = ('SELECT ?iri ?lang ?typed ?plain ?unbound WHERE { BIND(<http://e/a?x=1&y=2> AS ?iri) '
         'BIND("<b>x</b>"@en AS ?lang) BIND(3 AS ?typed) BIND("a & b" AS ?plain) }')
    r = w3c_client.get("/sparql", params={"query": q}, headers={"accept": BROWSER})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert page.startswith("<!doctype html>") and "<title>Query · itukg</title>" in page
    assert '<a href="/resource?iri=http%3A%2F%2Fe%2Fa%3Fx%3D1%26y%3D2">http://e/a?x=1&amp;y=2</a>' in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page and '<span class="tag">@en</span>' in page
    assert '<span class="tag">integer</span>' in page
    assert "<td><span>a &amp; b</span></td>" in page and "<td></td>" in page  # ?unbound
    assert 'id="row-count">1 row<' in page and '<th scope="col">?unbound</th>' in page
    assert "BIND(&lt;http://e/a?x=1&amp;y=2&gt; AS ?iri)" in page  # the query, in the form
    form = w3c_client.get("/sparql", headers={"accept": BROWSER}).text
    assert "<title>Query · itukg</title>" in form and "GROUP BY ?g" in form

