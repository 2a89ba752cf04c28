"""Parameter values of the reads: a string from a request or the command line, checked and
converted to the RDF term that is bound to a query variable (never pasted into query text).

:data:`PARAM_TYPES` names the types a named query's header may declare; :func:`convert_param`
converts one value and raises :class:`ParameterError` (HTTP 422) for a value of the wrong shape.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from itukg.errors import ItukgError
from itukg.graph.store import valid_iri
from itukg.graph.vocab import IKG, SDG

__all__ = [
    "PARAM_TYPES",
    "ParameterError",
    "convert_param",
    "document_iri",
    "parse_sdg_code",
    "resolution_iri",
    "sdg_iri",
    "valid_iri",
]


class ParameterError(ItukgError):
    """A parameter value of the wrong shape (not a valid IRI, not a target code, ...).

    ``param`` names the parameter; the service answers 422 problem+json."""

    title = "Invalid parameter"
    status = 422

    def __init__(self, message: str, *, param: str | None = None):
        super().__init__(message)
        self.param = param

    @property
    def problem_extras(self) -> dict:
        """Extra problem+json members: the parameter at fault."""
        return {"param": self.param} if self.param else {}


PARAM_TYPES: dict[str, str] = {
    "iri": "an absolute IRI (checked as pyoxigraph NamedNode would), e.g. https://w3id.org/itukg/id/wsis/C7",
    "string": "any text, bound as a plain string literal",
    "integer": "a decimal integer, bound as xsd:integer",
    "sdg-code": "an SDG goal (1-17) or target (9.c, 17.18), bound as its UN SDG KOS IRI",
    "output-code": "an output code such as 4.1, bound as a plain string literal",
    "body": "an issuing body: PP, WTDC or UNGA (any case), bound as ikg:PP, ikg:WTDC, ikg:UNGA",
    "document": "a document slug (acp-22a14-4-zh) or its IRI, bound as the document IRI",
    "resolution": "a resolution as 'WTDC 16', 'PP/70', 'UNGA 70/125' or its IRI, bound as the resolution IRI",
    "severity": "a SHACL severity: Violation, Warning or Info, bound as the sh: IRI",
}

_GOAL = r"(?:[1-9]|1[0-7])"
_SDG_GOAL_RE = re.compile(rf"^{_GOAL}$")
_SDG_TARGET_RE = re.compile(rf"^{_GOAL}\.(?:[1-9][0-9]?|[a-z])$")
_OUTPUT_CODE_RE = re.compile(r"^[0-9]{1,3}\.[0-9]{1,3}$")
_INTEGER_RE = re.compile(r"^[+-]?[0-9]{1,18}$")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_BODIES = {"pp": IKG.PP, "wtdc": IKG.WTDC, "unga": IKG.UNGA}
_SH = "http://www.w3.org/ns/shacl#"
_SEVERITIES = {"violation": "Violation", "warning": "Warning", "info": "Info"}


def parse_sdg_code(value: str) -> tuple[str, str | None]:
    """Split an SDG code into ``(goal, target)``: ``"9"`` → ``("9", None)``,
    ``"9.c"`` → ``("9", "9.c")``.

    Raises :class:`ParameterError` when ``value`` is neither a goal 1-17 nor a target of the
    form ``9.c`` / ``17.18`` (a non-standard form such as ``9c`` is refused with a hint)."""
    v = value.strip()
    if _SDG_GOAL_RE.match(v):
        return v, None
    if _SDG_TARGET_RE.match(v):
        return v.split(".", 1)[0], v
    hint = ""
    m = re.match(rf"^({_GOAL})\.?([a-zA-Z]|[0-9]{{1,2}})$", v)
    if m:
        hint = f" (did you mean {m.group(1)}.{m.group(2).lower()}?)"
    raise ParameterError(
        f"{value!r} is not an SDG goal (1-17) or target (e.g. 9.c, 17.18){hint}", param=None
    )


def sdg_iri(code: str) -> URIRef:
    """The UN SDG KOS IRI of a goal or target code (validated by :func:`parse_sdg_code`)."""
    parse_sdg_code(code)
    return SDG[code.strip()]


def document_iri(value: str, base_iri: str) -> URIRef:
    """A document given by slug (``acp-22a14-4-zh``) or IRI → its IRI.

    Raises :class:`ParameterError` when it is neither a slug nor a valid IRI."""
    v = value.strip()
    if _SLUG_RE.match(v):
        return URIRef(f"{base_iri}id/doc/{v}")
    if valid_iri(v):
        return URIRef(v)
    raise ParameterError(f"{value!r} is neither a document slug (e.g. acp-22a14-4-zh) nor an IRI")


_RESOLUTION_RE = re.compile(r"^(PP|WTDC|UNGA)[\s/_-]*([0-9]{1,4}(?:[/-][0-9]{1,4})?)$", re.I)


def resolution_iri(value: str, base_iri: str) -> URIRef:
    """A resolution given as ``WTDC 16`` / ``wtdc/16`` / ``PP-70`` / ``UNGA 70/125`` or as its
    IRI → the IRI the data model mints for it (``{base}id/resolution/{body}/{number}``).

    Raises :class:`ParameterError` for anything else."""
    v = value.strip()
    m = _RESOLUTION_RE.match(v)
    if m:
        number = m.group(2).replace("/", "-")
        if m.group(1).lower() != "unga" and "-" in number:
            raise ParameterError(f"{value!r}: only UNGA resolutions have numbers like 70/125")
        return URIRef(f"{base_iri}id/resolution/{m.group(1).lower()}/{number}")
    if valid_iri(v) and v.startswith(f"{base_iri}id/resolution/"):
        return URIRef(v)
    raise ParameterError(
        f"{value!r} is not a resolution (e.g. WTDC 16, PP 70, UNGA 70/125, or its IRI)"
    )


def convert_param(ptype: str, value: str, *, base_iri: str, name: str = "") -> Identifier:
    """Convert one string value to the RDF term bound for a parameter of type ``ptype``.

    Raises :class:`ParameterError` when the value does not have the type's shape, and
    ``KeyError`` for an unknown type (a programming error caught at load time)."""
    try:
        if ptype == "iri":
            if not valid_iri(value):
                raise ParameterError(f"{value!r} is not a valid absolute IRI")
            return URIRef(value)
        if ptype == "string":
            return Literal(value)
        if ptype == "integer":
            if not _INTEGER_RE.match(value.strip()):
                raise ParameterError(f"{value!r} is not an integer")
            return Literal(int(value), datatype=XSD.integer)
        if ptype == "sdg-code":
            return sdg_iri(value)
        if ptype == "output-code":
            if not _OUTPUT_CODE_RE.match(value.strip()):
                raise ParameterError(f"{value!r} is not an output code (e.g. 4.1)")
            return Literal(value.strip())
        if ptype == "body":
            body = _BODIES.get(value.strip().lower())
            if body is None:
                raise ParameterError(f"{value!r} is not an issuing body (PP, WTDC or UNGA)")
            return body
        if ptype == "document":
            return document_iri(value, base_iri)
        if ptype == "resolution":
            return resolution_iri(value, base_iri)
        if ptype == "severity":
            sev = _SEVERITIES.get(value.strip().lower())
            if sev is None:
                raise ParameterError(f"{value!r} is not a severity (Violation, Warning or Info)")
            return URIRef(_SH + sev)
    except ParameterError as exc:
        exc.param = name or exc.param
        if name:
            exc.message = f"parameter {name}: {exc.message}"
            exc.args = (exc.message,)
        raise
    raise KeyError(ptype)
