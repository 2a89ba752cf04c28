"""The reference vocabularies as RDF: the ``B graph/reference`` part of docs/model.md.

Built from the data files under ``graph/mapping/reference/`` (their origin and licence are in
``graph/mapping/reference/SOURCES.md`` and, machine-readable, in ``graph/mapping/reference/sources.csv``),
one builder module beside its data (docs/reference-data.md):

- :mod:`.sdg`: SDG goals (17), targets (169) and indicators on UN SDG KOS IRIs (``sdg:9``,
  ``sdg:9.c``, ``sdg:C090c01``), texts in every language ``sources.csv`` lists for open-sdg;
- :mod:`.wsis`: WSIS action lines C1..C11 and the C7 sub-lines;
- :mod:`.itu`: PP and WTDC conferences, PP and WTDC resolutions and revisions, ITU-D regions;
- :mod:`.programmes`: UN programmes, the UNGA resolutions that adopted some of them, and the
  UN conferences (not ITU ones) the documents name;
- :mod:`.countries`: country groups and countries (M49);
- :mod:`.sources`: reading the files, and the provenance of the data set (a node per source
  file; every vocabulary resource is ``prov:wasDerivedFrom`` its source files);
- :mod:`.text`: load-time cleaning and the label languages of a table; :mod:`.ntriples`.

Cleaning happens at load time and is documented in docs/reference-data.md: exact corrections
listed in ``sdg/corrections.csv``, ASCII ``, ; :`` next to Chinese text made full-width,
surrounding white space trimmed. Labels come in the languages the data has (``label_<lang>``
columns, one open-sdg folder per language): no builder names a language.

The output is deterministic: :func:`reference_ntriples` returns the same bytes on every run (sorted
N-Triples lines).
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

from itukg.graph.mapping.reference.countries import countries
from itukg.graph.mapping.reference.itu import conferences, regions, resolutions
from itukg.graph.mapping.reference.ntriples import nt_term
from itukg.graph.mapping.reference.programmes import (
    programme_key,
    programmes,
    un_conferences,
    unga_resolutions,
)
from itukg.graph.mapping.reference.sdg import (
    SDG_KOS_CODES,
    SDG_SCHEME,
    extract_kos_codes,
    sdg,
    write_kos_codes,
)
from itukg.graph.mapping.reference.sources import Builder, Triple, provenance
from itukg.graph.mapping.reference.text import CJK_CHAR, full_width_punctuation, lang_columns
from itukg.graph.mapping.reference.wsis import wsis

__all__ = [
    "CJK_CHAR",
    "REFERENCE_DIR",
    "SDG_SCHEME",
    "extract_kos_codes",
    "full_width_punctuation",
    "lang_columns",
    "programme_key",
    "reference_ntriples",
    "reference_triples",
    "write_kos_codes",
]

REFERENCE_DIR = Path(__file__).resolve().parent
"""The folder holding the reference data files (``graph/mapping/reference/``); read at build
time, so tests can point it at a copy."""


def _check_base(base_iri: str) -> None:
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+/", base_iri):
        raise ValueError(f"base IRI must be an http(s) IRI ending with '/': {base_iri!r}")


@lru_cache(maxsize=4)
def _build(base_iri: str) -> tuple[Triple, ...]:
    _check_base(base_iri)
    g = Builder(base_iri, REFERENCE_DIR)
    sdg(g)
    wsis(g)
    confs = conferences(g)
    resolutions(g, confs)
    progs = programmes(g)
    unga_resolutions(g, progs)
    un_conferences(g)
    regions(g)
    countries(g)
    provenance(g)  # last: it checks every file used above has a row in sources.csv
    return tuple(sorted(g.triples, key=_sort_key))


def _sort_key(t: Triple) -> tuple[str, str, str]:
    return (nt_term(t[0]), nt_term(t[1]), nt_term(t[2]))


def reference_triples(base_iri: str) -> list[Triple]:
    """The reference graph as a sorted list of ``(subject, predicate, object)`` rdflib terms.

    ``base_iri`` is the data base IRI ``B`` (``https://w3id.org/itukg/`` by default), ending in
    ``/``. The result is cached per base IRI; each call returns a new list.

    Raises ``ValueError`` on a malformed base IRI and :class:`itukg.errors.DataError` (with the
    file and line) when a reference data file is missing or malformed.
    """
    return list(_build(base_iri))


def reference_ntriples(base_iri: str) -> bytes:
    """The reference graph as N-Triples (UTF-8), one triple per line, lines sorted.

    Deterministic: the same data files and base IRI give the same bytes on every run.
    Raises what :func:`reference_triples` raises.
    """
    lines = [f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in _build(base_iri)]
    return "".join(lines).encode("utf-8")


def _main(argv: list[str]) -> int:
    """``python -m itukg.graph.mapping.reference extract-kos DUMP.ttl [OUT.csv]``, ``ntriples [BASE]``
    or ``label-coverage [--update FILE.md]`` (the table of labels per language)."""
    if len(argv) >= 2 and argv[0] == "extract-kos":
        out = Path(argv[2]) if len(argv) > 2 else REFERENCE_DIR / SDG_KOS_CODES
        rows = extract_kos_codes(Path(argv[1]))
        write_kos_codes(rows, out)
        print(f"{len(rows)} codes written to {out}", file=sys.stderr)
        return 0
    if argv and argv[0] == "label-coverage":
        return _label_coverage(argv[1:])
    if argv and argv[0] == "ntriples":
        base = argv[1] if len(argv) > 1 else "https://w3id.org/itukg/"
        sys.stdout.buffer.write(reference_ntriples(base))
        return 0
    print(_main.__doc__, file=sys.stderr)
    return 2


def _label_coverage(argv: list[str]) -> int:
    """Print the label-coverage table, or write it between the markers of a Markdown file."""
    from itukg.graph.mapping.reference.coverage import coverage_markdown, label_coverage, replace_block

    table = coverage_markdown(label_coverage(reference_triples("https://w3id.org/itukg/")))
    if argv[:1] == ["--update"] and len(argv) == 2:
        path = Path(argv[1])
        path.write_text(replace_block(path.read_text(encoding="utf-8"), table), encoding="utf-8")
        return 0
    sys.stdout.write(table)
    return 0
