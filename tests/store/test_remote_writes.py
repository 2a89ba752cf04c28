"""Writing to a remote store, and what is not one: a kill -9 at any point of a remote build
leaves the served graph as it was; writers are serialised by the server-side lock; a URL that is
no SPARQL server is a clear error with exit status 2 (docs/store.md, "Backends")."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from itukg.cli import main
from itukg.errors import StoreError
from itukg.graph.build import build, bundled_corpus
from itukg.graph.store import begin_generation, open_store, store_generation
from itukg.graph.store.remote import names
from servers import ConnectionRecorder

REMOTE = ("oxigraph-server", "virtuoso")
ROOT = Path(__file__).resolve().parents[2]
EXTRA_DOC = ROOT / "tests" / "data" / "docs" / "ACP-TEST-EN.en.txt"


@pytest.fixture(params=REMOTE)
def scratch(request, sparql_servers):
    """A server of each remote kind that tests may write to, holding the corpus build."""
    server = sparql_servers(request.param, "scratch")
    settings = server.settings()
    build([bundled_corpus()], settings)
    return server, settings


def served(settings):
    """What a reader sees: generation, triples per graph, the N-Triples of every graph (blank
    node labels blanked: a server labels them afresh in each answer)."""
    with open_store(settings, read_only=True) as s:
        # the count is asked on the default dataset: on the Oxigraph server, its union
        # default graph while no writer is at work (decision 0186)
        return (store_generation(settings), s.triples_per_graph(),
                s.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows,
                {g: sorted(re.sub(rb"_:\w+", b"_:", s.dump("ntriples", g)).splitlines())
                 for g in s.graphs()})


def stage_graphs(server) -> list[str]:
    # every non-empty graph, asked of the server directly (the way a writer no longer does:
    # on Virtuoso it is a scan that timed out at 300 documents)
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = httpx.post(server.query_url, data={"query": query},
                   headers={"Accept": "application/sparql-results+json"}, timeout=30)
    return [b["g"]["value"] for b in r.json()["results"]["bindings"]
            if b["g"]["value"].startswith(names.STAGE_PREFIX)]


_KILLED_BUILD = """
import os, signal, sys
from pathlib import Path
from itukg.graph.build import build
from itukg.graph.store.remote.client import Client
from itukg.settings import Settings
when, env_store, *docs = sys.argv[1:]
send = Client.update
def update(self, sparql):
    # the switch is the one update that writes a generation (a fact, or a mark graph's
    # name): die with every stage graph uploaded, before it
    if when == "switch" and "urn:x-itukg:generation" in sparql:
        os.kill(os.getpid(), signal.SIGKILL)
    return send(self, sparql)
Client.update = update
def progress(done, total, path):
    if when == "documents" and done == 1:
        os.kill(os.getpid(), signal.SIGKILL)
