"""The class diagram (docs/img/classes.dot/.svg and the Mermaid block in docs/ontology.md) is drawn
from the ontology and up to date."""

from __future__ import annotations


import pytest

from tools import gen_diagram
from itukg.graph.ontology import load_ontology


@pytest.fixture(scope="module")
def diagram() -> dict:
    return gen_diagram.diagram(load_ontology())


def test_edges_come_from_the_ontology(diagram: dict) -> None:
    edges = {(d, p, r) for d, p, r, _ in diagram["edges"]}
    assert ("ikg:Output", "ikg:servesTarget", "sdgo:Target") in edges
    assert ("sdgo:Target", "sdgo:isTargetOf", "sdgo:Goal") in edges
    assert ("ikg:ResolutionRevision", "ikg:revisionOf", "ikg:Resolution") in edges
    # a union domain gives one edge per member
    assert ("ikg:Outcome", "ikg:partOfObjective", "ikg:SectorObjective") in edges
    assert ("ikg:Output", "ikg:partOfObjective", "ikg:SectorObjective") in edges
    assert ("ikg:PlenipotentiaryConference", "ikg:Conference") in diagram["subclass"]
    assert set(gen_diagram.MAIN_CLASSES) == set(diagram["classes"])
    assert diagram["classes"]["ikg:Output"][1] == "输出成果"  # the zh label


def test_committed_dot_and_mermaid_are_up_to_date(diagram: dict) -> None:
    assert gen_diagram.DOT_PATH.read_text(encoding="utf-8") == gen_diagram.render_dot(diagram)
    doc = gen_diagram.DOC_PATH.read_text(encoding="utf-8")
    assert gen_diagram.replace_block(doc, gen_diagram.render_mermaid(diagram)) == doc
    assert gen_diagram.main(["--check", "--no-svg"]) == 0


def test_svg_is_committed_and_shows_every_main_class() -> None:
    svg = gen_diagram.SVG_PATH.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for name in gen_diagram.MAIN_CLASSES:
        assert name in svg, name


def test_dot_renders(diagram: dict) -> None:
    svg = gen_diagram.render_svg(gen_diagram.render_dot(diagram))
    assert "ikg:ResolutionRevision" in svg and "sdgo:Goal" in svg


def test_missing_markers_are_an_error() -> None:
    from itukg.errors import DataError

    with pytest.raises(DataError, match="markers"):
        gen_diagram.replace_block("no markers here", "```mermaid\n```\n")
