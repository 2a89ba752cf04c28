"""Damaged documents never crash the parser or produce unreadable RDF: each seeded mutation of the
corpus and of the English test document either parses (with warnings) or raises DocumentError, and
the mapper's output loads into pyoxigraph."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from itukg.errors import DocumentError
from itukg.graph.mapping.mapper import document_ntriples
from itukg.graph.documents import parse_text

ROOT = Path(__file__).resolve().parents[2]
SOURCES = {
    "zh": (ROOT / "corpus/ACP-22A14-4.zh.txt").read_text(encoding="utf-8").split("\n"),
    "en": (ROOT / "tests/data/docs/ACP-TEST-EN.en.txt").read_text(encoding="utf-8").split("\n"),
}
JUNK = ["[", "]", "[3: x", "（", "[footnoteRef:2]", "第号决议", '"\\', "Resolution", "(2014", "\t"]


def mutate(lines: list[str], r: random.Random) -> list[str]:
    lines = list(lines)
    for _ in range(r.randint(1, 8)):
        op, k = r.random(), r.randrange(len(lines))
        if op < 0.3:
            del lines[k]
        elif op < 0.5:
            lines.insert(k, lines[r.randrange(len(lines))])
        elif op < 0.7:
            lines[k] = lines[k][: r.randrange(len(lines[k]) + 1)]
        elif op < 0.8:
            lines[k] = lines[k].replace("\t", "")
        elif op < 0.9:
            lines[k] = lines[k] + r.choice(JUNK)
        else:
            lines[k] = "".join(r.sample(lines[k], len(lines[k])))
    return lines


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_mutations_parse_or_raise_document_error(lang):
    parsed = refused = 0
    for seed in range(60):
        text = "\n".join(mutate(SOURCES[lang], random.Random(seed)))
        try:
            doc = parse_text(text, f"mutant.{lang}.txt")
        except DocumentError as e:
            assert e.source == f"mutant.{lang}.txt"
            refused += 1
            continue
        parsed += 1
        store = ox.Store()
        store.load(document_ntriples(doc, "https://w3id.org/itukg/"), ox.RdfFormat.N_TRIPLES)
        assert len(store) > 100
        assert all(w.line >= 1 for w in doc.warnings)
    assert parsed > 45  # most mutations still are planning documents
