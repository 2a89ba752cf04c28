"""Named queries (``queries/*.rq``): loading and checking, parameter typing, and golden answers on
the corpus with each engine in use (pyoxigraph, the store's engine; rdflib, the portable one).

The expected rows were written by reading ``corpus/ACP-22A14-4.zh.txt``: e.g. line 94 lists
output 4.1's SDG targets (9.c written "9c"), line 90 its resolution (WTDC Resolution 16),
line 92 its WSIS action lines (C2, C6, C7).
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from itukg.graph.reads.named import (
    PARAM_TYPES,
    ParameterError,
    convert_param,
    load_queries,
    parse_query_file,
)
from itukg.errors import QueryError
from traceability_fixtures import audited_corpus, corpus_lines, two_documents  # noqa: F401

BASE = "https://w3id.org/itukg/"
DOC = BASE + "id/doc/acp-22a14-4-zh"
IKG = "https://w3id.org/itukg/ontology#"
SDG = "http://metadata.un.org/sdg/"
REQUIRED = {
    "output-trace", "sdg-trace", "resolution-trace", "coverage-by-goal", "coverage-by-wsis",
    "unfilled-slots", "audit-findings", "link-provenance",
}


@pytest.fixture(scope="module")
def queries():
    return load_queries(base_iri=BASE)


def run(store, queries, name, **params):
    """Rows of a named query on ``store`` as dicts of strings (unbound columns absent)."""
    q = queries[name]
    res = store.query(q.body, bindings=q.bind({k: str(v) for k, v in params.items()}, base_iri=BASE))
    return [{k: str(v) for k, v in r.items()} for r in res.dicts()]


def by_predicate(rows):
    out = defaultdict(set)
    for r in rows:
        out[r["predicate"].rsplit("#", 1)[1]].add(r["objectCode"])
    return out


# -------------------------------------------------------------------------------------------
# loading and checking
# -------------------------------------------------------------------------------------------


def test_every_required_query_exists_with_a_documented_header(queries):
    assert REQUIRED <= set(queries)
    for q in queries.values():
        assert q.summary and len(q.summary) > 20, q.name
        for p in q.params:
            assert p.type in PARAM_TYPES and p.description and p.example, (q.name, p)


def test_every_query_parses_with_both_engines_and_projects_its_parameters(queries):
    import pyoxigraph as ox

    for q in queries.values():
        # rdflib: parses, and every parameter is a projected variable
        pq = prepareQuery(q.sparql)
        projected = {str(v) for v in pq.algebra["PV"]}
        assert {p.name for p in q.params} <= projected, q.name
        # pyoxigraph: runs with every parameter substituted (the engine refuses an unprojected one)
        b = q.bind(q.example_values(), base_iri=BASE)
        from itukg.graph.store import to_oxigraph

        list(ox.Store().query(q.body, substitutions={ox.Variable(k): to_oxigraph(v) for k, v in b.items()},
                              use_default_graph_as_union=True))


def test_a_query_whose_parameter_is_not_projected_is_refused_at_load(tmp_path: Path):
    (tmp_path / "bad.rq").write_text(
        "#+ summary: a query that binds a variable it does not project\n"
        "#+ params:\n"
        "#+   - name: s\n#+     type: iri\n#+     description: x\n#+     example: http://e/a\n"
        "SELECT ?o WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError) as exc:
        load_queries(tmp_path, base_iri=BASE)
    assert "bad.rq" in str(exc.value) and "projection" in str(exc.value).lower()


@pytest.mark.parametrize("text, message", [
    ("SELECT * WHERE { ?s ?p ?o }\n", "summary"),
    ("#+ summary: x\n#+ params:\n#+   - name: s\n#+     type: colour\n#+     example: red\nSELECT ?s WHERE { ?s ?p ?o }\n",
     "unknown type"),
    ("#+ summary: x\n#+ params:\n#+   - name: s\n#+     type: iri\nSELECT ?s WHERE { ?s ?p ?o }\n", "no example"),
    ("#+ summary: x\n#+ params:\n#+   - name: t\n#+     type: iri\n#+     example: http://e/\nSELECT ?s WHERE { ?s ?p ?o }\n",
     "no variable ?t"),
    ("#+ summary: [unclosed\nSELECT ?s WHERE { ?s ?p ?o }\n", "YAML"),
])
def test_malformed_headers_are_refused_with_the_file_named(text, message):
    with pytest.raises(QueryError) as exc:
        parse_query_file("queries/x.rq", text)
    assert message in str(exc.value) and "queries/x.rq" in str(exc.value)


def test_a_syntax_error_is_refused_at_load(tmp_path: Path):
    (tmp_path / "broken.rq").write_text("#+ summary: broken on purpose\nSELECT ?s WHERE { ?s ?p }\n",
                                        encoding="utf-8")
    with pytest.raises(QueryError, match="broken.rq"):
        load_queries(tmp_path, base_iri=BASE)


@pytest.mark.parametrize("ptype, value, expected", [
    ("iri", "https://w3id.org/itukg/id/wsis/C7", URIRef("https://w3id.org/itukg/id/wsis/C7")),
    ("string", "regional-slot-empty", Literal("regional-slot-empty")),
    ("integer", "17", Literal(17)),
    ("sdg-code", "9.c", URIRef(SDG + "9.c")),
    ("sdg-code", "17.18", URIRef(SDG + "17.18")),
    ("sdg-code", "9", URIRef(SDG + "9")),
    ("output-code", "4.1", Literal("4.1")),
    ("body", "wtdc", URIRef(IKG + "WTDC")),
    ("document", "acp-22a14-4-zh", URIRef(DOC)),
    ("document", DOC, URIRef(DOC)),
    ("resolution", "WTDC 16", URIRef(BASE + "id/resolution/wtdc/16")),
    ("resolution", "UNGA 70/125", URIRef(BASE + "id/resolution/unga/70-125")),
    ("severity", "violation", URIRef("http://www.w3.org/ns/shacl#Violation")),
])
def test_parameters_are_converted_by_type(ptype, value, expected):
    assert convert_param(ptype, value, base_iri=BASE) == expected


@pytest.mark.parametrize("ptype, value", [
    ("iri", "not an iri"), ("iri", "http://exa mple.org/"), ("iri", "relative/path"),
    ("integer", "17a"), ("sdg-code", "9c"), ("sdg-code", "18"), ("sdg-code", "0"), ("sdg-code", "9.cc"),
    ("output-code", "4"), ("output-code", "4.1; DROP"), ("body", "ITU"), ("document", "Not A Slug!"),
    ("resolution", "WTDC"), ("resolution", "ITU 16"), ("severity", "fatal"),
])
def test_malformed_parameters_raise_parameter_error(ptype, value):
    with pytest.raises(ParameterError) as exc:
        convert_param(ptype, value, base_iri=BASE, name="p")
    assert exc.value.status == 422 and exc.value.param == "p" and repr(value) in str(exc.value)


def test_binding_checks_unknown_missing_and_optional_parameters(queries):
    q = queries["output-trace"]
    with pytest.raises(ParameterError, match="unknown parameter"):
        q.bind({"outputCode": "4.1", "colour": "red"}, base_iri=BASE)
    with pytest.raises(ParameterError, match="required"):
        q.bind({}, base_iri=BASE)
    assert q.bind({"outputCode": "4.1"}, base_iri=BASE) == {"outputCode": Literal("4.1")}


# -------------------------------------------------------------------------------------------
# golden answers on the corpus (pyoxigraph)
# -------------------------------------------------------------------------------------------


def test_output_trace_41(corpus_store, queries):
    _, store = corpus_store
    rows = run(store, queries, "output-trace", outputCode="4.1")
    links = by_predicate(rows)
    assert links["mandatedBy"] == {"WTDC 16"}
    assert links["supportsActionLine"] == {"C2", "C6", "C7"}
    assert links["servesTarget"] == {"1.4", "1.5", "3.9", "7.b", "8.a", "9.a", "9.b", "9.c", "11.5",
                                     "13.b", "17.8", "17.18"}
    assert links["servesGoal"] == {"1", "3", "7", "8", "9", "11", "13", "17"}
    line_of = {r["predicate"].rsplit("#", 1)[1]: r["lineNumber"] for r in rows}
    assert line_of == {"mandatedBy": "90", "supportsActionLine": "92", "servesTarget": "94", "servesGoal": "94"}
    nine_c = [r for r in rows if r["objectCode"] == "9.c"]
    assert len(nine_c) == 1 and nine_c[0]["asWritten"] == "9c" and nine_c[0]["goalCode"] == "9"
    assert nine_c[0]["section"] == "output/4.1/references" and nine_c[0]["document"] == DOC
    assert all(r["outputCode"] == "4.1" and r["document"] == DOC for r in rows)


@pytest.mark.parametrize("code, resolutions, wsis, targets, goals, lines", [
    ("4.2", {f"WTDC {n}" for n in (17, 21, 30, 32, 37, 50, 52, 53, 54)}, {"C7"},
     {"2.1", "2.3", "2.4", "2.5", "3.1", "3.2", "3.4", "3.5", "3.6", "3.a", "3.7", "4.1", "4.3", "4.4",
      "4.5", "4.c", "6.1", "6.4", "6.5", "7.1", "7.2", "7.3", "11.2", "11.6"},
     {"2", "3", "4", "6", "7", "11"}, (146, 148, 150)),
    ("4.3", {f"PP {n}" for n in (70, 175, 184, 198)}
     | {f"WTDC {n}" for n in (11, 17, 21, 30, 32, 37, 46, 50, 52, 55, 58, 68, 76)},
     {"C2", "C3", "C4", "C6", "C7", "C8"},
     {"4.3", "4.4", "4.5", "5.5", "5.b", "8.2", "8.3", "8.5", "8.6", "8.b", "10.2", "17.17"},
     {"4", "5", "8", "10", "17"}, (203, 205, 207)),
    ("4.4", {"WTDC 34"}, {"C7"}, {"3.9", "5.b", "11.b", "13.1", "13.2", "13.3"}, {"3", "5", "11", "13"},
     (259, 261, 263)),
])
def test_output_trace_other_outputs(corpus_store, queries, code, resolutions, wsis, targets, goals, lines):
    _, store = corpus_store
    rows = run(store, queries, "output-trace", outputCode=code, document="acp-22a14-4-zh")
    links = by_predicate(rows)
    assert links["mandatedBy"] == resolutions
    assert links["supportsActionLine"] == wsis
    assert links["servesTarget"] == targets
    assert links["servesGoal"] == goals
    res_line, wsis_line, sdg_line = (str(n) for n in lines)
    for r in rows:
        p = r["predicate"].rsplit("#", 1)[1]
        assert r["lineNumber"] == {"mandatedBy": res_line, "supportsActionLine": wsis_line}.get(p, sdg_line)


def test_sdg_trace_target_9c_is_served_by_41_only_under_wtdc_16(corpus_store, queries):
    _, store = corpus_store
    rows = run(store, queries, "sdg-trace", sdg="9.c")
    assert {r["outputCode"] for r in rows} == {"4.1"}
    serving = [r for r in rows if r["predicate"] == IKG + "servesTarget"]
    assert [(r["objectCode"], r["lineNumber"], r["asWritten"]) for r in serving] == [("9.c", "94", "9c")]
    mandates = [r for r in rows if r["predicate"] == IKG + "mandatedBy"]
    assert [(r["objectCode"], r["lineNumber"]) for r in mandates] == [("WTDC 16", "90")]


def test_sdg_trace_target_39_and_goal_13(corpus_store, queries):
    _, store = corpus_store
    rows = run(store, queries, "sdg-trace", sdg="3.9")
    res = {(r["outputCode"], r["objectCode"]) for r in rows if r["predicate"] == IKG + "mandatedBy"}
    assert res == {("4.1", "WTDC 16"), ("4.4", "WTDC 34")}
    rows = run(store, queries, "sdg-trace", sdg="13")
    via = defaultdict(set)
    for r in rows:
        if r["predicate"] != IKG + "mandatedBy":
            via[r["outputCode"]].add(r["objectCode"])
    assert dict(via) == {"4.1": {"13", "13.b"}, "4.4": {"13", "13.1", "13.2", "13.3"}}
    assert run(store, queries, "sdg-trace", sdg="12") == []


def test_resolution_trace_wtdc_17(corpus_store, queries):
    _, store = corpus_store
    rows = run(store, queries, "resolution-trace", resolution="WTDC 17")
    mandates = {(r["outputCode"], r["lineNumber"]) for r in rows if r["predicate"] == IKG + "mandatedBy"}
    assert mandates == {("4.2", "146"), ("4.3", "203")}
    citations = {(r["outputCode"], r["lineNumber"]) for r in rows if r["predicate"] == IKG + "citesResolution"}
    # the regional-initiatives sentence of each output (lines 53, 109, 166, 222) and the formal
    # reference lists (146, 203)
    assert citations == {("4.1", "53"), ("4.2", "109"), ("4.2", "146"), ("4.3", "166"), ("4.3", "203"),
                         ("4.4", "222")}
    forward = defaultdict(set)
    for r in rows:
        if r["predicate"] == IKG + "servesTarget":
            forward[r["outputCode"]].add(r["objectCode"])
    assert set(forward) == {"4.1", "4.2", "4.3", "4.4"} and "9.c" in forward["4.1"]


def test_resolution_trace_wtdc_34_is_read_from_a_citation_without_body(corpus_store, queries):
    _, store = corpus_store
    rows = run(store, queries, "resolution-trace", resolution="WTDC 34")
    cites = {(r["lineNumber"], r.get("rule")) for r in rows if r["predicate"] == IKG + "citesResolution"}
    # line 210 writes "第34号决议（2014年，迪拜，修订版）" with no body: Dubai 2014 was a WTDC
    assert ("210", "body-from-conference") in cites and ("259", "as-written") in cites
    assert {(r["outputCode"], r["lineNumber"]) for r in rows if r["predicate"] == IKG + "mandatedBy"} == {("4.4", "259")}


def test_link_provenance_returns_the_source_line(corpus_store, queries):
    _, store = corpus_store
    out = DOC + "/output/4.2"
    rows = run(store, queries, "link-provenance", subject=out, predicate=IKG + "servesTarget",
               object=SDG + "3.a")
    assert len(rows) == 1
    assert rows[0]["lineNumber"] == "150" and rows[0]["asWritten"] == "3.a"
    assert rows[0]["section"] == "output/4.2/references" and rows[0]["document"] == DOC
    every = run(store, queries, "link-provenance", subject=out)
    assert {r["predicate"] for r in every} >= {IKG + "mandatedBy", IKG + "servesTarget", IKG + "servesOutcome",
                                               IKG + "hasRegionalSlot", IKG + "hasQuestionSlot"}


def test_outputs(corpus_store, queries, corpus_lines):
    _, store = corpus_store
    rows = run(store, queries, "outputs")
    assert sorted(r["outputCode"] for r in rows) == ["4.1", "4.2", "4.3", "4.4"]
    for r in rows:
        heading = next(line for line in corpus_lines if line.startswith("输出成果" + r["outputCode"]))
        assert r["title"] in heading


def test_unfilled_slots(corpus_store, queries):
    _, store = corpus_store
    rows = run(store, queries, "unfilled-slots")
    regional = [r for r in rows if r["kind"] == "regional-initiative"]
    questions = [r for r in rows if r["kind"] == "question"]
    assert len(regional) == 24 and len(questions) == 4
    assert {r["lineNumber"] for r in questions} == {"83", "139", "196", "252"}
    assert all(r["asWritten"] == "第X号研究组课题" for r in questions)
    four_one = sorted((int(r["lineNumber"]), r["region"].rsplit("/", 1)[1])
                      for r in regional if r["outputCode"] == "4.1")
    assert four_one == [(56, "africa"), (60, "americas"), (64, "arab-states"), (68, "asia-pacific"),
                        (72, "cis"), (76, "europe")]
    assert len(run(store, queries, "unfilled-slots", outputCode="4.3")) == 7


def test_coverage_by_goal(corpus_store, queries):
    _, store = corpus_store
    rows = run(store, queries, "coverage-by-goal", document="acp-22a14-4-zh")
    assert [r["goalCode"] for r in rows] == [str(n) for n in range(1, 18)]
    got = {r["goalCode"]: (set(r.get("outputCodes", "").split()) - {""}, int(r["targetsServed"])) for r in rows}
    expected = {
        "1": ({"4.1"}, 2), "2": ({"4.2"}, 4), "3": ({"4.1", "4.2", "4.4"}, 8), "4": ({"4.2", "4.3"}, 5),
        "5": ({"4.3", "4.4"}, 2), "6": ({"4.2"}, 3), "7": ({"4.1", "4.2"}, 4), "8": ({"4.1", "4.3"}, 6),
        "9": ({"4.1"}, 3), "10": ({"4.3"}, 1), "11": ({"4.1", "4.2", "4.4"}, 4), "12": (set(), 0),
        "13": ({"4.1", "4.4"}, 4), "14": (set(), 0), "15": (set(), 0), "16": (set(), 0),
        "17": ({"4.1", "4.3"}, 3),
    }
    assert got == expected
    assert all(int(r["outputs"]) == len(expected[r["goalCode"]][0]) for r in rows)
    assert {r["goalCode"]: r["targets"] for r in rows}["9"] == "8"  # 9.1-9.5, 9.a-9.c


def test_coverage_by_wsis(corpus_store, queries):
    _, store = corpus_store
    rows = run(store, queries, "coverage-by-wsis")
    got = {r["code"]: set(r.get("outputCodes", "").split()) - {""} for r in rows}
    assert {k: v for k, v in got.items() if v} == {
        "C2": {"4.1", "4.3"}, "C3": {"4.3"}, "C4": {"4.3"}, "C6": {"4.1", "4.3"},
        "C7": {"4.1", "4.2", "4.3", "4.4"}, "C8": {"4.3"},
    }
    assert {"C1", "C5", "C9", "C10", "C11"} <= {k for k, v in got.items() if not v}


def test_unserved_targets(corpus_store, queries):
    _, store = corpus_store
    codes = {r["targetCode"] for r in run(store, queries, "unserved-targets")}
    assert len(codes) == 169 - 49 and "9.1" in codes and "9.c" not in codes and "3.a" not in codes


def test_audit_findings_from_the_audit_graph(audited_corpus, queries):
    from itukg.graph.store import open_store

    store = open_store(audited_corpus, read_only=True)
    try:
        rows = run(store, queries, "audit-findings")
        assert len({r["finding"] for r in rows}) == 42
        empty = run(store, queries, "audit-findings", kind="regional-slot-empty", severity="Violation")
        assert len(empty) == 24 and {r["lineNumber"] for r in empty if r["outputCode"] == "4.1"} == {
            "56", "60", "64", "68", "72", "76"}
        assert all(r["messageEn"] and r["messageZh"] for r in empty)
        slip = run(store, queries, "audit-findings", kind="citation-body-conference")
        assert [(r["lineNumber"], r["value"]) for r in slip] == [("33", "全权代表大会")]
    finally:
        store.close()


# -------------------------------------------------------------------------------------------
# the same answers from rdflib (the queries are portable SPARQL, not pyoxigraph dialect)
# -------------------------------------------------------------------------------------------

CASES = [
    ("output-trace", {"outputCode": "4.2"}), ("sdg-trace", {"sdg": "9"}), ("sdg-trace", {"sdg": "3.9"}),
    ("resolution-trace", {"resolution": "WTDC 17", "document": "acp-22a14-4-zh"}),
    ("link-provenance", {"subject": DOC + "/output/4.1"}), ("outputs", {}),
    ("unfilled-slots", {"document": "acp-22a14-4-zh"}), ("coverage-by-goal", {}),
    ("coverage-by-wsis", {"document": "acp-22a14-4-zh"}), ("unserved-targets", {"document": "acp-22a14-4-zh"}),
    ("audit-findings", {"severity": "Warning"}),
]


@pytest.fixture(scope="module")
def rdflib_dataset(audited_corpus):
    from itukg.graph.store import open_store

    store = open_store(audited_corpus, read_only=True)
    try:
        with warnings.catch_warnings():  # rdflib 7 warns about its own Dataset internals
            warnings.simplefilter("ignore", DeprecationWarning)
            ds = Dataset(default_union=True)
            ds.parse(data=store.dump("nquads"), format="nquads")
    finally:
        store.close()
    return ds


@pytest.mark.parametrize("name, params", CASES, ids=[f"{n}-{'-'.join(p.values())}" for n, p in CASES])
def test_rdflib_gives_the_same_rows(audited_corpus, rdflib_dataset, queries, name, params):
    from itukg.graph.store import open_store

    q = queries[name]
    b = q.bind(params, base_iri=BASE)
    store = open_store(audited_corpus, read_only=True)
    try:
        ox_rows = set(store.query(q.body, bindings=b).rows)
    finally:
        store.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        rdflib_rows = {tuple(row) for row in rdflib_dataset.query(q.body, initBindings=b)}
    assert ox_rows and rdflib_rows == ox_rows


# -------------------------------------------------------------------------------------------
# the data contract the queries rely on (decision 0051: what is always present is read as
# required, not OPTIONAL; if the mapper ever stops writing it, this fails instead of rows
# silently disappearing)
# -------------------------------------------------------------------------------------------

CONTRACT = {
    "a link assertion lacks asWritten, its document or a line": """
        SELECT ?x WHERE { ?x a ikg:LinkAssertion .
          FILTER (NOT EXISTS { ?x ikg:asWritten ?w } || NOT EXISTS { ?x ikg:inDocument ?d }
                  || NOT EXISTS { ?x prov:wasDerivedFrom ?l }) }""",
    "a stated link has no link assertion": """
        SELECT ?x WHERE { ?x ?p ?o .
          FILTER (?p IN (ikg:mandatedBy, ikg:supportsActionLine, ikg:servesTarget, ikg:servesGoal))
          FILTER NOT EXISTS { ?a rdf:subject ?x ; rdf:predicate ?p ; rdf:object ?o } }""",
    "a source line lacks its number, text or section": """
        SELECT ?x WHERE { ?x a ikg:SourceLine .
          FILTER (NOT EXISTS { ?x ikg:lineNumber ?n } || NOT EXISTS { ?x ikg:text ?t }
                  || NOT EXISTS { ?x ikg:section ?s }) }""",
    "an output lacks its code or document": """
        SELECT ?x WHERE { ?x a ikg:Output .
          FILTER (NOT EXISTS { ?x ikg:code ?c } || NOT EXISTS { ?x ikg:inDocument ?d }
                  || NOT EXISTS { ?d ikg:hasOutput ?x }) }""",
    "a regional slot lacks its region, its name as written or a line": """
        SELECT ?x WHERE { ?x a ikg:RegionalInitiativeSlot .
          FILTER (NOT EXISTS { ?x ikg:region ?r } || NOT EXISTS { ?x ikg:regionAsWritten ?w }
                  || NOT EXISTS { ?x prov:wasDerivedFrom ?l }) }""",
    "a Question slot lacks its ordinal, isPlaceholder, a line, or a placeholder's text": """
        SELECT ?x WHERE { ?x a ikg:QuestionSlot .
          FILTER (NOT EXISTS { ?x ikg:ordinal ?o } || NOT EXISTS { ?x ikg:isPlaceholder ?b }
                  || NOT EXISTS { ?x prov:wasDerivedFrom ?l }
                  || (EXISTS { ?x ikg:isPlaceholder true } && NOT EXISTS { ?x ikg:placeholder ?t })) }""",
    "a resolution citation lacks its quote, role, line, or the rule of its reading": """
        SELECT ?x WHERE { ?x a ikg:ResolutionCitation .
          FILTER (NOT EXISTS { ?x ikg:quote ?q } || NOT EXISTS { ?x ikg:citationRole ?r }
                  || NOT EXISTS { ?x prov:wasDerivedFrom ?l }
                  || (EXISTS { ?x ikg:citesResolution ?res } && NOT EXISTS { ?x ikg:resolutionRule ?rule })) }""",
}


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory):
    """Three generated documents (filled regional slots, real Questions, slips), built."""
    import subprocess
    import sys

    from itukg.graph.build import build
    from itukg.graph.store import open_store
    from itukg.settings import Settings

    root = Path(__file__).resolve().parents[2]
    d = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(root / "benchmarks" / "generate.py"), "3", str(d / "docs")],
                   check=True, capture_output=True)
    settings = Settings(store=d / "store")
    build([d / "docs"], settings)
    store = open_store(settings, read_only=True)
    yield store
    store.close()


@pytest.mark.parametrize("rule", list(CONTRACT))
def test_data_contract_the_queries_rely_on(corpus_store, generated_store, rule):
    from itukg.graph.ontology import prefix_block

    PREFIXES = prefix_block()

    for store in (corpus_store[1], generated_store):
        rows = store.query(PREFIXES + CONTRACT[rule]).rows
        assert rows == [], f"{rule}: {rows[:3]}"
    # the generated documents do exercise what the corpus lacks
    counts = generated_store.query(PREFIXES + """SELECT (COUNT(?i) AS ?n) (COUNT(?q) AS ?m) WHERE {
        { ?s ikg:holdsInitiative ?i } UNION { ?t ikg:holdsQuestion ?q } }""").rows[0]
    assert int(counts[0]) > 0 and int(counts[1]) > 0


# -------------------------------------------------------------------------------------------
# plan variants (decision 0052): the same answers as the main text
# -------------------------------------------------------------------------------------------

VARIANT_CASES = [
    ("output-trace", {"outputCode": "4.1"}), ("output-trace", {"outputCode": "4.3"}),
    ("sdg-trace", {"sdg": "9.c"}), ("sdg-trace", {"sdg": "3"}), ("sdg-trace", {"sdg": "12"}),
    ("resolution-trace", {"resolution": "WTDC 17"}), ("resolution-trace", {"resolution": "PP 16"}),
    ("audit-findings", {}), ("audit-findings", {"severity": "Info"}),
]


def test_every_variant_is_declared_for_parameters_of_its_query(queries):
    assert {q.name for q in queries.values() if q.variants} >= {"output-trace", "sdg-trace", "resolution-trace"}
    for q in queries.values():
        for params, body, source in q.variants:
            assert params <= {p.name for p in q.params} and body.strip() and "@" in source
            assert q.body_for({p: URIRef("http://e/x") for p in params}) == body
        assert q.body_for({}) == q.body


@pytest.mark.parametrize("name, params", VARIANT_CASES, ids=[f"{n}-{'-'.join(p.values())}" for n, p in VARIANT_CASES])
def test_variants_give_the_main_query_s_answers(two_documents, queries, name, params):
    from itukg.graph.store import open_store

    q = queries[name]
    with open_store(two_documents, read_only=True) as store:
        slugs = [g.rsplit("/", 1)[1] for g in store.graphs() if "/graph/doc/" in g]
        assert len(slugs) == 2
        for slug in slugs:
            b = q.bind({**params, "document": slug}, base_iri=BASE)
            assert q.body_for(b) != q.body
            main = set(store.query(q.body, bindings=b).rows)
            variant = set(store.query(q.body_for(b), bindings=b).rows)
            assert variant == main, (slug, len(variant), len(main))
            assert all(str(row[list(store.query(q.body, bindings=b).variables).index("document")]).endswith(slug)
                       for row in main)
        if params.get("sdg") != "12":
            everything = store.query(q.body, bindings=q.bind(params, base_iri=BASE)).rows
            assert everything and len({r for r in everything}) > 0
