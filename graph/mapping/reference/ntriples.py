"""The reference graph as N-Triples text: one term at a time, escaped per RDF 1.1 N-Triples."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from itukg.errors import DataError

_NT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
               "\f": "\\f"}
_NT_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _nt_escape(m: re.Match[str]) -> str:
    c = m.group(0)
    return _NT_ESCAPES.get(c) or f"\\u{ord(c):04X}"


def nt_term(term: URIRef | Literal) -> str:
    """One term in N-Triples syntax (UTF-8 text, escapes per RDF 1.1 N-Triples).

    Raises :class:`DataError` for an IRI N-Triples cannot hold.
    """
    if isinstance(term, Literal):
        text = _NT_NEEDS_ESCAPE.sub(_nt_escape, str(term))
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype and term.datatype != XSD.string:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    iri = str(term)
    if _IRI_FORBIDDEN.search(iri) or ":" not in iri:
        raise DataError(f"not a valid IRI: {iri!r}", source="graph/reference")
    return f"<{iri}>"
