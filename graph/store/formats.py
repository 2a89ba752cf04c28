"""Format names and term conversion for the embedded engine (pyoxigraph).

RDF and result format names as the rest of itukg spells them (``turtle ntriples nquads trig
jsonld rdfxml``; ``json xml csv tsv``), the file-extension guess of ``itukg load``, rdflib and
pyoxigraph term conversion, and the two byte-level helpers the build's worker processes use
(:func:`ntriples_to_nquads`, :func:`check_rdf`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from itukg.errors import DataError
from itukg.graph.store.limits import (
    DEFAULT_MAX_LITERAL_BYTES,
    check_literals,
    check_xml_entities,
    rdfxml_error_line,
    too_long_line,
)

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = frozenset({"nquads", "trig", "jsonld"})
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_EXTENSIONS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "ntriples",
    ".ntriples": "ntriples",
    ".nq": "nquads",
    ".nquads": "nquads",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
}


def format_from_filename(name: str | os.PathLike[str]) -> str:
    """Guess the RDF format from a file name's extension (``.ttl .nt .nq .trig .jsonld .json
    .rdf .owl .xml``). Raises :class:`DataError` when the extension is unknown."""
    suffix = Path(name).suffix.lower()
    try:
        return _EXTENSIONS[suffix]
    except KeyError:
        known = " ".join(sorted(_EXTENSIONS))
        raise DataError(
            f"cannot tell the RDF format from the extension {suffix or '(none)'!r}; "
            f"use --format ({' '.join(RDF_FORMATS)}); known extensions: {known}",
            source=str(name),
        ) from None


def rdf_format(fmt: str) -> ox.RdfFormat:
    """The engine's format for a format name. Raises :class:`DataError` for an unknown name."""
    try:
        return RDF_FORMATS[fmt]
    except KeyError:
        raise DataError(f"unknown RDF format {fmt!r} (one of: {' '.join(RDF_FORMATS)})") from None


# -- term conversion at the interface -------------------------------------------------------
_XSD_STRING = str(XSD.string)


def to_rdflib(term: object) -> Identifier | None:
    """Convert a pyoxigraph term to an rdflib term (``None`` for the default graph or an unbound
    value). Raises ``TypeError`` for a term kind rdflib cannot hold (RDF-star quoted triples)."""
    if term is None:
        return None
    kind = type(term)
    if kind is ox.NamedNode:
        return URIRef(term.value)  # type: ignore[attr-defined]
    if kind is ox.Literal:
        lang = term.language  # type: ignore[attr-defined]
        if lang:
            return Literal(term.value, lang=lang)  # type: ignore[attr-defined]
        dt = term.datatype.value  # type: ignore[attr-defined]
        if dt == _XSD_STRING:
            return Literal(term.value)  # type: ignore[attr-defined]
        return Literal(term.value, datatype=URIRef(dt))  # type: ignore[attr-defined]
    if kind is ox.BlankNode:
        return BNode(term.value)  # type: ignore[attr-defined]
    if kind is ox.DefaultGraph:
        return None
    raise TypeError(f"cannot convert {term!r} to an rdflib term")


def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to a pyoxigraph term. Raises ``ValueError`` for an invalid IRI or
    language tag (pyoxigraph validates them) and ``TypeError`` for anything else."""
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def graph_node(graph: str) -> ox.NamedNode:
    """The engine's node for a graph IRI. Raises :class:`DataError` for an invalid IRI."""
    try:
        return ox.NamedNode(graph)
    except ValueError as exc:
        raise DataError(f"invalid graph IRI {graph!r}: {exc}") from None


