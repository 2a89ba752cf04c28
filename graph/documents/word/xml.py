"""lxml helpers and constants shared by the Word reader."""

from __future__ import annotations

from docx.oxml.ns import qn  # noqa: F401  (re-exported)
from lxml import etree

MAX_FILE_BYTES = 50_000_000  # the .docx file itself
MAX_PART_BYTES = 200_000_000  # word/document.xml uncompressed (zip bombs)
MAX_PARAGRAPHS = 50_000  # paragraphs (body, cells, footnotes) in one document
MAX_CHARS = 5_000_000  # characters of text in one document

NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


_XPATHS: dict[str, etree.XPath] = {}


def X(el, expr: str) -> list:
    """Namespace-aware xpath on any lxml element (python-docx's or a plain one), compiled once."""
    f = _XPATHS.get(expr)
    if f is None:
        f = _XPATHS[expr] = etree.XPath(expr, namespaces=NS)
    return f(el)


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Symbol/Wingdings private-use bullets Word stores in lvlText, as the text export writes them.
PUA_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf06f": "o", "\uf0d8": "➢", "\uf0fc": "✓",
               "\uf076": "❖", "\uf0a8": "•", "\uf02d": "-", "\uf0e8": "➔"}
