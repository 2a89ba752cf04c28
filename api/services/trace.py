"""Traceability answers: outputs, one output with all its links, an SDG code back to outputs and
resolutions, a resolution forward to outputs.

The link rows come from the named queries (``queries/output-trace.rq``, ``sdg-trace.rq``,
``resolution-trace.rq``, ``link-provenance.rq``, ``outputs.rq``); the queries here add what a
JSON answer needs besides (labels, slots, citations). Every value is bound, never pasted.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS
from rdflib.term import Identifier

from itukg.api.queries import ParameterError, convert_param, named_queries, parse_sdg_code
from itukg.api.services import QueryRunner
from itukg.api.services.common import (
    IKG_NS,
    PREFIXES,
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
    resolve_document,
    s,
    sdg_code,
)
from itukg.api.services.models import (
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

# -------------------------------------------------------------------------------------------
# queries (values bound through the engine; every bound variable is projected)
# -------------------------------------------------------------------------------------------

Q_FIND_OUTPUT = PREFIXES + """
SELECT ?outputCode ?document ?output WHERE {
  ?output ikg:code ?outputCode ;
          a ikg:Output ;
          ikg:inDocument ?document .
}
"""

# the output's own texts (titles) and the labels, codes and goals of what it links to
Q_OUTPUT_NODES = PREFIXES + """
SELECT ?output ?link ?node ?p ?value WHERE {
  {
    ?output ?p ?value .
    FILTER (?p IN (rdfs:label, ikg:shortTitle))
    BIND (?output AS ?node)
    BIND (rdfs:label AS ?link)
  } UNION {
    ?output ?link ?node .
    FILTER (?link IN (ikg:mandatedBy, ikg:supportsActionLine, ikg:servesTarget, ikg:servesGoal))
    OPTIONAL {
      ?node ?p ?value .
      FILTER (?p IN (rdfs:label, skos:prefLabel, dcterms:title, ikg:code, ikg:body,
                     ikg:resolutionNumber, sdgo:isTargetOf))
    }
  }
}
"""

Q_OUTCOME = PREFIXES + """
SELECT ?output ?outcome ?code ?text ?label ?indicator ?ordinal ?indicatorText WHERE {
  ?output ikg:servesOutcome ?outcome .
  OPTIONAL { ?outcome ikg:code ?code }
  OPTIONAL { ?outcome ikg:text ?text }
  OPTIONAL { ?outcome rdfs:label ?label }
  OPTIONAL {
    ?outcome ikg:hasIndicator ?indicator .
    OPTIONAL { ?indicator ikg:ordinal ?ordinal }
    OPTIONAL { ?indicator ikg:text ?indicatorText }
  }
}
"""

_LINE = """
  OPTIONAL {
    ?%(node)s prov:wasDerivedFrom ?line .
    ?line ikg:lineNumber ?lineNumber ;
          ikg:text ?text .
    OPTIONAL { ?line ikg:section ?section }
  }
