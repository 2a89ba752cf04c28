"""``/api/resolutions/{body}/{number}``: a resolution forward to the outputs that cite it (in
their formal references or their text), where, and the SDG targets those outputs serve (rows of
``queries/resolution-trace.rq``)."""

from __future__ import annotations

import asyncio
import re

from rdflib.namespace import DCTERMS, RDFS
from rdflib.term import Identifier

from itukg.errors import NotFound
from itukg.graph.reads.codes import code_key
from itukg.graph.reads.common import (
    doc_bindings,
    first_provenance,
    local_name,
    provenance,
    resolution_parts,
    resolve_document,
    s,
    sdg_code,
)
from itukg.graph.reads.models import CitingPlace, OutputCiting, ResolutionTrace
from itukg.graph.reads.params import ParameterError, convert_param, resolution_iri
from itukg.graph.reads.runner import QueryRunner
from itukg.graph.reads.sparql import read_query
from itukg.graph.reads.trace.common import MANDATED, TARGET, named, output_entry, resolution_labels
from itukg.graph.vocab import IKG
from itukg.settings import Settings


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
        runner.select(read_query("trace/exists"), {"resource": res_iri}),
        runner.select(named(settings, "resolution-trace").body_for(bd), bd),
        runner.select(read_query("trace/resolution-output-titles") if doc is None else read_query("trace/document-output-titles"),
                      bd if doc is None else {"document": doc}),
        resolution_labels(runner),
    )
    if not exists.rows:
        raise NotFound(f"no resolution {local_name(body_term)} {number} in the graph")
    texts = labels
    texts.add_rows(titles_res.dicts(), "output")

    outputs: dict[Identifier, dict] = {}
    for r in rows.dicts():
        e = output_entry(outputs, r, places={}, targets=set())
        pred = r["predicate"]
        if pred == TARGET:
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
            if pred == MANDATED:
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
            sdgTargets=sorted(e["targets"], key=code_key),
        ))
    models.sort(key=lambda x: (x.document, code_key(x.code)))
    rbody, rnumber, _ = resolution_parts(res_iri, settings)
    return ResolutionTrace(
        body=rbody or "", number=rnumber if rnumber is not None else 0, iri=str(res_iri),
        label=texts.text(res_iri, RDFS.label), title=texts.text(res_iri, DCTERMS.title),
        outputs=models,
    )
