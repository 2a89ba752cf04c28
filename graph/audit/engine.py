"""Running the shapes: the fast engine (compiled SPARQL on the store) and the reference engine
(pySHACL), and turning their raw results into :class:`~itukg.graph.audit.report.Finding` objects.

Engines
-------
``fast`` (default)
    Each shape is compiled once to a SPARQL query (:mod:`itukg.graph.audit.shapes`) and run on the
    store, over the union of its graphs (or over a few chosen documents' graphs plus the
    reference and ontology graphs). The query of each check also fetches, in the same pass, what
    the report needs (source line, section, text, quote, region, ...), so the cost is one query
    per shape; two queries run at a time.
``pyshacl``
    The reference: pySHACL validates the audited documents' graphs plus the reference graph, as
    one rdflib graph (never an Oxigraph-backed graph: see ../shared/STYLE.md), in one call.
``pyshacl-parallel``
    pySHACL on each document's graph on its own, with the slice of the reference graph the shapes
    read, in worker processes. Equivalent to ``pyshacl`` because no shape relates two documents
    (every focus node belongs to one document and every pattern joins it only with its own
    document and with reference data).

``tests/test_audit_engines.py`` shows the three engines report the same results (shape, focus
node, path, value) on the corpus and on generated documents.

Nothing here imports pyoxigraph: the store is reached through :class:`itukg.graph.store.Store`.

SPARQL here: the checks' queries are GENERATED from the shapes (compiled in
:mod:`itukg.graph.audit.shapes`, completed by the report patterns below), so they stay in Python;
the hand-written reads (documents, labels) are files under ``queries/reads/audit/``.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Identifier

from itukg.graph.audit.report import Finding, Focus, Provenance, finding_iri, term_key
from itukg.graph.audit.shapes import ShapeInfo, ShapesBundle
from itukg.errors import NotFound, StoreError
from itukg.graph.ontology import prefix_block
from itukg.graph.reads.sparql import read_query
from itukg.settings import Settings

ENGINES = ("fast", "pyshacl", "pyshacl-parallel")
#: Up to this many documents, an audit of chosen documents queries their graphs (plus the
#: reference and ontology graphs) as the default graph; above, Oxigraph's cost for a long list of
#: default graphs exceeds querying the union and keeping the chosen documents' results (no shape
#: relates two documents, so the results are the same).
EXPLICIT_GRAPHS_MAX = 8

IKG = "https://w3id.org/itukg/ontology#"
_DOC_IRI = re.compile(r"^(.*/id/doc/[^/]+)(?:/|$)")

#: The PREFIX lines of the queries compiled here, from the one map (itukg.graph.ontology).
PREFIXES = prefix_block("ikg", "rdf", "rdfs", "prov", "dcterms", "skos")

# What a report needs about one raw result (?this ?value ?path), read in the same query as the
# check: the line(s) the focus was derived from (number, section, text) and a few facts that
# depend on the focus's class (its code, region, ordinal, quote, the link's object). The rest
# (document, owner output, type) follows from the IRIs and the section key (docs/model.md).
#
# Written for speed on a large on-disk store: every OPTIONAL is one triple pattern from a
# variable the check already bound, so the engine looks it up per result instead of evaluating
# it over the whole store; a variable that may be unbound is replaced by a sentinel IRI that
# matches nothing before it is used as a subject (an unbound subject would match every triple).
#
# For a finding about one of an output's links (path and value bound: an SDG target that does
# not exist, ...) the source line is the link assertion's, whose IRI the model fixes:
# D/link/{first 16 hex of sha1("{s} {p} {o}")}.
ENRICH_VARS = (
    "this value path code region regionAsWritten ordinal quote object ownLine linkLine lineNo "
    "section text"
).split()
ENRICH_LINES = """
  OPTIONAL { ?this prov:wasDerivedFrom ?ownLine . }
  BIND (COALESCE(?linkLine, ?ownLine, <urn:itukg:none>) AS ?line)
  OPTIONAL { ?line ikg:lineNumber ?lineNo . }
  OPTIONAL { ?line ikg:section ?section . }
  OPTIONAL { ?line ikg:text ?text . }
