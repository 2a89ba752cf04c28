"""RFC 9457 problem details: the one error representation of the whole service.

Every error leaves the service as ``application/problem+json``::

    {"type": "https://w3id.org/itukg/problem/query-timeout", "title": "Query timed out",
     "status": 503, "detail": "query timed out after 30 s", "instance": "/sparql"}

The mapping is done once, here (:func:`install`):

* :class:`itukg.errors.ItukgError` and subclasses → their ``status`` and ``title``; ``type`` is
  ``https://w3id.org/itukg/problem/<slug>`` (slug from the class name, listed in ``docs/api.md``);
  ``source``/``line`` (when the error has them) become extension members.
* :class:`fastapi.HTTPException` / Starlette's (404 unknown route, 405 wrong method, 406, ...)
  → ``type`` ``about:blank``, ``title`` the HTTP reason phrase; the exception's headers
  (``Allow``, ``WWW-Authenticate``) are kept. An exception may carry extra members in an
  attribute ``problem_extras`` (a dict).
* :class:`fastapi.exceptions.RequestValidationError` → 422 with the pydantic errors in
  ``errors``.
* anything else → 500 with a generic detail (the traceback goes to the log, not the client).

Routers raise exceptions; they never build error JSON themselves. Use :func:`problem` only where
a response object is needed outside an exception (middleware).
"""

from __future__ import annotations

import importlib
import inspect
import logging
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from itukg.errors import ItukgError

log = logging.getLogger("itukg.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://w3id.org/itukg/problem/"


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def _slug(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def problem_type(exc_class: type[ItukgError]) -> str:
    """The ``type`` IRI of a domain error class (e.g. QueryTimeout → ``.../query-timeout``)."""
    return PROBLEM_TYPE_BASE + _slug(exc_class.__name__)


@dataclass(frozen=True)
class ProblemType:
    """One problem ``type`` of the service: its slug (``/problem/<slug>``), title, HTTP status
    and what it means (the error class's docstring)."""

    slug: str
    title: str
    status: int
    description: str
    error_class: str


#: modules whose ItukgError subclasses can reach a client; imported before the classes are
#: listed, so the list does not depend on which routers happened to be imported already
ERROR_MODULES = ("itukg.errors", "itukg.graph.reads.params", "itukg.graph.reads.common",
                 "itukg.graph.reads.diff", "itukg.graph.audit.shapes")

#: the one type not named after a class: FastAPI's request validation (422, below)
VALIDATION = ProblemType(
    "invalid-parameter", "Invalid request parameter", 422,
    "A request parameter is missing, repeated or not of its declared type (checked by the "
    "service before anything runs); errors lists each parameter with its location and message.",
    "RequestValidationError")


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def problem_types() -> dict[str, ProblemType]:
    """Every problem type the service can answer with, by slug: one per class of the error
    vocabulary (:class:`itukg.errors.ItukgError` and its subclasses; private ones, named with a
    leading underscore, are skipped) and ``invalid-parameter``. Raises ImportError if a module
    of :data:`ERROR_MODULES` fails to import."""
    for mod in ERROR_MODULES:
        importlib.import_module(mod)
    found = {VALIDATION.slug: VALIDATION}
    for cls in [ItukgError, *_subclasses(ItukgError)]:
        if cls.__name__.startswith("_"):
            continue
        slug = _slug(cls.__name__)
        doc = inspect.cleandoc(cls.__dict__.get("__doc__") or "") or cls.title  # its own, not inherited
        found[slug] = ProblemType(slug, cls.title, cls.status, " ".join(doc.split()), cls.__name__)
    return dict(sorted(found.items()))


def problem(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    type_: str = "about:blank",
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extras: Any,
) -> ProblemResponse:
    """Build a problem+json response. Raises nothing."""
    body: dict[str, Any] = {
        "type": type_,
        "title": title or _reason(status),
        "status": status,
    }
    if detail is not None:
        body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
    for k, v in extras.items():
        if v is not None:
            body[k] = v
    return ProblemResponse(jsonable_encoder(body), status_code=status, headers=headers)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _instance(request: Request) -> str:
    return request.url.path


async def itukg_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, ItukgError)
    if exc.status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, exc)
    return problem(
        exc.status,
        str(exc),
        title=exc.title,
        type_=problem_type(type(exc)),
        instance=_instance(request),
        headers=getattr(exc, "headers", None),
        source=exc.source,
        line=exc.line,
        **(getattr(exc, "problem_extras", None) or {}),
    )


async def http_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    extras = dict(getattr(exc, "problem_extras", None) or {})
    if not isinstance(exc.detail, str) and exc.detail is not None:
        extras["errors"] = exc.detail
    if detail == _reason(exc.status_code):
        detail = None  # Starlette's default detail repeats the title
    if exc.status_code == 404 and detail is None:
        detail = f"nothing is served at {request.url.path}"
    if exc.status_code == 405 and detail is None:
        allow = (exc.headers or {}).get("Allow") or (exc.headers or {}).get("allow")
        detail = f"method {request.method} is not allowed here" + (f" (allowed: {allow})" if allow else "")
    offered = getattr(exc, "offered", None)
    if offered:
        extras["available"] = offered
    return problem(
        exc.status_code,
        detail,
        instance=_instance(request),
        headers=exc.headers,
        **extras,
    )


async def _validation_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for e in exc.errors():
        errors.append(
            {
                "loc": list(e.get("loc", ())),
                "msg": e.get("msg"),
                "type": e.get("type"),
            }
        )
    first = errors[0] if errors else None
    detail = "invalid request"
    if first:
        where = ".".join(str(x) for x in first["loc"])
        detail = f"{where}: {first['msg']}" if where else str(first["msg"])
    return problem(
        422,
        detail,
        type_=PROBLEM_TYPE_BASE + "invalid-parameter",
        title="Invalid request parameter",
        instance=_instance(request),
        errors=errors,
    )


async def _unexpected(request: Request, exc: Exception) -> ProblemResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        500,
        "an unexpected error occurred; it has been logged",
        instance=_instance(request),
    )


def install(app: FastAPI) -> None:
    """Register the problem+json handlers on ``app``. Raises nothing."""
    app.add_exception_handler(ItukgError, itukg_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
