"""OWL reasoning over the ontology plus one document's graph, with HermiT (through owlready2).

:func:`reason` takes rdflib graphs (the ontology and the data), loads them into a fresh owlready2
``World`` (as N-Triples: owlready2 does not read Turtle, and given Turtle silently loads nothing,
so the load is checked), runs HermiT with property-value inference and returns a
:class:`ReasoningReport`: consistent or not, and the facts HermiT inferred (class memberships and
object-property values) as rdflib triples. When the graph is inconsistent, :func:`explain` looks
for the usual causes (an individual in two disjoint classes, two values of a functional property,
a literal outside a property's range) so the report names what clashes.

HermiT is slow on big graphs (2.5 s on 10k triples, 120 s on 100k here), so the store is reasoned
over one document at a time: :func:`store_document_graph` gathers the document's named graph and the
part of the reference graph it points to (e.g. the SDG targets it serves, each with its
``sdgo:isTargetOf`` goal), never the whole store.

HermiT runs on Java: :func:`java_executable` raises :class:`ReasonerUnavailable` with the way to
install it (``apt-get install -y default-jre-headless``) when ``java`` is missing.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from itukg.errors import ItukgError, NotFound
from itukg.graph.reads.sparql import read_query
from itukg.graph.vocab import IKG, SDGO

#: Classes the ontology graph must declare (else it is not the itukg ontology).
_SENTINEL_CLASSES = (IKG.PlanningDocument, IKG.Output, IKG.Conference, SDGO.Target)
#: The ontology owlready2 puts inferred facts into (kept apart from the input).
_INFERRED_ONTOLOGY = "urn:itukg:reasoner:inferred"
_INPUT_ONTOLOGY = "urn:itukg:reasoner:input"
_IGNORED_TYPES = {OWL.Thing, OWL.NamedIndividual}


class ReasonerError(ItukgError):
    """The reasoner could not run (bad input it cannot load, or a Java/HermiT failure)."""

    title = "Reasoner failed"
    status = 500


class ReasonerUnavailable(ReasonerError):
    """Java, which HermiT needs, is not installed."""

    title = "Reasoner unavailable"
    status = 503


@dataclass
class ReasoningReport:
    """The outcome of one reasoner run.

    ``inferred`` holds the facts HermiT inferred that were not asserted: the most specific new
    class memberships of individuals (``rdf:type``) and new object-property values (e.g.
    ``output ikg:servesGoal sdg:9`` from the property chain). Empty when inconsistent.
    ``clashes`` names what clashes when the graph is inconsistent (may be empty if no simple
    cause was found: HermiT itself does not explain).
    """

    consistent: bool
    inferred: Graph = field(default_factory=Graph)
    clashes: list[str] = field(default_factory=list)
    input_triples: int = 0
    seconds: float = 0.0
    label: str = ""

    def inferred_triples(self) -> set[tuple[Node, Node, Node]]:
        return set(self.inferred)

    def text(self) -> str:
        """A human-readable report (one fact or clash per line, prefixed names)."""
        head = f"{self.label}: " if self.label else ""
        if not self.consistent:
            lines = [f"{head}INCONSISTENT ({self.input_triples} triples, {self.seconds:.1f} s)"]
            if self.clashes:
                lines += [f"  clash: {c}" for c in self.clashes]
            else:
                lines.append("  clash: HermiT found no model; no simple cause (disjoint classes, "
                             "functional property, datatype range) was found")
            return "\n".join(lines)
        lines = [f"{head}consistent ({self.input_triples} triples, {self.seconds:.1f} s); "
                 f"{len(self.inferred)} inferred facts"]
        nm = _namespaces()
        for s, p, o in sorted(self.inferred, key=lambda t: (str(t[1]), str(t[0]), str(t[2]))):
            lines.append(f"  {_n3(s, nm)} {_n3(p, nm)} {_n3(o, nm)}")
        return "\n".join(lines)


def _namespaces():
    g = Graph()
    g.bind("ikg", str(IKG._NS))
    g.bind("sdgo", str(SDGO._NS))
    g.bind("sdg", "http://metadata.un.org/sdg/")
    return g.namespace_manager


def _n3(term: Node, nm) -> str:
    try:
        return term.n3(nm)
    except Exception:  # pragma: no cover - an IRI rdflib cannot abbreviate
        return term.n3()


# --------------------------------------------------------------------------------------------
# Java and owlready2
# --------------------------------------------------------------------------------------------


def java_executable() -> str:
    """The path of the ``java`` that HermiT will run on.

    Raises :class:`ReasonerUnavailable` when there is none, saying how to install it.
    """
    import owlready2

    configured = getattr(owlready2, "JAVA_EXE", "java") or "java"
    found = shutil.which(configured) or shutil.which("java")
    if not found:
        raise ReasonerUnavailable(
            "the OWL reasoner (HermiT) needs Java and no 'java' executable was found on PATH; "
            "install it with: apt-get install -y default-jre-headless"
        )
    return found


def java_available() -> bool:
    """True when :func:`java_executable` finds a working ``java``."""
    try:
        exe = java_executable()
    except ReasonerUnavailable:
        return False
    try:
        subprocess.run([exe, "-version"], capture_output=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def _supports_ignore_unsupported_datatypes() -> bool:
    import inspect

    from owlready2 import sync_reasoner

    return "ignore_unsupported_datatypes" in inspect.signature(sync_reasoner).parameters


def bundled_ontology() -> Graph:
    """The ontology shipped with itukg (``ontology/itukg.ttl``) as an rdflib graph.

    Raises :class:`itukg.errors.DataError` when it cannot be read.
    """
    from itukg.graph.ontology import load_ontology

    return load_ontology()


# --------------------------------------------------------------------------------------------
# Reasoning
# --------------------------------------------------------------------------------------------


def reason(data: Graph | Iterable[Graph], ontology: Graph | None = None, *, label: str = "") -> ReasoningReport:
    """Reason over ``ontology`` (default: the bundled one) plus ``data`` with HermiT.

    Returns a :class:`ReasoningReport`. Raises :class:`ReasonerUnavailable` when Java is missing,
    :class:`ReasonerError` when owlready2 does not receive the ontology's classes or HermiT fails
    for another reason than inconsistency (its Java message is included).
    """
    import owlready2
    from owlready2 import OwlReadyInconsistentOntologyError, World, sync_reasoner

    java = java_executable()
    ontology = ontology if ontology is not None else bundled_ontology()
    merged = Graph()
    for t in ontology:
        merged.add(t)
    for g in [data] if isinstance(data, Graph) else list(data):
        for t in g:
            merged.add(t)
    declared = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    absent = [str(c) for c in _SENTINEL_CLASSES if c not in declared]
    if absent:
        raise ReasonerError("the ontology graph does not declare the itukg classes (missing: "
                            + ", ".join(absent) + ")")
    asserted = _normalised(merged)
    started = time.perf_counter()

    world = World()
    try:
        try:
            world.get_ontology(_INPUT_ONTOLOGY).load(fileobj=io.BytesIO(_payload(merged)), format="ntriples")
        except Exception as exc:  # owlready2's parser raises plain exceptions
            raise ReasonerError(f"owlready2 could not load the graph: {exc}") from exc
        arrived = {c.iri for c in world.classes()}
        missing = sorted({str(c) for c in declared} - arrived)
        if missing:
            raise ReasonerError(
                f"owlready2 did not receive the ontology ({len(missing)} of {len(declared)} classes "
                f"missing, e.g. {', '.join(missing[:3])})"
            )
        inferred_onto = world.get_ontology(_INFERRED_ONTOLOGY)
        kwargs: dict[str, object] = {"infer_property_values": True, "debug": 0}
        if _supports_ignore_unsupported_datatypes():
            # HermiT rejects datatypes outside the OWL 2 datatype map (xsd:date, xsd:gYear).
            kwargs["ignore_unsupported_datatypes"] = True
        old_java = owlready2.JAVA_EXE
        owlready2.JAVA_EXE = java
        try:
            with inferred_onto:
                sync_reasoner(world, **kwargs)
        except OwlReadyInconsistentOntologyError:
            return ReasoningReport(
                consistent=False,
                clashes=explain(merged),
                input_triples=len(merged),
                seconds=time.perf_counter() - started,
                label=label,
            )
        except owlready2.OwlReadyJavaError as exc:
            raise ReasonerError(f"HermiT failed: {_first_lines(str(exc))}") from exc
        finally:
            owlready2.JAVA_EXE = old_java
        out = io.BytesIO()
        inferred_onto.save(out, format="ntriples")
        inferred = _inferred_facts(out.getvalue(), asserted, ontology)
    finally:
        world.close()
    return ReasoningReport(
        consistent=True,
        inferred=inferred,
        input_triples=len(merged),
        seconds=time.perf_counter() - started,
        label=label,
    )


def _payload(graph: Graph) -> bytes:
    """The graph as owlready2 can read it: N-Triples (owlready2 does not read Turtle)."""
    return graph.serialize(format="nt", encoding="utf-8")


def _first_lines(text: str, n: int = 8) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return "\n".join(lines[:n])


def _plain(term: Node) -> Node:
    # owlready2 writes plain literals back as xsd:string; compare them as RDF 1.1 does (equal).
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _normalised(g: Graph) -> set[tuple[Node, Node, Node]]:
    return {(s, p, _plain(o)) for s, p, o in g if not isinstance(s, BNode) and not isinstance(o, BNode)}


def _inferred_facts(ntriples: bytes, asserted: set, ontology: Graph) -> Graph:
    schema_terms = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    raw = Graph().parse(data=ntriples.decode("utf-8"), format="nt")
    out = Graph()
    out.bind("ikg", str(IKG._NS))
    out.bind("sdgo", str(SDGO._NS))
    for s, p, o in raw:
        if isinstance(s, BNode) or isinstance(o, BNode) or s in schema_terms:
            continue
        if str(s) in (_INFERRED_ONTOLOGY, _INPUT_ONTOLOGY):
            continue
        if p == RDF.type and (o in _IGNORED_TYPES or str(o).startswith(str(OWL))):
            continue
        if (s, p, _plain(o)) in asserted:
            continue
        out.add((s, p, o))
    return out


# --------------------------------------------------------------------------------------------
# Explaining an inconsistency (HermiT says only "inconsistent")
# --------------------------------------------------------------------------------------------


def explain(graph: Graph) -> list[str]:
    """Name the likely causes of an inconsistency in ``graph`` (ontology plus data).

    Checks, without a reasoner: individuals whose classes (asserted, or implied by the domains
    and ranges of the properties they use, closed under ``rdfs:subClassOf``) include two disjoint
    classes; functional properties with two different values (data values, or individuals
    declared different); literals outside a property's declared datatype range. Returns one sentence per
    clash, sorted; an empty list when none of these causes is present.
    """
    nm = _namespaces()

    def n(t: Node) -> str:
        return _n3(t, nm)

    supers = _superclasses(graph)
    disjoint = _disjoint_pairs(graph)
    domains = {p: d for p, d in graph.subject_objects(RDFS.domain) if isinstance(d, URIRef)}
    ranges = {p: r for p, r in graph.subject_objects(RDFS.range) if isinstance(r, URIRef)}
    object_props = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    schema = {s for s in graph.subjects(RDF.type, None)
              if (s, RDF.type, OWL.Class) in graph or (s, RDF.type, OWL.ObjectProperty) in graph
              or (s, RDF.type, OWL.DatatypeProperty) in graph or (s, RDF.type, OWL.AnnotationProperty) in graph
              or (s, RDF.type, OWL.Ontology) in graph}

    # Why each individual is in each class.
    why: dict[Node, dict[Node, str]] = defaultdict(dict)

    def add(ind: Node, cls: Node, reason: str) -> None:
        for c in [cls, *supers.get(cls, ())]:
            why[ind].setdefault(c, reason if c == cls else f"{reason}, and {n(cls)} is a {n(c)}")

    for s, o in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and s not in schema and isinstance(o, URIRef) and not str(o).startswith(str(OWL)):
            add(s, o, "typed so")
    for s, p, o in graph:
        if s in schema or isinstance(s, BNode) or p == RDF.type:
            continue
        if p in domains:
            add(s, domains[p], f"it has {n(p)} (domain {n(domains[p])})")
        if p in object_props and p in ranges and isinstance(o, URIRef):
            add(o, ranges[p], f"it is the object of {n(s)} {n(p)} (range {n(ranges[p])})")

    clashes: set[str] = set()
    for ind, classes in why.items():
        for a, b in itertools.combinations(sorted(classes, key=str), 2):
            if frozenset((a, b)) in disjoint:
                clashes.add(f"{n(ind)} is both {n(a)} ({classes[a]}) and {n(b)} ({classes[b]}), "
                            f"which are disjoint")

    different = _different_pairs(graph)
    for p in graph.subjects(RDF.type, OWL.FunctionalProperty):
        values: dict[Node, set[Node]] = defaultdict(set)
        for s, o in graph.subject_objects(p):
            if s not in schema:
                values[s].add(_plain(o) if isinstance(o, Literal) else o)
        for s, vals in values.items():
            if len(vals) < 2:
                continue
            lits = [v for v in vals if isinstance(v, Literal)]
            if len(lits) >= 2 and len({(v.value if v.value is not None else str(v), v.datatype, v.language)
                                        for v in lits}) >= 2:
                clashes.add(f"{n(s)} has {len(lits)} values of the functional property {n(p)}: "
                            + ", ".join(sorted(n(v) for v in lits)))
            iris = [v for v in vals if not isinstance(v, Literal)]
            for a, b in itertools.combinations(sorted(iris, key=str), 2):
                if frozenset((a, b)) in different:
                    clashes.add(f"{n(s)} has two values of the functional property {n(p)}: {n(a)} and "
                                f"{n(b)}, which are declared different")

    for p, r in ranges.items():
        if p in object_props or not str(r).startswith(str(XSD)) and r != RDF.langString:
            continue
        for s, o in graph.subject_objects(p):
            if isinstance(o, Literal) and not _literal_in_range(o, r):
                clashes.add(f"{n(s)} {n(p)} {n(o)}: the value is not in the range {n(r)}")
    return sorted(clashes)


def _literal_in_range(lit: Literal, rng: URIRef) -> bool:
    dt = lit.datatype or (RDF.langString if lit.language else XSD.string)
    if rng == XSD.integer:
        ints = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
                XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger, XSD.unsignedInt,
                XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte}
        return dt in ints and lit.ill_typed is not True
    if rng == XSD.string:
        return dt == XSD.string
    return dt == rng and lit.ill_typed is not True


def _superclasses(graph: Graph) -> dict[Node, set[Node]]:
    direct: dict[Node, set[Node]] = defaultdict(set)
    for c, d in graph.subject_objects(RDFS.subClassOf):
        if isinstance(d, URIRef):
            direct[c].add(d)
    closed: dict[Node, set[Node]] = {}
    for c in list(direct):
        seen: set[Node] = set()
        stack = list(direct[c])
        while stack:
            x = stack.pop()
            if x not in seen:
                seen.add(x)
                stack.extend(direct.get(x, ()))
        closed[c] = seen
    return closed


def _disjoint_pairs(graph: Graph) -> set[frozenset]:
    pairs: set[frozenset] = set()
    for a, b in graph.subject_objects(OWL.disjointWith):
        pairs.add(frozenset((a, b)))
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(graph.items(graph.value(node, OWL.members)))
        pairs.update(frozenset(p) for p in itertools.combinations(members, 2))
    return pairs


def _different_pairs(graph: Graph) -> set[frozenset]:
    pairs: set[frozenset] = set()
    for a, b in graph.subject_objects(OWL.differentFrom):
        pairs.add(frozenset((a, b)))
    for node in graph.subjects(RDF.type, OWL.AllDifferent):
        lst = graph.value(node, OWL.distinctMembers) or graph.value(node, OWL.members)
        members = list(graph.items(lst)) if lst is not None else []
        pairs.update(frozenset(p) for p in itertools.combinations(members, 2))
    return pairs


# --------------------------------------------------------------------------------------------
# Graphs from the store
# --------------------------------------------------------------------------------------------

_REFERENCE_NEEDED = read_query("reasoning/reference-needed")


def document_slugs(store, settings) -> list[str]:
    """Slugs of the documents in the store (from its ``B graph/doc/{slug}`` graphs), sorted.

    Raises :class:`itukg.errors.StoreError` when the store cannot be read.
    """
    prefix = settings.document_graph("")
    return sorted(g[len(prefix):] for g in store.graphs() if g.startswith(prefix) and len(g) > len(prefix))


def store_ontology(store, settings) -> Graph:
    """The ontology graph of the store (``B graph/ontology``), or the bundled ontology when the
    store has none. Raises :class:`itukg.errors.StoreError` when the store cannot be read."""
    if settings.ontology_graph in store.graphs():
        g = Graph().parse(data=store.dump("ntriples", graph=settings.ontology_graph).decode("utf-8"), format="nt")
        if len(g):
            return g
    return bundled_ontology()


#: Reference links that fan out from a resource the document points to (a goal to all its
#: targets, a target to all its indicators): not needed to reason about the document.
_FAN_OUT = (SDGO.hasTarget, SDGO.hasIndicator)


def reference_subset(document: Graph, reference: Graph | Iterable, ontology: Graph) -> Graph:
    """The part of ``reference`` that reasoning about ``document`` needs: for every IRI the
    document points to, its types and its values of the ontology's object and datatype
    properties (so an SDG target comes with its ``sdgo:isTargetOf`` goal, a conference with its
    body, venue and year), but not labels, provenance or fan-out links (:data:`_FAN_OUT`); and
    the types of the resources those triples point to (a programme's country group)."""
    props = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty))
    props = (props - set(_FAN_OUT)) | {RDF.type}
    pointed = {o for o in document.objects() if isinstance(o, URIRef)}
    triples = list(reference)
    out = Graph()
    for s, p, o in triples:
        if s in pointed and p in props:
            out.add((s, p, o))
    second = {o for _, p, o in out if p != RDF.type and isinstance(o, URIRef)} - pointed
    for s, p, o in triples:
        if s in second and p == RDF.type:
            out.add((s, p, o))
    return out


