"""The dataset described in VoID and DCAT (``/.well-known/void``, ``/void``): what the store
holds, graph by graph (triples), where it comes from (the documents, the reference data's source
files), under which licences, and how to reach it (the SPARQL endpoint, each graph's dump at
``/graph/...``, linked-data IRIs under ``{base}id/``).

Counts come from the store itself (``triples_per_graph``), so the description is always the
store's. Serialised with rdflib (a few hundred triples); JSON-LD without any ``@context`` to
fetch.
"""

from __future__ import annotations

import asyncio

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD

from itukg.graph.ontology import PREFIXES
from itukg.graph.reads.runner import QueryRunner
from itukg.graph.reads.sparql import read_query
from itukg.settings import ONTOLOGY_IRI, Settings

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

Q_DOCUMENTS = read_query("documents/documents")

Q_REFERENCE_SOURCES = read_query("void/reference-sources")

Q_ONTOLOGY_LICENSE = read_query("void/ontology-license")

FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


def dataset_iri(settings: Settings) -> URIRef:
    return URIRef(settings.base_iri + "void#dataset")


async def void_graph(runner: QueryRunner, settings: Settings, service_base: str) -> Graph:
    """The VoID/DCAT description. ``service_base`` is the service's own root URL (for the
    SPARQL endpoint and the dumps). Raises what the runner raises."""
    service_base = service_base.rstrip("/")
    reference_node = URIRef(settings.base_iri + "id/reference")
    ontology = URIRef(ONTOLOGY_IRI)
    sizes, docs, ref_sources, onto_lic = await asyncio.gather(
        runner.graph_sizes(),
        runner.select(Q_DOCUMENTS),
        runner.select(Q_REFERENCE_SOURCES, {"dataset": reference_node}),
        runner.select(Q_ONTOLOGY_LICENSE, {"ontology": ontology}),
    )
    g = Graph()
    ds = dataset_iri(settings)
    _describe_dataset(g, ds, settings, service_base, sum(sizes.values()), ontology)
    onto_licences = {r["license"] for r in onto_lic.dicts() if isinstance(r.get("license"), URIRef)}
    ref_licences = {r["license"] for r in ref_sources.dicts() if isinstance(r.get("license"), URIRef)}
    sources = {"ontology": (ontology, onto_licences),
               "reference": (reference_node, ref_licences, [r["source"] for r in ref_sources.dicts()]),
               "documents": {str(r["document"]): r for r in docs.dicts()}}
    licences: set[URIRef] = set()
    for graph, n in sorted(sizes.items()):
        licences |= _describe_graph(g, ds, graph, n, settings, service_base, sources)
    g.add((ds, DCTERMS.source, reference_node))
    for lic in sorted(licences):
        g.add((ds, DCTERMS.license, lic))
    return g


def _describe_dataset(g: Graph, ds: URIRef, settings: Settings, service_base: str, triples: int,
                      ontology: URIRef) -> None:
    """The dataset node, the SPARQL service and its distribution. Raises nothing."""
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("sd", SD),
                       ("foaf", FOAF), ("xsd", XSD), ("ikg", Namespace(PREFIXES["ikg"]))):
        g.bind(prefix, ns)
    endpoint = URIRef(service_base + "/sparql")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("itukg: ITU-D mandates and the UN Sustainable Development Goals", lang="en")))
    g.add((ds, DCTERMS.title, Literal("itukg：国际电联电信发展部门的授权与联合国可持续发展目标", lang="zh")))
    g.add((ds, DCTERMS.description, Literal(
        "ITU-D planning documents as a knowledge graph: sector objectives, outcomes, indicators "
        "and outputs, the resolutions that mandate each output, the WSIS action lines it supports "
        "and the SDG targets it serves, every link traced to the source line that states it; "
        "with the reference vocabularies (UN SDG KOS goals and targets, WSIS, ITU conferences and "
        "resolutions) and the last audit's findings.", lang="en")))
    g.add((ds, FOAF.homepage, URIRef(service_base + "/")))
    g.add((ds, VOID.sparqlEndpoint, endpoint))
    g.add((ds, VOID.uriSpace, Literal(settings.base_iri + "id/")))
    g.add((ds, VOID.uriLookupEndpoint, URIRef(service_base + "/id/")))
    for vocab in (PREFIXES[p] for p in ("ikg", "sdgo", "skos", "dcterms", "prov", "sh")):
        g.add((ds, VOID.vocabulary, URIRef(vocab)))
    g.add((ds, VOID.triples, Literal(triples, datatype=XSD.integer)))
    g.add((ds, DCTERMS.conformsTo, ontology))

    service = endpoint
    g.add((service, RDF.type, SD.Service))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, SD.endpoint, endpoint))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.servesDataset, ds))
    dist = BNode("sparql")
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCAT.accessService, service))
    g.add((dist, DCAT.accessURL, endpoint))
    g.add((dist, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))


