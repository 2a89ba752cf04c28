"""Storage behind one small interface: the public API of ``itukg.graph.store``.

Everything above this package (build, CLI, audit, reads, service) talks to
:class:`~itukg.graph.store.protocol.Store` and the functions below; nothing there imports
pyoxigraph or reads the disk layout. Which backend serves ``settings.store`` is picked by
:mod:`itukg.graph.store.registry`; the embedded one is pyoxigraph on RocksDB
(:mod:`~itukg.graph.store.oxigraph`) kept in generations on disk
(:mod:`~itukg.graph.store.generations`). See ``docs/store.md``.

Modules: ``protocol`` (the Store, Writer and Backend protocols, result types), ``formats``
(format names, term conversion), ``screen`` (the one SPARQL screener), ``oxigraph`` (the
embedded store), ``generations`` (its life on disk), ``snapshot`` (memory copies), ``registry``
(backend by name), ``workers`` and ``pool`` (the service's query worker processes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itukg.errors import StoreError
from itukg.graph.store.formats import (
    QUAD_FORMATS,
    RDF_FORMATS,
    RESULT_FORMATS,
    check_rdf,
    format_from_filename,
    ntriples_to_nquads,
    to_oxigraph,
    to_rdflib,
)
from itukg.graph.store.protocol import (
    QueryResult,
    RDFFormat,
    ResultFormat,
    SelectResult,
    Store,
    StoreInfo,
    Writer,
)
from itukg.graph.store.registry import backend
from itukg.graph.store.rows import select_rows

# The embedded backend's classes, for tests and tools that build a store by hand (an in-memory
# OxigraphStore, a Generation written directly); application code uses the functions below.
from itukg.graph.store.generations import Generation, WritableStore, current_generation
from itukg.graph.store.oxigraph import OxigraphStore
from itukg.graph.store.snapshot import SNAPSHOT, memory_copy

if TYPE_CHECKING:  # pragma: no cover
    from itukg.settings import Settings

__all__ = [
    "QUAD_FORMATS", "RDF_FORMATS", "RESULT_FORMATS", "SNAPSHOT", "Generation", "OxigraphStore",
    "QueryResult", "RDFFormat", "ResultFormat", "SelectResult", "Store", "StoreInfo",
    "WritableStore", "Writer", "begin_generation", "check_rdf", "current_generation",
    "format_from_filename", "memory_copy", "memory_store", "ntriples_to_nquads", "open_store",
    "select_rows",
    "store_exists", "store_generation", "store_info", "to_oxigraph", "to_rdflib", "valid_iri",
]


def open_store(settings: Settings, read_only: bool = False) -> Store:
    """Open the store of ``settings`` with its backend.

    ``read_only=True``: the published state, read-only (any number of readers, in any
    processes; a reader keeps the state it opened until it reopens, see
    :func:`store_generation`).

    ``read_only=False``: a writer session, a private copy of the published state that is
    published when closed (only if something was written) and discarded by ``abort()``.
    Writers are serialised; readers are never disturbed.

    Raises :class:`StoreError` ("no store at ...; run itukg build") when there is no store, and
    when it is damaged or busy.
    """
    mod, location = _backend(settings)
    return mod.open(location, read_only=read_only)


def _backend(settings: Settings) -> tuple[Any, Any]:
    """The backend module serving ``settings.store`` and the location it takes: a folder →
    the named backend (embedded by default); an http(s) URL → the remote backend with the
    server's endpoints. Raises StoreError for any other scheme (never a folder named
    ``http:``) and for an unknown backend name."""
    if not settings.store_is_remote:
        return backend(settings), settings.store
    from itukg.graph.store import remote
    from itukg.graph.store.remote.client import Endpoints

    return remote, Endpoints.of(settings)


def store_generation(settings: Settings) -> str | None:
    """Id of the published state of the store (``None`` when there is none, or it is damaged).
    Cheap: long-running readers call it to notice a new build and reopen. Raises nothing."""
    try:
        mod, location = _backend(settings)
        return mod.generation(location)
    except StoreError:
        return None


def store_exists(settings: Settings) -> bool:
    """Whether there is a usable store at ``settings.store``. Raises nothing."""
    return store_generation(settings) is not None


def store_info(settings: Settings) -> StoreInfo | None:
    """Info on the published state without opening it (``None`` when there is no store, or it
    is damaged). Raises nothing."""
    try:
        mod, location = _backend(settings)
        return mod.info(location)
    except StoreError:
        return None


def begin_generation(settings: Settings, *, kind: str = "build", copy_current: bool = False,
                     lock_wait: float = 30.0) -> Writer:
    """A :class:`Writer` on a new state of the store (empty, or a copy of the published one),
    published by ``commit()``, discarded by ``abort()`` or an exception inside ``with``.

    Raises StoreError when the store is busy, damaged or not a store of its backend."""
    mod, location = _backend(settings)
    return mod.begin(location, kind=kind, copy_current=copy_current, lock_wait=lock_wait)


def memory_store() -> Store:
    """A new empty in-memory store (for checking a query with the engine, and for tests)."""
    return OxigraphStore()


def valid_iri(value: str) -> bool:
    """True when ``value`` is an absolute IRI the engine accepts (RFC 3987): the cheapest strict
    IRI validator available, so a bad IRI from a user is a 422, never a 500 later."""
    from itukg.graph.store.formats import valid_iri as engine_valid_iri

    return engine_valid_iri(value)
