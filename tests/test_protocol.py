"""The W3C SPARQL 1.1 Protocol tests that apply to a read-only query endpoint, over a real socket, both engines.

The cases are restated in tests/w3c_protocol.py (W3C test names kept); the server holds the suite's
three small graphs. Nothing outside this repository is read.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config

from .conftest import GENEROUS_TIMEOUT, close_engine, write_build
from .w3c_protocol import G1, QUERY_CASES, RESULT_TYPES, UPDATE_CASES, Case, quads
from .web import LiveServer, Response, query_string


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def suite_server(request, tmp_path_factory):
    folder = write_build(tmp_path_factory.mktemp("w3c") / "build", quads(), {"triples": len(quads())})
    app = create_app(Config.load(build_dir=folder, engine=request.param, workers=1, timeout=GENEROUS_TIMEOUT))
    with LiveServer(app) as server:
        yield server
    close_engine(app)


def send(server: LiveServer, case: Case) -> Response:
    return server.request(
        "/sparql" + query_string(case.params), method=case.method, body=case.body, content_type=case.content_type
    )


def boolean_of(answer: Response) -> bool:
    if answer.media == "application/sparql-results+json":
        return answer.json()["boolean"]
    element = ET.fromstring(answer.body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    return element.text.strip() == "true"


def dataset_hash(server: LiveServer) -> str:
    answer = server.sparql("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", accept="text/tab-separated-values")
    assert answer.status == 200
    return hashlib.sha256("\n".join(sorted(answer.text.splitlines()[1:])).encode()).hexdigest()


def test_the_cases_are_the_w3c_ones():
    names = [case.name for case in QUERY_CASES + UPDATE_CASES]
    assert len(names) == len(set(names)) == 34  # every test of the W3C protocol manifest for queries and updates
    assert all(case.name.startswith("update_") for case in UPDATE_CASES)


@pytest.mark.parametrize("case", QUERY_CASES, ids=[c.name for c in QUERY_CASES])
def test_w3c_query_protocol(suite_server, case):
    answer = send(suite_server, case)
    if not case.ok:
        assert 400 <= answer.status < 500, (answer.status, answer.body)
        assert b"Traceback" not in answer.body
        return
    assert 200 <= answer.status < 400, (answer.status, answer.body)
    if case.result:
        assert answer.media in RESULT_TYPES[case.result], answer.media
    if case.answer is not None:
        assert boolean_of(answer) is case.answer


@pytest.mark.parametrize("case", UPDATE_CASES, ids=[c.name for c in UPDATE_CASES])
def test_w3c_update_is_refused_and_changes_nothing(suite_server, case):
    before = dataset_hash(suite_server)
    answer = send(suite_server, case)
    assert answer.status == 403
    assert b"read-only" in answer.body
    assert dataset_hash(suite_server) == before


def test_the_dataset_really_matters(suite_server):
    """The dataset cases cannot pass by accident: with data1.rdf alone as the default graph the ASK is false."""
    case = next(c for c in QUERY_CASES if c.name == "query_dataset_default_graphs_get")
    narrowed = [(k, v) for k, v in case.params if k != "default-graph-uri"] + [("default-graph-uri", G1)]
    answer = send(suite_server, Case(case.name, case.method, narrowed))
    assert answer.status == 200
    assert boolean_of(answer) is False
