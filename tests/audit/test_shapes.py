"""Shape test cases: every ``tests/data/shapes/*.test.ttl`` file is a small data graph plus the
shapes it is checked against and the expected SHACL report, in one Turtle file (in the manner of
pySHACL's ``dash_tests``)::

    t:case a t:ShapeTest ;
        rdfs:label "what the case shows" ;
        t:shapes "regions.ttl" ;                 # shapes files (prefixes.ttl is always added)
        t:shape ikgsh:RegionalSlotFilled ;       # the shape(s) whose results are compared
        t:expect [ a sh:ValidationReport ; sh:conforms false ;
                   sh:result [ sh:focusNode ... ; sh:sourceShape ... ; sh:resultSeverity ... ;
                               sh:resultPath ... ; sh:value ... ] ] .
    # every other triple of the file is the data graph

Each case runs on both engines: pySHACL (the reference) and the fast engine (the shape compiled
to SPARQL, on an in-memory Oxigraph store), and each must report exactly the expected results.
Every shape has at least one conforming case (``*.pass.test.ttl``) and one failing case
(``*.fail.test.ttl``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace
from rdflib.namespace import RDFS, SH

from itukg.graph.audit.engine import Dataset, run_fast
from itukg.graph.audit.pyshacl_engine import _pyshacl_results
from itukg.graph.audit.report import term_key
from itukg.graph.audit.shapes import ShapesBundle, default_shapes_dir, load_shapes, render_path
from itukg.graph.store import OxigraphStore

T = Namespace("https://w3id.org/itukg/shapes/test#")
CASES = Path(__file__).parents[1] / "data" / "shapes"
FILES = sorted(CASES.glob("*.test.ttl"))


def _closure(g: Graph, node) -> set:
    """Triples reachable from ``node`` through blank nodes (the test description)."""
    out, todo, seen = set(), [node], set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for t in g.triples((n, None, None)):
            out.add(t)
            if isinstance(t[2], BNode):
                todo.append(t[2])
    return out


def load_case(path: Path) -> tuple[Graph, Graph, list[str], set[str], set[tuple], bool]:
    """(whole file, data graph, shapes files, shapes compared, expected results, conforms)."""
    g = Graph().parse(path, format="turtle")
    cases = list(g.subjects(RDF.type, T.ShapeTest))
    assert len(cases) == 1, f"{path.name}: one t:ShapeTest per file"
    case = cases[0]
    assert g.value(case, RDFS.label), f"{path.name}: the case needs an rdfs:label"
    data = Graph()
    described = _closure(g, case)
    for t in g:
        if t not in described:
            data.add(t)
    files = sorted(str(f) for f in g.objects(case, T.shapes))
    shapes = {str(s) for s in g.objects(case, T.shape)}
    report = g.value(case, T.expect)
    conforms = g.value(report, SH.conforms)
    assert isinstance(conforms, Literal), f"{path.name}: sh:conforms is required"
    expected = set()
    for r in g.objects(report, SH.result):
        path_node = g.value(r, SH.resultPath)
        expected.add((
            str(g.value(r, SH.sourceShape)),
            str(g.value(r, SH.focusNode)),
            render_path(g, path_node) if path_node is not None else "",
            term_key(g.value(r, SH.value)),
            str(g.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
        ))
    return g, data, files, shapes, expected, bool(conforms.toPython())


def _bundle(files: list[str]) -> ShapesBundle:
    return load_shapes(default_shapes_dir(), files)


def _key(bundle: ShapesBundle, r) -> tuple:
    return (r.shape, r.focus, r.path or "", term_key(r.value), bundle.shapes[r.shape].severity)


def results(engine: str, data: Graph, bundle: ShapesBundle) -> set[tuple]:
    if engine == "pyshacl":
        raws = _pyshacl_results(data, bundle, memoise=False)
    else:
        store = OxigraphStore()
        store.load(data.serialize(format="nt").encode("utf-8"), "ntriples",
                   "https://w3id.org/itukg/graph/doc/t-zh")
        raws = run_fast(store, bundle, Dataset(documents=[], default_graph=None, graphs=[]))[0]
    return {_key(bundle, r) for r in raws}


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
@pytest.mark.parametrize("path", FILES, ids=[f.name.removesuffix(".test.ttl") for f in FILES])
def test_shape_case(path: Path, engine: str) -> None:
    _g, data, files, shapes, expected, conforms = load_case(path)
    bundle = _bundle(files)
    for s in shapes:
        assert s in bundle.shapes, f"{path.name}: no shape {s} in {files}"
    got = results(engine, data, bundle)
    if shapes:
        got = {r for r in got if r[0] in shapes}
    assert got == expected, (
        f"{path.name} ({engine}):\n  missing    {sorted(expected - got)}\n"
        f"  unexpected {sorted(got - expected)}"
    )
    assert conforms == (not expected), f"{path.name}: sh:conforms disagrees with the results"


def test_every_shape_has_a_passing_and_a_failing_case() -> None:
    passing: set[str] = set()
    failing: set[str] = set()
    for path in FILES:
        _g, _data, files, shapes, expected, conforms = load_case(path)
        named = shapes or set(_bundle(files).shapes)
        assert named, f"{path.name}: name the shape(s) with t:shape"
        (passing if conforms else failing).update(named)
        assert path.name.endswith(".pass.test.ttl" if conforms else ".fail.test.ttl"), (
            f"{path.name}: a {'conforming' if conforms else 'failing'} case is named "
            f"*.{'pass' if conforms else 'fail'}.test.ttl"
        )
    every = set(load_shapes().shapes)
    assert every - passing == set(), f"shapes without a conforming case: {sorted(every - passing)}"
    assert every - failing == set(), f"shapes without a failing case: {sorted(every - failing)}"


def test_every_shape_speaks_english_and_chinese_and_has_a_severity() -> None:
    bundle = load_shapes()
    assert len(bundle.shapes) >= 15
    for s in bundle.shapes.values():
        assert s.severity in ("Violation", "Warning", "Info")
        assert s.message["en"] and s.message["zh"] and s.name["en"] and s.name["zh"]
        assert any("\u4e00" <= c <= "\u9fff" for c in s.message["zh"]), s.iri
        assert s.kind and s.query.lstrip().startswith(("PREFIX", "SELECT"))
    kinds = [s.kind for s in bundle.shapes.values()]
    assert len(kinds) == len(set(kinds)), "one kind of check per shape"


def test_the_shapes_graph_itself_is_valid_shacl() -> None:
    """The shapes graph validates against the SHACL-SHACL meta-shapes (pySHACL's meta_shacl)."""
    import pyshacl

    bundle = load_shapes()
    conforms, _report, text = pyshacl.validate(Graph(), shacl_graph=bundle.graph, meta_shacl=True)
    assert conforms, text


def test_gap_checks_become_minus_on_the_fast_engine() -> None:
    """SHACL forbids MINUS in SPARQL constraints, so the shapes write gap checks as
    OPTIONAL + !BOUND; the compiler turns them into MINUS (docs/audit.md, Speed) but leaves an
    OPTIONAL whose FILTER reads the outer bindings alone."""
    from itukg.graph.audit.shapes import anti_joins_to_minus

    q = ("SELECT ?this WHERE { ?this a <C> . OPTIONAL { ?this <p> ?x . } FILTER (!BOUND(?x)) "
         "OPTIONAL { ?this <q> ?y . FILTER (?y = ?this) } FILTER (!BOUND(?y)) "
         "OPTIONAL { ?this <r> ?z . } FILTER (!BOUND(?z) || ?z = 1) }")
    out = anti_joins_to_minus(q)
    assert "MINUS { ?this <p> ?x . }" in out
    assert "OPTIONAL { ?this <q> ?y . FILTER (?y = ?this) } FILTER (!BOUND(?y))" in out
    assert "OPTIONAL { ?this <r> ?z . } FILTER (!BOUND(?z) || ?z = 1)" in out
    for s in load_shapes().shapes.values():
        assert "FILTER NOT EXISTS" not in s.select.upper().replace("  ", " ")


@pytest.mark.parametrize(
    "ttl, message",
    [
        ("ex:S a sh:NodeShape ; sh:targetClass ikg:Output ; ikg:checkKind \"k\" ; "
         "sh:message \"m\"@en, \"消息\"@zh ; sh:name \"n\"@en, \"名\"@zh ; "
         "sh:sparql [ sh:select \"SELECT $this WHERE { $this a ikg:Output }\" ] .",
         "sh:severity"),
        ("ex:S a sh:PropertyShape ; sh:targetClass ikg:Output ; sh:severity sh:Warning ; "
         "ikg:checkKind \"k\" ; sh:message \"m\" ; sh:name \"n\"@en, \"名\"@zh ; "
         "sh:path ikg:code ; sh:minCount 1 .",
         "sh:message needs a text with a language tag"),
        ("ex:S a sh:PropertyShape ; sh:targetClass ikg:Output ; sh:severity sh:Warning ; "
         "ikg:checkKind \"k\" ; sh:message \"m\"@en, \"消息\"@zh ; sh:name \"n\"@en, \"名\"@zh ; "
         "sh:path ikg:code ; sh:maxCount 1 .",
         "sh:minCount only"),
        ("ex:S a sh:NodeShape ; sh:targetClass ikg:Output ; sh:severity sh:Warning ; "
         "ikg:checkKind \"k\" ; sh:message \"m\"@en, \"消息\"@zh ; sh:name \"n\"@en, \"名\"@zh ; "
         "sh:sparql [ sh:select \"SELECT $this WHERE { $this a ikg:Output MINUS { $this ikg:code ?c } }\" ] .",
         "MINUS"),
        ("ex:S a sh:NodeShape ; sh:targetClass ikg:Output ; sh:severity sh:Warning ; "
         "ikg:checkKind \"k\" ; sh:message \"m\"@en, \"消息\"@zh ; sh:name \"n\"@en, \"名\"@zh ; "
         "sh:sparql [ sh:select \"SELECT $this WHERE { $this ikg:code ?c }\" ] .",
         "targetClass"),
    ],
    ids=["no-severity", "no-language-tag", "unsupported-core", "minus", "untargeted-query"],
)
def test_bad_shapes_are_refused_with_a_reason(tmp_path: Path, ttl: str, message: str) -> None:
    from itukg.graph.audit.shapes import ShapeError

    (tmp_path / "prefixes.ttl").write_text((default_shapes_dir() / "prefixes.ttl").read_text())
    (tmp_path / "bad.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ikg: <https://w3id.org/itukg/ontology#> .\n"
        "@prefix ex: <http://example.org/> .\n" + ttl + "\n"
    )
    with pytest.raises(ShapeError, match=message):
        load_shapes(tmp_path)


def test_shapes_may_speak_any_languages(tmp_path: Path) -> None:
    """Messages in one language, or in languages the interface has no catalogue for, load."""
    (tmp_path / "prefixes.ttl").write_text((default_shapes_dir() / "prefixes.ttl").read_text())
    (tmp_path / "fr.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ikg: <https://w3id.org/itukg/ontology#> .\n"
        "@prefix ex: <http://example.org/> .\n"
        "ex:S a sh:PropertyShape ; sh:targetClass ikg:Output ; sh:severity sh:Warning ; "
        "ikg:checkKind \"k\" ; sh:message \"sans code\"@fr ; sh:name \"code\"@fr-CA ; "
        "sh:path ikg:code ; sh:minCount 1 .\n"
    )
    (shape,) = load_shapes(tmp_path).shapes.values()
    assert shape.message == {"fr": "sans code"} and shape.name == {"fr": "code"}


def test_a_shapes_file_with_a_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    from itukg.graph.audit.shapes import ShapeError

    (tmp_path / "broken.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n\nex:S a .\n")
    with pytest.raises(ShapeError) as err:
        load_shapes(tmp_path)
    assert "broken.ttl" in str(err.value)
