"""``/api/documents/{slug}/amendments``: what a proposal changes in a document, and the links
each change adds or removes (issue 10)."""

from __future__ import annotations

from fastapi import APIRouter

from itukg.api.deps import ExecutorDep, SettingsDep
from itukg.graph.reads.amendments import DocumentAmendments, document_amendments

router = APIRouter(tags=["traceability"])

ERRORS = {
    404: {"description": "unknown document (problem+json)"},
    422: {"description": "malformed document slug (problem+json)"},
}


@router.get("/api/documents/{slug}/amendments", summary="A document's amendments",
            response_model=DocumentAmendments, responses=ERRORS)
async def get_amendments(slug: str, executor: ExecutorDep,
                         settings: SettingsDep) -> DocumentAmendments:
    """Every amendment of the document (Word tracked changes; ADD/SUP/MOD paragraphs and
    [bracketed] insertions of a text export), in line order: kind, mark, author, date, text,
    line, Word locator, character span, and the links it `adds` (in force: the graph is the
    document as proposed) and `removes` (made only by the text before the proposal; not in
    force). The named query `amendments` asks the same in SPARQL."""
    return await document_amendments(executor, settings, slug)
