"""Linked-data IRIs, the ontology, named graphs and the VoID description: content negotiation
(each RDF format parses back to the same triples), HEAD, 404s, HTML for browsers; through the
TestClient and a real uvicorn."""

from __future__ import annotations

import json

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from itukg.graph.store import open_store
from traceability_fixtures import api_client, audited_corpus, live_api  # noqa: F401

BASE = "https://w3id.org/itukg/"
DOC = BASE + "id/doc/acp-22a14-4-zh"
OUT41 = DOC + "/output/4.1"
IKG = Namespace("https://w3id.org/itukg/ontology#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDFLIB = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
          "application/rdf+xml": "xml"}


def path_of(iri: str) -> str:
    assert iri.startswith(BASE)
    return "/" + iri[len(BASE):]


def parse(r) -> Graph:
    media = r.headers["content-type"].split(";")[0]
    if media == "application/ld+json":
        doc = json.loads(r.content)
        assert "@context" not in json.dumps(doc) or not any(
            isinstance(c, str) for c in _contexts(doc)), "a remote JSON-LD context"
    return Graph().parse(data=r.content, format=RDFLIB[media])


def _contexts(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "@context":
                yield v
            yield from _contexts(v)
    elif isinstance(node, list):
        for v in node:
            yield from _contexts(v)


def test_output_iri_in_every_format_gives_the_same_triples(api_client):
    graphs = {}
    for media in RDFLIB:
        r = api_client.get(path_of(OUT41), headers={"Accept": media})
        assert r.status_code == 200 and r.headers["content-type"].startswith(media)
        assert "Accept" in r.headers["vary"] and 'rel="alternate"' in r.headers["link"]
        graphs[media] = parse(r)
    first = graphs["text/turtle"]
    for media, g in graphs.items():
        assert isomorphic(g, first), media
    out = URIRef(OUT41)
    assert (out, RDF.type, IKG.Output) in first and (out, IKG.code, Literal("4.1")) in first
    assert (URIRef(DOC), IKG.hasOutput, out) in first  # a link pointing at it
    # the provenance of its links comes along: the assertion of 4.1 → 9.c
    assertions = set(first.subjects(RDF.subject, out))
    assert any((a, RDF.object, URIRef("http://metadata.un.org/sdg/9.c")) in first for a in assertions)


def test_format_parameter_and_q_values(api_client):
    p = path_of(OUT41)
    for fmt, media in (("ttl", "text/turtle"), ("nt", "application/n-triples"), ("jsonld", "application/ld+json"),
                       ("rdf", "application/rdf+xml")):
        r = api_client.get(p, params={"format": fmt}, headers={"Accept": "text/html"})
        assert r.headers["content-type"].startswith(media), fmt
    r = api_client.get(p, headers={"Accept": "application/rdf+xml;q=0.5, text/turtle;q=0.9"})
    assert r.headers["content-type"].startswith("text/turtle")
    r = api_client.get(p, headers={"Accept": "text/turtle;q=0.1, application/ld+json"})
    assert r.headers["content-type"].startswith("application/ld+json")
    r = api_client.get(p, headers={"Accept": "*/*"})
    assert r.headers["content-type"].startswith("text/turtle")
    r = api_client.get(p, headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.headers["content-type"].startswith("application/problem+json")


def test_browsers_get_a_readable_page(api_client):
    r = api_client.get(path_of(OUT41), headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "Accept-Language": "en"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert OUT41 in html and "向最不发达国家" in html and 'lang="zh"' in html
    assert "9c" in html and "94" in html  # the provenance of 4.1 → 9.c: "9c" on line 94
    assert "<script src=\"http" not in html and "<link rel=\"stylesheet\" href=\"http" not in html


def test_head_matches_get_without_a_body(api_client):
    get = api_client.get(path_of(OUT41), headers={"Accept": "text/turtle"})
    head = api_client.head(path_of(OUT41), headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert api_client.head("/id/doc/acp-22a14-4-zh/output/9.9").status_code == 404
    assert api_client.head("/void").status_code == 200


@pytest.mark.parametrize("path", ["/id/doc/acp-22a14-4-zh/output/9.9", "/id/nothing", "/graph/nothing"])
def test_unknown_iris_are_404_problems(api_client, path):
    r = api_client.get(path)
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 404


def test_every_kind_of_minted_iri_dereferences(api_client, audited_corpus):
    """One IRI of each class minted under {base}id/ (document, line, outcome, indicator,
    output, slot, citation, link assertion, resolution, conference, WSIS line, finding, ...)."""
    store = open_store(audited_corpus, read_only=True)
    try:
        res = store.query(
            "SELECT ?type (MIN(STR(?s)) AS ?iri) WHERE { ?s a ?type . "
            f'FILTER (STRSTARTS(STR(?s), "{BASE}id/")) }} GROUP BY ?type'
        )
    finally:
        store.close()
    samples = {str(t): str(i) for t, i in res.rows}
    assert len(samples) >= 20
    for t in (IKG.Output, IKG.SourceLine, IKG.LinkAssertion, IKG.Resolution, IKG.WSISActionLine,
              IKG.RegionalInitiativeSlot, IKG.QuestionSlot, IKG.ResolutionCitation):
        assert str(t) in samples, t
    for type_, iri in samples.items():
        r = api_client.get(path_of(iri), headers={"Accept": "application/n-triples"})
        assert r.status_code == 200, iri
        g = parse(r)
        assert (URIRef(iri), RDF.type, URIRef(type_)) in g, iri


def test_ontology_dereferences(api_client, audited_corpus):
    store = open_store(audited_corpus, read_only=True)
    try:
        size = store.triples_per_graph()[audited_corpus.ontology_graph]
    finally:
        store.close()
    r = api_client.get("/ontology", headers={"Accept": "text/turtle"})
    g = parse(r)
    assert len(g) == size and (IKG.Output, RDF.type, OWL.Class) in g
    assert isomorphic(parse(api_client.get("/ontology", params={"format": "rdf"})), g)
    html = api_client.get("/ontology", headers={"Accept": "text/html"}).text
    assert "itukg" in html and "ontology" in html


def test_named_graphs_dereference(api_client, audited_corpus):
    store = open_store(audited_corpus, read_only=True)
    try:
        sizes = store.triples_per_graph()
    finally:
        store.close()
    g = parse(api_client.get("/graph/doc/acp-22a14-4-zh", headers={"Accept": "application/n-triples"}))
    assert len(g) == sizes[BASE + "graph/doc/acp-22a14-4-zh"]


def test_void_states_what_the_store_holds(api_client, audited_corpus):
    store = open_store(audited_corpus, read_only=True)
    try:
        sizes = store.triples_per_graph()
    finally:
        store.close()
    for path in ("/.well-known/void", "/void"):
        r = api_client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
        g = parse(r)
        ds = URIRef(BASE + "void#dataset")
        assert (ds, RDF.type, VOID.Dataset) in g
        counts = {str(s): int(n) for s in g.objects(ds, VOID.subset) for n in g.objects(s, VOID.triples)}
        assert counts == sizes
        assert int(g.value(ds, VOID.triples)) == sum(sizes.values())
        assert str(g.value(ds, VOID.sparqlEndpoint)).endswith("/sparql")
        licences = set(g.objects(ds, DCTERMS.license))
        assert URIRef("https://creativecommons.org/licenses/by/4.0/") in licences and len(licences) >= 2
        assert URIRef(DOC) in set(g.objects(ds, DCTERMS.source))
    jsonld = parse(api_client.get("/void", headers={"Accept": "application/ld+json"}))
    assert isomorphic(jsonld, parse(api_client.get("/void", params={"format": "nt"})))
    html = api_client.get("/void", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html") and "sparql" in html.text


def test_live_server_linked_data(live_api):
    with httpx.Client(base_url=live_api.url, timeout=30) as http:
        r = http.get(path_of(OUT41), headers={"Accept": "application/ld+json"})
        g = parse(r)
        assert (URIRef(OUT41), IKG.code, Literal("4.1")) in g
        head = http.head(path_of(OUT41), headers={"Accept": "text/turtle"})
        assert head.status_code == 200 and head.content == b"" and head.headers["content-type"].startswith("text/turtle")
        missing = http.head("/id/doc/acp-22a14-4-zh/output/9.9")
        assert missing.status_code == 404
        void = parse(http.get("/.well-known/void"))
        endpoint = str(void.value(URIRef(BASE + "void#dataset"), VOID.sparqlEndpoint))
        assert endpoint == live_api.url + "/sparql"
        cors = http.get(path_of(OUT41), headers={"Origin": "https://example.org"})
        assert cors.headers["access-control-allow-origin"] == "*"
