"""The pages' reads, part two: the coverage matrices (outputs × SDG goals, outputs × a goal's
targets, WSIS lines × goals). Simple pattern queries joined here: each is an index scan."""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef

from itukg.graph.reads.views.base import Reads, _s
from itukg.graph.reads.views.models import Matrix


class CoverageReads(Reads):
    """Coverage matrices for the coverage pages."""

    # -- coverage ----------------------------------------------------------------------------
    def _doc_filter(self, rows: list[dict], document: str | None) -> list[dict]:
        return [r for r in rows if not document or _s(r.get("doc")) == document]

    def _output_docs(self) -> dict[str, str]:
        return {str(r["o"]): _s(r.get("doc")) for r in
                self._select("output-documents")}

    def _goal_links(self, document: str | None) -> dict[tuple[str, str], set[str]]:
        """``(output, goal) → targets of that goal the output serves`` (an empty set when it
        names the goal only). Simple pattern queries joined here: each is an index scan."""
        docs = self._output_docs() if document else {}
        keep = (lambda o: docs.get(o) == document) if document else (lambda o: True)
        goal_of = {str(r["t"]): str(r["g"]) for r in self._select("targets-of-goal")}
        links: dict[tuple[str, str], set[str]] = defaultdict(set)
        for r in self._select("serves-goal"):
            if keep(str(r["o"])):
                links[(str(r["o"]), str(r["g"]))]
        for r in self._select("serves-target"):
            o, t = str(r["o"]), str(r["t"])
            if keep(o) and t in goal_of:
                links[(o, goal_of[t])].add(t)
        return links

    def coverage_goals(self, document: str | None = None) -> Matrix:
        """Outputs × SDG goals; a cell counts the output's targets in that goal, or 1 when the
        output names the goal with no target of it."""
        counts = {k: max(1, len(v)) for k, v in self._goal_links(document).items()}
        return Matrix(self.outputs(document), self.goals(), counts)

    def coverage_targets(self, goal: str, document: str | None = None) -> Matrix:
        rows = self._doc_filter(self._select("goal-target-outputs", g=URIRef(goal)), document)
        counts = {(str(r["o"]), str(r["t"])): 1 for r in rows}
        return Matrix(self.outputs(document), self.targets_of(goal), counts)

    def coverage_wsis(self, document: str | None = None) -> Matrix:
        """WSIS action lines × SDG goals: outputs that support the line and serve the goal."""
        by_output: dict[str, set[str]] = defaultdict(set)
        for o, g in self._goal_links(document):
            by_output[o].add(g)
        outs: dict[tuple[str, str], set[str]] = defaultdict(set)
        for r in self._select("supports-action-line"):
            o = str(r["o"])
            for g in by_output.get(o, ()):
                outs[(str(r["w"]), g)].add(o)
        return Matrix(self.wsis_lines(), self.goals(), {k: len(v) for k, v in outs.items()})
