"""``/api/diff``: what changed between two documents (the reader of ``itukg diff``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from itukg.api.deps import ExecutorDep, SettingsDep
from itukg.graph.reads.diff import diff_report
from itukg.graph.reads.diff.models import DiffReport
from itukg.graph.reads.diff.render import diff_csv

router = APIRouter(tags=["traceability"])

ERRORS = {
    404: {"description": "no such document loaded (problem+json listing the loaded ones)"},
    422: {"description": "missing document, or a symbol loaded in several languages "
                         "(problem+json)"},
}
DocParam = Query(description="A document slug (acp-22a14-2-zh) or its symbol as written "
                             "(ACP/22A14/2, ACP/22A14/2(Rev.1))")


@router.get("/api/diff", summary="What changed between two documents", responses=ERRORS,
            response_model=DiffReport, response_model_by_alias=True,
            response_model_exclude_unset=True)
async def get_diff(executor: ExecutorDep, settings: SettingsDep,
                   from_: Annotated[str, Query(alias="from", description=DocParam.description)] = "",
                   to: Annotated[str, DocParam] = "",
                   format: Literal["json", "csv"] = "json") -> Any:
    """Per output of the two documents: links added and removed (resolutions, WSIS action lines,
    SDG targets and goals), regional and Question slots filled (`added`, `change: filled`) or
    emptied (`removed`), outcomes and indicators whose text `changed`; each with its source
    lines. `identical` is true when nothing differs. The same as `itukg diff --format json`."""
    data = await diff_report(executor, settings, from_, to)
    if format == "csv":
        name = f"itukg-diff-{data['from']['slug']}-{data['to']['slug']}.csv"
        return Response(diff_csv(data).encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return data