"""
_QUOTE = "  OPTIONAL { ?this ikg:quote ?quote . }\n"
ENRICH_BY_CLASS = {
    IKG + "Output": """
  OPTIONAL { ?this ikg:code ?code . }
  BIND (COALESCE(IRI(CONCAT(REPLACE(STR(?this), "^(.*/id/doc/[^/]+)/.*$", "$1"), "/link/",
        SUBSTR(SHA1(CONCAT(STR(?this), " ", STR(?path), " ", STR(?value))), 1, 16))),
        <urn:itukg:none>) AS ?linkNode)
  OPTIONAL { ?linkNode prov:wasDerivedFrom ?linkLine . }
""",
    IKG + "RegionalInitiativeSlot": """
  OPTIONAL { ?this ikg:region ?region . }
  OPTIONAL { ?this ikg:regionAsWritten ?regionAsWritten . }
""",
    IKG + "QuestionSlot": "  OPTIONAL { ?this ikg:ordinal ?ordinal . }\n",
    IKG + "ResolutionCitation": _QUOTE,
    IKG + "ConferenceMention": _QUOTE,
    IKG + "ProgrammeMention": _QUOTE,
    IKG + "LinkAssertion": "  OPTIONAL { ?this rdf:object ?object . }\n",
}


def enrich_pattern(target_class: str) -> str:
    """The report part of a shape's query, for focus nodes of ``target_class``."""
    return ENRICH_BY_CLASS.get(target_class, "") + ENRICH_LINES


@dataclass(frozen=True)
class RawResult:
    """One validation result, engine-independent: the shape, the focus node, the path (a SPARQL
    property path with full IRIs, for property shapes and SPARQL results that bind ``?path``) and
    the value (``None`` when the result has none)."""

    shape: str
    focus: str
    path: str | None
    value: Identifier | None

    def key(self) -> tuple[str, str, str, str]:
        return (self.shape, self.focus, self.path or "", term_key(self.value))


@dataclass
class Dataset:
    """What one audit run reads: the documents (slug, iri, graph, identifier, file) and the
    default graph of every query (``None``: the union of all graphs)."""

    documents: list[dict[str, Any]]
    default_graph: list[str] | None
    graphs: list[str]  # the graphs holding the audited data (documents + reference)
    only: set[str] | None = None  # document IRIs to keep when querying the union for a subset

    def keeps(self, focus: str) -> bool:
        """Whether a result on ``focus`` belongs to the documents audited."""
        if self.only is None:
            return True
        m = _DOC_IRI.match(focus)
        return bool(m) and m.group(1) in self.only


# =============================================================================================
# The dataset
# =============================================================================================

def select_dataset(store: Any, settings: Settings, documents: Sequence[str] | None = None) -> Dataset:
    """The documents to audit: all document graphs in the store, or those whose slugs are given.

    Raises :class:`NotFound` for a slug the store does not hold (naming the ones it does)."""
    prefix = settings.document_graph("")
    graphs = [g for g in store.graphs() if g.startswith(prefix)]
    slugs = [g[len(prefix):] for g in graphs]
    if documents:
        missing = [s for s in documents if s not in slugs]
        if missing:
            have = ", ".join(slugs[:10]) + (" ..." if len(slugs) > 10 else "") if slugs else "none"
            raise NotFound(
                f"no document {', '.join(repr(m) for m in missing)} in the store "
                f"(documents: {have})"
            )
        chosen = list(dict.fromkeys(documents))
    else:
        chosen = slugs
    info = _document_info(store, settings)
    docs = []
    for slug in chosen:
        iri = settings.document_iri(slug)
        d = info.get(iri, {})
        docs.append({
            "slug": slug, "iri": iri, "graph": settings.document_graph(slug),
            "identifier": d.get("identifier"), "language": d.get("language"),
            "file": d.get("file"),
        })
    data_graphs = [d["graph"] for d in docs] + [settings.reference_graph]
    if documents and len(chosen) <= EXPLICIT_GRAPHS_MAX:
        default = data_graphs + [settings.ontology_graph]
    else:
        default = None
    return Dataset(documents=docs, default_graph=default, graphs=data_graphs,
                   only=set(d["iri"] for d in docs) if documents and default is None else None)


