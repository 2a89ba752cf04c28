"""``/snapshots/``: the published snapshots of ``ITUKG_PUBLISH_DIR`` (``itukg publish``).

``/snapshots/`` is the latest snapshot's VoID/DCAT description, ``/snapshots/latest`` its dump,
``/snapshots/{name}/{file}`` any file of any kept snapshot (``name`` may be ``latest``). Files are
served as written (the dump stays gzip, so its bytes match the published sha256); versioned
paths are immutable and cached for a year, ``latest`` paths are revalidated (ETag: the dump's
sha256). Nothing is published: 404 problem+json.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from itukg.api.deps import SettingsDep
from itukg.errors import NotFound
from itukg.graph.publish import Snapshot, find
from itukg.graph.publish.layout import DESCRIPTION, DUMP, LATEST, MANIFEST, SUMS

router = APIRouter(tags=["snapshots"])

MEDIA = {DUMP: "application/gzip", DESCRIPTION: "text/turtle; charset=utf-8",
         MANIFEST: "application/json", SUMS: "text/plain; charset=utf-8"}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_404 = {404: {"description": "nothing published (ITUKG_PUBLISH_DIR unset or empty), or no such "
              "snapshot or file"}}


def _root(settings) -> Path:
    if settings.publish_dir is None:
        raise NotFound("this service publishes no snapshots (ITUKG_PUBLISH_DIR is not set)")
    return Path(settings.publish_dir)


def _file(snap: Snapshot, name: str, file: str, request: Request) -> Response:
    """One file of a snapshot as a response (304 when the client has the dump it names by
    ``If-None-Match``). Raises NotFound when it is missing."""
    base = str(request.base_url)
    path = snap.file(file)
    if not path.is_file():
        raise NotFound(f"snapshot {snap.name} has no {file}")
    headers = {
        "Cache-Control": REVALIDATE if name == LATEST else IMMUTABLE,
        "Link": f'<{base}snapshots/{snap.name}/{DESCRIPTION}>; rel="describedby", '
                f'<{base}snapshots/{snap.name}/{DUMP}>; rel="alternate"',
        "X-Itukg-Snapshot": snap.name,
    }
    if file == DUMP:  # the checksum mirrors compare: a changed dump has another ETag
        headers["ETag"] = f'"{snap.manifest["dump"]["sha256"]}"'
        if headers["ETag"] in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
    filename = f"itukg-{snap.name}.nq.gz" if file == DUMP else None
    return FileResponse(path, media_type=MEDIA[file], headers=headers, filename=filename)


@router.head("/snapshots/", include_in_schema=False)
@router.get("/snapshots/", summary="The latest snapshot's VoID/DCAT description", responses=_404,
            response_class=FileResponse)
def description(request: Request, settings: SettingsDep) -> Response:
    """Turtle: the dataset, this version (`dcat:version`, `dcat:previousVersion`,
    `prov:wasRevisionOf`), triples per graph, sources and licences, and the dump's download URL,
    size and sha256."""
    snap = find(_root(settings), LATEST)
    return _file(snap, LATEST, DESCRIPTION, request)


@router.head("/snapshots/latest", include_in_schema=False)
@router.get("/snapshots/latest", summary="The latest snapshot's dump (N-Quads, gzip)",
            responses=_404, response_class=FileResponse)
def latest_dump(request: Request, settings: SettingsDep) -> Response:
    """The dump as written (`application/gzip`; gunzip gives N-Quads, graphs in IRI order,
    lines sorted). ETag: its sha256. Ranges are served, so a mirror can resume."""
    snap = find(_root(settings), LATEST)
    return _file(snap, LATEST, DUMP, request)


@router.head("/snapshots/{name}/{file}", include_in_schema=False)
@router.get("/snapshots/{name}/{file}", summary="A file of one snapshot", responses=_404,
            response_class=FileResponse)
def snapshot_file(name: str, file: str, request: Request, settings: SettingsDep) -> Response:
    """`name`: `latest` or a snapshot (`v0003-20261202T221500Z`); `file`: `itukg.nq.gz`,
    `void.ttl`, `snapshot.json` (facts and the changes since the previous snapshot: triples
    added and removed per graph) or `SHA256SUMS`."""
    snap = find(_root(settings), name)
    return _file(snap, name, file, request)
