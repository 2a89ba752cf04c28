"""FastAPI dependencies as ``Annotated`` aliases: what a route handler may ask for.

Use them as parameter types::

    from itukg.api.deps import ExecutorDep, SettingsDep

    @router.get("/api/outputs")
    async def outputs(executor: ExecutorDep, settings: SettingsDep): ...

* ``SettingsDep``: the :class:`itukg.settings.Settings` the app was created with.
* ``ExecutorDep``: the :class:`itukg.graph.store.pool.Executor`: run EVERY query through it (deadline,
  size caps, no network).
* ``StoreDep``: the read-only :class:`itukg.graph.store.Store` opened in the main process, for
  cheap metadata only (``graphs()``), called from a plain ``def`` handler (threadpool) or via
  ``run_in_threadpool``; never for queries.

The dependency functions are ``async`` (they never block), so resolving them costs no thread
hop: FastAPI runs plain ``def`` dependencies in its threadpool, which cost ~0.25 ms each per
request in our measurements.

All three come from ``app.state`` (set up in :func:`itukg.api.app.create_app`'s lifespan), so a
test can build an app with its own settings and store; nothing is module-level.
"""

from __future__ import annotations

import importlib
import threading
import time
from typing import Annotated

from fastapi import Depends, Request

from itukg.errors import StoreError
from itukg.graph.store import Store, store_generation
from itukg.graph.store.pool import Executor
from itukg.settings import Settings


async def get_settings(request: Request) -> Settings:
    """The app's settings. Raises nothing."""
    return request.app.state.settings


async def get_executor(request: Request) -> Executor:
    """The query executor. Raises StoreError (503) if the app was started without one."""
    executor = getattr(request.app.state, "executor", None)
    if executor is None:
        raise StoreError("the query service is not running")
    return executor


_reopen_lock = threading.Lock()


async def get_store(request: Request) -> Store:
    """The main process's read-only store, reopened when a build or update has published a new
    generation (checked at most twice a second). Raises StoreError (503) if none is open."""
    state = request.app.state
    store = getattr(state, "store", None)
    if store is None:
        raise StoreError("the store is not open")
    now = time.monotonic()
    if now - getattr(state, "store_checked", 0.0) > 0.5:
        with _reopen_lock:
            state.store_checked = now
            gen = store_generation(state.settings)
            if gen is not None and gen != getattr(state, "store_generation", None):
                mod, _, fn = state.opener.partition(":")
                fresh = getattr(importlib.import_module(mod), fn)(state.settings, read_only=True)
                # the old handle is not closed: a request may still be using it; it is
                # released when the last reference goes
                state.store, state.store_generation = fresh, gen
    return state.store


SettingsDep = Annotated[Settings, Depends(get_settings)]
ExecutorDep = Annotated[Executor, Depends(get_executor)]
StoreDep = Annotated[Store, Depends(get_store)]
