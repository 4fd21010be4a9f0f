"""Downloads of the whole graph, fetched from a real server and read back with rdflib."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCAT, RDF

from budapest_kg import resources


def fetch(url: str, accept: str | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def named_graphs(dataset: Dataset) -> dict[URIRef, Graph]:
    """Each non-empty named graph as a plain Graph (compared by isomorphism: blank nodes differ)."""
    found = {}
    for graph in dataset.graphs():
        if graph.identifier != DATASET_DEFAULT_GRAPH_ID and len(graph):
            plain = Graph()
            for triple in graph:
                plain.add(triple)
            found[graph.identifier] = plain
    return found


@pytest.fixture(scope="module")
def built(build_dir) -> Dataset:
    dataset = Dataset()
    dataset.parse(build_dir / resources.GRAPH_FILE, format="nquads")
    return dataset


@pytest.mark.parametrize(
    ("suffix", "media", "rdf_format"),
    [("nq", "application/n-quads", "nquads"), ("jsonld", "application/ld+json", "json-ld")],
)
def test_named_graph_downloads_hold_every_quad(live_server, built, suffix, media, rdf_format):
    status, got, body = fetch(f"{live_server.url}/download/budapest-kg.{suffix}")
    assert (status, got) == (200, media)
    dataset = Dataset()
    dataset.parse(data=body, format=rdf_format)
    got, expected = named_graphs(dataset), named_graphs(built)
    assert set(got) == set(expected)
    for name, graph in expected.items():
        assert isomorphic(got[name], graph), name


def test_jsonld_download_has_a_context(live_server):
    _, _, body = fetch(f"{live_server.url}/download/budapest-kg.jsonld")
    document = json.loads(body)
    assert document["@context"]["bkg"] == "https://w3id.org/budapest-kg/ontology#"
    assert "bkg:isPartyTo" in body.decode("utf-8")


def test_turtle_download_is_the_union(live_server, built):
    status, media, body = fetch(f"{live_server.url}/download/budapest-kg.ttl")
    assert (status, media) == (200, "text/turtle")
    union = Graph()
    for graph in named_graphs(built).values():
        for triple in graph:
            union.add(triple)
    assert isomorphic(Graph().parse(data=body, format="turtle"), union)


def test_unknown_download_is_404_listing_the_files(live_server):
    status, _, body = fetch(f"{live_server.url}/download/budapest-kg.zip")
    assert status == 404
    assert "budapest-kg.nq, budapest-kg.jsonld, budapest-kg.ttl" in body.decode()


@pytest.mark.parametrize(("accept", "rdf_format"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_dcat_description_lists_downloads_that_resolve(live_server, accept, rdf_format):
    status, media, body = fetch(f"{live_server.url}/download/", accept)
    assert (status, media) == (200, accept)
    graph = Graph().parse(data=body, format=rdf_format)
    [dataset] = list(graph.subjects(RDF.type, DCAT.Dataset))
    urls = sorted(str(u) for d in graph.objects(dataset, DCAT.distribution) for u in graph.objects(d, DCAT.downloadURL))
    version = json.loads(fetch(f"{live_server.url}/health")[2])["version"]
    names = [f"budapest-kg{tag}.{s}" for s in ("jsonld", "nq", "ttl") for tag in ("", f"-{version}")]
    assert urls == sorted(f"{live_server.url}/download/{name}" for name in names)
    for url in urls:
        assert fetch(url)[0] == 200
    assert dataset == URIRef("https://w3id.org/budapest-kg/dataset")
