"""Mandate and SDG coverage: which outputs implement which resolution, serve which SDG goal and
target, support which WSIS action line; which targets no output serves.

:func:`coverage` returns a plain dict (documented in ``docs/audit.md``), read from a
:class:`~itukg.graph.store.Store` (the CLI, the pages); :func:`coverage_report` is the same dict
with the counts the traceability API promises, read through a :class:`QueryRunner` (the body of
``GET /api/coverage``); :func:`coverage_text` and :func:`coverage_csv` render it.

A goal is served by an output that lists it (``ikg:servesGoal``) or lists one of its targets
(``ikg:servesTarget`` then ``sdgo:isTargetOf``: the ontology's property chain, evaluated here by
the query so that no reasoner is needed).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from rdflib import Literal

from itukg.graph.ontology import IKG_NS
from itukg.graph.reads.codes import code_key
from itukg.graph.reads.common import resolve_document, slug_of
from itukg.graph.reads.runner import QueryRunner, ThreadStore
from itukg.graph.reads.sparql import read_query
from itukg.graph.store import select_rows
from itukg.settings import Settings

LINK_KINDS = {
    IKG_NS + "mandatedBy": "resolutions",
    IKG_NS + "supportsActionLine": "wsis",
    IKG_NS + "servesTarget": "targets",
    IKG_NS + "servesGoal": "goals",
    IKG_NS + "servesOutcome": "outcomes",
}


@dataclass
class _Tables:
    """What :func:`coverage` gathers, by IRI: outputs, SDG goals and targets, WSIS lines,
    resolutions, and per goal the outputs serving it or one of its targets."""

    outputs: dict[str, dict[str, Any]]
    goals: dict[str, dict[str, Any]]
    targets: dict[str, dict[str, Any]]
    wsis: dict[str, dict[str, Any]]
    resolutions: dict[str, dict[str, Any]] = field(default_factory=dict)
    goal_outputs: dict[str, dict[str, dict]] = field(default_factory=dict)

    def ref(self, out_iri: str) -> dict[str, Any]:
        o = self.outputs[out_iri]
        return {"iri": o["iri"], "code": o["code"], "document": o["document"]}


def coverage(store: Any, settings: Settings, document: str | None = None) -> dict[str, Any]:
    """Coverage of the built graph (all documents, or the one whose slug is given).

    Returns ``{"documents", "outputs", "resolutions", "goals", "targets_unserved", "wsis",
    "totals"}`` (see docs/audit.md). Raises :class:`itukg.errors.NotFound` for an unknown
    document slug and :class:`itukg.errors.StoreError` when the store cannot be read.
    """
    from itukg.graph.audit.engine import select_dataset
    from itukg.graph.audit.findings import Labeller

    dataset = select_dataset(store, settings, [document] if document else None)
    tables = _Tables(_read_outputs(store, dataset), *_read_reference(store, settings))
    tables.goal_outputs = {g: {} for g in tables.goals}
    labeller = Labeller(store, settings)
    for r in select_rows(store, read_query("coverage/links"), dataset.default_graph):
        out = str(r["out"])
        if out in tables.outputs:
            _attach(tables, out, LINK_KINDS[str(r["p"])], str(r["o"]), labeller, settings)
    _finish(tables)
    return _result(dataset, tables)


def _read_outputs(store: Any, dataset: Any) -> dict[str, dict[str, Any]]:
    """The outputs of the dataset's documents, with empty link lists. Raises StoreError."""
    docs = {d["iri"]: d for d in dataset.documents}
    outputs: dict[str, dict[str, Any]] = {}
    for r in select_rows(store, read_query("coverage/outputs"), dataset.default_graph):
        d = docs.get(str(r["doc"]))
        if d is None:
            continue
        outputs[str(r["out"])] = {
            "iri": str(r["out"]), "code": str(r["code"]), "document": d["slug"],
            "identifier": d.get("identifier"),
            "label": str(r["label"]) if r.get("label") is not None else "",
            "links": {k: [] for k in LINK_KINDS.values()},
        }
    return outputs


