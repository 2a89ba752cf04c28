"""Published snapshots: ``itukg publish DIR`` and what the service serves from
``ITUKG_PUBLISH_DIR`` (docs/deploy.md "Published snapshots"; decisions 0180-0183).

:func:`publish` writes a dated, versioned snapshot of the published store generation: the dump
(:mod:`.dump`), its VoID/DCAT description (:mod:`.describe`), ``snapshot.json`` (the same facts
and the changes since the previous snapshot, :mod:`.changes`) and ``SHA256SUMS``, aside, then
switched in (:mod:`.layout`). :func:`latest` and :func:`find` are what readers use.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from itukg.errors import StoreError
from itukg.graph.publish import layout
from itukg.graph.publish.changes import compare
from itukg.graph.publish.describe import describe, download_url, snapshot_iri
from itukg.graph.publish.dump import COMPRESSION, MEDIA_TYPE, Progress, write_dump
from itukg.graph.publish.layout import Snapshot, find, latest, snapshots
from itukg.graph.reads import void
from itukg.graph.store import open_store
from itukg.settings import Settings

__all__ = ["Published", "Snapshot", "find", "latest", "publish", "snapshots"]


@dataclass(frozen=True)
class Published:
    """The outcome of :func:`publish`: the snapshot written (or the previous one, unchanged)."""

    snapshot: Snapshot
    written: bool


def publish(settings: Settings, root: Path, *, service_url: str | None = None,
            force: bool = False, progress: Progress | None = None) -> Published:
    """Publish the store's current generation into ``root`` as the next version.

    ``service_url``: where the service that serves ``root`` lives (download URLs and the SPARQL
    endpoint in the description; default: the base IRI). When the dump is byte-identical to the
    latest snapshot's, nothing is written (``written=False``) unless ``force``.

    Raises :class:`~itukg.errors.StoreError` (no store, a busy or unwritable directory),
    ``DataError`` (an unreadable previous dump); ``OSError`` is turned into ``StoreError``. On
    any error or interrupt nothing of the new snapshot stays and ``latest`` is unchanged."""
    root = Path(root).absolute()
    store_dir = Path(settings.store).absolute()
    if root == store_dir or store_dir in root.parents:
        raise StoreError(f"{root} is inside the store {store_dir}: publish into another directory")
    service_url = (service_url or settings.base_iri).rstrip("/")
    say = progress or (lambda _m: None)
    with open_store(settings, read_only=True) as store, layout.PublishLock(root):
        previous = latest(root)
        version = max((s.version for s in snapshots(root)), default=0) + 1
        now = time.time()
        name = layout.snapshot_name(version, now)
        tmp = None
        try:
            tmp = layout.workspace(root, name)
            say(f"writing snapshot {name} of store generation {store.info().generation}")
            dump = write_dump(store, tmp / layout.DUMP, say)
            if previous is not None and not force and previous.manifest["dump"]["sha256"] == dump.sha256:
                say(f"the graph is unchanged since {previous.name}: nothing published "
                    "(--force publishes anyway)")
                return Published(previous, written=False)
            manifest = _manifest(settings, store, name, version, now, dump, previous, service_url)
            if previous is not None:
                say(f"comparing with {previous.name}")
                manifest["changes"] = {"previous": previous.name,
                                       **compare(previous.file(layout.DUMP), tmp / layout.DUMP)}
            g = describe(store, settings, service_url=service_url, manifest=manifest, dump=dump)
            (tmp / layout.DESCRIPTION).write_bytes(void.serialize(g, "turtle"))
            (tmp / layout.MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                               encoding="utf-8")
            (tmp / layout.SUMS).write_text(f"{dump.sha256}  {layout.DUMP}\n", encoding="ascii")
            final = layout.finish(root, tmp, name)
            tmp = None
        except OSError as exc:
            raise StoreError(f"cannot write the snapshot into {root}: {exc.strerror or exc}") from None
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
    say(f"published {final}")
    return Published(layout.read_snapshot(final), written=True)


def _manifest(settings: Settings, store, name: str, version: int, now: float, dump,
              previous: Snapshot | None, service_url: str) -> dict:
    """``snapshot.json`` (the ``changes`` are added by the caller). Raises nothing."""
    return {
        "name": name,
        "version": version,
        "issued": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
        "iri": str(snapshot_iri(settings, name)),
        "store_generation": store.info().generation,
        "previous": previous.name if previous is not None else None,
        "dump": {"file": layout.DUMP, "url": str(download_url(service_url, name)),
                 "media_type": MEDIA_TYPE, "compression": COMPRESSION,
                 "bytes": dump.bytes, "sha256": dump.sha256},
        "triples": dump.triples,
        "graphs": dump.graphs,
        "changes": None,
    }
