"""The same store, three backends: the corpus built into the embedded store, an Oxigraph server
and Virtuoso gives the same graph, the same query answers, the same audit findings and the same
service responses (docs/store.md, "Backends"). Each backend's store is built once per session
(``backend_corpus`` in tests/conftest.py); the embedded one is the reference."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from itukg.errors import QueryError, StoreError
from itukg.graph.audit import run_audit
from itukg.graph.store import SelectResult, open_store, store_generation, store_info

IKG = "https://w3id.org/itukg/ontology#"
SDG_9C = URIRef("http://metadata.un.org/sdg/9.c")
TRACE = f"""PREFIX ikg: <{IKG}>
SELECT ?output ?code ?resolution WHERE {{
  ?output ikg:servesTarget ?target ; ikg:code ?code . OPTIONAL {{ ?output ikg:mandatedBy ?resolution }}
}} ORDER BY ?code ?resolution"""


def rows(result: object) -> Counter:
    """SELECT rows as a multiset (row order only counts under ORDER BY, compared apart)."""
    assert isinstance(result, SelectResult)
    return Counter(tuple(sorted(d.items())) for d in result.dicts())


@pytest.fixture(scope="module")
def reference(_corpus_built):
    settings = _corpus_built[0]
    with open_store(settings, read_only=True) as store:
        yield settings, store


def test_the_golden_graph_is_the_same(backend_corpus, reference):
    settings, store = backend_corpus
    ref = reference[1]
    assert store.graphs() == ref.graphs()
    assert store.triples_per_graph() == ref.triples_per_graph()
    for g in ref.graphs():  # graph by graph, blank nodes compared up to renaming
        ours, theirs = Graph(), Graph()
        ours.parse(data=store.dump("ntriples", g), format="nt")
        theirs.parse(data=ref.dump("ntriples", g), format="nt")
        assert isomorphic(ours, theirs), g


def test_queries_answer_the_same(backend_corpus, reference):
    store, ref = backend_corpus[1], reference[1]
    queries = [
        TRACE,
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        f"SELECT ?o (DATATYPE(?o) AS ?dt) (LANG(?o) AS ?lang) WHERE {{ ?s <{IKG}code> ?o }}",
        "SELECT ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }",
    ]
    for q in queries:
        assert rows(store.query(q)) == rows(ref.query(q)), q
    ordered = store.query(TRACE)
    assert ordered.rows == ref.query(TRACE).rows  # ORDER BY: the same order too
    assert len(ordered.rows) > 0


def test_bindings_are_values_not_text(backend_corpus, reference):
    store, ref = backend_corpus[1], reference[1]
    q = f"SELECT ?output ?target WHERE {{ ?output <{IKG}servesTarget> ?target }}"
    ours = store.query(q, bindings={"target": SDG_9C})
    assert rows(ours) == rows(ref.query(q, bindings={"target": SDG_9C}))
    assert len(ours.rows) == 1
    hostile = Literal('x" } } ; DROP ALL ; SELECT * { "')  # stays one literal
    q2 = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    assert store.query(q2, bindings={"o": hostile}).rows == []
    with pytest.raises(QueryError, match="projection"):  # the engine's rule, on every backend
        store.query("SELECT ?s WHERE { ?s ?p ?o }", bindings={"o": hostile})
    assert store.triples_per_graph() == ref.triples_per_graph()


def test_ask_construct_and_serialised_results(backend_corpus, reference):
    store, ref = backend_corpus[1], reference[1]
    ask = f"ASK {{ ?o <{IKG}servesTarget> <{SDG_9C}> }}"
    assert store.query(ask) is True and ref.query(ask) is True
    assert store.query("ASK { ?s <http://nowhere/p> ?o }") is False
    construct = f"CONSTRUCT {{ ?o <{IKG}servesTarget> ?t }} WHERE {{ ?o <{IKG}servesTarget> ?t }}"
    assert set(store.query(construct)) == set(ref.query(construct))
    for fmt in ("json", "xml", "csv", "tsv"):
        kind, body = store.query_serialized(TRACE, result_format=fmt)
        assert (kind, body) == ref.query_serialized(TRACE, result_format=fmt)
    assert store.query_serialized(ask, result_format="json") == ref.query_serialized(ask, result_format="json")


def test_dataset_semantics(backend_corpus, reference):
    """Default graph = union of the published graphs; only named graphs given = empty default;
    an explicit default graph = that graph only (Virtuoso's own default differs: never relied on)."""
    settings, store = backend_corpus
    ref = reference[1]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    for kw in ({}, {"named_graphs": [settings.ontology_graph]},
               {"default_graph": [settings.ontology_graph]},
               {"default_graph": [settings.ontology_graph, settings.reference_graph]}):
        assert store.query(count, **kw).rows == ref.query(count, **kw).rows, kw
    # a query's own FROM is its dataset on every backend (the embedded store used to answer
    # from the union of all graphs)
    q = "SELECT (COUNT(*) AS ?n) FROM <%s> WHERE { ?s ?p ?o }" % settings.reference_graph
    only = ref.query(count, default_graph=[settings.reference_graph]).rows
    assert store.query(q).rows == only == ref.query(q).rows
    assert only != ref.query(count).rows


def test_literal_datatypes_round_trip(backend_corpus, reference):
    """Plain, xsd:string, language-tagged and typed literals come back as the embedded store
    gives them (Virtuoso's typed-literal results included)."""
    store, ref = backend_corpus[1], reference[1]
    q = f"SELECT DISTINCT ?o WHERE {{ ?s ?p ?o FILTER(isLiteral(?o)) }}"
    ours, theirs = rows(store.query(q)), rows(ref.query(q))
    assert ours == theirs
    kinds = {(t.datatype, bool(t.language)) for row in store.query(q).rows for t in row}
    assert len(kinds) >= 3  # strings, language tags, integers at least


def test_the_screener_stands_in_front(backend_corpus):
    store = backend_corpus[1]
    with pytest.raises(QueryError, match="SERVICE"):
        store.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(QueryError):
        store.query("INSERT DATA { <http://a> <http://b> <http://c> }")
    with pytest.raises(QueryError):
        store.query_form("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(StoreError, match="read-only"):
        store.update("INSERT DATA { <http://a> <http://b> <http://c> }")


def test_store_info_and_generation(backend_corpus, backend):
    settings, store = backend_corpus
    gen = store_generation(settings)
    assert gen is not None and gen.startswith("gen-")
    info = store_info(settings)
    assert info is not None and info.generation == gen
    if backend != "embedded":
        assert info.engine == f"remote-{backend.split('-')[0]}" and info.size == 0
        assert store.info().read_only and store.info().location == str(settings.store).rstrip("/")


def test_audit_findings_are_identical(backend_corpus, reference):
    settings, store = backend_corpus
    ours = run_audit(store, settings, store_report=False)
    theirs = run_audit(reference[1], reference[0], store_report=False)
    assert len(ours.findings) > 0
    assert [f.model_dump() if hasattr(f, "model_dump") else f for f in ours.findings] == \
        [f.model_dump() if hasattr(f, "model_dump") else f for f in theirs.findings]


PATHS = ["/api/outputs", "/api/coverage", "/api/sdg/9.c", "/api/queries", "/void",
         "/api/resolutions/wtdc/16", "/api/queries/resolution-trace?resolution=WTDC%2016&document=acp-22a14-4-zh",
         "/coverage", "/audit"]


@pytest.fixture(scope="module")
def services(backend_corpus, reference):
    """The service in front of each store: the backend's and the reference's."""
    from servers import LiveServer, settings_env

    def env(settings):
        # required: the query workers must be off the network over every backend (decision
        # 0174: over a server they reach it through the relay, and nothing else)
        e = settings_env(settings.store, query_workers=1, network_isolation="required")
        for key in ("store_query_url", "store_update_url", "store_gsp_url"):
            if getattr(settings, key):
                e[f"ITUKG_{key.upper()}"] = getattr(settings, key)
        return e

    with LiveServer(env(backend_corpus[0])) as ours, LiveServer(env(reference[0])) as ref:
        yield ours, ref


def test_the_service_answers_the_same(services, backend):
    ours, ref = services
    for path in PATHS:
        a, b = httpx.get(ours.url + path, timeout=60), httpx.get(ref.url + path, timeout=60)
        assert a.status_code == b.status_code == 200, (path, a.text[:300])
        if a.headers["content-type"].startswith("application/json"):
            assert a.json() == b.json(), path
    q = {"query": TRACE}
    a = httpx.post(ours.url + "/sparql", data=q, headers={"Accept": "application/sparql-results+json"})
    b = httpx.post(ref.url + "/sparql", data=q, headers={"Accept": "application/sparql-results+json"})
    assert a.status_code == 200 and a.content == b.content
    # the service's own walls hold in front of any backend: no SERVICE, no updates by default
    bad = httpx.post(ours.url + "/sparql", data={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    upd = httpx.post(ours.url + "/sparql", data={"update": "DROP ALL"})
    assert upd.status_code in (403, 405)
    health = httpx.get(ours.url + "/health").json()
    assert health["status"] == "ok" and health["network"] == "isolated"
    if backend != "embedded":  # the workers ask the server: no copy of their own
        assert health["queryStore"] and set(health["queryStore"]) == {"server"}
