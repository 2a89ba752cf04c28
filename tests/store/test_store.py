"""The store: formats, malformed data, bindings, datasets, generations and their atomic switch.

Everything runs against real pyoxigraph stores on disk (tmp dirs) or in memory.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from itukg.errors import DataError, QueryError, StoreError
from itukg.graph.store import (
    Generation,
    OxigraphStore,
    SelectResult,
    Store,
    current_generation,
    format_from_filename,
    open_store,
)
from itukg.graph.store.screen import check_query, network_keywords
from itukg.settings import Settings

EX = "http://example.org/"
G1 = EX + "g1"
G2 = EX + "g2"

# The same two triples in every format (the quad formats put them in graph G1).
SAMPLES = {
    "turtle": (
        "data.ttl",
        '@prefix ex: <http://example.org/> .\nex:a ex:name "甲"@zh ;\n  ex:count 3 .\n',
    ),
    "ntriples": (
        "data.nt",
        '<http://example.org/a> <http://example.org/name> "甲"@zh .\n'
        '<http://example.org/a> <http://example.org/count> '
        '"3"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
    ),
    "nquads": (
        "data.nq",
        '<http://example.org/a> <http://example.org/name> "甲"@zh <http://example.org/g1> .\n'
        '<http://example.org/a> <http://example.org/count> '
        '"3"^^<http://www.w3.org/2001/XMLSchema#integer> <http://example.org/g1> .\n',
    ),
    "trig": (
        "data.trig",
        '@prefix ex: <http://example.org/> .\nex:g1 { ex:a ex:name "甲"@zh ; ex:count 3 . }\n',
    ),
    "jsonld": (
        "data.jsonld",
        '{"@id": "http://example.org/g1", "@graph": [{"@id": "http://example.org/a",\n'
        ' "http://example.org/name": {"@value": "甲", "@language": "zh"},\n'
        ' "http://example.org/count": 3}]}\n',
    ),
    "rdfxml": (
        "data.rdf",
        '<?xml version="1.0"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:ex="http://example.org/">\n'
        ' <rdf:Description rdf:about="http://example.org/a">\n'
        '  <ex:name xml:lang="zh">甲</ex:name>\n'
        '  <ex:count rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">3</ex:count>\n'
        ' </rdf:Description>\n</rdf:RDF>\n',
    ),
}

# Malformed data: (format, text, line of the error)
MALFORMED = [
    ("turtle", '@prefix ex: <http://example.org/> .\nex:a ex:p "ok" .\nex:b ex:p "broken .\n', 3),
    ("ntriples", '<http://example.org/a> <http://example.org/p> "ok" .\n<http://example.org/b> <p> .\n', 2),
    ("nquads", '<http://example.org/a> <http://example.org/p> "ok" <http://example.org/g> .\n\n'
     '<http://example.org/a> <http://example.org/p> <http://example.org/g> "x" .\n', 3),
    ("trig", '@prefix ex: <http://example.org/> .\nex:g {\n ex:a ex:p "x" \n ex:b ex:p "y" .\n}\n', 4),
    ("jsonld", '{\n "@id": "http://example.org/a",\n "http://example.org/p": [1, ]\n}\n', 3),
]


def _row_set(result) -> set[tuple]:
    assert isinstance(result, SelectResult)
    return {tuple(r) for r in result.rows}


def _built(tmp_path: Path, data: dict[str, str] | None = None) -> Settings:
    """A store with one committed generation holding ``data`` (graph → N-Triples)."""
    settings = Settings(store=tmp_path / "store")
    data = data or {G1: f'<{EX}a> <{EX}p> "one" .\n'}
    with Generation.begin(settings.store) as gen:
        for graph, nt in data.items():
            gen.bulk_load(nt.encode(), "ntriples", graph)
        gen.commit()
    return settings


# -- formats ---------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_load_each_format_from_a_real_file(tmp_path, fmt):
    name, text = SAMPLES[fmt]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert format_from_filename(path) == fmt
    store = OxigraphStore(tmp_path / "db")
    graph = None if fmt in ("nquads", "trig", "jsonld") else G1
    assert store.load(path.read_bytes(), fmt, graph, source=name) == 2
    res = store.query(
        "SELECT ?g ?name ?count WHERE { GRAPH ?g { ?a <http://example.org/name> ?name ; "
        "<http://example.org/count> ?count } }"
    )
    assert _row_set(res) == {(URIRef(G1), Literal("甲", lang="zh"), Literal(3))}
    assert store.graphs() == [G1]


def test_quad_format_with_explicit_graph_goes_into_that_graph():
    store = OxigraphStore()
    store.load(SAMPLES["trig"][1].encode(), "trig", G2)
    assert store.triples_per_graph() == {G2: 2}


def test_triples_without_a_graph_are_refused():
    store = OxigraphStore()
    with pytest.raises(DataError, match="give a graph IRI"):
        store.load(SAMPLES["turtle"][1].encode(), "turtle", None)
    assert len(store) == 0


def test_unknown_extension_is_a_clear_error():
    with pytest.raises(DataError, match="--format"):
        format_from_filename("data.csv")


# -- malformed data --------------------------------------------------------------------------
@pytest.mark.parametrize("fmt,text,line", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_data_is_refused_with_its_line_and_the_store_unchanged(tmp_path, fmt, text, line):
    store = OxigraphStore(tmp_path / "db")
    store.load(SAMPLES["nquads"][1].encode(), "nquads")
    before = store.dump("nquads")
    with pytest.raises(DataError) as info:
        store.load(text.encode(), fmt, G2, source=f"bad.{fmt}")
    assert info.value.line == line
    assert str(info.value).startswith(f"bad.{fmt}:{line}: ")
    assert store.dump("nquads") == before
    assert G2 not in store.graphs()


def test_malformed_rdfxml_is_refused(tmp_path):
    store = OxigraphStore()
    bad = '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<rdf:Description rdf:about="http://example.org/a">\n</rdf:RDF>\n'
    with pytest.raises(DataError):
        store.load(bad.encode(), "rdfxml", G1, source="bad.rdf")
    assert len(store) == 0


def test_jsonld_remote_context_is_never_fetched():
    """A local listener proves no connection is opened; the data is refused."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(0.5)
    port = srv.getsockname()[1]
    connections: list[object] = []

    def accept() -> None:
        try:
            connections.append(srv.accept())
        except OSError:
            pass

    t = threading.Thread(target=accept)
    t.start()
    doc = f'{{"@context": "http://127.0.0.1:{port}/ctx.jsonld", "@id": "http://example.org/a", "name": "x"}}'
    store = OxigraphStore()
    try:
        with pytest.raises(DataError, match="remote contexts are not fetched"):
            store.load(doc.encode(), "jsonld", G1, source="remote.jsonld")
    finally:
        t.join()
        srv.close()
    assert connections == []
    assert len(store) == 0


