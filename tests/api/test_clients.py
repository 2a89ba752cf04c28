"""Real SPARQL clients, unmodified, against a live uvicorn: SPARQLWrapper, rdflib's
SPARQLStore, curl, Comunica (node); and what YASGUI (a browser UI) needs from the endpoint."""

from __future__ import annotations

import json
import shutil
import subprocess

import httpx
import pytest
import rdflib

from servers import KASEI, ROOT, live_w3c, w3c_store  # noqa: F401

FOAF_DOC = "http://xmlns.com/foaf/0.1/Document"
DOCS = sorted(KASEI.format(i) for i in (1, 2, 3))
SELECT = f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s a <{FOAF_DOC}> }} }} ORDER BY ?s"
ASK = f"ASK {{ <{KASEI.format(1)}> a <{FOAF_DOC}> }}"
CONSTRUCT = f"CONSTRUCT {{ ?s a <{FOAF_DOC}> }} WHERE {{ GRAPH ?g {{ ?s a <{FOAF_DOC}> }} }}"
JS = ROOT / "tests" / "js"


# -- SPARQLWrapper ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper(live_w3c, method) -> None:  # noqa: F811
    from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML, SPARQLWrapper

    def sw(query, fmt):
        w = SPARQLWrapper(live_w3c.url + "/sparql")
        w.setMethod(method)
        if method == POST:
            w.setRequestMethod(URLENCODED)
        w.setQuery(query)
        w.setReturnFormat(fmt)
        return w.query().convert()

    res = sw(SELECT, JSON)
    assert [b["s"]["value"] for b in res["results"]["bindings"]] == DOCS
    doc = sw(SELECT, XML)  # an xml.dom document
    assert sorted(n.firstChild.data for n in doc.getElementsByTagName("uri")) == DOCS
    assert sw(SELECT, CSV).decode().splitlines()[1:] == DOCS
    assert sw(SELECT, TSV).decode().splitlines()[1:] == [f"<{d}>" for d in DOCS]
    assert sw(ASK, JSON)["boolean"] is True
    for fmt in (RDFXML, TURTLE, N3, JSONLD):
        g = sw(CONSTRUCT, fmt)
        if not isinstance(g, rdflib.Graph):  # SPARQLWrapper returns bytes for some formats
            g = rdflib.Graph().parse(data=g, format={TURTLE: "turtle", N3: "n3", JSONLD: "json-ld"}.get(fmt, "xml"))
        assert sorted(str(s) for s in g.subjects()) == DOCS, fmt
    # direct POST (application/sparql-query)
    w = SPARQLWrapper(live_w3c.url + "/sparql")
    w.setMethod(POST)
    w.setRequestMethod(POSTDIRECTLY)
    w.setQuery(SELECT)
    w.setReturnFormat(JSON)
    assert len(w.query().convert()["results"]["bindings"]) == 3


def test_sparqlwrapper_errors(live_w3c) -> None:  # noqa: F811
    from SPARQLWrapper import JSON, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    w = SPARQLWrapper(live_w3c.url + "/sparql")
    w.setQuery("SELECT * WHERE { ?s ?p }")
    w.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed):
        w.query()


# -- rdflib SPARQLStore ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_rdflib_sparqlstore(live_w3c, method, fmt) -> None:  # noqa: F811
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(live_w3c.url + "/sparql", method=method, returnFormat=fmt)
    # a plain Graph, and a Dataset whose default graph is the union (a Dataset without
    # default_union sends default-graph-uri=urn:x-rdflib:default, a graph this store lacks)
    for g in (rdflib.Graph(store=store), rdflib.Dataset(store=store, default_union=True)):
        assert sorted(str(r.s) for r in g.query(SELECT)) == DOCS
        assert g.query(ASK).askAnswer is True
    if fmt == "xml":  # rdflib asks for application/rdf+xml; with "json" it accepts results only
        cg = rdflib.Graph(store=store).query(CONSTRUCT).graph
        assert sorted(str(s) for s in cg.subjects()) == DOCS
    # triple pattern access (rdflib writes the SPARQL itself)
    big = rdflib.Graph(store=store, identifier=rdflib.URIRef("http://example.org/big"))
    assert (rdflib.URIRef("http://example.org/s5"), None, None) in big
    store.close()


