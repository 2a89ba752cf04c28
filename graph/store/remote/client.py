"""The HTTP side of a remote store: endpoints, one httpx client, errors mapped to itukg's.

A remote store is a SPARQL 1.1 server reached over three endpoints: query, update and the
Graph Store Protocol (GSP). An Oxigraph server's layout (``/query``, ``/update``, ``/store``)
follows from its base URL; any other layout is given endpoint by endpoint
(``ITUKG_STORE_QUERY_URL``, ``..._UPDATE_URL``, ``..._GSP_URL``). Credentials come from the
environment only (``ITUKG_STORE_USER`` / ``ITUKG_STORE_PASSWORD``) and are sent as HTTP basic,
or digest when the server asks for it (Virtuoso's ``/sparql-auth``).

The server is never asked to fetch anything: every query and update passes the one screener
(:mod:`itukg.graph.store.screen`) before it is sent, so no ``SERVICE`` and no ``LOAD`` reach it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import httpx

from itukg.errors import QueryError, StoreError
from itukg.graph.store.remote.relay import target_of

if TYPE_CHECKING:  # pragma: no cover
    from itukg.settings import Settings

JSON_RESULTS = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
FORM = "application/x-www-form-urlencoded"
#: the bytes of an error body worth quoting in a message
_QUOTE = 300


@dataclass(frozen=True)
class Endpoints:
    """Where a remote store lives, and how long a request may take (the service's deadline).
    ``dialect``: ``auto`` (asked from the server's ``Server`` header), ``oxigraph``,
    ``virtuoso`` or ``generic``."""

    base: str
    query: str
    update: str
    gsp: str
    #: seconds one request may take (ITUKG_STORE_TIMEOUT): itukg's own work on a big store (the
    #: switch update of a 300-document build, an audit query) takes minutes; the service's
    #: per-query deadline is its pool's, which kills the worker (pool.py)
    timeout: float = 3600.0
    dialect: str = "auto"
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    #: a Unix socket that forwards to the query endpoint's host (the query processes' only way
    #: out: relay.py); every request then goes through it
    relay: str | None = None

    @classmethod
    def of(cls, settings: Settings) -> Endpoints:
        """The endpoints of ``settings.store``. Raises StoreError for a URL that is not http(s)
        or an endpoint that is not one."""
        base = str(settings.store).rstrip("/")
        check_url(base)
        eps = cls(
            base=base,
            query=settings.store_query_url or base + "/query",
            update=settings.store_update_url or base + "/update",
            gsp=settings.store_gsp_url or base + "/store",
            timeout=settings.store_timeout,
            dialect=settings.store_dialect,
            # settings first (read from ITUKG_STORE_USER/_PASSWORD), else the environment: the
            # settings sent to worker processes leave credentials out, the environment goes along
            user=settings.store_user or os.environ.get("ITUKG_STORE_USER") or None,
            password=settings.store_password or os.environ.get("ITUKG_STORE_PASSWORD") or None,
            relay=settings.store_relay,
        )
        for url in (eps.query, eps.update, eps.gsp):
            check_url(url)
        return eps


def check_url(url: str) -> None:
    """Refuse anything but an absolute http(s) URL without credentials in it.

    Raises StoreError naming the problem (never a folder called ``http:``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StoreError(
            f"{url}: not a store location: a store is a folder or the http(s) URL of a "
            "SPARQL server (ITUKG_STORE)"
        )
    if parts.username or parts.password:
        raise StoreError(
            f"{parts.scheme}://{parts.hostname}: credentials do not go in the store URL; "
            "set ITUKG_STORE_USER and ITUKG_STORE_PASSWORD"
        )


def _auth(endpoints: Endpoints) -> httpx.Auth | None:
    if not endpoints.user:
        return None
    return _BasicOrDigest(endpoints.user, endpoints.password or "")


class _BasicOrDigest(httpx.Auth):
    """Basic auth, switching to digest when the server answers 401 with a digest challenge."""

    def __init__(self, user: str, password: str):
        self.basic = httpx.BasicAuth(user, password)
        self.digest = httpx.DigestAuth(user, password)

    def auth_flow(self, request: httpx.Request):  # type: ignore[override]
        response = yield from self.basic.auth_flow(request)
        challenge = response.headers.get("www-authenticate", "") if response is not None else ""
        if response is not None and response.status_code == 401 and challenge.lower().startswith("digest"):
            yield from self.digest.auth_flow(request)


class Client:
    """One connection pool to a remote store. Every method raises :class:`StoreError` when
    the server cannot be reached, times out or fails, and :class:`QueryError` when it refuses
    the query or update as malformed (HTTP 400)."""

    def __init__(self, endpoints: Endpoints):
        self.endpoints = endpoints
        # through the relay, the socket reaches the query endpoint's host and nothing else
        transport = httpx.HTTPTransport(uds=endpoints.relay) if endpoints.relay else None
        self.http = httpx.Client(timeout=httpx.Timeout(endpoints.timeout, connect=5.0),
                                 auth=_auth(endpoints), follow_redirects=False, trust_env=False,
                                 transport=transport)
        self._dialect: str | None = None if endpoints.dialect == "auto" else endpoints.dialect
        #: the server's bookkeeping encoding, with what it remembers (books.of)
        self.book: object | None = None

    def close(self) -> None:
        self.http.close()

    # -- the three endpoints ------------------------------------------------------------------
    def query(self, sparql: str, accept: str, *, default_graph: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None, union: bool = False) -> bytes:
        """POST a query (form-encoded, so long graph lists fit); returns the body. ``union``:
        ask with the Oxigraph server's union default graph (no dataset given then)."""
        form: list[tuple[str, str]] = [("query", sparql)]
        if union:
            form.append(("union-default-graph", ""))
        form += [("default-graph-uri", g) for g in default_graph or ()]
        form += [("named-graph-uri", g) for g in named_graphs or ()]
        resp = self._send("POST", self.endpoints.query, content=urlencode(form),
                          headers={"Accept": accept, "Content-Type": FORM})
        if resp.headers.get("x-sparql-maxrows"):
            # Virtuoso cut the answer at its ResultSetMaxRows and says so only in this header:
            # a silently partial answer is worse than none
            raise StoreError(
                f"{self.endpoints.query}: the server cut the answer at "
                f"{resp.headers['x-sparql-maxrows']} rows (Virtuoso's ResultSetMaxRows); raise it "
                "in virtuoso.ini [SPARQL] or ask with LIMIT"
            )
        return resp.content

    def ask(self, sparql: str, *, default_graph: Sequence[str] | None = None,
            named_graphs: Sequence[str] | None = None, union: bool = False) -> bytes:
        """An ASK as SPARQL JSON results. Virtuoso 7 answers an ASK with a one-row SELECT
        (``__ASK_RETVAL`` 0 or 1): turned into the boolean it means."""
        body = self.query(sparql, JSON_RESULTS, default_graph=default_graph,
                          named_graphs=named_graphs, union=union)
        if b"__ASK_RETVAL" not in body[:200]:
            return body
        try:
            value = json.loads(body)["results"]["bindings"][0]["__ASK_RETVAL"]["value"]
        except (ValueError, KeyError, IndexError):
            value = "0"
        return b'{"head":{},"boolean":%s}' % (b"true" if value not in ("0", "false") else b"false")

    def update(self, sparql: str) -> None:
        """POST one update request (the server runs it as one request; see docs/store.md for
        what each server makes atomic)."""
        self._send("POST", self.endpoints.update, content=urlencode([("update", sparql)]),
                   headers={"Content-Type": FORM})

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """GSP PUT: replace ``graph`` with the N-Triples ``ntriples`` (the graph IRI goes as a
        request parameter, never into a query text)."""
        self._send("PUT", self.endpoints.gsp, params={"graph": graph}, content=ntriples,
                   headers={"Content-Type": NTRIPLES})

    def post_graph(self, graph: str, ntriples: bytes) -> None:
        """GSP POST: add the N-Triples ``ntriples`` to ``graph``."""
        self._send("POST", self.endpoints.gsp, params={"graph": graph}, content=ntriples,
                   headers={"Content-Type": NTRIPLES})

    def get_graph(self, graph: str) -> bytes:
        """GSP GET: ``graph`` as N-Triples (empty bytes when the graph does not exist)."""
        try:
            return self._send("GET", self.endpoints.gsp, params={"graph": graph},
                              headers={"Accept": NTRIPLES}).content
        except _NotFound:
            return b""

    def default_graph_is_empty(self) -> bool:
        """Whether the server's own default graph holds no triple (GSP GET ``?default``, only
        its first bytes read: a query cannot name that graph on a server started with
        ``--union-default-graph``). False when it cannot be told. Raises nothing."""
        try:
            with self.http.stream("GET", self.endpoints.gsp, params={"default": ""},
                                  headers={"Accept": NTRIPLES}) as resp:
                if resp.status_code >= 300:
                    return resp.status_code == 404
                return not any(chunk.strip() for chunk in resp.iter_bytes())
        except (httpx.HTTPError, StoreError):
            return False

    # -- the server ---------------------------------------------------------------------------
    @property
    def dialect(self) -> str:
        """``oxigraph``, ``virtuoso`` or ``generic``: from the settings, else from the server's
        ``Server`` header (asked once). Raises StoreError when the server cannot be reached or
        is no SPARQL server."""
        if self._dialect is None:
            self._dialect = self.probe()
        return self._dialect

    def probe(self) -> str:
        """Ask the query endpoint an ASK and check the answer is SPARQL results; returns the
        dialect. Raises StoreError ("... is not a SPARQL server") otherwise."""
        url = self.endpoints.query
        try:
            resp = self.http.post(url, data={"query": "ASK {}"}, headers={"Accept": JSON_RESULTS})
        except httpx.HTTPError as exc:
            raise StoreError(f"{url}: cannot reach the store: {exc}") from None
        body = resp.content.strip() if resp.status_code == 200 else b""
        if not (body.startswith(b"{") and (b'"boolean"' in body or b"__ASK_RETVAL" in body)):
            raise StoreError(
                f"{url}: not a SPARQL server (an ASK got HTTP {resp.status_code} "
                f"{resp.headers.get('content-type', '?')!r}, not SPARQL results); give its query "
                "endpoint with ITUKG_STORE_QUERY_URL"
            )
        server = resp.headers.get("server", "").lower()
        if "virtuoso" in server:
            return "virtuoso"
        if "oxigraph" in server:
            return "oxigraph"
        return "generic"

    def _send(self, method: str, url: str, **kw: object) -> httpx.Response:
        if self.endpoints.relay and target_of(url) != target_of(self.endpoints.query):
            raise StoreError(f"{url}: a query process reaches only the query endpoint's host "
                             "(through the store relay)")
        try:
            resp = self.http.request(method, url, **kw)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            raise StoreError(f"{url}: no answer within {self.endpoints.timeout:g} s "
                             "(ITUKG_STORE_TIMEOUT)") from None
        except httpx.HTTPError as exc:
            raise StoreError(f"{url}: cannot reach the store: {exc}") from None
        if resp.status_code < 300:
            return resp
        text = resp.text[:_QUOTE].strip().replace("\n", " ")
        if resp.status_code == 404 and method == "GET":
            raise _NotFound(url)
        if resp.status_code == 400:
            raise QueryError(f"the store refused it: {text}")
        if resp.status_code in (401, 403):
            raise StoreError(f"{url}: the store refused the credentials ({resp.status_code}); "
                             "set ITUKG_STORE_USER and ITUKG_STORE_PASSWORD")
        if "SR325" in text:  # Virtuoso: the transaction outgrew TransactionAfterImageLimit
            raise StoreError(
                f"{url}: the update is larger than the server takes in one transaction "
                "(Virtuoso's TransactionAfterImageLimit, 50 MB by default): raise it in "
                "virtuoso.ini [Parameters]; nothing of this update was applied")
        if "SR171" in text:  # Virtuoso: the request passed MaxQueryExecutionTime (updates too)
            raise StoreError(
                f"{url}: the server stopped the request at its own time limit (Virtuoso's "
                "MaxQueryExecutionTime in virtuoso.ini [SPARQL], which holds for updates too: "
                "raise it for writers; a build's switch at 1,000 documents takes minutes)")
        raise StoreError(f"{url}: the store answered {resp.status_code}: {text}")


class _NotFound(StoreError):
    """A 404 on a GSP GET: the graph does not exist."""