# -- queries ---------------------------------------------------------------------------------
@pytest.fixture()
def two_graphs() -> OxigraphStore:
    store = OxigraphStore()
    store.load(
        f'<{EX}a> <{EX}p> "one"@en <{G1}> .\n<{EX}b> <{EX}p> "two"@en <{G2}> .\n'
        f'<{EX}b> <{EX}n> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <{G2}> .\n'.encode(),
        "nquads",
    )
    return store


def test_store_satisfies_the_protocol(two_graphs):
    assert isinstance(two_graphs, Store)


def test_default_graph_is_the_union(two_graphs):
    res = two_graphs.query(f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }}")
    assert _row_set(res) == {(URIRef(EX + "a"),), (URIRef(EX + "b"),)}


def test_bindings_enter_through_the_engine(two_graphs):
    q = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}"
    res = two_graphs.query(q, bindings={"o": Literal("two", lang="en")})
    assert _row_set(res) == {(URIRef(EX + "b"), Literal("two", lang="en"))}
    # a value that would break the query text if pasted in is just a value
    res = two_graphs.query(q, bindings={"o": Literal('x" } ; DROP ALL #')})
    assert res.rows == []
    # a typed literal binding
    res = two_graphs.query(f"SELECT ?s ?n WHERE {{ ?s <{EX}n> ?n }}", bindings={"n": Literal(2)})
    assert _row_set(res) == {(URIRef(EX + "b"), Literal(2))}


def test_binding_a_variable_outside_the_projection_is_a_query_error(two_graphs):
    with pytest.raises(QueryError, match="projection"):
        two_graphs.query(f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}", bindings={"s": URIRef(EX + "a")})


def test_default_and_named_graph_overrides(two_graphs):
    q = f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }}"
    assert _row_set(two_graphs.query(q, default_graph=[G1])) == {(URIRef(EX + "a"),)}
    assert _row_set(two_graphs.query(q, default_graph=[G2])) == {(URIRef(EX + "b"),)}
    qn = f"SELECT ?g ?s WHERE {{ GRAPH ?g {{ ?s <{EX}p> ?o }} }}"
    assert _row_set(two_graphs.query(qn, named_graphs=[G2])) == {(URIRef(G2), URIRef(EX + "b"))}
    # only named graphs given: the default graph is empty (SPARQL protocol semantics)
    assert two_graphs.query(q, named_graphs=[G2]).rows == []


