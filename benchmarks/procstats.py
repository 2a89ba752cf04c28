"""CPU time, memory and the process tree of a server, from Linux ``/proc`` (for the service
benchmarks: a server is measured with all its processes, the query workers included)."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (Linux /proc), 0 when unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """``(RSS, PSS)`` in MB summed over processes (Linux /proc): PSS counts a page shared by n
    processes (libraries, the page cache of a mapped file) as 1/n in each, so the sum is what
    the service really holds. ``(0, 0)`` where unavailable."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return rss / 1024, pss / 1024


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc); just ``[pid]`` elsewhere."""
    out = [pid]
    try:
        entries = [d for d in os.listdir("/proc") if d.isdigit()]
    except OSError:
        return out
    parents: dict[int, list[int]] = {}
    for d in entries:
        try:
            ppid = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(d))
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out
