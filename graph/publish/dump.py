"""The snapshot's dump: every named graph as N-Quads, gzip-compressed, the same bytes for the
same graph (decision 0181).

Order: graphs by IRI, then each graph's lines sorted (blank nodes canonical: see
:mod:`itukg.graph.store.publish`). The gzip header carries no time and no file name, so two
dumps of the same graph have the same sha256 and a mirror can skip a download by its checksum.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from itukg.graph.store import Store
from itukg.graph.store.publish import graph_lines

Progress = Callable[[str], None]
MEDIA_TYPE = "application/n-quads"
COMPRESSION = "application/gzip"


@dataclass
class DumpInfo:
    """What the dump holds: triples per graph (in dump order), its size and checksum."""

    graphs: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    sha256: str = ""

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def write_dump(store: Store, path: Path, progress: Progress | None = None) -> DumpInfo:
    """Write ``store``'s named graphs to ``path`` (created; the caller writes it aside and
    renames). Calls ``progress`` once per graph. Raises ``OSError`` when the file cannot be
    written, :class:`~itukg.errors.StoreError` when the store cannot be read."""
    info = DumpInfo()
    names = sorted(store.graphs())
    with open(path, "wb") as raw:
        # mtime=0 and no file name: the header is the same for the same content
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz:
            for i, graph in enumerate(names, 1):
                lines = graph_lines(store, graph)
                if lines:
                    gz.write(b"\n".join(lines) + b"\n")
                info.graphs[graph] = len(lines)
                if progress is not None:
                    progress(f"graph {i}/{len(names)} <{graph}>: {len(lines)} triples")
    info.bytes = path.stat().st_size
    info.sha256 = file_sha256(path)
    return info


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks. Raises ``OSError``."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()
