"""The remote backend: a SPARQL 1.1 server behind the same :class:`Store` protocol.

``--store URL`` / ``ITUKG_STORE=URL`` selects it (:func:`itukg.graph.store.open_store`). The
module-level :func:`open`, :func:`generation`, :func:`info` and :func:`begin` are the
:class:`~itukg.graph.store.protocol.Backend` functions; their ``location`` is the server's
:class:`~itukg.graph.store.remote.client.Endpoints`. Modules: ``client`` (HTTP), ``names`` (the
bookkeeping names, stage graphs, the switch), ``books`` (the two bookkeeping encodings),
``store`` (reading), ``publish`` (writing). See ``docs/store.md``, "Backends", and decisions
0170-0173 and 0186.
"""

from __future__ import annotations

import threading

from itukg.errors import StoreError
from itukg.graph.store.protocol import StoreInfo
from itukg.graph.store.remote import books
from itukg.graph.store.remote.books import read_published
from itukg.graph.store.remote.client import Client, Endpoints
from itukg.graph.store.remote.publish import RemoteSession, RemoteWriter
from itukg.graph.store.remote.store import RemoteStore

_CLIENTS: dict[Endpoints, Client] = {}
_CLIENTS_LOCK = threading.Lock()


def client(location: Endpoints) -> Client:
    """The shared client of a server (one connection pool per process and server); checks
    once that it is a SPARQL server. Raises StoreError when it is not, or is unreachable."""
    with _CLIENTS_LOCK:
        c = _CLIENTS.get(location)
        if c is None:
            c = Client(location)
            _ = c.dialect  # probes: "not a SPARQL server" now, not on the first query
            _CLIENTS[location] = c
        return c


def generation(location: Endpoints) -> str | None:
    """See :class:`Backend`. Raises StoreError when the server cannot be asked."""
    c = client(location)
    return books.of(c).generation(c)


def info(location: Endpoints) -> StoreInfo | None:
    """See :class:`Backend`."""
    c = client(location)
    gen = books.of(c).generation(c)
    if gen is None:
        return None
    return StoreInfo(engine=f"remote-{c.dialect}", location=location.base, generation=gen,
                     size=0, read_only=True, session="reader")


def open(location: Endpoints, *, read_only: bool):  # noqa: A001 - the Backend function's name
    """See :class:`Backend`. Raises StoreError ("no store at URL; run itukg build") on a server
    without an itukg store, and when it cannot be reached."""
    c = client(location)
    pub = read_published(c)
    if pub.generation is None:
        raise StoreError(f"no store at {location.base}; run itukg build")
    if read_only:
        return RemoteStore(c, pub.graphs, pub.generation, union_mark=pub.mark,
                           follow=isinstance(books.of(c), books.GraphBook))
    return RemoteSession(RemoteWriter(c, kind="update", copy_current=True, lock_wait=30.0))


def begin(location: Endpoints, *, kind: str, copy_current: bool = False,
          lock_wait: float = 30.0) -> RemoteWriter:
    """See :class:`Backend` and :class:`RemoteWriter`."""
    return RemoteWriter(client(location), kind=kind, copy_current=copy_current, lock_wait=lock_wait)
