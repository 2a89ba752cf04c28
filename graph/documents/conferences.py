"""The PP and WTDC conferences the reader resolves citations against (reference data).

Venues and years come from ``graph/mapping/reference/itu/itu_conferences.csv``, the same file
the reference-data builders read; the reader needs only (key, body, venue, year).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from itukg.errors import DocumentError

CONFERENCES_CSV = (Path(__file__).parent.parent / "mapping" / "reference" / "itu"
                   / "itu_conferences.csv")


@dataclass(frozen=True)
class Conference:
    key: str  # "wtdc-14"
    body: str  # "wtdc"
    venue: str  # "Dubai"
    year: int


@functools.lru_cache(maxsize=None)
def load_conferences(path: str | None = None) -> tuple[Conference, ...]:
    """The PP and WTDC conferences (short_code, body, city, year) from the reference CSV.

    Raises :class:`DocumentError` when the file is missing or lacks a column.
    """
    p = Path(path) if path else CONFERENCES_CSV
    try:
        with p.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        return tuple(
            Conference(r["short_code"].strip().lower(), r["body"].strip().lower(),
                       r["city"].strip(), int(r["year"]))
            for r in rows if r.get("short_code")
        )
    except (OSError, KeyError, ValueError) as e:
        raise DocumentError(f"cannot read the conference table {p}: {e!r}") from e


def _conference_index() -> dict[tuple[str, int], list[Conference]]:
    idx: dict[tuple[str, int], list[Conference]] = {}
    for c in load_conferences():
        idx.setdefault((c.venue.casefold(), c.year), []).append(c)
    return idx


_CONF_INDEX: dict[tuple[str, int], list[Conference]] | None = None


def find_conferences(venue: str, year: int) -> list[Conference]:
    """Conferences that met at ``venue`` (canonical English name) in ``year``."""
    global _CONF_INDEX
    if _CONF_INDEX is None:
        _CONF_INDEX = _conference_index()
    return _CONF_INDEX.get((venue.casefold(), year), [])
