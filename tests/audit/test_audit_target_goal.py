"""A target listed under another goal is found wherever it happens (issue 10): the goal each
target was listed under is on the link assertion (``ikg:listedUnderGoal``), so "17（目标17.6、16.9）"
is reported even though the same output lists goal 16 ("16（目标16.6）")."""

from __future__ import annotations

from pathlib import Path

from itukg.graph.audit import run_audit
from itukg.graph.documents import parse_file
from itukg.graph.store import open_store
from test_audit_fixtures import build_store

DOC = Path(__file__).resolve().parents[1] / "data" / "docs" / "target-under-goal.zh.txt"


def test_the_reader_keeps_the_goal_a_target_was_listed_under():
    doc = parse_file(DOC)
    o = doc.output("3.1")
    assert {(t.value, t.listed_under_goal) for t in o.targets} == {
        ("9.c", "9"), ("16.6", "16"), ("17.6", "17"), ("16.9", "17")}
    assert {g.value for g in o.goals} == {"9", "16", "17"}


def test_a_target_under_another_goal_is_reported_even_when_its_goal_is_listed(tmp_path):
    settings = build_store(tmp_path / "store", DOC)
    store = open_store(settings, read_only=True)
    try:
        report = run_audit(store, settings, store_report=False)
        rows = store.query("""
            PREFIX ikg: <https://w3id.org/itukg/ontology#>
            PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
            SELECT ?goal WHERE {
              ?la rdf:predicate ikg:servesTarget ; rdf:object <http://metadata.un.org/sdg/16.9> ;
                  ikg:listedUnderGoal ?goal }""").rows
    finally:
        store.close()
    assert [str(r[0]) for r in rows] == ["http://metadata.un.org/sdg/17"]
    found = [(f.kind, f.focus.output, f.provenance.line, f.value) for f in report.findings]
    assert found == [("sdg-target-goal", "3.1", 69, "SDG target 16.9")], found