"""

Q_REGIONAL = PREFIXES + """
SELECT ?output ?slot ?region ?regionName ?slotRegionName ?initiative ?ordinal ?initiativeText
       ?lineNumber ?text ?section WHERE {
  ?output ikg:hasRegionalSlot ?slot .
  OPTIONAL { ?slot ikg:region ?region . OPTIONAL { ?region rdfs:label ?regionName } }
  OPTIONAL { ?slot ikg:regionAsWritten ?slotRegionName }
  OPTIONAL {
    ?slot ikg:holdsInitiative ?initiative .
    OPTIONAL { ?initiative ikg:ordinal ?ordinal }
    OPTIONAL { ?initiative ikg:text ?initiativeText }
  }
""" + (_LINE % {"node": "slot"}) + "}"

Q_QUESTIONS = PREFIXES + """
SELECT ?output ?slot ?ordinal ?isPlaceholder ?placeholder ?textAsWritten ?question ?questionCode
       ?lineNumber ?text ?section WHERE {
  ?output ikg:hasQuestionSlot ?slot .
  OPTIONAL { ?slot ikg:ordinal ?ordinal }
  OPTIONAL { ?slot ikg:isPlaceholder ?isPlaceholder }
  OPTIONAL { ?slot ikg:placeholder ?placeholder }
  OPTIONAL { ?slot ikg:textAsWritten ?textAsWritten }
  OPTIONAL { ?slot ikg:holdsQuestion ?question . OPTIONAL { ?question ikg:code ?questionCode } }
""" + (_LINE % {"node": "slot"}) + "}"

Q_CITATIONS = PREFIXES + """
SELECT ?output ?citation ?quote ?role ?bodyAsWritten ?body ?number ?year ?venue ?resolution ?rule
       ?lineNumber ?text ?section WHERE {
  ?output ikg:hasCitation ?citation .
  ?citation a ikg:ResolutionCitation .
  OPTIONAL { ?citation ikg:quote ?quote }
  OPTIONAL { ?citation ikg:citationRole ?role }
  OPTIONAL { ?citation ikg:bodyAsWritten ?bodyAsWritten }
  OPTIONAL { ?citation ikg:body ?body }
  OPTIONAL { ?citation ikg:resolutionNumber ?number }
  OPTIONAL { ?citation ikg:revisionYear ?year }
  OPTIONAL { ?citation ikg:revisionVenue ?venue }
  OPTIONAL { ?citation ikg:citesResolution ?resolution }
  OPTIONAL { ?citation ikg:resolutionRule ?rule }
""" + (_LINE % {"node": "citation"}) + "}"

Q_SDG_NODE = PREFIXES + """
SELECT ?sdg ?type ?title ?goal ?target WHERE {
  ?sdg a ?type .
  FILTER (?type IN (sdgo:Goal, sdgo:Target))
  OPTIONAL { ?sdg skos:prefLabel ?title }
  OPTIONAL { ?sdg sdgo:isTargetOf ?goal }
  OPTIONAL { ?target sdgo:isTargetOf ?sdg }
}
"""

# titles of the outputs serving an SDG code, and labels of the resolutions behind them
Q_SDG_LABELS = PREFIXES + """
SELECT ?sdg ?document ?node ?p ?value WHERE {
  {
    SELECT DISTINCT ?sdg ?document ?output WHERE {
      { ?output ikg:servesTarget ?sdg }
      UNION { ?t sdgo:isTargetOf ?sdg . ?output ikg:servesTarget ?t }
      UNION { ?output ikg:servesGoal ?sdg }
      ?output ikg:inDocument ?document .
    }
  }
  { ?output ikg:code ?c . BIND (?output AS ?node) } UNION { ?output ikg:mandatedBy ?node }
  ?node ?p ?value .
  FILTER (?p IN (rdfs:label, ikg:shortTitle, dcterms:title, ikg:body, ikg:resolutionNumber))
}
"""

Q_RESOLUTION = PREFIXES + """
SELECT ?body ?number ?resolution ?p ?value WHERE {
  ?resolution a ikg:Resolution ;
              ikg:body ?body ;
              ikg:resolutionNumber ?number .
  OPTIONAL { ?resolution ?p ?value . FILTER (?p IN (rdfs:label, dcterms:title)) }
}
"""

Q_RESOLUTION_OUTPUT_LABELS = PREFIXES + """
SELECT ?body ?number ?document ?output ?p ?value WHERE {
  {
    SELECT DISTINCT ?body ?number ?document ?output WHERE {
      ?resolution a ikg:Resolution ;
                  ikg:body ?body ;
                  ikg:resolutionNumber ?number .
      { ?output ikg:mandatedBy ?resolution }
      UNION { ?output ikg:hasCitation ?citation . ?citation ikg:citesResolution ?resolution }
      ?output ikg:inDocument ?document .
    }
  }
  ?output ?p ?value .
  FILTER (?p IN (rdfs:label, ikg:shortTitle))
}
"""

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


def _resolution_link(node: Identifier, texts: _Texts, prov: Provenance | None) -> ResolutionLink:
    return ResolutionLink(
        body=local_name(texts.one(node, IKG.body)),
        number=as_int(texts.one(node, IKG.resolutionNumber)),
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
    res = await runner.select(q.sparql, doc_bindings(doc))
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
    :class:`~itukg.api.services.common.AmbiguousCode` (409) when several documents have it and
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
    provs, nodes, outcome, regional, questions, citations = await asyncio.gather(
        runner.select(prov_q.sparql, {"subject": output}),
        runner.select(Q_OUTPUT_NODES, ob),
        runner.select(Q_OUTCOME, ob),
        runner.select(Q_REGIONAL, ob),
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

    resolutions = [_resolution_link(n, texts, prov_of(_MANDATED, n)) for n in linked[_MANDATED]]
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
    indicators: dict[Identifier, dict] = {}
    orows = outcome.dicts()
    if orows:
        oc = orows[0]["outcome"]
        ot = _Texts()
        for r in orows:
            ot.add(oc, IKG.text, r.get("text"))
            ot.add(oc, RDFS.label, r.get("label"))
            ind = r.get("indicator")
            if ind is not None:
                e = indicators.setdefault(ind, {"ordinal": as_int(r.get("ordinal")), "text": []})
                if r.get("indicatorText") is not None and r["indicatorText"] not in e["text"]:
                    e["text"].append(r["indicatorText"])
        text = ot.text(oc, IKG.text)
        if text.zh is None and text.en is None and not text.model_extra:
            text = ot.text(oc, RDFS.label)
        outcome_model = Outcome(code=s(orows[0].get("code")) or "", iri=str(oc), text=text,
                                provenance=prov_of(_OUTCOME, oc))
    indicator_models = sorted(
        (Indicator(ordinal=e["ordinal"] or 0, iri=str(i), text=lang_text(e["text"]))
         for i, e in indicators.items()),
        key=lambda x: (x.ordinal, x.iri),
    )

    # regional-initiative slots: one per region, in document order
    slots: dict[Identifier, dict] = {}
    for r in regional.dicts():
        sl = r["slot"]
        e = slots.setdefault(sl, {"region": r.get("region"), "names": [], "asWritten": None,
                                  "initiatives": {}, "provs": []})
        if r.get("regionName") is not None and r["regionName"] not in e["names"]:
            e["names"].append(r["regionName"])
        if r.get("slotRegionName") is not None:
            e["asWritten"] = str(r["slotRegionName"])
        ini = r.get("initiative")
        if ini is not None:
            ie = e["initiatives"].setdefault(ini, {"ordinal": as_int(r.get("ordinal")), "text": []})
            if r.get("initiativeText") is not None and r["initiativeText"] not in ie["text"]:
                ie["text"].append(r["initiativeText"])
        e["provs"].append(provenance(r, doc))
    regional_models = []
    for sl, e in slots.items():
        region = e["region"]
        regional_models.append(RegionalSlot(
            iri=str(sl),
            region=RegionRef(key=local_name(region), iri=s(region), name=lang_text(e["names"])),
            asWritten=e["asWritten"],
            initiatives=sorted(
                (Initiative(iri=str(i), ordinal=ie["ordinal"], text=lang_text(ie["text"]))
                 for i, ie in e["initiatives"].items()),
                key=lambda x: (x.ordinal or 0, x.iri),
            ),
            provenance=first_provenance(e["provs"]),
        ))
    regional_models.sort(key=lambda x: (x.provenance.line if x.provenance else 0, x.iri))

    # study-group Question slots
    qslots: dict[Identifier, dict] = {}
    for r in questions.dicts():
        sl = r["slot"]
        e = qslots.setdefault(sl, {"row": r, "provs": []})
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
            question=QuestionRef(code=s(r.get("questionCode")) or local_name(q) or "", iri=str(q))
            if q is not None else None,
            provenance=first_provenance(e["provs"]),
        ))
    question_models.sort(key=lambda x: (x.ordinal or 0, x.iri))

    # resolution citations in the output's text
    cits: dict[Identifier, dict] = {}
    for r in citations.dicts():
        c = r["citation"]
        e = cits.setdefault(c, {"row": r, "provs": []})
        e["provs"].append(provenance(r, doc))
    citation_models = []
    for c, e in cits.items():
        r = e["row"]
        citation_models.append(Citation(
            iri=str(c), quote=s(r.get("quote")), role=local_name(r.get("role")),
            bodyAsWritten=s(r.get("bodyAsWritten")), body=local_name(r.get("body")),
            number=as_int(r.get("number")), revisionYear=as_int(r.get("year")),
            revisionVenue=s(r.get("venue")), resolution=s(r.get("resolution")),
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
    node, rows, labels = await asyncio.gather(
        runner.select(Q_SDG_NODE, {"sdg": sdg}),
        runner.select(_q(settings, "sdg-trace").sparql, b),
        runner.select(Q_SDG_LABELS, b),
    )
    nrows = node.dicts()
    if not nrows:
        raise NotFound(f"{code} is not an SDG goal or target of the UN SDG KOS")
    kind = "goal" if any(r["type"] == SDGO.Goal for r in nrows) else "target"
    titles = [r.get("title") for r in nrows]
    member_targets = sorted({sdg_code(r["target"]) or "" for r in nrows if r.get("target") is not None},
                            key=natural_key)

    texts = _Texts()
    for r in labels.dicts():
        texts.add(r.get("node"), r.get("p"), r.get("value"))

    outputs: dict[Identifier, dict] = {}
    for r in rows.dicts():
        o = r["output"]
        e = outputs.setdefault(o, {"code": str(r["outputCode"]), "document": str(r["document"]),
                                   "via": {}, "res": {}})
        pred, obj = r["predicate"], r["object"]
        p = provenance(r)
        if pred == _MANDATED:
            e["res"].setdefault(obj, []).append(p)
        else:
            e["via"].setdefault((pred, obj), []).append(p)
    models = []
    for o, e in outputs.items():
        via = [
            ServingLink(predicate=local_name(pred) or "", code=sdg_code(obj) or str(obj), iri=str(obj),
                        provenance=first_provenance(ps))
            for (pred, obj), ps in e["via"].items()
        ]
        via.sort(key=lambda x: (x.predicate != "servesTarget", natural_key(x.code)))
        res = [_resolution_link(n, texts, first_provenance(ps)) for n, ps in e["res"].items()]
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

    Raises ParameterError (422) for an unknown body or a non-integer number, NotFound (404) for
    a resolution the graph does not know, and as :func:`resolve_document`."""
    body_term = convert_param("body", body, base_iri=settings.base_iri, name="body")
    number_term = convert_param("integer", number, base_iri=settings.base_iri, name="number")
    doc = await resolve_document(runner, settings, document)
    b = {"body": body_term, "number": number_term}
    bd = {**b, **doc_bindings(doc)}
    head, rows, labels = await asyncio.gather(
        runner.select(Q_RESOLUTION, b),
        runner.select(_q(settings, "resolution-trace").sparql, bd),
        runner.select(Q_RESOLUTION_OUTPUT_LABELS, bd),
    )
    hrows = head.dicts()
    if not hrows:
        raise NotFound(f"no resolution {local_name(body_term)} {number} in the graph")
    res_iri = hrows[0]["resolution"]
    ht = _Texts()
    for r in hrows:
        ht.add(res_iri, r.get("p"), r.get("value"))
    texts = _Texts()
    for r in labels.dicts():
        texts.add(r.get("output"), r.get("p"), r.get("value"))

    outputs: dict[Identifier, dict] = {}
    for r in rows.dicts():
        o = r["output"]
        e = outputs.setdefault(o, {"code": str(r["outputCode"]), "document": str(r["document"]),
                                   "places": {}, "targets": set()})
        pred = r["predicate"]
        if pred == _TARGET:
            e["targets"].add(str(r["objectCode"]))
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
    return ResolutionTrace(
        body=local_name(body_term) or body, number=int(number_term), iri=str(res_iri),
        label=ht.text(res_iri, RDFS.label), title=ht.text(res_iri, DCTERMS.title), outputs=models,
    )
