"""The soak run's parts (decision 0130): well-behaved and abusive HTTP clients, the writer that
runs a build and loads through the real CLI, and the memory of the server's process tree.

Everything talks to a real server on 127.0.0.1 and stops by itself: clients loop until ``stop``
is set, every request and every command has a timeout.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

TRACE = ("PREFIX ikg: <https://w3id.org/itukg/ontology#>\n"
         "SELECT ?output ?target WHERE { ?output ikg:servesTarget ?target } LIMIT 50")
# a 4-way product over the whole store: never finishes, cut at the server's deadline
PATHOLOGICAL = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p1 ?b . ?c ?p2 ?d . ?e ?p3 ?f . ?g ?p4 ?h }")

# named queries, /sparql traces, API, pages: the mix a well-behaved client cycles through
MIX: list[tuple[str, str, dict]] = [
    ("GET", "/api/queries/sdg-trace", {"sdg": "9.c"}),
    ("GET", "/api/queries/output-trace", {"outputCode": "4.1"}),
    ("GET", "/api/queries/outputs", {}),
    ("GET", "/sparql", {"query": TRACE}),
    ("POST", "/sparql", {"query": TRACE}),
    ("GET", "/api/outputs", {}),
    ("GET", "/api/sdg/9", {}),
    ("GET", "/api/outputs/4.1", {}),
    ("GET", "/", {}),
    ("GET", "/trace", {}),
    ("GET", "/coverage", {}),
    ("GET", "/source", {}),
]


@dataclass
class Tally:
    """What one client saw: statuses, connection errors (with a sample), latencies."""

    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """5xx and 429 answers and connection errors (timeouts included)."""
        return sum(n for s, n in self.statuses.items() if s >= 500 or s == 429) + len(self.failures)


def client(url: str, address: str, timeout: float) -> httpx.Client:
    """A client connecting from its own loopback address: the service tells clients apart by
    address (per-client concurrency and query-time budget), as it would real hosts."""
    return httpx.Client(base_url=url, timeout=timeout,
                        transport=httpx.HTTPTransport(local_address=address))


def well_behaved(url: str, stop: threading.Event, tally: Tally, offset: int) -> None:
    """Cycle through MIX (each client starts at another place, from an address of its own)
    until ``stop``."""
    with client(url, f"127.0.1.{offset + 1}", 30) as c:
        for method, path, params in itertools.islice(itertools.cycle(MIX), offset, None):
            if stop.is_set():
                return
            t0 = time.monotonic()
            try:
                if method == "GET":
                    r = c.get(path, params=params)
                else:
                    r = c.post(path, data=params)
                tally.statuses[r.status_code] += 1
                if r.status_code >= 500 or r.status_code == 429:
                    tally.failures.append(f"{method} {path}: {r.status_code} {r.text[:200]}")
                    tally.statuses[r.status_code] -= 1  # counted once, in failures
            except httpx.HTTPError as exc:
                tally.failures.append(f"{method} {path}: {exc!r}")
            tally.latencies.append(time.monotonic() - t0)


def warm(url: str) -> None:
    """One pass over MIX (caches, templates, the workers' first answers). Raises HTTPError."""
    with httpx.Client(base_url=url, timeout=60) as c:
        for method, path, params in MIX:
            (c.get(path, params=params) if method == "GET" else c.post(path, data=params))


def abusive(url: str, stop: threading.Event, tally: Tally, number: int) -> None:
    """Pathological queries without pause, from an address of its own, until ``stop`` (any
    answer is fine: 503 at the deadline, 429 past the budget)."""
    with client(url, f"127.0.2.{number + 1}", 30) as c:
        while not stop.is_set():
            try:
                tally.statuses[c.post("/sparql", data={"query": PATHOLOGICAL}).status_code] += 1
            except httpx.HTTPError as exc:
                tally.failures.append(repr(exc))


@dataclass
class Writes:
    """The writer's record: graphs whose load reported success, the build's outcome."""

    loaded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    built: bool = False


def _itukg(store: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "itukg.cli", "--store", str(store), *args],
                          capture_output=True, text=True, timeout=60)


def writer(store: Path, corpus: Path, work: Path, schedule: list[tuple[float, str]],
           writes: Writes) -> None:
    """Run ``schedule`` (seconds from now, ``"build"`` or ``"load"``) through the real CLI."""
    t0 = time.monotonic()
    n = 0
    for at, what in schedule:
        time.sleep(max(0.0, t0 + at - time.monotonic()))
        if what == "build":
            out = _itukg(store, "build", "--quiet", str(corpus))
            writes.built = out.returncode == 0
            if not writes.built:
                writes.failed.append(f"build: {out.returncode} {out.stderr[-500:]}")
            continue
        n += 1
        graph = f"http://example.org/soak/load-{n}"
        data = work / f"load-{n}.ttl"
        data.write_text(f"<http://example.org/soak/s{n}> <http://example.org/soak/p> {n} .\n")
        out = _itukg(store, "load", str(data), "--graph", graph)
        (writes.loaded if out.returncode == 0 else writes.failed).append(
            graph if out.returncode == 0 else f"load {n}: {out.returncode} {out.stderr[-500:]}")


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of ``pid`` and all its descendants (Linux /proc)."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue  # a worker replaced meanwhile
    return total