build([Path(d) for d in docs], Settings(), progress=progress, workers=1)
"""


@pytest.mark.parametrize("when", ["documents", "switch"])
def test_kill_9_during_a_remote_build_leaves_the_served_graph(scratch, when):
    server, settings = scratch
    before = served(settings)
    env = {**os.environ, **server.env(), "ITUKG_NETWORK_ISOLATION": "off"}
    proc = subprocess.run([sys.executable, "-c", _KILLED_BUILD, when, settings.store,
                           str(bundled_corpus()), str(EXTRA_DOC)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    if when == "switch":
        assert stage_graphs(server), "the killed build had uploaded its graphs aside"
    assert served(settings) == before  # readers see exactly the old graph, stage graphs unseen
    # the next writer removes the leftovers, then builds and switches as usual
    build([bundled_corpus(), EXTRA_DOC], settings)
    assert stage_graphs(server) == []
    after = served(settings)
    assert after[0] != before[0] and len(after[1]) == len(before[1]) + 1


def test_load_and_write_sessions_publish_on_close_only(scratch, monkeypatch):
    server, settings = scratch
    for key, value in server.env().items():  # the endpoints, as a user sets them
        monkeypatch.setenv(key, value)
    before = served(settings)
    graph = "http://example.org/remote-test"
    with pytest.raises(RuntimeError):
        with open_store(settings) as s:  # an exception inside: nothing published
            s.load(b'<http://e/a> <http://e/p> "x" .', "ntriples", graph)
            raise RuntimeError("stop")
    assert served(settings) == before
    assert main(["--store", settings.store, "load", "--graph", graph, str(_ttl())]) == 0
    after = served(settings)
    assert after[1][graph] == 2 and after[0] != before[0]
    assert {g: n for g, n in after[1].items() if g != graph} == before[1]


def _ttl() -> Path:
    path = ROOT / "tests" / "data" / "ontology"
    f = Path(os.environ.get("TMPDIR", "/tmp")) / f"itukg-remote-{os.getpid()}.ttl"
    f.write_text('@prefix e: <http://e/> .\ne:a e:p "x"@en , 3 .\n')
    assert path.exists()
    return f


def test_writers_are_serialised_by_the_servers_lock(scratch):
    server, settings = scratch
    with begin_generation(settings, kind="test", copy_current=True):
        with pytest.raises(StoreError, match="another itukg process is writing"):
            begin_generation(settings, kind="test", lock_wait=0.5)
    # a lock left by a process of this machine that died is broken by the next writer
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    import socket
    token = f"{socket.gethostname()} {dead} 20260101T000000000000Z deadbeef"
    from itukg.graph.store.remote import books
    from itukg.graph.store.remote import client as remote_client
    from itukg.graph.store.remote.client import Endpoints
    c = remote_client(Endpoints.of(settings))
    book = books.of(c)
    assert book.try_lock(c, token) and token in book.holders(c)  # the server's kind of lock
    with begin_generation(settings, kind="test", lock_wait=5) as w:
        assert token not in book.holders(c)
        w.abort()
    assert book.try_lock(c, token)  # released by the writer
    book.unlock(c, token)


def test_a_url_that_is_no_sparql_server_is_an_error_with_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with ConnectionRecorder() as rec:  # answers HTTP, but not SPARQL
        assert main(["--store", f"http://{rec.address}", "stats"]) == 2
        err = capsys.readouterr().err
        assert "not a SPARQL server" in err and rec.connections >= 1
    s = ConnectionRecorder()
    port = s.port
    s.sock.close()  # nothing listens there now
    assert main(["--store", f"http://127.0.0.1:{port}", "query", "ASK {}"]) == 2
    assert "cannot reach the store" in capsys.readouterr().err
    for bad in ("ftp://127.0.0.1/x", "http:/127.0.0.1", "http://user:pw@127.0.0.1:1"):
        assert main(["--store", bad, "stats"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("itukg: error:") and "Traceback" not in err
        assert "pw" not in err
    assert list(tmp_path.iterdir()) == []  # never a local folder named "http:"


def test_a_real_itukg_process_on_a_server(scratch, tmp_path):
    server, settings = scratch
    itukg = Path(sys.executable).parent / "itukg"
    env = {**os.environ, **server.env()}
    q = subprocess.run([str(itukg), "query", "--format", "csv",
                        "SELECT ?code WHERE { ?o <https://w3id.org/itukg/ontology#code> ?code } ORDER BY ?code"],
                       env=env, capture_output=True, text=True, timeout=120)
    assert q.returncode == 0, q.stderr
    emb = tmp_path / "store"
    build([bundled_corpus()], type(settings)(store=emb))
    e = subprocess.run([str(itukg), "--store", str(emb), "query", "--format", "csv",
                        "SELECT ?code WHERE { ?o <https://w3id.org/itukg/ontology#code> ?code } ORDER BY ?code"],
                       capture_output=True, text=True, timeout=120)
    assert q.stdout == e.stdout and q.stdout.count("\n") > 5


def test_credentials_come_from_the_environment_and_never_show(monkeypatch):
    from itukg.graph.store.remote.client import Client, Endpoints
    from itukg.settings import Settings

    monkeypatch.setenv("ITUKG_STORE_USER", "reader")
    monkeypatch.setenv("ITUKG_STORE_PASSWORD", "s3cret-pass")
    settings = Settings(store="http://127.0.0.1:9")
    assert "s3cret" not in settings.model_dump_json() and "s3cret" not in repr(settings)
    eps = Endpoints.of(settings)
    assert eps.user == "reader" and "s3cret" not in repr(eps)
    with ConnectionRecorder() as rec:  # what goes over the wire: basic auth on the request
        c = Client(Endpoints.of(Settings(store=f"http://{rec.address}")))
        with pytest.raises(StoreError):
            c.probe()
        c.close()
    assert b"authorization: basic" in rec.requests[0].lower()


def test_a_slow_server_is_waited_for_up_to_the_store_timeout():
    """itukg's own requests on a big store take minutes (300 documents: the switch update moves
    a million triples; the audit's queries run past 30 s), so they wait up to
    ITUKG_STORE_TIMEOUT, not the service's query deadline; past it, a clear error."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from itukg.graph.store.remote.client import Client, Endpoints
    from itukg.settings import Settings

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the stdlib's name
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(1.0)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        patient = Endpoints.of(Settings(store=base, query_timeout=0.3))
        assert patient.timeout == 3600  # the query deadline is not the store's
        client = Client(patient)
        client.update("CLEAR GRAPH <urn:x>")  # one second: past the query deadline, fine
        client.close()
        hasty = Client(Endpoints.of(Settings(store=base, store_timeout=0.3)))
        with pytest.raises(StoreError, match=r"no answer within 0.3 s \(ITUKG_STORE_TIMEOUT\)"):
            hasty.update("CLEAR GRAPH <urn:x>")
        hasty.close()
    finally:
        server.shutdown()
        server.server_close()