def _describe_graph(g: Graph, ds: URIRef, graph: str, n: int, settings: Settings, service_base: str,
                    sources: dict) -> set[URIRef]:
    """One named graph as a subset of the dataset (size, dump, title, source, licence); returns
    the licences it adds to the dataset. Raises nothing."""
    licences: set[URIRef] = set()
    gnode = URIRef(graph)
    g.add((ds, VOID.subset, gnode))
    g.add((gnode, RDF.type, VOID.Dataset))
    g.add((gnode, RDF.type, SD.NamedGraph))
    g.add((gnode, SD.name, gnode))
    g.add((gnode, VOID.triples, Literal(n, datatype=XSD.integer)))
    if graph.startswith(settings.base_iri + "graph/"):
        g.add((gnode, VOID.dataDump, URIRef(service_base + "/" + graph[len(settings.base_iri):])))
    if graph == settings.ontology_graph:
        g.add((gnode, DCTERMS.title, Literal("The itukg ontology", lang="en")))
        g.add((gnode, DCTERMS.source, sources["ontology"][0]))
        for lic in sources["ontology"][1]:
            g.add((gnode, DCTERMS.license, lic))
            licences.add(lic)
    elif graph == settings.reference_graph:
        g.add((gnode, DCTERMS.title, Literal("Reference vocabularies", lang="en")))
        g.add((gnode, DCTERMS.source, sources["reference"][0]))
        for source in sources["reference"][2]:
            g.add((gnode, DCTERMS.source, source))
        for lic in sources["reference"][1]:
            g.add((gnode, DCTERMS.license, lic))
            licences.add(lic)
    elif graph == settings.audit_graph:
        g.add((gnode, DCTERMS.title, Literal("The last audit's SHACL report and findings", lang="en")))
    elif graph.startswith(settings.base_iri + "graph/doc/"):
        slug = graph[len(settings.base_iri + "graph/doc/"):]
        doc = settings.document_iri(slug)
        info = sources["documents"].get(doc, {})
        g.add((gnode, DCTERMS.source, URIRef(doc)))
        g.add((ds, DCTERMS.source, URIRef(doc)))
        ident = info.get("identifier")
        title = f"Planning document {ident}" if ident is not None else f"Planning document {slug}"
        if info.get("language") is not None:
            title += f" ({info['language']})"
        g.add((gnode, DCTERMS.title, Literal(title, lang="en")))
        if info.get("file") is not None:
            g.add((gnode, RDFS.comment, Literal(f"Parsed from {info['file']}"
                                               + (f" (sha256 {info['sha256']})" if info.get("sha256") else ""),
                                               lang="en")))
    elif graph.startswith(settings.base_iri + "graph/file/"):
        g.add((gnode, DCTERMS.title, Literal("Data loaded with itukg load", lang="en")))
    return licences


def serialize(g: Graph, fmt: str) -> bytes:
    """``fmt``: turtle, ntriples, jsonld, rdfxml. JSON-LD is written without a context, so a
    reader never fetches one. Raises KeyError for another format."""
    data = g.serialize(format=FORMATS[fmt], encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")
