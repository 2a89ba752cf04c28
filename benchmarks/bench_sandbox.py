"""What the second wall costs (decision 0128): the start of a query worker with
ITUKG_NETWORK_ISOLATION=off and =required, and a cheap query's round trip in each.

    python benchmarks/bench_sandbox.py --store var/store [--rounds 5]

Prints the median of ``rounds`` alternating starts (one worker each) and of 200 ASK queries.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from itukg.graph.store.pool import Executor
from itukg.settings import Settings


async def one(store: Path, mode: str) -> tuple[float, float, str]:
    """Start one worker in ``mode``; returns (start seconds, median ASK seconds, state)."""
    settings = Settings(store=store, network_isolation=mode, query_store="disk")
    t0 = time.perf_counter()
    ex = Executor(settings, workers=1)
    await ex.start()
    started = time.perf_counter() - t0
    try:
        times = []
        for _ in range(200):
            t = time.perf_counter()
            await ex.query("ASK { ?s ?p ?o }")
            times.append(time.perf_counter() - t)
        return started, statistics.median(times), ex.network
    finally:
        await ex.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=Path("var/store"))
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    res: dict[str, list[tuple[float, float, str]]] = {"off": [], "required": []}
    for _ in range(args.rounds):
        for mode in res:
            res[mode].append(asyncio.run(one(args.store, mode)))
    for mode, runs in res.items():
        start = statistics.median(r[0] for r in runs)
        ask = statistics.median(r[1] for r in runs)
        print(f"{mode:9} network={runs[0][2]:9} worker start {start * 1000:7.1f} ms   "
              f"ASK round trip {ask * 1e6:7.0f} us")


if __name__ == "__main__":
    main()
