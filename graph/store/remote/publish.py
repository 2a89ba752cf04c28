"""A remote store's writing side: the writer lock, writers, and the one-step switch.

A writer (:class:`RemoteWriter`: a build, ``itukg load``, the audit, a service update) writes
into a private in-memory store here (the embedded engine: the same parsing, checks and limits),
empty or a copy of the published graphs. :meth:`RemoteWriter.commit` uploads each new or
changed graph under a stage name (Graph Store Protocol PUT: the graph IRI is a request
parameter), then sends ONE update request that moves the stage graphs onto the published names,
drops the graphs that go and rewrites the bookkeeping (``switch_update`` of the book). Until that
request the server's published graphs are untouched, so a writer killed at any point leaves
the served graph as it was; its stage graphs are dropped by the next writer.

The lock and the bookkeeping are kept by the server's :mod:`~itukg.graph.store.remote.books`
encoding (a fact inserted only if absent, or a graph created only if absent: one update
either way). A lock whose holders are dead processes on this machine is broken; one from
another machine is waited for (``lock_wait``), then reported with its holder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
import time
import uuid
from typing import IO

from itukg.errors import StoreError
from itukg.graph.store.oxigraph import OxigraphStore, WriterSession
from itukg.graph.store.protocol import RDFFormat, StoreInfo
from itukg.graph.store.remote import books, names
from itukg.graph.store.remote.client import Client
from itukg.graph.store.remote.store import RemoteStore


def _stamp() -> str:
    t = time.time()
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(t)) + f"{int((t % 1) * 1e6):06d}Z"


class RemoteLock:
    """The writer lock of one server. Raises StoreError when it cannot be had in time."""

    def __init__(self, client: Client, wait: float):
        self.client = client
        self.book = books.of(client)
        self.wait = wait
        self.token = f"{socket.gethostname()} {os.getpid()} {_stamp()} {uuid.uuid4().hex}"
        self.held = False

    def acquire(self) -> None:
        deadline = time.monotonic() + self.wait
        while True:
            if self.book.try_lock(self.client, self.token):
                self.held = True
                self.book.after_lock(self.client, self.token)
                return
            holders = [h for h in self.book.holders(self.client) if h != self.token]
            if holders and all(_dead(h) for h in holders):
                self.book.break_lock(self.client, holders)
                continue
            if time.monotonic() > deadline:
                who = ", ".join(h.rsplit(" ", 1)[0] for h in holders)
                raise StoreError(f"another itukg process is writing the store at "
                                 f"{self.client.endpoints.base} ({who}; waited {self.wait:.0f} s)")
            time.sleep(0.1)

    def release(self) -> None:
        if self.held:
            self.held = False
            with contextlib.suppress(StoreError):
                self.book.unlock(self.client, self.token)


def _dead(token: str) -> bool:
    """Whether the lock ``token`` belongs to a process of this machine that is gone."""
    host, _, rest = token.partition(" ")
    pid = rest.split(" ", 1)[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class RemoteWriter:
    """A new state of a remote store, written aside (see the module). ``store``: the private
    in-memory store; ``previous``: the generation it replaces (``None``: no store yet)."""

    def __init__(self, client: Client, *, kind: str, copy_current: bool, lock_wait: float):
        self.client, self.kind, self.done = client, kind, False
        self._lock = RemoteLock(client, lock_wait)
        self._lock.acquire()
        try:
            self._drop_leftovers()
            self.before = self._lock.book.read(client)
            self.previous, self.published = self.before.generation, self.before.graphs
            if copy_current and self.previous is None:
                raise StoreError(f"no store at {client.endpoints.base}; run itukg build")
            self.store = OxigraphStore(location=client.endpoints.base, generation=None)
            self._before: dict[str, bytes] = {}
            if copy_current:
                self.store = RemoteStore(client, self.published, self.previous).copy_to_memory()
                self.store.read_only = False
                self._before = {g: self.store.dump("ntriples", g) for g in self.store.graphs()}
        except BaseException:
            self._lock.release()
            raise

    def _drop_leftovers(self) -> None:
        """Drop the stage graphs of writers that died (we hold the lock: none is running)."""
        stale = self._lock.book.stage_graphs(self.client)
        if stale:
            self.client.update(self._lock.book.drop_stages_update(stale))

    def bulk_load(self, data: bytes | IO[bytes], fmt: RDFFormat, graph: str | None = None, *,
                  validated: bool = False) -> None:
        """See :meth:`OxigraphStore.bulk_load` (into the private store)."""
        self.store.bulk_load(data, fmt, graph, validated=validated)

    def commit(self, **info: object) -> str:
        """Upload what changed under stage names, then switch in one update request. Returns
        the generation id. Raises StoreError if finished already or the server fails (the
        published graphs are then as before)."""
        if self.done:
            raise StoreError("this generation is already finished")
        gen = f"gen-{_stamp()}-{os.getpid()}"
        token = uuid.uuid4().hex
        staged: list[tuple[str, str]] = []
        book = self._lock.book
        try:
            new = self.store.graphs()
            empties = []
            book.announce(self.client, token, len(new))  # before anything is uploaded
            for i, g in enumerate(new):
                data = self.store.dump("ntriples", g)
                if not data:
                    empties.append(g)
                elif self._before.get(g) != data:
                    staged.append((names.stage_graph(token, i), g))
                    self.client.put_graph(staged[-1][0], data)
            drops = [g for g in self.published if g not in new]
            self.client.update(book.switch_update(self.before, staged, drops, empties, new, gen,
                                                  self.kind))
        except BaseException:
            cleanup = book.drop_stages_update([s for s, _ in staged])
            with contextlib.suppress(StoreError):
                if cleanup:
                    self.client.update(cleanup)
            raise
        finally:
            self.done = True
            self._lock.release()
        return gen

    def abort(self) -> None:
        """Discard the private store; the server is untouched. Idempotent."""
        if not self.done:
            self.done = True
            self._lock.release()

    def __enter__(self) -> RemoteWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None or not self.done:
            self.abort()


class RemoteSession(WriterSession):
    """A writer session on a remote store (``open_store(settings)``; see
    :class:`WriterSession`): a private copy of the published graphs, published by a switch."""

    def __init__(self, writer: RemoteWriter):
        self._writer = writer
        super().__init__(writer.store, location=writer.client.endpoints.base,
                         generation=writer.previous)

    def info(self) -> StoreInfo:
        return dataclasses.replace(super().info(), engine=f"remote-{self._writer.client.dialect}")

    def _finished(self) -> bool:
        return self._writer.done

    def _publish(self) -> None:
        self._writer.commit()

    def _discard(self) -> None:
        self._writer.abort()
