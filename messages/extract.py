"""The messages the code and the templates use, read with Babel's extractors (``babel.cfg``).

Used by ``tools/messages.py`` (which writes the template ``messages/itukg.pot`` and merges it
into every catalogue) and by the test that every catalogue translates every message.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from . import DOMAIN

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}


def extract(root: Path = ROOT) -> Catalog:
    """A catalogue (without translations) of every message found under ``root``.

    Raises ``OSError`` if ``babel.cfg`` cannot be read."""
    with (root / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(root / "babel.cfg"))
    catalog = Catalog(domain=DOMAIN, project="itukg", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(root), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog
