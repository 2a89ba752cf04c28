"""``/api/coverage``: mandate and SDG coverage (the audit's coverage function, with counts)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from itukg.api.deps import ExecutorDep, SettingsDep
from itukg.api.routers.outputs import ERRORS, DocumentParam
from itukg.graph.reads.coverage import coverage_report
from itukg.graph.reads.models import CoverageReport

router = APIRouter(tags=["traceability"])


@router.get("/api/coverage", summary="Mandate and SDG coverage", response_model=CoverageReport,
            responses=ERRORS)
async def get_coverage(executor: ExecutorDep, settings: SettingsDep,
                       document: DocumentParam = None) -> dict[str, Any]:
    """Per SDG goal and target: the outputs that serve it and their number (`outputCount`); the
    targets no output serves (`targets_unserved`, and `unservedTargetCodes` per goal); per WSIS
    action line and per resolution: the outputs; per output: its links by kind; totals."""
    return await coverage_report(executor, settings, document)
