"""One error vocabulary for the whole project.

Domain code raises these; the CLI prints them (``file:line: message``) and exits 2, the service
maps them once to RFC 9457 problem+json.
"""

from __future__ import annotations

from dataclasses import dataclass


class ItukgError(Exception):
    """Base class of every error itukg raises on purpose."""

    title = "itukg error"
    status = 400

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line

    def __str__(self) -> str:  # file:line: message, the way compilers say it
        where = ""
        if self.source:
            where = f"{self.source}:{self.line}: " if self.line else f"{self.source}: "
        return f"{where}{self.message}"


class DocumentError(ItukgError):
    """The input is not a document of the ITU-D planning family, or cannot be read."""

    title = "Not a planning document"


class DataError(ItukgError):
    """RDF data that cannot be parsed (``itukg load``)."""

    title = "Malformed RDF data"


class StoreError(ItukgError):
    """The store is missing, locked or damaged."""

    title = "Store unavailable"
    status = 503


class QueryError(ItukgError):
    """A SPARQL query that is malformed or not allowed."""

    title = "Bad SPARQL query"


class QueryTimeout(ItukgError):
    """A query ran past its deadline and was stopped."""

    title = "Query timed out"
    status = 503


class ResultTooLarge(ItukgError):
    """A query's result exceeded the configured size cap."""

    title = "Result too large"
    status = 413


class NotFound(ItukgError):
    """Nothing of that name is in the graph (an unknown code, document, IRI or named query)."""

    title = "Not found"
    status = 404


@dataclass(frozen=True)
class ParseWarning:
    """A line the parser could not place, or a fact it had to guess. Never silent."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: warning: {self.message}"