def test_query_forms_and_serialised_results(two_graphs):
    assert two_graphs.query(f"ASK {{ <{EX}a> ?p ?o }}") is True
    assert two_graphs.query(f"ASK {{ <{EX}zz> ?p ?o }}") is False
    triples = two_graphs.query(f"CONSTRUCT {{ ?s <{EX}q> ?o }} WHERE {{ ?s <{EX}p> ?o }}")
    assert set(triples) == {
        (URIRef(EX + "a"), URIRef(EX + "q"), Literal("one", lang="en")),
        (URIRef(EX + "b"), URIRef(EX + "q"), Literal("two", lang="en")),
    }
    kind, body = two_graphs.query_serialized(f"SELECT ?s WHERE {{ ?s <{EX}n> ?n }}", result_format="csv")
    assert (kind, body) == ("select", b"s\r\nhttp://example.org/b\r\n")
    kind, body = two_graphs.query_serialized("ASK { ?s ?p ?o }", result_format="json")
    assert kind == "ask" and b'"boolean":true' in body
    kind, body = two_graphs.query_serialized(f"DESCRIBE <{EX}b>", result_format="ntriples")
    assert kind == "graph" and body.count(b"\n") == 2
    with pytest.raises(QueryError, match="cannot be given as"):
        two_graphs.query_serialized("ASK {}", result_format="turtle")
    with pytest.raises(QueryError, match="cannot be given as"):
        two_graphs.query_serialized("CONSTRUCT WHERE { ?s ?p ?o }", result_format="csv")


@pytest.mark.parametrize(
    "q,form",
    [
        ("PREFIX select: <http://e/> # CONSTRUCT in a comment\nASK { ?s select:p 'SELECT' }", "ask"),
        ("BASE <http://e/describe> SELECT * WHERE { ?s ?p ?o }", "select"),
        ("construct where { ?s ?p ?o }", "construct"),
        ("DESCRIBE <http://e/x>", "describe"),
    ],
)
def test_query_form(q, form):
    assert OxigraphStore().query_form(q) == form


def test_bad_queries_are_query_errors(two_graphs):
    with pytest.raises(QueryError, match="expected"):
        two_graphs.query("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(QueryError, match="update"):
        two_graphs.query(f"INSERT DATA {{ <{EX}x> <{EX}p> 1 }}")
    with pytest.raises(QueryError, match="not a SPARQL query"):
        two_graphs.query_form("hello")
    assert len(two_graphs) == 3


def test_service_is_refused_before_the_engine_sees_it():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(0.3)
    port = srv.getsockname()[1]
    q = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryError, match="SERVICE"):
        OxigraphStore().query(q)
    with pytest.raises(QueryError, match="SERVICE"):
        OxigraphStore().query_form(q)
    with pytest.raises(socket.timeout):
        srv.accept()
    srv.close()
    # the word inside a string or an IRI is not the keyword
    text = "SELECT * WHERE { ?s ?p 'SERVICE' . ?s ?p <http://e/SERVICE> }"
    assert check_query(text) == "select" and not network_keywords(text)


def test_replace_graph_add_triples_drop_and_dump(two_graphs):
    n = two_graphs.replace_graph(G1, f'<{EX}c> <{EX}p> "three" .\n'.encode())
    assert n == 1
    assert two_graphs.triples_per_graph() == {G1: 1, G2: 2}
    with pytest.raises(DataError):
        two_graphs.replace_graph(G1, b"<broken")
    assert two_graphs.triples_per_graph() == {G1: 1, G2: 2}
    assert two_graphs.add_triples(G1, [(URIRef(EX + "d"), URIRef(EX + "p"), Literal("四", lang="zh"))]) == 1
    two_graphs.drop_graph(G2)
    assert two_graphs.graphs() == [G1]
    ttl = two_graphs.dump("turtle", G1, prefixes={"ex": EX}).decode()
    assert "ex:d ex:p \"四\"@zh" in ttl
    nq = two_graphs.dump("nquads").decode()
    assert nq.count(f"<{G1}>") == 2


