"""The audit's shapes: loaded from ``shapes/*.ttl``, described, and compiled to SPARQL.

Every shape that can produce a finding carries an IRI, ``sh:severity`` (on the shape itself:
neither Jena nor pySHACL honours a severity on an ``sh:sparql`` node), ``ikg:checkKind`` (the
kind of check, a short slug that groups findings in the reports) and ``sh:message`` in English and
Chinese. :func:`load_shapes` refuses a shapes graph where one of these is missing.

The fast engine does not interpret SHACL at run time: :func:`compile_shape` turns each shape into
one SPARQL ``SELECT ?this ?value ?path`` query that returns exactly the focus nodes, values and
paths that a SHACL engine reports for it (SHACL 1.0: section 2.1.3 targets, section 4.2.1
sh:minCount, section 5 SPARQL-based constraints). Only the constructs the shapes use are
supported; anything else raises :class:`ShapeError`, so a new shape that the compiler does not
understand fails loudly instead of being checked wrongly. ``tests/test_audit_engines.py`` shows the
compiled queries and pySHACL report the same results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import BNode, Node

from itukg.errors import ItukgError
from itukg.graph.ontology import IKG_NS

SHAPES_NS = "https://w3id.org/itukg/shapes#"
CHECK_KIND = URIRef(IKG_NS + "checkKind")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
# The order in which the reports present the concerns (shapes files); others come after.
CONCERN_ORDER = ["completeness", "regions", "questions", "citations", "references", "programmes", "sdg"]

# Constraint parameters the compiler understands on a property shape (SHACL Core).
_SUPPORTED_CORE = {SH.minCount}
# Everything else from SHACL Core that would make a shape check something.
_CORE_PARAMETERS = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minExclusive,
    SH.minInclusive, SH.maxExclusive, SH.maxInclusive, SH.minLength, SH.maxLength, SH.pattern,
    SH.languageIn, SH.uniqueLang, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals,
    SH["not"], SH["and"], SH["or"], SH.xone, SH.node, SH.property, SH.qualifiedValueShape,
    SH.closed, SH.hasValue, SH["in"],
}
_TARGETS = {SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}


class ShapeError(ItukgError):
    """A shapes file that is malformed, incomplete (no severity, kind or message) or uses a
    construct the fast engine cannot compile."""

    title = "Invalid audit shapes"


@dataclass(frozen=True)
class ShapeInfo:
    """What the reports need to know about one shape, and its compiled query."""

    iri: str
    kind: str
    severity: str  # Violation | Warning | Info
    name: dict[str, str]  # language → text: whatever languages the shape gives (at least one)
    message: dict[str, str]
    concern: str  # the shapes file it comes from (without .ttl)
    target_class: str
    path: str | None  # SPARQL property path of a property shape (full IRIs), else None
    component: str  # the sh:sourceConstraintComponent of its results
    select: str = field(repr=False)  # SELECT ?this ?value ?path WHERE {...} (the compiled check)
    prologue: str = field(default="", repr=False)  # PREFIX declarations the select needs

    @property
    def query(self) -> str:
        """The compiled check as one SPARQL query."""
        return self.prologue + self.select


@dataclass(frozen=True)
class ShapesBundle:
    """The shapes graph (for SHACL engines) and the per-shape descriptions (for everything else)."""

    graph: Graph = field(repr=False)
    shapes: dict[str, ShapeInfo]
    files: tuple[str, ...]

    def by_kind(self) -> dict[str, list[ShapeInfo]]:
        out: dict[str, list[ShapeInfo]] = {}
        for s in self.shapes.values():
            out.setdefault(s.kind, []).append(s)
        return out

    def kinds(self) -> list[str]:
        """Kinds in a stable order: by severity, then by shapes file and kind."""
        seen: dict[str, tuple[int, int, str, str]] = {}
        for s in self.shapes.values():
            c = CONCERN_ORDER.index(s.concern) if s.concern in CONCERN_ORDER else len(CONCERN_ORDER)
            key = (SEVERITY_ORDER[s.severity], c, s.concern, s.kind)
            seen[s.kind] = min(seen.get(s.kind, key), key)
        return sorted(seen, key=lambda k: seen[k])


def default_shapes_dir() -> Path:
    """The directory of the bundled ``*.ttl`` shapes files (the ``itukg.shapes`` package)."""
    return Path(str(resources.files("itukg.shapes")))


def load_shapes(directory: str | Path | None = None, files: list[str] | None = None) -> ShapesBundle:
    """Load and describe the shapes (``*.ttl`` in ``directory``, default :func:`default_shapes_dir`).

    ``files`` restricts the files loaded (names such as ``"regions.ttl"``); ``prefixes.ttl`` is
    always loaded. Cached by directory and file list: the result must not be modified.

    Raises :class:`ShapeError` on a Turtle syntax error (with file and line), a shape without
    severity, kind, a language-tagged sh:message and sh:name, and a shape the compiler cannot translate.
    """
    d = Path(directory) if directory is not None else default_shapes_dir()
    return _load_shapes(str(d.resolve()), tuple(sorted(files)) if files else None)


@lru_cache(maxsize=16)
def _load_shapes(directory: str, files: tuple[str, ...] | None) -> ShapesBundle:
    d = Path(directory)
    paths = sorted(d.glob("*.ttl"))
    if files is not None:
        wanted = set(files) | {"prefixes.ttl"}
        missing = wanted - {p.name for p in paths}
        if missing:
            raise ShapeError(f"no such shapes file: {', '.join(sorted(missing))}", source=str(d))
        paths = [p for p in paths if p.name in wanted]
    if not paths:
        raise ShapeError("no shapes files (*.ttl) found", source=str(d))
    graph = Graph()
    concern_of: dict[Node, str] = {}
    for p in paths:
        g = Graph()
        try:
            g.parse(p, format="turtle")
        except Exception as exc:  # rdflib raises many types; all mean a malformed file
            line = getattr(exc, "lines", None) or _line_of(str(exc))
            raise ShapeError(f"cannot parse shapes: {exc}", source=str(p), line=line) from None
        for s in set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape)):
            concern_of[s] = p.stem
        graph += g
    prefixes = _prefixes(graph)
    shapes: dict[str, ShapeInfo] = {}
    for shape, concern in concern_of.items():
        info = _describe(graph, shape, concern, prefixes)
        shapes[info.iri] = info
    if not shapes:
        raise ShapeError("the shapes files declare no shape", source=str(d))
    return ShapesBundle(graph=graph, shapes=shapes, files=tuple(p.name for p in paths))


def _line_of(msg: str) -> int | None:
    m = re.search(r"line (\d+)", msg)
    return int(m.group(1)) if m else None


def _prefixes(g: Graph) -> dict[str, str]:
    """sh:declare prefixes (SHACL 1.0 section 5.2.1), prefix -> namespace."""
    out: dict[str, str] = {}
    for decl in g.objects(None, SH.declare):
        p = g.value(decl, SH.prefix)
        ns = g.value(decl, SH.namespace)
        if p is not None and ns is not None:
            out[str(p)] = str(ns)
    return out


def _lang_values(g: Graph, s: Node, p: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for o in g.objects(s, p):
        if isinstance(o, Literal) and o.language:
            out[o.language.split("-")[0].lower()] = str(o)
    return out


def _describe(g: Graph, shape: Node, concern: str, prefixes: dict[str, str]) -> ShapeInfo:
    where = f"shape {shape} ({concern}.ttl)"
    if isinstance(shape, BNode):
        raise ShapeError(f"every shape needs an IRI (a blank-node shape in {concern}.ttl)")
    severity = g.value(shape, SH.severity)
    if severity not in SEVERITIES:
        raise ShapeError(f"{where}: sh:severity must be sh:Violation, sh:Warning or sh:Info")
    kind = g.value(shape, CHECK_KIND)
    if kind is None or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(kind)):
        raise ShapeError(f"{where}: ikg:checkKind (a lower-case slug) is missing")
    message = _lang_values(g, shape, SH.message)
    name = _lang_values(g, shape, SH.name)
    for what, vals in (("sh:message", message), ("sh:name", name)):
        # Any languages, at least one: the renderers show the reader's, or mark a fallback.
        if not vals:
            raise ShapeError(f"{where}: {what} needs a text with a language tag (\"…\"@en)")
    targets = list(g.objects(shape, SH.targetClass))
    if len(targets) != 1 or any(g.value(shape, t) is not None for t in _TARGETS):
        raise ShapeError(f"{where}: the fast engine supports exactly one sh:targetClass")
    target = str(targets[0])
    path_node = g.value(shape, SH.path)
    sparqls = list(g.objects(shape, SH.sparql))
    core = {p for p in _CORE_PARAMETERS if g.value(shape, p) is not None}
    if path_node is not None:
        if sparqls or core - _SUPPORTED_CORE or not core:
            raise ShapeError(
                f"{where}: a property shape may use sh:minCount only (fast engine); "
                f"found {sorted(str(c) for c in core)}"
            )
        n = g.value(shape, SH.minCount)
        if not isinstance(n, Literal) or not isinstance(n.toPython(), int) or n.toPython() < 1:
            raise ShapeError(f"{where}: sh:minCount must be a positive integer")
        path = render_path(g, path_node)
        prologue, query = "", _compile_min_count(target, path, int(n.toPython()), path_node)
        component = str(SH.MinCountConstraintComponent)
    else:
        if core or len(sparqls) != 1:
            raise ShapeError(f"{where}: a node shape must have exactly one sh:sparql constraint and no Core parameters")
        select = g.value(sparqls[0], SH.select)
        if select is None:
            raise ShapeError(f"{where}: sh:sparql needs sh:select")
        prologue, query = _compile_sparql(target, str(select), prefixes, where)
        path = None
        component = str(SH.SPARQLConstraintComponent)
    return ShapeInfo(
        iri=str(shape), kind=str(kind), severity=SEVERITIES[severity], name=name, message=message,
        concern=concern, target_class=target, path=path, component=component, select=query,
        prologue=prologue,
    )


def render_path(g: Graph, node: Node) -> str:
    """A SHACL property path (SHACL 1.0 section 2.3.1) as a SPARQL property path with full IRIs.
    Raises :class:`ShapeError` for a malformed path."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if g.value(node, RDF.first) is not None:
        items = list(Collection(g, node))
        if len(items) < 2:
            raise ShapeError(f"a sequence path needs two or more members ({node})")
        return "/".join(_group(render_path(g, i)) for i in items)
    for pred, fmt in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = g.value(node, pred)
        if inner is not None:
            return fmt.format(_group(render_path(g, inner)))
    alt = g.value(node, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(render_path(g, i) for i in Collection(g, alt)) + ")"
    raise ShapeError(f"unsupported property path {node}")


def _group(p: str) -> str:
    return p if p.startswith("<") and p.endswith(">") and p.count("<") == 1 else f"({p})"


def _compile_min_count(target: str, path: str, n: int, path_node: Node) -> str:
    """sh:minCount n (SHACL 1.0 section 4.2.1): the focus nodes with fewer than n value nodes.
    n = 1 is a gap check, written with MINUS (fast as the graph grows, unlike NOT EXISTS)."""
    bind_path = f"BIND (<{path_node}> AS ?path)" if isinstance(path_node, URIRef) else ""
    if n == 1:
        return (
            "SELECT ?this ?value ?path WHERE {\n"
            f"  ?this a <{target}> .\n"
            f"  MINUS {{ ?this {path} ?any . }}\n"
            f"  {bind_path}\n"
            "}"
        )
    return (
        "SELECT ?this ?value ?path WHERE {\n"
        "  { SELECT ?this (COUNT(DISTINCT ?any) AS ?n) WHERE {\n"
        f"      ?this a <{target}> . OPTIONAL {{ ?this {path} ?any . }}\n"
        f"    }} GROUP BY ?this HAVING (COUNT(DISTINCT ?any) < {n}) }}\n"
        f"  {bind_path}\n"
        "}"
    )


_SELECT_HEAD = re.compile(r"^\s*SELECT\s+(DISTINCT\s+)?(?P<vars>[^{]*?)\s*WHERE\s*\{", re.I | re.S)
_FORBIDDEN = re.compile(r"\b(MINUS|SERVICE|VALUES)\b", re.I)


def _compile_sparql(target: str, select: str, prefixes: dict[str, str], where: str) -> tuple[str, str]:
    """A SPARQL-based constraint (SHACL 1.0 section 5.3): the query is evaluated once for all
    focus nodes instead of once per pre-bound ``$this``. This is equivalent when the query's
    first pattern types ``$this`` with the shape's target class (so the query finds exactly the
    targets; checked here) and the query uses none of the constructs SHACL forbids (MINUS,
    SERVICE, VALUES: section 5.1; checked here too)."""
    body = select
    if _FORBIDDEN.search(_strip_strings(body)):
        raise ShapeError(f"{where}: MINUS, SERVICE and VALUES are not allowed in a SPARQL constraint")
    m = _SELECT_HEAD.match(body)
    if not m:
        raise ShapeError(f"{where}: sh:select must be SELECT ... WHERE {{ ... }}")
    variables = set(re.findall(r"[?$](\w+)", m.group("vars")))
    if "this" not in variables:
        raise ShapeError(f"{where}: sh:select must project $this")
    first = body[m.end():].lstrip()
    fm = re.match(r"\$this\s+(?:a|rdf:type)\s+(<[^>]+>|[A-Za-z][\w-]*:[\w-]+)\s*[.;]", first)
    if not fm:
        raise ShapeError(f"{where}: the query must start with the pattern `$this a <targetClass>`")
    cls = fm.group(1)
    if cls.startswith("<"):
        cls_iri = cls[1:-1]
    else:
        pfx, local = cls.split(":", 1)
        if pfx not in prefixes:
            raise ShapeError(f"{where}: undeclared prefix {pfx}: (declare it with sh:declare)")
        cls_iri = prefixes[pfx] + local
    if cls_iri != target:
        raise ShapeError(f"{where}: the query's first pattern must type $this with the shape's target class")
    query = anti_joins_to_minus(body.replace("$this", "?this").strip())
    for v in ("value", "path"):
        if v not in variables:
            query = re.sub(r"(SELECT\s+(DISTINCT\s+)?)", rf"\1?{v} ", query, count=1, flags=re.I)
    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))
    return head, query


