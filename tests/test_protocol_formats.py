"""Formats, Service Description, VoID, CORS and limits announced, over a real socket, for both engines.

Expected values come from data/ (acts.csv, states.csv) and the build's manifest, never from the graph.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, PROV, RDF, VOID

from budapest_kg import resources
from budapest_kg.namespaces import BKG, ID

from . import expected as ex
from .web import fetch

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PARTIES = f"""
PREFIX bkg: <{BKG}>
SELECT ?iso WHERE {{ ?s bkg:isPartyTo <{ID["treaty/ets-185"]}> ; bkg:iso3166Alpha3 ?iso }} ORDER BY ?iso
"""
PARTY_CODES = f"""
PREFIX bkg: <{BKG}>
CONSTRUCT {{ ?s bkg:iso3166Alpha3 ?iso }} WHERE {{ ?s bkg:isPartyTo <{ID["treaty/ets-185"]}> ; bkg:iso3166Alpha3 ?iso }}
"""
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {  # format name -> (media type, rdflib parser)
    "turtle": ("text/turtle", "turtle"),
    "ntriples": ("application/n-triples", "nt"),
    "rdfxml": ("application/rdf+xml", "xml"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nquads": ("application/n-quads", "nquads"),
    "trig": ("application/trig", "trig"),
}


@pytest.fixture(scope="module")
def parties() -> list[str]:
    return sorted(ex.parties("ETS 185"))


def get(url: str, accept: str | None = None, method: str = "GET", headers: dict | None = None):
    answer = fetch(url, method=method, accept=accept, headers=headers)
    return answer.status, answer.headers, answer.body


def query_url(server, query: str, **extra) -> str:
    return f"{server.url}/sparql?" + urllib.parse.urlencode({"query": query, **extra})


def codes_from(name: str, body: bytes) -> list[str]:
    """The ?iso column of a SELECT answer in the given result format, parsed with standard tools."""
    text = body.decode("utf-8")
    if name == "json":
        return [row["iso"]["value"] for row in json.loads(text)["results"]["bindings"]]
    if name == "xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        return [b.find(f"{ns}literal").text for b in ET.fromstring(body).iter(f"{ns}binding")]
    if name == "csv":
        return [row["iso"] for row in csv.DictReader(io.StringIO(text))]
    rows = text.splitlines()
    assert rows[0] == "?iso"
    return [Literal(row.strip('"')).toPython() for row in rows[1:]]


@pytest.mark.parametrize("name", list(RESULT_TYPES))
def test_select_in_every_result_format_by_accept(live_server, parties, name):
    status, headers, body = get(query_url(live_server, PARTIES), accept=RESULT_TYPES[name])
    assert status == 200
    assert headers.get_content_type() == RESULT_TYPES[name]
    assert codes_from(name, body) == parties


@pytest.mark.parametrize("name", list(RESULT_TYPES))
def test_format_parameter_overrides_accept(live_server, parties, name):
    status, headers, body = get(query_url(live_server, PARTIES, format=name), accept="application/sparql-results+xml")
    assert status == 200
    assert headers.get_content_type() == RESULT_TYPES[name]
    assert codes_from(name, body) == parties


def test_select_defaults_to_sparql_json(live_server, parties):
    _status, headers, body = get(query_url(live_server, PARTIES))
    assert headers.get_content_type() == "application/sparql-results+json"
    assert codes_from("json", body) == parties


@pytest.mark.parametrize("name", list(GRAPH_TYPES))
def test_construct_in_every_rdf_format(live_server, parties, name):
    media, parser = GRAPH_TYPES[name]
    status, headers, body = get(query_url(live_server, PARTY_CODES), accept=media)
    assert status == 200, body
    assert headers.get_content_type() == media
    graph = Dataset() if name in ("nquads", "trig") else Graph()
    graph.parse(data=body, format=parser)
    assert sorted(str(o) for o in graph.objects(None, BKG.iso3166Alpha3)) == parties


def test_construct_defaults_to_turtle(live_server, parties):
    _status, headers, body = get(query_url(live_server, PARTY_CODES))
    assert headers.get_content_type() == "text/turtle"
    assert sorted(str(o) for o in Graph().parse(data=body, format="turtle").objects()) == parties


@pytest.mark.parametrize(
    ("query", "offered"), [(PARTIES, "text/csv (format=csv)"), (PARTY_CODES, "text/turtle (format=turtle)")]
)
def test_406_lists_what_is_supported(live_server, query, offered):
    status, _, body = get(query_url(live_server, query), accept="image/png")
    assert status == 406
    assert offered in body.decode()


def test_unknown_format_parameter_is_406_naming_it(live_server):
    status, _, body = get(query_url(live_server, PARTIES, format="yaml"))
    assert status == 406
    assert "'yaml'" in body.decode()


def manifest(build_dir) -> dict:
    return json.loads((build_dir / resources.MANIFEST_FILE).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("accept", "parser"), [(None, "turtle"), ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")]
)
def test_service_description_without_query(live_server, build_dir, accept, parser):
    status, _headers, body = get(f"{live_server.url}/sparql", accept=accept)
    assert status == 200
    graph = Graph().parse(data=body, format=parser)
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert graph.value(service, SD.endpoint) == URIRef(f"{live_server.url}/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV")) in graph
    sizes = {}
    for named in graph.objects(graph.value(service, SD.defaultDataset), SD.namedGraph):
        sizes[str(graph.value(named, SD.name))] = graph.value(graph.value(named, SD.graph), VOID.triples).toPython()
    assert sizes == manifest(build_dir)["graphs"]


@pytest.mark.parametrize("accept", [None, "application/n-triples", "application/ld+json"])
def test_service_description_is_the_same_bytes_each_time(live_server, accept):
    first = fetch(f"{live_server.url}/sparql", accept=accept)
    second = fetch(f"{live_server.url}/sparql", accept=accept)
    assert first.status == second.status == 200
    assert first.body == second.body
    assert first.headers["ETag"] == second.headers["ETag"]
    again = fetch(f"{live_server.url}/sparql", accept=accept, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304


def test_void_counts_graphs_and_classes(live_server, build_dir, parties):
    status, headers, body = get(f"{live_server.url}/.well-known/void")
    assert status == 200
    assert headers.get_content_type() == "text/turtle"
    graph = Graph().parse(data=body, format="turtle")
    dataset = URIRef(f"{live_server.url}/.well-known/void#dataset")
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(f"{live_server.url}/sparql")
    sizes = {str(graph.value(s, SD.name)): graph.value(s, VOID.triples).toPython() for s in graph.subjects(SD.name)}
    assert sizes == manifest(build_dir)["graphs"]
    assert graph.value(dataset, VOID.triples).toPython() == manifest(build_dir)["triples"]
    classes = {
        graph.value(p, VOID["class"]): graph.value(p, VOID.entities).toPython()
        for p in graph.objects(dataset, VOID.classPartition)
    }
    assert classes[BKG.State] == len(ex.state_names())
    assert classes[ID["treaty/ets-185/category/party"]] == len(parties)


def test_void_names_the_downloads_and_their_dcat_description(live_server):
    _, _, body = get(f"{live_server.url}/.well-known/void")
    graph = Graph().parse(data=body, format="turtle")
    dataset = URIRef(f"{live_server.url}/.well-known/void#dataset")
    dumps = sorted(graph.objects(dataset, VOID.dataDump))
    assert {str(d).rsplit(".", 1)[-1] for d in dumps} == {"nq", "jsonld", "ttl"}
    for dump in dumps:
        assert (None, DCAT.downloadURL, dump) in graph
        status, _, _ = get(str(dump))
        assert status == 200


def test_void_has_linksets_to_the_cited_sources(live_server):
    _, _, body = get(f"{live_server.url}/.well-known/void")
    graph = Graph().parse(data=body, format="turtle")
    spaces = set()
    for linkset in graph.subjects(RDF.type, VOID.Linkset):
        assert graph.value(linkset, VOID.triples).toPython() > 0
        if graph.value(linkset, VOID.linkPredicate) == PROV.wasDerivedFrom:
            spaces.add(str(graph.value(graph.value(linkset, VOID.objectsTarget), VOID.uriSpace)))
    text = " ".join(path.read_text(encoding="utf-8") for path in resources.PACKAGED.data_dir.glob("*.csv"))
    cited = {urllib.parse.urlsplit(url).netloc.lower() for url in re.findall(r"https?://[^\s;,\"')]+", text)}
    assert spaces
    assert {urllib.parse.urlsplit(space).netloc.lower() for space in spaces} <= cited


def test_cors_on_answers_and_preflight(live_server):
    _, headers, _ = get(query_url(live_server, "ASK {}"), headers={"Origin": "https://yasgui.example"})
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Max-Result-Bytes" in headers["Access-Control-Expose-Headers"]
    # What only a preflight's answer is read for is not sent on every answer.
    assert not {"access-control-allow-methods", "access-control-max-age"} & {name.lower() for name in headers}
    status, headers, _ = get(
        f"{live_server.url}/sparql",
        method="OPTIONS",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert status == 200
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in headers["Access-Control-Allow-Headers"]
    assert headers.get_all("Allow") == ["GET, HEAD, POST, OPTIONS"]  # not every method Flask routes


def test_every_answer_announces_the_result_size_limit(live_server):
    _, headers, _ = get(query_url(live_server, "ASK {}"))
    assert int(headers["X-Max-Result-Bytes"]) > 0


def test_other_methods_are_405_with_allow(live_server):
    status, headers, body = get(query_url(live_server, "ASK {}"), method="PUT")
    assert status == 405
    assert headers["Allow"] == "GET, POST"
    assert b"use GET or POST" in body


def test_errors_are_json_when_asked(live_server):
    status, _headers, body = get(query_url(live_server, "ASK {"), accept="application/json")
    assert status == 400
    assert json.loads(body)["status"] == 400
    assert "malformed query" in json.loads(body)["detail"]


def test_health_shows_the_build(live_server, build_dir):
    status, _, body = get(f"{live_server.url}/health")
    data = json.loads(body)
    assert status == 200
    assert data["status"] == "ok"
    assert data["build"]["input_hash"] == manifest(build_dir)["input_hash"]
    assert data["triples"] == manifest(build_dir)["triples"]


def count_states(server, **dataset) -> int:
    state = f"?s a <{BKG.State}>"
    query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {{ {state} }} UNION {{ GRAPH ?g {{ {state} }} }} }}"
    status, _, body = get(query_url(server, query, **dataset))
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_dataset_parameters_select_the_build_graphs(live_server):
    states = len(ex.state_names())
    data, ontology = "https://w3id.org/budapest-kg/graph/data", "https://w3id.org/budapest-kg/graph/ontology"
    assert count_states(live_server) == states
    assert count_states(live_server, **{"default-graph-uri": data}) == states
    assert count_states(live_server, **{"default-graph-uri": ontology}) == 0
    assert count_states(live_server, **{"named-graph-uri": data}) == states
    assert count_states(live_server, **{"named-graph-uri": ontology}) == 0


def test_head_answers_like_get_without_a_body(live_server):
    status, headers, body = get(query_url(live_server, "ASK {}"), method="HEAD")
    assert status == 200
    assert headers.get_content_type() == "application/sparql-results+json"
    assert body == b""