def ntriples_to_nquads(data: bytes, graph: str, *, source: str = "") -> tuple[bytes, int]:
    """Turn N-Triples into N-Quads in ``graph``; returns ``(nquads, triples)``. Used to prepare
    data for a bulk load (in worker processes).

    Fast path for one-triple-per-line N-Triples where every line ends with ``" .\\n"`` (what
    the mapper and :func:`itukg.graph.mapping.reference.reference_ntriples` write): a byte replacement,
    no parsing (the bulk loader validates). Anything else (comments, blank lines, other
    spacing) is parsed and re-serialised. Raises :class:`DataError` (with the line) on
    malformed data found on the slow path, and for an invalid graph IRI."""
    graph_node(graph)
    if data and not data.endswith(b"\n"):
        data += b"\n"
    lines = data.count(b"\n")
    suffix = b" <" + graph.encode("utf-8") + b"> .\n"
    nq = data.replace(b" .\n", suffix)
    if (len(nq) - len(data)) == lines * (len(suffix) - 3):
        return nq, lines
    target = graph_node(graph)
    try:
        quads = [ox.Quad(t.subject, t.predicate, t.object, target)
                 for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    except SyntaxError as exc:
        raise DataError(exc.msg or str(exc), source=source or None, line=exc.lineno) from None
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS), len(quads)


def check_rdf(data: bytes, fmt: str, *, source: str = "") -> None:
    """Parse ``data`` completely and raise :class:`DataError` (with the line) if it is
    malformed or has a line beyond the parser's buffer. Returns nothing."""
    try:
        if fmt == "rdfxml":
            check_xml_entities(data, source=source or None)
        for _ in ox.parse(data, format=rdf_format(fmt)):
            pass
    except SyntaxError as exc:
        raise _syntax_error(exc, data, fmt, source) from None
    except MemoryError:
        raise too_long_line(source or None) from None


def _syntax_error(exc: SyntaxError, data: bytes, fmt: str, source: str,
                  base_iri: str | None = None) -> DataError:
    """The engine's syntax error as a :class:`DataError` with its line (found again for
    RDF/XML, whose parser reports none). Raises nothing."""
    msg = exc.msg or str(exc)
    line = exc.lineno
    if line is None and fmt == "rdfxml":
        line = rdfxml_error_line(data, base_iri)
    if "LoadDocumentCallback" in msg:
        msg = f"JSON-LD remote contexts are not fetched; inline the @context (engine: {msg})"
    return DataError(msg, source=source or None, line=line)


def parse_quads(
    data: bytes,
    fmt: str,
    graph: str | None = None,
    *,
    source: str = "",
    base_iri: str | None = None,
    default_graph: str | None = None,
    max_literal_bytes: int = DEFAULT_MAX_LITERAL_BYTES,
) -> list[ox.Quad]:
    """Parse ``data`` completely. Everything goes into ``graph`` when it is given; otherwise
    quads keep their own graph and triples (default-graph data) go into ``default_graph``.
    Raises :class:`DataError` with the line on a syntax error, for triples with nowhere to
    go, for a JSON-LD remote context (never fetched), for RDF/XML entity declarations that
    could expand without bound, and for a literal over ``max_literal_bytes`` or a line over
    the parser's buffer (``graph/store/limits.py``)."""
    engine_format = rdf_format(fmt)
    if fmt == "rdfxml":
        check_xml_entities(data, source=source or None, max_expansion=max_literal_bytes)
    target = graph_node(graph) if graph is not None else None
    fallback = graph_node(default_graph) if default_graph is not None else None
    try:
        quads = list(ox.parse(data, format=engine_format, base_iri=base_iri))
    except SyntaxError as exc:
        raise _syntax_error(exc, data, fmt, source, base_iri) from None
    except MemoryError:
        raise too_long_line(source or None) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError(str(exc), source=source or None) from None
    except OSError as exc:
        raise DataError(f"cannot read the data: {exc}", source=source or None) from None
    check_literals(quads, max_literal_bytes, source=source or None)
    if target is not None:
        return [ox.Quad(q.subject, q.predicate, q.object, target) for q in quads]
    if fallback is not None:
        return [
            ox.Quad(q.subject, q.predicate, q.object, fallback)
            if type(q.graph_name) is ox.DefaultGraph else q
            for q in quads
        ]
    if any(type(q.graph_name) is ox.DefaultGraph for q in quads):
        raise DataError(
            "this data has triples outside any named graph; give a graph IRI to load them into",
            source=source or None,
        )
    return quads


def valid_iri(value: str) -> bool:
    """True when ``value`` is an absolute IRI the engine accepts (RFC 3987). Raises nothing."""
    if not value or ":" not in value:
        return False
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True
