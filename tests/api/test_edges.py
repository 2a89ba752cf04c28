"""The HTTP edges (decision 0126): every error is problem+json, the server's own too; a bearer
token of any bytes is a 401 or a 204, never a 500."""

from __future__ import annotations

import json
import socket

import pytest
from fastapi.testclient import TestClient

import servers
from itukg.api.app import create_app
from itukg.settings import Settings
from servers import LiveServer, settings_env, w3c_store  # noqa: F401

STRONG_TOKEN = "k3Y9-pQ2x_Lm7Vb8Nc4Zt6Rw1Hs5Jd0Fg"

# as `itukg serve` runs it: with the problem+json HTTP protocol (itukg/commands/serve.py)
_LAUNCH = """
import os, sys, uvicorn
from itukg.settings import Settings
from itukg.api.app import create_app
from itukg.api.edges import http_protocol
settings = Settings()
uvicorn.run(create_app(settings), fd=int(sys.argv[1]), log_level="warning", access_log=False,
            http=http_protocol(settings.max_url_bytes, settings.max_header_bytes))
"""


@pytest.fixture(scope="module")
def served(w3c_store):  # noqa: F811
    saved, servers._LAUNCH = servers._LAUNCH, _LAUNCH
    try:
        env = settings_env(w3c_store, query_workers=1, allow_updates=True, update_token=STRONG_TOKEN)
        with LiveServer(env) as server:
            yield server
    finally:
        servers._LAUNCH = saved


def _raw(server: LiveServer, request: bytes) -> tuple[int, dict[str, str], bytes]:
    host, port = server.url.split("//")[1].split(":")
    out = b""
    with socket.create_connection((host, int(port)), timeout=20) as s:
        s.sendall(request)
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:  # the server closed before reading all we sent
                break
            if not chunk:
                break
            out += chunk
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body


def _problem(status: int, headers: dict[str, str], body: bytes, expected: int) -> dict:
    assert status == expected, body[:300]
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == expected
    return problem


@pytest.mark.parametrize("size", [10_000, 100_000, 1_000_000])
def test_a_long_url_is_a_414_problem(served, size) -> None:
    """httptools' own answer to a 100 KB URL was a plain-text 400; the limit in front is lower."""
    req = b"GET /sparql?query=" + b"a" * size + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    problem = _problem(*_raw(served, req), 414)
    assert "ITUKG_MAX_URL_BYTES" in problem["detail"]


@pytest.mark.parametrize("headers", [
    b"X-A: " + b"b" * 100_000 + b"\r\n",
    b"".join(b"X-%d: 1\r\n" % i for i in range(5000)),
])
def test_large_headers_are_a_431_problem(served, headers) -> None:
    req = b"GET /health HTTP/1.1\r\nHost: x\r\n" + headers + b"Connection: close\r\n\r\n"
    problem = _problem(*_raw(served, req), 431)
    assert "ITUKG_MAX_HEADER_BYTES" in problem["detail"]


@pytest.mark.parametrize("request_line", [b"GARBAGE\r\n\r\n", b"GET /he alth HTTP/1.1\r\nHost: x\r\n\r\n",
                                          b"GET / HTTP/1.1\r\nBad Header\r\n\r\n"])
def test_a_malformed_request_is_a_400_problem(served, request_line) -> None:
    problem = _problem(*_raw(served, request_line), 400)
    assert problem["detail"].startswith("malformed HTTP request")


def test_the_server_still_answers_after_refusals(served) -> None:
    status, _, body = _raw(served, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 200 and json.loads(body)["status"] == "ok"


ODD_TOKENS = ["é☃".encode(), b"\xff\xfe", "Ä".encode() * 40, STRONG_TOKEN.encode() + b"\xc3\xa9", b""]


@pytest.mark.parametrize("token", ODD_TOKENS)
def test_any_bearer_token_is_a_401_never_a_500(served, token) -> None:
    body = b"update=CLEAR%20GRAPH%20%3Chttp%3A%2F%2Fe%2Fnone%3E"
    req = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
           + b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
           + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    _problem(*_raw(served, req), 401)


def test_the_right_token_as_bytes_is_a_204(served) -> None:
    body = b"update=CLEAR%20SILENT%20GRAPH%20%3Chttp%3A%2F%2Fe%2Fnone%3E"
    req = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + STRONG_TOKEN.encode()
           + b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
           + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    status, _, text = _raw(served, req)
    assert status == 204, text


def test_the_app_applies_the_limits_under_any_server(w3c_store) -> None:  # noqa: F811
    """The same limits in the ASGI layer (the TestClient has no HTTP parser)."""
    app = create_app(Settings(store=w3c_store, query_workers=1, max_url_bytes=1000, max_header_bytes=2000))
    with TestClient(app) as client:
        r = client.get("/sparql", params={"query": "ASK {}" + " " * 2000})
        assert r.status_code == 414 and r.headers["content-type"] == "application/problem+json"
        r = client.get("/health", headers={"x-big": "b" * 3000})
        assert r.status_code == 431 and r.json()["status"] == 431
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
