"""The Oxigraph server's union default graph as the readers' default graph (decision 0186,
graph/store/remote/books.py): the bookkeeping is empty named graphs, so the union is exactly
the published graphs; a reader keeps a union answer only if no writer came while it asked
(a sequence lock), and falls back to the published list otherwise; foreign data on the server
keeps it on the list."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from itukg.graph.build import build, bundled_corpus
from itukg.graph.store import begin_generation, open_store
from itukg.graph.store.remote import client as remote_client
from itukg.graph.store.remote import names
from itukg.graph.store.remote.client import Endpoints
from itukg.graph.store.remote.store import RemoteStore

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
IKG = "https://w3id.org/itukg/ontology#"


@pytest.fixture(params=["oxigraph-server", "oxigraph-union"])
def server(request, sparql_servers, monkeypatch):
    """An Oxigraph server holding the corpus build (started plain, and with
    ``--union-default-graph``); tests may write to it. The union is used from the corpus's
    four graphs on (by default from 16: a short list costs nothing)."""
    monkeypatch.setattr(RemoteStore, "UNION_FROM_GRAPHS", 1)
    srv = sparql_servers(request.param, "union")
    build([bundled_corpus()], srv.settings())
    return srv


def count(store) -> int:
    return int(store.query(COUNT).rows[0][0])


def on_list(store: RemoteStore, sparql: str):
    """The answer asked the other way: the published graphs as the dataset."""
    return store.query(sparql, default_graph=store.published, named_graphs=store.published)


def same(res) -> object:
    """An answer in a form that compares (rows and triples as multisets)."""
    if isinstance(res, bool):
        return res
    return Counter(res.rows if hasattr(res, "rows") else res)


def test_readers_ask_with_the_union_and_get_the_lists_answers(server, _corpus_built):
    with open_store(server.settings(), read_only=True) as s:
        assert s.union_mark is not None  # the server is clean: no lock, no foreign data
        queries = [COUNT, PER_GRAPH,
                   f"SELECT ?o ?code WHERE {{ ?o a <{IKG}Output> ; <{IKG}code> ?code }} ORDER BY ?code",
                   f"ASK {{ ?o a <{IKG}Output> }}",
                   f"CONSTRUCT {{ ?o a <{IKG}Output> }} WHERE {{ ?o a <{IKG}Output> }}"]
        for q in queries:
            assert same(s.query(q)) == same(on_list(s, q)), q
        assert s.union_answers == [len(queries), 0]
        # the same answers as the embedded store: a triple in two graphs counts twice there
        with open_store(_corpus_built[0], read_only=True) as embedded:
            assert count(s) == count(embedded)
        # no bookkeeping triple anywhere in the union
        assert s.query("ASK { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'urn:x-itukg:')) }") is False
        # GRAPH ?g {} would list the bookkeeping's empty graphs: asked with the list
        listed = s.query("SELECT ?g WHERE { GRAPH ?g {} }")
        assert sorted(str(r[0]) for r in listed.rows) == s.published
        assert s.union_answers[0] == len(queries) + 2


def test_a_writer_at_work_sends_readers_back_to_the_list(server, monkeypatch):
    settings = server.settings()
    monkeypatch.setattr(RemoteStore, "RECHECK", 0.0)
    c = remote_client(Endpoints.of(settings))
    reader = open_store(settings, read_only=True)
    before, per_graph = count(reader), reader.query(PER_GRAPH)
    assert reader.union_mark is not None
    with begin_generation(settings, kind="test", copy_current=True):
        # the middle of a build: a stage graph uploaded, in the server's union
        stage = names.stage_graph("t", 0)
        c.put_graph(stage, b"<http://e/a> <http://e/p> <http://e/o> .\n" * 1)
        assert count(reader) == before  # the union answer was thrown away
        assert reader.union_answers[1] == 1 and reader.union_mark is None
        assert reader.query(PER_GRAPH) == per_graph
        fresh = open_store(settings, read_only=True)  # opened while a writer works
        assert fresh.union_mark is None and count(fresh) == before
        c.update(f"DROP GRAPH <{stage}>")
    # the writer is gone (aborted): the readers look again and go back to the union
    kept = reader.union_answers[0]
    assert count(reader) == before and reader.union_answers[0] == kept + 1
    # a build switched meanwhile: the union shows the new graphs, never a mix
    build([bundled_corpus()], settings)
    assert count(reader) == before


def test_foreign_data_keeps_readers_on_the_list(server):
    settings = server.settings()
    with open_store(settings, read_only=True) as s:
        before = count(s)
    # a triple in the server's own default graph, then one in a graph itukg did not publish
    for params in ({"default": ""}, {"graph": "http://example.org/foreign"}):
        r = httpx.post(server.url + "/store", params=params, content=b'<http://e/a> <http://e/p> "1" .\n',
                       headers={"Content-Type": "application/n-triples"}, timeout=30)
        assert r.status_code < 300, r.text
        with open_store(settings, read_only=True) as s:
            assert s.union_mark is None
            assert count(s) == before and s.union_answers == [0, 0]
        r = httpx.delete(server.url + "/store", params=params, timeout=30)
        assert r.status_code < 300, r.text
    with open_store(settings, read_only=True) as s:
        assert s.union_mark is not None and count(s) == before


def test_a_short_list_is_sent_as_it_is(server, monkeypatch):
    """Below UNION_FROM_GRAPHS published graphs the list costs the server nothing more than
    the union, and saves the check: the corpus (4 graphs) is asked with the list."""
    monkeypatch.setattr(RemoteStore, "UNION_FROM_GRAPHS", 16)
    with open_store(server.settings(), read_only=True) as s:
        assert len(s.published) < 16 and s.union_mark is not None
        count(s)
        assert s.union_answers == [0, 0]


def test_readers_during_a_real_build_see_the_old_or_the_new_graph(server, monkeypatch):
    """A reader asking over and over while a build uploads its stage graphs (which are in the
    server's union) and switches: every count is the old graph's or the new one's."""
    import threading
    from pathlib import Path

    monkeypatch.setattr(RemoteStore, "RECHECK", 0.0)
    settings = server.settings()
    extra = Path(__file__).resolve().parents[1] / "data" / "docs" / "ACP-TEST-EN.en.txt"
    reader = open_store(settings, read_only=True)
    old = count(reader)
    failures: list[BaseException] = []

    def rebuild() -> None:
        try:
            build([bundled_corpus(), extra], settings)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    writer = threading.Thread(target=rebuild)
    writer.start()
    seen = []
    while writer.is_alive():
        seen.append(count(reader))
    writer.join()
    assert not failures, failures
    with open_store(settings, read_only=True) as fresh:
        new = count(fresh)
    seen.append(count(reader))
    assert new > old and set(seen) <= {old, new}, sorted(set(seen))
    assert seen[-1] == new and len(seen) > 20
    # the writer was seen at work, and its answers were thrown away, not passed on
    assert reader.union_answers[1] >= 1


def test_a_switch_between_reading_the_list_and_asking_is_asked_again(server, monkeypatch):
    """A reader on the list (a writer was seen) whose query reaches the server just after a
    switch would get the old graph names with their new contents, a mix of two generations:
    it checks its generation still stands, moves to the new one and asks again."""
    import time
    from pathlib import Path

    from itukg.graph.store import store_generation

    monkeypatch.setattr(RemoteStore, "RECHECK", 3600.0)  # stays on the list
    settings = server.settings()
    extra = Path(__file__).resolve().parents[1] / "data" / "docs" / "ACP-TEST-EN.en.txt"
    reader = open_store(settings, read_only=True)
    old = count(reader)
    reader.union_mark, reader._recheck_at = None, time.monotonic() + 3600  # as after a writer
    send, fired = reader._send, []

    def switch_first(form, text, **dataset):
        if not fired and "union" not in dataset:
            fired.append(True)
            build([bundled_corpus(), extra], settings)  # the switch lands here
        return send(form, text, **dataset)

    monkeypatch.setattr(reader, "_send", switch_first)
    n = count(reader)
    with open_store(settings, read_only=True) as fresh:
        new = count(fresh)
    assert fired and new > old
    assert n == new and reader.generation == store_generation(settings)
