"""Which document is the latest version: known only once every document of a build is read.

Among the documents built with one base symbol and one language (the unrevised document and its
``Rev.N``), the highest revision number is the latest (the unrevised one counts as 0). Each of
them gets ``ikg:isLatestVersion true|false`` in its own graph. Corrigenda (``Corr.N``) correct a
version rather than replace it, so they get no statement (``docs/decisions/0111-latest-version.md``).
"""

from __future__ import annotations

from collections.abc import Iterable

from itukg.graph.documents.identity import parse_symbol
from itukg.graph.mapping.terms import P, boolean


def latest_nquads(documents: Iterable, base_iri: str) -> tuple[str, bytes, int]:
    """``(source, N-Quads, lines)`` stating ``isLatestVersion`` of each document built.

    ``documents`` are build reports (``slug``, ``graph``, ``summary`` with ``symbol`` and
    ``language``); each report's ``triples`` is raised by its statement, so the report still
    counts what the store holds. Raises nothing: a report without a symbol is left out."""
    chains: dict[tuple[str, str], list[tuple[int, object]]] = {}
    for d in documents:
        symbol, lang = d.summary.get("symbol"), d.summary.get("language")
        if not symbol or not lang:
            continue
        ident = parse_symbol(symbol)
        if ident.kind == "Corr":
            continue
        chains.setdefault((ident.base, lang), []).append((ident.number or 0, d))
    lines = []
    for versions in chains.values():
        top = max(n for n, _ in versions)
        for n, d in versions:
            d.triples += 1
            lines.append(f"<{base_iri}id/doc/{d.slug}> {P['isLatestVersion']} "
                         f"{boolean(n == top)} <{d.graph}> .\n")
    return "document versions", "".join(sorted(lines)).encode("utf-8"), len(lines)
