"""The one way out for query processes over a remote store (decision 0174).

Processes that run SPARQL live in a network namespace of their own (decision 0128): no network
at all. Over a remote store they must still reach the SPARQL server, and only it. The process
that starts them (the service, or ``itukg query``), which has the network, holds a
:class:`Relay`: a Unix socket in a private directory that forwards every connection to the
host and port of the store's query endpoint, fixed when the relay starts. Unix sockets cross
network namespaces; what comes through one can only reach that address, whatever the
connection sends, so a query that slipped past the screener still has nowhere else to go.
The query processes' HTTP client connects to the socket (``Settings.store_relay``) and speaks
HTTP, or TLS, to the server through it as it would over TCP.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import tempfile
import threading
from urllib.parse import urlsplit

from itukg.errors import StoreError

log = logging.getLogger("itukg.graph.store.remote")

#: connections held at once (each query process keeps one or two alive)
MAX_CONNECTIONS = 64
CONNECT_TIMEOUT = 5.0
_CHUNK = 1 << 16


def target_of(url: str) -> tuple[str, int]:
    """The host and port a URL's requests go to. Raises StoreError for one without a host."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise StoreError(f"{url}: no host to relay to")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


class Relay:
    """A Unix socket forwarding each connection to ``url``'s host and port, in threads of this
    process, until :meth:`close`. Raises StoreError when the socket cannot be made."""

    def __init__(self, url: str, *, max_connections: int = MAX_CONNECTIONS):
        self.target = target_of(url)
        self.max_connections = max_connections
        self._dir = tempfile.mkdtemp(prefix="itukg-relay-")  # mode 0700: ours alone
        self.path = os.path.join(self._dir, "store.sock")
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._server.bind(self.path)
            self._server.listen(max_connections)
        except OSError as exc:
            self.close()
            raise StoreError(f"cannot make the store relay {self.path}: {exc}") from None
        threading.Thread(target=self._accept, name="itukg-store-relay", daemon=True).start()

    def __enter__(self) -> Relay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:  # closed
                return
            with self._lock:
                full = len(self._open) >= 2 * self.max_connections
                if not (full or self._closed):
                    self._open.add(conn)
            if full or self._closed:
                conn.close()
                continue
            threading.Thread(target=self._serve, args=(conn,), name="itukg-store-relay-conn",
                             daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        upstream = None
        try:
            try:
                upstream = socket.create_connection(self.target, timeout=CONNECT_TIMEOUT)
            except OSError as exc:
                log.warning("store relay: cannot reach %s:%s: %s", *self.target, exc)
                return
            upstream.settimeout(None)
            # forward each write as it comes: with Nagle, a request's head and body in two
            # writes wait for the server's delayed ACK (about 40 ms a request)
            upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._open.add(upstream)
            back = threading.Thread(target=_pump, args=(upstream, conn), daemon=True)
            back.start()
            _pump(conn, upstream)
            back.join()
        finally:
            with self._lock:
                self._open.discard(conn)
                if upstream is not None:
                    self._open.discard(upstream)
            for s in (conn, upstream):
                if s is not None:
                    with contextlib.suppress(OSError):
                        s.close()

    def close(self) -> None:
        """Stop accepting, cut every open connection, remove the socket. Raises nothing."""
        self._closed = True
        with contextlib.suppress(OSError):
            self._server.close()
        with self._lock:
            held = list(self._open)
        for s in held:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        shutil.rmtree(self._dir, ignore_errors=True)


def _pump(src: socket.socket, dst: socket.socket) -> None:
    """Copy ``src`` to ``dst`` until ``src`` ends, then end ``dst``'s writing side."""
    try:
        while chunk := src.recv(_CHUNK):
            dst.sendall(chunk)
    except OSError:
        pass
    with contextlib.suppress(OSError):
        dst.shutdown(socket.SHUT_WR)
