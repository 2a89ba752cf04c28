"""Running HermiT (through owlready2, on Java) over rdflib graphs: the report, the inferred facts."""

from __future__ import annotations

import io
import shutil
from collections import Counter
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import OWL, RDF, BNode, Graph, URIRef
from rdflib.term import Node

from itukg.errors import ItukgError
from itukg.graph.reasoning.entailed import withheld
from itukg.graph.reasoning.explain import _n3, _namespaces, _plain, explain
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
    #: Asserted facts the ontology entails and HermiT derived again when they were left out of
    #: its input (:mod:`.entailed`): the axioms at work on data that already states them.
    rederived: Graph = field(default_factory=Graph)
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
                 f"{len(self.inferred)} inferred facts (new); {len(self.rederived)} asserted facts "
                 f"the ontology entails (derived again)"]
        nm = _namespaces()
        for title, g in (("inferred (new)", self.inferred), ("entailed and also asserted", self.rederived)):
            if len(g):
                per = Counter(_n3(p, nm) for _, p, _ in g)
                lines.append(f" {title}: " + ", ".join(f"{n} {p}" for p, n in per.most_common()))
            for s, p, o in sorted(g, key=lambda t: (str(t[1]), str(t[0]), str(t[2]))):
                lines.append(f"  {_n3(s, nm)} {_n3(p, nm)} {_n3(o, nm)}")
        return "\n".join(lines)

    def entailed(self) -> Graph:
        """Every fact HermiT derived: the new ones and the re-derived asserted ones."""
        out = Graph()
        for prefix, ns in self.inferred.namespaces():
            out.bind(prefix, ns)
        for t in self.inferred:
            out.add(t)
        for t in self.rederived:
            out.add(t)
        return out






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
    # asserted facts the axioms entail are left out, so HermiT derives them again (.entailed)
    held = withheld(merged, ontology)
    given = Graph()
    for t in merged:
        if t not in held:
            given.add(t)
    started = time.perf_counter()

    world = World()
    try:
        try:
            world.get_ontology(_INPUT_ONTOLOGY).load(fileobj=io.BytesIO(_payload(given)), format="ntriples")
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
        inferred, rederived = _inferred_facts(out.getvalue(), asserted, ontology, _normalised_set(held))
    finally:
        world.close()
    return ReasoningReport(
        consistent=True,
        inferred=inferred,
        rederived=rederived,
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




def _normalised(g: Graph) -> set[tuple[Node, Node, Node]]:
    return _normalised_set(g)


def _normalised_set(triples) -> set[tuple[Node, Node, Node]]:
    return {(s, p, _plain(o)) for s, p, o in triples if not isinstance(s, BNode) and not isinstance(o, BNode)}


def _facts_graph() -> Graph:
    g = Graph()
    g.bind("ikg", str(IKG._NS))
    g.bind("sdgo", str(SDGO._NS))
    return g


def _inferred_facts(ntriples: bytes, asserted: set, ontology: Graph, held: set) -> tuple[Graph, Graph]:
    """``(new facts, re-derived withheld facts)`` from HermiT's output ontology."""
    schema_terms = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    raw = Graph().parse(data=ntriples.decode("utf-8"), format="nt")
    out, again = _facts_graph(), _facts_graph()
    for s, p, o in raw:
        if isinstance(s, BNode) or isinstance(o, BNode) or s in schema_terms:
            continue
        if str(s) in (_INFERRED_ONTOLOGY, _INPUT_ONTOLOGY):
            continue
        if p == RDF.type and (o in _IGNORED_TYPES or str(o).startswith(str(OWL))):
            continue
        if (s, p, _plain(o)) in held:
            again.add((s, p, o))
            continue
        if (s, p, _plain(o)) in asserted:
            continue
        out.add((s, p, o))
    return out, again


