"""The published snapshots on disk: one folder per snapshot, a ``latest`` link, a lock.

Layout of a publish directory (``itukg publish DIR``, ``ITUKG_PUBLISH_DIR``)::

    DIR/
      .lock                               publishers take an exclusive flock on it
      latest -> v0002-20261202T221500Z    the newest complete snapshot
      v0001-20261202T210000Z/             one snapshot: version, then UTC time
        itukg.nq.gz                       the dump (N-Quads, gzip, deterministic)
        void.ttl                          its VoID/DCAT description
        snapshot.json                     the same facts for programs, and the changes
        SHA256SUMS                        for ``sha256sum -c``
      v0002-20261202T221500Z/
      .tmp-v0003-...-<pid>/               a publisher at work (removed if it was killed)

A snapshot is written into a ``.tmp-`` folder and renamed into place when complete, then
``latest`` is switched by renaming a new link over it (both atomic on POSIX): a reader sees the
old snapshot or the new one, never half of one (decision 0180).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from itukg.errors import NotFound, StoreError

LATEST = "latest"
LOCK = ".lock"
TMP_PREFIX = ".tmp-"
DUMP = "itukg.nq.gz"
DESCRIPTION = "void.ttl"
MANIFEST = "snapshot.json"
SUMS = "SHA256SUMS"
FILES = (DUMP, DESCRIPTION, MANIFEST, SUMS)
_NAME = re.compile(r"^v(\d{4,})-(\d{8}T\d{6}Z)$")
# what publishers write aside: a snapshot folder or the new link, suffixed with their pid
_LEFTOVER = re.compile(r"^\.tmp-(v\d{4,}-\d{8}T\d{6}Z|latest)-\d+$")


@dataclass(frozen=True)
class Snapshot:
    """One complete snapshot folder and what its ``snapshot.json`` says."""

    path: Path
    manifest: dict

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def version(self) -> int:
        return int(self.manifest["version"])

    def file(self, name: str) -> Path:
        """One of :data:`FILES`. Raises :class:`NotFound` for any other name."""
        if name not in FILES:
            raise NotFound(f"a snapshot has no file {name!r} (one of: {', '.join(FILES)})")
        return self.path / name


def snapshot_name(version: int, when: float) -> str:
    return f"v{version:04d}-" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(when))


def is_snapshot_name(name: str) -> bool:
    return _NAME.match(name) is not None


def read_snapshot(path: Path) -> Snapshot:
    """The snapshot in folder ``path``. Raises :class:`NotFound` when it is not a complete
    snapshot (no readable ``snapshot.json``)."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NotFound(f"no complete snapshot at {path}") from None
    return Snapshot(path, manifest)


def snapshots(root: Path) -> list[Snapshot]:
    """The complete snapshots in ``root``, oldest first (by version). Raises nothing (a
    missing folder has none)."""
    found = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return []
    for p in entries:
        if is_snapshot_name(p.name) and p.is_dir() and not p.is_symlink():
            try:
                found.append(read_snapshot(p))
            except NotFound:
                continue
    return sorted(found, key=lambda s: s.version)


def latest(root: Path) -> Snapshot | None:
    """The snapshot ``root/latest`` points at, or ``None`` when nothing was published. One
    ``readlink``: the service calls it per request. Raises :class:`StoreError` when the link
    points at something that is not a snapshot."""
    link = root / LATEST
    try:
        target = os.readlink(link)
    except OSError:
        return None
    if not is_snapshot_name(target):
        raise StoreError(f"{link} points at {target!r}, not a snapshot")
    try:
        return read_snapshot(root / target)
    except NotFound:
        raise StoreError(f"the publish directory {root} is damaged: {link} points at a missing "
                         f"or incomplete snapshot {target}") from None


def find(root: Path, name: str) -> Snapshot:
    """``latest`` or one snapshot by name. Raises :class:`NotFound`."""
    if name == LATEST:
        snap = latest(root)
        if snap is None:
            raise NotFound("nothing has been published yet (run itukg publish)")
        return snap
    if not is_snapshot_name(name):  # also keeps '..' and '/' out
        raise NotFound(f"no snapshot {name!r}")
    return read_snapshot(root / name)


class PublishLock:
    """An exclusive ``flock`` on ``DIR/.lock``: one publisher per directory at a time, so two
    never take the same version number. Raises :class:`StoreError` when another publisher
    holds it for longer than ``wait`` seconds or the directory cannot be written."""

    def __init__(self, root: Path, *, wait: float = 30.0):
        self.root, self.wait, self.fd = root, wait, None

    def __enter__(self) -> PublishLock:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot write the publish directory {self.root}: "
                             f"{exc.strerror or exc}") from None
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                    os.close(fd)
                    raise StoreError(f"another itukg publish is writing {self.root}") from None
                time.sleep(0.1)
        self.fd = fd
        _remove_leftovers(self.root)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def _remove_leftovers(root: Path) -> None:
    """Remove what a killed publisher left (``.tmp-`` folders and links; nothing else, should
    the directory hold other files). Lock held."""
    for p in root.iterdir():
        if _LEFTOVER.match(p.name):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


def workspace(root: Path, name: str) -> Path:
    """A fresh folder to write snapshot ``name`` into (lock held). Raises ``OSError``."""
    tmp = root / f"{TMP_PREFIX}{name}-{os.getpid()}"
    tmp.mkdir()
    return tmp


def finish(root: Path, tmp: Path, name: str) -> Path:
    """Move the written snapshot into place and point ``latest`` at it (lock held). Returns
    its folder. Raises ``OSError``; ``latest`` is unchanged unless the last rename happened."""
    for f in tmp.iterdir():
        _fsync(f)
    final = root / name
    os.rename(tmp, final)
    link = root / f"{TMP_PREFIX}{LATEST}-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(name, link)
    os.replace(link, root / LATEST)
    _fsync(root)
    return final


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
