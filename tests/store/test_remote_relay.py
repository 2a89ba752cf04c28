"""The query processes over a remote store are off the network too (decision 0174): they reach
the server through a Unix-socket relay held by their parent, which goes to the query endpoint's
host and port and nowhere else."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from itukg.errors import StoreError
from itukg.graph.store.remote.client import Client, Endpoints
from itukg.graph.store.remote.relay import Relay

ROOT = Path(__file__).resolve().parents[2]


class Recorder:
    """A TCP server on a free loopback port that records what each connection sends and
    answers a fixed HTTP response."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = conn.recv(65536)
                self.received.append(data)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    def close(self):
        self.sock.close()


def test_the_relay_goes_to_its_target_whatever_the_request_names():
    target, other = Recorder(), Recorder()
    try:
        with Relay(f"http://127.0.0.1:{target.port}/query") as relay:
            assert oct(os.stat(os.path.dirname(relay.path)).st_mode & 0o777) == "0o700"
            # the request names another host and port, in its target and its Host header
            with socket.socket(socket.AF_UNIX) as s:
                s.connect(relay.path)
                s.sendall(f"GET http://127.0.0.1:{other.port}/x HTTP/1.1\r\n"
                          f"Host: 127.0.0.1:{other.port}\r\n\r\n".encode())
                answer = s.recv(1024)
            assert answer.endswith(b"ok")
            assert len(target.received) == 1 and b"/x" in target.received[0]
            assert other.received == []
            path = relay.path
        assert not os.path.exists(path), "closing removes the socket"
    finally:
        target.close()
        other.close()


def test_a_client_through_the_relay_speaks_http_to_the_server_and_to_nothing_else():
    target = Recorder()
    try:
        with Relay(f"http://127.0.0.1:{target.port}") as relay:
            eps = Endpoints(base=f"http://127.0.0.1:{target.port}",
                            query=f"http://127.0.0.1:{target.port}/query",
                            update="http://example.org/update", gsp="http://example.org/store",
                            relay=relay.path)
            client = Client(eps)
            assert client._send("GET", eps.query).text == "ok"
            with pytest.raises(StoreError, match="reaches only the query endpoint's host"):
                client._send("POST", eps.update)
            client.close()
    finally:
        target.close()


def test_a_relay_whose_server_is_down_gives_a_clear_error():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Relay(f"http://127.0.0.1:{port}") as relay:
        eps = Endpoints(base=f"http://127.0.0.1:{port}", query=f"http://127.0.0.1:{port}/query",
                        update=f"http://127.0.0.1:{port}/update", gsp=f"http://127.0.0.1:{port}/store",
                        relay=relay.path)
        client = Client(eps)
        with pytest.raises(StoreError, match="cannot reach the store"):
            client._send("GET", eps.query)
        client.close()


@pytest.fixture(params=["oxigraph-server", "virtuoso"])
def built_server(request, sparql_servers):
    from itukg.graph.build import build, bundled_corpus

    server = sparql_servers(request.param, "scratch")
    build([bundled_corpus()], server.settings())
    return server


def test_itukg_query_on_a_server_runs_off_the_network(built_server):
    """``itukg query`` runs the query in a child that isolates itself; with ``required`` it
    refuses to run unisolated, so an answer here means: off the network, through the relay."""
    server = built_server
    env = {**os.environ, **server.env(), "ITUKG_NETWORK_ISOLATION": "required"}
    p = subprocess.run([str(Path(sys.executable).parent / "itukg"), "query", "--format", "csv",
                        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"],
                       env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    assert int(p.stdout.split()[1]) > 10_000
    assert "network access" not in p.stderr


#: about 3.5 s on the Oxigraph server with the corpus (39M rows counted), then it is done
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?t . ?b a ?u . VALUES ?k { 1 2 3 4 5 6 7 8 } }"


def test_the_service_deadline_holds_over_a_server(sparql_servers):
    """Requests to the server may take up to ITUKG_STORE_TIMEOUT (an hour), but a client's query
    still ends at ITUKG_QUERY_TIMEOUT: the pool kills its worker, the client gets 503, and the
    next query is answered by a fresh worker."""
    from itukg.graph.build import build, bundled_corpus
    from servers import LiveServer, settings_env

    server = sparql_servers("oxigraph-server", "scratch")
    build([bundled_corpus()], server.settings())
    env = settings_env(server.url, query_workers=2, query_timeout=1, network_isolation="required",
                       reserved_workers=0)
    with LiveServer(env) as live:
        r = httpx.post(live.url + "/sparql", data={"query": SLOW}, timeout=60)
        assert r.status_code == 503, r.text[:300]
        assert r.headers["content-type"].startswith("application/problem+json")
        ok = httpx.post(live.url + "/sparql", data={"query": "ASK { ?s ?p ?o }"},
                        headers={"Accept": "application/sparql-results+json"}, timeout=60)
        assert ok.status_code == 200 and ok.json()["boolean"] is True
