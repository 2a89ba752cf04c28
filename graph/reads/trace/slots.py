"""The parts of one output's detail besides its formal links: its outcome and indicators, its
regional-initiative slots, its study-group Question slots and the resolutions its text cites.
Each function turns the rows of one ``queries/reads/trace/*.rq`` query into response models."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from rdflib.namespace import RDFS
from rdflib.term import Identifier

from itukg.graph.reads.common import (
    as_bool,
    as_int,
    first_provenance,
    lang_text,
    local_name,
    provenance,
    resolution_parts,
    s,
)
from itukg.graph.reads.models import (
    Citation,
    Indicator,
    Initiative,
    Outcome,
    Provenance,
    QuestionRef,
    QuestionSlot,
    RegionalSlot,
    RegionRef,
)
from itukg.graph.reads.trace.common import OUTCOME, Texts, question_code
from itukg.graph.vocab import IKG
from itukg.settings import Settings

Row = dict[str, Identifier]


def outcome(rows: list[Row], prov_of: Callable[[Identifier, Identifier], Provenance | None]) -> Outcome | None:
    """The outcome the output serves (its text, else its label), or None. Raises nothing."""
    if not rows:
        return None
    oc = rows[0]["outcome"]
    ot = Texts()
    for r in rows:
        ot.add(oc, IKG.text, r.get("text"))
        ot.add(oc, RDFS.label, r.get("label"))
    text = ot.text(oc, IKG.text)
    if not text.root:
        text = ot.text(oc, RDFS.label)
    return Outcome(code=s(rows[0].get("code")) or "", iri=str(oc), text=text,
                   provenance=prov_of(OUTCOME, oc))


def indicators(rows: list[Row]) -> list[Indicator]:
    """The outcome's indicators by ordinal. Raises nothing."""
    found: dict[Identifier, dict] = {}
    for r in rows:
        e = found.setdefault(r["indicator"], {"ordinal": as_int(r.get("ordinal")), "text": []})
        if r.get("text") is not None and r["text"] not in e["text"]:
            e["text"].append(r["text"])
    return sorted(
        (Indicator(ordinal=e["ordinal"] or 0, iri=str(i), text=lang_text(e["text"]))
         for i, e in found.items()),
        key=lambda x: (x.ordinal, x.iri),
    )


def regional_slots(regional: list[Row], initiatives: list[Row], regions: list[Row],
                   doc: Identifier) -> list[RegionalSlot]:
    """Regional-initiative slots: one per region, in document order. Raises nothing."""
    region_names: dict[Identifier, list[Identifier]] = defaultdict(list)
    for r in regions:
        region_names[r["region"]].append(r["label"])
    held: dict[Identifier, dict[Identifier, dict]] = defaultdict(dict)
    for r in initiatives:
        ie = held[r["slot"]].setdefault(r["initiative"], {"ordinal": as_int(r.get("ordinal")), "text": []})
        if r.get("text") is not None and r["text"] not in ie["text"]:
            ie["text"].append(r["text"])
    slots: dict[Identifier, dict] = {}
    for r in regional:
        e = slots.setdefault(r["slot"], {"region": None, "asWritten": None, "provs": []})
        if r.get("region") is not None:
            e["region"] = r["region"]
        if r.get("slotRegionName") is not None:
            e["asWritten"] = str(r["slotRegionName"])
        e["provs"].append(provenance(r, doc))
    models = []
    for sl, e in slots.items():
        region = e["region"]
        models.append(RegionalSlot(
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
    models.sort(key=lambda x: (x.provenance.line if x.provenance else 0, x.iri))
    return models


def _by_node(rows: list[Row], key: str, doc: Identifier) -> dict[Identifier, dict]:
    """``node → {"row": first row, "provs": [Provenance]}`` for rows keyed by ``key``."""
    out: dict[Identifier, dict] = {}
    for r in rows:
        e = out.setdefault(r[key], {"row": r, "provs": []})
        e["provs"].append(provenance(r, doc))
    return out


def question_slots(rows: list[Row], doc: Identifier, settings: Settings) -> list[QuestionSlot]:
    """Study-group Question slots by ordinal (a placeholder when no Question is named)."""
    models = []
    for sl, e in _by_node(rows, "slot", doc).items():
        r = e["row"]
        q = r.get("question")
        is_ph = as_bool(r.get("isPlaceholder"))
        if is_ph is None:
            is_ph = q is None
        models.append(QuestionSlot(
            iri=str(sl),
            ordinal=as_int(r.get("ordinal")),
            placeholder=is_ph,
            asWritten=s(r.get("placeholder")) or s(r.get("textAsWritten")),
            question=QuestionRef(code=question_code(q, settings), iri=str(q)) if q is not None else None,
            provenance=first_provenance(e["provs"]),
        ))
    models.sort(key=lambda x: (x.ordinal or 0, x.iri))
    return models


def citations(rows: list[Row], doc: Identifier, settings: Settings) -> list[Citation]:
    """The resolution citations in the output's text, in line order. Raises nothing."""
    models = []
    for c, e in _by_node(rows, "citation", doc).items():
        r = e["row"]
        res_iri = r.get("resolution")
        _, number, _ = resolution_parts(res_iri, settings)
        models.append(Citation(
            iri=str(c), quote=s(r.get("quote")), role=local_name(r.get("role")),
            bodyAsWritten=s(r.get("bodyAsWritten")), body=local_name(r.get("body")),
            number=number, revisionYear=as_int(r.get("year")),
            revisionVenue=s(r.get("venue")), resolution=s(res_iri),
            rule=s(r.get("rule")), provenance=first_provenance(e["provs"]),
        ))
    models.sort(key=lambda x: (x.provenance.line if x.provenance else 0, x.iri))
    return models
