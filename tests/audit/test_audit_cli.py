"""``itukg audit`` and ``itukg coverage`` as a user runs them (the installed command, real stores):
exit status, formats, the audit graph in the store, finding IRIs stable across builds."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from itukg.graph.store import SelectResult, open_store
from itukg.settings import Settings
from test_audit_fixtures import (  # noqa: F401
    CORPUS,
    CORPUS_SLUG,
    build_store,
    clean_settings,
    copy_store,
    corpus_settings,
)

ITUKG = str(Path(sys.executable).with_name("itukg"))


def itukg(settings: Settings | None, *args: str, store: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["ITUKG_STORE"] = str(store if store is not None else settings.store)
    return subprocess.run([ITUKG, *args], capture_output=True, text=True, env=env, timeout=300)


def test_exit_1_on_violations_with_a_readable_report(corpus_settings: Settings, tmp_path: Path) -> None:
    s = copy_store(corpus_settings, tmp_path / "store")
    r = itukg(s, "audit")
    assert r.returncode == 1, r.stderr
    out = r.stdout
    assert out.startswith("itukg audit: 1 document, 42 findings: 29 violations, 4 warnings, 9 notes")
    assert "DOES NOT CONFORM" in out
    # grouped by kind, then output, each with its line and the text of that line
    assert "== Violation · Empty regional-initiative slot [regional-slot-empty] · 24 findings ==" in out
    assert "line 56   output 4.1 · Africa (非洲区域)" in out
    assert "全权代表大会第16号决议（2014年，迪拜，修订版）" in out
    assert "Findings by output" in out


def test_exit_0_when_the_graph_conforms(clean_settings: Settings, tmp_path: Path) -> None:
    s = copy_store(clean_settings, tmp_path / "store")
    r = itukg(s, "audit")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "CONFORMS" in r.stdout and "0 findings" in r.stdout


def test_warnings_and_notes_do_not_fail(corpus_settings: Settings, tmp_path: Path) -> None:
    """Only violations fail: the corpus has warnings and notes too, but a report without its
    violations conforms (checked on the JSON of the same run)."""
    s = copy_store(corpus_settings, tmp_path / "store")
    r = itukg(s, "audit", "--format", "json")
    data = json.loads(r.stdout)
    non_violations = [f for f in data["findings"] if f["severity"] != "Violation"]
    assert {f["severity"] for f in non_violations} == {"Warning", "Info"}
    assert data["conforms"] is False and r.returncode == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["audit", "--document", "no-such-doc"], "no document 'no-such-doc'"),
        (["audit", "--format", "xml"], "invalid choice"),
        (["audit", "--workers", "0"], "--workers"),
        (["coverage", "--document", "nope"], "no document 'nope'"),
    ],
)
def test_exit_2_on_usage_and_input_errors(corpus_settings: Settings, args: list[str], message: str) -> None:
    r = itukg(corpus_settings, *args)
    assert r.returncode == 2
    assert message in r.stderr


def test_exit_2_without_a_store(tmp_path: Path) -> None:
    r = itukg(None, "audit", store=tmp_path / "nothing-here")
    assert r.returncode == 2
    assert "no store" in r.stderr and "itukg build" in r.stderr


def test_report_formats_to_files(corpus_settings: Settings, tmp_path: Path) -> None:
    s = copy_store(corpus_settings, tmp_path / "store")
    for fmt in ("json", "csv", "html", "turtle", "text"):
        out = tmp_path / f"report.{fmt}"
        r = itukg(s, "audit", "-f", fmt, "-o", str(out))
        assert r.returncode == 1
        assert "42 findings (29 violations, 4 warnings, 9 notes)" in r.stderr
        assert out.stat().st_size > 1000
    rows = list(csv.DictReader(io.StringIO((tmp_path / "report.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 42 and rows[0]["line"]
    g = Graph().parse(tmp_path / "report.turtle", format="turtle")
    assert len(set(g.subjects(URIRef("http://www.w3.org/ns/shacl#focusNode"), None))) == 42
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_report_is_stored_in_the_audit_graph_and_replaced(corpus_settings: Settings, tmp_path: Path) -> None:
    from itukg.graph.store import current_generation

    s = copy_store(corpus_settings, tmp_path / "store")
    first = itukg(s, "audit", "-o", str(tmp_path / "r1.txt"))
    assert first.returncode == 1 and "audit graph replaced" in first.stderr
    generation = current_generation(s.store)
    second = itukg(s, "audit", "-o", str(tmp_path / "r2.txt"))  # same report: nothing to write
    assert second.returncode == 1 and "audit graph unchanged" in second.stderr
    assert current_generation(s.store) == generation
    store = open_store(s, read_only=True)
    try:
        res = store.query("""
            PREFIX sh: <http://www.w3.org/ns/shacl#>
            PREFIX ikg: <https://w3id.org/itukg/ontology#>
            PREFIX prov: <http://www.w3.org/ns/prov#>
            SELECT ?kind (COUNT(?f) AS ?n) WHERE {
              ?f a ikg:Finding ; ikg:checkKind ?kind .
            } GROUP BY ?kind ORDER BY ?kind""")
        assert isinstance(res, SelectResult)
        counts = {str(k): int(n) for k, n in res.rows}
        assert s.audit_graph in store.graphs()
        # why does output 4.1 fail? the finding, its line and its text, by SPARQL
        why = store.query("""
            PREFIX sh: <http://www.w3.org/ns/shacl#>
            PREFIX ikg: <https://w3id.org/itukg/ontology#>
            PREFIX prov: <http://www.w3.org/ns/prov#>
            SELECT ?f ?n ?text ?conforms WHERE {
              ?report sh:conforms ?conforms ; sh:result ?f .
              ?f ikg:checkKind "citation-body-conference" ; sh:resultSeverity sh:Violation ;
                 ikg:aboutOutput ?output ; prov:wasDerivedFrom ?line .
              ?line ikg:lineNumber ?n ; ikg:text ?text .
            }""")
    finally:
        store.close()
    assert counts == {"background-unlisted": 2, "citation-body-conference": 1, "programme-year": 2,
                      "question-placeholder": 4, "regional-slot-empty": 24,
                      "sdg-target-notation": 9}
    assert isinstance(why, SelectResult) and len(why.rows) == 1
    f, n, text, conforms = why.rows[0]
    assert int(n) == 33 and "全权代表大会第16号决议" in str(text)
    assert conforms == Literal(False)
    assert str(f).startswith(s.base_iri + "id/finding/")


def test_no_store_leaves_the_audit_graph_alone(corpus_settings: Settings, tmp_path: Path) -> None:
    s = copy_store(corpus_settings, tmp_path / "store")
    assert itukg(s, "audit", "--no-store").returncode == 1
    store = open_store(s, read_only=True)
    try:
        assert s.audit_graph not in store.graphs()
    finally:
        store.close()


def test_finding_iris_are_stable_across_rebuilds(tmp_path: Path) -> None:
    ids = []
    for name in ("first", "second"):
        s = build_store(tmp_path / name, CORPUS)
        r = itukg(s, "audit", "--format", "json", "--no-store")
        ids.append({f["id"] for f in json.loads(r.stdout)["findings"]})
    assert len(ids[0]) == 42 and ids[0] == ids[1]


def test_audit_one_document(corpus_settings: Settings) -> None:
    r = itukg(corpus_settings, "audit", "--document", CORPUS_SLUG, "--no-store", "-f", "json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert [d["slug"] for d in data["documents"]] == [CORPUS_SLUG]
    assert data["counts"]["total"] == 42


def test_coverage_command(corpus_settings: Settings) -> None:
    r = itukg(corpus_settings, "coverage")
    assert r.returncode == 0, r.stderr
    assert "SDG goals served 13/17" in r.stdout
    assert "WTDC Resolution 17" in r.stdout
    r = itukg(corpus_settings, "coverage", "-f", "json")
    data = json.loads(r.stdout)
    assert data["totals"]["targets_served"] == 49
    r = itukg(corpus_settings, "coverage", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {row["view"] for row in rows} >= {"resolution", "goal", "target", "wsis", "output-targets"}