def _mask(q: str) -> str:
    """``q`` with string literals, IRIs and comments replaced by spaces of the same length, so
    that keywords and braces can be found by position without being fooled by their text."""
    def blank(m: re.Match[str]) -> str:
        return " " * len(m.group(0))

    return re.sub(
        r'"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*',
        blank, q,
    )


_OPTIONAL = re.compile(r"\bOPTIONAL\s*\{", re.I)
_NOT_BOUND = re.compile(r"\s*FILTER\s*\(\s*!\s*BOUND\s*\(\s*\?(\w+)\s*\)\s*\)", re.I)


def anti_joins_to_minus(query: str) -> str:
    """Rewrite each left anti-join ``OPTIONAL { P } FILTER (!BOUND(?v))`` as ``MINUS { P }``.

    SHACL forbids MINUS in SPARQL constraints (SHACL 1.0 section 5.1), so the shapes write gap
    checks as OPTIONAL + !BOUND; on Oxigraph the same check as MINUS runs about ten times faster
    (docs/audit.md). The two are equivalent when ``?v`` is bound by every solution of ``P`` and
    used nowhere else, and ``P`` shares a variable that is always bound with the rest of the
    group: the rewrite is applied only when ``?v`` occurs in ``P`` and nowhere else in the
    query; the equivalence tests against pySHACL cover the rest."""
    out = query
    while True:
        masked = _mask(out)
        for m in _OPTIONAL.finditer(masked):
            depth, i = 0, m.end() - 1
            while i < len(masked):
                if masked[i] == "{":
                    depth += 1
                elif masked[i] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            else:
                return out  # unbalanced: leave it to the engine to report
            f = _NOT_BOUND.match(masked, i + 1)
            if not f:
                continue
            var = f.group(1)
            block = masked[m.end():i]
            rest = masked[:m.start()] + masked[f.end():]
            if (not re.search(rf"\?{var}\b", block) or re.search(rf"[?$]{var}\b", rest)
                    or re.search(r"\bFILTER\b", block, re.I)):
                continue
            out = out[:m.start()] + "MINUS {" + out[m.end():i + 1] + out[f.end():]
            break
        else:
            return out


def _strip_strings(q: str) -> str:
    """The query without string literals, IRIs and comments (for keyword checks)."""
    q = re.sub(r'"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', '""', q)
    q = re.sub(r"<[^<>\s]*>", "<>", q)
    return re.sub(r"#[^\n]*", "", q)
