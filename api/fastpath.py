"""The query operation of ``/sparql`` and the named queries on a lean ASGI path (decision 0076).

A SPARQL query is the service's hot path: policy researchers' clients and other systems send
many of them. Through FastAPI's route each one paid for about 1 ms of routing, dependency
resolution, middleware and a second parse of the URL's query string, as much as evaluating
a trace query in memory. This middleware answers the plain query operation (GET, or POST with a
form or a ``application/sparql-query`` body, for a data format) itself, with the SAME steps as
the route (one implementation in :mod:`itukg.api.sparql`): :func:`~itukg.api.sparql.parse_request`,
:func:`~itukg.api.sparql.plan_query` (screen, negotiate), :func:`~itukg.api.sparql.run_plan`
(the executor: deadline, caps, no network), and the same problem+json errors
(:mod:`itukg.api.problems`). Everything else (the service description, updates, HTML for
browsers, HEAD, OPTIONS, other paths) goes on to the FastAPI app, whose ``/sparql`` route stays
the documented one (OpenAPI) and answers those.

``GET /api/queries/{name}`` for a data format is answered the same way, by the steps of its
route (:mod:`itukg.api.routers.queries`: find the query, bind and validate the parameters,
negotiate, run); HTML and HEAD go to the route.

A POST body larger than :data:`itukg.api.sparql.MAX_QUERY_BYTES` is refused (413) as soon as
it is seen to be too large, without reading the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import State
from starlette.exceptions import HTTPException
from starlette.requests import Request

from itukg.api import problems
from itukg.api.limits import client_of
from itukg.api.services import named
from itukg.api.sparql import (
    MAX_QUERY_BYTES,
    ProtocolError,
    QueryPlan,
    parse_request,
    plan_query,
    run_plan,
)
from itukg.errors import ItukgError
from itukg.graph.store.fairqueue import BULK, LANE, QUERY_SECONDS

log = logging.getLogger("itukg.api")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_VARY = (b"vary", b"Accept")
NAMED_PREFIX = "/api/queries/"


class _TooLarge(Exception):
    pass


class SparqlFastPath:
    """ASGI middleware: answers ``/sparql`` query operations and named-query runs, passes
    everything else on.

    ``state`` is the app's state (``executor``, ``settings``). ``cors_expose`` is the value of
    ``Access-Control-Expose-Headers`` sent with ``Access-Control-Allow-Origin: *`` to a request
    that has an ``Origin`` (the CORS policy of the whole service: any origin, no credentials).
    """

    def __init__(self, app: ASGIApp, *, state: State, path: str = "/sparql", cors_expose: str = ""):
        self.app = app
        self.state = state
        self.path = path
        self.cors_expose = cors_expose.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or getattr(self.state, "executor", None) is None:
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if (
            scope["method"] == "GET"
            and path.startswith(NAMED_PREFIX)
            and "/" not in path[len(NAMED_PREFIX):]
        ):
            await self._named(scope, receive, send, path[len(NAMED_PREFIX):])
            return
        if path != self.path or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        await self._limited(scope, receive, send)

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``/sparql`` under the client's limits (429 beyond them), in the bulk lane of the
        workers, its worker time charged to the client (decision 0124)."""
        limits = getattr(self.state, "limits", None)
        if limits is None:
            await self._sparql(scope, receive, send)
            return
        client = client_of(scope, self.state.settings.trusted_proxies)
        try:
            limits.admit(client)
        except HTTPException as exc:
            await self._error(scope, send, _headers(scope)[2], exc)
            return
        used = [0.0]
        lane, seconds = LANE.set(BULK), QUERY_SECONDS.set(used)
        try:
            await self._sparql(scope, receive, send)
        finally:
            LANE.reset(lane)
            QUERY_SECONDS.reset(seconds)
            limits.done(client, used[0])

    async def _sparql(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A GET or POST on ``/sparql``: the query operation here, the rest to the route."""
        accept, ctype, origin = _headers(scope)
        body = b""
        if scope["method"] == "POST":
            try:
                body = await _read_body(receive, MAX_QUERY_BYTES)
            except _TooLarge:
                await self._error(
                    scope, send, origin,
                    HTTPException(413, f"request body larger than {MAX_QUERY_BYTES} bytes"),
                )
                return
        try:
            plan = _plan(scope, ctype, body, accept)
            if plan is None:
                # descriptions, updates, malformed requests and browsers: the route answers
                await self.app(scope, _replay(body, receive), send)
                return
            outcome = await run_plan(plan, self.state.executor, self.state.settings.base_iri)
        except (ItukgError, HTTPException) as exc:
            await self._error(scope, send, origin, exc)
            return
        await self._ok(send, origin, plan.media_type, outcome.body)

    async def _named(self, scope: Scope, receive: Receive, send: Send, name: str) -> None:
        """``GET /api/queries/{name}`` for a data format: the route's steps
        (:mod:`itukg.api.routers.queries`) without the framework. HTML goes to the route."""
        accept, _, origin = _headers(scope)
        # the same parse as Starlette's request.query_params (the route's input)
        items = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        try:
            q, bindings, fmt, media_type = named.resolve(self.state.settings, name, items, accept)
            if fmt == "html":
                await self.app(scope, receive, send)
                return
            outcome = await named.run_named(self.state.executor, q, bindings, fmt)
        except (ItukgError, HTTPException) as exc:
            await self._error(scope, send, origin, exc)
            return
        await self._ok(send, origin, media_type, outcome.body)

    async def _ok(self, send: Send, origin: bytes | None, media_type: str, body: bytes) -> None:
        headers = [
            (b"content-type", media_type.encode("latin-1")),
            (b"content-length", str(len(body)).encode("latin-1")),
            _VARY,
        ]
        if origin is not None:
            headers += self._cors()
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _cors(self) -> list[tuple[bytes, bytes]]:
        h = [(b"access-control-allow-origin", b"*")]
        if self.cors_expose:
            h.append((b"access-control-expose-headers", self.cors_expose))
        return h

    async def _error(self, scope: Scope, send: Send, origin: bytes | None, exc: Exception) -> None:
        """Answer with the problem+json the app's handlers give for ``exc``."""
        request = Request(scope)
        if isinstance(exc, ItukgError):
            response = await problems.itukg_error(request, exc)
        else:
            response = await problems.http_error(request, exc)
        if origin is not None:
            for k, v in self._cors():
                response.headers[k.decode()] = v.decode()

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, no_body, send)


