"""Two language versions of one document compared by codes, never by words.

The same document in English and Chinese says the same things in different words, so a
comparison of texts would report every outcome and initiative as changed. Between language
versions :func:`language_facts` keeps only what codes identify
(``docs/decisions/0162-language-versions-compared-by-codes.md``):

- ``output``: each output by its code (``3.1``), with the lines it was read from;
- ``resolution``, ``wsis``, ``sdg-target``, ``sdg-goal``: the formal links, keyed by the
  resolution (``wtdc/37``), the action line (``C6``), the target (``9.c``) or goal, as
  :func:`itukg.graph.reads.diff.facts` reads them;
- ``regional-slot``: one per region key (``africa``), its value the initiative codes it names
  (``AFR1``, ``AMS3``: the same in every language), compared by their number instead when one
  side has an initiative without a code one can read (:class:`Initiatives`);
- ``question``: each real study-group Question by its number (``1/1``); placeholder slots by
  ordinal (``question-slot``), compared only by presence;
- ``outcome`` and ``indicator``: by code and ordinal, compared only by presence.

:func:`compare` (the revision comparison) then gives the differences of these facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rdflib import URIRef

from itukg.graph.reads.diff import Fact, Facts, _add, facts
from itukg.graph.reads.sparql import read_query
from itukg.graph.store import select_rows

__all__ = ["INITIATIVE_CODE", "Initiatives", "initiative_codes", "language_facts", "output_lines"]

# A regional-initiative code at the start of an initiative: AFR1, AMS 3, ASP-2, EUR4 (the
# region prefixes are the same in every ITU language's documents, in Latin letters).
INITIATIVE_CODE = re.compile(r"^\W*([A-Z]{3})\s?-?\s?(\d{1,2})(?!\d)")


@dataclass(frozen=True)
class Initiatives:
    """What a regional slot is compared by between languages: its initiatives' codes when every
    one has a readable code, and their number. Two slots are equal when both have codes and the
    codes are the same, or, when one side's codes cannot be read (another script), when they
    name as many initiatives."""

    codes: tuple[str, ...] | None
    count: int

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Initiatives):
            return NotImplemented
        if self.codes is not None and other.codes is not None:
            return self.codes == other.codes
        return self.count == other.count

    def __hash__(self) -> int:
        return hash(self.count)


def initiative_codes(texts: tuple[str, ...] | None) -> Initiatives | None:
    """The value a regional slot is compared by (:class:`Initiatives`: ``AFR1``, ``AFR3``),
    ``None`` for an empty slot. Raises nothing."""
    if not texts:
        return None
    found = [INITIATIVE_CODE.match(t) for t in texts]
    codes = tuple(sorted({f"{m[1]}{int(m[2])}" for m in found if m})) if all(found) else None
    return Initiatives(codes, len(texts))


def output_lines(store: Any, iri: str) -> dict[str, list[int]]:
    """``{output code: [lines]}`` of one document (the outcomes-table row and the output's
    heading). Raises as the store does."""
    out: dict[str, list[int]] = {}
    for r in select_rows(store, read_query("diff/outputs"), bindings={"document": URIRef(iri)}):
        lines = out.setdefault(str(r["code"]), [])
        if r.get("lineNumber") is not None:
            lines.append(int(r["lineNumber"]))
    return out


def language_facts(store: Any, iri: str) -> Facts:
    """What two language versions of a document are compared by (see the module). Raises as
    the store does."""
    out: Facts = {}
    for code, lines in output_lines(store, iri).items():
        out[(code, "output", code)] = Fact(text=code, value=code, lines=sorted(set(lines)))
    for (code, kind, key), f in facts(store, iri).items():
        if kind == "regional-slot":
            f.value = initiative_codes(f.value if isinstance(f.value, tuple) else None)
            out[(code, kind, key)] = f
        elif kind == "question-slot" and f.value:
            number = str(f.value).replace("-", "/")  # the Question's IRI key 1-1 is Question 1/1
            q = out.setdefault((code, "question", number), Fact(value=number))
            _add(q, f.text or f.value, f.lines[0] if f.lines else None)
        elif kind in ("outcome", "indicator", "question-slot"):
            f.value = None  # words differ between languages: presence only
            out[(code, kind, key)] = f
        else:
            out[(code, kind, key)] = f
    return out
