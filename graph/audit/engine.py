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

import os
import re
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from rdflib import URIRef
from rdflib.term import Identifier

from itukg.errors import NotFound
from itukg.graph.audit.report import term_key
from itukg.graph.audit.shapes import ShapeInfo, ShapesBundle
from itukg.graph.ontology import IKG_NS, prefix_block
from itukg.graph.reads.sparql import read_query
from itukg.graph.store import select_rows
from itukg.settings import Settings

ENGINES = ("fast", "pyshacl", "pyshacl-parallel")
#: Up to this many documents, an audit of chosen documents queries their graphs (plus the
#: reference and ontology graphs) as the default graph; above, Oxigraph's cost for a long list of
#: default graphs exceeds querying the union and keeping the chosen documents' results (no shape
#: relates two documents, so the results are the same).
EXPLICIT_GRAPHS_MAX = 8

IKG = IKG_NS
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
    rows = select_rows(store, read_query("documents/documents"), None)
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        out.setdefault(str(r["document"]), {}).update(
            {k: str(r[k]) for k in ("identifier", "language", "file") if r.get(k) is not None}
        )
    return out


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
        rows = select_rows(store, enriched_query(shape), dataset.default_graph)
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
    rows = select_rows(store, q, dataset.default_graph, bindings) or [{}]
    for r in rows:
        r.update(bindings)
    return rows


