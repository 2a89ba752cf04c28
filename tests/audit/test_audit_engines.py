"""The fast engine (shapes compiled to SPARQL, run on the Oxigraph store) reports exactly what
pySHACL reports, on the corpus and on generated documents; per-document parallel pySHACL too.

"Exactly" is the set of (shape, focus node, path, value) of every validation result."""

from __future__ import annotations

import pyshacl
from rdflib import RDF, Graph
from rdflib.namespace import SH

from itukg.graph.audit import raw_results, run_audit
from itukg.graph.audit.engine import select_dataset
from itukg.graph.audit.pyshacl_engine import _graph_from, reference_slice
from itukg.graph.audit.report import term_key
from itukg.graph.audit.shapes import load_shapes
from itukg.graph.store import open_store
from itukg.settings import Settings
from test_audit_fixtures import corpus_settings, generated_settings  # noqa: F401


def _keys(results) -> set[tuple]:
    return {r.key() for r in results}


def test_fast_engine_equals_plain_pyshacl_on_the_corpus(corpus_settings: Settings) -> None:
    """Plain pySHACL: ``pyshacl.validate`` on the corpus graph plus the reference graph, nothing
    patched (about 20 s: pySHACL re-parses each SPARQL constraint for every focus node)."""
    store = open_store(corpus_settings, read_only=True)
    try:
        dataset = select_dataset(store, corpus_settings)
        data = _graph_from(store, dataset.graphs)
        fast = _keys(raw_results(store, corpus_settings))
    finally:
        store.close()
    bundle = load_shapes()
    conforms, report, _ = pyshacl.validate(data, shacl_graph=bundle.graph, allow_warnings=True,
                                           allow_infos=True)
    assert isinstance(report, Graph)
    plain = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        shape = bundle.shapes[str(report.value(r, SH.sourceShape))]
        path = report.value(r, SH.resultPath)
        p = shape.path if shape.path else (f"<{path}>" if path is not None else None)
        plain.add((shape.iri, str(report.value(r, SH.focusNode)), p or "",
                   term_key(report.value(r, SH.value))))
    assert len(plain) == 42
    assert fast == plain
    assert conforms is False


def test_fast_engine_equals_pyshacl_on_generated_documents(generated_settings: Settings) -> None:
    store = open_store(generated_settings, read_only=True)
    try:
        fast = _keys(raw_results(store, generated_settings, engine="fast"))
        whole = _keys(raw_results(store, generated_settings, engine="pyshacl"))
        parallel = _keys(raw_results(store, generated_settings, engine="pyshacl-parallel",
                                     workers=2))
    finally:
        store.close()
    kinds = {k[0].rsplit("#", 1)[1] for k in fast}
    # the generator writes the slips real documents have: the comparison is not vacuous
    assert {"RegionalSlotFilled", "QuestionSlotHoldsQuestion", "TargetNotation"} <= kinds
    assert len(kinds) >= 6, kinds
    assert fast == whole
    assert parallel == whole


def test_one_document_audited_alone_gives_its_share_of_the_whole(generated_settings: Settings) -> None:
    store = open_store(generated_settings, read_only=True)
    try:
        everything = run_audit(store, generated_settings, store_report=False)
        alone = run_audit(store, generated_settings, ["acp-22a14-4-zh"], store_report=False)
    finally:
        store.close()
    mine = {f.id for f in everything.findings if f.focus.document == "acp-22a14-4-zh"}
    assert {f.id for f in alone.findings} == mine
    assert len(mine) == 42
    assert {d["slug"] for d in alone.documents} == {"acp-22a14-4-zh"}


def test_the_reference_slice_keeps_what_the_shapes_read(corpus_settings: Settings) -> None:
    store = open_store(corpus_settings, read_only=True)
    try:
        full = store.dump("ntriples", corpus_settings.reference_graph)
    finally:
        store.close()
    part = reference_slice(full, load_shapes())
    text = part.decode()
    assert len(part) < len(full) / 2
    assert "<https://w3id.org/itukg/ontology#adoptionYear>" in text
    assert "<http://metadata.un.org/sdg/ontology#isTargetOf>" in text
    assert "<https://w3id.org/itukg/ontology#Region>" in text
    assert "<http://www.w3.org/2004/02/skos/core#prefLabel>" not in text


def test_many_chosen_documents_query_the_union_and_keep_theirs(generated_settings: Settings,
                                                               monkeypatch) -> None:
    """Above a few documents a chosen subset is audited on the union of the graphs (a long list
    of default graphs is slow in Oxigraph) and only the chosen documents' results are kept: the
    same findings as with the documents' own graphs."""
    from itukg.graph.audit import engine

    store = open_store(generated_settings, read_only=True)
    try:
        chosen = ["acp-22a14-4-zh", "acp-99-1-zh"]
        explicit = run_audit(store, generated_settings, chosen, store_report=False)
        monkeypatch.setattr(engine, "EXPLICIT_GRAPHS_MAX", 1)
        union = run_audit(store, generated_settings, chosen, store_report=False)
    finally:
        store.close()
    assert engine.select_dataset  # the patched module is the one run_audit uses
    assert [f.id for f in union.findings] == [f.id for f in explicit.findings]
    assert len(explicit.findings) == 42  # the corpus's; the clean document has none
