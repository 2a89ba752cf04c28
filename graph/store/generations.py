"""The embedded backend's life on disk: generations, the writer lock, the ``current`` link.

Layout: ``<store>/current`` is a symlink to one generation directory
``<store>/gen-<timestamp>-<pid>/`` holding ``db/`` (RocksDB), ``generation.json`` (written at
commit: a generation without it is incomplete) and, once a query worker copied it,
``snapshot.nq`` (:mod:`itukg.graph.store.snapshot`). A writer (build, load, audit, update)
takes ``<store>/.lock``, writes a new generation aside and switches the link atomically when it
is complete (:class:`Generation`), so a failed or interrupted writer leaves the previous store
as it was; readers never take the lock.

This module is the backend registered as ``oxigraph`` (:mod:`itukg.graph.store.registry`): its
module-level :func:`open`, :func:`generation`, :func:`info` and :func:`begin` are the
:class:`~itukg.graph.store.protocol.Backend` functions. Nothing outside ``graph/store/`` reads
this layout.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
from pathlib import Path
from typing import IO

from itukg.errors import StoreError
from itukg.graph.store.oxigraph import OxigraphStore, WriterSession, database_bytes
from itukg.graph.store.protocol import RDFFormat
from itukg.graph.store.protocol import StoreInfo

CURRENT = "current"
GEN_PREFIX = "gen-"
META = "generation.json"
LOCK = ".lock"


def _now_stamp() -> str:
    t = time.time()
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(t)) + f"{int((t % 1) * 1e6):06d}Z"


def current_generation(root: str | os.PathLike[str]) -> Path | None:
    """The generation directory ``<root>/current`` points at, or ``None`` when there is no
    store. Cheap (one ``readlink``): a long-running reader calls it to notice a new build and
    reopen. Raises :class:`StoreError` when ``current`` points at something missing."""
    link = Path(root) / CURRENT
    try:
        target = os.readlink(link)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"{link} is not a store link: {exc}") from None
    gen = (Path(root) / target).resolve()
    if not (gen / "db").is_dir():
        raise StoreError(f"the store at {root} is damaged: {link} points at missing {gen}")
    return gen


def is_complete(gen: Path) -> bool:
    return (gen / META).is_file()


def _read_meta(gen: Path) -> dict[str, object]:
    try:
        return json.loads((gen / META).read_text())
    except (OSError, ValueError):
        return {}


class _StoreLock:
    """An exclusive ``flock`` on ``<root>/.lock``: one writer (build, load, audit...) at a time.
    Readers never take it."""

    def __init__(self, root: Path, *, wait: float = 30.0):
        self.path = root / LOCK
        self.wait = wait
        self.fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                    os.close(fd)
                    raise StoreError(
                        f"another itukg process is writing the store at {self.path.parent} "
                        f"(waited {self.wait:.0f} s)"
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def _check_store_dir(root: Path) -> None:
    """Refuse to manage a directory that holds anything but an itukg store."""
    if not root.exists():
        return
    if not root.is_dir():
        raise StoreError(f"{root} exists and is not a directory")
    strangers = [
        p.name
        for p in root.iterdir()
        if not (p.name in (CURRENT, LOCK) or p.name.startswith((GEN_PREFIX, CURRENT + ".tmp-")))
    ]
    if strangers:
        raise StoreError(
            f"{root} is not an itukg store (it holds {', '.join(sorted(strangers)[:5])}); "
            "choose an empty or new directory with --store"
        )


def _collect_garbage(root: Path, keep: set[Path]) -> list[Path]:
    """Remove generations not in ``keep`` and leftover temporary links. Call with the lock
    held. Returns the removed paths."""
    removed = []
    for p in root.iterdir():
        if p.name.startswith(CURRENT + ".tmp-"):
            p.unlink(missing_ok=True)
        elif p.name.startswith(GEN_PREFIX) and p.resolve() not in keep:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def remove_leftovers(root: Path) -> list[Path]:
    """Remove what interrupted writers left (generation directories without ``generation.json``,
    temporary ``current`` links) when no writer holds the lock; complete generations stay (a
    reader may hold them; writers remove them at a switch). Any command that opens the store
    calls it, so a ``kill -9``'d load does not leave up to a GB on disk until the next write
    (decision 0121). Returns the removed paths; raises nothing (a store this process cannot
    write, or a busy lock, just skips the cleanup)."""
    try:
        fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return []
    removed: list[Path] = []
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # never wait: a writer is at work
    except OSError:
        os.close(fd)
        return []
    try:
        for p in root.iterdir():
            if p.name.startswith(CURRENT + ".tmp-"):
                p.unlink(missing_ok=True)
            elif p.name.startswith(GEN_PREFIX) and p.is_dir() and not is_complete(p):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    except OSError:
        pass
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    return removed


class Generation:
    """One generation of the store being written aside.

    ``Generation.begin(root)`` takes the writer lock, removes leftovers of interrupted writers,
    creates ``<root>/gen-<timestamp>-<pid>`` (empty, or a copy of the current generation with
    ``copy_current=True``: RocksDB's backup hard-links the immutable table files, so the copy is
    cheap) and opens it read-write as :attr:`store`. :meth:`commit` closes it, marks it
    complete, switches ``current`` to it atomically (a new symlink renamed over the old one)
    and removes older generations except the one just replaced, which a reader may still hold
    open (it goes at the next switch). :meth:`abort` (also on an exception inside ``with``)
    deletes the new generation; ``current`` never changed.

    Raises :class:`StoreError` when the store is busy, damaged or not an itukg store.
    """

    def __init__(self, root: Path, path: Path, store: OxigraphStore, lock: _StoreLock,
                 previous: Path | None, kind: str):
        self.root = root
        self.path = path
        self.store = store
        self._lock = lock
        self.previous = previous
        self.kind = kind
        self.done = False

    @classmethod
    def begin(cls, root: str | os.PathLike[str], *, copy_current: bool = False,
              kind: str = "build", lock_wait: float = 30.0) -> Generation:
        root = Path(root).absolute()
        _check_store_dir(root)
        root.mkdir(parents=True, exist_ok=True)
        lock = _StoreLock(root, wait=lock_wait)
        lock.acquire()
        try:
            previous = current_generation(root)
            keep = {previous} if previous else set()
            if previous is not None:
                prev_prev = _read_meta(previous).get("previous")
                if isinstance(prev_prev, str) and is_complete(root / prev_prev):
                    keep.add((root / prev_prev).resolve())
            _collect_garbage(root, keep)
            if copy_current and previous is None:
                raise StoreError(f"no store at {root}; run itukg build")
            path = root / f"{GEN_PREFIX}{_now_stamp()}-{os.getpid()}"
            path.mkdir()
            if copy_current:
                assert previous is not None
                src = OxigraphStore(previous / "db", read_only=True)
                try:
                    src.backup(path / "db")
                finally:
                    src.close()
            store = OxigraphStore(path / "db", location=str(root), generation=path.name)
        except BaseException:
            lock.release()
            raise
        return cls(root, path, store, lock, previous, kind)

    def bulk_load(self, data: bytes | IO[bytes], fmt: RDFFormat, graph: str | None = None, *,
                  validated: bool = False) -> None:
        """See :meth:`OxigraphStore.bulk_load`."""
        self.store.bulk_load(data, fmt, graph, validated=validated)

    def commit(self, **info: object) -> str:
        """Make this generation current. Returns its name (the generation id). Raises :class:`StoreError` if
        already committed or aborted."""
        if self.done:
            raise StoreError("this generation is already finished")
        try:
            self.store.close()
            meta = {
                "kind": self.kind,
                "created": _now_stamp(),
                "pid": os.getpid(),
                "previous": self.previous.name if self.previous else None,
                **info,
            }
            tmp_meta = self.path / (META + ".tmp")
            tmp_meta.write_text(json.dumps(meta, indent=2, default=str))
            os.replace(tmp_meta, self.path / META)
            tmp_link = self.root / f"{CURRENT}.tmp-{os.getpid()}"
            tmp_link.unlink(missing_ok=True)
            os.symlink(self.path.name, tmp_link)
            os.replace(tmp_link, self.root / CURRENT)
            _fsync_dir(self.root)
            keep = {self.path.resolve()}
            if self.previous is not None:
                keep.add(self.previous.resolve())
            _collect_garbage(self.root, keep)
        except BaseException:
            if current_generation(self.root) != self.path.resolve():
                self._remove()
            raise
        finally:
            self.done = True
            self._lock.release()
        return self.path.name

    def _remove(self) -> None:
        self.store.close()
        shutil.rmtree(self.path, ignore_errors=True)

    def abort(self) -> None:
        """Discard this generation; the current one is untouched. Idempotent."""
        if self.done:
            return
        try:
            self._remove()
        finally:
            self.done = True
            self._lock.release()

    def __enter__(self) -> Generation:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None or not self.done:
            self.abort()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class WritableStore(WriterSession):
    """A writer session on the store (see :func:`open` and :class:`WriterSession`): writes go
    into a private copy of the current generation, published as a new generation."""

    def __init__(self, generation: Generation):
        self._generation = generation
        super().__init__(generation.store, location=generation.store.location,
                         generation=generation.path.name)

    def _finished(self) -> bool:
        return self._generation.done

    def _publish(self) -> None:
        self._generation.commit()

    def _discard(self) -> None:
        self._generation.abort()


# -- the Backend functions (itukg.graph.store.protocol.Backend) -------------------------------
def generation(location: str | os.PathLike[str]) -> str | None:
    """Name of the generation ``current`` points at (``None`` when there is no store). Raises
    StoreError when the store is damaged."""
    root = Path(location)
    gen = current_generation(root) if root.is_dir() else None
    return gen.name if gen is not None else None


def info(location: str | os.PathLike[str]) -> StoreInfo | None:
    """The current generation's info without opening it (``None`` when there is no store).
    Raises StoreError when the store is damaged."""
    root = Path(location)
    gen = current_generation(root) if root.is_dir() else None
    if gen is None:
        return None
    return StoreInfo(engine="oxigraph-rocksdb", location=str(root), generation=gen.name,
                     size=database_bytes(gen / "db"), read_only=True, session="reader")


def open(location: str | os.PathLike[str], *, read_only: bool) -> OxigraphStore:  # noqa: A001
    """Read-only: the current generation (any number of readers, in any processes; a reader
    keeps the generation it opened until it reopens, see :func:`generation`). Writable: a
    :class:`WritableStore`, a private copy of the current generation that becomes current when
    closed (only if something was written); writers are serialised by the lock.

    Raises StoreError ("no store at ...; run itukg build") when there is no store, and when it
    is damaged or busy."""
    root = Path(location)
    gen = current_generation(root) if root.is_dir() else None
    if gen is None:
        raise StoreError(f"no store at {root}; run itukg build")
    if read_only:
        remove_leftovers(root)
        return OxigraphStore(gen / "db", read_only=True, location=str(root), generation=gen.name)
    return WritableStore(Generation.begin(root, copy_current=True, kind="update"))


def begin(location: str | os.PathLike[str], *, kind: str, copy_current: bool = False,
          lock_wait: float = 30.0) -> Generation:
    """See :meth:`Generation.begin`."""
    return Generation.begin(location, kind=kind, copy_current=copy_current, lock_wait=lock_wait)
