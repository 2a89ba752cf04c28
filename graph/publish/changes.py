"""What changed between two published dumps: triples added and removed per graph, computed
from the two files alone (decision 0182), so a mirror can check what it was told.

Both dumps are read graph after graph (itukg writes graphs in IRI order), comparing one graph's
quads at a time: memory is that of the largest graph, not of the dump. Blank nodes are
canonical in both (:mod:`itukg.graph.store.publish`), so an unchanged ontology compares equal
across builds.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

from itukg.errors import DataError


def _graphs(path: Path) -> Iterator[tuple[str, set[bytes]]]:
    """``(graph IRI, its lines)`` for each run of one graph in the dump at ``path``. A line of
    an itukg dump is one quad in canonical N-Quads ending with its graph's IRI (the dump holds
    named graphs only), so lines compare as quads do, without parsing (2-3x faster than the
    engine's parser at 300 documents). Raises ``DataError`` (file and line) for a line without
    a graph IRI at its end, and for a file that is not gzip."""
    current: str | None = None
    lines: set[bytes] = set()
    try:
        with gzip.open(path, "rb") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip(b"\r\n")
                if not line:
                    continue
                parts = line.rsplit(b" ", 2)
                if len(parts) != 3 or parts[2] != b"." or not (parts[1][:1] == b"<" and parts[1][-1:] == b">"):
                    raise DataError("not an itukg dump: the line does not end with a graph IRI",
                                    source=str(path), line=n)
                graph = parts[1][1:-1].decode("utf-8", "replace")
                if graph != current:
                    if current is not None:
                        yield current, lines
                    current, lines = graph, set()
                lines.add(line)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"not a readable gzip dump: {exc}", source=str(path)) from None
    if current is not None:
        yield current, lines


def compare(old: Path, new: Path) -> dict:
    """``{"added": n, "removed": n, "graphs": {iri: {"added": n, "removed": n}}}`` from dump
    ``old`` to dump ``new`` (graphs that did not change are left out; a graph only in one dump
    counts all its triples). Raises ``DataError`` when either is not a gzip N-Quads dump."""
    olds, news = _graphs(old), _graphs(new)
    a, b = next(olds, None), next(news, None)
    graphs: dict[str, dict[str, int]] = {}
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            _count(graphs, a[0], set(), a[1])
            a = next(olds, None)
        elif a is None or b[0] < a[0]:
            _count(graphs, b[0], b[1], set())
            b = next(news, None)
        else:
            _count(graphs, a[0], b[1], a[1])
            a, b = next(olds, None), next(news, None)
    return {
        "added": sum(g["added"] for g in graphs.values()),
        "removed": sum(g["removed"] for g in graphs.values()),
        "graphs": graphs,
    }


def _count(graphs: dict[str, dict[str, int]], graph: str, new: set[bytes], old: set[bytes]) -> None:
    added, removed = len(new - old), len(old - new)
    if added or removed:
        entry = graphs.setdefault(graph, {"added": 0, "removed": 0})
        entry["added"] += added
        entry["removed"] += removed
