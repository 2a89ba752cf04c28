"""Per-client limits of ``/sparql`` (decision 0124): fair under abuse, as public endpoints are.

A client (the remote address; behind a configured trusted proxy, the address that proxy
names in ``X-Forwarded-For``) may have ``settings.client_concurrency`` queries running or
waiting at once, and spends a query-time budget: ``settings.client_query_seconds`` of worker
time per ``settings.client_budget_window`` seconds, refilled continuously (a token bucket; the
Wikidata Query Service grants 60 s per minute). A query is admitted
(:meth:`ClientLimits.admit`) while the budget is above zero and its worker time is charged when
it ends (:meth:`ClientLimits.done`), so one query may overdraw the budget; the next ones wait
until it is refilled. Refused: :class:`fastapi.HTTPException` 429 with
``Retry-After`` (seconds), answered as problem+json.

The named queries, the JSON API and the pages are not charged: they run vetted queries, in the
priority lane of the workers (:mod:`itukg.graph.store.fairqueue`).
"""

from __future__ import annotations

import math
import time
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException

from itukg.settings import Settings

MAX_CLIENTS = 10_000  # past this many tracked clients, idle ones with a full budget are dropped


@dataclass
class _Client:
    balance: float
    stamp: float
    running: int = 0


class ClientLimits:
    """Concurrency and query-time budget per client. ``clock``: for tests (monotonic)."""

    def __init__(self, settings: Settings, clock: Any = time.monotonic):
        self.concurrency = settings.client_concurrency
        self.budget = settings.client_query_seconds
        self.rate = settings.client_query_seconds / settings.client_budget_window
        self.clock = clock
        self._clients: dict[str, _Client] = {}

    def _get(self, client: str) -> _Client:
        now = self.clock()
        c = self._clients.get(client)
        if c is None:
            if len(self._clients) >= MAX_CLIENTS:
                self._prune(now)
            c = self._clients[client] = _Client(self.budget, now)
        c.balance = min(self.budget, c.balance + (now - c.stamp) * self.rate)
        c.stamp = now
        return c

    def _prune(self, now: float) -> None:
        for key, c in list(self._clients.items()):
            if c.running == 0 and c.balance + (now - c.stamp) * self.rate >= self.budget:
                del self._clients[key]

    def admit(self, client: str) -> None:
        """Admit one query of ``client`` (pair it with :meth:`done`). Raises HTTPException 429
        (with Retry-After) over either limit."""
        c = self._get(client)
        if c.balance <= 0:
            wait = max(1, math.ceil(-c.balance / self.rate))
            raise _too_many(
                f"query-time budget spent: {self.budget:g} s of query time per "
                f"{self.budget / self.rate:g} s (limit ITUKG_CLIENT_QUERY_SECONDS); retry in {wait} s",
                wait,
            )
        if c.running >= self.concurrency:
            raise _too_many(
                f"{c.running} queries of this client are already running or waiting (limit "
                "ITUKG_CLIENT_CONCURRENCY); wait for one to finish",
                1,
            )
        c.running += 1

    def done(self, client: str, seconds: float) -> None:
        """An admitted query ended, having used ``seconds`` of worker time. Raises nothing."""
        c = self._get(client)
        c.running = max(0, c.running - 1)
        c.balance -= seconds


def _too_many(detail: str, retry_after: int) -> HTTPException:
    return HTTPException(429, detail, headers={"Retry-After": str(retry_after)})


def client_of(scope: MutableMapping[str, Any], trusted: Sequence[str]) -> str:
    """The client of a request: its remote address, or, when that is a trusted proxy, the
    rightmost address of ``X-Forwarded-For`` that is not itself a trusted proxy (the leftmost
    ones are whatever the client wrote). Raises nothing."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    if peer not in trusted:
        return peer
    forwarded = [v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-for"]
    hops = [h.strip() for h in ",".join(forwarded).split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return peer