def _document_info(store: Any, settings: Settings) -> dict[str, dict[str, str]]:
    rows = _select(store, read_query("documents/documents"), None)
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        out.setdefault(str(r["document"]), {}).update(
            {k: str(r[k]) for k in ("identifier", "language", "file") if r.get(k) is not None}
        )
    return out


# =============================================================================================
# SPARQL plumbing: results as JSON bytes (fast to read), terms as rdflib terms
# =============================================================================================

def _term(d: dict[str, str]) -> Identifier:
    t = d["type"]
    if t == "uri":
        return URIRef(d["value"])
    if t == "bnode":
        return BNode(d["value"])
    if "xml:lang" in d:
        return Literal(d["value"], lang=d["xml:lang"])
    dt = d.get("datatype")
    if dt is None or dt == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(d["value"])
    return Literal(d["value"], datatype=URIRef(dt))


def _select(
    store: Any, sparql: str, default_graph: Sequence[str] | None,
    bindings: dict[str, Identifier] | None = None,
) -> list[dict[str, Identifier]]:
    """Run a SELECT and return rows as ``{variable: rdflib term}`` (unbound variables absent)."""
    kind, body = store.query_serialized(
        sparql, result_format="json", bindings=bindings,
        default_graph=list(default_graph) if default_graph is not None else None,
    )
    data = json.loads(body)
    return [{k: _term(v) for k, v in b.items()} for b in data["results"]["bindings"]]


# =============================================================================================
# The fast engine
# =============================================================================================

def enriched_query(shape: ShapeInfo) -> str:
    """The shape's compiled check joined with what the report needs (:func:`enrich_pattern`)."""
    return (
        shape.prologue + PREFIXES
        + "SELECT " + " ".join("?" + v for v in ENRICH_VARS) + " WHERE {\n"
        + "  { " + shape.select + " }\n" + enrich_pattern(shape.target_class) + "}"
    )


def run_fast(
    store: Any, bundle: ShapesBundle, dataset: Dataset, *, threads: int | None = None,
) -> tuple[list[RawResult], dict[tuple, list[dict[str, Identifier]]], dict[str, float]]:
    """Run every shape as one SPARQL query on the store, ``threads`` queries at a time (the
    engine runs a query without holding Python's lock; default: 2 or the CPUs if fewer).

    Returns the raw results, the report rows per raw-result key, and seconds per shape.
    Raises :class:`itukg.errors.StoreError` / ``QueryError`` from the store."""
    shapes = list(bundle.shapes.values())

    def one(shape: ShapeInfo) -> tuple[ShapeInfo, list[dict[str, Identifier]], float]:
        t0 = time.perf_counter()
        rows = _select(store, enriched_query(shape), dataset.default_graph)
        return shape, rows, time.perf_counter() - t0

    n = threads or min(2, os.cpu_count() or 1)
    if n > 1:
        with ThreadPoolExecutor(max_workers=n) as pool:
            done = list(pool.map(one, shapes))
    else:
        done = [one(sh) for sh in shapes]
    results: list[RawResult] = []
    rows_by_key: dict[tuple, list[dict[str, Identifier]]] = {}
    timings: dict[str, float] = {}
    for shape, rows, seconds in done:
        timings[shape.iri] = seconds
        for row in rows:
            raw = _raw(shape, row.get("this"), row.get("path"), row.get("value"))
            if not dataset.keeps(raw.focus):
                continue
            k = raw.key()
            if k not in rows_by_key:
                results.append(raw)
                rows_by_key[k] = []
            rows_by_key[k].append(row)
    return results, rows_by_key, timings