# -- curl ---------------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl not installed")
def test_curl(live_w3c) -> None:  # noqa: F811
    url = live_w3c.url + "/sparql"

    def curl(*args: str) -> str:
        p = subprocess.run(["curl", "-sS", "--fail-with-body", *args], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr + p.stdout
        return p.stdout

    out = curl("-G", url, "--data-urlencode", f"query={SELECT}", "-H", "Accept: text/csv")
    assert out.splitlines()[1:] == DOCS
    out = curl(url, "--data-urlencode", f"query={SELECT}", "-H", "Accept: application/sparql-results+json")
    assert [b["s"]["value"] for b in json.loads(out)["results"]["bindings"]] == DOCS
    out = curl(url, "-H", "Content-Type: application/sparql-query", "-H", "Accept: text/turtle", "--data-binary", CONSTRUCT)
    assert sorted(str(s) for s in rdflib.Graph().parse(data=out, format="turtle").subjects()) == DOCS
    out = curl(url, "-H", "Accept: text/turtle")  # the service description
    assert "sparql-service-description" in out
    head = curl("-I", "-G", url, "--data-urlencode", f"query={ASK}")
    assert head.startswith("HTTP/1.1 200") and "application/sparql-results+json" in head
    p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url, "--data-urlencode", "update=CLEAR ALL"],
                       capture_output=True, text=True, timeout=60)
    assert p.stdout == "403"


# -- Comunica -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def comunica() -> str:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm not installed")
    if not (JS / "node_modules" / "@comunica" / "query-sparql").is_dir():
        p = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
                           cwd=JS, capture_output=True, text=True, timeout=900)
        assert p.returncode == 0, p.stderr
    return str(JS / "comunica_query.mjs")


def test_comunica(live_w3c, comunica, tmp_path) -> None:  # noqa: F811
    queries = [
        SELECT,
        ASK,
        CONSTRUCT,
        # Comunica sends the whole query to a single SPARQL source: joins, LIMIT, OPTIONAL
        "SELECT ?s ?o WHERE { GRAPH <http://example.org/big> { ?s <http://example.org/p> ?o } "
        "OPTIONAL { ?s a ?t } } ORDER BY ?s LIMIT 2",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    ]
    qfile = tmp_path / "queries.json"
    qfile.write_text(json.dumps(queries))
    p = subprocess.run(["node", comunica, live_w3c.url + "/sparql", str(qfile)], cwd=JS,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    sel, ask, con, lim, service = json.loads(p.stdout)
    assert sorted(r["s"] for r in sel["rows"]) == DOCS
    assert ask == {"type": "boolean", "value": True}
    assert sorted(q[0] for q in con["quads"]) == DOCS
    assert [r["s"] for r in lim["rows"]] == ["http://example.org/s0", "http://example.org/s1"]
    # Comunica would run SERVICE itself; through our endpoint the clause is refused, not fetched
    assert service["type"] == "error"


# -- YASGUI (browser UI): what it needs from the endpoint ---------------------------------------


def test_what_yasgui_needs(live_w3c) -> None:  # noqa: F811
    """YASGUI (@triply/yasqe defaults) POSTs a form (query=...) from another origin with
    Accept "application/sparql-results+json,*/*;q=0.9" for SELECT/ASK and
    "application/n-triples,*/*;q=0.9" (older versions: text/turtle) for CONSTRUCT/DESCRIBE,
    after a CORS preflight."""
    url = live_w3c.url + "/sparql"
    origin = "https://yasgui.triply.cc"
    pre = httpx.options(url, headers={
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,accept,x-requested-with",
    })
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "POST" in pre.headers["access-control-allow-methods"]
    for h in ("content-type", "accept", "x-requested-with"):
        assert h in pre.headers["access-control-allow-headers"].lower()
    form = {"content-type": "application/x-www-form-urlencoded; charset=UTF-8", "Origin": origin}
    r = httpx.post(url, data={"query": SELECT}, headers={**form, "Accept": "application/sparql-results+json,*/*;q=0.9"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["content-type"] == "application/sparql-results+json"
    assert len(r.json()["results"]["bindings"]) == 3
    for accept, ctype in (("application/n-triples,*/*;q=0.9", "application/n-triples"),
                          ("text/turtle,*/*;q=0.9", "text/turtle")):
        r = httpx.post(url, data={"query": CONSTRUCT}, headers={**form, "Accept": accept})
        assert r.headers["content-type"].split(";")[0] == ctype
    # an error reaches the browser with CORS headers, as problem+json (YASR shows the text)
    r = httpx.post(url, data={"query": "SELECT * {"}, headers={**form, "Accept": "application/sparql-results+json,*/*;q=0.9"})
    assert r.status_code == 400 and r.headers["access-control-allow-origin"] == "*"
    assert r.headers["content-type"] == "application/problem+json"
