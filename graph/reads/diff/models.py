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
    kind: str = Field(description="output, outcome, indicator, resolution, wsis, sdg-goal, "
                                  "sdg-target, regional-slot, question or question-slot")
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
    compared: str = Field("text", description="text: two documents in one language (outcomes, "
                          "indicators and initiatives by their words); codes: two languages "
                          "(outputs, links, regions, Questions by their codes only)")
    identical: bool
    added: list[Entry]
    removed: list[Entry]
    changed: list[Changed]
