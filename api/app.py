"""The service's application factory.

``create_app(settings)`` builds a FastAPI app; nothing is created at import time (no module-level
app or settings). uvicorn starts it through :mod:`itukg.commands.serve` (``factory=True``).

* ``lifespan``: checks the settings (:meth:`Settings.check_for_serving`), opens the store
  read-only in this process (``app.state.store``) and starts the query executor's worker
  processes (``app.state.executor``); closes both on shutdown.
* Errors: RFC 9457 problem+json everywhere (:mod:`itukg.api.problems`).
* CORS: every origin, no credentials (the endpoints are read-only and public).
* OpenAPI: :func:`itukg.api.openapi.build_openapi` (problem+json everywhere, each named query
  with its parameters); ``/docs`` and ``/redoc`` load their assets from the service.
* Routers: every module of :mod:`itukg.api.routers` that exposes ``router`` is mounted.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

from itukg import __version__
from itukg.api import problems
from itukg.api.edges import EdgeLimits
from itukg.api.fastpath import SparqlFastPath
from itukg.api.limits import ClientLimits
from itukg.api.openapi import build_openapi
from itukg.graph.store.pool import Executor
from itukg.graph.store.workers import DEFAULT_OPENER
from itukg.settings import Settings

log = logging.getLogger("itukg.api")

CORS_EXPOSE = ["Content-Type", "Content-Length", "Content-Location", "Link", "Vary"]


def discover_routers() -> list[tuple[str, object]]:
    """``(module name, router)`` of every module in :mod:`itukg.api.routers`, in inclusion
    order (``ORDER`` then name). Raises ImportError if a router module fails to import."""
    import itukg.api.routers as pkg

    found = []
    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if router is not None:
            found.append((getattr(module, "ORDER", 50), info.name, router))
    found.sort(key=lambda t: (t[0], t[1]))
    return [(name, router) for _, name, router in found]


def _lifespan(settings: Settings, opener: str):
    """The app's lifespan: open the store read-only, start the query executor (and the updater
    when updates are enabled), close them at shutdown. Raises as :func:`create_app` says."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.check_for_serving()
        mod, _, fn = opener.partition(":")
        open_fn = getattr(importlib.import_module(mod), fn)
        from itukg.graph.store import store_generation

        app.state.store_generation = store_generation(settings)
        app.state.store = await run_in_threadpool(open_fn, settings, read_only=True)
        executor = Executor(settings, opener=opener)
        try:
            await executor.start()
        except BaseException:
            app.state.store.close()
            raise
        app.state.executor = executor
        app.state.updater = None
        if settings.allow_updates:
            # one writer: a single worker applies updates to a private copy of the store and
            # publishes it; the query workers see the new generation on their next query
            updater = Executor(settings, workers=1, opener=opener)
            try:
                await updater.start()
            except BaseException:
                await executor.close()
                app.state.store.close()
                raise
            app.state.updater = updater
        log.info("itukg service ready: store %s, %d query workers", settings.store, executor.size)
        try:
            yield
        finally:
            await executor.close()
            if app.state.updater is not None:
                await app.state.updater.close()
            app.state.store.close()
            app.state.executor = None
            app.state.store = None

    return lifespan


def create_app(settings: Settings, *, opener: str = DEFAULT_OPENER) -> FastAPI:
    """Build the app for ``settings``.

    ``opener`` (``"module:function"``, called as ``function(settings, read_only=True)``)
    opens the store, in this process and in each query worker; the default is
    :func:`itukg.graph.store.open_store`.

    Raises nothing itself; at startup the lifespan raises ``ValueError`` when updates are
    enabled without a strong token and :class:`itukg.errors.StoreError` when the store cannot
    be opened (the server then refuses to start).
    """

    lifespan = _lifespan(settings, opener)

    app = FastAPI(
        title="itukg",
        version=__version__,
        description=(
            "A knowledge graph of ITU-D mandates and their links to the UN SDGs: a SPARQL 1.1 "
            "endpoint, a traceability API and linked-data IRIs. Errors are RFC 9457 "
            "problem+json."
        ),
        lifespan=lifespan,
        # /docs and /redoc come from api/routers/editor.py, with their assets served here
        docs_url=None,
        redoc_url=None,
    )
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    app.state.settings = settings
    app.state.opener = opener
    app.state.store = None
    app.state.executor = None
    app.state.updater = None
    app.state.limits = ClientLimits(settings)  # per client on /sparql (decision 0124)
    problems.install(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=CORS_EXPOSE,
        max_age=600,
    )
    # outermost: the query operation of /sparql skips routing and middleware (decision 0076);
    # it sends the CORS headers above itself
    app.add_middleware(SparqlFastPath, state=app.state, cors_expose=", ".join(CORS_EXPOSE))
    # in front of everything: a too long URL or too large headers are refused as problem+json
    # (decision 0126)
    app.add_middleware(
        EdgeLimits, max_url_bytes=settings.max_url_bytes, max_header_bytes=settings.max_header_bytes
    )

    @app.get("/health", tags=["service"], summary="Liveness: the store is open and workers run")
    async def health() -> dict:
        ex = app.state.executor
        return {
            "status": "ok" if ex is not None else "starting",
            "store": str(settings.store),
            "queryWorkers": ex.size if ex is not None else 0,
            # where each worker read at its last answer: memory, loading (a copy is under
            # way, disk meanwhile), disk (ITUKG_QUERY_STORE, decision 0075) or server (a
            # remote store)
            "queryStore": ex.engines if ex is not None else [],
            "updates": settings.allow_updates,
            # the second wall (decision 0128): isolated, or "not isolated: <why>", or off
            "network": ex.network if ex is not None else "unknown",
        }

    for name, router in discover_routers():
        app.include_router(router)  # type: ignore[arg-type]
        log.debug("mounted router %s", name)
    return app
