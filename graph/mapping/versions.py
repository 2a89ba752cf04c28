"""Which document is the latest version, and which documents are translations of each other:
both known only once every document of a build is read.

Among the documents built with one base symbol and one language (the unrevised document and its
``Rev.N``), the highest revision number is the latest (the unrevised one counts as 0). Each of
them gets ``ikg:isLatestVersion true|false`` in its own graph. Corrigenda (``Corr.N``) correct a
version rather than replace it, so they get no statement (``docs/decisions/0111-latest-version.md``).

Documents built with the same canonical symbol (``ACP/22A14/2(Rev.1)``: base, kind and number)
in different languages are language versions of one another: each gets ``ikg:translationOf``
every other one, in its own graph, so both directions are stated and a query needs no reasoner
(``docs/decisions/0160-language-versions-are-translations.md``). Revisions are not translations:
``ACP/22A14/2(Rev.1)`` in English is a translation of the Chinese Rev.1, not of the Chinese base.
"""

from __future__ import annotations

from collections.abc import Iterable

from itukg.graph.documents.identity import parse_symbol
from itukg.graph.mapping.terms import P, boolean


def latest_nquads(documents: Iterable, base_iri: str) -> tuple[str, bytes, int]:
    """``(source, N-Quads, lines)`` stating ``isLatestVersion`` and ``translationOf`` of each
    document built.

    ``documents`` are build reports (``slug``, ``graph``, ``summary`` with ``symbol`` and
    ``language``); each report's ``triples`` is raised by its statements, so the report still
    counts what the store holds. Raises nothing: a report without a symbol is left out."""
    documents = list(documents)
    lines = _latest(documents, base_iri) + _translations(documents, base_iri)
    return "document versions", "".join(sorted(lines)).encode("utf-8"), len(lines)


def _identified(documents: list) -> Iterable[tuple[object, object, str]]:
    """``(report, identity, language)`` of each report that has both."""
    for d in documents:
        symbol, lang = d.summary.get("symbol"), d.summary.get("language")
        if symbol and lang:
            yield d, parse_symbol(symbol), lang


def _latest(documents: list, base_iri: str) -> list[str]:
    chains: dict[tuple[str, str], list[tuple[int, object]]] = {}
    for d, ident, lang in _identified(documents):
        if ident.kind != "Corr":
            chains.setdefault((ident.base, lang), []).append((ident.number or 0, d))
    lines = []
    for versions in chains.values():
        top = max(n for n, _ in versions)
        for n, d in versions:
            d.triples += 1
            lines.append(f"<{base_iri}id/doc/{d.slug}> {P['isLatestVersion']} "
                         f"{boolean(n == top)} <{d.graph}> .\n")
    return lines


def translation_groups(documents: Iterable) -> list[list]:
    """The reports of each canonical symbol built in more than one language, each group sorted
    by slug (one report per language: two documents with one slug never build). Raises
    nothing."""
    groups: dict[str, dict[str, object]] = {}
    for d, ident, lang in _identified(list(documents)):
        groups.setdefault(ident.symbol, {}).setdefault(lang, d)
    return [sorted(g.values(), key=lambda d: d.slug) for g in groups.values() if len(g) > 1]


def _translations(documents: list, base_iri: str) -> list[str]:
    lines = []
    for group in translation_groups(documents):
        for d in group:
            for other in group:
                if other is not d:
                    d.triples += 1
                    lines.append(f"<{base_iri}id/doc/{d.slug}> {P['translationOf']} "
                                 f"<{base_iri}id/doc/{other.slug}> <{d.graph}> .\n")
    return lines
