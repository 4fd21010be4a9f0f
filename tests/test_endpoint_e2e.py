"""End to end: the real server on a loopback port, queried with SPARQLWrapper, for each engine."""

from __future__ import annotations

from SPARQLWrapper import JSON, POST, SPARQLWrapper

from . import expected as ex

PARTY_COUNT = """
PREFIX bkg: <https://w3id.org/budapest-kg/ontology#>
SELECT (COUNT(DISTINCT ?state) AS ?n) WHERE { ?state bkg:isPartyTo <https://w3id.org/budapest-kg/id/treaty/ets-185> }
"""


def test_party_count_over_http_matches_the_data(live_server):
    expected = len(ex.parties("ETS 185"))
    client = SPARQLWrapper(f"{live_server.url}/sparql")
    client.setQuery(PARTY_COUNT)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert int(result["results"]["bindings"][0]["n"]["value"]) == expected


def test_ask_over_post(live_server):
    client = SPARQLWrapper(f"{live_server.url}/sparql")
    client.setMethod(POST)
    client.setQuery("ASK { <https://w3id.org/budapest-kg/id/state/USA> ?p ?o }")
    client.setReturnFormat(JSON)
    assert client.query().convert() == {"head": {}, "boolean": True}


def test_curl_style_ask(live_server):
    answer = live_server.get("/sparql?query=ASK%7B%7D")
    assert answer.status == 200
    assert answer.media == "application/sparql-results+json"
    assert b'"boolean":true' in answer.body.replace(b" ", b"")


def test_malformed_query_is_400_with_the_parser_message(live_server):
    answer = live_server.sparql("SELECT WHERE {")
    assert answer.status == 400
    assert answer.text.startswith("400 Bad Request: malformed query:")
    assert "Traceback" not in answer.text
