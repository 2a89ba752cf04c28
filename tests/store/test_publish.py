"""``itukg publish``: versioned snapshots of the store (decisions 0180-0183).

Real stores built from the corpus, real files; the dump is checked against the store through
rdflib, the description parsed as Turtle, the changes against set differences computed here.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, PROV, RDF

from itukg.cli import main
from itukg.errors import DataError, StoreError
from itukg.graph.publish import latest, publish, snapshots
from itukg.graph.publish.changes import compare
from itukg.graph.store import open_store

SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID = Namespace("http://rdfs.org/ns/void#")
EX = "http://example.org/publish-test"


def _quads(dump: Path) -> dict[str, set[str]]:
    """Graph IRI -> its triples as N-Triples lines, read with rdflib (not the publisher's
    reader)."""
    ds = Dataset()
    ds.parse(data=gzip.decompress(dump.read_bytes()).decode("utf-8"), format="nquads")
    out: dict[str, set[tuple]] = {}
    for s, p, o, g in ds.quads((None, None, None, None)):
        out.setdefault(str(g.identifier if hasattr(g, "identifier") else g), set()).add((s, p, o))
    return out


def _lines(dump: Path) -> dict[str, set[bytes]]:
    """Graph IRI -> its lines as written (blank node labels kept: rdflib would rename them).
    Every line of an itukg dump ends with ``<graph> .``."""
    out: dict[str, set[bytes]] = {}
    for line in gzip.decompress(dump.read_bytes()).splitlines():
        graph = line.rsplit(b" ", 2)[-2]
        out.setdefault(graph.decode().strip("<>"), set()).add(line)
    return out


def _load(settings, nt: str, name: str) -> None:
    with open_store(settings) as s:
        s.load(nt.encode(), "ntriples", f"{settings.base_iri}graph/file/{name}")


@pytest.fixture()
def built(tmp_path, build_corpus):
    return build_corpus(tmp_path)


def test_dump_holds_the_store_in_a_deterministic_order(built, tmp_path):
    out = publish(built, tmp_path / "pub")
    snap = out.snapshot
    assert out.written and snap.version == 1 and snap.manifest["previous"] is None
    dump = snap.file("itukg.nq.gz")
    with open_store(built, read_only=True) as store:
        per_graph = store.triples_per_graph()
    assert snap.manifest["graphs"] == per_graph
    assert {g: len(t) for g, t in _quads(dump).items()} == per_graph
    lines = gzip.decompress(dump.read_bytes()).splitlines()
    graphs = [line.rsplit(b" ", 2)[-2] for line in lines]  # every line ends with <graph> .
    order = list(dict.fromkeys(graphs))
    assert order == sorted(order), "graphs in IRI order"
    for g in order:
        own = [line for line, gg in zip(lines, graphs) if gg == g]
        assert own == sorted(own), f"lines of {g!r} sorted"
    digest = hashlib.sha256(dump.read_bytes()).hexdigest()
    assert snap.manifest["dump"]["sha256"] == digest and snap.manifest["dump"]["bytes"] == dump.stat().st_size
    assert (snap.path / "SHA256SUMS").read_text() == f"{digest}  itukg.nq.gz\n"


def test_a_rebuild_of_the_same_documents_publishes_nothing(tmp_path, build_corpus):
    """Blank nodes get new labels at every build; canonical labels make the dumps equal."""
    first = build_corpus(tmp_path / "a")
    second = build_corpus(tmp_path / "b")
    one = publish(first, tmp_path / "pub")
    again = publish(second, tmp_path / "pub")
    assert not again.written and again.snapshot.name == one.snapshot.name
    forced = publish(second, tmp_path / "pub", force=True)
    assert forced.written and forced.snapshot.version == 2
    assert forced.snapshot.manifest["dump"]["sha256"] == one.snapshot.manifest["dump"]["sha256"]
    assert forced.snapshot.manifest["changes"] == {
        "previous": one.snapshot.name, "added": 0, "removed": 0, "graphs": {}}


def test_changes_count_what_was_added_and_removed_per_graph(built, tmp_path):
    pub = tmp_path / "pub"
    _load(built, f'<{EX}/a> <{EX}/p> "one" .\n<{EX}/a> <{EX}/p> "two" .\n', "gone.nt")
    v1 = publish(built, pub).snapshot
    ref = built.reference_graph
    with open_store(built) as s:  # one write session: drop a graph, edit the reference graph
        s.drop_graph(f"{built.base_iri}graph/file/gone.nt")
        victim = s.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{ref}> {{ ?s ?p ?o FILTER(isLiteral(?o)) }} }} LIMIT 3").rows
        s.update(f"DELETE DATA {{ GRAPH <{ref}> {{ "
                 + " ".join(f"{_nt(a)} {_nt(b)} {_nt(c)} ." for a, b, c in victim) + " } }")
        s.update(f'INSERT DATA {{ GRAPH <{ref}> {{ <{EX}/x> <{EX}/p> "new" }} }}')
    _load(built, f'<{EX}/b> <{EX}/q> <{EX}/c> .\n', "new.nt")
    v2 = publish(built, pub).snapshot
    old, new = _lines(v1.file("itukg.nq.gz")), _lines(v2.file("itukg.nq.gz"))
    expected = {}
    for g in sorted(set(old) | set(new)):
        a, r = len(new.get(g, set()) - old.get(g, set())), len(old.get(g, set()) - new.get(g, set()))
        if a or r:
            expected[g] = {"added": a, "removed": r}
    changes = v2.manifest["changes"]
    assert changes["graphs"] == expected
    assert expected[ref] == {"added": 1, "removed": 3}
    assert expected[f"{built.base_iri}graph/file/gone.nt"] == {"added": 0, "removed": 2}
    assert expected[f"{built.base_iri}graph/file/new.nt"] == {"added": 1, "removed": 0}
    assert (changes["added"], changes["removed"]) == (2, 5)
    assert compare(v1.file("itukg.nq.gz"), v2.file("itukg.nq.gz")) == {k: v for k, v in changes.items() if k != "previous"}


def _nt(term) -> str:
    return term.n3()


def test_description_says_version_previous_checksum_size_graphs_and_licences(built, tmp_path):
    pub = tmp_path / "pub"
    v1 = publish(built, pub).snapshot
    _load(built, f'<{EX}/a> <{EX}/p> "x" .\n', "extra.nt")
    v2 = publish(built, pub, service_url="https://data.example.org/itukg/").snapshot
    g = Graph().parse(v2.file("void.ttl"), format="turtle")
    snap, prev = URIRef(v2.manifest["iri"]), URIRef(v1.manifest["iri"])
    assert (snap, RDF.type, VOID.Dataset) in g and (snap, RDF.type, DCAT.Dataset) in g
    assert (snap, URIRef(str(DCAT) + "previousVersion"), prev) in g
    assert (snap, PROV.wasRevisionOf, prev) in g
    assert g.value(snap, URIRef(str(DCAT) + "version")) == Literal("2")
    dump = v2.file("itukg.nq.gz")
    url = URIRef(f"https://data.example.org/itukg/snapshots/{v2.name}/itukg.nq.gz")
    assert g.value(snap, VOID.dataDump) == url
    dist = g.value(snap, DCAT.distribution)
    assert g.value(dist, DCAT.downloadURL) == url
    assert int(g.value(dist, DCAT.byteSize)) == dump.stat().st_size
    checksum = g.value(dist, SPDX.checksum)
    assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(dump.read_bytes()).hexdigest()
    for graph, n in v2.manifest["graphs"].items():
        assert (snap, VOID.subset, URIRef(graph)) in g
        assert int(g.value(URIRef(graph), VOID.triples)) == n
    assert int(g.value(snap, VOID.triples)) == sum(v2.manifest["graphs"].values())
    licences = set(g.objects(snap, URIRef("http://purl.org/dc/terms/license")))
    assert licences and licences == set(g.objects(URIRef(built.reference_graph), URIRef("http://purl.org/dc/terms/license"))) | set(
        g.objects(URIRef(built.ontology_graph), URIRef("http://purl.org/dc/terms/license")))
    assert (None, URIRef("http://www.w3.org/ns/sparql-service-description#endpoint"),
            URIRef("https://data.example.org/itukg/sparql")) in g


def test_an_interrupted_publish_leaves_nothing_and_latest_unchanged(built, tmp_path, monkeypatch):
    import itukg.graph.publish as publisher

    pub = tmp_path / "pub"
    v1 = publish(built, pub).snapshot
    _load(built, f'<{EX}/a> <{EX}/p> "x" .\n', "extra.nt")

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(publisher, "describe", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish(built, pub)
    assert sorted(p.name for p in pub.iterdir()) == sorted([".lock", "latest", v1.name])
    assert latest(pub).name == v1.name
    monkeypatch.undo()
    (pub / ".tmp-v0002-20260101T000000Z-99999").mkdir()  # what a kill -9 leaves
    (pub / ".tmp-notes.txt").write_text("someone else's file stays")
    (pub / ".tmp-v0002-20260101T000000Z-99999" / "itukg.nq.gz").write_bytes(b"half")
    v2 = publish(built, pub).snapshot
    assert v2.version == 2 and latest(pub).name == v2.name
    assert [p.name for p in pub.iterdir() if p.name.startswith(".tmp-")] == [".tmp-notes.txt"]
    assert [s.name for s in snapshots(pub)] == [v1.name, v2.name]


def test_cli_publish(built, tmp_path, capsys):
    pub = tmp_path / "pub"
    assert main(["--store", str(built.store), "publish", str(pub)]) == 0
    out, err = capsys.readouterr()
    assert "version 1" in out and "first snapshot" in out
    assert "itukg publish: graph 1/" in err and "published" in err
    _load(built, f'<{EX}/a> <{EX}/p> "x" .\n', "extra.nt")
    assert main(["--store", str(built.store), "publish", "-q", "--format", "json", str(pub)]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["written"] and doc["version"] == 2 and err == ""
    assert doc["changes"]["graphs"] == {f"{built.base_iri}graph/file/extra.nt": {"added": 1, "removed": 0}}
    assert main(["--store", str(built.store), "publish", str(pub)]) == 0
    assert "unchanged" in capsys.readouterr().out


def test_cli_errors_exit_2_without_traceback(tmp_path, built, capsys):
    assert main(["--store", str(tmp_path / "nothing"), "publish", str(tmp_path / "pub")]) == 2
    assert "no store" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["--store", str(built.store), "publish", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("itukg: error:") and "Traceback" not in err
    assert main(["--store", str(built.store), "publish", str(built.store / "snapshots")]) == 2
    assert "inside the store" in capsys.readouterr().err
    assert not (built.store / "snapshots").exists()


def test_compare_refuses_what_is_not_a_dump(tmp_path, built):
    good = publish(built, tmp_path / "pub").snapshot.file("itukg.nq.gz")
    bad = tmp_path / "bad.nq.gz"
    bad.write_bytes(b"plain text, not gzip")
    with pytest.raises(DataError, match="bad.nq.gz"):
        compare(good, bad)
    broken = tmp_path / "broken.nq.gz"
    broken.write_bytes(gzip.compress(b'<http://e/a> <http://e/b> "a triple, no graph" .\n'))
    with pytest.raises(DataError, match="broken.nq.gz:1: not an itukg dump"):
        compare(broken, good)
    truncated = tmp_path / "truncated.nq.gz"
    truncated.write_bytes(good.read_bytes()[:1000])
    with pytest.raises(DataError, match="truncated.nq.gz"):
        compare(good, truncated)


def test_a_second_publisher_waits_for_the_first(tmp_path, built):
    from itukg.graph.publish.layout import PublishLock

    pub = tmp_path / "pub"
    with PublishLock(pub):
        lock = PublishLock(pub, wait=0.3)
        with pytest.raises(StoreError, match="another itukg publish"):
            lock.__enter__()
