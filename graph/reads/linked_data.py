"""Linked data: every IRI minted under the base dereferences on the service.

``{base}id/...``  → ``/id/...``: the resource's description (its own triples, the triples
pointing at it, the ``ikg:LinkAssertion`` provenance records of its links and the source lines
they cite);
``{base}graph/...`` → ``/graph/...``: the named graph's content;
``https://w3id.org/itukg/ontology`` → ``/ontology``: the ontology.

RDF formats are serialised by the engine in a query worker (Turtle, N-Triples, JSON-LD, RDF/XML);
JSON-LD is written in expanded form with no ``@context``, so no client ever needs to fetch a
remote context. HTML goes through one function, :func:`itukg.api.services.html.render_resource`.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import BNode, Identifier

from itukg.errors import NotFound
from itukg.graph.ontology import PREFIXES
from itukg.graph.reads.common import as_int, local_name, s
from itukg.graph.reads.runner import QueryRunner
from itukg.graph.reads.sparql import read_query
from itukg.graph.store import valid_iri
from itukg.settings import ONTOLOGY_IRI, Settings

Q_DESCRIBE = read_query("linked-data/describe")

Q_EXISTS = read_query("linked-data/exists")

Q_GRAPH = read_query("linked-data/graph")

Q_NEIGHBOUR_LABELS = read_query("linked-data/neighbour-labels")

Q_PROVENANCE = read_query("linked-data/provenance")


def resource_iri(settings: Settings, raw_path: str) -> URIRef:
    """The IRI a service path names: ``/id/doc/x`` → ``{base}id/doc/x``.

    Raises :class:`NotFound` when the result is not a valid IRI (nothing can be minted there)."""
    iri = settings.base_iri + raw_path.lstrip("/")
    if not valid_iri(iri):
        raise NotFound(f"{raw_path} names no valid IRI under {settings.base_iri}")
    return URIRef(iri)


def service_path(settings: Settings, iri: str) -> str | None:
    """Where an IRI dereferences on this service (a path), or ``None`` when it is not ours."""
    if iri.startswith(settings.base_iri):
        rest = iri[len(settings.base_iri):]
        if rest.startswith(("id/", "graph/", "void")):
            return "/" + rest
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#") or iri.startswith(ONTOLOGY_IRI + "/"):
        return "/ontology" + iri[len(ONTOLOGY_IRI):]
    return None


async def describe(runner: QueryRunner, resource: URIRef, result_format: str):
    """The resource's description serialised by the engine in ``result_format`` (``turtle
    ntriples jsonld rdfxml``). Raises :class:`NotFound` when the store says nothing about it,
    and as the runner does."""
    b = {"resource": resource}
    exists = await runner.select(Q_EXISTS, b)
    if not exists.rows:
        raise NotFound(f"nothing is known about {resource}")
    return await runner.run(Q_DESCRIBE, result_format=result_format, bindings=b)


async def graph_content(runner: QueryRunner, graph: str, result_format: str):
    """A named graph serialised by the engine. Raises NotFound for a graph the store lacks."""
    sizes = await runner.graph_sizes()
    if graph not in sizes:
        raise NotFound(f"no named graph {graph} in the store")
    return await runner.run(Q_GRAPH, result_format=result_format, default_graph=[graph])


# -------------------------------------------------------------------------------------------
# the HTML view
# -------------------------------------------------------------------------------------------


@dataclass
class Value:
    """One value on the page: an IRI (with its label and where it dereferences) or a literal."""

    text: str
    iri: str | None = None
    href: str | None = None
    label: str | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass
class PropertyRow:
    predicate: str
    predicate_label: str
    predicate_href: str | None
    values: list[Value]


@dataclass
class ProvenanceRow:
    what: str  # "resource" or the link's predicate local name
    target: Value | None
    as_written: str | None
    line: int
    text: str
    section: str | None
    href: str | None


@dataclass
class ResourceView:
    """Everything the HTML page of a resource shows (also used for graphs, the ontology and the
    VoID description)."""

    iri: str
    labels: list[Value] = field(default_factory=list)
    types: list[Value] = field(default_factory=list)
    properties: list[PropertyRow] = field(default_factory=list)
    incoming: list[PropertyRow] = field(default_factory=list)
    provenance: list[ProvenanceRow] = field(default_factory=list)
    alternates: list[tuple[str, str, str]] = field(default_factory=list)  # (name, href, media type)
    note: str | None = None
    kind: str = "resource"


# namespace → prefix for display: the one map plus the two vocabularies of the VoID
# description; longest namespace first, so sdgo: wins over sdg: (a prefix of it)
_PREFIXES = dict(sorted(
    {**{PREFIXES[p]: p for p in ("ikg", "sdgo", "sdg", "rdf", "rdfs", "skos", "dcterms", "prov",
                                 "owl", "xsd", "sh")},
     "http://rdfs.org/ns/void#": "void", "http://www.w3.org/ns/dcat#": "dcat"}.items(),
    key=lambda kv: -len(kv[0])))


def curie(iri: str) -> str:
    for ns, p in _PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{p}:{iri[len(ns):]}"
    return iri


def _value(term: Identifier, settings: Settings, labels: dict[str, list[Literal]], lang: str) -> Value:
    if isinstance(term, Literal):
        dt = None if term.language or term.datatype is None else curie(str(term.datatype))
        return Value(text=str(term), lang=term.language, datatype=dt)
    if isinstance(term, BNode):
        return Value(text=f"_:{term}")
    iri = str(term)
    return Value(text=curie(iri), iri=iri, href=service_path(settings, iri) or iri,
                 label=_pick(labels.get(iri, []), lang))


def _pick(labels: list[Literal], lang: str) -> str | None:
    if not labels:
        return None
    for want in (lang, "en", "zh"):
        for lab in labels:
            if (lab.language or "").lower().startswith(want):
                return str(lab)
    return str(labels[0])


def build_view(resource: str, triples: list, labels_rows: list[dict], prov_rows: list[dict],
               settings: Settings, *, lang: str = "en") -> ResourceView:
    """Arrange a resource's triples for the page: labels, types, properties (outgoing), links
    pointing at it (incoming, without the provenance nodes, shown apart), provenance lines."""
    labels: dict[str, list[Literal]] = defaultdict(list)
    for r in labels_rows:
        lab = r.get("label")
        if isinstance(lab, Literal) and lab not in labels[str(r["node"])]:
            labels[str(r["node"])].append(lab)
    res = URIRef(resource)
    view = ResourceView(iri=resource)
    out: dict[str, list[Value]] = defaultdict(list)
    inc: dict[str, list[Value]] = defaultdict(list)
    for s_, p, o in triples:
        if s_ == res:
            if p == RDF.type:
                view.types.append(_value(o, settings, labels, lang))
            elif p in (RDFS.label, SKOS.prefLabel) and isinstance(o, Literal):
                view.labels.append(Value(text=str(o), lang=o.language))
            else:
                out[str(p)].append(_value(o, settings, labels, lang))
        if o == res and s_ != res:
            if p in (RDF.subject, RDF.object):
                continue  # provenance nodes: listed under "provenance"
            inc[str(p)].append(_value(s_, settings, labels, lang))
    for p, vals in sorted(out.items(), key=lambda kv: curie(kv[0])):
        vals.sort(key=lambda v: (v.lang or "", v.label or v.text))
        view.properties.append(PropertyRow(p, curie(p), service_path(settings, p) or p, vals))
    for p, vals in sorted(inc.items(), key=lambda kv: curie(kv[0])):
        vals.sort(key=lambda v: v.label or v.text)
        view.incoming.append(PropertyRow(p, curie(p), service_path(settings, p) or p, vals))
    view.labels.sort(key=lambda v: (v.lang != lang, v.lang or ""))
    seen = set()
    for r in prov_rows:
        n = as_int(r.get("lineNumber"))
        if n is None:
            continue
        pred = r.get("predicate")
        key = (str(pred), str(r.get("object")), n)
        if key in seen:
            continue
        seen.add(key)
        obj = r.get("object")
        line = str(r["line"])
        view.provenance.append(ProvenanceRow(
            what=curie(str(pred)) if pred is not None else "",
            target=_value(obj, settings, labels, lang) if obj is not None else None,
            as_written=s(r.get("asWritten")),
            line=n, text=str(r.get("text")), section=s(r.get("section")),
            href=service_path(settings, line) or line,
        ))
    view.provenance.sort(key=lambda x: (x.line, x.what))
    return view


async def resource_view(runner: QueryRunner, settings: Settings, resource: URIRef,
                        *, lang: str = "en") -> ResourceView:
    """The page model of a resource. Raises NotFound when nothing is known about it."""
    b = {"resource": resource}
    triples, labels, prov = await asyncio.gather(
        runner.construct(Q_DESCRIBE, b),
        runner.select(Q_NEIGHBOUR_LABELS, b),
        runner.select(Q_PROVENANCE, b),
    )
    if not triples:
        raise NotFound(f"nothing is known about {resource}")
    return build_view(str(resource), triples, labels.dicts(), prov.dicts(), settings, lang=lang)


def graph_view(graph: str, triples: int, settings: Settings) -> ResourceView:
    view = ResourceView(iri=graph, kind="graph")
    view.note = f"Named graph with {triples} triples. Download it in one of the formats below."
    return view


def local(iri: str) -> str:
    return local_name(iri) or iri
