"""The JSON shape of a diff (``GET /api/diff``, ``itukg diff --format json``), for the OpenAPI
description; :func:`itukg.graph.reads.diff.diff` returns plain dicts of this shape."""

from __future__ import annotations

from pydantic import BaseModel, Field

from itukg.graph.reads.models import DocumentRef


class Side(BaseModel):
    text: str = Field(description="As written (a slot: its initiatives joined by ' / ')")
    lines: list[int] = Field(description="Source lines in that side's document")


class Entry(BaseModel):
    output: str = Field(examples=["2.1"])
    kind: str = Field(description="outcome, indicator, resolution, wsis, sdg-goal, sdg-target, "
                                  "regional-slot or question-slot")
    key: str = Field(description="resolution (wtdc/45), action line, SDG code, region key, ordinal")
    text: str
    lines: list[int] = Field(description="Lines in `to` (added) or `from` (removed)")
    change: str | None = Field(None, description="filled | emptied, for a slot")
    was: Side | None = Field(None, description="A filled slot as it was (empty) in `from`")
    now: Side | None = Field(None, description="An emptied slot as it is in `to`")


class Changed(BaseModel):
    output: str
    kind: str
    key: str
    from_: Side = Field(alias="from")
    to: Side


class DiffReport(BaseModel):
    from_: DocumentRef = Field(alias="from")
    to: DocumentRef
    identical: bool
    added: list[Entry]
    removed: list[Entry]
    changed: list[Changed]