def _raw(shape: ShapeInfo, focus: Identifier | None, path: Identifier | None,
         value: Identifier | None) -> RawResult:
    """Normalise one result: a property shape's path is its own; a SPARQL result's path is the
    IRI bound to ``?path``, if any."""
    if shape.path is not None:
        p = shape.path
    elif isinstance(path, URIRef):
        p = f"<{path}>"
    else:
        p = None
    return RawResult(shape.iri, str(focus), p, value)


def enrich_one(store: Any, raw: RawResult, shape: ShapeInfo, dataset: Dataset) -> list[dict[str, Identifier]]:
    """The report rows of one raw result that did not come from the fast engine (one query)."""
    bindings: dict[str, Identifier] = {"this": URIRef(raw.focus)}
    if raw.value is not None:
        bindings["value"] = raw.value
    if raw.path and raw.path.startswith("<") and raw.path.count("<") == 1:
        bindings["path"] = URIRef(raw.path[1:-1])
    q = (PREFIXES + "SELECT " + " ".join("?" + v for v in ENRICH_VARS) + " WHERE {\n"
         + enrich_pattern(shape.target_class) + "}")
    rows = _select(store, q, dataset.default_graph, bindings) or [{}]
    for r in rows:
        r.update(bindings)
    return rows


# =============================================================================================
# The reference engine: pySHACL
# =============================================================================================

