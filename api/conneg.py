"""Content negotiation for SPARQL results and RDF (contract for every endpoint that returns them).

One function, :func:`negotiate`, picks the serialisation of a result from the ``Accept`` header
(RFC 9110 §12.5.1: media ranges, ``q`` values, wildcards) and an optional ``format`` parameter
that overrides the header. It knows three result kinds:

============  ===========================================================================
kind          formats (first = default when the client accepts anything)
============  ===========================================================================
``select``    ``json`` ``xml`` ``csv`` ``tsv`` (SPARQL 1.1 Query Results formats)
``ask``       ``json`` ``xml`` ``csv`` ``tsv`` (CSV/TSV only when asked for explicitly)
``graph``     ``turtle`` ``ntriples`` ``jsonld`` ``rdfxml`` (CONSTRUCT, DESCRIBE, RDF documents)
============  ===========================================================================

plus ``html`` (``text/html``) for every kind when the caller passes ``html=True`` and the client
prefers HTML (a browser). The returned *format* names are the ones
:meth:`itukg.graph.store.Store.query_serialized` and :meth:`itukg.graph.store.pool.Executor.run` take.

Usage::

    fmt, media_type = negotiate(request.headers.get("accept"), "select", request.query_params.get("format"))

Raises :class:`NotAcceptable` (an ``HTTPException`` with status 406, rendered as problem+json
with the list of available media types) when nothing acceptable exists, and
:class:`BadFormatParameter` (400) for a ``format`` value that names no known format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import HTTPException

Kind = Literal["select", "ask", "graph"]

# format name -> (canonical media type, media type sent in Content-Type)
FORMATS: dict[str, tuple[str, str]] = {
    "json": ("application/sparql-results+json", "application/sparql-results+json"),
    "xml": ("application/sparql-results+xml", "application/sparql-results+xml"),
    "csv": ("text/csv", "text/csv; charset=utf-8"),
    "tsv": ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
    "turtle": ("text/turtle", "text/turtle; charset=utf-8"),
    "ntriples": ("application/n-triples", "application/n-triples"),
    "jsonld": ("application/ld+json", "application/ld+json"),
    "rdfxml": ("application/rdf+xml", "application/rdf+xml"),
    "html": ("text/html", "text/html; charset=utf-8"),
}

RESULT_FORMATS = ("json", "xml", "csv", "tsv")
RDF_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")

# Media types a client may send in Accept, per kind, with the format they select. The order is
# the server's preference among equally acceptable types. Aliases (application/json, text/xml,
# text/plain, ...) are what real clients send (SPARQLWrapper, rdflib, Comunica, YASGUI).
_ACCEPTABLE: dict[str, list[tuple[str, str]]] = {
    "select": [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
        ("application/json", "json"),
        ("text/javascript", "json"),
        ("application/javascript", "json"),
        ("application/xml", "xml"),
        ("text/xml", "xml"),
    ],
    "graph": [
        ("text/turtle", "turtle"),
        ("application/n-triples", "ntriples"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdfxml"),
        ("application/x-turtle", "turtle"),
        ("text/n3", "turtle"),  # Turtle is a subset of N3
        ("text/rdf+n3", "turtle"),
        ("text/plain", "ntriples"),  # the historical N-Triples media type
        ("application/json", "jsonld"),
        ("application/xml", "rdfxml"),
        ("text/xml", "rdfxml"),
    ],
}
# ASK: the same types, but CSV/TSV are never chosen through a wildcard (the protocol's boolean
# formats are XML and JSON), only when the client names them.
_ACCEPTABLE["ask"] = _ACCEPTABLE["select"]
_WILDCARD_EXCLUDED = {"ask": {"csv", "tsv"}, "select": set(), "graph": set()}

# Values of the ``format`` parameter (short names, file extensions, media types), per kind.
_FORMAT_PARAM_ALIASES: dict[str, str] = {
    "json": "json", "srj": "json", "sparql-results+json": "json",
    "xml": "xml", "srx": "xml", "sparql-results+xml": "xml",
    "csv": "csv", "tsv": "tsv",
    "turtle": "turtle", "ttl": "turtle", "n3": "turtle",
    "ntriples": "ntriples", "n-triples": "ntriples", "nt": "ntriples",
    "jsonld": "jsonld", "json-ld": "jsonld",
    "rdfxml": "rdfxml", "rdf/xml": "rdfxml", "rdf+xml": "rdfxml", "rdf": "rdfxml", "owl": "rdfxml",
    "html": "html", "htm": "html",
}
# a generic name given for a graph result means the RDF format of that family
_GRAPH_EQUIVALENT = {"json": "jsonld", "xml": "rdfxml"}
# ... and an RDF name given for a tabular result
_TABULAR_EQUIVALENT = {"jsonld": "json", "rdfxml": "xml"}


class NotAcceptable(HTTPException):
    """406: none of the formats of this result kind is acceptable to the client."""

    def __init__(self, kind: str, offered: list[str], accept: str | None):
        self.offered = offered
        super().__init__(
            status_code=406,
            detail=(
                f"no acceptable representation of this {kind.upper()} result for {accept!r}; "
                f"available: {', '.join(offered)}"
            ),
        )


class BadFormatParameter(HTTPException):
    """400: the ``format`` parameter names no known format."""

    def __init__(self, value: str):
        super().__init__(
            status_code=400,
            detail=(
                f"unknown format {value!r}; use one of json, xml, csv, tsv (SELECT/ASK), "
                "turtle, ntriples, jsonld, rdfxml (CONSTRUCT/DESCRIBE), html, or a media type"
            ),
        )


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    order: int

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*), 0 when it does not match."""
        t, _, s = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == t and self.subtype == "*":
            return 2
        if self.type == t and self.subtype == s:
            return 3
        return 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header into media ranges (malformed entries are skipped, never an error).

    An absent or empty header means ``*/*``. Raises nothing.
    """
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mt = fields[0].lower()
        if "/" not in mt:
            if mt == "*":  # some clients send a bare "*"
                mt = "*/*"
            else:
                continue
        t, _, s = mt.partition("/")
        if not t or not s:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(t, s, q, i))
    return ranges


