"""The hand-over of a freed query worker to a waiting request (decision 0185): the request is
sent in the same step, and a worker that got a request is never given back idle; the bulk
niceness follows the lane of the request that takes a worker."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from servers import w3c_store  # noqa: F401

from itukg.graph.reads.runner import complete
from itukg.graph.store.fairqueue import BULK, BULK_NICENESS, LANE, FairPool, Slot
from itukg.settings import Settings

# -- the pool ----------------------------------------------------------------------------------


def test_a_waiter_starts_its_request_in_the_hand_over_step() -> None:
    """``start`` runs inside ``put_nowait`` (before the waiting task resumes); a worker idle at
    once is returned without it."""

    async def scenario() -> list[str]:
        pool = FairPool()
        events: list[str] = []
        pool.put_nowait(Slot(0))
        idle = await pool.get(lambda s: events.append("started idle"))
        waiter = asyncio.create_task(pool.get(lambda s: events.append(f"started {s.index}")))
        await asyncio.sleep(0)
        pool.put_nowait(idle)
        events.append("handed over")  # start has run by now, the waiter has not resumed yet
        assert not waiter.done()
        await waiter
        return events

    assert complete(scenario()) == ["started 0", "handed over"]


def test_a_waiter_cancelled_after_its_request_was_sent_abandons_the_worker() -> None:
    """The worker is busy with the cancelled request's query: it must not go back to the idle
    ones (its answer would reach the next request); ``abandon`` gets it instead."""

    async def scenario() -> tuple[list[int], bool]:
        pool = FairPool()
        abandoned: list[int] = []
        t = asyncio.create_task(pool.get(lambda s: None, lambda s: abandoned.append(s.index)))
        await asyncio.sleep(0)
        pool.put_nowait(Slot(3))
        t.cancel()
        with pytest.raises(asyncio.CancelledError):
            await t
        try:
            pool.get_nowait()
            idle = True
        except asyncio.QueueEmpty:
            idle = False
        return abandoned, idle

    assert complete(scenario()) == ([3], False)


# -- niceness ----------------------------------------------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="lowering a niceness needs CAP_SYS_NICE")
def test_niceness_follows_the_lane_of_the_request_that_takes_the_worker() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        slot = Slot(0, pid=proc.pid)

        async def scenario() -> list[int]:
            pool = FairPool(bulk_cap=1)
            pool.put_nowait(slot)
            seen = []
            token = LANE.set(BULK)
            try:
                for _ in range(2):
                    s = pool.get_nowait()
                    seen.append(os.getpriority(os.PRIO_PROCESS, proc.pid))
                    pool.put_nowait(s)
                seen.append(os.getpriority(os.PRIO_PROCESS, proc.pid))  # idle: left as it was
            finally:
                LANE.reset(token)
            s = pool.get_nowait()  # the priority lane
            seen.append(os.getpriority(os.PRIO_PROCESS, proc.pid))
            pool.put_nowait(s)
            return seen

        assert complete(scenario()) == [BULK_NICENESS, BULK_NICENESS, BULK_NICENESS, 0]
    finally:
        proc.kill()
        proc.wait()


# -- the executor, real worker processes --------------------------------------------------------


def test_queued_requests_each_get_their_own_answer(w3c_store) -> None:  # noqa: F811
    """One worker, many requests at once: each freed worker is handed over with the next
    request already sent; every request gets the answer to its own query, in either lane, and
    a request cancelled while it waits leaves the next answers right."""
    from itukg.graph.store.pool import Executor

    async def scenario() -> list[tuple[int, int]]:
        ex = Executor(Settings(store=w3c_store, query_store="disk"), workers=1)
        await ex.start()
        try:
            async def one(n: int, lane: str) -> tuple[int, int]:
                token = LANE.set(lane)
                try:
                    result = await ex.select(f"SELECT ?n WHERE {{ BIND({n} AS ?n) }}")
                finally:
                    LANE.reset(token)
                return n, int(result.rows[0][0].toPython())

            busy = asyncio.ensure_future(ex._sleep(0.3))
            await asyncio.sleep(0.05)
            tasks = [asyncio.ensure_future(one(n, BULK if n % 2 else "priority")) for n in range(12)]
            await asyncio.sleep(0.05)
            tasks[5].cancel()  # waiting: it never reached the worker
            await busy
            got = [await t for i, t in enumerate(tasks) if i != 5]
            with pytest.raises(asyncio.CancelledError):
                await tasks[5]
            # a request cancelled just after the worker was handed to it (its query sent)
            late = asyncio.ensure_future(one(100, "priority"))
            blocker = asyncio.ensure_future(ex._sleep(0.2))
            await asyncio.sleep(0.05)
            waiting = asyncio.ensure_future(one(101, "priority"))
            await asyncio.sleep(0.05)
            blocker.add_done_callback(lambda _: waiting.cancel())
            await asyncio.gather(late, blocker, return_exceptions=True)
            await asyncio.gather(waiting, return_exceptions=True)
            got.append(await one(102, "priority"))
            return got
        finally:
            await ex.close()

    pairs = complete(scenario())
    assert len(pairs) == 12
    assert all(asked == answered for asked, answered in pairs)


# -- remembered plans of the lean path ----------------------------------------------------------


def test_remembered_plans_follow_the_accept_header_and_stay_bounded(w3c_store, monkeypatch) -> None:  # noqa: F811
    """The same query string with other Accept headers gets other formats, a refused query
    stays refused when repeated, a browser still gets the page, and the plans kept are bounded."""
    from fastapi.testclient import TestClient

    from itukg.api import fastpath
    from itukg.api.app import create_app

    monkeypatch.setattr(fastpath, "PLAN_CACHE_SIZE", 4)
    fastpath._PLANS.clear()
    q = "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s LIMIT 2"
    with TestClient(create_app(Settings(store=w3c_store, query_workers=1))) as client:
        for _ in range(2):
            for accept, ctype in [("text/csv", "text/csv"),
                                  ("application/sparql-results+json", "application/sparql-results+json"),
                                  ("text/tab-separated-values", "text/tab-separated-values")]:
                r = client.get("/sparql", params={"query": q}, headers={"Accept": accept})
                assert r.status_code == 200 and r.headers["content-type"].startswith(ctype)
            refused = client.get("/sparql", params={"query": "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"})
            assert refused.status_code == 400
            page = client.get("/sparql", params={"query": q}, headers={"Accept": "text/html"})
            assert "<html" in page.text.lower()
        for n in range(10):
            assert client.get("/sparql", params={"query": f"ASK {{ BIND({n} AS ?x) }}"},
                              headers={"Accept": "application/sparql-results+json"}).json()["boolean"]
        assert 0 < len(fastpath._PLANS) <= 4


# -- workers started ahead ----------------------------------------------------------------------


def test_prespawned_workers_are_taken_first_and_unused_ones_end_quietly(w3c_store) -> None:  # noqa: F811
    """``itukg serve`` starts its workers before importing the web framework; the pool takes
    those processes (their settings sent then), and one never taken ends with exit status 0
    (no traceback) when the service ends."""
    from itukg.graph.store import processes
    from itukg.graph.store.pool import Executor

    processes.prespawn(2)
    ahead = [proc.pid for proc, _ in processes._PRESPAWNED]

    async def scenario() -> tuple[list[int | None], bool]:
        ex = Executor(Settings(store=w3c_store, query_store="disk"), workers=1)
        await ex.start()
        try:
            return ex.pids, await ex.ask("ASK { }")
        finally:
            await ex.close()

    try:
        pids, answer = complete(scenario())
        assert pids == ahead[:1] and answer is True
        left = processes._PRESPAWNED[0][0]
        assert left.pid == ahead[1] and left.poll() is None
    finally:
        processes._discard_prespawned()
    assert left.returncode == 0 and not processes._PRESPAWNED
