"""The messages the code and the templates use, read with Babel's extractors (``babel.cfg``).

Used by ``tools/messages.py`` (which writes the template ``itukg/messages/itukg.pot`` and merges it
into every catalogue) and by the test that every catalogue translates every message.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from . import DOMAIN

ROOT = Path(__file__).resolve().parents[2]
# N_ marks a message translated elsewhere; t is the pages' translator (ctx.t("…"), t("…")).
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "t": None}


def extract(root: Path = ROOT) -> Catalog:
    """A catalogue (without translations) of every message found under ``root``.

    Raises ``OSError`` if ``babel.cfg`` cannot be read."""
    with (root / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(root / "babel.cfg"))
    catalog = Catalog(domain=DOMAIN, project="itukg", version="0.1", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(root), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def untranslated(template: Catalog, catalog: Catalog, *, source: bool = False) -> list[str]:
    """The messages of ``template`` that ``catalog`` lacks (or, unless it is the ``source``
    language's, leaves empty or fuzzy), each as ``"context|id (file:line)"``. Raises nothing."""
    out = []
    for m in template:
        if not m.id:
            continue
        have = catalog.get(m.id, context=m.context)
        strings = [] if have is None else (list(have.string) if isinstance(have.string, tuple)
                                           else [have.string])
        if have is None or (not source and (have.fuzzy or not all(strings))):
            name = m.id if isinstance(m.id, str) else m.id[0]
            where = " ".join(f"{f}:{n}" for f, n in m.locations[:2])
            out.append(f"{m.context + '|' if m.context else ''}{name} ({where})")
    return out
