"""Each build's version (date + content hash): in the manifest, at /health, in VoID/DCAT, in download names."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from budapest_kg.graph_builder.build import serialise
from budapest_kg.graph_builder.ontology import load_turtle, ontology_files
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, PROV, RDF, XSD

from budapest_kg import resources
from budapest_kg.namespaces import ONTOLOGY_GRAPH

SPDX = "http://spdx.org/rdf/terms#"
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")


def manifest(build_dir) -> dict:
    return json.loads((build_dir / resources.MANIFEST_FILE).read_text(encoding="utf-8"))


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_version_is_the_build_date_and_the_hash_of_graph_nq(build_dir):
    found = manifest(build_dir)
    digest = hashlib.sha256((build_dir / resources.GRAPH_FILE).read_bytes()).hexdigest()
    assert found["content_hash"] == digest
    assert found["version"] == f"{found['built_at'][:10]}-{digest[:8]}"


def test_the_same_ontology_gives_the_same_file_blank_nodes_included():
    files = ontology_files(resources.PACKAGED.ontology_dir)
    first, second = (serialise({ONTOLOGY_GRAPH: load_turtle(files)}) for _ in range(2))
    assert b"_:" in first  # the ontology's restrictions and lists are blank nodes
    assert first == second


@pytest.fixture(scope="module")
def client(build_dir):
    """The app in-process (no socket adds anything to what is described), oxigraph without workers."""
    return create_app(Config.load(build_dir=build_dir, engine="oxigraph", workers=0)).test_client()


def test_health_names_the_version(client, build_dir):
    body = client.get("/health").get_json()
    assert body["version"] == manifest(build_dir)["version"]


def test_downloads_answer_under_the_version_and_the_stable_name(live_server, build_dir):
    version = manifest(build_dir)["version"]
    status, headers, body = get(f"{live_server.url}/download/budapest-kg-{version}.nq")
    assert status == 200
    assert body == (build_dir / resources.GRAPH_FILE).read_bytes()
    assert f'filename="budapest-kg-{version}.nq"' in headers["Content-Disposition"]
    stable = get(f"{live_server.url}/download/budapest-kg.nq")
    assert stable[0] == 200
    assert f'filename="budapest-kg-{version}.nq"' in stable[1]["Content-Disposition"]


def test_an_other_version_is_404_naming_the_served_one(live_server, build_dir):
    version = manifest(build_dir)["version"]
    status, _, body = get(f"{live_server.url}/download/budapest-kg-2001-01-01-00000000.ttl")
    assert status == 404
    assert f"budapest-kg-{version}.ttl" in body.decode()


def test_dcat_and_void_carry_version_time_and_hashes(client, build_dir):
    found = manifest(build_dir)
    dcat = Graph().parse(data=client.get("/download/?format=turtle").data, format="turtle")
    [dataset] = list(dcat.subjects(RDF.type, DCAT.Dataset))
    assert dcat.value(dataset, DCAT_VERSION) == Literal(found["version"])
    assert dcat.value(dataset, PROV.generatedAtTime) == Literal(found["built_at"], datatype=XSD.dateTime)
    checksums = {str(v) for v in dcat.objects(None, URIRef(SPDX + "checksumValue"))}
    assert checksums == {found["content_hash"], found["input_hash"]}
    nquads = URIRef("https://w3id.org/budapest-kg/dataset/distribution/nq")
    nq_sum = dcat.value(dcat.value(nquads, URIRef(SPDX + "checksum")), URIRef(SPDX + "checksumValue"))
    assert str(nq_sum) == hashlib.sha256((build_dir / resources.GRAPH_FILE).read_bytes()).hexdigest()
    void = Graph().parse(data=client.get("/.well-known/void").data, format="turtle")
    described = URIRef("http://localhost/.well-known/void#dataset")
    assert void.value(described, DCAT_VERSION) == Literal(found["version"])
    assert void.value(described, PROV.generatedAtTime) == Literal(found["built_at"], datatype=XSD.dateTime)


def test_every_page_names_the_version_it_shows(client, build_dir):
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    footer = html[html.index("<footer>") :]
    assert f'<a href="/download/">{manifest(build_dir)["version"]}</a>' in footer
