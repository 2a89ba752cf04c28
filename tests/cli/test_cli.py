"""The commands end to end through ``itukg.cli.main`` (and once through a real ``itukg``
process): build, load, query, export, stats, and their errors."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from itukg.cli import main
from itukg.graph.store import current_generation, open_store

ROOT = Path(__file__).resolve().parents[2]
ITUKG = ROOT / ".venv" / "bin" / "itukg"
if not ITUKG.exists():  # installed elsewhere: the script next to this interpreter
    ITUKG = Path(sys.executable).parent / "itukg"

# "Which outputs serve SDG target 9.c, under which resolutions, and from which lines?"
SDG_9C = """
PREFIX ikg: <https://w3id.org/itukg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?output ?code ?resolution ?line ?asWritten WHERE {
  ?output ikg:servesTarget ?target ; ikg:code ?code .
  OPTIONAL { ?output ikg:mandatedBy ?resolution }
  ?link a ikg:LinkAssertion ; rdf:subject ?output ; rdf:predicate ikg:servesTarget ;
        rdf:object ?target ; ikg:asWritten ?asWritten ; prov:wasDerivedFrom ?src .
  ?src ikg:lineNumber ?line .
}
ORDER BY ?code ?resolution ?line
"""
TARGET_9C = "http://metadata.un.org/sdg/9.c"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def writable_store(corpus_store, tmp_path) -> Path:
    """A private copy of the corpus store (the session one must stay untouched)."""
    settings, _ = corpus_store
    dest = tmp_path / "store"
    shutil.copytree(settings.store, dest, symlinks=True, ignore=shutil.ignore_patterns(".lock"))
    return dest


# -- build -------------------------------------------------------------------------------------------
def test_build_prints_what_it_found_per_document(tmp_path, capsys, corpus_dir):
    store = tmp_path / "store"
    code, out, err = run(capsys, "--store", store, "build", corpus_dir)
    assert code == 0, err
    doc = next(corpus_dir.glob("*.txt"))
    assert str(doc) in out
    # read from the document: objective 4, 4 outcomes, 4 outputs
    assert "objective   4 – 包容性数字社会" in out
    assert "4 outcomes" in out and "4 outputs" in out
    assert "links       resolutions" in out and "sdg targets" in out
    assert out.strip().splitlines()[-1].startswith("built 1 document: ")
    with open_store(__import__("itukg.settings", fromlist=["Settings"]).Settings(store=store),
                    read_only=True) as s:
        total = sum(s.triples_per_graph().values())
    assert f"built 1 document: {total} triples" in out


def test_build_json_report(tmp_path, capsys, corpus_dir):
    code, out, _ = run(capsys, "--store", tmp_path / "s", "build", "--json", corpus_dir)
    assert code == 0
    report = json.loads(out)
    assert [d["slug"] for d in report["documents"]] == ["acp-22a14-4-zh"]
    assert report["documents"][0]["summary"]["outputs"] == 4
    assert report["total_triples"] > report["documents"][0]["triples"] > 0


def test_build_prints_each_warning_with_file_and_line(tmp_path, capsys, corpus_dir):
    # a copy of the corpus document whose first output section lost its background heading
    text = next(corpus_dir.glob("*.txt")).read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(text) if line == "1\t背景")
    del text[first]
    doc = tmp_path / "ACP-22A14-4.zh.txt"
    doc.write_text("\n".join(text) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "--store", tmp_path / "s", "build", doc)
    assert code == 0
    warnings = [w for w in err.splitlines() if ": warning: " in w]
    assert warnings and all(w.startswith(f"{doc}:") for w in warnings)
    assert all(int(w.split(":")[1]) > 0 for w in warnings)


def test_a_bad_document_exits_2_with_file_line_and_the_store_is_untouched(writable_store, tmp_path, capsys):
    before = current_generation(writable_store)
    bad = tmp_path / "bad.zh.txt"
    bad.write_text("MOD\tACP/1/1\n这不是一份规划文件\n", encoding="utf-8")
    code, out, err = run(capsys, "--store", writable_store, "build", bad)
    assert code == 2
    assert f"{bad}:" in err and "not a planning document" in err
    assert current_generation(writable_store) == before


def test_build_of_a_missing_path(tmp_path, capsys):
    code, _, err = run(capsys, "--store", tmp_path / "s", "build", tmp_path / "nope.txt")
    assert code == 2 and "no such file or directory" in err


# -- a missing store ------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["query", "ASK {}"], ["stats"], ["export", "--format", "nquads"],
])
def test_commands_on_a_missing_store_say_run_itukg_build(tmp_path, capsys, argv):
    code, out, err = run(capsys, "--store", tmp_path / "none", *argv)
    assert code == 2
    assert f"no store at {tmp_path / 'none'}; run itukg build" in err


def test_the_store_comes_from_the_environment(corpus_store, capsys, monkeypatch):
    settings, _ = corpus_store
    monkeypatch.setenv("ITUKG_STORE", str(settings.store))
    code, out, _ = run(capsys, "query", "ASK { ?s a <https://w3id.org/itukg/ontology#Output> }")
    assert (code, out) == (0, "true\n")


# -- load -----------------------------------------------------------------------------------------------
def test_load_into_the_file_graph_then_malformed_data_is_refused(writable_store, tmp_path, capsys):
    good = tmp_path / "extra data.ttl"
    good.write_text('@prefix ex: <http://example.org/> .\nex:a ex:p "一" , "two" .\n', encoding="utf-8")
    code, out, err = run(capsys, "--store", writable_store, "load", good)
    assert code == 0, err
    graph = "https://w3id.org/itukg/graph/file/extra%20data.ttl"
    assert f"loaded 2 triples from {good} (turtle) into <{graph}>" in out
    before = current_generation(writable_store)
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://example.org/a> <http://example.org/p> "ok" .\n'
                   '<http://example.org/b> <http://example.org/p> "no end .\n', encoding="utf-8")
    code, out, err = run(capsys, "--store", writable_store, "load", bad)
    assert code == 2
    assert f"{bad}:2: " in err
    assert current_generation(writable_store) == before
    # loading the same file again replaces its graph
    good.write_text('@prefix ex: <http://example.org/> .\nex:a ex:p "only" .\n', encoding="utf-8")
    assert run(capsys, "--store", writable_store, "load", good)[0] == 0
    code, out, _ = run(capsys, "--store", writable_store, "query", "--format", "csv",
                       f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert out.splitlines() == ["o", "only"]


def test_load_with_graph_and_format_overrides(writable_store, tmp_path, capsys):
    data = tmp_path / "data.txt"  # an extension that says nothing
    data.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n")
    code, _, err = run(capsys, "--store", writable_store, "load", data)
    assert code == 2 and "--format" in err
    code, out, err = run(capsys, "--store", writable_store, "load", data, "--format", "ntriples",
                         "--graph", "http://example.org/g")
    assert code == 0, err
    code, _, err = run(capsys, "--store", writable_store, "load", data, "--format", "ntriples",
                       "--graph", "not an iri")
    assert code == 2 and "invalid graph IRI" in err
    trig = tmp_path / "two.trig"
    trig.write_text("<http://example.org/g1> { <http://example.org/a> <http://example.org/p> 1 . }\n"
                    "<http://example.org/a> <http://example.org/p> 2 .\n")
    code, out, err = run(capsys, "--store", writable_store, "load", trig, "--keep-graphs")
    assert code == 0, err
    code, out, _ = run(capsys, "--store", writable_store, "stats", "--format", "json")
    graphs = json.loads(out)["graphs"]
    assert graphs["http://example.org/g"] == 1
    assert graphs["http://example.org/g1"] == 1
    assert graphs["https://w3id.org/itukg/graph/file/two.trig"] == 1


# -- query ----------------------------------------------------------------------------------------------
def test_which_outputs_serve_sdg_target_9c(corpus_store, capsys, tmp_path):
    """Read from the document: only output 4.1 lists 9.c (written "9c", on its SDG line 94);
    its formal references list one resolution, WTDC Resolution 16 (line 90)."""
    settings, _ = corpus_store
    q = tmp_path / "sdg-9c.rq"
    q.write_text(SDG_9C, encoding="utf-8")
    code, out, err = run(capsys, "--store", settings.store, "query", "--file", q, "--format", "csv",
                         "--bind", f"target=<{TARGET_9C}>")
    assert code == 2 and "projection" in err  # ?target is not projected: the engine says so
    q.write_text(SDG_9C.replace("SELECT ?output", "SELECT ?target ?output"), encoding="utf-8")
    code, out, err = run(capsys, "--store", settings.store, "query", "--file", q, "--format", "csv",
                         "--bind", f"target=<{TARGET_9C}>")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    doc = settings.document_iri("acp-22a14-4-zh")
    assert [(r["target"], r["output"], r["code"], r["resolution"], r["line"], r["asWritten"]) for r in rows] == [
        (TARGET_9C, f"{doc}/output/4.1", "4.1", f"{settings.base_iri}id/resolution/wtdc/16", "94", "9c"),
    ]
    # the same as a table: prefixes compacted, columns aligned
    code, out, _ = run(capsys, "--store", settings.store, "query", "--file", q,
                       "--bind", f"target=<{TARGET_9C}>")
    lines = out.splitlines()
    assert lines[0].split() == ["target", "output", "code", "resolution", "line", "asWritten"]
    assert lines[2].split() == ["sdg:9.c", "id:doc/acp-22a14-4-zh/output/4.1", "4.1",
                                "id:resolution/wtdc/16", "94", "9c"]
    assert len({len(line) for line in lines[:3]}) == 1 or lines[1].startswith("------")


def test_query_formats(corpus_store, capsys):
    settings, _ = corpus_store
    s = ["--store", settings.store, "query"]
    q = "SELECT ?code WHERE { ?o a <https://w3id.org/itukg/ontology#Output> ; <https://w3id.org/itukg/ontology#code> ?code } ORDER BY ?code"
    codes = ["4.1", "4.2", "4.3", "4.4"]  # read from the document
    code, out, _ = run(capsys, *s, q, "--format", "json")
    assert [b["code"]["value"] for b in json.loads(out)["results"]["bindings"]] == codes
    code, out, _ = run(capsys, *s, q, "--format", "tsv")
    assert out.splitlines() == ["?code"] + [f'"{c}"' for c in codes]
    code, out, _ = run(capsys, *s, q)
    assert out.splitlines()[2:] == codes
    code, out, _ = run(capsys, *s, "ASK { ?o <https://w3id.org/itukg/ontology#code> \"4.9\" }")
    assert (code, out) == (0, "false\n")
    code, out, _ = run(capsys, *s, "CONSTRUCT { ?o <http://example.org/code> ?c } WHERE { "
                       "?o a <https://w3id.org/itukg/ontology#Output> ; <https://w3id.org/itukg/ontology#code> ?c }")
    g = Graph().parse(data=out, format="turtle")
    assert sorted(str(o) for o in g.objects(None, URIRef("http://example.org/code"))) == codes
    assert out.startswith("@prefix ")


def test_a_bad_query_exits_2_with_the_engines_message(corpus_store, capsys):
    settings, _ = corpus_store
    code, out, err = run(capsys, "--store", settings.store, "query", "SELECT ?s WHERE { ?s ?p }")
    assert code == 2 and out == ""
    assert "itukg: error:" in err and "expected" in err
    code, _, err = run(capsys, "--store", settings.store, "query", "DELETE WHERE { ?s ?p ?o }")
    assert code == 2 and "update" in err
    code, _, err = run(capsys, "--store", settings.store, "query")
    assert code == 2 and "give a SPARQL query" in err


# -- export ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt,rdflib_format", [
    ("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld"),
])
def test_export_the_whole_store_keeps_graphs(corpus_store, capsys, fmt, rdflib_format):
    settings, store = corpus_store
    code, out, _ = run(capsys, "--store", settings.store, "export", "--format", fmt)
    assert code == 0
    ds = Dataset()
    ds.parse(data=out, format=rdflib_format)
    counts = {str(g.identifier): len(g) for g in ds.graphs() if len(g)}
    assert counts == store.triples_per_graph()


def test_export_one_graph_to_a_file(corpus_store, capsys, tmp_path):
    settings, store = corpus_store
    out_file = tmp_path / "doc.ttl"
    graph = settings.document_graph("acp-22a14-4-zh")
    code, _, err = run(capsys, "--store", settings.store, "export", "--format", "turtle",
                       "--graph", graph, "-o", out_file)
    assert code == 0 and str(out_file) in err
    g = Graph().parse(out_file, format="turtle")
    assert len(g) == store.triples_per_graph()[graph]
    code, out, _ = run(capsys, "--store", settings.store, "export", "--format", "ntriples", "--graph", graph)
    assert len(Graph().parse(data=out, format="nt")) == len(g)
    code, _, err = run(capsys, "--store", settings.store, "export", "--graph", "http://example.org/none")
    assert code == 2 and "no graph" in err


# -- stats ----------------------------------------------------------------------------------------------
def test_stats(corpus_store, capsys):
    settings, store = corpus_store
    code, out, _ = run(capsys, "--store", settings.store, "stats", "--format", "json")
    stats = json.loads(out)
    assert stats["graphs"] == store.triples_per_graph()
    assert stats["documents"] == 1
    ikg = "https://w3id.org/itukg/ontology#"
    assert stats["classes"][ikg + "Output"] == 4
    assert stats["classes"][ikg + "RegionalInitiativeSlot"] == 24  # 4 outputs × 6 regions
    assert stats["classes"]["http://metadata.un.org/sdg/ontology#Target"] == 169
    code, out, _ = run(capsys, "--store", settings.store, "stats")
    lines = out.splitlines()
    assert lines[0].split() == ["graph", "triples"]
    assert f"graph:doc/acp-22a14-4-zh  {stats['graphs'][settings.document_graph('acp-22a14-4-zh')]}" in out
    assert any(line.split() == ["ikg:Output", "4"] for line in lines)
    assert any(line.split() == ["total", str(stats["triples"])] for line in lines)


# -- through a real process -----------------------------------------------------------------------------
def test_the_installed_command_end_to_end(tmp_path, corpus_dir):
    env = {**os.environ, "ITUKG_STORE": str(tmp_path / "store")}
    env.pop("ITUKG_BASE_IRI", None)
    build = subprocess.run([str(ITUKG), "build", str(corpus_dir)], capture_output=True, text=True,
                           env=env, timeout=300, stdin=subprocess.DEVNULL)
    assert build.returncode == 0, build.stderr
    assert "built 1 document" in build.stdout
    q = subprocess.run(
        [str(ITUKG), "query", "--format", "csv", "--bind", f"target=<{TARGET_9C}>",
         SDG_9C.replace("SELECT ?output", "SELECT ?target ?output")],
        capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert q.returncode == 0, q.stderr
    rows = list(csv.DictReader(io.StringIO(q.stdout)))
    assert [(r["code"], r["resolution"].rsplit("/", 2)[-2:], r["line"]) for r in rows] == [
        ("4.1", ["wtdc", "16"], "94")]
    bad = subprocess.run([str(ITUKG), "query", "SELEC"], capture_output=True, text=True, env=env,
                         timeout=120, stdin=subprocess.DEVNULL)
    assert bad.returncode == 2 and bad.stderr.startswith("itukg: error:")


def test_a_closed_pipe_ends_quietly(corpus_store):
    """`itukg stats | head -1`: no traceback; exit 141 (as if killed by SIGPIPE) when a write
    fails, 0 when the kernel took the whole output before the reader went away."""
    settings, _ = corpus_store
    proc = subprocess.Popen(
        [str(ITUKG), "--store", str(settings.store), "stats", "--all-graphs"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )
    assert proc.stdout.readline().split() == [b"graph", b"triples"]
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) in (0, 141)
    assert b"Traceback" not in err and b"BrokenPipe" not in err
