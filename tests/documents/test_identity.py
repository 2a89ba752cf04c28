"""A document's identity: symbol + revision (Rev.N, Corr.N) + language (docs/parser.md
"Identity"). The header variants ITU writes, the slugs, and the document's own triples."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from itukg.graph.documents import parse_text
from itukg.graph.documents.identity import parse_symbol, slug_for
from itukg.graph.mapping.mapper import document_triples
from itukg.graph.vocab import IKG

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"
BASE = (DOCS / "revision-base.zh.txt").read_text(encoding="utf-8")
B = "https://w3id.org/itukg/"


@pytest.mark.parametrize("written, symbol, slug", [
    ("ACP/22A14/2", "ACP/22A14/2", "acp-22a14-2-zh"),
    ("ACP/22A14/2(Rev.1)", "ACP/22A14/2(Rev.1)", "acp-22a14-2-rev1-zh"),
    ("ACP/22A14/2 (Rev.1)", "ACP/22A14/2(Rev.1)", "acp-22a14-2-rev1-zh"),
    ("ACP/22A14/2 (Rev. 2)", "ACP/22A14/2(Rev.2)", "acp-22a14-2-rev2-zh"),
    ("ACP/22A14/2 Revision 3", "ACP/22A14/2(Rev.3)", "acp-22a14-2-rev3-zh"),
    ("ACP/22A14/2（Rev.1）", "ACP/22A14/2(Rev.1)", "acp-22a14-2-rev1-zh"),
    ("ACP/22A14/2(Corr.1)", "ACP/22A14/2(Corr.1)", "acp-22a14-2-corr1-zh"),
    ("ACP/22A14/2 Corrigendum 1", "ACP/22A14/2(Corr.1)", "acp-22a14-2-corr1-zh"),
    # an addendum is a document of its own in ITU numbering: part of the symbol, slug unchanged
    ("WTDC-21/22(Add.10)", "WTDC-21/22(Add.10)", "wtdc-21-22-add-10-zh"),
    ("WTDC-21/22 Addendum 10", "WTDC-21/22(Add.10)", "wtdc-21-22-add-10-zh"),
    ("WTDC-21/22(Add.10)(Rev.1)", "WTDC-21/22(Add.10)(Rev.1)", "wtdc-21-22-add-10-rev1-zh"),
])
def test_symbols_as_itu_writes_them(written, symbol, slug):
    assert parse_symbol(written).symbol == symbol
    assert slug_for(written, "zh") == slug


def _graph(doc) -> Graph:
    g = Graph()
    for t in document_triples(doc, B):
        g.add(t)
    return g


def _header(line: str):
    return parse_text(BASE.replace("MOD\tACP/22A14/2", line, 1), "x.zh.txt")


@pytest.mark.parametrize("line", ["MOD\tACP/22A14/2(Rev.1)", "MOD\tACP/22A14/2 (Rev.1)",
                                  "MOD ACP/22A14/2 Revision 1"])
def test_a_revised_header_gives_the_revision(line):
    doc = _header(line)
    assert (doc.symbol, doc.slug) == ("ACP/22A14/2(Rev.1)", "acp-22a14-2-rev1-zh")
    assert (doc.base_symbol, doc.revision_kind, doc.revision_number) == ("ACP/22A14/2", "Rev", 1)
    assert doc.marker == "MOD" and not doc.warnings


def test_the_unrevised_document_keeps_its_slug_and_has_no_revision():
    doc = _header("MOD\tACP/22A14/2")
    assert (doc.slug, doc.revision_kind, doc.revision_number) == ("acp-22a14-2-zh", None, None)
    g = _graph(doc)
    d = URIRef(f"{B}id/doc/acp-22a14-2-zh")
    assert (d, IKG.work, URIRef(f"{B}id/work/acp-22a14-2")) in g
    assert not list(g.triples((d, IKG.revisesDocument, None)))


def test_a_revision_records_what_it_revises_kind_and_number():
    doc = _header("MOD\tACP/22A14/2 (Rev.1)")
    g = _graph(doc)
    d = URIRef(f"{B}id/doc/acp-22a14-2-rev1-zh")
    assert (d, IKG.revisesDocument, URIRef(f"{B}id/doc/acp-22a14-2-zh")) in g
    assert (d, IKG.revisionKind, Literal("Rev")) in g
    assert g.value(d, IKG.revisionNumber).toPython() == 1
    # the same work as the unrevised document (and as its translations)
    assert (d, IKG.work, URIRef(f"{B}id/work/acp-22a14-2")) in g
    assert list(g.triples((URIRef(f"{B}id/work/acp-22a14-2"), None, IKG.Work)))


def test_a_header_with_words_that_are_not_a_revision_is_no_symbol():
    doc = _header("MOD\tACP/22A14/2 draft text")
    assert doc.symbol == "x" and doc.revision_kind is None
    assert any("symbol" in str(w) for w in doc.warnings)
