"""The safety rules of the endpoint: no network, deadlines, size caps, read-only, tokens."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from itukg.api.app import create_app
from itukg.settings import Settings
from servers import ROOT, ConnectionRecorder, LiveServer, live_w3c, settings_env, w3c_client, w3c_store  # noqa: F401

# 200 triples in <http://example.org/big>: a 4-way cross product is 1.6e9 solutions
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/big> "
    "{ ?a ?p1 ?b . ?c ?p2 ?d . ?e ?p3 ?f . ?g ?p4 ?h } }"
)
STRONG_TOKEN = "k3Y9-pQ2x_Lm7Vb8Nc4Zt6Rw1Hs5Jd0Fg"


def _get(client, query: str, **kw):
    return client.get("/sparql", params={"query": query, **kw})


# -- no network -------------------------------------------------------------------------------


def test_listener_sees_what_pyoxigraph_would_do_unguarded() -> None:
    """Control: the recorder catches connections, and the bare engine WOULD connect for SERVICE
    (so the guard is needed); FROM is resolved locally even by the bare engine."""
    import pyoxigraph as ox

    with ConnectionRecorder() as rec:
        with pytest.raises(OSError):
            list(ox.Store().query(f"SELECT * {{ SERVICE <http://{rec.address}/sparql> {{ ?s ?p ?o }} }}"))
        deadline = time.monotonic() + 5
        while rec.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rec.connections == 1
        assert list(ox.Store().query(f"SELECT * FROM <http://{rec.address}/d.ttl> {{ ?s ?p ?o }}")) == []
        time.sleep(0.3)
        assert rec.connections == 1


# The query a lexer without escape decoding let reach the network: it read <a\u0061'> as
# "<", a word, "\", ... and a string from the quote to the one in the comment, hiding SERVICE.
EXPLOIT_TEMPLATE = r"SELECT * WHERE {{ {{ <a\u0061'> ?p ?o }} UNION {{ SERVICE <http://{a}/x> {{ ?s ?p2 ?o2 }} }} }} #'"


def test_the_escape_exploit_is_real_for_the_bare_engine() -> None:
    """Control: the bare engine decodes the escape and connects, so the screener must refuse."""
    import pyoxigraph as ox

    with ConnectionRecorder() as rec:
        with pytest.raises(OSError):
            # with a base IRI, as the service runs queries (<aa'> is a relative IRI)
            list(ox.Store().query(EXPLOIT_TEMPLATE.format(a=rec.address), base_iri="http://e/"))
        deadline = time.monotonic() + 5
        while rec.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rec.connections == 1


SERVICE_QUERIES = [
    "SELECT * {{ SERVICE <http://{a}/sparql> {{ ?s ?p ?o }} }}",
    "select * {{ service silent <http://{a}/sparql> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <http://example.org/>\nSELECT * {{ ?x ex:p ?y . {{ SELECT ?s {{ SERVICE<http://{a}/>{{ ?s ?p ?o }} }} }} }}",
    "# a comment with SERVICE in it\nSELECT * {{ \"SERVICE\" ?q ?r . SERVICE <http://{a}/x> {{ ?s ?p ?o }} }}",
    "SELECT * {{ BIND(<http://{a}/> AS ?svc) SERVICE ?svc {{ ?s ?p ?o }} }}",
    "ASK {{ SERVICE <http://{a}/sparql> {{ }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} {{ SERVICE <http://{a}/sparql> {{ ?s ?p ?o }} }}",
    # codepoint escapes are decoded before parsing (SPARQL 1.1 §19.2): the screener does too
    EXPLOIT_TEMPLATE,
    r"SELECT * {{ SERVI\u0043E <http://{a}/x> {{ ?s ?p ?o }} }}",
    r"SELECT * {{ \U00000053ERVICE <http://{a}/x> {{ ?s ?p ?o }} }}",
    "SELECT * {{\n  SeRvIcE # a comment\n\n  <http://{a}/x>\n  {{ ?s ?p ?o }} }}",
    "SELECT * {{ SERVICE <http://{a}/x> {{ SERVICE <http://{a}/y> {{ ?s ?p ?o }} }} }}",
    "PREFIX r: <http://{a}/>\nSELECT * {{ SERVICE r:x {{ ?s ?p ?o }} }}",
    r'SELECT * {{ ?s ?p "x\u0022 . SERVICE <http://{a}/x> {{ ?s ?p ?o }} . ?s ?p "y" }}',
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_refused_without_connection(template: str, w3c_client, live_w3c) -> None:  # noqa: F811
    with ConnectionRecorder() as rec:
        q = template.format(a=rec.address)
        for send in (
            lambda: _get(w3c_client, q),
            lambda: httpx.post(live_w3c.url + "/sparql", data={"query": q}, timeout=30),
            lambda: httpx.post(live_w3c.url + "/sparql", content=q.encode(),
                               headers={"content-type": "application/sparql-query"}, timeout=30),
        ):
            r = send()
            assert r.status_code == 400, r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            assert "SERVICE" in r.json()["detail"]
        time.sleep(0.3)
        assert rec.connections == 0


def test_words_that_look_like_service_are_not_refused(w3c_client) -> None:  # noqa: F811
    q = ('PREFIX SERVICE: <http://example.org/>\nSELECT ?SERVICE WHERE { BIND("SERVICE" AS ?SERVICE) '
         "FILTER(?SERVICE != SERVICE:x) } # SERVICE")
    r = _get(w3c_client, q)
    assert r.status_code == 200, r.text
    assert r.json()["results"]["bindings"][0]["SERVICE"]["value"] == "SERVICE"


def test_remote_from_and_dataset_params_never_fetched(w3c_client, live_w3c) -> None:  # noqa: F811
    with ConnectionRecorder() as rec:
        remote = f"http://{rec.address}/data.ttl"
        cases = [
            ({"query": f"SELECT * FROM <{remote}> WHERE {{ ?s ?p ?o }}"}),
            ({"query": f"SELECT * FROM NAMED <{remote}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}),
            ({"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": remote}),
            ({"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": remote}),
        ]
        for params in cases:
            for r in (
                w3c_client.get("/sparql", params=params),
                httpx.get(live_w3c.url + "/sparql", params=params, timeout=30),
            ):
                assert r.status_code == 200, r.text
                assert r.json()["results"]["bindings"] == []  # an unknown graph is empty
        time.sleep(0.3)
        assert rec.connections == 0


def test_from_a_store_graph_is_used(w3c_client) -> None:  # noqa: F811
    g = "http://kasei.us/2009/09/sparql/data/data2.rdf"
    r = _get(w3c_client, f"SELECT ?s FROM <{g}> WHERE {{ ?s ?p ?o }}")
    assert [b["s"]["value"] for b in r.json()["results"]["bindings"]] == [g]


def test_invalid_graph_iri_parameter_is_400(w3c_client) -> None:  # noqa: F811
    r = w3c_client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert r.status_code == 400 and "absolute IRI" in r.json()["detail"]


def test_load_is_refused(w3c_client) -> None:  # noqa: F811
    for text in ("LOAD <http://127.0.0.1:9/x.ttl>", "LOAD <http://127.0.0.1:9/x.ttl> INTO GRAPH <http://e/g>"):
        assert _get(w3c_client, text).status_code == 400
        r = w3c_client.post("/sparql", data={"update": text})
        assert r.status_code == 403


# -- deadline -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def short_deadline_server(w3c_store):  # noqa: F811
    # no worker reserved for the named queries: both serve /sparql, one of them is killed
    env = settings_env(w3c_store, query_timeout=1.5, query_workers=2, reserved_workers=0)
    with LiveServer(env) as server:
        yield server


def test_slow_query_cut_at_deadline_while_others_are_served(short_deadline_server) -> None:
    url = short_deadline_server.url + "/sparql"
    slow_result: dict = {}

    def slow() -> None:
        slow_result["r"] = httpx.get(url, params={"query": SLOW}, timeout=60)

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.3)  # the slow query is running in one worker
    answered_while_slow_running = 0
    with httpx.Client(timeout=60) as client:
        for _ in range(200):  # bounded; ends when the slow request has been answered
            r = client.get(url, params={"query": "ASK { ?s ?p ?o }"})
            assert r.status_code == 200 and r.json()["boolean"] is True
            if not t.is_alive():
                break
            answered_while_slow_running += 1
    t.join(60)
    assert answered_while_slow_running >= 3, "the other requests waited for the slow one"
    r = slow_result["r"]
    assert r.status_code == 503
    problem = r.json()
    assert problem["title"] == "Query timed out"
    assert problem["detail"].startswith("query timed out after 1.5 s")
    assert problem["type"].endswith("/query-timeout")
    # the killed worker was replaced: the service answers again, with both workers
    for _ in range(4):
        assert httpx.get(url, params={"query": "ASK {}"}, timeout=30).status_code == 200


def test_deadline_in_testclient_and_worker_replaced(w3c_store) -> None:  # noqa: F811
    app = create_app(Settings(store=w3c_store, query_timeout=1.0, query_workers=1))
    with TestClient(app) as client:
        ex = app.state.executor
        pid_before = ex.pids[0]
        r = _get(client, SLOW)
        assert r.status_code == 503 and "timed out after 1 s" in r.json()["detail"]
        r = _get(client, "ASK {}")  # waits for the replacement worker, then runs
        assert r.status_code == 200
        assert ex.pids[0] != pid_before
        assert ex.stats.timeouts == 1 and ex.stats.killed >= 1


# -- size caps ----------------------------------------------------------------------------------


def test_row_cap(w3c_store) -> None:  # noqa: F811
    app = create_app(Settings(store=w3c_store, max_results=50, query_workers=1))
    with TestClient(app) as client:
        q = "SELECT ?s WHERE { GRAPH <http://example.org/big> { ?s ?p ?o } }"
        for fmt in ("json", "xml", "csv", "tsv"):
            r = _get(client, q, format=fmt)
            assert r.status_code == 413, (fmt, r.text[:200])
            assert "200 rows" in r.json()["detail"] and "50" in r.json()["detail"]
        assert _get(client, q + " LIMIT 50").status_code == 200
        c = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://example.org/big> { ?s ?p ?o } }"
        for fmt in ("turtle", "ntriples", "jsonld", "rdfxml"):
            r = _get(client, c, format=fmt)
            assert r.status_code == 413 and "200 triples" in r.json()["detail"], fmt
        # the structured API (executor.select) has the same cap
        import asyncio

        async def structured():
            return await app.state.executor.select(q)

        from itukg.errors import ResultTooLarge

        with pytest.raises(ResultTooLarge):
            client.portal.call(structured)
    assert asyncio  # noqa: B018


def test_byte_cap(w3c_store) -> None:  # noqa: F811
    app = create_app(Settings(store=w3c_store, max_result_bytes=2000, query_workers=1))
    with TestClient(app) as client:
        r = _get(client, "SELECT * WHERE { GRAPH <http://example.org/big> { ?s ?p ?o } }")
        assert r.status_code == 413 and "2000 bytes" in r.json()["detail"]
        assert _get(client, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 3").status_code == 200


# -- read-only, updates, tokens -----------------------------------------------------------------


def test_updates_refused_when_read_only(w3c_client) -> None:  # noqa: F811
    r = w3c_client.get("/sparql", params={"update": "CLEAR ALL"})
    assert r.status_code == 400 and "GET" in r.json()["detail"]
    r = w3c_client.post("/sparql", data={"update": "CLEAR ALL"})
    assert r.status_code == 403 and "read-only" in r.json()["detail"]
    r = w3c_client.post("/sparql", content=b"CLEAR ALL", headers={"content-type": "application/sparql-update"})
    assert r.status_code == 403
    # an update through the query operation
    for text in ("CLEAR ALL", "INSERT DATA { <a:b> <a:c> <a:d> }", "PREFIX x: <http://e/>\nDELETE WHERE { ?s ?p ?o }"):
        assert _get(w3c_client, text).status_code == 400
        r = w3c_client.post("/sparql", content=text.encode(), headers={"content-type": "application/sparql-query"})
        assert r.status_code == 400 and "update" in r.json()["detail"].lower()
    # a token does not help while updates are disabled
    r = w3c_client.post("/sparql", data={"update": "CLEAR ALL"}, headers={"authorization": f"Bearer {STRONG_TOKEN}"})
    assert r.status_code == 403
    r = _get(w3c_client, "ASK { GRAPH <http://example.org/big> { ?s ?p ?o } }")
    assert r.json()["boolean"] is True


def test_startup_refused_without_strong_token(w3c_store) -> None:  # noqa: F811
    for token in (None, "", "short", "a" * 40):
        app = create_app(Settings(store=w3c_store, allow_updates=True, update_token=token))
        with pytest.raises(ValueError, match="ITUKG_UPDATE_TOKEN"):
            with TestClient(app):
                pass
    env = {**settings_env(w3c_store), "ITUKG_ALLOW_UPDATES": "true", "ITUKG_UPDATE_TOKEN": "secret"}
    p = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "itukg"), "serve", "--port", "9", "--no-build"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert p.returncode == 2
    assert "refusing to start" in p.stderr and "ITUKG_UPDATE_TOKEN" in p.stderr


def test_enabled_updates_need_the_token_and_publish_a_generation(tmp_path) -> None:
    from servers import build_w3c_store

    store = build_w3c_store(tmp_path / "store")
    app = create_app(Settings(store=store, allow_updates=True, update_token=STRONG_TOKEN, query_workers=1))
    insert = "INSERT DATA { GRAPH <http://example.org/new> { <http://example.org/a> <http://example.org/b> 1 } }"
    ask = "ASK { GRAPH <http://example.org/new> { ?s ?p ?o } }"
    with TestClient(app) as client:
        r = client.post("/sparql", data={"update": insert})
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
        r = client.post("/sparql", data={"update": insert}, headers={"authorization": "Bearer wrong"})
        assert r.status_code == 401
        r = client.post("/sparql", data={"update": insert}, headers={"authorization": f"Basic {STRONG_TOKEN}"})
        assert r.status_code == 401
        assert _get(client, ask).json()["boolean"] is False
        auth = {"authorization": f"Bearer {STRONG_TOKEN}"}
        r = client.post("/sparql", content=insert.encode(), headers={**auth, "content-type": "application/sparql-update"})
        assert r.status_code == 204, r.text
        assert _get(client, ask).json()["boolean"] is True  # the query workers see the new generation
        # still refused with a token: network reach, and malformed updates
        with ConnectionRecorder() as rec:
            for load in (f"LOAD <http://{rec.address}/x>", f"load silent <http://{rec.address}/x>",
                         rf"L\u004FAD <http://{rec.address}/x> INTO GRAPH <http://e/g>",
                         f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://{rec.address}/s> {{ ?s ?p ?o }} }}"):
                r = client.post("/sparql", data={"update": load}, headers=auth)
                assert r.status_code == 400, (load, r.text)
                assert r.headers["content-type"].startswith("application/problem+json")
            time.sleep(0.3)
            assert rec.connections == 0
        r = client.post("/sparql", data={"update": "CLEAR XYZ"}, headers=auth)
        assert r.status_code == 400
        r = client.post("/sparql", data={"update": "CLEAR ALL"}, params={"using-graph-uri": "http://e/g"}, headers=auth)
        assert r.status_code == 400
        r = client.get("/sparql", headers={"accept": "text/turtle"})
        assert "SPARQL11Update" in r.text
    # the published generation persists: a fresh read-only app sees it
    app2 = create_app(Settings(store=store, query_workers=1))
    with TestClient(app2) as client:
        assert _get(client, ask).json()["boolean"] is True


def test_memory_blowup_kills_only_the_worker(w3c_store) -> None:  # noqa: F811
    """A query that builds a gigantic value (a string doubled 29 times: 5 GB) hits the worker's
    address-space limit: the worker dies, the client gets 413, a new worker takes over."""
    doubling = " ".join(f'BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})' for i in range(29))
    q = f'SELECT (STRLEN(?v29) AS ?n) WHERE {{ BIND("0123456789" AS ?v0) {doubling} }}'
    app = create_app(Settings(store=w3c_store, query_workers=1, query_timeout=60))
    with TestClient(app) as client:
        pid = app.state.executor.pids[0]
        r = _get(client, q)
        assert r.status_code == 413, r.text
        assert "memory limit" in r.json()["detail"]
        assert _get(client, "ASK {}").json()["boolean"] is True
        assert app.state.executor.pids[0] != pid
