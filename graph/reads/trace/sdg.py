"""``/api/sdg/{code}``: an SDG goal or target back to the outputs that serve it and the
resolutions behind them (rows of ``queries/sdg-trace.rq``)."""

from __future__ import annotations

import asyncio

from rdflib.namespace import RDFS
from rdflib.term import Identifier

from itukg.errors import NotFound
from itukg.graph.reads.codes import code_key
from itukg.graph.reads.common import (
    doc_bindings,
    first_provenance,
    lang_text,
    local_name,
    provenance,
    resolve_document,
    sdg_code,
)
from itukg.graph.reads.models import OutputServing, SdgTrace, ServingLink
from itukg.graph.reads.params import ParameterError, convert_param, parse_sdg_code
from itukg.graph.reads.runner import QueryRunner
from itukg.graph.reads.sparql import read_query
from itukg.graph.reads.trace.common import (
    MANDATED,
    named,
    output_entry,
    resolution_labels,
    resolution_link,
)
from itukg.graph.vocab import IKG, SDGO
from itukg.settings import Settings


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
        runner.select(read_query("trace/sdg-node"), {"sdg": sdg}),
        runner.select(named(settings, "sdg-trace").body_for(b), b),
        runner.select(read_query("trace/sdg-output-titles") if doc is None else read_query("trace/document-output-titles"),
                      b if doc is None else {"document": doc}),
        resolution_labels(runner),
    )
    nrows = node.dicts()
    if not nrows:
        raise NotFound(f"{code} is not an SDG goal or target of the UN SDG KOS")
    kind = "goal" if any(r["type"] == SDGO.Goal for r in nrows) else "target"
    titles = [r.get("title") for r in nrows]
    member_targets = sorted({sdg_code(r["target"]) or "" for r in nrows if r.get("target") is not None},
                            key=code_key)
    texts = res_labels
    texts.add_rows(titles_res.dicts(), "output")

    outputs: dict[Identifier, dict] = {}
    for r in rows.dicts():
        e = output_entry(outputs, r, via={}, res={})
        pred, obj = r["predicate"], r["object"]
        p = provenance(r)
        if pred == MANDATED:
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
        via.sort(key=lambda x: (x.predicate != "servesTarget", code_key(x.code)))
        res = [resolution_link(n, texts, first_provenance(ps), settings) for n, ps in e["res"].items()]
        res.sort(key=lambda x: (x.body or "", x.number or 0, x.iri))
        models.append(OutputServing(
            code=e["code"], iri=str(o), title=texts.text(o, RDFS.label),
            shortTitle=texts.text(o, IKG.shortTitle), document=e["document"], via=via, resolutions=res,
        ))
    models.sort(key=lambda x: (x.document, code_key(x.code)))
    return SdgTrace(code=code, iri=str(sdg), kind=kind, goal=goal_code, title=lang_text(titles),
                    targets=member_targets if kind == "goal" else [], outputs=models)
