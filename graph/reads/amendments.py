"""A document's amendments (issue 10, decision 0106): what a proposal inserts and deletes, and
the links each adds (in force: the document as proposed) or removes (``ikg:RemovedLink``: made
only by the text before the proposal). The body of ``GET /api/documents/{slug}/amendments`` and
of the source page's ``<ins>``/``<del>`` marks; the SPARQL is the named query
``queries/amendments.rq``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from rdflib.term import Identifier

from itukg.graph.reads.common import as_int, resolve_document, s, slug_of
from itukg.graph.reads.runner import QueryRunner
from itukg.graph.reads.trace.common import named
from itukg.settings import Settings


class AmendedLink(BaseModel):
    """A link an amendment adds or removes."""

    subject: str = Field(description="IRI of the output")
    predicate: str = Field(description="ikg:mandatedBy, ikg:supportsActionLine, ikg:servesTarget "
                                       "or ikg:servesGoal (full IRI)")
    object: str = Field(description="IRI of the resolution, WSIS action line, SDG target or goal")
    asWritten: str | None = None


class AmendmentItem(BaseModel):
    """One amendment of the document."""

    iri: str
    kind: str = Field(description="insert | delete | modify")
    mark: str | None = Field(None, description="word | ADD | SUP | MOD | brackets")
    author: str | None = None
    date: str | None = Field(None, description="as Word wrote it (ISO 8601)")
    text: str | None = Field(None, description="the inserted or deleted text")
    line: int = Field(description="the line of the proposed text it is on")
    locator: str | None = Field(None, description="its place in the Word file (p12, t3/r2/c1/p0)")
    start: int = Field(description="0-based character offset in the line as written")
    end: int = Field(description="end offset (== start for a deletion not in the line)")
    lineBefore: int | None = Field(None, description="its line in the text before the proposal")
    adds: list[AmendedLink] = Field(default_factory=list,
                                    description="links the inserted text makes (in force)")
    removes: list[AmendedLink] = Field(default_factory=list,
                                       description="links only the deleted text made (not in force)")


class DocumentAmendments(BaseModel):
    document: str = Field(description="IRI of the document")
    slug: str
    amendments: list[AmendmentItem]


def _link(r: dict[str, Identifier]) -> AmendedLink:
    return AmendedLink(subject=str(r["subject"]), predicate=str(r["predicate"]),
                       object=str(r["object"]), asWritten=s(r.get("asWritten")))


def amendment_items(rows: list[dict[str, Identifier]]) -> list[AmendmentItem]:
    """Rows of ``queries/amendments.rq`` → one item per amendment, in line order. Raises
    nothing."""
    items: dict[str, AmendmentItem] = {}
    for r in rows:
        iri = str(r["amendment"])
        a = items.get(iri)
        if a is None:
            a = items[iri] = AmendmentItem(
                iri=iri, kind=str(r["kind"]), mark=s(r.get("mark")), author=s(r.get("author")),
                date=s(r.get("date")), text=s(r.get("text")), line=as_int(r["lineNumber"]) or 0,
                locator=s(r.get("locator")), start=as_int(r["charStart"]) or 0,
                end=as_int(r["charEnd"]) or 0, lineBefore=as_int(r.get("lineBefore")))
        change = s(r.get("change"))
        if change == "adds":
            a.adds.append(_link(r))
        elif change == "removes":
            a.removes.append(_link(r))
    return list(items.values())


async def document_amendments(runner: QueryRunner, settings: Settings,
                              document: str) -> DocumentAmendments:
    """The amendments of one document (slug or IRI); an empty list for a document without any.

    Raises :class:`ParameterError` (422) for a malformed document, :class:`UnknownDocument`
    (404) for one that is not loaded, and as the runner does."""
    doc = await resolve_document(runner, settings, document)
    assert doc is not None  # a path parameter is never empty
    q = named(settings, "amendments")
    res = await runner.select(q.body_for({"document": doc}), {"document": doc})
    return DocumentAmendments(document=str(doc), slug=slug_of(str(doc), settings),
                              amendments=amendment_items(res.dicts()))