def store_document_graph(store, settings, slug: str, ontology: Graph | None = None) -> Graph:
    """One document's graph plus the part of the reference graph it needs
    (:func:`reference_subset`; ``ontology`` defaults to the store's).

    Raises :class:`itukg.errors.NotFound` when the store holds no document ``slug``, and
    :class:`itukg.errors.StoreError` when the store cannot be read.
    """
    doc_graph = settings.document_graph(slug)
    if doc_graph not in store.graphs():
        known = ", ".join(document_slugs(store, settings)) or "none"
        raise NotFound(f"no document {slug!r} in the store (documents: {known})")
    g = Graph().parse(data=store.dump("ntriples", graph=doc_graph).decode("utf-8"), format="nt")
    if settings.reference_graph in store.graphs():
        rows = store.query(_REFERENCE_NEEDED, default_graph=[doc_graph],
                           named_graphs=[settings.reference_graph])
        ontology = ontology if ontology is not None else store_ontology(store, settings)
        for t in reference_subset(g, rows, ontology):
            g.add(t)
    return g


def reason_over_store(store, settings, slugs: list[str] | None = None) -> list[ReasoningReport]:
    """Reason over each document of the store (or the given slugs), one at a time.

    Raises :class:`ReasonerUnavailable`, :class:`ReasonerError`, :class:`itukg.errors.NotFound`
    (unknown slug) or :class:`itukg.errors.StoreError`.
    """
    java_executable()
    ontology = store_ontology(store, settings)
    slugs = slugs if slugs else document_slugs(store, settings)
    if not slugs:
        raise NotFound("the store holds no documents; run itukg build")
    return [reason(store_document_graph(store, settings, s, ontology), ontology, label=s) for s in slugs]


def graph_from_files(paths: Iterable[str | os.PathLike[str]]) -> Graph:
    """Parse RDF files (format from the file name) into one rdflib graph.

    Raises :class:`itukg.errors.DataError` naming the file when one cannot be read or parsed.
    """
    from rdflib.util import guess_format

    from itukg.errors import DataError

    g = Graph()
    for path in paths:
        p = Path(path)
        fmt = guess_format(p.name) or "turtle"
        try:
            g.parse(p, format=fmt)
        except FileNotFoundError as exc:
            raise DataError("file not found", source=str(p)) from exc
        except Exception as exc:  # rdflib raises several parser exception types
            raise DataError(f"cannot parse as {fmt}: {exc}", source=str(p)) from exc
    return g
