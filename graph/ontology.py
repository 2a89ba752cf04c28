"""The ontology file, its IRI, the namespaces the graph uses and the one PREFIX map.

Everything that names a namespace or writes a SPARQL PREFIX block takes it from here, so the
ontology IRI and the prefixes are defined once (``tools/gen_vocab.py`` generates the closed
vocabulary classes of :mod:`itukg.graph.vocab` from the same file).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from rdflib import Graph

from itukg.errors import DataError

ONTOLOGY_IRI = "https://w3id.org/itukg/ontology"
IKG_NS = ONTOLOGY_IRI + "#"
SDG_NS = "http://metadata.un.org/sdg/"
SDGO_NS = "http://metadata.un.org/sdg/ontology#"

#: prefix → namespace, for SPARQL PREFIX blocks, Turtle output and prefixed names in results.
PREFIXES: dict[str, str] = {
    "ikg": IKG_NS,
    "sdg": SDG_NS,
    "sdgo": SDGO_NS,
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "org": "http://www.w3.org/ns/org#",
}


def prefix_block(*names: str) -> str:
    """``PREFIX`` lines for ``names`` (all of :data:`PREFIXES` when none are given).

    Raises KeyError for a prefix that is not in the map."""
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in (names or PREFIXES))


def ontology_path() -> Path:
    """The path of the bundled ontology file ``ontology/itukg.ttl``."""
    return Path(str(resources.files("itukg.ontology").joinpath("itukg.ttl")))


def load_ontology(path: Path | None = None) -> Graph:
    """Parse the ontology (Turtle) into an rdflib graph.

    Raises :class:`itukg.errors.DataError` when the file is missing or is not valid Turtle.
    """
    path = path or ontology_path()
    try:
        return Graph().parse(path, format="turtle")
    except FileNotFoundError as exc:
        raise DataError("ontology file not found", source=str(path)) from exc
    except Exception as exc:  # rdflib raises several parser exception types
        raise DataError(f"cannot parse the ontology: {exc}", source=str(path)) from exc
