"""The read layer's rules (decision 0085): every question asked once, in a ``.rq`` file; no SPARQL
text in ``api/`` Python; one PREFIX map; the named-query loader without pyoxigraph; one code
sort key; titles by language in the public JSON."""

from __future__ import annotations

import ast
import re
from importlib import resources
from pathlib import Path

import pytest

from itukg.errors import QueryError
from itukg.graph.ontology import PREFIXES, prefix_block
from itukg.graph.reads.codes import code_key
from itukg.graph.reads.named import load_queries, named_queries
from itukg.graph.reads.sparql import internal_queries, load_internal_queries, read_query
from itukg.graph.store import SelectResult, memory_store

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/itukg/"

# What SPARQL text looks like (not the bare word SELECT in a message such as "expected a SELECT
# query"): a projection of variables, a graph-pattern block, a PREFIX declaration.
SPARQL_SHAPES = re.compile(
    r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?[?$(*]|\bCONSTRUCT\s*\{|\bASK\s*\{|\bDESCRIBE\s+[?<]"
    r"|\bWHERE\s*\{|\bPREFIX\s+\w*:\s*<",
    re.I,
)


def sparql_strings(source: str) -> list[tuple[int, str]]:
    """``(line, text)`` of the string constants of ``source`` that look like SPARQL, leaving
    out docstrings (a string that is a statement of its own) and comments (not in the AST)."""
    tree = ast.parse(source)
    docstrings = {id(n.value) for n in ast.walk(tree)
                  if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings and SPARQL_SHAPES.search(node.value)):
            found.append((node.lineno, node.value[:60]))
    return found


def test_the_checker_sees_sparql_and_ignores_docstrings_and_comments():
    code = '''"""SELECT ?x WHERE { ?x ?p ?o }"""
# SELECT ?x WHERE { ?x ?p ?o }
MESSAGE = "expected a SELECT query"
Q = "SELECT ?x WHERE { ?x ?p ?o }"
P = "PREFIX ikg: <https://w3id.org/itukg/ontology#>"
'''
    assert [line for line, _ in sparql_strings(code)] == [4, 5]


def test_no_sparql_text_in_api_python():
    offenders = []
    for path in sorted((ROOT / "api").rglob("*.py")):
        for line, text in sparql_strings(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert offenders == []


@pytest.mark.parametrize("module", [
    "graph/reads/coverage.py", "graph/reads/findings.py", "graph/reads/linked_data.py",
    "graph/reads/void.py", "graph/reads/common.py", "graph/reasoning/inputs.py",
    "itukg/commands/stats.py", "graph/audit/__init__.py",
])
def test_readers_ask_their_questions_from_files(module):
    assert sparql_strings((ROOT / module).read_text(encoding="utf-8")) == []


def test_reader_packages_and_commands_ask_their_questions_from_files():
    for folder in ("graph/reads", "graph/reads/trace", "graph/reads/views", "itukg/commands"):
        for path in (ROOT / folder).glob("*.py"):
            assert sparql_strings(path.read_text(encoding="utf-8")) == [], path


def test_every_internal_query_parses_with_the_engine_and_has_no_prefix_lines():
    queries = internal_queries()
    assert len(queries) > 60
    folder = resources.files("itukg.queries").joinpath("reads")
    for name in queries:
        text = folder.joinpath(*f"{name}.rq".split("/")).read_text(encoding="utf-8")
        assert not re.search(r"^\s*PREFIX\s", text, re.M | re.I), f"{name}: PREFIX lines come from the map"
        assert text.startswith("#+ summary:"), name
    # run each once on an empty store: the engine accepts it as the readers send it
    store = memory_store()
    for name, text in queries.items():
        assert text.startswith(prefix_block())
        store.query(text)


def test_internal_queries_are_not_named_queries():
    named = named_queries(BASE)
    assert not any("/" in n for n in named)
    assert set(named) == {p.stem for p in (ROOT / "queries").glob("*.rq") if "@" not in p.stem}
    with pytest.raises(KeyError):
        read_query("no/such-query")


def test_named_query_prefix_lines_agree_with_the_one_map():
    for path in sorted((ROOT / "queries").glob("*.rq")):
        for prefix, iri in re.findall(r"^PREFIX\s+(\w*):\s*<([^>]*)>", path.read_text(), re.M):
            assert PREFIXES.get(prefix) == iri, f"{path.name}: {prefix}: <{iri}>"


def test_a_broken_internal_query_is_refused_naming_its_file(tmp_path):
    (tmp_path / "area").mkdir()
    (tmp_path / "area" / "good.rq").write_text('#+ summary: "good"\n\nSELECT ?x WHERE { ?x a ikg:Output }\n')
    assert "PREFIX ikg:" in load_internal_queries(tmp_path, "t")["area/good"]
    (tmp_path / "area" / "bad.rq").write_text('#+ summary: "bad"\n\nSELECT ?x WHERE { ?x a }\n')
    with pytest.raises(QueryError) as err:
        load_internal_queries(tmp_path, "t")
    assert err.value.source == "t/area/bad.rq"
    (tmp_path / "area" / "bad.rq").write_text("SELECT ?x WHERE { ?x ?p ?o }\n")
    with pytest.raises(QueryError, match="summary"):
        load_internal_queries(tmp_path, "t")


def test_a_bound_value_enters_through_the_engine_and_must_be_projected(tmp_path):
    (tmp_path / "q.rq").write_text('#+ summary: "x"\n\nSELECT ?x WHERE { ?x ?p ?o }\n')
    load_queries(tmp_path, base_iri=BASE)  # no params: fine
    (tmp_path / "q.rq").write_text(
        "#+ summary: x\n#+ params:\n#+   - name: o\n#+     type: string\n#+     example: a\n\n"
        "SELECT ?x WHERE { ?x ?p ?o }\n")
    with pytest.raises(QueryError) as err:
        load_queries(tmp_path, base_iri=BASE)
    assert err.value.source.endswith("q.rq")


def test_named_query_loader_does_not_import_pyoxigraph():
    tree = ast.parse((ROOT / "graph/reads/named.py").read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any(m and m.startswith("pyoxigraph") for m in imported)


def test_projection_is_read_through_the_store_protocol():
    res = memory_store().query(read_query("pages/goals"))
    assert isinstance(res, SelectResult) and res.variables == ["g"]


def test_one_code_sort_key():
    codes = ["17.18", "9.c", "4.10", "C11", "9.1", "4.2", "C2", "WTDC 16", "WTDC 9"]
    assert sorted(codes, key=code_key) == ["4.2", "4.10", "9.1", "9.c", "17.18", "C2", "C11",
                                           "WTDC 9", "WTDC 16"]
    assert code_key(None) == code_key("")  # a missing code sorts, never raises
    for module in ("graph/reads/coverage.py", "graph/reads/common.py", "api/pages/views.py"):
        text = (ROOT / module).read_text(encoding="utf-8")
        assert "def natural_key" not in text and "def _natural" not in text and "def code_key" not in text


def test_coverage_titles_carry_every_language_of_the_graph():
    from itukg.graph.reads.coverage import coverage
    from itukg.settings import Settings

    settings = Settings()
    store = memory_store()
    store.load("""@prefix sdgo: <http://metadata.un.org/sdg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://metadata.un.org/sdg/9> a sdgo:Goal ; skos:prefLabel "Industry"@en, "工业"@zh-Hans, "Industrie"@fr .
<http://metadata.un.org/sdg/9.c> a sdgo:Target ; sdgo:isTargetOf <http://metadata.un.org/sdg/9> ;
    skos:prefLabel "Access"@en, "Accès"@fr .
""".encode(), "turtle", graph=settings.reference_graph)
    goal = coverage(store, settings)["goals"][0]
    assert goal["title"] == {"en": "Industry", "zh": "工业", "fr": "Industrie"} and goal["label"] == "Industry"
    assert goal["targets"][0]["title"] == {"en": "Access", "fr": "Accès"}
    assert "label_zh" not in goal