def _read_reference(store: Any, settings: Settings) -> tuple[dict, dict, dict]:
    """``(goals, targets, wsis)`` of the reference graph, with their titles. Raises StoreError."""
    goals: dict[str, dict[str, Any]] = {}
    targets: dict[str, dict[str, Any]] = {}
    ref_graphs = [settings.reference_graph]
    for r in select_rows(store, read_query("coverage/goals"), ref_graphs):
        iri = str(r["g"])
        code = iri.rsplit("/", 1)[1]
        g = goals.setdefault(iri, {"iri": iri, "code": code, "label": "", "title": {},
                                   "outputs": [], "targets": []})
        _add_title(g, r.get("title"))
    for r in select_rows(store, read_query("coverage/targets"), ref_graphs):
        iri = str(r["t"])
        t = targets.setdefault(iri, {
            "iri": iri, "code": iri.rsplit("/", 1)[1], "goal": str(r["g"]).rsplit("/", 1)[1],
            "label": "", "title": {}, "outputs": [],
        })
        _add_title(t, r.get("title"))
    wsis: dict[str, dict[str, Any]] = {}
    for r in select_rows(store, read_query("coverage/wsis"), ref_graphs):
        wsis.setdefault(str(r["w"]), {
            "iri": str(r["w"]), "code": str(r["code"]), "label": _lit(r.get("label")),
            "outputs": [],
        })
    return goals, targets, wsis


def _attach(t: _Tables, out: str, kind: str, obj: str, labeller: Any, settings: Settings) -> None:
    """Record one link ``out --kind--> obj`` on both sides. Raises StoreError (labels)."""
    from itukg.graph.audit.findings import short_name

    o = t.outputs[out]
    if kind == "resolutions":
        res = t.resolutions.get(obj)
        if res is None:
            titles = labeller.titles(obj)
            res = t.resolutions[obj] = {
                "iri": obj, "label": titles.get("en") or short_name(obj, settings.base_iri),
                "title": titles,
                "body": _body(obj, settings), "number": obj.rstrip("/").rsplit("/", 1)[1],
                "outputs": [],
            }
        res["outputs"].append(t.ref(out))
        o["links"]["resolutions"].append({"iri": obj, "label": res["label"]})
    elif kind == "wsis":
        w = t.wsis.get(obj) or t.wsis.setdefault(obj, {
            "iri": obj, "code": obj.rsplit("/", 1)[1], "label": "", "outputs": []})
        w["outputs"].append(t.ref(out))
        o["links"]["wsis"].append({"iri": obj, "code": w["code"]})
    elif kind == "targets":
        target = t.targets.get(obj)
        o["links"]["targets"].append({"iri": obj, "code": obj.rsplit("/", 1)[1], "known": target is not None})
        if target is not None:
            target["outputs"].append(t.ref(out))
            g = settings_goal_iri(obj, target["goal"])
            if g in t.goal_outputs:
                t.goal_outputs[g].setdefault(out, t.ref(out))
    elif kind == "goals":
        o["links"]["goals"].append({"iri": obj, "code": obj.rsplit("/", 1)[1], "known": obj in t.goals})
        if obj in t.goal_outputs:
            t.goal_outputs[obj].setdefault(out, t.ref(out))
    elif kind == "outcomes":
        o["links"]["outcomes"].append({"iri": obj, "code": obj.rsplit("/", 1)[1]})


def _finish(t: _Tables) -> None:
    """Sort every list, put targets under their goals, count. Raises nothing."""
    for g, served in t.goal_outputs.items():
        t.goals[g]["outputs"] = _sorted_refs(served.values())
    for target in t.targets.values():
        target["outputs"] = _sorted_refs(target["outputs"])
        t.goals.get(settings_goal_iri(target["iri"], target["goal"]), {"targets": []})["targets"].append(target)
    for g in t.goals.values():
        g["targets"].sort(key=lambda x: code_key(x["code"]))
        g["targets_total"] = len(g["targets"])
        g["targets_served"] = sum(1 for x in g["targets"] if x["outputs"])
    for coll in (t.resolutions, t.wsis):
        for item in coll.values():
            item["outputs"] = _sorted_refs(item["outputs"])
    for o in t.outputs.values():
        for v in o["links"].values():
            v.sort(key=lambda x: code_key(x.get("code") or x.get("label") or x["iri"]))
        o["counts"] = {k: len(v) for k, v in o["links"].items()}