def _quality(ranges: list[MediaRange], media_type: str) -> tuple[float, int]:
    """q of the most specific range matching media_type, and that specificity."""
    best_spec, best_q = 0, 0.0
    for r in ranges:
        spec = r.matches(media_type)
        if spec > best_spec:
            best_spec, best_q = spec, r.q
        elif spec == best_spec and spec and r.q > best_q:
            best_q = r.q
    return best_q, best_spec


def kind_of_form(form: str) -> Kind:
    """Map a query form (``select ask construct describe``) to a result kind."""
    return "graph" if form in ("construct", "describe") else form  # type: ignore[return-value]


def negotiate(
    accept_header: str | None,
    kind: str,
    format_param: str | None = None,
    *,
    html: bool = True,
) -> tuple[str, str]:
    """Choose the result format for a result of ``kind`` (``select``, ``ask`` or ``graph``;
    ``construct``/``describe`` are accepted as ``graph``).

    ``format_param`` (the ``format`` query/form parameter) wins over the header when given:
    a short name (``json``, ``ttl``, ...), or a media type. ``json``/``xml`` given for a graph
    result mean JSON-LD/RDF-XML. ``html`` enables ``text/html`` as a candidate (browsers).

    Returns ``(format, media_type)``: the format name (see :data:`FORMATS`) and the
    ``Content-Type`` to send.

    Raises :class:`NotAcceptable` (406) when no format of this kind is acceptable, and
    :class:`BadFormatParameter` (400) for an unknown ``format`` value.
    """
    if kind in ("construct", "describe"):
        kind = "graph"
    if kind not in _ACCEPTABLE:
        raise ValueError(f"unknown result kind {kind!r}")
    allowed = set(RDF_FORMATS if kind == "graph" else RESULT_FORMATS)
    if html:
        allowed.add("html")

    if format_param:
        fmt = _format_from_param(format_param, kind)
        if fmt not in allowed:
            raise NotAcceptable(kind, _offered(kind, html), f"format={format_param}")
        return fmt, FORMATS[fmt][1]

    ranges = parse_accept(accept_header)
    candidates = list(_ACCEPTABLE[kind])
    if html:
        # after the result formats: a client sending only */* gets data, not a page
        candidates.append(("text/html", "html"))
        candidates.append(("application/xhtml+xml", "html"))
    best: tuple[float, int, int] | None = None
    best_fmt = None
    for pref, (media_type, fmt) in enumerate(candidates):
        q, spec = _quality(ranges, media_type)
        if q <= 0.0:
            continue
        if spec < 3 and (fmt in _WILDCARD_EXCLUDED[kind] or media_type != FORMATS[fmt][0]):
            continue  # aliases (application/json, text/xml, ...) only when named
        if spec < 3 and fmt == "html":
            continue  # HTML only when asked for by name (browsers do)
        key = (q, spec, -pref)
        if best is None or key > best:
            best, best_fmt = key, fmt
    if best_fmt is None:
        raise NotAcceptable(kind, _offered(kind, html), accept_header)
    return best_fmt, FORMATS[best_fmt][1]


def _format_from_param(value: str, kind: str) -> str:
    v = value.strip().lower()
    if "/" in v:  # a media type
        v = v.split(";")[0].strip()
        for media_type, fmt in _ACCEPTABLE[kind]:
            if media_type == v:
                return fmt
        if v in ("text/html", "application/xhtml+xml"):
            return "html"
        for fmt, (canonical, _) in FORMATS.items():
            if canonical == v:
                return fmt
        raise BadFormatParameter(value)
    fmt = _FORMAT_PARAM_ALIASES.get(v)
    if fmt is None:
        raise BadFormatParameter(value)
    if kind == "graph":
        fmt = _GRAPH_EQUIVALENT.get(fmt, fmt)
    else:
        fmt = _TABULAR_EQUIVALENT.get(fmt, fmt)
    return fmt


def _offered(kind: str, html: bool) -> list[str]:
    fmts = RDF_FORMATS if kind == "graph" else RESULT_FORMATS
    out = [FORMATS[f][0] for f in fmts]
    if html:
        out.append("text/html")
    return out
