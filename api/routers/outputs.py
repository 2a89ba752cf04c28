"""``/api/outputs``: the outputs of the loaded documents, and one output with every link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from itukg.api.deps import ExecutorDep, SettingsDep
from itukg.graph.reads import trace
from itukg.graph.reads.models import OutputDetail, OutputSummary

router = APIRouter(tags=["traceability"])

DocumentParam = Annotated[
    str | None,
    Query(description="A document slug (acp-22a14-4-zh) or IRI; needed when a code exists in "
                      "several documents"),
]

ERRORS = {
    404: {"description": "unknown code or document (problem+json)"},
    409: {"description": "the code exists in several documents: add ?document= (problem+json "
                         "listing them)"},
    422: {"description": "malformed code or document (problem+json)"},
}


@router.get("/api/outputs", summary="List outputs", response_model=list[OutputSummary],
            responses=ERRORS)
async def list_outputs(executor: ExecutorDep, settings: SettingsDep,
                       document: DocumentParam = None) -> list[OutputSummary]:
    """Every output (code, IRI, title by language, document), in document and code order."""
    return await trace.list_outputs(executor, settings, document)


@router.get("/api/outputs/{code}", summary="One output and all its links",
            response_model=OutputDetail, responses=ERRORS)
async def get_output(code: str, executor: ExecutorDep, settings: SettingsDep,
                     document: DocumentParam = None) -> OutputDetail:
    """The output with its outcome and indicators, the resolutions that mandate it, its WSIS
    action lines, SDG targets and goals, its regional-initiative slots (one per region), its
    study-group Question slots and the resolution citations in its text; each link with its
    provenance (document, section, line, text)."""
    return await trace.output_detail(executor, settings, code, document)
