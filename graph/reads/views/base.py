"""The pages' reads, part one: plumbing, labels, documents, outputs and reference resources.

Every query is a file under ``queries/reads/pages/`` and takes its values through the store's
``bindings`` (never pasted into the query text); it reads the model of ``docs/model.md`` only.
Nothing here knows the corpus: codes, goals and lines all come from the graph.

All methods raise :class:`itukg.errors.StoreError` / :class:`itukg.errors.QueryError` as the store
does; none raises for an IRI that is not in the graph (they return empty results).
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import quote

from rdflib import URIRef
from rdflib.term import Identifier, Literal

from itukg.graph.ontology import IKG_NS as IKG
from itukg.graph.ontology import SDGO_NS as SDGO
from itukg.graph.reads.codes import code_key
from itukg.graph.reads.common import as_int
from itukg.graph.reads.sparql import read_query
from itukg.graph.reads.text import Text, choose, local_name, text_of
from itukg.graph.reads.views.models import LINK_KINDS, Document, LineRef, Node
from itukg.graph.store import SelectResult, Store


def _s(t: Identifier | None) -> str:
    return "" if t is None else str(t)


class Reads:
    """The pages' reads for one request: a store, the base IRI and the interface language.

    Labels are cached for the life of the object (one request)."""

    def __init__(self, store: Store, base_iri: str, lang: str = "en"):
        self.store = store
        self.base = base_iri
        self.lang = lang
        self._labels: dict[str, list[tuple[str, Text]]] = {}
        self._docs: list[Document] | None = None
        self._res_re = re.compile(re.escape(base_iri + "id/resolution/") + r"([a-z]+)/([^/]+)$")
        self._line_re = re.compile(re.escape(base_iri + "id/doc/") + r"([^/]+)/line/(\d+)$")

    # -- plumbing ---------------------------------------------------------------------------
    def _select(self, name: str, **bindings: Identifier) -> list[dict[str, Identifier]]:
        """Rows of the internal query ``name`` (``queries/reads/pages/{name}.rq`` for a bare
        name, else ``queries/reads/{name}.rq``) with ``bindings``."""
        res = self.store.query(read_query(name if "/" in name else "pages/" + name),
                               bindings=bindings or None)
        if not isinstance(res, SelectResult):  # pragma: no cover - our queries are SELECTs
            raise TypeError("expected a SELECT result")
        return res.dicts()

    def href(self, iri: str) -> str:
        """Where a browser sees a resource: its own IRI path when minted under the base (the
        linked-data view), else the generic resource page."""
        if iri.startswith(self.base) and not iri.startswith(self.base + "graph/"):
            return "/" + iri[len(self.base):]
        return "/resource?iri=" + quote(iri, safe="")

    def line_ref(self, line_iri: str, number: Identifier | None = None, text: Identifier | None = None,
                 section: Identifier | None = None) -> LineRef | None:
        """A :class:`LineRef` from a source-line IRI (``D/line/N``); ``None`` for anything else."""
        m = self._line_re.match(line_iri)
        if not m:
            return None
        n = as_int(number) if number is not None else int(m[2])
        return LineRef(line_iri, m[1], n if n is not None else int(m[2]), _s(text), _s(section))

    def slug_of(self, doc_iri: str) -> str:
        p = self.base + "id/doc/"
        return doc_iri[len(p):].split("/")[0] if doc_iri.startswith(p) else local_name(doc_iri)


    # -- labels -----------------------------------------------------------------------------
    def _label_rows(self, iri: str) -> list[tuple[str, Text]]:
        if iri not in self._labels:
            rows = self._select("labels", x=URIRef(iri))
            self._labels[iri] = [(str(r["p"]), text_of(r["l"])) for r in rows if isinstance(r["l"], Literal)]
        return self._labels[iri]

    def _pick(self, iri: str, *props: str) -> Text | None:
        rows = self._label_rows(iri)
        for p in props:
            t = choose([t for q, t in rows if q == p], self.lang)
            if t:
                return t
        return None

    def code(self, iri: str) -> str:
        t = self._pick(iri, IKG + "code", "http://www.w3.org/2004/02/skos/core#notation",
                       "http://purl.org/dc/terms/identifier")
        return t.value if t else ""

    def title(self, iri: str) -> Text | None:
        return self._pick(iri, "http://www.w3.org/2000/01/rdf-schema#label",
                          "http://www.w3.org/2004/02/skos/core#prefLabel",
                          "http://purl.org/dc/terms/title", IKG + "shortTitle")

    def short(self, iri: str) -> Text | None:
        """A goal's short name (``skos:altLabel``), falling back to its title."""
        return self._pick(iri, "http://www.w3.org/2004/02/skos/core#altLabel") or self.title(iri)

    def node(self, iri: str, kind: str = "other") -> Node:
        code = self.code(iri)
        if kind == "goal":
            return Node(iri, kind, code or local_name(iri), self.short(iri))
        if kind == "target":
            return Node(iri, kind, code or local_name(iri), self.title(iri))
        if kind == "resolution" or self._res_re.match(iri):
            m = self._res_re.match(iri)
            title = self._pick(iri, "http://purl.org/dc/terms/title")
            if m:
                return Node(iri, "resolution", f"{m[1].upper()} {m[2].replace('-', '/')}", title)
        title = self.title(iri)
        return Node(iri, kind, code or (title.value if title else local_name(iri)), title)

    def display(self, iri: str) -> Text:
        """One short human name for any IRI (code and label), never empty."""
        code = self.code(iri)
        title = self.title(iri)
        if code and title and title.value != code:
            return Text(f"{code} · {title.value}", title.lang)
        if title:
            return title
        return Text(code or local_name(iri))

    # -- documents and outputs ---------------------------------------------------------------
    def documents(self) -> list[Document]:
        if self._docs is None:
            rows = self._select("documents/documents")
            docs: dict[str, Document] = {}
            for r in rows:
                iri = str(r["document"])
                if iri in docs:
                    continue
                docs[iri] = Document(iri, self.slug_of(iri), _s(r.get("identifier")) or self.slug_of(iri),
                                     _s(r.get("language")), text_of(r.get("title")), _s(r.get("file")),
                                     as_int(r.get("lineCount")))
            self._docs = sorted(docs.values(), key=lambda d: (d.identifier, d.language, d.slug))
        return self._docs

    def document_by_slug(self, slug: str) -> Document | None:
        return next((d for d in self.documents() if d.slug == slug), None)

    def doc_lang(self, slug: str) -> str:
        """The short language code of a document (``zh``), for ``lang`` attributes."""
        d = self.document_by_slug(slug)
        if d and d.language:
            return d.language.split("-")[0].lower()
        return slug.rsplit("-", 1)[-1] if "-" in slug else ""

    def outputs(self, document: str | None = None) -> list[Node]:
        """Every output (optionally of one document IRI), sorted by document and code."""
        rows = self._select("outputs-of-document", doc=URIRef(document)) if document else self._select("outputs")
        docs = self.documents()
        twice = {d.identifier for d in docs if sum(e.identifier == d.identifier for e in docs) > 1}
        ids = {d.iri: f"{d.identifier} ({d.language})" if d.identifier in twice else d.identifier for d in docs}
        several = len(self.documents()) > 1
        titles: dict[str, list[Text]] = defaultdict(list)
        meta: dict[str, tuple[str, str]] = {}
        for r in rows:
            o = str(r["o"])
            meta[o] = (_s(r.get("code")) or local_name(o), ids.get(_s(r.get("doc")), "") if several else "")
            if r.get("l") is not None:
                titles[o].append(text_of(r["l"]))
        return sorted((Node(o, "output", c, choose(titles[o], self.lang), d) for o, (c, d) in meta.items()),
                      key=lambda n: n.sort_key)

    def link_counts(self) -> dict[str, int]:
        """Number of asserted links per formal kind (``mandatedBy`` ...), counted on the
        provenance nodes (one query per kind: each is an index lookup)."""
        out = {}
        for kind in LINK_KINDS:
            rows = self._select("link-count", p=URIRef(IKG + kind))
            out[kind] = as_int(rows[0]["n"]) if rows else 0
        return out

    def class_counts(self) -> dict[str, int]:
        rows = self._select("class-counts")
        return {local_name(str(r["c"])): as_int(r["n"]) or 0 for r in rows}

    # -- reference ---------------------------------------------------------------------------
    def goals(self) -> list[Node]:
        rows = self._select("goals")
        self._prefetch_labels(SDGO + "Goal")
        self._known(str(r["g"]) for r in rows)
        return sorted((self.node(str(r["g"]), "goal") for r in rows), key=lambda n: code_key(n.code))

    def targets_of(self, goal: str) -> list[Node]:
        rows = self._select("targets-of-goal", g=URIRef(goal))
        return sorted((self.node(str(r["t"]), "target") for r in rows), key=lambda n: code_key(n.code))

    def goal_of(self, target: str) -> str:
        """The goal IRI of a target IRI (``""`` when unknown)."""
        rows = self._select("targets-of-goal", t=URIRef(target))
        return str(rows[0]["g"]) if rows else ""

    def served_targets(self) -> list[Node]:
        """The SDG targets some output serves (for the trace picker), by code."""
        rows = self._select("served-targets")
        self._prefetch_labels(SDGO + "Target")
        self._known(str(r["t"]) for r in rows)
        return sorted((self.node(str(r["t"]), "target") for r in rows), key=lambda n: code_key(n.code))

    def _known(self, iris) -> None:
        """Resources whose labels were prefetched: none found means none exist."""
        for iri in iris:
            self._labels.setdefault(iri, [])

    def _prefetch_labels(self, cls: str) -> None:
        """Fill the label cache, in one query instead of one per resource, for every resource
        of the class ``cls`` (an IRI)."""
        rows = self._select("labels-of-class", **{"class": URIRef(cls)})
        found: dict[str, list[tuple[str, Text]]] = defaultdict(list)
        for r in rows:
            if isinstance(r["l"], Literal):
                found[str(r["x"])].append((str(r["p"]), text_of(r["l"])))
        for iri, labels in found.items():
            self._labels.setdefault(iri, labels)

    def wsis_lines(self) -> list[Node]:
        rows = self._select("wsis-lines")
        self._prefetch_labels(IKG + "WSISActionLine")
        self._known(str(r["w"]) for r in rows)
        return sorted((self.node(str(r["w"]), "wsis") for r in rows), key=lambda n: code_key(n.code))

    def kind_of(self, iri: str) -> str:
        rows = self._select("types", x=URIRef(iri))
        types = {str(r["c"]) for r in rows}
        for cls, kind in ((IKG + "Output", "output"), (IKG + "Resolution", "resolution"),
                          (SDGO + "Target", "target"), (SDGO + "Goal", "goal"),
                          (IKG + "WSISActionLine", "wsis"), (IKG + "PlanningDocument", "document")):
            if cls in types:
                return kind
        return "other" if types or self._label_rows(iri) else ""

    def resolutions(self) -> list[Node]:
        """Every resolution, named by its IRI (``WTDC 16``), without titles: fetching titles
        for all of them is the slow part on a large store (their triples repeat in every
        document graph), and the picker needs only the names."""
        rows = self._select("resolutions")
        out = []
        for r in rows:
            iri = str(r["r"])
            m = self._res_re.match(iri)
            out.append(Node(iri, "resolution", f"{m[1].upper()} {m[2].replace('-', '/')}" if m else local_name(iri)))
        return sorted(out, key=lambda n: code_key(n.code))
