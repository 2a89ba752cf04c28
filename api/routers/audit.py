"""``/api/audit``: the last audit's findings, from the audit graph."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from itukg.api.deps import ExecutorDep, SettingsDep
from itukg.api.routers.outputs import DocumentParam
from itukg.graph.reads import findings as audit_service
from itukg.graph.reads.models import AuditReportModel

router = APIRouter(tags=["traceability"])


@router.get(
    "/api/audit", summary="Findings of the last audit", response_model=AuditReportModel,
    responses={
        404: {"description": "no audit stored (run `itukg audit`), or unknown document"},
        422: {"description": "malformed severity or document"},
    },
)
async def get_audit(
    executor: ExecutorDep, settings: SettingsDep, document: DocumentParam = None,
    severity: Annotated[str | None, Query(description="Violation, Warning or Info")] = None,
    kind: Annotated[str | None, Query(description="A kind of check, e.g. regional-slot-empty")] = None,
) -> dict[str, Any]:
    """`{"conforms", "counts", "documents", "findings"}` as `itukg audit --format json` prints
    it, read from the audit graph the last `itukg audit` run stored (the audit is not re-run).
    Each finding: `id` (stable IRI), `severity`, `kind`, `check` (name en/zh), `focus`,
    `message` {en, zh}, `value`, `provenance` {document, section, line, text}."""
    return await audit_service.audit_report(executor, settings, document=document,
                                            severity=severity, kind=kind)
