"""The pages' reads, part four: finding a starting point for a trace (decision 0147).

:meth:`SearchReads.search` finds outputs, resolutions, SDG goals and targets by code (``2.1``,
``9.c``, ``WTDC 45``, ``PP-139``, ``Goal 9``) or by words of their labels and titles in any
language the graph holds (``rural``, ``农村``); :meth:`SearchReads.goal_counts` is the trace
page's start: every goal with the number of outputs serving it. One bound query
(``queries/reads/pages/search.rq``); the words are bound, never pasted into the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Literal

from itukg.graph.ontology import IKG_NS as IKG
from itukg.graph.ontology import SDGO_NS as SDGO
from itukg.graph.reads.codes import code_key
from itukg.graph.reads.text import Text, text_of
from itukg.graph.reads.views.base import Reads
from itukg.graph.reads.views.models import Node

KINDS = {IKG + "Output": "output", IKG + "Resolution": "resolution", SDGO + "Goal": "goal",
         SDGO + "Target": "target"}
KIND_ORDER = ("goal", "target", "resolution", "output")
#: ``WTDC 45``, ``wtdc-45``, ``PP Res. 139``, ``Resolution 45``: a body (optional) and a number.
_RESOLUTION = re.compile(r"^(?:(pp|wtdc|wtsa|wrc|ra|wtpf|unga)\W*)?(?:res(?:olution)?\.?\W*)?(\d+(?:/\d+)?[a-z]?)$", re.I)
_GOAL = re.compile(r"^(?:goal|sdg|目标)\s*(\d{1,2})$", re.I)
MAX_HITS = 60


@dataclass
class Hit:
    """A search result: the node, how well it matched (0 exact code, 1 code prefix, 2 words)
    and the label the words were found in."""

    node: Node
    rank: int
    matched: Text | None = None


class SearchReads(Reads):
    """Search by code or words, and the trace page's start."""

    def search(self, query: str, limit: int = MAX_HITS) -> list[Hit]:
        """Outputs, resolutions, goals and targets matching ``query`` (every word must appear in
        the code or one label), best first (exact code, then code prefix, then words), at most
        ``limit``. Raises what the store raises."""
        q = " ".join(query.split()).strip()
        if not q:
            return []
        goal = _GOAL.match(q)
        if goal:
            q = goal[1]
        words = [w.lower() for w in q.split()]
        hits: dict[str, Hit] = {}
        for h in self._resolution_hits(q):
            hits[h.node.iri] = h
        rows = self._select("search", needle=Literal(max(words, key=len)))
        labels: dict[str, list[Text]] = {}
        kinds: dict[str, str] = {}
        for r in rows:
            x = str(r["x"])
            kinds[x] = KINDS.get(str(r["class"]), "other")
            labels.setdefault(x, []).append(text_of(r["l"]))
        outputs = {n.iri: n for n in self.outputs()} if "output" in kinds.values() else {}
        for x, texts in labels.items():
            if x in hits:
                continue
            match = next((t for t in texts if all(w in t.value.lower() for w in words)), None)
            if match is None:
                continue
            node = outputs.get(x) or self.node(x, kinds[x])
            code = node.code.lower()
            rank = 0 if code == q.lower() else 1 if code.startswith(q.lower()) else 2
            hits[x] = Hit(node, rank, None if rank < 2 else match)
        order = {k: i for i, k in enumerate(KIND_ORDER)}
        found = sorted(hits.values(), key=lambda h: (h.rank, order.get(h.node.kind, 9), h.node.document,
                                                     code_key(h.node.code)))
        return found[:limit]

    def _resolution_hits(self, q: str) -> list[Hit]:
        """Resolutions named by body and number (their codes come from their IRIs, not labels)."""
        m = _RESOLUTION.match(q.replace(" ", "") if len(q) < 20 else q)
        if not m:
            return []
        body, number = (m[1] or "").upper(), m[2].lower()
        out = []
        for n in self.resolutions():
            b, _, num = n.code.partition(" ")
            if num.lower() == number and (not body or b == body):
                out.append(Hit(self.node(n.iri, "resolution"), 0))
        return out

    def goal_counts(self) -> list[tuple[Node, int]]:
        """Every SDG goal with the number of outputs serving it (a target of it, or the goal)."""
        m = self.coverage_goals()  # from CoverageReads, beside this class in PageData
        return [(g, m.col_total(g)) for g in m.cols]
