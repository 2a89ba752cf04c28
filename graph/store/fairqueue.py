"""Idle query workers handed out first come, first served, in two lanes (decisions 0076, 0124).

A request runs in the lane of its context (:data:`LANE`): ``priority`` (the default: named
queries, the JSON API, the pages) or ``bulk`` (``/sparql`` queries, set by the service). A bulk
request takes a worker only while fewer than ``bulk_cap`` workers run bulk requests, so with
``reserved_workers`` workers kept back, unbounded ``/sparql`` queries can never hold every worker
and a cheap named query never waits behind them. A freed worker goes to the oldest priority
waiter first, then to the oldest bulk waiter the cap lets in.

:data:`QUERY_SECONDS` (a one-element list in the request's context, or None) receives the
seconds a worker spent on the request's queries: the service charges them to the client's
query-time budget (:mod:`itukg.api.limits`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import subprocess
from contextvars import ContextVar
from dataclasses import dataclass

PRIORITY = "priority"
BULK = "bulk"
LANE: ContextVar[str] = ContextVar("itukg_lane", default=PRIORITY)
QUERY_SECONDS: ContextVar[list[float] | None] = ContextVar("itukg_query_seconds", default=None)


#: the CPU niceness of a worker while it runs a bulk request: an unbounded /sparql query then
#: leaves the CPU to the HTTP server and the priority lane first (on a 2-core host the abused
#: p99 of a trace query was 3.6x its unloaded p99 without this)
BULK_NICENESS = 10


def _nice(slot: Slot, niceness: int) -> None:
    """Set the worker's niceness; raising priority back needs CAP_SYS_NICE, so a failure leaves
    the worker as it is (then slower only when the CPUs are busy). Raises nothing."""
    if slot.pid is not None:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, slot.pid, niceness)


@dataclass
class Slot:
    index: int
    proc: subprocess.Popen | None = None
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    pid: int | None = None
    served: int = 0
    engine: str = "disk"  # where the worker read at its last answer: disk, loading or memory
    lane: str | None = None  # BULK while a bulk request holds it (counted in bulk_busy)


class FairPool:
    """Idle workers, handed out strictly first come, first served within each lane.

    ``asyncio.Queue`` lets a request that arrives just as a worker is freed take it before the
    request that has been waiting longest (which is woken, finds the queue empty and queues
    again at the back): under load a few requests wait many turns, and p99 latency grew to three
    times p50. Here a freed worker goes straight to the oldest waiter.

    ``bulk_cap``: most workers bulk requests may hold at once (None: no cap).
    """

    def __init__(self, bulk_cap: int | None = None) -> None:
        self._free: collections.deque[Slot] = collections.deque()
        self._waiters: collections.deque[asyncio.Future[Slot]] = collections.deque()
        self._bulk: collections.deque[asyncio.Future[Slot]] = collections.deque()
        self.bulk_cap = bulk_cap
        self.bulk_busy = 0

    def _bulk_open(self) -> bool:
        return self.bulk_cap is None or self.bulk_busy < self.bulk_cap

    def _take(self, slot: Slot, lane: str) -> Slot:
        if lane == BULK:
            slot.lane = BULK
            self.bulk_busy += 1
            _nice(slot, BULK_NICENESS)
        return slot

    def put_nowait(self, slot: Slot) -> None:
        if slot.lane == BULK:  # a bulk request gave it back: its lane has room again
            slot.lane = None
            self.bulk_busy -= 1
            _nice(slot, 0)
        while self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(slot)
                return
        while self._bulk and self._bulk_open():
            fut = self._bulk.popleft()
            if not fut.done():
                fut.set_result(self._take(slot, BULK))
                return
        self._free.append(slot)

    def _ready(self, lane: str) -> bool:
        if not self._free or self._waiters:
            return False
        return lane != BULK or (not self._bulk and self._bulk_open())

    def get_nowait(self) -> Slot:
        """An idle worker for the context's lane, if there is one and nobody of the lane (or a
        priority request) is waiting; else raises QueueEmpty."""
        lane = LANE.get()
        if self._ready(lane):
            return self._take(self._free.popleft(), lane)
        raise asyncio.QueueEmpty

    async def get(self) -> Slot:
        """The next idle worker for the context's lane, in arrival order. Cancellation passes
        on a worker handed over meanwhile."""
        lane = LANE.get()
        if self._ready(lane):
            return self._take(self._free.popleft(), lane)
        queue = self._bulk if lane == BULK else self._waiters
        fut: asyncio.Future[Slot] = asyncio.get_running_loop().create_future()
        queue.append(fut)
        try:
            return await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.put_nowait(fut.result())
            else:
                with contextlib.suppress(ValueError):
                    queue.remove(fut)
            raise
