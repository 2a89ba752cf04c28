"""The audit's comparison of language versions: one document (one symbol) built in several
languages must list the same outputs, resolutions, WSIS action lines, SDG targets and goals,
regional initiatives and study-group Questions.

Not a SHACL shape: a shape's focus node belongs to one document and every shape is checked per
document by ``pyshacl-parallel`` (:mod:`itukg.graph.audit.engine`), while this check relates two
documents, and each finding must name both versions and both lines
(``docs/decisions/0161-translations-audited-in-python-by-codes.md``). It reads through ``.rq``
files (``queries/reads/diff/``) and compares by codes, never by words, with the same facts as
``itukg diff`` between language versions (:mod:`itukg.graph.reads.diff.languages`). Every
engine gets the same findings from it. Its names and messages are in the gettext catalogues
(``itukg/messages``), one text per catalogue language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from babel import Locale, UnknownLocaleError
from rdflib import Literal, URIRef

from itukg.graph.audit.engine import Dataset
from itukg.graph.audit.findings import Labeller
from itukg.graph.audit.report import Finding, Focus, Provenance, finding_iri
from itukg.graph.audit.shapes import SHAPES_NS
from itukg.graph.reads.diff import compare
from itukg.graph.reads.diff.languages import language_facts
from itukg.graph.reads.sparql import read_query
from itukg.graph.store import select_rows
from itukg.graph.vocab import IKG
from itukg.messages import Messages, N_, languages
from itukg.settings import Settings

CHECK = SHAPES_NS + "LanguageVersionsAgree"  # sh:sourceShape of its findings (no shape file)
SEVERITY = "Warning"  # one of the versions is wrong; which one, a person must say
# kind of fact (itukg.graph.reads.diff.languages) → (check kind, its name)
KINDS = {
    "output": ("translation-output", N_("Output missing from a language version")),
    "resolution": ("translation-resolution", N_("Resolution missing from a language version")),
    "wsis": ("translation-wsis", N_("WSIS action line missing from a language version")),
    "sdg-target": ("translation-sdg-target", N_("SDG target missing from a language version")),
    "sdg-goal": ("translation-sdg-goal", N_("SDG goal missing from a language version")),
    "regional-slot": ("translation-regional",
                      N_("Regional initiatives differ between language versions")),
    "question": ("translation-question",
                 N_("Study-group Question missing from a language version")),
}
PATHS = {"resolution": IKG.mandatedBy, "wsis": IKG.supportsActionLine,
         "sdg-target": IKG.servesTarget, "sdg-goal": IKG.servesGoal,
         "regional-slot": IKG.hasRegionalSlot, "question": IKG.hasQuestionSlot}
GENERAL = N_("Two language versions of one document (the same symbol) must list the same "
             "outputs, resolutions, WSIS action lines, SDG targets and goals, regional "
             "initiatives and study-group Questions; they are compared by codes, not by words.")
LACKS_OUTPUT = N_("The %(lacking)s version (%(lacking_doc)s) has no output %(output)s, which "
                  "the %(having)s version (%(having_doc)s) has on line %(having_line)s.")
LACKS = N_("The %(lacking)s version (%(lacking_doc)s, output %(output)s on line "
           "%(lacking_line)s) lacks %(what)s that the %(having)s version (%(having_doc)s) lists "
           "on line %(having_line)s.")
DIFFER = N_("For %(what)s in output %(output)s, the %(having)s version (%(having_doc)s, line "
            "%(having_line)s) names %(having_value)s and the %(lacking)s version "
            "(%(lacking_doc)s, line %(lacking_line)s) names %(lacking_value)s.")
WHAT = {
    "resolution": N_("%(body)s Resolution %(number)s"),
    "wsis": N_("WSIS action line %(code)s"),
    "sdg-target": N_("SDG target %(code)s"),
    "sdg-goal": N_("SDG goal %(code)s"),
    "regional-slot": N_("the regional initiatives for %(region)s"),
    "question": N_("Question %(code)s"),
}


def check_kinds() -> list[dict[str, Any]]:
    """The checks of this comparison, as the report lists its checks (kind, severity, name and
    message per catalogue language, check IRI, concern). Raises nothing."""
    return [{"kind": kind, "severity": SEVERITY, "name": _each(name),
             "message": _each(GENERAL), "shape": CHECK, "concern": "translations"}
            for kind, name in KINDS.values()]


def translation_findings(store: Any, settings: Settings, dataset: Dataset,
                         labeller: Labeller) -> list[Finding]:
    """One finding per difference between two language versions of a document, at least one
    of them audited: an output, link, Question present in one and absent from the other, or a
    region whose initiative codes differ. Raises :class:`itukg.errors.StoreError` as the store
    does."""
    audited = {d["iri"] for d in dataset.documents}
    docs = _versions(store)
    cache: dict[str, dict] = {}
    out: list[Finding] = []
    for a, b in sorted({tuple(sorted(p)) for p in docs["pairs"]}):
        if a not in audited and b not in audited:
            continue
        for d in (a, b):  # each document read once, however many languages it has
            if d not in cache:
                cache[d] = language_facts(store, d)
        fa, fb = cache[a], cache[b]
        for side, entry in _differences(compare(fa, fb)):
            having, lacking = (a, b) if side in ("removed", "changed") else (b, a)
            other = fb if having == a else fa
            out.append(_finding(store, settings, labeller, docs["info"], entry, having, lacking,
                                other))
    return out


def _versions(store: Any) -> dict[str, Any]:
    """The pairs of documents stated translations of each other, and each one's symbol and
    language."""
    pairs, info = set(), {}
    for r in select_rows(store, read_query("diff/translations")):
        d, o = str(r["document"]), str(r["other"])
        pairs.add((d, o))
        info[d] = {k: str(r[k]) if r.get(k) is not None else None
                   for k in ("identifier", "language", "file")}
    return {"pairs": pairs, "info": info}


def _differences(res: dict[str, list[dict]]) -> Iterable[tuple[str, dict]]:
    """The entries the audit reports: the kinds in :data:`KINDS`; nothing more about an output
    one version lacks (that output's finding says it all); a goal only when no target of it
    differs the same way."""
    gone = {(s, e["output"]) for s in ("added", "removed") for e in res[s] if e["kind"] == "output"}
    for side in ("added", "removed", "changed"):
        targets = {(e["output"], e["key"].split(".")[0]) for e in res[side]
                   if e["kind"] == "sdg-target"}
        for e in res[side]:
            if e["kind"] not in KINDS:
                continue
            if e["kind"] != "output" and (side, e["output"]) in gone:
                continue
            if e["kind"] == "sdg-goal" and (e["output"], e["key"]) in targets:
                continue
            yield side, e


def _finding(store: Any, settings: Settings, labeller: Labeller, info: dict[str, dict],
             entry: dict, having: str, lacking: str, lacking_facts: dict) -> Finding:
    kind, name = KINDS[entry["kind"]]
    code, fact_kind = entry["output"], entry["kind"]
    if "from" in entry:  # a regional slot both versions fill, differently
        mine, theirs = entry["from"], entry["to"]
    else:  # an output's own line is its heading, after its row in the outcomes table
        mine = {**entry, "lines": entry["lines"][-1:]} if fact_kind == "output" else entry
        f = lacking_facts.get((code, fact_kind, entry["key"]))
        if f is not None and f.lines:  # an empty regional slot: the line naming its region
            theirs = f.side()
        else:  # absent: the line of the same output in the other version
            o = lacking_facts.get((code, "output", code))
            theirs = {"text": "", "lines": o.lines[-1:] if o else []}
    here = _line(store, having, mine["lines"], info)
    there = _line(store, lacking, theirs["lines"], info)
    path, value = _path_value(settings, fact_kind, entry["key"])
    params = {
        "output": code, "having_doc": _slug(having), "lacking_doc": _slug(lacking),
        "having_line": here.line or "?", "lacking_line": there.line or "?",
        "having_value": mine.get("text") or "-", "lacking_value": theirs.get("text") or "-",
    }
    message = {}
    for lang in languages():
        m = Messages(lang)
        p = dict(params, having=_language(info, having, lang), lacking=_language(info, lacking, lang),
                 what=_what(m, labeller, settings, fact_kind, entry["key"]))
        template = {"output": LACKS_OUTPUT, "regional-slot": DIFFER}.get(fact_kind, LACKS)
        message[lang] = m(template, **p)
    output_iri = f"{having}/output/{code}"
    return Finding(
        id=finding_iri(settings.base_iri, kind, f"{output_iri} {lacking}", path, value),
        severity=SEVERITY, kind=kind, shape=CHECK, check=_each(name), message=message,
        focus=Focus(iri=output_iri, type="Output", code=code,
                    label=f"output {code}" + (f" · {entry['key']}" if fact_kind != "output" else ""),
                    output=code, output_iri=output_iri, document=_slug(having)),
        path=path, value_term=value, value=entry["key"] if fact_kind != "output" else None,
        provenance=here, counterpart=there,
    )


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _path_value(settings: Settings, kind: str, key: str) -> tuple[str | None, Any]:
    """The path and value a finding of ``kind`` about ``key`` is identified by."""
    if kind == "output":
        return None, None
    if kind in ("sdg-target", "sdg-goal"):
        value: Any = URIRef(f"http://metadata.un.org/sdg/{key}")
    elif kind == "wsis":
        value = URIRef(f"{settings.base_iri}id/wsis/{key}")
    elif kind == "resolution":
        value = URIRef(f"{settings.base_iri}id/resolution/{key}")
    elif kind == "regional-slot":
        value = URIRef(f"{settings.base_iri}id/region/{key}")
    else:
        value = Literal(key)
    return f"<{PATHS[kind]}>", value


def _line(store: Any, document: str, lines: list[int], info: dict[str, dict]) -> Provenance:
    """The first of ``lines`` of ``document``, with its text and section."""
    doc = info.get(document, {})
    prov = Provenance(document=document, file=doc.get("file"), identifier=doc.get("identifier"))
    if not lines:
        return prov
    iri = f"{document}/line/{min(lines)}"
    for r in select_rows(store, read_query("diff/line-text"), bindings={"line": URIRef(iri)}):
        prov.line, prov.line_iri = int(r["lineNumber"]), iri
        prov.section = str(r["section"]) if r.get("section") is not None else None
        prov.text = str(r["text"]) if r.get("text") is not None else None
    return prov


def _each(message: str, **fmt: Any) -> dict[str, str]:
    """``message`` in every catalogue language."""
    return {lang: Messages(lang)(message, **fmt) for lang in languages()}


def _language(info: dict[str, dict], doc: str, lang: str) -> str:
    """The name of ``doc``'s language in ``lang`` (``Chinese``, ``英文``), else its code."""
    code = info.get(doc, {}).get("language") or "?"
    try:
        return Locale.parse(lang).languages.get(code, code)
    except (ValueError, UnknownLocaleError):
        return code


def _what(m: Messages, labeller: Labeller, settings: Settings, kind: str, key: str) -> str:
    """The thing one version lacks, in the message's language: "SDG target 9.c"."""
    if kind == "output":
        return key
    if kind == "resolution":
        body, _, number = key.partition("/")
        return m(WHAT[kind], body=body.upper(), number=number)
    if kind == "regional-slot":
        titles = labeller.titles(f"{settings.base_iri}id/region/{key}")
        return m(WHAT[kind], region=titles.get(m.lang) or titles.get("en") or key)
    return m(WHAT[kind], code=key)
