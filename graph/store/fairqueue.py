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
from collections.abc import Callable
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
            slot.niceness = niceness


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
    niceness: int = 0  # the CPU niceness last set on the worker


Start = Callable[[Slot], None]
"""What a waiting request does with a worker handed to it (see :meth:`FairPool.get`)."""


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
        self._waiters: collections.deque[tuple[asyncio.Future[Slot], Start | None]] = collections.deque()
        self._bulk: collections.deque[tuple[asyncio.Future[Slot], Start | None]] = collections.deque()
        self.bulk_cap = bulk_cap
        self.bulk_busy = 0

    def _bulk_open(self) -> bool:
        return self.bulk_cap is None or self.bulk_busy < self.bulk_cap

    def _take(self, slot: Slot, lane: str) -> Slot:
        # the niceness follows the lane of the request that takes the worker, and is changed
        # only when it differs: under bulk load a worker stays at BULK_NICENESS instead of
        # paying two setpriority calls per request (a third of a cheap query's own time)
        if lane == BULK:
            slot.lane = BULK
            self.bulk_busy += 1
            if slot.niceness != BULK_NICENESS:
                _nice(slot, BULK_NICENESS)
        elif slot.niceness:
            _nice(slot, 0)
        return slot

    def put_nowait(self, slot: Slot) -> None:
        if slot.lane == BULK:  # a bulk request gave it back: its lane has room again
            slot.lane = None
            self.bulk_busy -= 1
        while self._waiters:
            fut, start = self._waiters.popleft()
            if not fut.done():
                self._hand(fut, start, self._take(slot, PRIORITY))
                return
        while self._bulk and self._bulk_open():
            fut, start = self._bulk.popleft()
            if not fut.done():
                self._hand(fut, start, self._take(slot, BULK))
                return
        self._free.append(slot)

    @staticmethod
    def _hand(fut: asyncio.Future[Slot], start: Start | None, slot: Slot) -> None:
        """Give ``slot`` to a waiter; its ``start`` runs at once (it sends the request to the
        worker now: the waiting task resumes only at the event loop's next turn, after every
        other ready callback, and the worker would sit idle until then)."""
        if start is not None:
            start(slot)
        fut.set_result(slot)

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

    async def get(self, start: Start | None = None, abandon: Start | None = None) -> Slot:
        """The next idle worker for the context's lane, in arrival order.

        ``start(slot)`` runs when a freed worker is handed over while this request waits (not
        when one is idle at once), in the same step as the hand-over: it sends the request.
        Cancellation passes on a worker handed over meanwhile, or, when ``start`` has already
        sent it a request, gives it to ``abandon(slot)`` (the worker is busy: it cannot go back
        to the idle ones). Raises CancelledError."""
        lane = LANE.get()
        if self._ready(lane):
            return self._take(self._free.popleft(), lane)
        queue = self._bulk if lane == BULK else self._waiters
        fut: asyncio.Future[Slot] = asyncio.get_running_loop().create_future()
        entry = (fut, start)
        queue.append(entry)
        try:
            return await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                if start is not None and abandon is not None:
                    abandon(fut.result())
                else:
                    self.put_nowait(fut.result())
            else:
                with contextlib.suppress(ValueError):
                    queue.remove(entry)
            raise
