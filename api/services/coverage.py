"""``GET /api/coverage``: mandate and SDG coverage, computed by the audit's own
:func:`itukg.graph.reads.coverage.coverage` (one implementation for the CLI, the pages and the API),
run in a worker thread with its queries going through the executor.

The service adds the counts the traceability API promises (``outputCount`` on every goal,
target, WSIS line and resolution; ``unservedTargetCodes`` per goal) to that function's
documented dict (docs/audit.md); nothing else is recomputed here.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread

from itukg.api.services import QueryRunner, ThreadStore
from itukg.api.services.common import resolve_document, slug_of
from itukg.settings import Settings


async def coverage(runner: QueryRunner, settings: Settings, document: str | None = None) -> dict[str, Any]:
    """Coverage of every document, or of one (slug or IRI).

    Raises ParameterError (422) for a malformed document, NotFound (404) for an unknown one,
    and what the queries raise (QueryTimeout, StoreError, ...)."""
    from itukg.graph.reads.coverage import coverage as audit_coverage

    doc = await resolve_document(runner, settings, document)
    slug = slug_of(str(doc), settings) if doc is not None else None
    store = ThreadStore(runner)
    data = await anyio.to_thread.run_sync(lambda: audit_coverage(store, settings, slug))
    return with_counts(data, document=str(doc) if doc is not None else None)


def with_counts(data: dict[str, Any], *, document: str | None) -> dict[str, Any]:
    """Add ``outputCount`` (and per goal ``unservedTargetCodes``) to a coverage dict.
    Raises nothing."""
    for goal in data.get("goals", []):
        goal["outputCount"] = len(goal.get("outputs", []))
        unserved = []
        for t in goal.get("targets", []):
            t["outputCount"] = len(t.get("outputs", []))
            if not t["outputCount"]:
                unserved.append(t.get("code"))
        goal["unservedTargetCodes"] = unserved
    for key in ("wsis", "resolutions"):
        for item in data.get(key, []):
            item["outputCount"] = len(item.get("outputs", []))
    data["document"] = document
    return data


__all__ = ["coverage", "with_counts"]
