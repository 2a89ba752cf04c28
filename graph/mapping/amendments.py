"""Amendments in the graph (issue 10, decision 0106): an ``ikg:Amendment`` per proposed change,
``ikg:adds`` the link assertions its inserted text makes, ``ikg:removes`` an ``ikg:RemovedLink``
for each link only the text before the proposal made. Written by the mapper's emitter
(:class:`itukg.graph.mapping.mapper._Emitter`, passed as ``em``) after its link assertions.
"""

from __future__ import annotations

import hashlib

from itukg.graph.mapping.terms import SDG_NS, P, integer

#: The links an amendment adds or removes: an output's formal links (the ones a proposal is
#: about); structural links (hasIndicator, ...) change with the text and are not counted.
_AMENDABLE = frozenset(P[n] for n in ("mandatedBy", "supportsActionLine", "servesTarget",
                                      "servesGoal"))


def _link_iri(em, key: str) -> str:
    return f"{em.D}/link/{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


def amendment_triples(em) -> None:
    """An ``ikg:Amendment`` per proposed change (decision 0106), ``ikg:adds`` the link
    assertions read from text it inserts, ``ikg:removes`` an ``ikg:RemovedLink`` for each
    link only the text before the proposal made (never asserted on the output)."""
    D, doc = em.D, em.doc
    removed_iri: dict[int, str] = {}
    for rl in doc.removed_links:
        s = _removed_link(em, rl)
        removed_iri[id(rl)] = s
    for i, a in enumerate(doc.amendments, 1):
        s = f"{D}/amendment/{i}"
        em.scoped(s, "Amendment", [a.line])
        em.plain(s, P["amendmentKind"], a.kind)
        em.plain(s, P["amendmentMark"], a.mark)
        em.plain(s, P["amendmentAuthor"], a.author)
        em.plain(s, P["amendmentDate"], a.date)
        em.text(s, P["amendedText"], a.text)
        em.plain(s, P["wordLocator"], a.locator)
        if a.line_before is not None:
            em.lit(s, P["lineBefore"], integer(a.line_before))
        em.lit(s, P["charStart"], integer(a.span[0]))
        em.lit(s, P["charEnd"], integer(a.span[1]))
        if a.kind in ("insert", "modify"):
            for key in _inserted_links(em, a):
                em.add(s, P["adds"], _link_iri(em, key))
        for rl in a.removes:
            em.add(s, P["removes"], removed_iri[id(rl)])


def _inserted_links(em, a) -> list[str]:
    """Keys of the links (resolution, WSIS, SDG: those :data:`_AMENDABLE`) read on the
    amendment's line whose text as written overlaps the inserted span (a link with no
    findable text counts when it is on the line) and, when the text before the proposal
    was read, that it did not make."""
    raw = em.doc.lines[a.line - 1].raw
    text = em.doc.lines[a.line - 1].text
    keys = []
    new = None if em.doc.new_links is None else {
        _link_key(em, *k) for k in em.doc.new_links}
    for key, (_s, p, _o, written, lines, _about) in em.links.items():
        if a.line not in lines or p not in _AMENDABLE or (new is not None and key not in new):
            continue
        spans = [(k, k + len(w)) for w in written for line in (raw, text)
                 if (k := line.find(w)) >= 0]
        if not spans or any(x < a.span[1] and a.span[0] < y for x, y in spans) \
                or a.span[0] == a.span[1]:
            keys.append(key)
    return keys


def _link_key(em, output: str, predicate: str, value: str) -> str:
    """The key of :meth:`link` for an output's link given as (code, predicate, value)."""
    obj = {"mandatedBy": f"{em.B}id/resolution/{value}",
           "supportsActionLine": f"{em.B}id/wsis/{value}",
           "servesTarget": f"{SDG_NS}{value}",
           "servesGoal": f"{SDG_NS}{value}"}[predicate]
    return f"{em.D}/output/{output} {P[predicate][1:-1]} {obj}"


def _removed_link(em, rl) -> str:
    """An ``ikg:RemovedLink``: the statement, what was written, the line before."""
    key = _link_key(em, rl.output, rl.predicate, rl.value)
    subject, _p, obj = key.split(" ")  # the output's IRI (the output may be gone now)
    s = f"{em.D}/removed/{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"
    em.lit(s, P["type"], P["RemovedLink"])
    em.add(s, P["inDocument"], em.D)
    em.add(s, P["subject"], subject)
    em.lit(s, P["predicate"], P[rl.predicate])
    em.add(s, P["object"], obj)
    em.plain(s, P["asWritten"], rl.as_written)
    em.lit(s, P["lineBefore"], integer(rl.line_before))
    return s

