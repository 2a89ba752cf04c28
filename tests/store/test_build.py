"""The build: report contents checked against the store, atomicity on failure, interrupt and
kill, loaded graphs carried over, duplicate slugs, parallel == sequential, the generator."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import URIRef

from itukg.errors import DocumentError
from itukg.graph.build import build, find_documents
from itukg.graph.documents import parse_file
from itukg.graph.store import SelectResult, current_generation, open_store
from itukg.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
IKG = "https://w3id.org/itukg/ontology#"


def _generator():
    spec = importlib.util.spec_from_file_location("itukg_bench_generate", ROOT / "benchmarks" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


generate = _generator().generate


def _count(store, sparql: str, **kw) -> int:
    res = store.query(sparql, **kw)
    assert isinstance(res, SelectResult)
    return int(res.rows[0][0])


def _snapshot(settings: Settings) -> tuple[Path | None, dict[str, int], bytes]:
    gen = current_generation(settings.store)
    with open_store(settings, read_only=True) as s:
        return gen, s.triples_per_graph(), s.dump("nquads")


# -- the corpus build ----------------------------------------------------------------------------
def test_corpus_report_matches_what_the_store_holds(corpus_store, corpus_report):
    settings, store = corpus_store
    assert len(corpus_report.documents) == 1
    doc = corpus_report.documents[0]
    # read from the document: ACP/22A14/4, Chinese, objective 4, outcomes and outputs 4.1-4.4
    assert doc.slug == "acp-22a14-4-zh"
    assert doc.graph == settings.document_graph("acp-22a14-4-zh")
    s = doc.summary
    assert (s["symbol"], s["language"], s["objective"]["code"]) == ("ACP/22A14/4", "zh", "4")
    assert (s["outcomes"], s["outputs"]) == (4, 4)
    # every figure of the summary is what the store holds for that document
    g = [doc.graph]
    assert _count(store, f"SELECT (COUNT(?o) AS ?n) WHERE {{ ?o a <{IKG}Output> }}", default_graph=g) == 4
    assert _count(store, f"SELECT (COUNT(?o) AS ?n) WHERE {{ ?o a <{IKG}Outcome> }}", default_graph=g) == 4
    assert _count(store, f"SELECT (COUNT(?i) AS ?n) WHERE {{ ?i a <{IKG}PerformanceIndicator> }}",
                  default_graph=g) == s["indicators"]
    assert _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?o <{IKG}servesTarget> ?t }}",
                  default_graph=g) == s["links"]["sdg_targets"]
    assert _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?o <{IKG}supportsActionLine> ?t }}",
                  default_graph=g) == s["links"]["wsis"]
    # the triple counts of the report are the store's
    per_graph = store.triples_per_graph()
    assert per_graph[doc.graph] == doc.triples
    assert per_graph[settings.reference_graph] == corpus_report.reference_triples > 0
    assert per_graph[settings.ontology_graph] == corpus_report.ontology_triples > 0
    assert sum(per_graph.values()) == corpus_report.total_triples
    assert set(per_graph) == {doc.graph, settings.reference_graph, settings.ontology_graph}
    assert set(corpus_report.timings) >= {"total", "documents", "commit"}


def test_find_documents(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.zh.txt").write_text("x")
    (tmp_path / "a" / "notes.md").write_text("x")
    (tmp_path / "a" / "b").mkdir()
    (tmp_path / "a" / "b" / "y.zh.txt").write_text("y")
    found = find_documents([tmp_path / "a", tmp_path / "a" / "x.zh.txt"])
    assert found == [tmp_path / "a" / "b" / "y.zh.txt", tmp_path / "a" / "x.zh.txt"]  # sorted, once each
    with pytest.raises(DocumentError, match="no such file"):
        find_documents([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(DocumentError, match=r"no \*\.txt"):
        find_documents([tmp_path / "empty"])


# -- failures leave the old store ------------------------------------------------------------------
def test_a_bad_document_half_way_leaves_the_previous_store_as_it_was(tmp_path, build_corpus):
    settings = build_corpus(tmp_path)
    before = _snapshot(settings)
    docs = generate(6, tmp_path / "docs", seed=7)
    bad = tmp_path / "docs" / "BAD-1.zh.txt"
    bad.write_text("MOD\tBAD/1\n这不是规划文件。\n", encoding="utf-8")
    paths = docs[:3] + [bad] + docs[3:]
    with pytest.raises(DocumentError) as info:
        build(paths, settings, workers=2)
    assert info.value.source == str(bad) and info.value.line
    assert str(info.value).startswith(f"{bad}:{info.value.line}: ")
    assert _snapshot(settings) == before
    assert len(list(settings.store.glob("gen-*"))) == 1  # the aborted generation is gone


def test_two_documents_with_the_same_slug_are_refused_naming_both(tmp_path, build_corpus, corpus_dir):
    settings = build_corpus(tmp_path)
    before = _snapshot(settings)
    for d in ("one", "two"):
        (tmp_path / d).mkdir()
        shutil.copy(next(corpus_dir.glob("*.txt")), tmp_path / d)
    with pytest.raises(DocumentError, match="same slug") as info:
        build([tmp_path / "one", tmp_path / "two"], settings)
    assert str(tmp_path / "one") in str(info.value) and str(tmp_path / "two") in str(info.value)
    assert _snapshot(settings) == before


_INTERRUPTED_BUILD = """
import os, signal, sys
from pathlib import Path
from itukg.graph.build import build
from itukg.settings import Settings
how, store, *docs = sys.argv[1:]
def progress(done, total, path):
    if done == 2:
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        raise KeyboardInterrupt
try:
    build([Path(d) for d in docs], Settings(store=store), progress=progress, workers=2)
