"""Fair under abuse (decision 0124): one client's slow /sparql queries cannot hold every worker,
a named trace query keeps being answered, and a client past its limits gets a 429 problem+json
with Retry-After. Real HTTP: uvicorn on loopback; the clients are told apart by their source
address (127.0.0.2, 127.0.0.3, ...: all loopback)."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from itukg.api.limits import ClientLimits, client_of
from itukg.settings import Settings
from servers import LiveServer, settings_env

# a cross product of the whole store: runs until the deadline
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TRACE = "/api/queries/output-trace?outputCode=4.1"


@pytest.fixture(scope="module")
def abused(corpus_store):
    settings, _ = corpus_store
    env = settings_env(settings.store, query_timeout=3, query_workers=2, client_concurrency=1,
                       client_query_seconds=4, client_budget_window=60)
    with LiveServer(env) as server:
        yield server


def _client(source: str, timeout: float = 60) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=timeout)


def _abuse(url: str, source: str, stop: threading.Event, statuses: list[int], retry: list[str]) -> None:
    """Send the pathological query without pause until ``stop`` (a 429 waits 50 ms, so the
    refusals do not take the test machine's cores)."""
    with _client(source) as c:
        while not stop.is_set():
            r = c.get(url + "/sparql", params={"query": PATHOLOGICAL},
                      headers={"accept": "application/sparql-results+json"})
            statuses.append(r.status_code)
            if r.status_code == 429:
                assert r.headers["content-type"] == "application/problem+json"
                retry.append(r.headers["retry-after"])
                time.sleep(0.05)


def test_two_abusive_clients_cannot_stall_a_named_trace_query(abused) -> None:
    stop = threading.Event()
    statuses: list[int] = []
    retry: list[str] = []
    threads = [threading.Thread(target=_abuse, args=(abused.url, src, stop, statuses, retry))
               for src in ("127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3")]
    for t in threads:
        t.start()
    answered = []
    try:
        time.sleep(1.0)  # the abusers hold the /sparql lane
        with _client("127.0.0.4", timeout=30) as c:
            end = time.monotonic() + 12  # past the abusers' 4 s budgets: 429s with Retry-After
            while time.monotonic() < end:
                r = c.get(abused.url + TRACE, headers={"accept": "application/sparql-results+json"})
                assert r.status_code == 200, r.text  # never a 429 or a 503
                assert r.json()["results"]["bindings"]
                answered.append(r.status_code)
                time.sleep(0.1)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert len(answered) >= 20
    assert 503 in statuses or 200 in statuses  # the abusers' queries did run (to the deadline)
    assert 429 in statuses and all(int(v) >= 1 for v in retry)


def test_a_client_past_its_budget_is_told_when_to_retry() -> None:
    now = [0.0]
    limits = ClientLimits(Settings(client_query_seconds=10, client_budget_window=60,
                                   client_concurrency=2), clock=lambda: now[0])
    limits.admit("a")
    limits.admit("a")
    with pytest.raises(Exception) as info:
        limits.admit("a")  # a third at once
    assert info.value.status_code == 429 and info.value.headers["Retry-After"] == "1"
    limits.done("a", 8.0)
    limits.done("a", 5.0)  # 13 s of 10: 3 s overdrawn, refilled at 1/6 s per s
    with pytest.raises(Exception) as info:
        limits.admit("a")
    assert info.value.headers["Retry-After"] == "18" and "ITUKG_CLIENT_QUERY_SECONDS" in info.value.detail
    limits.admit("b")  # another client is not affected
    now[0] = 18.5
    limits.admit("a")  # refilled


def test_the_client_is_the_peer_unless_it_is_a_trusted_proxy() -> None:
    scope = {"client": ("10.0.0.1", 5), "headers": [(b"x-forwarded-for", b"6.6.6.6, 1.2.3.4")]}
    assert client_of(scope, []) == "10.0.0.1"  # a forwarded header from anyone is ignored
    assert client_of(scope, ["10.0.0.1"]) == "1.2.3.4"  # the proxy's word, not the client's
    assert client_of(scope, ["10.0.0.1", "1.2.3.4"]) == "6.6.6.6"
