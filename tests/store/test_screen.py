"""The one SPARQL screener (graph/store/screen.py): it reads a text as the engine does, escapes
decoded first (SPARQL 1.1 §19.2), and refuses whatever would reach the network."""

from __future__ import annotations

import pytest

from itukg.errors import QueryError
from itukg.graph.store import OxigraphStore, memory_store
from itukg.graph.store.screen import (
    check_query,
    check_update,
    dataset_of,
    decode_escapes,
    network_keywords,
    operation_of,
)

A = "127.0.0.1:9"  # never contacted: every text below is refused before the engine

# The exact query a lexer without escape decoding let through: it reads <a\u0061'> as "<",
# a word, "\", ... and then a string from the quote to the closing quote in the comment, hiding
# the SERVICE; the engine decodes \u0061 first and sees an IRI <aa'> and then the SERVICE.
EXPLOIT = (r"SELECT * WHERE { { <a\u0061'> ?p ?o } UNION { SERVICE <http://" + A
           + r"/x> { ?s ?p2 ?o2 } } } #'")

REFUSED = {
    "exploit": EXPLOIT,
    "escaped C": r"SELECT * { SERVI\u0043E <http://" + A + "/x> { ?s ?p ?o } }",
    "escaped S, 8 digits": r"SELECT * { \U00000053ERVICE <http://" + A + "/x> { ?s ?p ?o } }",
    "lower case": "select * { service <http://" + A + "/x> { ?s ?p ?o } }",
    "mixed case": "SELECT * { SeRvIcE <http://" + A + "/x> { ?s ?p ?o } }",
    "comments and newlines": "SELECT * {\n  SERVICE # here\n\n  <http://" + A + "/x> # there\n { ?s ?p ?o } }",
    "silent": "SELECT * { SERVICE SILENT <http://" + A + "/x> { ?s ?p ?o } }",
    "nested": "SELECT * { SERVICE <http://" + A + "/x> { SERVICE <http://" + A + "/y> { ?s ?p ?o } } }",
    "variable target": "SELECT * { BIND(<http://" + A + "/> AS ?t) SERVICE ?t { ?s ?p ?o } }",
    "prefixed-name target": "PREFIX r: <http://" + A + "/>\nSELECT * { SERVICE r:x { ?s ?p ?o } }",
    "escaped quote closes a string": (r'SELECT * { ?s ?p "x\u0022 . SERVICE <http://' + A
                                      + r'/x> { ?s ?p ?o } . ?s ?p "y" }'),
    "escaped apostrophe closes a string": (r"SELECT * { ?s ?p 'x\u0027 . SERVICE <http://" + A
                                           + r"/x> { ?s ?p ?o } . ?s ?p 'y' }"),
    "escaped > closes an IRI": r"SELECT * { <http://e/\u003E SERVICE <http://" + A + "/x> { ?s ?p ?o } }",
    "escaped newline ends a comment": (r"SELECT * { # \u000A SERVICE <http://" + A
                                       + "/x> { ?s ?p ?o } }"),
}


@pytest.mark.parametrize("text", list(REFUSED.values()), ids=list(REFUSED))
def test_every_spelling_of_service_is_refused(text: str) -> None:
    assert "SERVICE" in network_keywords(text)
    with pytest.raises(QueryError, match="SERVICE"):
        check_query(text)
    with pytest.raises(QueryError, match="SERVICE"):
        check_update(text)


@pytest.mark.parametrize("text", list(REFUSED.values()), ids=list(REFUSED))
def test_the_store_refuses_them_too(text: str) -> None:
    store = OxigraphStore()
    with pytest.raises(QueryError, match="SERVICE"):
        store.query(text)
    with pytest.raises(QueryError, match="SERVICE"):
        store.query_serialized(text, result_format="json")
    with pytest.raises(QueryError, match="SERVICE"):
        store.query_form(text)


