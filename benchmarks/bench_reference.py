"""Time building the reference graph (graph/mapping/reference/__init__.py).

Run: ``.venv/bin/python benchmarks/bench_reference.py [ROUNDS]``. Each round clears the cache and
rebuilds from the files under graph/mapping/reference/, then serialises to N-Triples.
"""

from __future__ import annotations

import statistics
import sys
import time

import itukg.graph.mapping.reference as ref


def main(rounds: int = 10) -> None:
    times = []
    data = b""
    for _ in range(rounds):
        ref._build.cache_clear()
        t0 = time.perf_counter()
        data = ref.reference_ntriples("https://w3id.org/itukg/")
        times.append(time.perf_counter() - t0)
    lines = data.count(b"\n")
    print(f"reference graph: {lines} triples, {len(data)} bytes of N-Triples")
    print(f"build + serialise over {rounds} rounds: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
