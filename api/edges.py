"""The HTTP edges the app controls (decision 0126): every error is problem+json, the server's too.

Two layers with the same limits (``settings.max_url_bytes``, ``settings.max_header_bytes``):

* :class:`EdgeLimits`, ASGI middleware in front of everything: a request target longer than
  ``max_url_bytes`` is a 414, request headers larger than ``max_header_bytes`` a 431, both
  problem+json (also under servers other than uvicorn, and in the TestClient);
* :func:`http_protocol`, the uvicorn HTTP protocol ``itukg serve`` runs: httptools refuses a
  request it cannot parse (a 100 KB URL, a malformed request line) with uvicorn's plain-text
  400 before any app sees it. The subclass answers those as problem+json, and applies the two
  limits while parsing, below the parser's own limits, so a long URL is a 414 and headers of any
  size cannot be buffered without end.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from http import HTTPStatus
from typing import Any

Scope = MutableMapping[str, Any]
ASGIApp = Callable[..., Awaitable[None]]

PROBLEM = b"application/problem+json"


def problem_bytes(status: int, detail: str) -> bytes:
    """A problem+json body (``type`` about:blank). Raises nothing."""
    return json.dumps(
        {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    ).encode()


def url_problem(limit: int) -> tuple[int, str]:
    return 414, (f"request target longer than {limit} bytes (limit ITUKG_MAX_URL_BYTES); "
                 "send a long query with POST")


def header_problem(limit: int) -> tuple[int, str]:
    return 431, f"request headers larger than {limit} bytes (limit ITUKG_MAX_HEADER_BYTES)"


class EdgeLimits:
    """ASGI middleware: 414 / 431 problem+json for a too long target / too large headers."""

    def __init__(self, app: ASGIApp, *, max_url_bytes: int, max_header_bytes: int):
        self.app = app
        self.max_url = max_url_bytes
        self.max_headers = max_header_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            path = scope.get("raw_path") or scope["path"].encode()
            target = len(path) + len(scope.get("query_string", b""))
            found = None
            if target > self.max_url:
                found = url_problem(self.max_url)
            elif sum(len(k) + len(v) + 4 for k, v in scope["headers"]) > self.max_headers:
                found = header_problem(self.max_headers)
            if found is not None:
                await _answer(send, *found)
                return
        await self.app(scope, receive, send)


async def _answer(send: Any, status: int, detail: str) -> None:
    body = problem_bytes(status, detail)
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", PROBLEM), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})


class _Refused(Exception):
    """Raised from a parser callback: httptools turns it into HttpParserCallbackError."""


def http_protocol(max_url_bytes: int, max_header_bytes: int) -> type:
    """The uvicorn HTTP protocol class answering its own errors as problem+json, with the two
    limits applied while parsing. Raises ImportError without httptools."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class ProblemHttpToolsProtocol(HttpToolsProtocol):
        _refusal: tuple[int, str] | None = None
        _header_bytes = 0

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._header_bytes = 0

        def on_url(self, url: bytes) -> None:
            super().on_url(url)
            if len(self.url) > max_url_bytes:
                self._refusal = url_problem(max_url_bytes)
                raise _Refused

        def on_header(self, name: bytes, value: bytes) -> None:
            self._header_bytes += len(name) + len(value) + 4
            if self._header_bytes > max_header_bytes:
                self._refusal = header_problem(max_header_bytes)
                raise _Refused
            super().on_header(name, value)

        def send_400_response(self, msg: str) -> None:
            status, detail = self._refusal or (400, f"malformed HTTP request: {msg}")
            body = problem_bytes(status, detail)
            head = f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n".encode()
            for name, value in self.server_state.default_headers:
                head += name + b": " + value + b"\r\n"
            head += (b"content-type: " + PROBLEM + b"\r\ncontent-length: " + str(len(body)).encode()
                     + b"\r\nconnection: close\r\n\r\n")
            self.transport.write(head + body)
            self.transport.close()

    return ProblemHttpToolsProtocol
