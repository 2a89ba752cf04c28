"""The one sort key for codes as the UN and the ITU write them: ``4.2`` < ``4.10``, ``9.c`` <
``17.18``, ``C2`` < ``C11``, ``WTDC 9`` < ``WTDC 16``. Every reader (the JSON answers, coverage,
the pages) sorts codes with it."""

from __future__ import annotations

import re

__all__ = ["code_key"]


def code_key(code: str | None) -> tuple:
    """Sort key for codes such as ``4.10``, ``13.b``, ``C7``, ``17``: numbers numerically,
    letters after numbers. Never raises."""
    parts = re.split(r"[.\-/ ]", code or "")
    key: list[tuple] = []
    for p in parts:
        m = re.fullmatch(r"([A-Za-z]*)(\d+)", p)
        if m:
            key.append((0, m[1], int(m[2])))
        else:
            key.append((1, p, 0))
    return tuple(key)
