"""Map a :class:`~itukg.graph.records.ParsedDocument` to RDF, exactly as ``docs/model.md`` says.

The hot path writes N-Triples text directly (no rdflib Graph): :func:`document_ntriples`.
:func:`document_triples` gives the same triples as rdflib terms, for tests and small callers.

IRIs are derived from content keys only (document slug, codes, line numbers, region keys), so a
rebuild mints the same IRIs. Every document-scoped resource has ``ikg:inDocument`` and
``prov:wasDerivedFrom`` its source line(s); every asserted link ``s p o`` between resources gets an
``ikg:LinkAssertion`` node ``D/link/{sha1("s p o")[:16]}`` with ``rdf:subject/predicate/object``,
``ikg:asWritten`` and ``prov:wasDerivedFrom`` the line(s) that state it. Source lines that something
derives from are emitted as ``ikg:SourceLine`` with number, raw text and section key.

(About 450 lines: one writer class walks the document in the order of docs/model.md, one method
per part; the term formatting lives in :mod:`.terms`.)
"""

from __future__ import annotations

import hashlib

from itukg.graph.documents.identity import Identity
from itukg.graph.records import (
    Citation,
    ConferenceMention,
    CountryGroupMention,
    DateMention,
    ParsedDocument,
    ProgrammeMention,
    UNConferenceMention,
    TextBlock,
)
from itukg.graph.mapping.amendments import amendment_triples
from itukg.graph.mapping.terms import (
    BAD_IRI,
    BODY_INDIVIDUAL,
    IKG_NS,
    SDG_NS,
    P,
    boolean,
    date_literal,
    integer,
    quoted,
)


