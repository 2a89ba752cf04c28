"""The soak test (issue 11, decision 0130): 60 s of mixed traffic against a real server on
127.0.0.1, with two abusive clients, a build and ten loads during it.

Asserts: no 5xx, no 429 and no connection error for the 8 well-behaved clients (each from a
loopback address of its own, as the abusive ones: a 429 for those is fine); every load that reported success is in the final store; the build succeeded; the
resident memory of the server and its workers is back near where it started (within
MEMORY_MARGIN). Bounded: the traffic runs SOAK_SECONDS (default 60; ``ITUKG_SOAK_SECONDS``
shortens it for a quick look), every request and command has a timeout.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import httpx
import pytest

from itukg.graph.build import bundled_corpus
from itukg.graph.store import open_store
from itukg.settings import Settings
from servers import LiveServer, settings_env
from soak.traffic import Tally, Writes, abusive, tree_rss, warm, well_behaved, writer

pytestmark = pytest.mark.slow

SOAK_SECONDS = float(os.environ.get("ITUKG_SOAK_SECONDS", "60"))
CLIENTS = 8
ABUSIVE = 2
# memory at the end may exceed the start by this factor plus this many bytes: the workers are
# replaced at every deadline and reopen the store at every write, so the end state is the same
# kind of process tree as the start, plus allocator slack
MEMORY_MARGIN = (1.5, 150 * 2**20)


def _schedule(seconds: float) -> list[tuple[float, str]]:
    """Ten loads spread over the run, and a build in the middle of them."""
    step = seconds * 0.9 / 10
    plan = [(1.0 + i * step, "load") for i in range(10)]
    plan.append((seconds * 0.35, "build"))
    return sorted(plan)


def _wait_settled(url: str, seconds: float = 20) -> None:
    """Until every worker serves from its memory copy (or ``seconds`` pass)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        # /health shows where each worker read at its last answer: ask them all something
        for _ in range(CLIENTS):
            httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=30)
        engines = httpx.get(url + "/health", timeout=10).json()["queryStore"]
        if engines and all(e == "memory" for e in engines):
            return
        time.sleep(0.2)


def _in_store(settings: Settings, graphs: list[str]) -> list[str]:
    """The graphs of ``graphs`` that hold no triple in the store's current generation."""
    with open_store(settings, read_only=True) as store:
        sizes = store.triples_per_graph()
    return [g for g in graphs if not sizes.get(g)]


def test_soak(tmp_path: Path, build_corpus) -> None:
    settings = build_corpus(tmp_path)
    env = settings_env(settings.store, query_workers=3, query_timeout=3)
    with LiveServer(env) as server:
        _wait_settled(server.url)
        warm(server.url)  # every page and cache once, then measure
        start_rss = tree_rss(server.proc.pid)

        stop = threading.Event()
        good = [Tally() for _ in range(CLIENTS)]
        bad = [Tally() for _ in range(ABUSIVE)]
        writes = Writes()
        threads = [threading.Thread(target=well_behaved, args=(server.url, stop, t, i))
                   for i, t in enumerate(good)]
        threads += [threading.Thread(target=abusive, args=(server.url, stop, t, i))
                    for i, t in enumerate(bad)]
        threads.append(threading.Thread(target=writer, args=(
            settings.store, bundled_corpus(), tmp_path, _schedule(SOAK_SECONDS), writes)))
        for t in threads:
            t.start()
        time.sleep(SOAK_SECONDS)
        stop.set()
        for t in threads:
            t.join(90)
        assert not any(t.is_alive() for t in threads), "a client did not stop"

        _wait_settled(server.url)
        end_rss = tree_rss(server.proc.pid)
        final = httpx.get(server.url + "/health", timeout=10).json()

    report = _report(good, bad, writes, start_rss, end_rss)
    print(report)
    assert sum(t.errors for t in good) == 0, [f for t in good for f in t.failures][:10]
    assert sum(sum(t.statuses.values()) for t in good) > 100, report  # there was traffic
    assert not writes.failed and writes.built and len(writes.loaded) == 10, writes.failed
    assert _in_store(settings, writes.loaded) == [], "a load that reported success was lost"
    assert end_rss <= start_rss * MEMORY_MARGIN[0] + MEMORY_MARGIN[1], report
    assert final["status"] == "ok"


def _report(good: list[Tally], bad: list[Tally], writes: Writes, start: int, end: int) -> str:
    lat = sorted(x for t in good for x in t.latencies)
    p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0.0)
    statuses = sum((t.statuses for t in good), start=type(good[0].statuses)())
    abusive_statuses = sum((t.statuses for t in bad), start=type(bad[0].statuses)())
    return (f"soak {SOAK_SECONDS:g}s: well-behaved {sum(statuses.values())} requests "
            f"{dict(statuses)}, errors {sum(t.errors for t in good)}, p50 {p(0.5):.3f}s "
            f"p99 {p(0.99):.3f}s; abusive {dict(abusive_statuses)}; loads "
            f"{len(writes.loaded)}/10, build {'ok' if writes.built else 'FAILED'}; RSS "
            f"{start / 2**20:.0f} MB -> {end / 2**20:.0f} MB")