def _result(dataset: Any, t: _Tables) -> dict[str, Any]:
    """The documented dict (docs/audit.md) from the finished tables. Raises nothing."""
    unserved = [
        {"iri": x["iri"], "code": x["code"], "goal": x["goal"], "label": x["label"]}
        for x in sorted(t.targets.values(), key=lambda x: code_key(x["code"])) if not x["outputs"]
    ]
    return {
        "documents": [
            {k: d.get(k) for k in ("slug", "iri", "identifier", "language", "file")}
            for d in dataset.documents
        ],
        "outputs": sorted(t.outputs.values(), key=lambda o: (o["document"], code_key(o["code"]))),
        "resolutions": sorted(t.resolutions.values(), key=lambda r: (r["body"], code_key(r["number"]))),
        "goals": sorted(t.goals.values(), key=lambda g: code_key(g["code"])),
        "targets_unserved": unserved,
        "wsis": sorted(t.wsis.values(), key=lambda w: code_key(w["code"])),
        "totals": {
            "outputs": len(t.outputs),
            "resolutions": len(t.resolutions),
            "goals_served": sum(1 for g in t.goals.values() if g["outputs"]),
            "goals": len(t.goals),
            "targets_served": sum(1 for x in t.targets.values() if x["outputs"]),
            "targets": len(t.targets),
            "wsis_served": sum(1 for w in t.wsis.values() if w["outputs"]),
            "wsis": len(t.wsis),
        },
    }


def _add_title(item: dict[str, Any], title: Any) -> None:
    """Add one language's title to ``item["title"]`` (first per language wins); ``label`` is the
    English one (what the terminal and CSV renderings show)."""
    if not isinstance(title, Literal):
        return
    lang = (title.language or "en").lower().split("-")[0]
    item["title"].setdefault(lang, str(title))
    item["label"] = item["title"].get("en", "")


def settings_goal_iri(target_iri: str, goal_code: str) -> str:
    return target_iri.rsplit("/", 1)[0] + "/" + goal_code


def _lit(t: Any) -> str:
    return str(t) if isinstance(t, Literal) else ""


def _body(iri: str, settings: Settings) -> str:
    prefix = settings.base_iri + "id/resolution/"
    if iri.startswith(prefix):
        return iri[len(prefix):].split("/")[0].upper()
    return ""


def _sorted_refs(refs: Any) -> list[dict[str, Any]]:
    uniq = {r["iri"]: r for r in refs}
    return sorted(uniq.values(), key=lambda r: (r["document"], code_key(r["code"])))


# =============================================================================================
# The JSON answer of GET /api/coverage: the same dict, read through the service's runner
# =============================================================================================

async def coverage_report(runner: QueryRunner, settings: Settings, document: str | None = None) -> dict[str, Any]:
    """Coverage of every document, or of one (slug or IRI).

    Raises ParameterError (422) for a malformed document, NotFound (404) for an unknown one,
    and what the queries raise (QueryTimeout, StoreError, ...)."""
    doc = await resolve_document(runner, settings, document)
    slug = slug_of(str(doc), settings) if doc is not None else None
    store = ThreadStore(runner)
    data = await anyio.to_thread.run_sync(lambda: coverage(store, settings, slug))
    return with_counts(data, document=str(doc) if doc is not None else None)


def with_counts(data: dict[str, Any], *, document: str | None) -> dict[str, Any]:
    """Add ``outputCount`` (and per goal ``unservedTargetCodes``) to a coverage dict.
    Raises nothing."""
    for goal in data.get("goals", []):
        goal["outputCount"] = len(goal.get("outputs", []))
        unserved = []
        for t in goal.get("targets", []):
            t["outputCount"] = len(t.get("outputs", []))
            if not t["outputCount"]:
                unserved.append(t.get("code"))
        goal["unservedTargetCodes"] = unserved
    for key in ("wsis", "resolutions"):
        for item in data.get(key, []):
            item["outputCount"] = len(item.get("outputs", []))
    data["document"] = document
    return data


