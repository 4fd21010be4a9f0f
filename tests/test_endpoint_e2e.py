"""End to end: the real server on a loopback port, queried with SPARQLWrapper, for each engine."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest
from SPARQLWrapper import JSON, POST, SPARQLWrapper

PARTY_COUNT = """
PREFIX bkg: <https://w3id.org/budapest-kg/ontology#>
SELECT (COUNT(DISTINCT ?state) AS ?n) WHERE { ?state bkg:isPartyTo <https://w3id.org/budapest-kg/id/treaty/ets-185> }
"""


def test_party_count_over_http_matches_the_data(live_server, acts):
    expected = len({r["party"] for r in acts if r["treaty"] == "ETS 185" and r["act"] == "entry-into-force"})
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
    with urllib.request.urlopen(f"{live_server.url}/sparql?query=ASK%7B%7D") as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "application/sparql-results+json"
        assert b'"boolean":true' in response.read().replace(b" ", b"")


def test_malformed_query_is_400_with_the_parser_message(live_server):
    url = f"{live_server.url}/sparql?" + urllib.parse.urlencode({"query": "SELECT WHERE {"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url)
    assert caught.value.code == 400
    body = caught.value.read().decode()
    assert body.startswith("400 Bad Request: malformed query:")
    assert "Traceback" not in body
