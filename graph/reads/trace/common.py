"""What the traceability readers share: the link predicates, the text gatherer, the labels of
the reference resolutions, and the named queries they start from."""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDFS
from rdflib.term import Identifier

from itukg.graph.ontology import IKG_NS
from itukg.graph.reads.common import lang_text, local_name, resolution_parts, s
from itukg.graph.reads.models import LangText, Provenance, ResolutionLink
from itukg.graph.reads.named import NamedQuery, named_queries
from itukg.graph.reads.runner import QueryRunner
from itukg.graph.reads.sparql import read_query
from itukg.settings import Settings

MANDATED = URIRef(IKG_NS + "mandatedBy")
WSIS = URIRef(IKG_NS + "supportsActionLine")
TARGET = URIRef(IKG_NS + "servesTarget")
GOAL = URIRef(IKG_NS + "servesGoal")
OUTCOME = URIRef(IKG_NS + "servesOutcome")


def named(settings: Settings, name: str) -> NamedQuery:
    """The named query ``name`` (``queries/{name}.rq``). Raises KeyError for an unknown name."""
    return named_queries(settings.base_iri)[name]


class Texts:
    """node → predicate → [literal or term], from (node, p, value) rows."""

    def __init__(self) -> None:
        self.data: dict[Identifier, dict[Identifier, list[Identifier]]] = defaultdict(
            lambda: defaultdict(list)
        )

    def add(self, node: Identifier | None, p: Identifier | None, value: Identifier | None) -> None:
        if node is None or p is None or value is None:
            return
        vals = self.data[node][p]
        if value not in vals:
            vals.append(value)

    def add_rows(self, rows: list[dict], node: str) -> None:
        """Add ``(row[node], row["p"], row["value"])`` of every row."""
        for r in rows:
            self.add(r.get(node), r.get("p"), r.get("value"))

    def text(self, node: Identifier, *preds: Identifier) -> LangText:
        vals: list[Identifier] = []
        for p in preds:
            vals.extend(self.data.get(node, {}).get(p, []))
        return lang_text(vals)

    def one(self, node: Identifier, p: Identifier) -> Identifier | None:
        vals = self.data.get(node, {}).get(p, [])
        return vals[0] if vals else None


async def resolution_labels(runner: QueryRunner) -> Texts:
    """Labels and titles of the resolutions the reference data describes."""
    texts = Texts()
    texts.add_rows((await runner.select(read_query("trace/resolution-labels"))).dicts(), "resolution")
    return texts


def resolution_link(node: Identifier, texts: Texts, prov: Provenance | None,
                     settings: Settings) -> ResolutionLink:
    body, number, _ = resolution_parts(node, settings)
    return ResolutionLink(
        body=body,
        number=number,
        iri=str(node),
        label=texts.text(node, RDFS.label),
        title=texts.text(node, DCTERMS.title),
        provenance=prov,
    )


def question_code(iri: Identifier | None, settings: Settings) -> str:
    """``{base}id/question/1-1`` → ``1/1`` (the data model's IRI for Question 1/1)."""
    if iri is None:
        return ""
    prefix = settings.base_iri + "id/question/"
    v = str(iri)
    return v[len(prefix):].replace("-", "/") if v.startswith(prefix) else (local_name(v) or v)


def output_entry(outputs: dict[Identifier, dict], row: dict, **parts: object) -> dict:
    """The entry of ``row["output"]`` in ``outputs`` (created with its code, its document and
    ``parts``), for readers that gather link rows per output. Raises KeyError for a row without
    an output or a document."""
    return outputs.setdefault(row["output"], {"code": s(row.get("outputCode")) or "",
                                              "document": str(row["document"]), **parts})
