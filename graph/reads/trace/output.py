"""``/api/outputs``: the outputs, one output's code → IRI, and one output with all its links
(resolutions, WSIS lines, SDG targets and goals, each with the source line that states it)."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Identifier

from itukg.errors import NotFound
from itukg.graph.reads.codes import code_key
from itukg.graph.reads.common import (
    ambiguous,
    doc_bindings,
    first_provenance,
    lang_text,
    list_documents,
    local_name,
    provenance,
    resolve_document,
    s,
    sdg_code,
)
from itukg.graph.reads.models import (
    ActionLineLink,
    GoalLink,
    OutputDetail,
    OutputSummary,
    Provenance,
    TargetLink,
)
from itukg.graph.reads.params import convert_param
from itukg.graph.reads.runner import QueryRunner
from itukg.graph.reads.sparql import read_query
from itukg.graph.reads.trace import slots
from itukg.graph.reads.trace.common import GOAL, MANDATED, TARGET, WSIS, Texts, named, resolution_link
from itukg.graph.vocab import IKG, SDGO
from itukg.settings import Settings


async def list_outputs(runner: QueryRunner, settings: Settings, document: str | None = None) -> list[OutputSummary]:
    """Every output (of one document when ``document`` is given), in document and code order.

    Raises :class:`~itukg.errors.NotFound` for an unknown document, ParameterError for a bad
    one, and as the runner does."""
    doc = await resolve_document(runner, settings, document)
    q = named(settings, "outputs")
    res = await runner.select(q.body_for(doc_bindings(doc)), doc_bindings(doc))
    by_output: dict[Identifier, dict] = {}
    for r in res.dicts():
        o = r["output"]
        e = by_output.setdefault(o, {"code": str(r["outputCode"]), "document": str(r["document"]),
                                     "title": [], "short": []})
        if r.get("title") is not None and r["title"] not in e["title"]:
            e["title"].append(r["title"])
        if r.get("shortTitle") is not None and r["shortTitle"] not in e["short"]:
            e["short"].append(r["shortTitle"])
    out = [
        OutputSummary(code=e["code"], iri=str(o), title=lang_text(e["title"]),
                      shortTitle=lang_text(e["short"]), document=e["document"])
        for o, e in by_output.items()
    ]
    out.sort(key=lambda x: (x.document, code_key(x.code)))
    return out


async def find_output(runner: QueryRunner, settings: Settings, code: str,
                      document: str | None) -> tuple[URIRef, URIRef]:
    """The ``(output, document)`` IRIs for an output code.

    Raises ParameterError (422) for a malformed code, NotFound (404) when no output has it,
    :class:`~itukg.graph.reads.common.AmbiguousCode` (409) when several documents have it and
    no document was given."""
    code_term = convert_param("output-code", code, base_iri=settings.base_iri, name="code")
    doc = await resolve_document(runner, settings, document)
    res = await runner.select(read_query("trace/find-output"), {"outputCode": code_term, **doc_bindings(doc)})
    rows = res.dicts()
    if not rows:
        where = f" in document {document}" if document else ""
        raise NotFound(f"no output {code}{where}")
    docs = sorted({str(r["document"]) for r in rows})
    if len(docs) > 1:
        raise ambiguous(f"output {code}", docs, await list_documents(runner, settings))
    return URIRef(str(rows[0]["output"])), URIRef(docs[0])


async def output_detail(runner: QueryRunner, settings: Settings, code: str,
                        document: str | None = None) -> OutputDetail:
    """One output with its outcome, indicators, resolutions, WSIS lines, SDG targets and goals,
    regional-initiative slots, Question slots and citations, each link with its provenance.

    Raises as :func:`find_output` and as the runner does."""
    output, doc = await find_output(runner, settings, code, document)
    ob = {"output": output}
    prov_q = named(settings, "link-provenance")
    (provs, nodes, outcome, indicators, regional, initiatives, regions, questions,
     citations) = await asyncio.gather(
        runner.select(prov_q.body_for({"subject": output}), {"subject": output}),
        *(runner.select(read_query(f"trace/{name}"), ob) for name in (
            "output-nodes", "outcome", "indicators", "regional", "initiatives")),
        runner.select(read_query("trace/regions")),
        runner.select(read_query("trace/questions"), ob),
        runner.select(read_query("trace/citations"), ob),
    )
    # provenance of each link: (predicate, object) → [Provenance]
    link_prov: dict[tuple[Identifier, Identifier], list[Provenance | None]] = defaultdict(list)
    for r in provs.dicts():
        link_prov[(r["predicate"], r["object"])].append(provenance(r, doc))

    def prov_of(pred: Identifier, obj: Identifier) -> Provenance | None:
        return first_provenance(link_prov.get((pred, obj), []))

    texts = Texts()
    linked: dict[Identifier, list[Identifier]] = defaultdict(list)
    for r in nodes.dicts():
        node, link = r.get("node"), r.get("link")
        if node is not None and link is not None and node != output and node not in linked[link]:
            linked[link].append(node)
        texts.add(node, r.get("p"), r.get("value"))
    # a link whose object has no label still counts: take every linked object from provenance
    for (pred, obj) in link_prov:
        if pred in (MANDATED, WSIS, TARGET, GOAL) and obj not in linked[pred]:
            linked[pred].append(obj)
    links = _links(linked, texts, prov_of, settings)
    return OutputDetail(
        code=code,
        iri=str(output),
        title=texts.text(output, RDFS.label),
        shortTitle=texts.text(output, IKG.shortTitle),
        document=str(doc),
        outcome=slots.outcome(outcome.dicts(), prov_of),
        indicators=slots.indicators(indicators.dicts()),
        **links,
        regionalInitiatives=slots.regional_slots(regional.dicts(), initiatives.dicts(),
                                                 regions.dicts(), doc),
        questions=slots.question_slots(questions.dicts(), doc, settings),
        citations=slots.citations(citations.dicts(), doc, settings),
    )


def _links(linked: dict[Identifier, list[Identifier]], texts: Texts, prov_of,
           settings: Settings) -> dict[str, list]:
    """The output's formal links by kind, each sorted by code, as OutputDetail fields."""
    resolutions = [resolution_link(n, texts, prov_of(MANDATED, n), settings) for n in linked[MANDATED]]
    resolutions.sort(key=lambda x: (x.body or "", x.number or 0, x.iri))
    wsis = [
        ActionLineLink(code=s(texts.one(n, IKG.code)) or local_name(n) or "", iri=str(n),
                       title=texts.text(n, SKOS.prefLabel), provenance=prov_of(WSIS, n))
        for n in linked[WSIS]
    ]
    wsis.sort(key=lambda x: code_key(x.code))
    targets = []
    for n in linked[TARGET]:
        tcode = sdg_code(n) or str(n)
        goal = sdg_code(texts.one(n, SDGO.isTargetOf)) or tcode.split(".")[0]
        targets.append(TargetLink(code=tcode, iri=str(n), goal=goal,
                                  title=texts.text(n, SKOS.prefLabel), provenance=prov_of(TARGET, n)))
    targets.sort(key=lambda x: code_key(x.code))
    goals = [
        GoalLink(code=sdg_code(n) or str(n), iri=str(n), title=texts.text(n, SKOS.prefLabel),
                 provenance=prov_of(GOAL, n))
        for n in linked[GOAL]
    ]
    goals.sort(key=lambda x: code_key(x.code))
    return {"resolutions": resolutions, "wsisActionLines": wsis, "sdgTargets": targets,
            "sdgGoals": goals}
