"""The read layer's own questions: ``queries/reads/**/*.rq``, loaded and checked once.

These are the internal queries of the readers (trace, coverage, pages, linked data, VoID, the
CLI, the reasoner and the audit engine's hand-written reads). They share the named queries'
file format and header parser (:func:`itukg.graph.reads.named.parse_query_file`: a ``#+
summary:`` header is required) but are NOT exposed as named queries: ``queries/reads/`` is a
sub-folder, and :func:`itukg.graph.reads.named.load_queries` reads only the top folder.

A query is named by its path under ``queries/reads`` without ``.rq`` (``trace/find-output``).

PREFIX lines: an internal file carries none; the loader prepends the one map,
:func:`itukg.graph.ontology.prefix_block`, so a namespace is written once in the project. (The
public named queries keep their own PREFIX lines: users read and copy them whole; a test checks
that they agree with the map.)

Values are never pasted into the text: callers bind them through the engine
(``Store.query(..., bindings=...)``), so a bound variable must be projected.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable

from itukg.errors import QueryError
from itukg.graph.ontology import prefix_block
from itukg.graph.reads.named import parse_query_file
from itukg.graph.store import memory_store

__all__ = ["internal_queries", "load_internal_queries", "read_query"]

ROOT = "reads"


def _walk(folder: Traversable, prefix: str = ""):
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            yield from _walk(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith(".rq"):
            yield f"{prefix}{entry.name[:-3]}", entry


def load_internal_queries(folder: Traversable, label: str = f"queries/{ROOT}") -> dict[str, str]:
    """Every ``.rq`` file under ``folder`` by name → the text to run (the map's PREFIX lines +
    the body), each parsed by the engine (on an empty in-memory store).

    Raises :class:`QueryError` naming the first file with a bad header or bad SPARQL."""
    out: dict[str, str] = {}
    for name, entry in _walk(folder):
        source = f"{label}/{name}.rq"
        q = parse_query_file(source, entry.read_text(encoding="utf-8"))
        text = prefix_block() + q.body
        try:
            memory_store().query(text)
        except QueryError as exc:
            raise QueryError(exc.message, source=source) from None
        out[name] = text
    return out


@lru_cache(maxsize=1)
def internal_queries() -> dict[str, str]:
    """The installed internal queries (``queries/reads/``), loaded once per process.
    Raises as :func:`load_internal_queries`."""
    return load_internal_queries(resources.files("itukg.queries").joinpath(ROOT))


def read_query(name: str) -> str:
    """The text of the internal query ``name`` (``trace/find-output``).

    Raises KeyError for a name that has no file (a programming error, caught by the tests)."""
    queries = internal_queries()
    if name not in queries:
        raise KeyError(f"no internal query queries/{ROOT}/{name}.rq")
    return queries[name]