@contextmanager
def memoised_sparql_parsing() -> Iterator[None]:
    """Within the block, rdflib parses each distinct SPARQL text once.

    pySHACL evaluates a SPARQL constraint once per focus node and hands rdflib the query *text*
    each time, which rdflib parses again (about 40 ms a time: 20 s for the corpus). Parsing is a
    pure function of (text, base, namespaces) and rdflib's prepared queries are made to be
    evaluated many times, so caching the prepared query changes nothing but the time (2.8 s).
    Not thread-safe (it patches a method for the duration of the block)."""
    from rdflib.plugins.sparql import processor
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    original = processor.SPARQLProcessor.query

    @lru_cache(maxsize=512)
    def prepared(text: str, base: str | None, ns: tuple) -> Any:
        return translateQuery(parseQuery(text), base, dict(ns) if ns else None)

    def query(self: Any, str_or_query: Any, initBindings: Any = None, initNs: Any = None,
              base: Any = None, DEBUG: bool = False) -> Any:
        if isinstance(str_or_query, str):
            ns = tuple(sorted((k, str(v)) for k, v in (initNs or {}).items()))
            str_or_query = prepared(str_or_query, base, ns)
        return original(self, str_or_query, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


def _pyshacl_results(data: Graph, bundle: ShapesBundle, *, memoise: bool = True) -> list[RawResult]:
    """pySHACL's results on ``data`` (SHACL Core and SHACL-SPARQL, no inference)."""
    if memoise:
        with memoised_sparql_parsing():
            return _pyshacl_results(data, bundle, memoise=False)
    import pyshacl

    conforms, report, _text = pyshacl.validate(
        data, shacl_graph=bundle.graph, inference="none", advanced=False, meta_shacl=False,
        abort_on_first=False, allow_infos=True, allow_warnings=True,
    )
    if not isinstance(report, Graph):
        raise StoreError(f"pySHACL failed: {report}")
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(r, SH.sourceShape)
        info = bundle.shapes.get(str(shape))
        if info is None:
            raise StoreError(f"pySHACL reported a result of an unknown shape {shape}")
        out.append(_raw(info, report.value(r, SH.focusNode), report.value(r, SH.resultPath),
                        report.value(r, SH.value)))
    return out


def _graph_from(store: Any, graphs: Iterable[str]) -> Graph:
    g = Graph()
    for name in graphs:
        g.parse(data=store.dump("ntriples", name), format="nt")
    return g


def run_pyshacl(store: Any, bundle: ShapesBundle, dataset: Dataset) -> list[RawResult]:
    """pySHACL over all audited data at once (the documents' graphs and the reference graph)."""
    return _dedupe(_pyshacl_results(_graph_from(store, dataset.graphs), bundle))


def reference_slice(reference_nt: bytes, bundle: ShapesBundle) -> bytes:
    """The triples of the reference graph the shapes can read: those whose predicate appears in
    a shape's query, and ``rdf:type`` triples whose class appears there. Everything if a shape
    has a triple pattern with a variable predicate (then no slice is safe)."""
    predicates, classes, any_predicate = _vocabulary(bundle)
    if any_predicate:
        return reference_nt
    rdf_type = f"<{RDF.type}>"
    keep = []
    for line in reference_nt.decode("utf-8").splitlines():
        parts = line.split(" ", 2)
        if len(parts) < 3:
            continue
        p = parts[1]
        if p == rdf_type:
            o = parts[2].rstrip().rstrip(".").rstrip()
            if o in classes:
                keep.append(line)
        elif p in predicates:
            keep.append(line)
    return ("\n".join(keep) + "\n").encode("utf-8")


def _vocabulary(bundle: ShapesBundle) -> tuple[set[str], set[str], bool]:
    """Predicates (as ``<iri>``) and classes used by the shapes' compiled queries."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.paths import Path as RPath
    from rdflib.term import Variable

    predicates: set[str] = set()
    classes: set[str] = set()
    any_predicate = False

    def path_iris(p: Any) -> None:
        if isinstance(p, URIRef):
            predicates.add(f"<{p}>")
        elif isinstance(p, RPath):
            for attr in ("args", "path"):
                sub = getattr(p, attr, None)
                if sub is None:
                    continue
                for s in sub if isinstance(sub, list) else [sub]:
                    path_iris(s)

    def walk(node: Any) -> None:
        nonlocal any_predicate
        if isinstance(node, dict) or hasattr(node, "items"):
            for k, v in node.items():
                if k == "triples" and isinstance(v, list):
                    for t in v:
                        if len(t) == 3:
                            s, p, o = t
                            if isinstance(p, Variable):
                                any_predicate = True
                            elif p == RDF.type:
                                if isinstance(o, URIRef):
                                    classes.add(f"<{o}>")
                                else:
                                    any_predicate = True
                            else:
                                path_iris(p)
                else:
                    walk(v)
        elif isinstance(node, (list, tuple)):
            for v in node:
                walk(v)

    for shape in bundle.shapes.values():
        walk(prepareQuery(shape.query).algebra)
    return predicates, classes, any_predicate


_WORKER: dict[str, Any] = {}


def _worker_init(shapes_dir: str, files: tuple[str, ...], reference: bytes) -> None:
    from itukg.graph.audit.shapes import load_shapes

    _WORKER["bundle"] = load_shapes(shapes_dir, list(files))
    _WORKER["reference"] = reference


def _worker_validate(doc_nt: bytes) -> list[RawResult]:
    g = Graph()
    g.parse(data=_WORKER["reference"], format="nt")
    g.parse(data=doc_nt, format="nt")
    return _pyshacl_results(g, _WORKER["bundle"])


def run_pyshacl_parallel(
    store: Any, bundle: ShapesBundle, dataset: Dataset, settings: Settings, *,
    workers: int | None = None, shapes_dir: str | None = None,
) -> list[RawResult]:
    """pySHACL on each document's graph (plus the reference slice), in worker processes."""
    from itukg.graph.audit.shapes import default_shapes_dir

    reference = reference_slice(store.dump("ntriples", settings.reference_graph), bundle)
    workers = workers or os.cpu_count() or 1
    files = tuple(f for f in bundle.files)
    d = shapes_dir or str(default_shapes_dir())
    out: list[RawResult] = []
    docs = [d_["graph"] for d_ in dataset.documents]
    if workers <= 1 or len(docs) <= 1:
        _worker_init(d, files, reference)
        for g in docs:
            out.extend(_worker_validate(store.dump("ntriples", g)))
        return _dedupe(out)
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init,
                             initargs=(d, files, reference)) as pool:
        futures = [pool.submit(_worker_validate, store.dump("ntriples", g)) for g in docs]
        for f in futures:
            out.extend(f.result())
    return _dedupe(out)


