#!/usr/bin/env python3
"""Latency of a named trace query while two clients abuse ``/sparql`` (decision 0124).

    .venv/bin/python benchmarks/bench_abuse.py [--requests 200] [--seconds 30] [--timeout 5]
        [--reserved 1] [--store DIR] [--json FILE]

Builds the bundled corpus into a temporary store (or uses ``--store``), starts ``itukg serve``
on 127.0.0.1 (2 query workers, deadline ``--timeout``), and measures sequential runs (at least
``--requests`` and ``--seconds``) of ``GET /api/queries/output-trace?outputCode=4.1`` twice:
unloaded, then while two clients (source addresses 127.0.0.2 and 127.0.0.3, two connections
each) send a cross-product query that runs to the deadline, without pause (50 ms after a
429). Prints p50 / p99 / max of both, the ratio of the p99s, and what the abusers got.
``--reserved 0`` shows the service without a reserved worker (every worker can be taken by
/sparql). Bounded, loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from bench_service import free_port, wait_http  # benchmarks/: the script's folder is on sys.path

VENV_BIN = Path(sys.executable).parent
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TRACE = "/api/queries/output-trace?outputCode=4.1"
JSON = {"accept": "application/sparql-results+json"}


def serve(store: Path, timeout: float, reserved: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "ITUKG_QUERY_WORKERS": "2", "ITUKG_RESERVED_WORKERS": str(reserved),
           "ITUKG_QUERY_TIMEOUT": str(timeout)}
    proc = subprocess.Popen(
        [str(VENV_BIN / "itukg"), "--store", str(store), "serve", "--no-build", "--port", str(port),
         "--log-level", "warning", "--no-access-log"], env=env)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/health", proc)
    return proc, url


def latencies(url: str, n: int, seconds: float = 0.0) -> list[float]:
    """``n`` sequential trace queries, and more until ``seconds`` have passed."""
    out: list[float] = []
    end = time.monotonic() + seconds
    with httpx.Client(timeout=120, transport=httpx.HTTPTransport(local_address="127.0.0.4")) as c:
        while len(out) < n or time.monotonic() < end:
            t0 = time.perf_counter()
            r = c.get(url + TRACE, headers=JSON)
            out.append(time.perf_counter() - t0)
            if r.status_code != 200:
                raise RuntimeError(f"trace query answered {r.status_code}: {r.text[:200]}")
    return out


def abuse(url: str, source: str, stop: threading.Event, statuses: Counter) -> None:
    with httpx.Client(timeout=120, transport=httpx.HTTPTransport(local_address=source)) as c:
        while not stop.is_set():
            r = c.get(url + "/sparql", params={"query": PATHOLOGICAL}, headers=JSON)
            statuses[r.status_code] += 1
            if r.status_code == 429:
                time.sleep(0.05)


def summary(xs: list[float]) -> dict:
    xs = sorted(xs)
    return {"p50_ms": round(statistics.median(xs) * 1000, 2),
            "p99_ms": round(xs[min(len(xs) - 1, int(len(xs) * 0.99))] * 1000, 2),
            "max_ms": round(xs[-1] * 1000, 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=30.0, help="least time of each phase")
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--reserved", type=int, default=1)
    ap.add_argument("--store", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    # killed (timeout, Ctrl-C): stop the server in the finally below, leave nothing running
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store
        if store is None:
            store = Path(tmp) / "store"
            subprocess.run([str(VENV_BIN / "itukg"), "--store", str(store), "build"], check=True,
                           capture_output=True)
        proc, url = serve(store, args.timeout, args.reserved)
        try:
            time.sleep(5)  # the workers copy the store into memory (decision 0075)
            latencies(url, 20)  # warm up
            unloaded = latencies(url, args.requests, args.seconds)
            stop, statuses = threading.Event(), Counter()
            threads = [threading.Thread(target=abuse, args=(url, src, stop, statuses))
                       for src in ("127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3")]
            for t in threads:
                t.start()
            time.sleep(1.0)
            try:
                loaded = latencies(url, args.requests, args.seconds)
            finally:
                stop.set()
                for t in threads:
                    t.join(args.timeout * 4 + 30)
        finally:
            proc.terminate()
            proc.wait(30)
    result = {"reserved_workers": args.reserved, "requests": [len(unloaded), len(loaded)],
              "unloaded": summary(unloaded), "abused": summary(loaded),
              "p99_ratio": round(summary(loaded)["p99_ms"] / summary(unloaded)["p99_ms"], 2),
              "abuser_statuses": dict(sorted(statuses.items()))}
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
