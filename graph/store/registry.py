"""Which module implements the store: backend name → module (decision 0082).

``settings.store_backend`` (``ITUKG_STORE_BACKEND``, default ``oxigraph``) names the backend;
``settings.store`` is its location (a directory for ``oxigraph``; a URL for a remote one). A new
backend is ONE module providing the functions of
:class:`itukg.graph.store.protocol.Backend` plus one line in :data:`BACKENDS`
(``docs/store.md``, "Adding a backend").
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from itukg.errors import StoreError

if TYPE_CHECKING:  # pragma: no cover
    from itukg.settings import Settings

BACKENDS: dict[str, str] = {
    "oxigraph": "itukg.graph.store.generations",  # embedded pyoxigraph on RocksDB, generations
}


def backend(settings: Settings) -> ModuleType:
    """The backend module of ``settings``. Raises StoreError for an unknown backend name."""
    name = settings.store_backend
    try:
        return importlib.import_module(BACKENDS[name])
    except KeyError:
        raise StoreError(
            f"unknown store backend {name!r} (one of: {', '.join(sorted(BACKENDS))})"
        ) from None
