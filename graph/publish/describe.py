"""The snapshot's VoID/DCAT description (``void.ttl``, decision 0183).

It is the service's own description of the dataset (:func:`itukg.graph.reads.void.void_graph`:
triples per graph, the documents and reference files it comes from, their licences, read from
the store through the read layer's queries) plus one node for the snapshot: a version of the
dataset (``dcat:version``, ``dcterms:issued``, ``dcterms:isVersionOf``), its previous version
(``dcat:previousVersion``, ``prov:wasRevisionOf``), its triples per graph and its download
(``dcat:downloadURL``, media type, gzip, ``dcat:byteSize``, an SPDX sha256 checksum).
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, XSD

from itukg.graph.publish.dump import COMPRESSION, MEDIA_TYPE, DumpInfo
from itukg.graph.publish.layout import DUMP, MANIFEST
from itukg.graph.reads import void
from itukg.graph.reads.runner import StoreRunner, complete
from itukg.graph.store import Store
from itukg.settings import Settings

SPDX = Namespace("http://spdx.org/rdf/terms#")
# DCAT 3 terms (version, hasVersion, previousVersion): rdflib's closed DCAT namespace is DCAT 2
DCAT3 = Namespace(str(DCAT))
IANA = "https://www.iana.org/assignments/media-types/"


def snapshot_iri(settings: Settings, name: str) -> URIRef:
    return URIRef(f"{settings.base_iri}snapshot/{name}")


def download_url(service_url: str, name: str, file: str = DUMP) -> URIRef:
    return URIRef(f"{service_url.rstrip('/')}/snapshots/{name}/{file}")


def describe(store: Store, settings: Settings, *, service_url: str, manifest: dict,
             dump: DumpInfo) -> Graph:
    """The description of snapshot ``manifest`` (see :func:`itukg.graph.publish.publish`).
    Raises what the store raises (:class:`~itukg.errors.StoreError`, ``QueryError``)."""
    g = complete(void.void_graph(StoreRunner(store), settings, service_url))
    for prefix, ns in (("prov", PROV), ("spdx", SPDX), ("rdfs", RDFS)):
        g.bind(prefix, ns)
    dataset = void.dataset_iri(settings)
    snap = snapshot_iri(settings, manifest["name"])
    g.add((snap, RDF.type, void.VOID.Dataset))
    g.add((snap, RDF.type, DCAT.Dataset))
    g.add((snap, DCTERMS.title, Literal(f"itukg snapshot {manifest['version']} "
                                        f"({manifest['issued']})", lang="en")))
    g.add((snap, DCTERMS.isVersionOf, dataset))
    g.add((dataset, DCAT3.hasVersion, snap))
    g.add((snap, DCAT3.version, Literal(str(manifest["version"]))))
    g.add((snap, DCTERMS.issued, Literal(manifest["issued"], datatype=XSD.dateTime)))
    g.add((snap, void.VOID.triples, Literal(dump.triples, datatype=XSD.integer)))
    for p in (DCTERMS.source, DCTERMS.license, void.VOID.vocabulary, DCTERMS.conformsTo):
        for o in g.objects(dataset, p):
            g.add((snap, p, o))
    for graph in dump.graphs:
        g.add((snap, void.VOID.subset, URIRef(graph)))
    if manifest.get("previous"):
        prev = snapshot_iri(settings, manifest["previous"])
        g.add((snap, DCAT3.previousVersion, prev))
        g.add((snap, PROV.wasRevisionOf, prev))
    dl = download_url(service_url, manifest["name"])
    g.add((snap, void.VOID.dataDump, dl))
    g.add((snap, RDFS.seeAlso, download_url(service_url, manifest["name"], MANIFEST)))
    _distribution(g, snap, dl, dump)
    return g


def _distribution(g: Graph, snap: URIRef, url: URIRef, dump: DumpInfo) -> None:
    """The dump as a DCAT distribution with its size and SPDX checksum. Raises nothing."""
    dist = BNode("dump")
    g.add((snap, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal("N-Quads dump, gzip-compressed", lang="en")))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.mediaType, URIRef(IANA + MEDIA_TYPE)))
    g.add((dist, DCAT.compressFormat, URIRef(IANA + COMPRESSION)))
    g.add((dist, DCAT.byteSize, Literal(dump.bytes, datatype=XSD.nonNegativeInteger)))
    checksum = BNode("dump-sha256")
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
