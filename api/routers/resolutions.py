"""``/api/resolutions/{body}/{number}``: a resolution traced forward to the outputs citing it."""

from __future__ import annotations

from fastapi import APIRouter

from itukg.api.deps import ExecutorDep, SettingsDep
from itukg.api.routers.outputs import ERRORS, DocumentParam
from itukg.graph.reads import trace
from itukg.graph.reads.models import ResolutionTrace

router = APIRouter(tags=["traceability"])


@router.get("/api/resolutions/{body}/{number}", summary="Trace a resolution forward",
            response_model=ResolutionTrace, responses=ERRORS)
async def get_resolution(body: str, number: str, executor: ExecutorDep, settings: SettingsDep,
                         document: DocumentParam = None) -> ResolutionTrace:
    """The outputs that cite the resolution (`body`: PP, WTDC or UNGA; `number`: an integer),
    each with the places: `mandate` (the output's formal references) or `citation` (its text,
    with the quote and the rule that read it), with provenance; and the SDG targets those
    outputs serve."""
    return await trace.resolution_trace(executor, settings, body, number, document)
