"""The W3C SPARQL 1.1 Protocol tests that apply to a read-only query endpoint, against both engines.

Each record of ../shared/w3c-sparql11-protocol/protocol_tests.json is replayed byte for byte over a
real socket against a small build holding the W3C data (data1.nt..data3.nt, in named graphs with
the test suite's own IRIs). Adaptations, listed in docs/endpoint.md: the path is /sparql (no
trailing slash); data0.rdf, which the suite names but never loads, becomes data1.rdf (this endpoint
refuses dataset IRIs it does not hold); updates must be refused with 403 and change nothing.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config

from .conftest import ROOT, LiveServer

SUITE = ROOT.parent / "shared" / "w3c-sparql11-protocol"
TESTS = json.loads((SUITE / "protocol_tests.json").read_text(encoding="utf-8"))
DATA = "http://kasei.us/2009/09/sparql/data/"
RESULT_TYPES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples"},
}


def write_suite_build(folder: Path) -> Path:
    """A build folder holding the suite's three data files, each in the named graph the suite gives it."""
    folder.mkdir(parents=True)
    lines = []
    for number in (1, 2, 3):
        for line in (SUITE / f"data{number}.nt").read_text(encoding="utf-8").splitlines():
            if line.strip():
                lines.append(line.rstrip().removesuffix(".").rstrip() + f" <{DATA}data{number}.rdf> .")
    (folder / "graph.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"triples": len(lines)}), encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def suite_server(request, tmp_path_factory):
    folder = write_suite_build(tmp_path_factory.mktemp("w3c") / "build")
    app = create_app(Config.load(build_dir=folder, engine=request.param, workers=1))
    with LiveServer(app) as server:
        yield server
    app.extensions["bkg_engine"].close()


def adapt(text: str) -> str:
    return text.replace(f"{DATA}data0.rdf", f"{DATA}data1.rdf")


def send(server: LiveServer, spec: dict) -> tuple[int, str, bytes]:
    """Send one request exactly as the suite describes it; (status, media type, body)."""
    params = [(key, adapt(value)) for key, values in spec["query_params"].items() for value in values]
    url = f"{server.url}/sparql" + ("?" + urllib.parse.urlencode(params) if params else "")
    body = None
    if spec["body_decoded"] is not None:
        body = adapt(spec["body_decoded"]).encode(spec["body_encoding"] or "utf-8")
    headers = {}
    if spec["content_type"]:
        headers["Content-Type"] = spec["content_type"]
    elif body is not None:
        headers["Content-Type"] = ""  # the suite sends no media type; urllib would add a form type
    if spec["accept"]:
        headers["Accept"] = spec["accept"]
    request = urllib.request.Request(url, data=body, headers=headers, method=spec["method"])
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def boolean_of(media: str, body: bytes) -> bool:
    if media == "application/sparql-results+json":
        return json.loads(body)["boolean"]
    element = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    return element.text.strip() == "true"


def dataset_hash(server: LiveServer) -> str:
    query = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    url = f"{server.url}/sparql?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/tab-separated-values"})) as r:
        rows = sorted(r.read().decode().splitlines()[1:])
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


QUERY_TESTS = [t for t in TESTS if not t["id"].startswith("update_")]
UPDATE_TESTS = [t for t in TESTS if t["id"].startswith("update_")]


@pytest.mark.parametrize("test", QUERY_TESTS, ids=[t["id"] for t in QUERY_TESTS])
def test_w3c_query_protocol(suite_server, test):
    for spec in test["requests"]:
        status, media, body = send(suite_server, spec)
        expect = spec["expect"]
        if "StatusCode4xx" in expect["status"]:
            assert 400 <= status < 500, (status, body)
            assert b"Traceback" not in body
            continue
        assert 200 <= status < 400, (status, body)
        if expect["format"]:
            assert media in RESULT_TYPES[expect["format"]], media
        if expect["boolean"] is not None:
            assert boolean_of(media, body) is expect["boolean"]


@pytest.mark.parametrize("test", UPDATE_TESTS, ids=[t["id"] for t in UPDATE_TESTS])
def test_w3c_update_is_refused_and_changes_nothing(suite_server, test):
    before = dataset_hash(suite_server)
    status, _, body = send(suite_server, test["requests"][0])
    assert status == 403
    assert b"read-only" in body
    assert dataset_hash(suite_server) == before


def test_the_dataset_really_matters(suite_server):
    """The dataset tests above cannot pass by accident: without the protocol dataset the ASK is false."""
    spec = next(t for t in TESTS if t["id"] == "query_dataset_default_graphs_get")["requests"][0]
    narrowed = dict(spec, query_params={**spec["query_params"], "default-graph-uri": [f"{DATA}data1.rdf"]})
    status, media, body = send(suite_server, narrowed)
    assert status == 200
    assert boolean_of(media, body) is False
