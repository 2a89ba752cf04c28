"""Idle query workers handed out strictly first come, first served (decision 0076)."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import subprocess
from dataclasses import dataclass


@dataclass
class Slot:
    index: int
    proc: subprocess.Popen | None = None
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    pid: int | None = None
    served: int = 0
    engine: str = "disk"  # where the worker read at its last answer: disk, loading or memory


class FairPool:
    """Idle workers, handed out strictly first come, first served.

    ``asyncio.Queue`` lets a request that arrives just as a worker is freed take it before the
    request that has been waiting longest (which is woken, finds the queue empty and queues
    again at the back): under load a few requests wait many turns, and p99 latency grew to three
    times p50. Here a freed worker goes straight to the oldest waiter.
    """

    def __init__(self) -> None:
        self._free: collections.deque[Slot] = collections.deque()
        self._waiters: collections.deque[asyncio.Future[Slot]] = collections.deque()

    def put_nowait(self, slot: Slot) -> None:
        while self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(slot)
                return
        self._free.append(slot)

    def get_nowait(self) -> Slot:
        """An idle worker, if there is one and nobody is waiting; else raises QueueEmpty."""
        if self._free and not self._waiters:
            return self._free.popleft()
        raise asyncio.QueueEmpty

    async def get(self) -> Slot:
        """The next idle worker, in arrival order. Cancellation passes on a worker handed over
        meanwhile."""
        if self._free and not self._waiters:
            return self._free.popleft()
        fut: asyncio.Future[Slot] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            return await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.put_nowait(fut.result())
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(fut)
            raise