def _dedupe(results: Iterable[RawResult]) -> list[RawResult]:
    seen: dict[tuple, RawResult] = {}
    for r in results:
        seen.setdefault(r.key(), r)
    return list(seen.values())


# =============================================================================================
# From raw results to findings
# =============================================================================================

_OUTPUT_SECTION = re.compile(r"^output/([^/]+)")


class Labeller:
    """Labels for IRIs that appear as values or regions (reference and ontology resources),
    looked up once per IRI."""

    def __init__(self, store: Any, settings: Settings):
        self.store = store
        self.settings = settings
        self.cache: dict[str, list[Literal]] = {}

    def _labels(self, iri: str) -> list[Literal]:
        if iri not in self.cache:
            rows = _select(self.store, read_query("audit/labels"),
                           [self.settings.reference_graph, self.settings.ontology_graph],
                           {"s": URIRef(iri)})
            self.cache[iri] = [r["label"] for r in rows if isinstance(r.get("label"), Literal)]
        return self.cache[iri]

    def titles(self, iri: str) -> dict[str, str]:
        """``{language: label}`` for every language the labels of ``iri`` have (the first label
        per language; a label without language counts as ``en``). Raises StoreError."""
        out: dict[str, str] = {}
        for lab in self._labels(iri):
            lang = (lab.language or "en").lower().split("-")[0]
            out.setdefault(lang, str(lab))
        return out

    def labels(self, iri: str) -> tuple[str | None, str | None]:
        """``(English, Chinese)`` labels of ``iri`` (the audit report's two message languages)."""
        titles = self.titles(iri)
        return titles.get("en"), titles.get("zh")

    def display(self, term: Identifier | None) -> str | None:
        if term is None:
            return None
        if isinstance(term, Literal):
            return str(term)
        iri = str(term)
        short = _short_name(iri, self.settings.base_iri)
        en, zh = self.labels(iri)
        if iri.startswith("http://metadata.un.org/sdg/"):
            return short  # "SDG target 9.c": the code says it all
        if en and zh and zh != en:
            return f"{en} ({zh})"
        return en or zh or short


def _short_name(iri: str, base: str) -> str:
    if iri.startswith("http://metadata.un.org/sdg/"):
        code = iri.rsplit("/", 1)[1]
        return f"SDG {'target' if '.' in code else 'goal'} {code}"
    if iri.startswith(base + "id/resolution/"):
        parts = iri[len(base + "id/resolution/"):].split("/")
        body = {"pp": "PP", "wtdc": "WTDC", "unga": "UNGA"}.get(parts[0], parts[0])
        if body == "UNGA" and len(parts) > 1:
            return f"UNGA resolution A/RES/{parts[1].replace('-', '/')}"
        return f"{body} Resolution {parts[1] if len(parts) > 1 else '?'}"
    if iri.startswith(IKG):
        return iri[len(IKG):]
    return iri.rsplit("/", 1)[-1] or iri


def _line_rank(row: dict[str, Identifier]) -> tuple:
    """Which row (source line) represents a finding: a link's line first, then a line in the
    output's own sections, then the smallest line number."""
    section = str(row.get("section") or "")
    n = row.get("lineNo")
    return (
        0 if row.get("linkLine") is not None else 1,
        0 if section.startswith("output/") else 1,
        int(n) if isinstance(n, Literal) else 1 << 30,
    )


