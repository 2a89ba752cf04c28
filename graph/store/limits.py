"""Bounds on RDF input, checked before and right after the engine parses it (issue 11).

- RDF/XML entity declarations (``<!ENTITY``) are screened before parsing: the engine's XML
  reader expands internal entities, so nested ones ("billion laughs") turned 951 bytes into a
  3-billion-character literal. Parameter and external entities are refused, and so are entities
  that reference others; simple ones (``<!ENTITY rdf "http://...">``, common in OWL files) are
  kept while everything they can expand to stays under the literal limit (decision 0122).
- A literal longer than the limit is refused with its subject (``check_literals``).
- The engine's parsers keep one line (one token) in a 16 MB buffer; a longer one is reported as
  such instead of a ``MemoryError``.
- RDF/XML errors come without a line from the engine; :func:`rdfxml_error_line` finds it by
  parsing again one line at a time.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

import pyoxigraph as ox

from itukg.errors import DataError

#: Default cap on one literal's size (``ITUKG_MAX_LITERAL_BYTES``).
DEFAULT_MAX_LITERAL_BYTES = 16 * 1024 * 1024
#: The engine parsers' buffer: one line or token may not be longer.
PARSER_BUFFER_BYTES = 16 * 1024 * 1024
MAX_ENTITIES = 256
MAX_ENTITY_VALUE = 4096

_ENTITY = re.compile(
    rb"<!ENTITY\s+(%\s+)?([^\s%\"'>]+)\s+(?:(SYSTEM|PUBLIC)\b|\"([^\"]*)\"|'([^']*)')"
)


def _as_utf8(data: bytes) -> bytes:
    """UTF-16 XML re-encoded so the byte patterns below see it. Raises nothing."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data


def check_xml_entities(data: bytes, *, source: str | None = None,
                       max_expansion: int = DEFAULT_MAX_LITERAL_BYTES) -> None:
    """Refuse RDF/XML whose DTD could expand beyond ``max_expansion`` bytes or reach outside.

    Raises :class:`DataError` (with the declaration's line) for a parameter or external entity,
    an entity whose value references another entity, more than :data:`MAX_ENTITIES`
    declarations, a value over :data:`MAX_ENTITY_VALUE` bytes, a declaration this check cannot
    read, or references that would expand to more than ``max_expansion`` bytes in total."""
    text = _as_utf8(data)
    if b"<!ENTITY" not in text:
        return
    found = list(_ENTITY.finditer(text))

    def refuse(message: str, pos: int) -> DataError:
        return DataError(message, source=source, line=text.count(b"\n", 0, pos) + 1)

    if len(found) != text.count(b"<!ENTITY"):
        raise refuse("an XML entity declaration itukg cannot check; entity declarations are "
                     "limited to simple quoted values", text.index(b"<!ENTITY"))
    if len(found) > MAX_ENTITIES:
        raise refuse(f"more than {MAX_ENTITIES} XML entity declarations", found[MAX_ENTITIES].start())
    expansion = 0
    for m in found:
        name = m.group(2).decode("utf-8", "replace")
        value = m.group(4) if m.group(4) is not None else m.group(5)
        if m.group(1) or m.group(3):
            kind = "parameter" if m.group(1) else "external"
            raise refuse(f"XML {kind} entity {name!r} refused: only simple quoted entity values "
                         "are read (entity expansion is bounded)", m.start())
        if value is None or b"&" in value or b"%" in value:
            raise refuse(f"XML entity {name!r} refers to other entities: nested entity "
                         "expansion is refused (\"billion laughs\")", m.start())
        if len(value) > MAX_ENTITY_VALUE:
            raise refuse(f"XML entity {name!r} is longer than {MAX_ENTITY_VALUE} bytes", m.start())
        expansion += text.count(b"&" + m.group(2) + b";") * len(value)
        if expansion > max_expansion:
            raise refuse(f"XML entity references would expand to more than {max_expansion} "
                         "bytes (ITUKG_MAX_LITERAL_BYTES)", m.start())


def check_literals(quads: Iterable[ox.Quad], max_bytes: int, *,
                   source: str | None = None) -> None:
    """Raise :class:`DataError` naming the subject of the first literal longer than
    ``max_bytes`` (UTF-8) bytes."""
    for q in quads:
        obj = q.object
        if type(obj) is ox.Literal and len(obj.value) * 4 > max_bytes:
            size = len(obj.value.encode("utf-8"))
            if size > max_bytes:
                raise DataError(
                    f"a literal of {size} bytes (object of {q.subject} {q.predicate}) is "
                    f"longer than the limit of {max_bytes} bytes (ITUKG_MAX_LITERAL_BYTES)",
                    source=source)


def too_long_line(source: str | None) -> DataError:
    """The error for a line or token beyond the engine parser's buffer. Raises nothing."""
    return DataError(f"a line or term is longer than the parser's limit of "
                     f"{PARSER_BUFFER_BYTES // (1024 * 1024)} MB", source=source)


class _LineStream(io.RawIOBase):
    """The data handed out one line at a time, so that when the parser fails the line it was
    reading is the last one handed out."""

    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # noqa: ANN001
        if self.pos >= len(self.data):
            return 0
        end = self.data.find(b"\n", self.pos)
        end = len(self.data) if end < 0 else end + 1
        n = min(len(b), end - self.pos)
        b[:n] = self.data[self.pos:self.pos + n]
        self.pos += n
        return n


def rdfxml_error_line(data: bytes, base_iri: str | None = None) -> int | None:
    """The line where the engine's RDF/XML parser fails on ``data`` (the engine itself reports
    none), or ``None`` when it does not fail this way. Raises nothing."""
    stream = _LineStream(data)
    try:
        for _ in ox.parse(stream, format=ox.RdfFormat.RDF_XML, base_iri=base_iri):
            pass
    except (SyntaxError, ValueError, OSError, MemoryError):
        # the parser fails on the last line handed out (whole, or in part when it is long)
        done = data.count(b"\n", 0, stream.pos)
        return max(done, 1) if data[stream.pos - 1:stream.pos] == b"\n" else done + 1
    return None
