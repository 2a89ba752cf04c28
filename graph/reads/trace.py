"""Traceability answers: outputs, one output with all its links, an SDG code back to outputs and
resolutions, a resolution forward to outputs.

The link rows come from the named queries (``queries/output-trace.rq``, ``sdg-trace.rq``,
``resolution-trace.rq``, ``link-provenance.rq``, ``outputs.rq``); the queries here add what a
JSON answer needs besides (labels, slots, citations). Every value is bound, never pasted.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS
from rdflib.term import Identifier

from itukg.graph.reads.named import (
    ParameterError,
    convert_param,
    named_queries,
    parse_sdg_code,
    resolution_iri,
)
from itukg.graph.reads.runner import QueryRunner
from itukg.graph.reads.common import (
    IKG_NS,
    ambiguous,
    as_bool,
    as_int,
    doc_bindings,
    first_provenance,
    lang_text,
    list_documents,
    local_name,
    natural_key,
    provenance,
    resolution_parts,
    resolve_document,
    s,
    sdg_code,
)
from itukg.graph.reads.models import (
    ActionLineLink,
    Citation,
    CitingPlace,
    GoalLink,
    Indicator,
    Initiative,
    LangText,
    Outcome,
    OutputCiting,
    OutputDetail,
    OutputServing,
    OutputSummary,
    Provenance,
    QuestionRef,
    QuestionSlot,
    RegionalSlot,
    RegionRef,
    ResolutionLink,
    ResolutionTrace,
    SdgTrace,
    ServingLink,
    TargetLink,
)
from itukg.errors import NotFound
from itukg.graph.vocab import IKG, SDGO
from itukg.settings import Settings
from itukg.graph.reads.sparql import read_query

# -------------------------------------------------------------------------------------------
# queries (values bound through the engine; every bound variable is projected). Written for
# pyoxigraph's planner (docs/decisions/0051): the bound variable's pattern first, no pattern with
# a constant subject or object, what the data contract guarantees (a line's section, a slot's
# region, ...) required rather than OPTIONAL, the few OPTIONALs single patterns on bound
# variables, nothing but BIND after a UNION, and no read of a resolution's ikg:body /
# ikg:resolutionNumber (repeated in every document graph that cites it).
# -------------------------------------------------------------------------------------------

Q_FIND_OUTPUT = read_query("trace/find-output")

Q_OUTPUT_NODES = read_query("trace/output-nodes")

Q_OUTCOME = read_query("trace/outcome")

Q_INDICATORS = read_query("trace/indicators")

Q_REGIONAL = read_query("trace/regional")

Q_INITIATIVES = read_query("trace/initiatives")

Q_REGIONS = read_query("trace/regions")

Q_QUESTIONS = read_query("trace/questions")

Q_CITATIONS = read_query("trace/citations")

Q_SDG_NODE = read_query("trace/sdg-node")

Q_SDG_OUTPUT_TITLES = read_query("trace/sdg-output-titles")

Q_RESOLUTION_LABELS = read_query("trace/resolution-labels")

Q_EXISTS = read_query("trace/exists")

Q_DOCUMENT_OUTPUT_TITLES = read_query("trace/document-output-titles")

Q_RESOLUTION_OUTPUT_TITLES = read_query("trace/resolution-output-titles")

_MANDATED = URIRef(IKG_NS + "mandatedBy")
_WSIS = URIRef(IKG_NS + "supportsActionLine")
_TARGET = URIRef(IKG_NS + "servesTarget")
_GOAL = URIRef(IKG_NS + "servesGoal")
_OUTCOME = URIRef(IKG_NS + "servesOutcome")


def _q(settings: Settings, name: str):
    return named_queries(settings.base_iri)[name]


class _Texts:
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

    def text(self, node: Identifier, *preds: Identifier) -> LangText:
        vals: list[Identifier] = []
        for p in preds:
            vals.extend(self.data.get(node, {}).get(p, []))
        return lang_text(vals)

    def one(self, node: Identifier, p: Identifier) -> Identifier | None:
        vals = self.data.get(node, {}).get(p, [])
        return vals[0] if vals else None


async def resolution_labels(runner: QueryRunner) -> _Texts:
    """Labels and titles of the resolutions the reference data describes."""
    texts = _Texts()
    for r in (await runner.select(Q_RESOLUTION_LABELS)).dicts():
        texts.add(r.get("resolution"), r.get("p"), r.get("value"))
    return texts


def _resolution_link(node: Identifier, texts: _Texts, prov: Provenance | None,
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


# -------------------------------------------------------------------------------------------
# /api/outputs
# -------------------------------------------------------------------------------------------


async def list_outputs(runner: QueryRunner, settings: Settings, document: str | None = None) -> list[OutputSummary]:
    """Every output (of one document when ``document`` is given), in document and code order.

    Raises :class:`~itukg.errors.NotFound` for an unknown document, ParameterError for a bad
    one, and as the runner does."""
    doc = await resolve_document(runner, settings, document)
    q = _q(settings, "outputs")
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
    out.sort(key=lambda x: (x.document, natural_key(x.code)))
    return out


async def find_output(runner: QueryRunner, settings: Settings, code: str,
                      document: str | None) -> tuple[URIRef, URIRef]:
    """The ``(output, document)`` IRIs for an output code.

    Raises ParameterError (422) for a malformed code, NotFound (404) when no output has it,
    :class:`~itukg.graph.reads.common.AmbiguousCode` (409) when several documents have it and
    no document was given."""
    code_term = convert_param("output-code", code, base_iri=settings.base_iri, name="code")
    doc = await resolve_document(runner, settings, document)
    res = await runner.select(Q_FIND_OUTPUT, {"outputCode": code_term, **doc_bindings(doc)})
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
    prov_q = _q(settings, "link-provenance")
    (provs, nodes, outcome, indicators_res, regional, initiatives, regions, questions,
     citations) = await asyncio.gather(
        runner.select(prov_q.body_for({"subject": output}), {"subject": output}),
        runner.select(Q_OUTPUT_NODES, ob),
        runner.select(Q_OUTCOME, ob),
        runner.select(Q_INDICATORS, ob),
        runner.select(Q_REGIONAL, ob),
        runner.select(Q_INITIATIVES, ob),
        runner.select(Q_REGIONS),
        runner.select(Q_QUESTIONS, ob),
        runner.select(Q_CITATIONS, ob),
    )
    # provenance of each link: (predicate, object) → [Provenance]
    link_prov: dict[tuple[Identifier, Identifier], list[Provenance | None]] = defaultdict(list)
    for r in provs.dicts():
        link_prov[(r["predicate"], r["object"])].append(provenance(r, doc))

    def prov_of(pred: Identifier, obj: Identifier) -> Provenance | None:
        return first_provenance(link_prov.get((pred, obj), []))

    texts = _Texts()
    linked: dict[Identifier, list[Identifier]] = defaultdict(list)
    for r in nodes.dicts():
        node, link = r.get("node"), r.get("link")
        if node is not None and link is not None and node != output and node not in linked[link]:
            linked[link].append(node)
        texts.add(node, r.get("p"), r.get("value"))
    # a link whose object has no label still counts: take every linked object from provenance
    for (pred, obj) in link_prov:
        if pred in (_MANDATED, _WSIS, _TARGET, _GOAL) and obj not in linked[pred]:
            linked[pred].append(obj)

    resolutions = [_resolution_link(n, texts, prov_of(_MANDATED, n), settings) for n in linked[_MANDATED]]
    resolutions.sort(key=lambda x: (x.body or "", x.number or 0, x.iri))
    wsis = [
        ActionLineLink(code=s(texts.one(n, IKG.code)) or local_name(n) or "", iri=str(n),
                       title=texts.text(n, SKOS.prefLabel), provenance=prov_of(_WSIS, n))
        for n in linked[_WSIS]
    ]
    wsis.sort(key=lambda x: natural_key(x.code))
    targets = []
    for n in linked[_TARGET]:
        tcode = sdg_code(n) or str(n)
        goal = sdg_code(texts.one(n, SDGO.isTargetOf)) or tcode.split(".")[0]
        targets.append(TargetLink(code=tcode, iri=str(n), goal=goal,
                                  title=texts.text(n, SKOS.prefLabel), provenance=prov_of(_TARGET, n)))
    targets.sort(key=lambda x: natural_key(x.code))
    goals = [
        GoalLink(code=sdg_code(n) or str(n), iri=str(n), title=texts.text(n, SKOS.prefLabel),
                 provenance=prov_of(_GOAL, n))
        for n in linked[_GOAL]
    ]
    goals.sort(key=lambda x: natural_key(x.code))

    # outcome and its indicators
    outcome_model = None
    orows = outcome.dicts()
    if orows:
        oc = orows[0]["outcome"]
        ot = _Texts()
        for r in orows:
            ot.add(oc, IKG.text, r.get("text"))
            ot.add(oc, RDFS.label, r.get("label"))
        text = ot.text(oc, IKG.text)
        if not text.root:
            text = ot.text(oc, RDFS.label)
        outcome_model = Outcome(code=s(orows[0].get("code")) or "", iri=str(oc), text=text,
                                provenance=prov_of(_OUTCOME, oc))
    indicators: dict[Identifier, dict] = {}
    for r in indicators_res.dicts():
        e = indicators.setdefault(r["indicator"], {"ordinal": as_int(r.get("ordinal")), "text": []})
        if r.get("text") is not None and r["text"] not in e["text"]:
            e["text"].append(r["text"])
    indicator_models = sorted(
        (Indicator(ordinal=e["ordinal"] or 0, iri=str(i), text=lang_text(e["text"]))
         for i, e in indicators.items()),
        key=lambda x: (x.ordinal, x.iri),
    )

    # regional-initiative slots: one per region, in document order
    region_names: dict[Identifier, list[Identifier]] = defaultdict(list)
    for r in regions.dicts():
        region_names[r["region"]].append(r["label"])
    held: dict[Identifier, dict[Identifier, dict]] = defaultdict(dict)
    for r in initiatives.dicts():
        ie = held[r["slot"]].setdefault(r["initiative"], {"ordinal": as_int(r.get("ordinal")), "text": []})
        if r.get("text") is not None and r["text"] not in ie["text"]:
            ie["text"].append(r["text"])
    slots: dict[Identifier, dict] = {}
    for r in regional.dicts():
        e = slots.setdefault(r["slot"], {"region": None, "asWritten": None, "provs": []})
        if r.get("region") is not None:
            e["region"] = r["region"]
        if r.get("slotRegionName") is not None:
            e["asWritten"] = str(r["slotRegionName"])
        e["provs"].append(provenance(r, doc))
    regional_models = []
    for sl, e in slots.items():
        region = e["region"]
        regional_models.append(RegionalSlot(
            iri=str(sl),
            region=RegionRef(key=local_name(region) if region is not None else None, iri=s(region),
                             name=lang_text(region_names.get(region, []))),
            asWritten=e["asWritten"],
            initiatives=sorted(
                (Initiative(iri=str(i), ordinal=ie["ordinal"], text=lang_text(ie["text"]))
                 for i, ie in held.get(sl, {}).items()),
                key=lambda x: (x.ordinal or 0, x.iri),
            ),
            provenance=first_provenance(e["provs"]),
        ))
    regional_models.sort(key=lambda x: (x.provenance.line if x.provenance else 0, x.iri))

    # study-group Question slots
    qslots: dict[Identifier, dict] = {}
    for r in questions.dicts():
        e = qslots.setdefault(r["slot"], {"row": r, "provs": []})
        e["provs"].append(provenance(r, doc))
    question_models = []
    for sl, e in qslots.items():
        r = e["row"]
        q = r.get("question")
        is_ph = as_bool(r.get("isPlaceholder"))
        if is_ph is None:
            is_ph = q is None
        question_models.append(QuestionSlot(
            iri=str(sl),
            ordinal=as_int(r.get("ordinal")),
            placeholder=is_ph,
            asWritten=s(r.get("placeholder")) or s(r.get("textAsWritten")),
            question=QuestionRef(code=question_code(q, settings), iri=str(q)) if q is not None else None,
            provenance=first_provenance(e["provs"]),
        ))
    question_models.sort(key=lambda x: (x.ordinal or 0, x.iri))

    # resolution citations in the output's text
    cits: dict[Identifier, dict] = {}
    for r in citations.dicts():
        e = cits.setdefault(r["citation"], {"row": r, "provs": []})
        e["provs"].append(provenance(r, doc))
    citation_models = []
    for c, e in cits.items():
        r = e["row"]
        res_iri = r.get("resolution")
        _, number, _ = resolution_parts(res_iri, settings)
        citation_models.append(Citation(
            iri=str(c), quote=s(r.get("quote")), role=local_name(r.get("role")),
            bodyAsWritten=s(r.get("bodyAsWritten")), body=local_name(r.get("body")),
            number=number, revisionYear=as_int(r.get("year")),
            revisionVenue=s(r.get("venue")), resolution=s(res_iri),
            rule=s(r.get("rule")), provenance=first_provenance(e["provs"]),
        ))
    citation_models.sort(key=lambda x: (x.provenance.line if x.provenance else 0, x.iri))

    return OutputDetail(
        code=code,
        iri=str(output),
        title=texts.text(output, RDFS.label),
        shortTitle=texts.text(output, IKG.shortTitle),
        document=str(doc),
        outcome=outcome_model,
        indicators=indicator_models,
        resolutions=resolutions,
        wsisActionLines=wsis,
        sdgTargets=targets,
        sdgGoals=goals,
        regionalInitiatives=regional_models,
        questions=question_models,
        citations=citation_models,
    )


def question_code(iri: Identifier | None, settings: Settings) -> str:
    """``{base}id/question/1-1`` → ``1/1`` (the data model's IRI for Question 1/1)."""
    if iri is None:
        return ""
    prefix = settings.base_iri + "id/question/"
    v = str(iri)
    return v[len(prefix):].replace("-", "/") if v.startswith(prefix) else (local_name(v) or v)


# -------------------------------------------------------------------------------------------
# /api/sdg/{code}
# -------------------------------------------------------------------------------------------


async def sdg_trace(runner: QueryRunner, settings: Settings, code: str,
                    document: str | None = None) -> SdgTrace:
    """The outputs serving an SDG goal (``9``) or target (``9.c``), each with how it serves it
    (the targets or goal it lists, with provenance) and the resolutions behind it.

    Raises ParameterError (422) for a malformed code, NotFound (404) for a code that is not
    among the 17 goals and 169 targets, and as :func:`resolve_document`."""
    try:
        goal_code, _ = parse_sdg_code(code)
    except ParameterError as exc:
        exc.param = "code"
        raise
    sdg = convert_param("sdg-code", code, base_iri=settings.base_iri, name="code")
    doc = await resolve_document(runner, settings, document)
    b = {"sdg": sdg, **doc_bindings(doc)}
    node, rows, titles_res, res_labels = await asyncio.gather(
        runner.select(Q_SDG_NODE, {"sdg": sdg}),
        runner.select(_q(settings, "sdg-trace").body_for(b), b),
        runner.select(Q_SDG_OUTPUT_TITLES if doc is None else Q_DOCUMENT_OUTPUT_TITLES,
                      b if doc is None else {"document": doc}),
        resolution_labels(runner),
    )
    nrows = node.dicts()
    if not nrows:
        raise NotFound(f"{code} is not an SDG goal or target of the UN SDG KOS")
    kind = "goal" if any(r["type"] == SDGO.Goal for r in nrows) else "target"
    titles = [r.get("title") for r in nrows]
    member_targets = sorted({sdg_code(r["target"]) or "" for r in nrows if r.get("target") is not None},
                            key=natural_key)
    texts = res_labels
    for r in titles_res.dicts():
        texts.add(r.get("output"), r.get("p"), r.get("value"))

    outputs: dict[Identifier, dict] = {}
    for r in rows.dicts():
        o = r["output"]
        e = outputs.setdefault(o, {"code": s(r.get("outputCode")) or "", "document": str(r["document"]),
                                   "via": {}, "res": {}})
        pred, obj = r["predicate"], r["object"]
        p = provenance(r)
        if pred == _MANDATED:
            e["res"].setdefault(obj, []).append(p)
        else:
            e["via"].setdefault((pred, obj), []).append(p)
    models = []
    for o, e in outputs.items():
        if not e["via"]:
            continue
        via = [
            ServingLink(predicate=local_name(pred) or "", code=sdg_code(obj) or str(obj), iri=str(obj),
                        provenance=first_provenance(ps))
            for (pred, obj), ps in e["via"].items()
        ]
        via.sort(key=lambda x: (x.predicate != "servesTarget", natural_key(x.code)))
        res = [_resolution_link(n, texts, first_provenance(ps), settings) for n, ps in e["res"].items()]
        res.sort(key=lambda x: (x.body or "", x.number or 0, x.iri))
        models.append(OutputServing(
            code=e["code"], iri=str(o), title=texts.text(o, RDFS.label),
            shortTitle=texts.text(o, IKG.shortTitle), document=e["document"], via=via, resolutions=res,
        ))
    models.sort(key=lambda x: (x.document, natural_key(x.code)))
    return SdgTrace(code=code, iri=str(sdg), kind=kind, goal=goal_code, title=lang_text(titles),
                    targets=member_targets if kind == "goal" else [], outputs=models)


# -------------------------------------------------------------------------------------------
# /api/resolutions/{body}/{number}
# -------------------------------------------------------------------------------------------


async def resolution_trace(runner: QueryRunner, settings: Settings, body: str, number: str,
                           document: str | None = None) -> ResolutionTrace:
    """The outputs that cite a resolution (in their formal references: ``mandate``; in their
    text: ``citation``), where (provenance), and the SDG targets those outputs serve.

    Raises ParameterError (422) for an unknown body or a malformed number, NotFound (404) for
    a resolution the graph does not know, and as :func:`resolve_document`."""
    body_term = convert_param("body", body, base_iri=settings.base_iri, name="body")
    if not re.fullmatch(r"[0-9]{1,4}([/-][0-9]{1,4})?", number.strip()):
        raise ParameterError(f"{number!r} is not a resolution number (e.g. 17, or 70-125 for UNGA)",
                             param="number")
    res_iri = resolution_iri(f"{local_name(body_term)} {number.strip()}", settings.base_iri)
    doc = await resolve_document(runner, settings, document)
    b = {"resolution": res_iri}
    bd = {**b, **doc_bindings(doc)}
    exists, rows, titles_res, labels = await asyncio.gather(
        runner.select(Q_EXISTS, {"resource": res_iri}),
        runner.select(_q(settings, "resolution-trace").body_for(bd), bd),
        runner.select(Q_RESOLUTION_OUTPUT_TITLES if doc is None else Q_DOCUMENT_OUTPUT_TITLES,
                      bd if doc is None else {"document": doc}),
        resolution_labels(runner),
    )
    if not exists.rows:
        raise NotFound(f"no resolution {local_name(body_term)} {number} in the graph")
    texts = labels
    for r in titles_res.dicts():
        texts.add(r.get("output"), r.get("p"), r.get("value"))

    outputs: dict[Identifier, dict] = {}
    for r in rows.dicts():
        o = r["output"]
        e = outputs.setdefault(o, {"code": s(r.get("outputCode")) or "", "document": str(r["document"]),
                                   "places": {}, "targets": set()})
        pred = r["predicate"]
        if pred == _TARGET:
            e["targets"].add(sdg_code(r["object"]) or str(r["object"]))
            continue
        key = (pred, r["object"])
        pl = e["places"].setdefault(key, {"row": r, "provs": []})
        pl["provs"].append(provenance(r))
    models = []
    for o, e in outputs.items():
        places = []
        for (pred, obj), pl in e["places"].items():
            r = pl["row"]
            if pred == _MANDATED:
                places.append(CitingPlace(kind="mandate", provenance=first_provenance(pl["provs"])))
            else:
                places.append(CitingPlace(
                    kind="citation", iri=str(obj), quote=s(r.get("quote")),
                    role=local_name(r.get("role")), rule=s(r.get("rule")),
                    provenance=first_provenance(pl["provs"]),
                ))
        places.sort(key=lambda x: (x.provenance.line if x.provenance else 0, x.kind))
        models.append(OutputCiting(
            code=e["code"], iri=str(o), title=texts.text(o, RDFS.label),
            shortTitle=texts.text(o, IKG.shortTitle), document=e["document"], places=places,
            sdgTargets=sorted(e["targets"], key=natural_key),
        ))
    models.sort(key=lambda x: (x.document, natural_key(x.code)))
    rbody, rnumber, _ = resolution_parts(res_iri, settings)
    return ResolutionTrace(
        body=rbody or "", number=rnumber if rnumber is not None else 0, iri=str(res_iri),
        label=texts.text(res_iri, RDFS.label), title=texts.text(res_iri, DCTERMS.title),
        outputs=models,
    )
