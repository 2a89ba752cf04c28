"""FastAPI dependencies as ``Annotated`` aliases: what a route handler may ask for.

Use them as parameter types::

    from itukg.api.deps import ExecutorDep, SettingsDep

    @router.get("/api/outputs")
    async def outputs(executor: ExecutorDep, settings: SettingsDep): ...

* ``SettingsDep``: the :class:`itukg.settings.Settings` the app was created with.
* ``ExecutorDep``: the :class:`itukg.api.executor.Executor`: run EVERY query through it (deadline,
  size caps, no network).
* ``StoreDep``: the read-only :class:`itukg.graph.store.Store` opened in the main process, for
  cheap metadata only (``graphs()``), called from a plain ``def`` handler (threadpool) or via
  ``run_in_threadpool``; never for queries.

All three come from ``app.state`` (set up in :func:`itukg.api.app.create_app`'s lifespan), so a
test can build an app with its own settings and store; nothing is module-level.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from itukg.api.executor import Executor
from itukg.errors import StoreError
from itukg.graph.store import Store
from itukg.settings import Settings


def get_settings(request: Request) -> Settings:
    """The app's settings. Raises nothing."""
    return request.app.state.settings


def get_executor(request: Request) -> Executor:
    """The query executor. Raises StoreError (503) if the app was started without one."""
    executor = getattr(request.app.state, "executor", None)
    if executor is None:
        raise StoreError("the query service is not running")
    return executor


def get_store(request: Request) -> Store:
    """The main process's read-only store. Raises StoreError (503) if none is open."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise StoreError("the store is not open")
    return store


SettingsDep = Annotated[Settings, Depends(get_settings)]
ExecutorDep = Annotated[Executor, Depends(get_executor)]
StoreDep = Annotated[Store, Depends(get_store)]
