"""Routers of the service, discovered by :func:`itukg.api.app.create_app`.

Add a module here exposing ``router: fastapi.APIRouter`` and it is mounted, without editing
``app.py``. Modules are included in name order; a module may define ``ORDER: int`` (default 50)
to be included earlier (lower) or later, e.g. a catch-all linked-data route should come last.
Handlers get settings, the executor and the store through :mod:`itukg.api.deps`, raise
exceptions (:mod:`itukg.errors`, ``HTTPException``) and let :mod:`itukg.api.problems` turn them
into problem+json.
"""
