"""A store WITHOUT the screener, for the tests of the second wall only (decision 0128).

The query workers import it by name (``opener="unscreened_store:open_unscreened"``, with this
folder on PYTHONPATH), so a ``SERVICE`` or ``LOAD`` reaches the engine exactly as if the screener
had missed it. It is the real engine (pyoxigraph, in memory), not a mock: whether the engine
connects out is what the tests observe with a listener. Never used outside tests.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pyoxigraph as ox


class UnscreenedStore:
    """The few methods a query worker calls, straight onto an in-memory pyoxigraph store."""

    def __init__(self) -> None:
        self.ox = ox.Store()

    def info(self) -> Any:
        return SimpleNamespace(read_only=False, size=0, engine="unscreened")

    def query_serialized(self, sparql: str, result_format: str = "json", **_: Any) -> tuple[str, bytes]:
        """Runs the query unscreened and consumes the whole result; errors (a failed SERVICE
        call, a parse error) propagate as the engine raised them."""
        res = self.ox.query(sparql)
        if isinstance(res, bool):
            return "ask", b"true" if res else b"false"
        n = sum(1 for _ in res)
        return "select", str(n).encode()

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        self.ox.update(sparql)

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


def open_unscreened(settings: Any, read_only: bool = True) -> UnscreenedStore:
    return UnscreenedStore()


def service_probe(args: Any, settings: Any) -> int:
    """A command body for ``sandbox.run_isolated``: the bare engine runs ``args.sparql`` (no
    screener) and prints whether the engine could reach it. Exit 0 either way."""
    try:
        list(ox.Store().query(args.sparql))
        print("reached")
    except OSError as exc:
        print(f"refused: {exc}")
    return 0
