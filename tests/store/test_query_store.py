"""Where the query workers read (memory copy of the current generation, or RocksDB), the fair
hand-out of workers, and the lean /sparql path (decisions 0075, 0076)."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from servers import LiveServer, settings_env, w3c_client, w3c_store  # noqa: F401

from itukg.api.app import create_app
from itukg.errors import StoreError
from itukg.graph.reads.runner import complete
from itukg.graph.store import SNAPSHOT, OxigraphStore, current_generation, memory_copy, open_store
from itukg.graph.store.fairqueue import FairPool as _FairPool
from itukg.graph.store.fairqueue import Slot as _Slot
from itukg.settings import Settings

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _quads(store: OxigraphStore) -> tuple[int, set]:
    """Number of quads, and the quads without blank nodes (a load gives blank nodes new
    labels: the copy is the same graph up to their renaming)."""
    import pyoxigraph as ox

    quads = list(store.ox.quads_for_pattern(None, None, None, None))
    plain = {q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
    assert len(plain) > len(quads) / 2
    return len(quads), plain


# -- the memory copy ---------------------------------------------------------------------------


def test_memory_copy_has_the_same_quads_and_writes_a_snapshot_once(corpus_store) -> None:
    settings, disk = corpus_store
    gen = current_generation(settings.store)
    assert gen is not None
    snap = gen / SNAPSHOT
    snap.unlink(missing_ok=True)
    mem = memory_copy(disk)
    assert mem.path is None
    assert _quads(mem) == _quads(disk) and len(mem) > 10_000
    assert mem.graphs() == disk.graphs()
    assert snap.is_file()
    stamp = snap.stat().st_mtime_ns
    again = memory_copy(disk)  # reads the snapshot, does not rewrite it
    assert snap.stat().st_mtime_ns == stamp
    assert _quads(again) == _quads(disk)
    q = "SELECT ?o WHERE { ?o a <https://w3id.org/itukg/ontology#Output> } ORDER BY ?o"
    assert mem.query(q).rows == disk.query(q).rows


def test_memory_copy_without_a_writable_generation(tmp_path, build_corpus) -> None:
    """When the snapshot cannot be written (here: its lock cannot be created, as in a
    read-only directory; permissions would not stop root), the copy is made without it."""
    settings = build_corpus(tmp_path)
    gen = current_generation(settings.store)
    assert gen is not None
    (gen / ".snapshot.lock").mkdir()
    with open_store(settings, read_only=True) as disk:
        mem = memory_copy(disk)
        assert _quads(mem) == _quads(disk)
    assert not (gen / SNAPSHOT).exists()


def test_malformed_snapshot_is_a_store_error(tmp_path, build_corpus) -> None:
    settings = build_corpus(tmp_path)
    gen = current_generation(settings.store)
    assert gen is not None
    (gen / SNAPSHOT).write_bytes(b"<http://e/a> <http://e/p> oops .\n")
    with open_store(settings, read_only=True) as disk:
        with pytest.raises(StoreError, match="snapshot"):
            memory_copy(disk)


def test_memory_copy_refuses_an_in_memory_store() -> None:
    with pytest.raises(StoreError):
        memory_copy(OxigraphStore())


# -- the workers -------------------------------------------------------------------------------


def _engines(app) -> list[str]:
    with TestClient(app) as client:
        engines = client.portal.call(app.state.executor.wait_memory, 60)
        health = client.get("/health").json()
        assert health["queryStore"] == engines
        n = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
        assert n.status_code == 200
        return engines


def test_workers_read_from_memory_by_default(w3c_store) -> None:  # noqa: F811
    assert _engines(create_app(Settings(store=w3c_store, query_workers=2))) == ["memory", "memory"]


def test_workers_read_from_disk_when_told_or_when_the_store_is_too_large(w3c_store) -> None:  # noqa: F811
    assert _engines(create_app(Settings(store=w3c_store, query_workers=1, query_store="disk"))) == ["disk"]
    # auto with a budget of 0 MB: any database is too large to copy
    assert _engines(create_app(Settings(store=w3c_store, query_workers=1, memory_store_max_mb=0))) == ["disk"]


def test_a_new_generation_is_answered_at_once_and_then_copied(tmp_path, build_corpus) -> None:
    """A build while serving: the next query sees the new data (from disk at once), and the
    worker then switches to a memory copy of the new generation."""
    settings = build_corpus(tmp_path)
    app = create_app(settings.model_copy(update={"query_workers": 1}))
    ask = "ASK { GRAPH ?g { <http://example.org/new> ?p ?o } }"
    with TestClient(app) as client:
        ex = app.state.executor
        assert client.portal.call(ex.wait_memory, 60) == ["memory"]
        before = client.portal.call(ex.generation)

        def sparql(q: str) -> bool:
            r = client.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
            assert r.status_code == 200, r.text
            return r.json()["boolean"]

        assert sparql(ask) is False
        with open_store(settings) as w:  # a load: a new generation becomes current
            w.load(b'<http://example.org/new> <http://example.org/p> "1" .', "ntriples", "http://example.org/g")
        time.sleep(0.1)  # the worker checks for a new generation at most every 50 ms
        assert sparql(ask) is True
        assert client.portal.call(ex.generation) != before
        assert client.portal.call(ex.wait_memory, 60) == ["memory"]
        assert sparql(ask) is True


# -- fair hand-out -----------------------------------------------------------------------------


def test_a_freed_worker_goes_to_the_oldest_waiter() -> None:
    """With asyncio.Queue a request arriving just as a worker is freed takes it (get_nowait)
    before the request that has been waiting: the cause of a p99 three times p50."""

    async def scenario() -> list[str]:
        pool = _FairPool()
        order: list[str] = []

        async def waiter(name: str) -> None:
            slot = await pool.get()
            order.append(name)
            pool.put_nowait(slot)

        first = asyncio.create_task(waiter("first"))
        second = asyncio.create_task(waiter("second"))
        await asyncio.sleep(0)  # both are waiting now
        pool.put_nowait(_Slot(0))
        with pytest.raises(asyncio.QueueEmpty):
            pool.get_nowait()  # a latecomer does not jump the queue
        await asyncio.gather(first, second)
        late = pool.get_nowait()
        assert late.index == 0
        return order

    assert complete(scenario()) == ["first", "second"]


def test_a_cancelled_waiter_passes_its_worker_on() -> None:
    async def scenario() -> int:
        pool = _FairPool()
        t = asyncio.create_task(pool.get())
        other = asyncio.create_task(pool.get())
        await asyncio.sleep(0)
        pool.put_nowait(_Slot(7))  # handed to t ...
        t.cancel()  # ... which is cancelled before it runs
        with pytest.raises(asyncio.CancelledError):
            await t
        return (await asyncio.wait_for(other, 1)).index

    assert complete(scenario()) == 7


# -- the lean /sparql path ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(w3c_store):  # noqa: F811
    with LiveServer(settings_env(w3c_store)) as server:
        yield server


def _raw(server: LiveServer, request: bytes) -> bytes:
    host, port = server.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(request)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    return out


def test_oversized_body_refused_before_it_is_all_sent(live) -> None:
    """A POST announcing 50 MB: 413 problem+json after the first megabyte, without waiting
    for the rest."""
    from itukg.api.sparql import MAX_QUERY_BYTES

    host, port = live.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 52428800\r\nConnection: close\r\n\r\n"
        )
        s.sendall(b"#" * (MAX_QUERY_BYTES + 65536))
        head = s.recv(65536)
    assert head.startswith(b"HTTP/1.1 413"), head[:200]
    assert b"application/problem+json" in head


def test_fast_path_answers_like_the_route(live, w3c_client) -> None:  # noqa: F811
    """The same request through the lean path (uvicorn) and, for a browser, through the route:
    same status, type and CORS header; errors are problem+json with the same detail."""
    import httpx

    q = "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s LIMIT 3"
    with httpx.Client(base_url=live.url) as c:
        r = c.get("/sparql", params={"query": q}, headers={"Accept": "text/csv", "Origin": "https://a.example"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert r.headers["access-control-allow-origin"] == "*" and r.headers["vary"] == "Accept"
        assert r.text.splitlines()[0] == "s" and len(r.text.splitlines()) == 4
        bad = c.get("/sparql", params={"query": "SELECT * {"}, headers={"Origin": "https://a.example"})
        ref = w3c_client.get("/sparql", params={"query": "SELECT * {"})
        assert bad.status_code == ref.status_code == 400
        assert bad.headers["content-type"] == "application/problem+json"
        assert bad.json()["detail"] == ref.json()["detail"]
        assert bad.headers["access-control-allow-origin"] == "*"
        na = c.get("/sparql", params={"query": q}, headers={"Accept": "image/png"})
        assert na.status_code == 406 and na.json()["status"] == 406
        page = c.get("/sparql", params={"query": q}, headers={"Accept": "text/html"})
        assert page.status_code == 200 and "<html" in page.text.lower()
        form = c.post("/sparql", data={"query": q}, headers={"Accept": "application/sparql-results+json"})
        assert form.status_code == 200 and len(form.json()["results"]["bindings"]) == 3


def test_fast_path_is_not_on_other_paths(tmp_path: Path, w3c_store) -> None:  # noqa: F811
    from itukg.api.fastpath import SparqlFastPath

    app = create_app(Settings(store=w3c_store, query_workers=1))
    assert any(m.cls is SparqlFastPath for m in app.user_middleware)
    with TestClient(app) as client:
        assert client.get("/sparqlx").status_code == 404
        head = client.head("/sparql", params={"query": "ASK {}"})
        assert head.status_code == 200 and head.content == b""


def test_named_queries_on_the_fast_path_answer_like_the_route(live) -> None:
    """A browser's request (Accept: text/html) and HEAD go to the route; data formats take the
    lean path. Their errors must agree: an unknown query (404), a malformed, repeated or unknown
    parameter (422), and their answers must have the same status and type."""
    import httpx

    html = {"Accept": "text/html"}
    data = {"Accept": "application/sparql-results+json", "Origin": "https://a.example"}
    cases = [
        ("/api/queries/no-such-query", {}),
        ("/api/queries/sdg-trace", {"sdg": "9.zz"}),
        ("/api/queries/sdg-trace", [("sdg", "9.c"), ("sdg", "9.b")]),
        ("/api/queries/sdg-trace", {"sdg": "9.c", "colour": "red"}),
        ("/api/queries/sdg-trace", {}),
    ]
    with httpx.Client(base_url=live.url) as c:
        for path, params in cases:
            fast = c.get(path, params=params, headers=data)
            route = c.get(path, params=params, headers=html)
            assert fast.status_code == route.status_code and fast.status_code in (404, 422), (path, params)
            assert fast.headers["content-type"] == route.headers["content-type"] == "application/problem+json"
            assert fast.json() == route.json()
            assert fast.headers["access-control-allow-origin"] == "*"
        ok = c.get("/api/queries/outputs", headers=data)
        head = c.head("/api/queries/outputs", headers=data)
        assert ok.status_code == head.status_code == 200
        assert ok.headers["content-type"] == head.headers["content-type"]
        assert ok.json()["head"]["vars"]
        csv = c.get("/api/queries/outputs", params={"format": "csv"})
        assert csv.headers["content-type"].startswith("text/csv") and csv.text.count("\n") >= 1
        page = c.get("/api/queries/outputs", headers=html)
        assert page.status_code == 200 and "<html" in page.text.lower()


# -- a worker that dies is reported as what it was (decision 0125) -------------------------------


@pytest.mark.parametrize("sig, expected", [("SIGSEGV", StoreError), ("SIGKILL", "ResultTooLarge")])
def test_a_dead_worker_is_reported_as_what_it_was(w3c_store, sig, expected) -> None:  # noqa: F811
    """A worker killed by SIGSEGV while busy (as the engine's parser did on 3,000 nested ``{``)
    is a crash (503, the signal named), not "exceeded its memory limit"; a SIGKILL we did not
    send (the kernel's out-of-memory killer) still is the memory case (413)."""
    import os
    import signal

    from itukg import errors as E
    from itukg.graph.store.pool import Executor

    cls = getattr(E, expected) if isinstance(expected, str) else expected

    async def scenario() -> Exception:
        ex = Executor(Settings(store=w3c_store, query_store="disk"), workers=1)
        await ex.start()
        try:
            busy = asyncio.ensure_future(ex._sleep(20, timeout=30))
            await asyncio.sleep(0.5)
            os.kill(ex.pids[0], getattr(signal, sig))
            with pytest.raises(cls) as info:
                await busy
            assert (await ex.ask("ASK { }")) is True  # replaced, serving again
            return info.value
        finally:
            await ex.close()

    err = complete(scenario())
    assert sig in str(err)
    if sig == "SIGSEGV":
        assert "crashed" in str(err) and "memory" not in str(err)


# -- lanes (decision 0124) -------------------------------------------------------------------


def test_bulk_requests_never_take_the_reserved_worker() -> None:
    """Two workers, one bulk slot: a second bulk request waits while a priority request is
    served at once; a freed worker goes to a priority waiter before a bulk one."""
    from itukg.graph.store.fairqueue import BULK, LANE

    async def scenario() -> list[str]:
        pool = _FairPool(bulk_cap=1)
        for i in range(2):
            pool.put_nowait(_Slot(i))
        order: list[str] = []

        async def take(name: str, lane: str, hold: float) -> None:
            LANE.set(lane)
            slot = await pool.get()
            order.append(name)
            await asyncio.sleep(hold)
            pool.put_nowait(slot)

        tasks = [asyncio.ensure_future(take("bulk1", BULK, 0.2))]
        await asyncio.sleep(0.01)
        tasks.append(asyncio.ensure_future(take("bulk2", BULK, 0.0)))
        await asyncio.sleep(0.01)
        tasks.append(asyncio.ensure_future(take("named1", "priority", 0.3)))
        await asyncio.sleep(0.01)
        tasks.append(asyncio.ensure_future(take("named2", "priority", 0.0)))
        await asyncio.gather(*tasks)
        assert pool.bulk_busy == 0
        return order

    assert complete(scenario()) == ["bulk1", "named1", "named2", "bulk2"]
