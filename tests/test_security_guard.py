"""The guard's fast path: rdflib's parse is skipped only when FROM and SERVICE surely are not keywords."""

from __future__ import annotations

import re

import pytest
from budapest_kg.endpoint.guard import ServiceRefused, UnknownGraph, check_query, mentions_dataset_or_service

HELD = {"https://w3id.org/budapest-kg/graph/data"}


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?inForceFrom WHERE { ?s ?p ?inForceFrom }",
        'SELECT * WHERE { ?s ?p "from a service" }',
        "SELECT * WHERE { ?s ?p '''FROM\n SERVICE''' }",
        "SELECT * WHERE { ?s ?p ?o } # FROM <file:///etc/passwd>",
        "ASK { <http://example.org/from/service> ?p ?o }",
    ],
)
def test_words_inside_names_strings_iris_and_comments_are_not_keywords(query):
    assert not mentions_dataset_or_service(query)


@pytest.mark.parametrize(
    "query",
    [
        "select * from<file:///etc/passwd>{?s ?p ?o}",
        'SELECT * WHERE { ?s ?p "x" } FROM <file:///etc/passwd>',
        "ASK { FILTER(?a<?b) SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ex:a\\# SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
        "SELECT * WHERE { SERV\\u0049CE <http://127.0.0.1:1/> { ?s ?p ?o } }",
    ],
)
def test_keywords_and_escapes_take_the_careful_path(query):
    assert mentions_dataset_or_service(query)


def test_an_unknown_from_graph_is_named():
    with pytest.raises(UnknownGraph, match="FROM NAMED <file:///etc/passwd>"):
        check_query("SELECT * FROM NAMED <file:///etc/passwd> WHERE { ?s ?p ?o }", HELD, frozenset())


def test_a_held_graph_may_be_named_in_from():
    check_query(f"SELECT * FROM <{next(iter(HELD))}> WHERE {{ ?s ?p ?o }}", HELD, frozenset())


def test_service_only_to_the_allow_list():
    allowed = frozenset({"https://query.wikidata.org/sparql"})
    check_query("SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }", HELD, allowed)
    with pytest.raises(ServiceRefused, match=re.escape("<https://dbpedia.org/sparql> is not on")):
        check_query("SELECT * WHERE { SERVICE <https://dbpedia.org/sparql> { ?s ?p ?o } }", HELD, allowed)