def build_findings(
    raws: list[RawResult], rows_by_key: dict[tuple, list[dict[str, Identifier]]],
    bundle: ShapesBundle, dataset: Dataset, settings: Settings, labeller: Labeller,
) -> list[Finding]:
    """Findings from raw results and their report rows (see :func:`enrich_pattern`).

    The document is the prefix ``B id/doc/{slug}`` of the focus IRI; the output is the focus
    itself (an output) or the one whose section the focus's line is in (``output/{code}/...``),
    at ``D/output/{code}`` (docs/model.md)."""
    docs = {d["iri"]: d for d in dataset.documents}
    findings: dict[str, Finding] = {}
    for raw in raws:
        shape = bundle.shapes[raw.shape]
        rows = rows_by_key.get(raw.key()) or [{}]
        row = min(rows, key=_line_rank)
        facts: dict[str, Identifier] = {}
        for r in rows:  # the focus's own facts are the same on every row
            for k, v in r.items():
                facts.setdefault(k, v)
        fid = finding_iri(settings.base_iri, shape.kind, raw.focus, raw.path, raw.value)
        m = _DOC_IRI.match(raw.focus)
        doc_iri = m.group(1) if m else None
        doc = docs.get(doc_iri or "", {})
        section = str(row["section"]) if row.get("section") is not None else None
        type_ = shape.target_class[len(IKG):] if shape.target_class.startswith(IKG) else None
        code = str(facts["code"]) if facts.get("code") is not None else None
        output = code if type_ == "Output" else None
        if output is None and section:
            sm = _OUTPUT_SECTION.match(section)
            output = sm.group(1) if sm else None
        if type_ == "Output":
            output_iri: str | None = raw.focus
        elif output and doc_iri:
            output_iri = f"{doc_iri}/output/{output}"
        else:
            output_iri = None
        focus = Focus(
            iri=raw.focus, type=type_, code=code,
            label=_focus_label(type_, code, output, facts, labeller),
            output=output, output_iri=output_iri, document=doc.get("slug"),
        )
        line = row.get("lineNo")
        line_iri = row.get("linkLine") or row.get("ownLine")
        prov = Provenance(
            document=doc_iri, file=doc.get("file"), identifier=doc.get("identifier"),
            section=section, line=int(line) if isinstance(line, Literal) else None,
            line_iri=str(line_iri) if line_iri is not None else None,
            text=str(row["text"]) if row.get("text") is not None else None,
            quote=str(facts["quote"]) if facts.get("quote") is not None else None,
        )
        findings[fid] = Finding(
            id=fid, severity=shape.severity, kind=shape.kind, shape=shape.iri,
            check=dict(shape.name), message=dict(shape.message), focus=focus,
            component=shape.component, path=raw.path, value_term=raw.value,
            value=labeller.display(raw.value), provenance=prov,
        )
    return sorted(findings.values(), key=lambda f: f.sort_key)


def _focus_label(type_: str | None, code: str | None, output: str | None,
                 facts: dict[str, Identifier], labeller: Labeller) -> str:
    out = f"output {output}" if output else None

    def within(part: str) -> str:
        return f"{out} · {part}" if out else part

    if type_ == "Output":
        return f"output {code}" if code else "output"
    if type_ == "RegionalInitiativeSlot":
        region = facts.get("region")
        en, zh = labeller.labels(str(region)) if region is not None else (None, None)
        written = str(facts["regionAsWritten"]) if facts.get("regionAsWritten") is not None else zh
        name = en or written or "region"
        return within(f"{name} ({written})" if written and written != name else name)
    if type_ == "QuestionSlot":
        n = facts.get("ordinal")
        return within(f"Question slot {n}" if n is not None else "Question slot")
    if type_ in ("ResolutionCitation", "ConferenceMention", "ProgrammeMention"):
        what = {"ResolutionCitation": "citation", "ConferenceMention": "conference mention",
                "ProgrammeMention": "programme mention"}[type_]
        q = facts.get("quote")
        return within(f"{what} “{q}”" if q is not None else what)
    if type_ == "LinkAssertion":
        obj = facts.get("object")
        return within(f"link to {labeller.display(obj)}" if obj is not None else "link")
    return within(type_ or "resource")