def test_a_switch_too_large_for_virtuoso_is_a_clear_error_and_publishes_nothing(
        sparql_servers, capsys, monkeypatch):
    """Virtuoso refuses a transaction larger than its TransactionAfterImageLimit (SR325; the
    switch of a 300-document build is, with the default 50 MB): the build exits 2 naming the
    setting, and nothing is published."""
    server = sparql_servers("virtuoso-small-txn", "scratch")
    for key, value in server.env().items():  # the endpoints, as a user sets them
        monkeypatch.setenv(key, value)
    assert main(["build", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "TransactionAfterImageLimit" in err and "nothing of this update was applied" in err
    assert err.count("\n") == 1  # one line, no traceback
    settings = server.settings()
    assert store_generation(settings) is None  # nothing published
    assert stage_graphs(server) == []  # the failed writer removed its stage graphs


def test_a_switch_of_over_a_thousand_graphs_on_virtuoso(sparql_servers):
    """Virtuoso compiles an update request into one statement: one MOVE per graph was refused
    at 1,000 graphs ("SQ156 Query too large", a 1,000-document build); the switch moves them
    as VALUES rows now, and one graph alone in its own form (a one-row VALUES copy fails)."""
    server = sparql_servers("virtuoso", "many-graphs")
    settings = server.settings()
    n = 1100
    xsd_int = "http://www.w3.org/2001/XMLSchema#integer"

    def quads(version: str, graphs: int) -> bytes:
        return "".join(f'<http://e/s{i}> <http://e/p> "{version}"@en <http://e/g{i}> .\n'
                       f'<http://e/s{i}> <http://e/p> "{i}"^^<{xsd_int}> <http://e/g{i}> .\n'
                       for i in range(graphs)).encode()

    with begin_generation(settings, kind="test") as w:
        w.bulk_load(quads("one", n), "nquads")
        first = w.commit()
    with begin_generation(settings, kind="test") as w:  # every graph replaced, one dropped
        w.bulk_load(quads("two", n - 1), "nquads")
        second = w.commit()
    assert first != second == store_generation(settings)
    with open_store(settings, read_only=True) as s:
        per_graph = s.triples_per_graph()
        assert len(per_graph) == n - 1 and set(per_graph.values()) == {2}
        rows = s.query('SELECT ?v WHERE { <http://e/s7> <http://e/p> ?v }').rows
        assert sorted(str(v) for (v,) in rows) == ["7", "two"]
    # no copy left in a stage graph, asked of the server directly (listing its graphs is a
    # scan that Virtuoso takes over 30 s for at 1,100 graphs)
    r = httpx.post(server.query_url, data={"query": "SELECT (COUNT(*) AS ?n) WHERE "
                                            "{ GRAPH ?g { ?s <http://e/p> ?o } }"},
                   headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.json()["results"]["bindings"][0]["n"]["value"] == str(2 * (n - 1))
    # one graph changed: the one-graph form
    with begin_generation(settings, kind="test", copy_current=True) as w:
        w.bulk_load(b'<http://e/s7> <http://e/p> "three" <http://e/g7> .\n', "nquads")
        w.commit()
    with open_store(settings, read_only=True) as s:
        assert s.triples_per_graph()["http://e/g7"] == 3


def test_virtuosos_own_time_limit_is_a_clear_error_and_publishes_nothing(
        sparql_servers, capsys, monkeypatch):
    """Virtuoso stops a request that passes its MaxQueryExecutionTime with SR171, updates too
    (the switch of a 1,000-document build took longer than the tests' 60 s): one line naming
    the setting, exit 2. On this server (1 s) the corpus's switch is stopped when the machine
    is busy, then nothing is published; when it passes, a query that joins every triple with
    every other twice is stopped instead."""
    server = sparql_servers("virtuoso-short-time", "scratch")
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    built = main(["build", "--quiet"])
    if built == 0:
        capsys.readouterr()
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        assert main(["query", slow]) == 2
    err = capsys.readouterr().err
    assert "MaxQueryExecutionTime" in err and err.count("\n") == 1, err
    if built != 0:
        assert built == 2
        assert store_generation(server.settings()) is None
        assert stage_graphs(server) == []  # the failed writer removed its stage graphs
