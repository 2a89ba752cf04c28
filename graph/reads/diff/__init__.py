"""``itukg diff``, ``GET /api/diff`` and the ``/diff`` page: what changed between two documents.

Two documents (usually a document and its revision) are compared output by output: the formal
links added and removed (resolutions, WSIS action lines, SDG targets and goals), the regional and
Question slots filled or emptied, the outcomes and indicators whose text changed. Every entry
carries the source lines on its side (``from`` for removed, ``to`` for added, both for changed).
Two documents in different languages (language versions of one document, or any two) are
compared by codes only (:mod:`.languages`): ``compared`` says ``codes`` instead of ``text``.

:func:`diff` reads a :class:`~itukg.graph.store.Store` (the CLI, the page); :func:`diff_report`
is the same through a :class:`QueryRunner` (the API). The JSON shape is documented in
``docs/api-traceability.md``; :mod:`.render` gives text and CSV.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from rdflib import URIRef

from itukg.graph.documents.identity import parse_symbol
from itukg.graph.reads.codes import code_key
from itukg.graph.reads.common import Q_DOCUMENTS, UnknownDocument, _ListsDocuments
from itukg.graph.reads.models import DocumentRef
from itukg.graph.reads.params import ParameterError
from itukg.graph.reads.runner import QueryRunner, ThreadStore
from itukg.graph.reads.sparql import read_query
from itukg.graph.store import select_rows
from itukg.graph.vocab import IKG
from itukg.settings import Settings

__all__ = ["AmbiguousDocument", "diff", "diff_report", "resolve"]

LINK_KINDS = {
    str(IKG.mandatedBy): "resolution",
    str(IKG.supportsActionLine): "wsis",
    str(IKG.servesTarget): "sdg-target",
    str(IKG.servesGoal): "sdg-goal",
}
# the order entries are listed in, within an output
KIND_ORDER = ("output", "outcome", "indicator", "resolution", "wsis", "sdg-goal", "sdg-target",
              "regional-slot", "question", "question-slot")
SLOTS = ("regional-slot", "question-slot")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class AmbiguousDocument(_ListsDocuments):
    """A symbol that names several loaded documents (languages): 422, with the candidates."""

    title = "Ambiguous document"
    status = 422


@dataclass
class Fact:
    """One comparable thing of a document: its text as written, its value, its lines."""

    text: str = ""
    value: Any = None  # what is compared: the text, the initiatives, the Question
    lines: list[int] = field(default_factory=list)

    def side(self) -> dict[str, Any]:
        return {"text": self.text, "lines": sorted(set(self.lines))}


Facts = dict[tuple[str, str, str], Fact]  # (output code, kind, key) → fact


def documents(store: Any) -> list[DocumentRef]:
    """The loaded documents (slug, IRI, symbol, language), by slug. Raises as the store does."""
    seen: dict[str, DocumentRef] = {}
    for r in select_rows(store, Q_DOCUMENTS):
        iri = str(r["document"])
        seen.setdefault(iri, DocumentRef(
            iri=iri, slug=iri.rsplit("/", 1)[-1],
            identifier=str(r["identifier"]) if r.get("identifier") else None,
            language=str(r["language"]) if r.get("language") else None))
    return sorted(seen.values(), key=lambda d: d.slug)


def resolve(value: str | None, docs: list[DocumentRef], param: str) -> DocumentRef:
    """The loaded document ``value`` names: a slug (``acp-22a14-2-rev1-zh``) or a symbol as
    written (``ACP/22A14/2(Rev.1)``, ``ACP/22A14/2 (Rev.1)``).

    Raises :class:`ParameterError` (422) for an empty value, :class:`AmbiguousDocument` (422)
    for a symbol loaded in several languages, :class:`UnknownDocument` (404) when none has it;
    the last two name the loaded documents."""
    v = (value or "").strip()
    if not v:
        raise ParameterError(f"{param}: a document slug or symbol is required", param=param)
    if _SLUG.match(v):
        hit = [d for d in docs if d.slug == v]
    else:
        want = parse_symbol(v).symbol.casefold()
        hit = [d for d in docs if d.identifier
               and parse_symbol(d.identifier).symbol.casefold() == want]
    if len(hit) == 1:
        return hit[0]
    if hit:
        raise AmbiguousDocument(f"{param}: {v!r} is loaded in {len(hit)} languages; give a slug: "
                                + ", ".join(d.slug for d in hit), hit)
    raise UnknownDocument(f"{param}: no document {v!r} is loaded; loaded: "
                          + (", ".join(d.slug for d in docs[:20]) or "none")
                          + (" ..." if len(docs) > 20 else ""), docs[:50])


def facts(store: Any, iri: str) -> Facts:
    """What :func:`diff` compares of one document. Raises as the store does."""
    b = {"document": URIRef(iri)}
    out: Facts = {}
    for r in select_rows(store, read_query("diff/links"), bindings=b):
        obj = str(r["object"])
        key = obj.rsplit("/", 1)[-1] if "/sdg/" in obj or "/wsis/" in obj \
            else obj.split("/id/resolution/", 1)[-1]
        f = out.setdefault((str(r["code"]), LINK_KINDS[str(r["predicate"])], key), Fact(value=key))
        _add(f, r.get("asWritten"), r.get("lineNumber"))
    _slots(store, b, out)
    _outcomes(store, b, out)
    return out


def _add(f: Fact, text: Any, line: Any) -> None:
    if text is not None and str(text) not in f.text.split(" | "):
        f.text = f"{f.text} | {text}" if f.text else str(text)
    if line is not None:
        f.lines.append(int(line))


def _slots(store: Any, b: dict, out: Facts) -> None:
    """Regional slots (value: their initiatives) and Question slots (value: the Question)."""
    inis: dict[tuple, dict[int, str]] = {}
    for r in select_rows(store, read_query("diff/regional"), bindings=b):
        k = (str(r["code"]), "regional-slot", str(r["region"]).rsplit("/", 1)[-1])
        f = out.setdefault(k, Fact(text=k[2]))
        per = inis.setdefault(k, {})
        if r.get("ordinal") is not None:
            per[int(r["ordinal"])] = str(r["text"])
            _add(f, None, r.get("initiativeLine"))
        elif r.get("slotLine") is not None and not per:
            f.lines = [int(r["slotLine"])]
    for k, per in inis.items():
        f = out[k]
        f.value = tuple(per[n] for n in sorted(per))
        f.text = " / ".join(f.value) if f.value else ""
    for r in select_rows(store, read_query("diff/questions"), bindings=b):
        k = (str(r["code"]), "question-slot", str(int(r["ordinal"])))
        q = r.get("question")
        f = out.setdefault(k, Fact(text=str(r.get("text") or "")))
        f.value = str(q).rsplit("/", 1)[-1] if q is not None else None
        _add(f, None, r.get("lineNumber"))


def _outcomes(store: Any, b: dict, out: Facts) -> None:
    for r in select_rows(store, read_query("diff/outcomes"), bindings=b):
        code = str(r["code"])
        f = out.setdefault((code, "outcome", code), Fact(text=str(r["text"])))
        f.value = f.text
        _add(f, None, r.get("lineNumber"))
        if r.get("ordinal") is not None:
            k = (code, "indicator", str(int(r["ordinal"])))
            g = out.setdefault(k, Fact(text=str(r["indicatorText"])))
            g.value = g.text
            _add(g, None, r.get("indicatorLine"))


def compare(old: Facts, new: Facts) -> dict[str, list[dict[str, Any]]]:
    """``added``, ``removed`` and ``changed`` entries between two documents' facts.

    A slot counts as added when it is filled only in ``new`` (``change: filled``), as removed
    when emptied, as changed when filled on both sides differently. Raises nothing."""
    res: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "changed": []}
    for k in sorted(set(old) | set(new), key=_order):
        a, b = old.get(k), new.get(k)
        entry = {"output": k[0], "kind": k[1], "key": k[2]}
        if k[1] in SLOTS:
            fa, fb = bool(a and a.value), bool(b and b.value)
            if fa and fb and a.value != b.value:
                res["changed"].append({**entry, "from": a.side(), "to": b.side()})
            elif fb and not fa:
                res["added"].append({**entry, "change": "filled", **b.side(),
                                     "was": a.side() if a else None})
            elif fa and not fb:
                res["removed"].append({**entry, "change": "emptied", **a.side(),
                                       "now": b.side() if b else None})
        elif a is None:
            res["added"].append({**entry, **b.side()})
        elif b is None:
            res["removed"].append({**entry, **a.side()})
        elif a.value != b.value:
            res["changed"].append({**entry, "from": a.side(), "to": b.side()})
    return res


def _order(k: tuple[str, str, str]) -> tuple:
    return (code_key(k[0]), KIND_ORDER.index(k[1]), code_key(k[2]), k[2])


def diff(store: Any, settings: Settings, old: str | None, new: str | None) -> dict[str, Any]:
    """What changed from document ``old`` to document ``new`` (slugs or symbols).

    Returns ``{"from", "to", "compared", "identical", "added", "removed", "changed"}``;
    ``from``/``to`` are ``{slug, iri, identifier, language}``; ``compared`` is ``text`` for two
    documents in one language, ``codes`` for two languages (:mod:`.languages`). Raises what :func:`resolve` raises, and what the
    store raises."""
    docs = documents(store)
    a, b = resolve(old, docs, "from"), resolve(new, docs, "to")
    if a.language != b.language:  # different words for the same things: compare codes only
        from itukg.graph.reads.diff.languages import language_facts

        by, read = "codes", language_facts
    else:
        by, read = "text", facts
    res = compare(read(store, a.iri), read(store, b.iri))
    return {"from": a.model_dump(), "to": b.model_dump(), "compared": by,
            "identical": not any(res.values()), **res}


async def diff_report(runner: QueryRunner, settings: Settings, old: str | None,
                      new: str | None) -> dict[str, Any]:
    """:func:`diff` through a query runner (the service). Raises as :func:`diff` does."""
    store = ThreadStore(runner)
    return await anyio.to_thread.run_sync(lambda: diff(store, settings, old, new))
