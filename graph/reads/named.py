"""Named queries: the documented ``queries/*.rq`` files, loaded and checked once at start-up.

Each file is a SPARQL query preceded by a metadata header in the style of grlc
(https://github.com/CLARIAH/grlc): lines starting with ``#+`` hold YAML::

    #+ summary: Trace an output to its mandates, WSIS action lines and SDG targets
    #+ description: One row per link, with the source line the document states it on.
    #+ params:
    #+   - name: outputCode
    #+     type: output-code
    #+     description: The output's code as the document writes it
    #+     example: "4.1"
    #+   - name: document
    #+     type: document
    #+     required: false
    #+     description: The document (slug or IRI) when several are loaded
    #+     example: acp-22a14-4-zh

Unlike grlc, values are never pasted into the query text: each parameter names a SPARQL variable
of the same name, and the value is bound through the engine (``Store.query(..., bindings=...)``,
pyoxigraph substitutions, rdflib ``initBindings``). pyoxigraph only substitutes a variable that
appears in the SELECT projection, so every parameter variable must be projected; :func:`load_queries`
checks this with the engine itself and refuses to start otherwise.

Parameter values arrive as strings (HTTP query string) and are converted by type
(:data:`PARAM_TYPES`); a value of the wrong shape raises :class:`ParameterError` (HTTP 422).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from itukg.errors import ItukgError, QueryError
from itukg.graph.vocab import IKG, SDG

__all__ = [
    "PARAM_TYPES",
    "NamedQuery",
    "Param",
    "ParameterError",
    "convert_param",
    "load_queries",
    "named_queries",
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


def valid_iri(value: str) -> bool:
    """True when ``value`` is an absolute IRI pyoxigraph accepts (RFC 3987)."""
    from pyoxigraph import NamedNode  # the cheapest strict IRI validator available

    if not value or ":" not in value:
        return False
    try:
        NamedNode(value)
    except ValueError:
        return False
    return True


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


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    example: str
    required: bool = True


@dataclass(frozen=True)
class NamedQuery:
    """One ``queries/*.rq`` file: its metadata and its SPARQL text (header included: it is
    made of comments)."""

    name: str
    summary: str
    description: str
    params: tuple[Param, ...]
    sparql: str
    source: str
    tags: tuple[str, ...] = field(default=())
    variants: tuple[tuple[frozenset[str], str, str], ...] = field(default=())
    """Plan variants: ``(parameters, body, source)``. The same query (same projection, same
    answers: tests prove it) written to start from other parameters; used when all of those
    parameters are bound (file ``{name}@{param}+{param}.rq``). pyoxigraph plans a query before
    it sees the bound values, so the text decides where evaluation starts (decision 0052)."""

    def body_for(self, bindings: Mapping[str, object]) -> str:
        """The text to run for these bindings: the variant for the largest set of bound
        parameters it was written for, else the main body. Raises nothing."""
        best: tuple[int, str] | None = None
        bound = {k for k, v in bindings.items() if v is not None}
        for params, body, _ in self.variants:
            if params <= bound and (best is None or len(params) > best[0]):
                best = (len(params), body)
        return best[1] if best else self.body

    @property
    def body(self) -> str:
        """The query without its leading comment lines (the metadata header): what is run.
        The engine ignores comments anyway; the service's query screening does not have to
        scan them on every request."""
        return _body_of(self.sparql)

    def bind(self, values: Mapping[str, str], *, base_iri: str) -> dict[str, Identifier]:
        """Convert the string ``values`` to bindings (variable name → term).

        Raises :class:`ParameterError` for an unknown parameter, a missing required one or a
        value of the wrong shape."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ParameterError(
                f"unknown parameter(s) {', '.join(unknown)} for query {self.name}; "
                f"it takes: {', '.join(known) or 'none'}",
                param=unknown[0],
            )
        out: dict[str, Identifier] = {}
        for p in self.params:
            raw = values.get(p.name)
            if raw is None or raw == "":
                if p.required:
                    raise ParameterError(
                        f"parameter {p.name} ({p.type}) is required by query {self.name}",
                        param=p.name,
                    )
                continue
            out[p.name] = convert_param(p.type, raw, base_iri=base_iri, name=p.name)
        return out

    def example_values(self) -> dict[str, str]:
        return {p.name: p.example for p in self.params}


_HEADER_RE = re.compile(r"^#\+ ?(.*)$")


def _body_of(text: str) -> str:
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (lines[i].lstrip().startswith("#") or not lines[i].strip()):
        i += 1
    return "".join(lines[i:])


def parse_query_file(path: Path | str, text: str) -> NamedQuery:
    """Parse one ``.rq`` file's header and body.

    Raises :class:`QueryError` (with the file and line) for a missing or malformed header, an
    unknown parameter type or a parameter without example."""
    source = str(path)
    name = Path(source).stem
    header_lines: list[str] = []
    for line in text.splitlines():
        m = _HEADER_RE.match(line)
        if m:
            header_lines.append(m.group(1))
        elif header_lines and line.strip() and not line.startswith("#"):
            break
    if not header_lines:
        raise QueryError("no '#+ summary:' metadata header", source=source, line=1)
    try:
        meta = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise QueryError(
            f"metadata header is not valid YAML: {exc}",
            source=source,
            line=(mark.line + 1) if mark else 1,
        ) from None
    if not isinstance(meta, dict) or not isinstance(meta.get("summary"), str):
        raise QueryError("metadata header needs a 'summary'", source=source, line=1)
    params: list[Param] = []
    for i, p in enumerate(meta.get("params") or []):
        if not isinstance(p, dict) or "name" not in p or "type" not in p:
            raise QueryError(f"param #{i + 1} needs a name and a type", source=source, line=1)
        if p["type"] not in PARAM_TYPES:
            raise QueryError(
                f"param {p['name']}: unknown type {p['type']!r} (known: {', '.join(PARAM_TYPES)})",
                source=source,
                line=1,
            )
        if "example" not in p:
            raise QueryError(f"param {p['name']}: no example", source=source, line=1)
        params.append(
            Param(
                name=str(p["name"]),
                type=str(p["type"]),
                description=str(p.get("description", "")).strip(),
                example=str(p["example"]),
                required=bool(p.get("required", True)),
            )
        )
    for p in params:
        if not re.search(rf"\?{re.escape(p.name)}\b", text):
            raise QueryError(
                f"param {p.name} names no variable ?{p.name} in the query", source=source, line=1
            )
    return NamedQuery(
        name=name,
        summary=meta["summary"].strip(),
        description=str(meta.get("description", "")).strip(),
        params=tuple(params),
        sparql=text,
        source=source,
        tags=tuple(meta.get("tags") or ()),
    )


def check_with_engine(q: NamedQuery, base_iri: str) -> None:
    """Run ``q`` once on an empty in-memory pyoxigraph store with every parameter bound to its
    example: this catches syntax errors and a parameter missing from the SELECT projection
    (pyoxigraph refuses to substitute it).

    Raises :class:`QueryError` naming the file."""
    import pyoxigraph as ox


    bindings = q.bind(q.example_values(), base_iri=base_iri)
    subs = {ox.Variable(k): _to_ox(v) for k, v in bindings.items()}
    try:
        result = ox.Store().query(q.body, substitutions=subs, use_default_graph_as_union=True)
        if hasattr(result, "__iter__"):
            list(result)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}", source=q.source) from None
    except (RuntimeError, ValueError) as exc:
        raise QueryError(str(exc), source=q.source) from None


def _to_ox(term: Identifier):
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


def load_queries(directory: Path | None = None, *, base_iri: str) -> dict[str, NamedQuery]:
    """Load every ``*.rq`` file of ``directory`` (default: the installed ``itukg.queries``
    package), check each with the engine, and return them by name (the file's stem).

    A file named ``{name}@{p}+{q}.rq`` is a plan variant of query ``name`` for when parameters
    ``p`` and ``q`` are bound (no header needed); it must project the same variables.

    Raises :class:`QueryError` naming the first file that fails."""
    out: dict[str, NamedQuery] = {}
    if directory is None:
        files = sorted(
            (f for f in resources.files("itukg.queries").iterdir() if f.name.endswith(".rq")),
            key=lambda f: f.name,
        )
        items = [(f"queries/{f.name}", f.read_text(encoding="utf-8")) for f in files]
    else:
        items = [
            (str(p), p.read_text(encoding="utf-8")) for p in sorted(Path(directory).glob("*.rq"))
        ]
    variants = [(src, text) for src, text in items if "@" in Path(src).stem]
    for source, text in items:
        if "@" in Path(source).stem:
            continue
        q = parse_query_file(source, text)
        check_with_engine(q, base_iri)
        out[q.name] = q
    for source, text in variants:
        name, _, spec = Path(source).stem.partition("@")
        base = out.get(name)
        if base is None:
            raise QueryError(f"plan variant of an unknown query {name!r}", source=source)
        params = frozenset(p for p in spec.split("+") if p)
        known = {p.name for p in base.params}
        if not params or not params <= known:
            raise QueryError(
                f"a plan variant names parameters of {name} (it has: {', '.join(sorted(known))})",
                source=source)
        body = _body_of(text)
        variant = NamedQuery(base.name, base.summary, base.description, base.params, text, source)
        check_with_engine(variant, base_iri)
        if _projection(body) != _projection(base.body):
            raise QueryError(f"a plan variant must project the same variables as {name}: "
                             f"{_projection(body)} != {_projection(base.body)}", source=source)
        out[name] = NamedQuery(base.name, base.summary, base.description, base.params, base.sparql,
                               base.source, base.tags, base.variants + ((params, body, source),))
    return out


def _projection(body: str) -> list[str]:
    import pyoxigraph as ox

    try:
        res = ox.Store().query(body)
    except (SyntaxError, ValueError, RuntimeError) as exc:
        raise QueryError(str(exc)) from None
    return [v.value for v in getattr(res, "variables", [])]


@lru_cache(maxsize=8)
def named_queries(base_iri: str) -> dict[str, NamedQuery]:
    """The installed named queries, loaded once per base IRI (process-wide cache)."""
    return load_queries(base_iri=base_iri)
