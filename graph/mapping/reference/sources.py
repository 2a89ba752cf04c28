"""Reading the reference data files, collecting triples, and the provenance of the data set.

Every builder reads its files through a :class:`Builder`, which knows the data folder (a
parameter, so tests can build from a copy), collects the triples and remembers which files each
resource derives from; :func:`provenance` then describes those files from ``sources.csv`` and
``licences.csv`` and fails on a file used without a row there.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD

from itukg.errors import DataError

# Source files, relative to the reference folder (each one has a row in sources.csv).
SOURCES_CSV = "sources.csv"
LICENCES_CSV = "licences.csv"

Triple = tuple[URIRef, URIRef, URIRef | Literal]


def where(rel: str) -> str:
    """A data file as error messages name it."""
    return f"graph/mapping/reference/{rel}"


@dataclass
class Row:
    """One CSV row with its file and line number (for error messages)."""

    path: str
    line: int
    data: dict[str, str]

    def __getitem__(self, key: str) -> str:
        try:
            value = self.data[key]
        except KeyError:
            raise self.error(f"missing column {key!r}") from None
        return (value or "").strip()

    def error(self, message: str) -> DataError:
        return DataError(message, source=where(self.path), line=self.line)


def read_csv(root: Path, rel: str, required: Iterable[str] = ()) -> list[Row]:
    """Read ``root/rel`` as UTF-8 CSV with a header row.

    Raises :class:`DataError` (file and line) if the file is missing, undecodable, or lacks one of
    the ``required`` columns.
    """
    try:
        with (root / rel).open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise DataError(f"missing column(s) {', '.join(missing)}", source=where(rel),
                                line=1)
            rows = []
            for rec in reader:
                if None in rec:  # more cells than header columns
                    raise DataError("row has more cells than the header", source=where(rel),
                                    line=reader.line_num)
                rows.append(Row(rel, reader.line_num, rec))
            return rows
    except FileNotFoundError:
        raise DataError("reference data file is missing", source=where(rel)) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"cannot read CSV: {exc}", source=where(rel)) from None


def read_yaml_map(root: Path, rel: str) -> dict[str, str]:
    """Read an open-sdg translation file (a flat ``key: text`` YAML map).

    Raises :class:`DataError` if the file is missing, not YAML, or not a map of strings.
    """
    try:
        with (root / rel).open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        raise DataError("reference data file is missing", source=where(rel)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(f"not valid YAML: {exc}", source=where(rel),
                        line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise DataError("expected a map of text keys to text values", source=where(rel))
    return data


_URL = re.compile(r"https?://[^\s;,()<>\"]+")


def urls(text: str) -> list[str]:
    """The http(s) URLs written in a free-text sources cell, in order, without duplicates.

    A trailing ``.`` is dropped; a URL written truncated (ending in ``...``) is skipped.
    """
    out: list[str] = []
    for m in _URL.finditer(text):
        url = m.group(0)
        if url.endswith("..."):
            continue
        url = url.rstrip(".")
        if url not in out:
            out.append(url)
    return out


@dataclass
class Builder:
    """Reads the data files under ``root``, collects triples, and remembers which resources
    derive from which source files."""

    base: str
    root: Path
    triples: set[Triple] = field(default_factory=set)
    used_sources: set[str] = field(default_factory=set)

    def csv(self, rel: str, required: Iterable[str] = ()) -> list[Row]:
        """:func:`read_csv` of a file of this data folder."""
        return read_csv(self.root, rel, required)

    def yaml_map(self, rel: str) -> dict[str, str]:
        """:func:`read_yaml_map` of a file of this data folder."""
        return read_yaml_map(self.root, rel)

    def iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.triples.add((s, p, o))

    def label(self, s: URIRef, p: URIRef, text: str, lang: str) -> None:
        if text:
            self.add(s, p, Literal(text, lang=lang))

    def labels(self, s: URIRef, p: URIRef, row: Row, columns: list[tuple[str, str]]) -> None:
        """A label per ``(lang, column)`` of :func:`~.text.lang_columns` that the row fills."""
        for lang, col in columns:
            self.label(s, p, row[col], lang)

    def derived(self, s: URIRef, *sources: str) -> None:
        for rel in sources:
            self.used_sources.add(rel)
            self.add(s, PROV.wasDerivedFrom, self.source_iri(rel))

    def source_iri(self, rel: str) -> URIRef:
        return self.iri("id/reference/source/" + rel)

    def row_sources(self, s: URIRef, *cells: str) -> None:
        for cell in cells:
            for url in urls(cell):
                self.add(s, DCTERMS.source, URIRef(url))


def int_cell(row: Row, col: str) -> int:
    """The cell as a whole number. Raises :class:`DataError` otherwise."""
    value = row[col]
    if not re.fullmatch(r"\d+", value):
        raise row.error(f"column {col!r}: expected a whole number, got {value!r}")
    return int(value)


def date_cell(row: Row, col: str) -> Literal | None:
    """The cell as an ``xsd:date`` (None when empty). Raises :class:`DataError` otherwise."""
    value = row[col]
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise row.error(f"column {col!r}: expected a date YYYY-MM-DD, got {value!r}")
    return Literal(value, datatype=XSD.date)


def _licences(g: Builder) -> dict[str, URIRef]:
    licences: dict[str, URIRef] = {}
    for row in g.csv(LICENCES_CSV, ("key", "iri", "label", "statement")):
        iri = URIRef(row["iri"]) if row["iri"] else g.iri(f"id/reference/licence/{row['key']}")
        licences[row["key"]] = iri
        g.add(iri, RDF.type, DCTERMS.LicenseDocument)
        g.label(iri, RDFS.label, row["label"], "en")
        g.label(iri, DCTERMS.description, row["statement"], "en")
    return licences


def provenance(g: Builder) -> None:
    """The data set node and one node per source file, with licence and upstream.

    Raises :class:`DataError` for a listed file that does not exist, an unknown licence, or a
    file some resource derives from that ``sources.csv`` does not list.
    """
    licences = _licences(g)
    dataset = g.iri("id/reference")
    g.add(dataset, RDF.type, PROV.Entity)
    g.add(dataset, RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset"))
    g.label(dataset, DCTERMS.title, "itukg reference vocabularies", "en")
    g.label(dataset, DCTERMS.description,
            "SDG goals, targets and indicators; WSIS action lines; ITU conferences and resolutions; "
            "UN programmes; ITU-D regions; country groups and countries. Built from the files "
            "under graph/mapping/reference/ (see graph/mapping/reference/SOURCES.md).", "en")
    listed = set()
    for row in g.csv(SOURCES_CSV, ("path", "title", "upstream", "version", "licence",
                                   "rights", "citation")):
        rel = row["path"]
        if not (g.root / rel).is_file():
            raise row.error(f"source file {rel} does not exist under graph/mapping/reference/")
        if row["licence"] not in licences:
            raise row.error(f"licence {row['licence']!r} is not in {LICENCES_CSV}")
        listed.add(rel)
        s = g.source_iri(rel)
        g.add(s, RDF.type, PROV.Entity)
        g.add(dataset, DCTERMS.source, s)
        g.add(s, DCTERMS.isPartOf, dataset)
        g.add(s, DCTERMS.identifier, Literal(rel))
        g.label(s, DCTERMS.title, row["title"], "en")
        g.add(s, DCTERMS.license, licences[row["licence"]])
        for url in urls(row["upstream"]):
            g.add(s, DCTERMS.source, URIRef(url))
        g.label(s, DCTERMS.rights, row["rights"], "en")
        g.label(s, DCTERMS.bibliographicCitation, row["citation"], "en")
        if row["version"]:
            g.add(s, OWL.versionInfo, Literal(row["version"]))
    unlisted = g.used_sources - listed
    if unlisted:
        raise DataError(f"data files used without a row in {SOURCES_CSV}: "
                        f"{', '.join(sorted(unlisted))}", source=where(SOURCES_CSV))
