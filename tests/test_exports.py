"""Downloads of the whole graph, fetched through Flask's test client and read back with rdflib."""

from __future__ import annotations

import json

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCAT, RDF

from budapest_kg import resources

from .web import AppClient


def fetch(site, path: str, accept: str | None = None) -> tuple[int, str, bytes]:
    answer = site.get(path, accept)
    return answer.status, answer.media, answer.body


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
def client(apps) -> AppClient:
    """One engine only: the downloads are written from build/'s files, never through the query engine."""
    return AppClient(apps.app("oxigraph"))


@pytest.fixture(scope="module")
def built(build_dir) -> Dataset:
    dataset = Dataset()
    dataset.parse(build_dir / resources.GRAPH_FILE, format="nquads")
    return dataset


@pytest.mark.parametrize(
    ("suffix", "media", "rdf_format"),
    [("nq", "application/n-quads", "nquads"), ("jsonld", "application/ld+json", "json-ld")],
)
def test_named_graph_downloads_hold_every_quad(client, built, suffix, media, rdf_format):
    status, got, body = fetch(client, f"{client.url}/download/budapest-kg.{suffix}")
    assert (status, got) == (200, media)
    dataset = Dataset()
    dataset.parse(data=body, format=rdf_format)
    got, expected = named_graphs(dataset), named_graphs(built)
    assert set(got) == set(expected)
    for name, graph in expected.items():
        assert isomorphic(got[name], graph), name


def test_jsonld_download_has_a_context(client):
    _, _, body = fetch(client, f"{client.url}/download/budapest-kg.jsonld")
    document = json.loads(body)
    assert document["@context"]["bkg"] == "https://w3id.org/budapest-kg/ontology#"
    assert "bkg:isPartyTo" in body.decode("utf-8")


def test_turtle_download_is_the_union(client, built):
    status, media, body = fetch(client, f"{client.url}/download/budapest-kg.ttl")
    assert (status, media) == (200, "text/turtle")
    union = Graph()
    for graph in named_graphs(built).values():
        for triple in graph:
            union.add(triple)
    assert isomorphic(Graph().parse(data=body, format="turtle"), union)


def test_unknown_download_is_404_listing_the_files(client):
    status, _, body = fetch(client, f"{client.url}/download/budapest-kg.zip")
    assert status == 404
    assert "budapest-kg.nq, budapest-kg.jsonld, budapest-kg.ttl" in body.decode()


@pytest.mark.parametrize(("accept", "rdf_format"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_dcat_description_lists_downloads_that_resolve(client, accept, rdf_format):
    status, media, body = fetch(client, f"{client.url}/download/", accept)
    assert (status, media) == (200, accept)
    graph = Graph().parse(data=body, format=rdf_format)
    [dataset] = list(graph.subjects(RDF.type, DCAT.Dataset))
    urls = sorted(str(u) for d in graph.objects(dataset, DCAT.distribution) for u in graph.objects(d, DCAT.downloadURL))
    version = json.loads(fetch(client, f"{client.url}/health")[2])["version"]
    names = [f"budapest-kg{tag}.{s}" for s in ("jsonld", "nq", "ttl") for tag in ("", f"-{version}")]
    assert urls == sorted(f"{client.url}/download/{name}" for name in names)
    for url in urls:
        assert fetch(client, url)[0] == 200
    assert dataset == URIRef("https://w3id.org/budapest-kg/dataset")
