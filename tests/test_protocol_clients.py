"""Real SPARQL clients against the real server: SPARQLWrapper and rdflib's SPARQLStore, each method and format."""

from __future__ import annotations

import csv
import io
import urllib.error

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, POSTDIRECTLY, TSV, TURTLE, URLENCODED, XML, SPARQLWrapper

from budapest_kg.namespaces import BKG, ID

from . import expected as ex

TREATY = ID["treaty/ets-185"]
SELECT = f"PREFIX bkg: <{BKG}> SELECT ?iso WHERE {{ ?s bkg:isPartyTo <{TREATY}> ; bkg:iso3166Alpha3 ?iso }}"
CONSTRUCT = (
    f"PREFIX bkg: <{BKG}> CONSTRUCT {{ ?s bkg:iso3166Alpha3 ?iso }} "
    f"WHERE {{ ?s bkg:isPartyTo <{TREATY}> ; bkg:iso3166Alpha3 ?iso }}"
)
ASK = f"ASK {{ <{ID['state/USA']}> <{BKG.isPartyTo}> <{TREATY}> }}"
METHODS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]


@pytest.fixture(scope="module")
def parties() -> list[str]:
    return sorted(ex.parties("ETS 185"))


@pytest.fixture(scope="module")
def usa_is_party() -> bool:
    return "USA" in ex.parties("ETS 185")


def wrapper(server, query: str, method: str, request_method: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    client.setMethod(method)
    client.setRequestMethod(request_method)
    client.setReturnFormat(fmt)
    return client


def codes(fmt: str, converted) -> list[str]:
    if fmt == JSON:
        return sorted(b["iso"]["value"] for b in converted["results"]["bindings"])
    if fmt == XML:
        return sorted(n.firstChild.firstChild.data for n in converted.getElementsByTagName("binding"))
    text = converted.decode("utf-8")
    if fmt == CSV:
        return sorted(row["iso"] for row in csv.DictReader(io.StringIO(text)))
    return sorted(line.strip('"') for line in text.splitlines()[1:])


@pytest.mark.parametrize(("method", "request_method"), METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(live_server, parties, method, request_method, fmt):
    result = wrapper(live_server, SELECT, method, request_method, fmt).query()
    assert codes(fmt, result.convert()) == parties


@pytest.mark.parametrize(("method", "request_method"), METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(live_server, usa_is_party, method, request_method, fmt):
    converted = wrapper(live_server, ASK, method, request_method, fmt).query().convert()
    if fmt == JSON:
        assert converted["boolean"] is usa_is_party
    else:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == str(usa_is_party).lower()


@pytest.mark.parametrize(("method", "request_method"), METHODS)
@pytest.mark.parametrize(("fmt", "parser"), [(TURTLE, "turtle"), (XML, None), (JSONLD, None), (N3, "turtle")])
def test_sparqlwrapper_construct(live_server, parties, method, request_method, fmt, parser):
    converted = wrapper(live_server, CONSTRUCT, method, request_method, fmt).query().convert()
    graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted, format=parser)
    assert sorted(str(o) for o in graph.objects(None, BKG.iso3166Alpha3)) == parties


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
def test_rdflib_sparqlstore_select_and_ask(live_server, parties, usa_is_party, method, fmt):
    store = SPARQLStore(f"{live_server.url}/sparql", method=method, returnFormat=fmt)
    graph = Graph(store=store)
    assert sorted(str(row.iso) for row in graph.query(SELECT)) == parties
    if fmt != "csv":  # SPARQL CSV has no boolean form
        assert graph.query(ASK).askAnswer is usa_is_party


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_construct(live_server, parties, method):
    graph = Graph(store=SPARQLStore(f"{live_server.url}/sparql", method=method, returnFormat="xml"))
    assert sorted(str(o) for o in graph.query(CONSTRUCT).graph.objects(None, BKG.iso3166Alpha3)) == parties


def test_rdflib_update_store_is_refused(live_server, parties):
    endpoint = f"{live_server.url}/sparql"
    store = SPARQLUpdateStore(query_endpoint=endpoint, update_endpoint=endpoint)
    with pytest.raises(urllib.error.HTTPError) as caught:
        store.update(f"DELETE WHERE {{ ?s <{BKG.isPartyTo}> ?t }}")
    assert caught.value.code == 403
    assert b"read-only" in caught.value.read()
    assert sorted(str(row.iso) for row in Graph(store=SPARQLStore(endpoint)).query(SELECT)) == parties