@pytest.mark.parametrize("text", [
    "LOAD <http://" + A + "/x.ttl>",
    "load silent <http://" + A + "/x.ttl> INTO GRAPH <http://e/g>",
    r"L\u004FAD <http://" + A + "/x.ttl>",
    "INSERT DATA { <http://e/a> <http://e/p> 1 } ;\n# next\nLOAD <http://" + A + "/x.ttl>",
])
def test_load_in_an_update_is_refused(text: str) -> None:
    with pytest.raises(QueryError, match="LOAD"):
        check_update(text)
    with pytest.raises(QueryError, match="LOAD"):
        OxigraphStore().update(text)


def test_decoding_follows_the_spec() -> None:
    assert decode_escapes(r"SERVI\u0043E \U0001F600") == "SERVICE \U0001F600"
    assert decode_escapes(r"\uD800 \U00110000") == r"\uD800 \U00110000"  # no such character
    assert decode_escapes("no escapes") == "no escapes"


def test_words_that_are_not_the_keyword_pass() -> None:
    text = ('PREFIX SERVICE: <http://example.org/>\nSELECT ?SERVICE WHERE { BIND("SERVICE" AS '
            "?SERVICE) FILTER(?SERVICE != SERVICE:x) } # SERVICE")
    assert check_query(text) == "select"
    assert not network_keywords(text)


def test_legitimate_escapes_in_strings_still_run() -> None:
    store = memory_store()
    res = store.query(r'SELECT ?x WHERE { BIND("caf\u00e9 \U0001F600" AS ?x) }')
    assert str(res.rows[0][0]) == "café \U0001F600"
    assert check_query(r"ASK { FILTER(STR(<http://e/\u00e9>) != 'x\u0027y') }") == "ask"


def test_form_operation_and_dataset_read_the_decoded_text() -> None:
    assert operation_of(r"\u0053ELECT * {}") == "select"
    assert operation_of(r"IN\u0053ERT DATA {}") == "update"
    with pytest.raises(QueryError, match="Update"):
        check_query(r"\u0049NSERT DATA { <http://e/a> <http://e/p> 1 }")
    assert dataset_of(r"SELECT * FR\u004FM <http://e/g> FROM NAMED <http://e/\u0068> {}") == (
        ["http://e/g"], ["http://e/h"])
    with pytest.raises(QueryError, match="undeclared prefix 'ex:'"):
        check_query("SELECT * { ?s ex:p ?o }")


# -- the engine's safe limits (decision 0125) ----------------------------------------------------

TOO_BIG = {
    "nesting depth": "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000,
    "query length": 'SELECT * WHERE { ?s ?p "' + "x" * 150_000 + '" }',
    "triple patterns": "SELECT * WHERE { " + "?s ?p ?o . " * 2500 + "}",
    "property-path length": "SELECT * WHERE { ?s <p>" + "/<p>" * 100 + " ?o }",
}


@pytest.mark.parametrize("limit", sorted(TOO_BIG))
def test_a_text_beyond_a_limit_is_refused_naming_the_limit(limit: str) -> None:
    """3,000 nested { crash the engine's parser (SIGSEGV): refused before it, named."""
    with pytest.raises(QueryError, match=rf"\({limit}\)"):
        check_query(TOO_BIG[limit])
    with pytest.raises(QueryError, match=rf"\({limit}\)"):
        check_update(TOO_BIG[limit].replace("SELECT *", "DELETE", 1))


def test_escapes_cannot_hide_nesting() -> None:
    text = "SELECT * WHERE " + r"\u007B" * 100 + " ?s ?p ?o " + r"\u007D" * 100
    with pytest.raises(QueryError, match="nesting depth"):
        check_query(text)


def test_the_bundled_queries_are_within_the_limits() -> None:
    from pathlib import Path

    import itukg.queries as q

    files = list(Path(q.__file__).parent.glob("*.rq"))
    assert files
    for f in files:
        check_query(f.read_text(encoding="utf-8"))


def test_the_store_refuses_before_the_engine_crashes() -> None:
    """In process: had the text reached the engine, this test process would have died."""
    with pytest.raises(QueryError, match="nesting depth"):
        memory_store().query(TOO_BIG["nesting depth"])
