"""``/api/sdg/{code}``: an SDG goal or target traced back to outputs and resolutions."""

from __future__ import annotations

from fastapi import APIRouter

from itukg.api.deps import ExecutorDep, SettingsDep
from itukg.api.routers.outputs import ERRORS, DocumentParam
from itukg.graph.reads import trace
from itukg.graph.reads.models import SdgTrace

router = APIRouter(tags=["traceability"])


@router.get("/api/sdg/{code}", summary="Trace an SDG goal or target back", response_model=SdgTrace,
            responses=ERRORS)
async def get_sdg(code: str, executor: ExecutorDep, settings: SettingsDep,
                  document: DocumentParam = None) -> SdgTrace:
    """For a goal (`9`) or a target (`9.c`): the outputs that serve it (for a goal: directly or
    through one of its targets), how (`via`, with provenance), and the resolutions behind each
    output."""
    return await trace.sdg_trace(executor, settings, code, document)
