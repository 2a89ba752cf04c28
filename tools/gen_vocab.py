"""Generate ``graph/vocab.py`` (the closed namespace classes) from ``ontology/itukg.ttl``.

The ontology is the one hand-edited source; this module turns its declared terms into rdflib
``DefinedNamespace`` classes (``_fail = True``: a typo in a term is an error, not a new IRI), in the
manner of rdflib's ``tools/defined_namespace_creator.py``.

Usage::

    python tools/gen_vocab.py            # write graph/vocab.py
    python tools/gen_vocab.py --check    # exit 1 if graph/vocab.py is not up to date
    python tools/gen_vocab.py --stdout   # print it

Exit status: 0 written / up to date, 1 out of date (``--check``), 2 the ontology cannot be read.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from rdflib import OWL, RDF, Graph, URIRef

from itukg.errors import DataError

from itukg.graph.ontology import IKG_NS, SDG_NS, SDGO_NS, load_ontology, ontology_path  # noqa: F401

VOCAB_PATH = Path(__file__).resolve().parents[1] / "graph" / "vocab.py"

# Kinds of declaration, in the order the generated class lists them.
_KINDS: list[tuple[str, URIRef]] = [
    ("classes", OWL.Class),
    ("individuals", OWL.NamedIndividual),
    ("object properties", OWL.ObjectProperty),
    ("datatype properties", OWL.DatatypeProperty),
    ("annotation properties", OWL.AnnotationProperty),
]

_HEADER = '''\
"""The itukg ontology namespace as a closed vocabulary.

A typo in a term is an AttributeError, not a new IRI (``DefinedNamespace`` with ``_fail = True``).
GENERATED from ``ontology/itukg.ttl`` by ``python tools/gen_vocab.py``: do not edit by hand.
To add a term, declare it in the ontology (with en/zh labels and definitions) and regenerate;
``tests/mapping/test_ontology.py`` regenerates this module and diffs it against the committed file.
"""

# fmt: off
# ruff: noqa

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace
'''


def declared_terms(graph: Graph, namespace: str) -> dict[str, list[str]]:
    """Local names of the terms ``graph`` declares in ``namespace``, per kind, sorted.

    A term declared with two kinds (e.g. an individual typed with its class and
    ``owl:NamedIndividual``) is listed under the first kind in :data:`_KINDS` order.
    """
    seen: set[str] = set()
    out: dict[str, list[str]] = {}
    for label, kind in _KINDS:
        names = []
        for s in graph.subjects(RDF.type, kind):
            if isinstance(s, URIRef) and str(s).startswith(namespace):
                name = str(s)[len(namespace):]
                if name and name.isidentifier() and name not in seen:
                    names.append(name)
        names = sorted(set(names))
        seen.update(names)
        if names:
            out[label] = names
    return out


def _class_body(groups: dict[str, list[str]]) -> list[str]:
    lines: list[str] = []
    for label, names in groups.items():
        lines.append("")
        lines.append(f"    # {label}")
        lines.extend(f"    {n}: URIRef" for n in names)
    return lines


def render(graph: Graph) -> str:
    """The text of ``graph/vocab.py`` for the ontology ``graph``.

    Raises :class:`itukg.errors.DataError` when the ontology declares no ikg: or sdgo: terms.
    """
    ikg = declared_terms(graph, IKG_NS)
    sdgo = declared_terms(graph, SDGO_NS)
    if not ikg or not sdgo:
        raise DataError("the ontology declares no ikg: or no sdgo: terms")
    lines = [_HEADER, "", "class IKG(DefinedNamespace):",
             '    """Terms of the itukg ontology (https://w3id.org/itukg/ontology)."""', "",
             "    _fail = True", f'    _NS = Namespace("{IKG_NS}")']
    lines += _class_body(ikg)
    lines += ["", "", f'SDG = Namespace("{SDG_NS}")',
              '"""UN SDG KOS resources: goals ``SDG["9"]``, targets ``SDG["9.c"]``, indicators."""',
              "", "", "class SDGO(DefinedNamespace):",
              '    """The UN SDG KOS ontology terms itukg uses (re-declared in the itukg ontology)."""',
              "", "    _fail = True", f'    _NS = Namespace("{SDGO_NS}")']
    lines += _class_body(sdgo)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/gen_vocab.py", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if graph/vocab.py differs")
    parser.add_argument("--stdout", action="store_true", help="print instead of writing")
    parser.add_argument("--ontology", type=Path, default=None, help="ontology file (default: bundled)")
    args = parser.parse_args(argv)
    try:
        text = render(load_ontology(args.ontology))
    except DataError as exc:
        print(f"gen_vocab: error: {exc}", file=sys.stderr)
        return 2
    if args.stdout:
        sys.stdout.write(text)
        return 0
    current = VOCAB_PATH.read_text(encoding="utf-8") if VOCAB_PATH.exists() else ""
    if args.check:
        if current == text:
            print(f"{VOCAB_PATH} is up to date")
            return 0
        sys.stdout.writelines(difflib.unified_diff(
            current.splitlines(True), text.splitlines(True), "vocab.py (committed)", "vocab.py (generated)"))
        print(f"{VOCAB_PATH} is out of date: run python tools/gen_vocab.py", file=sys.stderr)
        return 1
    VOCAB_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {VOCAB_PATH}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
