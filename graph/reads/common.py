"""Helpers shared by the services: documents, language-tagged text, provenance, errors."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from itukg.graph.reads.named import ParameterError, document_iri
from itukg.graph.reads.runner import QueryRunner
from itukg.graph.reads.models import DocumentRef, LangText, Provenance
from itukg.errors import ItukgError, NotFound
from itukg.graph.ontology import SDG_NS
from itukg.settings import Settings
from itukg.graph.reads.sparql import read_query



class _ListsDocuments(ItukgError):
    """An error whose problem+json lists documents (``documents``: slugs and IRIs)."""

    def __init__(self, message: str, documents: list[DocumentRef]):
        super().__init__(message)
        self.documents = documents

    @property
    def problem_extras(self) -> dict:
        return {"documents": [d.model_dump() for d in self.documents]}


class AmbiguousCode(_ListsDocuments):
    """A code that names things in several documents, asked for without ``?document=``.

    The problem+json lists the documents (``documents``: slugs and IRIs). HTTP 409."""

    title = "Ambiguous code"
    status = 409


class UnknownDocument(_ListsDocuments, NotFound):
    """``?document=`` names no loaded document (404, with the loaded ones listed)."""

    title = "Unknown document"


# -------------------------------------------------------------------------------------------
# terms
# -------------------------------------------------------------------------------------------


def s(term: Identifier | None) -> str | None:
    """The lexical form / IRI of a term, or ``None``."""
    return None if term is None else str(term)


def as_int(term: Identifier | None) -> int | None:
    if term is None:
        return None
    try:
        return int(str(term))
    except ValueError:
        return None


def as_bool(term: Identifier | None) -> bool | None:
    if term is None:
        return None
    if isinstance(term, Literal):
        v = term.toPython()
        if isinstance(v, bool):
            return v
    return str(term).strip().lower() in ("true", "1")


def local_name(iri: Identifier | str | None) -> str | None:
    if iri is None:
        return None
    v = str(iri)
    for sep in ("#", "/"):
        if sep in v:
            v = v.rsplit(sep, 1)[1]
            break
    return v


def sdg_code(iri: Identifier | str | None) -> str | None:
    """``http://metadata.un.org/sdg/9.c`` → ``9.c``."""
    if iri is None:
        return None
    v = str(iri)
    return v[len(SDG_NS):] if v.startswith(SDG_NS) else None


def lang_text(values: Iterable[Identifier | None]) -> LangText:
    """Gather literals into ``{"zh": ..., "en": ...}`` (first text per language wins; a literal
    without language goes under ``und``). Raises nothing."""
    out: dict[str, str] = {}
    for v in values:
        if v is None or not isinstance(v, Literal):
            continue
        lang = (v.language or "und").lower()
        lang = lang.split("-")[0] if lang.startswith("zh") else lang
        out.setdefault(lang, str(v))
    return LangText(out)


def provenance(row: Mapping[str, Identifier], document: Identifier | str | None = None,
               *, line: str = "lineNumber", text: str = "text") -> Provenance | None:
    """A :class:`Provenance` from a row with ``lineNumber``/``text`` (and ``section``,
    ``asWritten``, ``document``) columns; ``None`` when the row has no line."""
    n = as_int(row.get(line))
    t = row.get(text)
    doc = row.get("document") or document
    if n is None or t is None or doc is None:
        return None
    return Provenance(
        document=str(doc),
        section=s(row.get("section")),
        line=n,
        text=str(t),
        asWritten=s(row.get("asWritten")),
    )


def first_provenance(items: Iterable[Provenance | None]) -> Provenance | None:
    """The earliest line among several (a link stated on several lines)."""
    found = [p for p in items if p is not None]
    return min(found, key=lambda p: p.line) if found else None


def group(rows: Iterable[Mapping[str, Identifier]], key: str) -> dict[Identifier, list]:
    out: dict[Identifier, list] = defaultdict(list)
    for r in rows:
        k = r.get(key)
        if k is not None:
            out[k].append(r)
    return out


# -------------------------------------------------------------------------------------------
# documents
# -------------------------------------------------------------------------------------------

Q_DOCUMENTS = read_query("documents/documents")

Q_DOCUMENT_EXISTS = read_query("documents/document-exists")


def slug_of(document: str, settings: Settings) -> str:
    prefix = settings.base_iri + "id/doc/"
    return document[len(prefix):] if document.startswith(prefix) else document


async def list_documents(runner: QueryRunner, settings: Settings) -> list[DocumentRef]:
    """Every loaded planning document. Raises as the runner does."""
    res = await runner.select(Q_DOCUMENTS)
    seen: dict[str, DocumentRef] = {}
    for r in res.dicts():
        iri = str(r["document"])
        if iri not in seen:
            seen[iri] = DocumentRef(
                iri=iri, slug=slug_of(iri, settings),
                identifier=s(r.get("identifier")), language=s(r.get("language")),
            )
    return list(seen.values())


async def resolve_document(runner: QueryRunner, settings: Settings, value: str | None) -> URIRef | None:
    """``?document=`` (slug or IRI) → the document's IRI; ``None`` when not given.

    Raises :class:`ParameterError` (422) for a value that is neither a slug nor an IRI and
    :class:`UnknownDocument` (404) for a document that is not loaded."""
    if value is None or value == "":
        return None
    try:
        iri = document_iri(value, settings.base_iri)
    except ParameterError as exc:
        exc.param = "document"
        raise
    found = await runner.select(Q_DOCUMENT_EXISTS, {"document": iri})
    if not found.rows:
        docs = await list_documents(runner, settings)
        raise UnknownDocument(
            f"no document {value!r} is loaded; loaded: "
            + (", ".join(d.slug for d in docs[:20]) or "none") + (" ..." if len(docs) > 20 else ""),
            docs[:50],
        )
    return iri


def ambiguous(what: str, documents: Iterable[str], all_docs: list[DocumentRef]) -> AmbiguousCode:
    wanted = set(documents)
    refs = [d for d in all_docs if d.iri in wanted]
    return AmbiguousCode(
        f"{what} exists in {len(refs)} documents; add ?document= with one of: "
        + ", ".join(d.slug for d in refs),
        refs,
    )


def doc_bindings(document: URIRef | None) -> dict[str, Identifier]:
    return {"document": document} if document is not None else {}


def resolution_parts(iri: Identifier | str | None, settings: Settings) -> tuple[str | None, int | None, str | None]:
    """``{base}id/resolution/wtdc/17`` → ``("WTDC", 17, "17")``; UNGA ``.../unga/70-125`` →
    ``("UNGA", None, "70/125")``. Body and number are read from the IRI the data model mints,
    never from the resolution's ``ikg:body``/``ikg:resolutionNumber`` triples (every document
    graph that cites a resolution repeats those, so reading them multiplies rows).
    ``(None, None, None)`` for another IRI."""
    if iri is None:
        return None, None, None
    prefix = settings.base_iri + "id/resolution/"
    v = str(iri)
    if not v.startswith(prefix):
        return None, None, None
    parts = v[len(prefix):].split("/")
    if len(parts) < 2:
        return None, None, None
    body, number = parts[0].upper(), parts[1]
    return body, (int(number) if number.isdigit() else None), number.replace("-", "/")