# =============================================================================================
# Renderers
# =============================================================================================

def _outs(refs: list[dict[str, Any]], multi: bool) -> str:
    if not refs:
        return "-"
    return ", ".join(f"{r['document']}:{r['code']}" if multi else r["code"] for r in refs)


def coverage_text(data: dict[str, Any]) -> str:
    """Plain-text tables for a terminal."""
    multi = len(data["documents"]) > 1
    tot = data["totals"]
    lines = [
        f"Coverage of {len(data['documents'])} document(s), {tot['outputs']} outputs",
        f"  SDG goals served {tot['goals_served']}/{tot['goals']}, targets served "
        f"{tot['targets_served']}/{tot['targets']}, WSIS lines supported "
        f"{tot['wsis_served']}/{tot['wsis']}, resolutions cited {tot['resolutions']}",
        "",
        "Resolutions and the outputs that implement them",
    ]
    for r in data["resolutions"]:
        lines.append(f"  {r['label']:<28} {_outs(r['outputs'], multi)}")
    lines += ["", "SDG goals and targets (served targets; outputs)"]
    for g in data["goals"]:
        lines.append(
            f"  Goal {g['code']:<3} {g['targets_served']:>2}/{g['targets_total']:<2} targets  "
            f"outputs: {_outs(g['outputs'], multi)}"
        )
        for t in g["targets"]:
            if t["outputs"]:
                lines.append(f"      {t['code']:<7} {_outs(t['outputs'], multi)}")
    lines += ["", f"Targets no output serves ({len(data['targets_unserved'])})"]
    by_goal: dict[str, list[str]] = {}
    for t in data["targets_unserved"]:
        by_goal.setdefault(t["goal"], []).append(t["code"])
    for g, codes in sorted(by_goal.items(), key=lambda kv: code_key(kv[0])):
        lines.append(f"  Goal {g:<3} " + " ".join(codes))
    lines += ["", "WSIS action lines and the outputs that support them"]
    for w in data["wsis"]:
        lines.append(f"  {w['code']:<14} {_outs(w['outputs'], multi)}")
    lines += ["", "Outputs and their links by kind"]
    for o in data["outputs"]:
        name = f"{o['document']}:{o['code']}" if multi else o["code"]
        c = o["counts"]
        lines.append(
            f"  output {name:<10} resolutions {c['resolutions']:>2}  WSIS {c['wsis']:>2}  "
            f"targets {c['targets']:>2}  goals {c['goals']:>2}  outcomes {c['outcomes']}"
        )
        for kind in ("resolutions", "wsis", "goals", "targets"):
            items = o["links"][kind]
            if items:
                lines.append(f"      {kind:<12} " + ", ".join(
                    i.get("label") or i.get("code") or i["iri"] for i in items))
    return "\n".join(lines) + "\n"


CSV_COLUMNS = ["view", "item", "item_label", "item_iri", "document", "output", "output_iri"]


def coverage_csv(data: dict[str, Any]) -> str:
    """One row per (item, output) pair; items no output serves get one row with an empty output.
    ``view``: resolution, goal, target, wsis, or ``output-<kind>`` for an output's links."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)

    def rows(view: str, item: str, label: str, iri: str, outs: list[dict[str, Any]]) -> None:
        if not outs:
            w.writerow([view, item, label, iri, "", "", ""])
        for o in outs:
            w.writerow([view, item, label, iri, o["document"], o["code"], o["iri"]])

    for r in data["resolutions"]:
        rows("resolution", r["label"], r["label"], r["iri"], r["outputs"])
    for g in data["goals"]:
        rows("goal", g["code"], g["label"], g["iri"], g["outputs"])
        for t in g["targets"]:
            rows("target", t["code"], t["label"], t["iri"], t["outputs"])
    for x in data["wsis"]:
        rows("wsis", x["code"], x["label"], x["iri"], x["outputs"])
    for o in data["outputs"]:
        for kind, items in o["links"].items():
            for i in items:
                w.writerow([f"output-{kind}", i.get("code") or i.get("label") or "",
                            i.get("label") or "", i["iri"], o["document"], o["code"], o["iri"]])
    return buf.getvalue()