class _Emitter:
    """Writes N-Triples lines. Subjects and IRI objects are passed bare (``https://...``),
    predicates as ``<...>`` (the P table); literals are formatted by :func:`~.terms.quoted`,
    :func:`~.terms.integer`, :func:`~.terms.boolean`."""

    def __init__(self, doc: ParsedDocument, base_iri: str):
        if not base_iri.endswith("/") or BAD_IRI.search(base_iri):
            raise ValueError(f"invalid base IRI {base_iri!r} (must end with '/', no spaces)")
        self.doc = doc
        self.B = base_iri
        self.D = f"{base_iri}id/doc/{doc.slug}"
        self.lang = doc.language
        self.out: list[str] = []
        self.lang_suffix = f"@{doc.language}"
        self.used_lines: set[int] = set()
        self.links: dict[str, tuple[str, str, str, list[str], set[int]]] = {}
        self.resolutions: dict[str, str] = {}  # resolution IRI → number as written
        self.questions: dict[str, str] = {}

    # -- primitives --------------------------------------------------------------------------
    def add(self, s: str, p: str, o: str) -> None:
        """``o`` is an IRI (bare)."""
        self.out.append(f"<{s}> {p} <{o}> .\n")

    def lit(self, s: str, p: str, o: str) -> None:
        """``o`` is an already formatted literal."""
        self.out.append(f"<{s}> {p} {o} .\n")

    def text(self, s: str, p: str, value: str | None) -> None:
        if value:
            self.out.append(f"<{s}> {p} {quoted(value)}{self.lang_suffix} .\n")

    def plain(self, s: str, p: str, value: str | None) -> None:
        if value is not None and value != "":
            self.out.append(f"<{s}> {p} {quoted(value)} .\n")

    def line(self, n: int) -> str:
        self.used_lines.add(n)
        return f"{self.D}/line/{n}"

    def scoped(self, s: str, cls: str, lines) -> None:
        """Type a document-scoped resource, with inDocument and wasDerivedFrom its lines."""
        self.out.append(f"<{s}> {P['type']} {P[cls]} .\n")
        self.add(s, P["inDocument"], self.D)
        for n in lines:
            self.add(s, P["derived"], self.line(n))

    def link(self, s: str, p: str, o: str, as_written: str | None, lines,
             about: tuple[str, str] | None = None) -> None:
        """Assert ``s p o`` and record its provenance (one LinkAssertion per distinct triple);
        ``about`` is a further (predicate, object IRI) said of the assertion (the goal a target
        was listed under)."""
        key = f"{s} {p[1:-1]} {o}"
        la = self.links.get(key)
        if la is None:
            self.add(s, p, o)
            la = self.links[key] = (s, p, o, [], set(), [])
        if as_written and as_written not in la[3]:
            la[3].append(as_written)
        la[4].update(lines)
        if about and about not in la[5]:
            la[5].append(about)

    # -- the document ------------------------------------------------------------------------
    def run(self) -> list[str]:
        doc, D = self.doc, self.D
        self.lit(D, P["type"], P["PlanningDocument"])
        self.plain(D, P["identifier"], doc.symbol)
        self.plain(D, P["language"], doc.language)
        self.plain(D, P["marker"], doc.marker)
        self.text(D, P["title"], doc.objective.heading)
        self.plain(D, P["sourceFile"], doc.source)
        self.plain(D, P["sha256"], doc.sha256)
        self.lit(D, P["lineCount"], integer(doc.line_count))
        self.identity()

        obj = f"{D}/objective/{doc.objective.code}"
        self.add(D, P["hasObjective"], obj)
        self.scoped(obj, "SectorObjective", [doc.objective.line])
        self.plain(obj, P["code"], doc.objective.code)
        self.text(obj, P["label"], doc.objective.title)

        outcome_iri: dict[str, str] = {}
        for oc in doc.outcomes:
            s = f"{D}/outcome/{oc.code}"
            outcome_iri[oc.code] = s
            self.add(obj, P["hasOutcome"], s)
            self.scoped(s, "Outcome", oc.lines)
            self.plain(s, P["code"], oc.code)
            self.text(s, P["label"], oc.text)
            self.text(s, P["text"], oc.text)
            self.add(s, P["partOfObjective"], obj)
            for ind in oc.indicators:
                i = f"{s}/indicator/{ind.ordinal}"
                self.link(s, P["hasIndicator"], i, ind.text, ind.lines)
                self.scoped(i, "PerformanceIndicator", ind.lines)
                self.lit(i, P["ordinal"], integer(ind.ordinal))
                self.text(i, P["text"], ind.text)
                self.text(i, P["label"], ind.text)

        for o in doc.outputs:
            self.output(o, obj, outcome_iri)
        for fb in doc.orphan_footnote_blocks:
            self.footnote(fb)
        self.footnote_resources()
        self.finish()
        return self.out

    def identity(self) -> None:
        """The document's work (shared by its revisions and translations) and, for a revision,
        the document it revises (same base symbol, same language) with kind and number. Which
        version is the latest is known only after the build: :mod:`.versions`."""
        doc, D = self.doc, self.D
        base = Identity(doc.base_symbol)
        work = f"{self.B}id/work/{base.work_slug()}"
        self.add(D, P["work"], work)
        self.lit(work, P["type"], P["Work"])
        if doc.revision_kind:
            self.add(D, P["revisesDocument"], f"{self.B}id/doc/{base.slug(doc.language)}")
            self.plain(D, P["revisionKind"], doc.revision_kind)
            self.lit(D, P["revisionNumber"], integer(doc.revision_number or 0))

    def output(self, o, obj: str, outcome_iri: dict[str, str]) -> None:
        """One output and everything its section holds, in the order of the section."""
        D = self.D
        s = f"{D}/output/{o.code}"
        self.add(D, P["hasOutput"], s)
        self.scoped(s, "Output", [n for n in (o.heading_line, o.table_line) if n])
        self.plain(s, P["code"], o.code)
        self.text(s, P["label"], o.title or o.short_title)
        self.text(s, P["shortTitle"], o.short_title)
        self.add(s, P["partOfObjective"], obj)
        if o.code in outcome_iri and o.table_line:
            self.link(s, P["servesOutcome"], outcome_iri[o.code], o.short_title_as_written,
                      [o.table_line])
        for b in o.background:
            bi = f"{s}/background/{b.ordinal}"
            self.add(s, P["hasBackground"], bi)
            self.ordinal_block(bi, "BackgroundParagraph", b)
        if o.project is not None:
            self.project(s, o.project)
        for b in o.regional_intro:
            self.block_refs(None, b)
        for slot in o.regional_slots:
            self.regional_slot(s, slot)
        for q in o.question_slots:
            self.question_slot(s, q)
        self.output_links(s, o)

    def ordinal_block(self, iri: str, cls: str, b: TextBlock) -> None:
        """A numbered text resource (paragraph, activity, initiative) and what it mentions."""
        self.scoped(iri, cls, b.lines)
        self.lit(iri, P["ordinal"], integer(b.ordinal))
        self.text(iri, P["text"], b.text)
        self.block_refs(iri, b)

    def project(self, s: str, p) -> None:
        pi = f"{s}/project"
        self.add(s, P["hasProject"], pi)
        self.scoped(pi, "Project", p.lines or ([p.title_line] if p.title_line else []))
        self.text(pi, P["label"], p.title)
        for d in p.descriptions:
            self.text(pi, P["text"], d.text)
            self.block_refs(pi, d)
        for a in p.activities:
            ai = f"{pi}/activity/{a.ordinal}"
            self.add(pi, P["hasActivity"], ai)
            self.ordinal_block(ai, "Activity", a)

    def regional_slot(self, s: str, slot) -> None:
        si = f"{s}/region/{slot.region}"
        lines = [slot.line]
        self.link(s, P["hasRegionalSlot"], si, slot.region_as_written, lines)
        self.scoped(si, "RegionalInitiativeSlot", lines)
        self.link(si, P["region"], f"{self.B}id/region/{slot.region}",
                  slot.region_as_written, lines)
        self.plain(si, P["regionAsWritten"], slot.region_as_written)
        for ini in slot.initiatives:
            ii = f"{si}/initiative/{ini.ordinal}"
            self.link(si, P["holdsInitiative"], ii, ini.text, ini.lines)
            self.ordinal_block(ii, "RegionalInitiative", ini)

    def question_slot(self, s: str, q) -> None:
        qi = f"{s}/question-slot/{q.ordinal}"
        self.link(s, P["hasQuestionSlot"], qi, q.text_as_written, [q.line])
        self.scoped(qi, "QuestionSlot", [q.line])
        self.lit(qi, P["ordinal"], integer(q.ordinal))
        self.plain(qi, P["textAsWritten"], q.text_as_written)
        self.lit(qi, P["isPlaceholder"], boolean(q.is_placeholder))
        if q.is_placeholder:
            self.plain(qi, P["placeholder"], q.text_as_written)
        else:
            qiri = f"{self.B}id/question/{q.code.replace('/', '-')}"
            self.questions[qiri] = q.code
            self.link(qi, P["holdsQuestion"], qiri, q.text_as_written, [q.line])

    def output_links(self, s: str, o) -> None:
        """The output's formal links (resolutions, WSIS, SDG), footnotes and citations."""
        for c in o.formal_citations:
            self.citation(c)
            if c.resolution:
                self.link(s, P["mandatedBy"], self.resolution(c), c.quote, [c.line])
        for fb in o.footnote_blocks:
            self.footnote(fb)
        for c in o.citations():
            self.add(s, P["hasCitation"], self.citation_iri(c))
        for b in o.blocks():
            for m in b.conference_mentions + b.programme_mentions:
                self.add(s, P["hasCitation"], self.mention_iri(m))
        for w in o.wsis:
            self.link(s, P["supportsActionLine"], f"{self.B}id/wsis/{w.value}", w.as_written,
                      [w.line])
        for t in o.targets:
            under = (P["listedUnderGoal"], f"{SDG_NS}{t.listed_under_goal}") \
                if t.listed_under_goal else None
            self.link(s, P["servesTarget"], f"{SDG_NS}{t.value}", t.as_written, [t.line], under)
        for g in o.goals:
            self.link(s, P["servesGoal"], f"{SDG_NS}{g.value}", g.as_written, [g.line])

    # -- citations, mentions, footnotes -------------------------------------------------------
    def citation_iri(self, c: Citation) -> str:
        return f"{self.D}/citation/L{c.line}-{c.n}"

    def mention_iri(self, m) -> str:
        return f"{self.D}/mention/L{m.line}-{m.n}"

    def resolution(self, c: Citation) -> str:
        iri = f"{self.B}id/resolution/{c.resolution}"
        self.resolutions.setdefault(iri, c.number_as_written)
        return iri

    def block_refs(self, holder: str | None, b: TextBlock) -> None:
        """Emit the citations and mentions written in a text block (``holder ikg:mentions``)."""
        for c in b.citations:
            ci = self.citation(c)
            if holder:
                self.add(holder, P["mentions"], ci)
        for m in b.conference_mentions:
            mi = self.conference_mention(m)
            if holder:
                self.add(holder, P["mentions"], mi)
        for m in b.programme_mentions:
            mi = self.programme_mention(m)
            if holder:
                self.add(holder, P["mentions"], mi)
        for m in b.country_group_mentions:
            mi = self.country_group_mention(m)
            if holder:
                self.add(holder, P["mentions"], mi)
        for m in b.date_mentions:
            mi = self.date_mention(m)
            if holder:
                self.add(holder, P["mentions"], mi)
        for m in b.un_conference_mentions:
            mi = self.un_conference_mention(m)
            if holder:
                self.add(holder, P["mentions"], mi)
        if holder:
            for num in b.footnotes:
                f = next((f for f in self.doc.footnotes if f.number == num), None)
                if f is not None:  # a note split off footnote N's body is referenced as N
                    self.link(holder, P["hasFootnote"], f"{self.D}/footnote/{num}",
                              f"[footnoteRef:{f.body_of or num}]", b.lines[:1])

    def citation(self, c: Citation) -> str:
        s = self.citation_iri(c)
        self.scoped(s, "ResolutionCitation", [c.line])
        self.plain(s, P["quote"], c.quote)
        self.add(s, P["citationRole"], IKG_NS + c.role)
        self.plain(s, P["bodyAsWritten"], c.body_as_written)
        if c.body:
            self.add(s, P["body"], IKG_NS + BODY_INDIVIDUAL[c.body])
        self.lit(s, P["bodyImplicit"], boolean(c.body_implicit))
        self.plain(s, P["numberAsWritten"], c.number_as_written)
        if c.number is not None and c.body != "unga":
            self.lit(s, P["resolutionNumber"], integer(c.number))
        if c.year is not None:
            self.lit(s, P["revisionYear"], integer(c.year))
        self.plain(s, P["revisionVenueAsWritten"], c.venue_as_written)
        self.plain(s, P["revisionVenue"], c.venue)
        if c.is_revision is not None:
            self.lit(s, P["isRevision"], boolean(c.is_revision))
        if c.resolution:
            self.link(s, P["citesResolution"], self.resolution(c), c.quote, [c.line])
            self.plain(s, P["resolutionRule"], c.rule)
        if c.conference:
            self.link(s, P["revisionConference"], f"{self.B}id/conference/{c.conference}",
                      c.paren_as_written, [c.line])
        return s

    def conference_mention(self, m: ConferenceMention) -> str:
        s = self.mention_iri(m)
        self.scoped(s, "ConferenceMention", [m.line])
        self.plain(s, P["quote"], m.quote)
        self.plain(s, P["bodyAsWritten"], m.body_as_written)
        self.plain(s, P["venueAsWritten"], m.venue_as_written)
        self.plain(s, P["venue"], m.venue)
        if m.year is not None:
            self.lit(s, P["year"], integer(m.year))
        if m.conference:
            self.link(s, P["mentionsConference"], f"{self.B}id/conference/{m.conference}",
                      m.quote, [m.line])
        return s

    def programme_mention(self, m: ProgrammeMention) -> str:
        s = self.mention_iri(m)
        self.scoped(s, "ProgrammeMention", [m.line])
        self.plain(s, P["quote"], m.quote)
        if m.year_as_written is not None:
            self.lit(s, P["yearAsWritten"], integer(m.year_as_written))
        self.link(s, P["mentionsProgramme"], f"{self.B}id/programme/{m.key}", m.quote, [m.line])
        return s

    def un_conference_mention(self, m: UNConferenceMention) -> str:
        s = self.mention_iri(m)
        self.scoped(s, "UNConferenceMention", [m.line])
        self.plain(s, P["quote"], m.quote)
        self.link(s, P["mentionsUNConference"], f"{self.B}id/un-conference/{m.key}", m.quote,
                  [m.line])
        return s

    def country_group_mention(self, m: CountryGroupMention) -> str:
        s = self.mention_iri(m)
        self.scoped(s, "CountryGroupMention", [m.line])
        self.plain(s, P["quote"], m.quote)
        self.link(s, P["mentionsCountryGroup"], f"{self.B}id/country-group/{m.key}", m.quote,
                  [m.line])
        return s

    def date_mention(self, m: DateMention) -> str:
        s = self.mention_iri(m)
        self.scoped(s, "DateMention", [m.line])
        self.plain(s, P["quote"], m.quote)
        self.lit(s, P["statedDate"], date_literal(m.iso))
        return s

    def footnote(self, b: TextBlock) -> None:
        """Citations and mentions inside footnote ``b.ordinal`` (the footnote mentions them)."""
        self.block_refs(f"{self.D}/footnote/{b.ordinal}", b)

    def footnote_resources(self) -> None:
        for f in self.doc.footnotes:
            s = f"{self.D}/footnote/{f.number}"
            self.scoped(s, "Footnote", f.lines)
            self.lit(s, P["number"], integer(f.number))
            self.text(s, P["text"], f.text)

    # -- closing: resolutions, Questions, link assertions, source lines ----------------------
    def finish(self) -> None:
        for iri, written in self.resolutions.items():
            body = iri[len(self.B) + len("id/resolution/"):].split("/")[0]
            self.lit(iri, P["type"], P["Resolution"])
            self.add(iri, P["body"], IKG_NS + BODY_INDIVIDUAL[body])
            num = iri.rsplit("/", 1)[1]
            if body != "unga" and num.isdigit():
                self.lit(iri, P["resolutionNumber"], integer(int(num)))
        for iri, code in self.questions.items():
            self.lit(iri, P["type"], P["StudyGroupQuestion"])
            self.plain(iri, P["code"], code)
        self.link_assertions()
        amendment_triples(self)  # adds lines (the amendments' own)
        self.source_lines()

    def link_assertions(self) -> None:
        """One ``ikg:LinkAssertion`` per linked triple, with what was written and its lines."""
        out = self.out
        D = self.D
        in_doc = f"{P['inDocument']} <{D}> .\n"
        la_type = f"{P['type']} {P['LinkAssertion']} .\n"
        ps, pp, po, pw, pd = P["subject"], P["predicate"], P["object"], P["asWritten"], P["derived"]
        sha1 = hashlib.sha1
        for key, (s, p, o, written, lines, about) in self.links.items():
            la = f"<{D}/link/{sha1(key.encode('utf-8')).hexdigest()[:16]}> "
            out.append(la + la_type)
            out.append(f"{la}{ps} <{s}> .\n")
            out.append(f"{la}{pp} {p} .\n")
            out.append(f"{la}{po} <{o}> .\n")
            for w in written:
                out.append(f"{la}{pw} {quoted(w)} .\n")
            for n in sorted(lines):
                self.used_lines.add(n)
                out.append(f"{la}{pd} <{D}/line/{n}> .\n")
            for ap, ao in about:
                out.append(f"{la}{ap} <{ao}> .\n")
            out.append(la + in_doc)

    def source_lines(self) -> None:
        """An ``ikg:SourceLine`` for every line something derives from (after the links,
        which add lines)."""
        out = self.out
        D = self.D
        line_type = f"{P['type']} {P['SourceLine']} .\n"
        part_of = f"{P['isPartOf']} <{D}> .\n"
        pn, pt, psec = P["lineNumber"], P["text"], P["section"]
        lang = self.lang_suffix
        for n in sorted(self.used_lines):
            ln = self.doc.lines[n - 1]
            s = f"<{D}/line/{n}> "
            out.append(s + line_type)
            out.append(s + part_of)
            out.append(f"{s}{pn} {integer(n)} .\n")
            if ln.raw:
                out.append(f"{s}{pt} {quoted(ln.raw)}{lang} .\n")
            if ln.section:
                out.append(f"{s}{psec} {quoted(ln.section)} .\n")
            if self.doc.locators:  # a Word document: where the line is in the .docx
                out.append(f"{s}{P['wordLocator']} {quoted(self.doc.locators[n - 1])} .\n")


def document_ntriples(doc: ParsedDocument, base_iri: str) -> bytes:
    """The document's triples as N-Triples (UTF-8), one triple per line, in a stable order.

    ``base_iri`` is the data base IRI (``Settings.base_iri``, ending with '/'). Raises
    ``ValueError`` on an invalid base IRI. Each triple is written once.
    """
    return "".join(_Emitter(doc, base_iri).run()).encode("utf-8")


def document_triples(doc: ParsedDocument, base_iri: str) -> list[tuple]:
    """The same triples as :func:`document_ntriples`, as rdflib terms (``URIRef``/``Literal``),
    in the same order. Slower (rdflib parses the N-Triples); not for the build's hot path.

    Raises ``ValueError`` on an invalid base IRI.
    """
    from rdflib.plugins.parsers.ntriples import W3CNTriplesParser

    class _Sink:
        def __init__(self) -> None:
            self.triples: list[tuple] = []

        def triple(self, s, p, o) -> None:
            self.triples.append((s, p, o))

    sink = _Sink()
    W3CNTriplesParser(sink).parsestring(document_ntriples(doc, base_iri))
    return sink.triples


__all__ = ["document_ntriples", "document_triples", "BODY_INDIVIDUAL"]