#: plans of recent GET requests by (query string, Accept): clients repeat their requests, and
#: parsing the URL and negotiating cost a tenth of a small query's time in this process
_PLANS: dict[tuple[bytes, str | None], QueryPlan] = {}
PLAN_CACHE_SIZE = 512
PLAN_CACHE_MAX_BYTES = 8192  # longer query strings are planned each time (bounded memory)


def _plan(scope: Scope, ctype: str | None, body: bytes, accept: str | None) -> QueryPlan | None:
    """The screened, negotiated plan of a query operation, or None when the route answers (a
    description, an update, a malformed request, a page for a browser). A GET's plan is
    remembered: parsing, screening and negotiating are pure functions of the query string
    and the Accept header. Raises QueryError, NotAcceptable, BadFormatParameter (as
    :func:`~itukg.api.sparql.plan_query`)."""
    query_string = scope.get("query_string", b"")
    key = (query_string, accept)
    get = scope["method"] == "GET"
    if get and (plan := _PLANS.get(key)) is not None:
        return plan
    try:
        req = parse_request(scope["method"], query_string, ctype, body)
    except ProtocolError:
        return None
    if req.operation != "query":
        return None
    plan = plan_query(req, accept)
    if plan.fmt == "html":
        return None
    if get and len(query_string) <= PLAN_CACHE_MAX_BYTES:
        if len(_PLANS) >= PLAN_CACHE_SIZE:
            _PLANS.clear()  # simple bound: a service answers a working set far smaller
        _PLANS[key] = plan
    return plan


def _headers(scope: Scope) -> tuple[str | None, str | None, bytes | None]:
    """``(Accept, Content-Type, Origin)`` of a request (``None`` where absent)."""
    accept = ctype = origin = None
    for k, v in scope["headers"]:
        if k == b"accept":
            accept = v.decode("latin-1")
        elif k == b"content-type":
            ctype = v.decode("latin-1")
        elif k == b"origin":
            origin = v
    return accept, ctype, origin


async def _read_body(receive: Receive, limit: int) -> bytes:
    """The whole request body; raises _TooLarge as soon as it exceeds ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the already read ``body`` first, then the real channel (for a
    disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
