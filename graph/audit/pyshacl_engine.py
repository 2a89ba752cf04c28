"""The reference engine: pySHACL over rdflib graphs, whole (``pyshacl``) or one document at a
time in worker processes (``pyshacl-parallel``). :mod:`itukg.graph.audit.engine` has the fast
engine and what both share (the dataset, raw results)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from itukg.errors import StoreError
from itukg.graph.audit.engine import Dataset, RawResult, _raw
from itukg.graph.audit.shapes import ShapesBundle
from itukg.settings import Settings


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
    from rdflib.paths import Path as RPath
    from rdflib.plugins.sparql import prepareQuery
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