# -- generations on disk -----------------------------------------------------------------------
def test_no_store_is_a_clear_error(tmp_path):
    settings = Settings(store=tmp_path / "nothing")
    with pytest.raises(StoreError, match=r"no store at .*nothing; run itukg build"):
        open_store(settings, read_only=True)
    with pytest.raises(StoreError, match="run itukg build"):
        open_store(settings)


def test_a_directory_that_is_not_a_store_is_refused(tmp_path):
    (tmp_path / "precious.txt").write_text("mine")
    with pytest.raises(StoreError, match="not an itukg store"):
        Generation.begin(tmp_path)
    assert (tmp_path / "precious.txt").read_text() == "mine"


def test_writes_switch_atomically_and_readers_keep_their_generation(tmp_path):
    settings = _built(tmp_path)
    first = current_generation(settings.store)
    reader = open_store(settings, read_only=True)
    with open_store(settings) as writer:
        writer.load(f'<{EX}b> <{EX}p> "two" .'.encode(), "ntriples", G2)
        # not visible to anyone until closed
        assert current_generation(settings.store) == first
    second = current_generation(settings.store)
    assert second != first and first.exists()  # the replaced generation stays for readers
    assert reader.triples_per_graph() == {G1: 1}  # the old reader still sees its generation
    with open_store(settings, read_only=True) as fresh:
        assert fresh.triples_per_graph() == {G1: 1, G2: 1}
    reader.close()
    # a third write removes the first generation (two back), keeps the second
    with open_store(settings) as writer:
        writer.drop_graph(G2)
    gens = sorted(p.name for p in settings.store.glob("gen-*"))
    assert first.name not in gens and second.name in gens and len(gens) == 2
    assert os.readlink(settings.store / "current").startswith("gen-")


def test_a_session_without_writes_publishes_nothing(tmp_path):
    settings = _built(tmp_path)
    before = current_generation(settings.store)
    with open_store(settings) as s:
        assert s.triples_per_graph() == {G1: 1}
    assert current_generation(settings.store) == before
    assert len(list(settings.store.glob("gen-*"))) == 1


def test_an_exception_inside_a_write_session_leaves_the_store_as_it_was(tmp_path):
    settings = _built(tmp_path)
    before = current_generation(settings.store)
    with pytest.raises(RuntimeError):
        with open_store(settings) as s:
            s.drop_graph(G1)
            raise RuntimeError("boom")
    assert current_generation(settings.store) == before
    assert len(list(settings.store.glob("gen-*"))) == 1
    with open_store(settings, read_only=True) as s:
        assert s.triples_per_graph() == {G1: 1}


def test_one_writer_at_a_time(tmp_path):
    settings = _built(tmp_path)
    gen = Generation.begin(settings.store, copy_current=True)
    try:
        with pytest.raises(StoreError, match="another itukg process"):
            Generation.begin(settings.store, lock_wait=0.2)
    finally:
        gen.abort()
    Generation.begin(settings.store, lock_wait=0.2).abort()


_KILLED_WRITER = """
import os, signal, sys
from itukg.graph.store import Generation
gen = Generation.begin(sys.argv[1])
gen.bulk_load(b'<http://example.org/x> <http://example.org/p> "half" .', "ntriples", "http://example.org/g9")
print(gen.path, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_build_leaves_the_old_store_and_its_leftover_is_cleaned_next_time(tmp_path):
    settings = _built(tmp_path)
    before = current_generation(settings.store)
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(settings.store)],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL
    leftover = Path(proc.stdout.strip())
    assert leftover.is_dir() and leftover.parent == settings.store.absolute()
    assert current_generation(settings.store) == before
    with open_store(settings, read_only=True) as s:
        assert s.triples_per_graph() == {G1: 1}
    # the next writer removes the half-built generation
    with open_store(settings) as s:
        s.load(f'<{EX}b> <{EX}p> "two" .'.encode(), "ntriples", G2)
    assert not leftover.exists()
    with open_store(settings, read_only=True) as s:
        assert s.triples_per_graph() == {G1: 1, G2: 1}


def test_bulk_load_screens_rdfxml_entities_too(tmp_path):
    laughs = (b'<?xml version="1.0"?>\n<!DOCTYPE r [\n <!ENTITY a "aaaa">\n <!ENTITY b "&a;&a;">\n]>\n'
              b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
    store = OxigraphStore(tmp_path / "db")
    try:
        with pytest.raises(DataError, match="nested entity expansion"):
            store.bulk_load(laughs, "rdfxml", G1)
    finally:
        store.close()