except KeyboardInterrupt:
    sys.exit(130)
"""


@pytest.mark.parametrize("how", ["interrupt", "kill"])
def test_an_interrupted_or_killed_build_leaves_the_previous_store(tmp_path, build_corpus, how):
    settings = build_corpus(tmp_path)
    before = _snapshot(settings)
    docs = generate(6, tmp_path / "docs", seed=3)
    proc = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_BUILD, how, str(settings.store), *map(str, docs)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == (-signal.SIGKILL if how == "kill" else 130), proc.stderr
    gens = sorted(settings.store.glob("gen-*"))
    if how == "interrupt":
        assert gens == [before[0]]  # Ctrl-C: the half-built generation was removed at once
    else:
        assert len(gens) == 2  # kill -9: a half-built generation is left behind ...
    # ... until the next command opens the store, even a reader (decision 0121)
    assert _snapshot(settings) == before
    assert sorted(settings.store.glob("gen-*")) == [before[0]]


# -- what a rebuild keeps --------------------------------------------------------------------------
def test_loaded_graphs_survive_a_rebuild_and_the_audit_graph_does_not(tmp_path, build_corpus, corpus_dir):
    settings = build_corpus(tmp_path)
    file_graph = settings.file_graph("extra.ttl")
    other = "http://example.org/mine"
    with open_store(settings) as s:
        s.load(b'<http://example.org/a> <http://example.org/p> "kept" .', "turtle", file_graph)
        s.load(b'<http://example.org/b> <http://example.org/p> "kept too" .', "turtle", other)
        s.load(b'<http://example.org/c> <http://example.org/p> "stale" .', "turtle", settings.audit_graph)
    report = build([corpus_dir], settings)
    assert report.carried_graphs == {file_graph: 1, other: 1}
    with open_store(settings, read_only=True) as s:
        graphs = s.triples_per_graph()
        assert graphs[file_graph] == 1 and graphs[other] == 1
        assert settings.audit_graph not in graphs
        assert s.query("ASK { GRAPH ?g { <http://example.org/a> ?p \"kept\" } }") is True


def test_a_rebuild_replaces_the_document_set(tmp_path, build_corpus):
    settings = build_corpus(tmp_path)
    docs = generate(2, tmp_path / "docs", seed=5)
    build(docs, settings)
    with open_store(settings, read_only=True) as s:
        doc_graphs = [g for g in s.graphs() if "/graph/doc/" in g]
    assert sorted(doc_graphs) == sorted(
        settings.document_graph(parse_file(p).slug) for p in docs)


def test_parallel_and_sequential_builds_give_the_same_store(tmp_path):
    docs = generate(5, tmp_path / "docs", seed=11)
    a = Settings(store=tmp_path / "a")
    b = Settings(store=tmp_path / "b")
    ra = build(docs, a, workers=1)
    rb = build(docs, b, workers=2)
    assert (ra.workers, rb.workers) == (1, 2)
    with open_store(a, read_only=True) as sa, open_store(b, read_only=True) as sb:
        la, lb = sa.dump("nquads").splitlines(), sb.dump("nquads").splitlines()
    # blank nodes (only in the ontology's axioms) get fresh labels per load: compare the rest
    assert sorted(x for x in la if b"_:" not in x) == sorted(x for x in lb if b"_:" not in x)
    assert len(la) == len(lb)
    assert [d.slug for d in ra.documents] == [d.slug for d in rb.documents]


def test_progress_is_reported_per_document(tmp_path):
    docs = generate(4, tmp_path / "docs", seed=2)
    seen: list[tuple[int, int]] = []
    build(docs, Settings(store=tmp_path / "s"), progress=lambda d, t, p: seen.append((d, t)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


# -- the generator -------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["zh", "en"])
def test_generated_documents_parse_without_errors_and_vary(tmp_path, language):
    paths = generate(12, tmp_path / "g", seed=42, language=language)
    slugs = set()
    outputs = set()
    placeholders = real_questions = filled = empty = 0
    for p in paths:
        doc = parse_file(p)  # raises DocumentError if not a document of the family
        assert doc.language == language
        s = doc.summary()
        slugs.add(doc.slug)
        outputs.add(s["outputs"])
        assert 2 <= s["outputs"] <= 6 and s["outcomes"] == s["outputs"]
        assert s["links"]["wsis"] > 0 and s["links"]["sdg_targets"] > 0
        placeholders += s["links"]["question_slots_placeholder"]
        real_questions += s["links"]["question_slots_real"]
        filled += s["links"]["regional_slots_filled"]
        empty += s["links"]["regional_slots_empty"]
    assert len(slugs) == 12 and len(outputs) > 1
    assert placeholders and real_questions and filled and empty


def test_the_generator_is_deterministic(tmp_path):
    a = generate(3, tmp_path / "a", seed=9)
    b = generate(5, tmp_path / "b", seed=9)  # document i does not depend on N
    c = generate(3, tmp_path / "c", seed=10)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b[:3]]
    assert [p.read_bytes() for p in a] != [p.read_bytes() for p in c]


def test_the_generator_command_line(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "3", str(out), "--seed", "4"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(list(out.glob("*.zh.txt"))) == 3


def test_a_line_the_loader_refuses_is_traced_to_its_document(tmp_path):
    """The build streams all documents through one bulk-load call; the loader's line number
    in that stream is mapped back to the document and its line."""
    import io

    from itukg.errors import DataError
    from itukg.graph.build import _QuadStream
    from itukg.graph.store import Generation

    good = b"<http://example.org/a> <http://example.org/p> <http://example.org/b> <http://example.org/g> .\n"
    bad = b'<http://example.org/a> <http://example.org/p> "broken <http://example.org/g> .\n'
    stream = _QuadStream(iter([("one.txt", good * 3, 3), ("two.txt", good + bad + good, 3)]))
    with Generation.begin(tmp_path / "s") as gen:
        with pytest.raises(DataError) as info:
            gen.bulk_load(io.BufferedReader(stream), "nquads")
    assert stream.locate(info.value.line) == ("two.txt", 2)
    assert not list((tmp_path / "s").glob("gen-*"))


# -- Word files (issue 10) -------------------------------------------------------------------------
def _word_corpus(folder: Path) -> Path:
    """The corpus as a Word file (the Word fixtures' builder), ``folder/ACP-22A14-4.zh.docx``."""
    sys.path.insert(0, str(ROOT / "tests" / "documents"))
    from docx_fixtures import docx_from_text

    folder.mkdir(parents=True, exist_ok=True)
    return docx_from_text((ROOT / "corpus" / "ACP-22A14-4.zh.txt").read_text(encoding="utf-8"),
                          folder / "ACP-22A14-4.zh.docx", heading_pattern=r"^输出成果\d")


def _links_and_findings(settings: Settings) -> tuple[set, set]:
    """The outputs' links as (output code, predicate, object) and the audit's findings as
    (kind, output, line, value): nothing that holds the file name."""
    from itukg.graph.audit import run_audit

    with open_store(settings, read_only=True) as s:
        res = s.query(
            "PREFIX ikg: <https://w3id.org/itukg/ontology#> "
            "SELECT ?code ?p ?o WHERE { GRAPH ?g { ?out a ikg:Output ; ikg:code ?code ; ?p ?o . "
            "VALUES ?p { ikg:mandatedBy ikg:supportsActionLine ikg:servesTarget ikg:servesGoal } } }")
        links = {tuple(str(v) for v in row) for row in res.rows}
        report = run_audit(s, settings, store_report=False)
    findings = {(f.kind, f.focus.output, f.provenance.line, f.value) for f in report.findings}
    return links, findings


def test_the_corpus_as_a_word_file_builds_to_the_same_links_and_findings(tmp_path, corpus_store):
    word = _word_corpus(tmp_path / "word")
    settings = Settings(store=tmp_path / "store")
    report = build([word.parent], settings)
    assert [d.slug for d in report.documents] == ["acp-22a14-4-zh"]
    links, findings = _links_and_findings(settings)
    text_links, text_findings = _links_and_findings(corpus_store[0])
    assert links == text_links and len(links) > 20
    assert findings == text_findings
    with open_store(settings, read_only=True) as s:
        res = s.query(f"PREFIX ikg: <{IKG}> " "SELECT ?n ?loc WHERE { GRAPH ?g { ?l a ikg:SourceLine ; ikg:lineNumber ?n ;"
                      " ikg:wordLocator ?loc } } ORDER BY ?n LIMIT 1")
        sha = s.query(f"PREFIX ikg: <{IKG}> " "SELECT ?h WHERE { GRAPH ?g { ?d ikg:sha256 ?h } }")
    assert str(res.rows[0][1]).startswith(("p", "t"))
    import hashlib

    assert str(sha.rows[0][0]) == hashlib.sha256(word.read_bytes()).hexdigest()


def test_a_mixed_folder_builds_and_word_lock_files_are_skipped(tmp_path):
    folder = tmp_path / "docs"
    generate(2, folder, seed=3)
    _word_corpus(folder / "word")
    (folder / "word" / "~$P-22A14-4.zh.docx").write_bytes(b"\x00lock")  # Word's owner file
    found = find_documents([folder])
    assert sorted(p.suffix for p in found) == [".docx", ".txt", ".txt"]
    report = build([folder], Settings(store=tmp_path / "store"))
    assert len(report.documents) == 3


def _bad_word_files(folder: Path) -> dict[str, tuple[Path, str]]:
    import zipfile

    folder.mkdir()
    bad = {
        "text": (b"just some text\n", "not a Word document"),
        "zip": (None, "a zip that is not a Word document"),
        "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le")
                + b"\x00" * 600, "old binary Word document (.doc)"),
        "encrypted": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le")
                      + b"\x00" * 600, "password-protected"),
        "corrupt": (b"PK\x03\x04" + b"\x00" * 100, "not a Word document"),
    }
    out = {}
    for name, (data, message) in bad.items():
        p = folder / f"BAD-{name}.zh.docx"
        if data is None:
            with zipfile.ZipFile(p, "w") as z:
                z.writestr("readme.txt", "hello")
        else:
            p.write_bytes(data)
        out[name] = (p, message)
    return out


def test_each_bad_word_file_exits_2_naming_it_and_leaves_the_store(tmp_path, build_corpus, capsys,
                                                                   monkeypatch):
    from itukg.cli import main as cli_main
    from itukg.graph.documents.word import package

    settings = build_corpus(tmp_path)
    before = _snapshot(settings)
    bad = _bad_word_files(tmp_path / "bad")
    big = _word_corpus(tmp_path / "big")
    bad["enormous"] = (big, "file too large for a planning document")
    monkeypatch.setattr(package, "MAX_FILE_BYTES", big.stat().st_size - 1)  # one document:
    for name, (path, message) in bad.items():  # parsed in this process, so the limit holds
        code = cli_main(["--store", str(settings.store), "build", "--quiet", str(path)])
        err = capsys.readouterr().err
        assert code == 2, name
        assert f"{path}: " in err and message in err, (name, err)
        assert _snapshot(settings) == before, name
    with open_store(settings, read_only=True) as s:  # the old graph is still queried
        assert _count(s, f"PREFIX ikg: <{IKG}> SELECT (COUNT(*) AS ?n) "
                         "WHERE { GRAPH ?g { ?o a ikg:Output } }") == 4
