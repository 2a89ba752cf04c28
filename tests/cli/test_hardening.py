"""Issue 11, the store's half: nothing a user loaded is lost to a concurrent build, a killed
writer's leftovers go at the next command (a reader too), and input is bounded (entity
expansion, literal, file and document sizes) with clear errors and lines, never a traceback.
Real ``itukg`` processes throughout; every one has a timeout."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from itukg.graph.store import current_generation, open_store
from itukg.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ITUKG = ROOT / ".venv" / "bin" / "itukg"
if not ITUKG.exists():
    ITUKG = Path(sys.executable).parent / "itukg"


def itukg(store: Path, *args: object, timeout: float = 120, env: dict | None = None
          ) -> subprocess.CompletedProcess:
    return subprocess.run([str(ITUKG), "--store", str(store), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def assert_clean_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    """Exit 2, one ``itukg: error:``-style message naming every needle, no traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    for n in needles:
        assert n in proc.stderr, proc.stderr


@pytest.fixture()
def store(tmp_path, corpus_dir) -> Path:
    s = tmp_path / "store"
    assert itukg(s, "build", "-q", corpus_dir).returncode == 0
    return s


# -- nothing loaded is ever lost -----------------------------------------------------------------
def test_every_load_that_reported_success_survives_concurrent_builds(store, tmp_path, corpus_dir):
    files = []
    for i in range(10):
        f = tmp_path / f"load-{i}.nt"
        f.write_text(f'<http://example.org/s{i}> <http://example.org/p> "load {i}" .\n')
        files.append(f)
    procs: list[tuple[str, Path | None, subprocess.Popen]] = []
    for i, f in enumerate(files):  # loads and builds interleaved, all at once
        procs.append(("load", f, subprocess.Popen(
            [str(ITUKG), "--store", str(store), "load", str(f)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
        if i % 4 == 1:
            procs.append(("build", None, subprocess.Popen(
                [str(ITUKG), "--store", str(store), "build", "-q", str(corpus_dir)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    loaded, builds = [], 0
    for kind, f, p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, (kind, err)
        assert "Traceback" not in err
        if kind == "load":
            assert out.startswith("loaded 1 triples"), out
            loaded.append(Settings(store=store).file_graph(f.name))
        else:
            builds += 1
    assert builds == 3 and len(loaded) == 10
    with open_store(Settings(store=store), read_only=True) as s:
        per_graph = s.triples_per_graph()
    assert {g: per_graph.get(g) for g in loaded} == {g: 1 for g in loaded}


# -- a killed writer's leftovers ------------------------------------------------------------------
_SLOW_DATA = "".join(
    f'<http://example.org/s{i}> <http://example.org/p> "{"x" * 200} {i}" .\n' for i in range(400_000)
)


def test_a_killed_load_leaves_nothing_after_the_next_read_only_command(store, tmp_path):
    before = current_generation(store)
    big = tmp_path / "big.nt"
    big.write_text(_SLOW_DATA)
    p = subprocess.Popen([str(ITUKG), "--store", str(store), "load", str(big)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:  # wait until the load has its private generation, then kill -9 it
        deadline = time.monotonic() + 60
        while len(list(store.glob("gen-*"))) < 2 and p.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(p.pid, signal.SIGKILL)
    finally:
        p.wait(timeout=30)
    assert p.returncode == -signal.SIGKILL
    leftovers = [g for g in store.glob("gen-*") if g.resolve() != before]
    assert leftovers and not (leftovers[0] / "generation.json").exists()
    proc = itukg(store, "stats")  # a reader: no write needed to clean up
    assert proc.returncode == 0, proc.stderr
    assert sorted(store.glob("gen-*")) == [before]
    assert current_generation(store) == before


# -- bounded input --------------------------------------------------------------------------------
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>&i;</ex:p></rdf:Description>
</rdf:RDF>
"""
RDF_HEAD = ('<?xml version="1.0"?>\n{dtd}<rdf:RDF xmlns:rdf='
            '"http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n')


def _unchanged(store: Path, before: Path | None) -> None:
    assert current_generation(store) == before


def test_billion_laughs_is_refused_at_once_with_its_line(store, tmp_path):
    f = tmp_path / "laughs.rdf"
    f.write_text(LAUGHS)
    before = current_generation(store)
    t0 = time.monotonic()
    proc = itukg(store, "load", f, timeout=60)
    assert time.monotonic() - t0 < 30  # was 83 s and 11.8 GB
    assert_clean_error(proc, f"{f}:4:", "nested entity expansion is refused")
    _unchanged(store, before)


@pytest.mark.parametrize("dtd,needle", [
    ('<!DOCTYPE rdf:RDF [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n', "external entity"),
    ('<!DOCTYPE rdf:RDF [ <!ENTITY % x "y"> ]>\n', "parameter entity"),
    ('<!DOCTYPE rdf:RDF [ <!ENTITY x "' + "y" * 5000 + '"> ]>\n', "longer than 4096"),
])
def test_entities_that_reach_out_or_grow_are_refused(store, tmp_path, dtd, needle):
    f = tmp_path / "e.rdf"
    f.write_text(RDF_HEAD.format(dtd=dtd) + "</rdf:RDF>\n")
    assert_clean_error(itukg(store, "load", f), f"{f}:", needle)


def test_simple_entities_still_load(store, tmp_path):
    # OWL files written by editors declare namespace entities like these
    dtd = '<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://example.org/"> ]>\n'
    f = tmp_path / "ok.rdf"
    f.write_text(RDF_HEAD.format(dtd=dtd)
                 + '<rdf:Description rdf:about="&ex;a"><ex:p>&ex;</ex:p></rdf:Description>\n'
                 + "</rdf:RDF>\n")
    proc = itukg(store, "load", f)
    assert proc.returncode == 0, proc.stderr
    with open_store(Settings(store=store), read_only=True) as s:
        rows = s.query("SELECT ?o WHERE { GRAPH ?g { <http://example.org/a> ?p ?o } }").rows
    assert [str(r[0]) for r in rows] == ["http://example.org/"]


def test_literal_and_file_size_limits_are_stated_errors(store, tmp_path):
    f = tmp_path / "long.nt"
    f.write_text(f'<http://example.org/a> <http://example.org/p> "{"z" * 5000}" .\n')
    proc = itukg(store, "load", f, env={"ITUKG_MAX_LITERAL_BYTES": "4096"})
    assert_clean_error(proc, f"{f}:", "literal of 5000 bytes", "ITUKG_MAX_LITERAL_BYTES")
    proc = itukg(store, "load", f, env={"ITUKG_MAX_LOAD_BYTES": "1000"})
    assert_clean_error(proc, f"{f}:", "larger than the limit of 1000 bytes",
                       "ITUKG_MAX_LOAD_BYTES")
    assert itukg(store, "load", f).returncode == 0  # under the default limits it loads


def test_a_line_beyond_the_parser_buffer_is_a_clear_error(store, tmp_path):
    f = tmp_path / "huge.nt"
    f.write_text(f'<http://example.org/a> <http://example.org/p> "{"z" * (17 << 20)}" .\n')
    proc = itukg(store, "load", f, env={"ITUKG_MAX_LITERAL_BYTES": str(64 << 20)})
    assert_clean_error(proc, f"{f}:", "longer than the parser's limit of 16 MB")


def test_rdfxml_errors_and_invalid_iris_carry_their_line(store, tmp_path):
    f = tmp_path / "bad.rdf"
    f.write_text(RDF_HEAD.format(dtd="")
                 + '<rdf:Description rdf:about="http://example.org/a">\n'
                 + '  <ex:p>1</ex:p>\n</rdf:Description>\n'
                 + '<rdf:Description rdf:about="http://a b">\n</rdf:Description>\n</rdf:RDF>\n')
    assert_clean_error(itukg(store, "load", f), f"{f}:6:", "Invalid IRI")
    ttl = tmp_path / "bad.ttl"
    ttl.write_text('@prefix ex: <http://example.org/> .\n\n<http://a b> ex:p 1 .\n')
    proc = itukg(store, "load", ttl)
    assert_clean_error(proc, f"{ttl}:3:", "Invalid IRI")
    assert "prefix" not in proc.stderr


def test_a_document_over_16_mb_builds_and_one_over_the_limit_is_refused(tmp_path, corpus_dir):
    doc = next(corpus_dir.glob("*.txt"))
    text = doc.read_text(encoding="utf-8")
    big = tmp_path / "docs" / doc.name
    big.parent.mkdir()
    filler = ("Note: " + "padding text of a long annex " * 8 + "\n") * 75_000  # ~17.8 MB
    big.write_text(text + "\n" + filler, encoding="utf-8")
    assert big.stat().st_size > 16 << 20
    store = tmp_path / "store"
    proc = itukg(store, "build", "-q", big, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    with open_store(Settings(store=store), read_only=True) as s:
        rows = s.query("SELECT (STRLEN(?t) AS ?n) WHERE { GRAPH ?g { ?d "
                       "<https://w3id.org/itukg/ontology#sourceText> ?t } }").rows
    assert int(str(rows[0][0])) > 16 << 20
    proc = itukg(tmp_path / "store2", "build", "-q", big,
                 env={"ITUKG_MAX_DOCUMENT_BYTES": str(1 << 20)})
    assert_clean_error(proc, f"{big}:", "ITUKG_MAX_DOCUMENT_BYTES")


def test_an_iri_with_a_space_in_a_query_is_called_an_invalid_iri(store):
    proc = itukg(store, "query", "SELECT * WHERE {\n  <http://a b> ?p ?o }")
    assert_clean_error(proc, "query:2:", "invalid IRI '<http://a b>'")
    assert "prefix" not in proc.stderr


def test_an_internal_error_is_one_line_not_a_traceback(store):
    # a store whose current link points at a database that is not one: the engine fails
    (store / "current").resolve().joinpath("db", "CURRENT").write_text("garbage\n")
    proc = itukg(store, "stats")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("itukg: ") and proc.stderr.count("\n") == 1, proc.stderr
