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
from rdflib.term import Identifier

from itukg.errors import QueryError
from itukg.graph.reads.params import (  # re-exported: the named queries' public names
    PARAM_TYPES,
    ParameterError,
    convert_param,
    document_iri,
    parse_sdg_code,
    resolution_iri,
    sdg_iri,
    valid_iri,
)
from itukg.graph.store import SelectResult, memory_store

__all__ = [
    "PARAM_TYPES",
    "NamedQuery",
    "Param",
    "ParameterError",
    "convert_param",
    "document_iri",
    "load_queries",
    "named_queries",
    "parse_sdg_code",
    "resolution_iri",
    "sdg_iri",
    "valid_iri",
]


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
    """Run ``q`` once on an empty in-memory store with every parameter bound to its example:
    this catches syntax errors and a parameter missing from the SELECT projection (the engine
    refuses to substitute it).

    Raises :class:`QueryError` naming the file."""
    bindings = q.bind(q.example_values(), base_iri=base_iri)
    try:
        memory_store().query(q.body, bindings=bindings)
    except QueryError as exc:
        raise QueryError(exc.message, source=q.source) from None


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
    """The variables a SELECT projects (checked on an empty store). Raises QueryError."""
    res = memory_store().query(body)
    return list(res.variables) if isinstance(res, SelectResult) else []


@lru_cache(maxsize=8)
def named_queries(base_iri: str) -> dict[str, NamedQuery]:
    """The installed named queries, loaded once per base IRI (process-wide cache)."""
    return load_queries(base_iri=base_iri)
