"""The remote backend: a SPARQL 1.1 server behind the same :class:`Store` protocol.

``--store URL`` / ``ITUKG_STORE=URL`` selects it (:func:`itukg.graph.store.open_store`). The
module-level :func:`open`, :func:`generation`, :func:`info` and :func:`begin` are the
:class:`~itukg.graph.store.protocol.Backend` functions; their ``location`` is the server's
:class:`~itukg.graph.store.remote.client.Endpoints`. Modules: ``client`` (HTTP), ``names`` (the
bookkeeping graph, stage graphs, the switch), ``store`` (reading), ``publish`` (writing).
See ``docs/store.md``, "Backends", and decisions 0170-0173.
"""

from __future__ import annotations

import threading

from itukg.errors import StoreError
from itukg.graph.store.protocol import SelectResult, StoreInfo
from itukg.graph.store.remote import names
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
            c.probe()  # "not a SPARQL server" now, not on the first query
            _CLIENTS[location] = c
        return c


def read_published(c: Client) -> tuple[str | None, list[str]]:
    """The published generation id and graphs (``None``, [] on a server without a store)."""
    res = RemoteStore(c, [], None).query(names.GENERATION_QUERY, default_graph=[],
                                         named_graphs=[names.META])
    assert isinstance(res, SelectResult)
    gen, graphs = None, []
    for g_id, _kind, graph in res.rows:
        if g_id is not None:
            gen = str(g_id)
        if graph is not None:
            graphs.append(str(graph))
    return gen, sorted(graphs)


def generation(location: Endpoints) -> str | None:
    """See :class:`Backend`. Raises StoreError when the server cannot be asked."""
    return read_published(client(location))[0]


def info(location: Endpoints) -> StoreInfo | None:
    """See :class:`Backend`."""
    c = client(location)
    gen, _ = read_published(c)
    if gen is None:
        return None
    return StoreInfo(engine=f"remote-{c.dialect}", location=location.base, generation=gen,
                     size=0, read_only=True, session="reader")


def open(location: Endpoints, *, read_only: bool):  # noqa: A001 - the Backend function's name
    """See :class:`Backend`. Raises StoreError ("no store at URL; run itukg build") on a server
    without an itukg store, and when it cannot be reached."""
    c = client(location)
    gen, graphs = read_published(c)
    if gen is None:
        raise StoreError(f"no store at {location.base}; run itukg build")
    if read_only:
        return RemoteStore(c, graphs, gen)
    return RemoteSession(RemoteWriter(c, kind="update", copy_current=True, lock_wait=30.0))


def begin(location: Endpoints, *, kind: str, copy_current: bool = False,
          lock_wait: float = 30.0) -> RemoteWriter:
    """See :class:`Backend` and :class:`RemoteWriter`."""
    return RemoteWriter(client(location), kind=kind, copy_current=copy_current, lock_wait=lock_wait)
