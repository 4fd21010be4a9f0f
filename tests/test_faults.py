"""Faults: a client's is a 4xx with its reason; ours is a 500 naming a trace id that the log also holds.

Flask's test client is enough here: what is tested is how a fault becomes a response, not the socket.
The engines run in this process (workers=0) so that they can be made to fail on purpose.
"""

from __future__ import annotations

import logging
import re

import pytest
import rdflib.namespace
import rdflib.plugins.sparql.algebra  # the guard imports rdflib's parser when it first parses
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from budapest_kg.endpoint.faults import EngineFailure
from budapest_kg.endpoint.manifest import ManifestError
from budapest_kg.endpoint.query_worker import portable
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, VOID

from budapest_kg import namespaces

TRACE = re.compile(r"^500 Internal Server Error: internal error, trace id ([0-9a-f]{12})\n$")
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def app(request, build_dir):
    return create_app(Config.load(build_dir=build_dir, engine=request.param, workers=0))


def fail_with(exc: Exception):
    def query(*args, **kwargs):
        raise exc

    return query


def trace_logged(caplog, trace: str, kind: type[BaseException]) -> bool:
    """A record names the trace id and carries the traceback of the fault."""
    return any(
        trace in record.getMessage() and record.exc_info and isinstance(record.exc_info[1], kind)
        for record in caplog.records
    )


def test_a_fault_in_the_engine_is_500_with_a_trace_id_in_body_and_log(app, monkeypatch, caplog):
    monkeypatch.setattr(app.extensions["bkg_engine"], "query", fail_with(RuntimeError("engine exploded")))
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/sparql", query_string={"query": ASK})
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    trace = TRACE.match(body).group(1)
    assert response.headers["X-Trace-Id"] == trace
    assert "engine exploded" not in body
    assert "Traceback" not in body
    assert trace_logged(caplog, trace, RuntimeError)


def test_a_failed_worker_is_500_with_a_trace_id(app, monkeypatch, caplog):
    monkeypatch.setattr(app.extensions["bkg_engine"], "query", fail_with(EngineFailure("the worker died")))
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/queries/party-count")
    assert response.status_code == 500
    assert trace_logged(caplog, TRACE.match(response.get_data(as_text=True)).group(1), EngineFailure)


def test_an_unknown_fault_in_a_worker_becomes_an_engine_failure_logged_there(caplog):
    with caplog.at_level(logging.ERROR):
        sent = portable(ZeroDivisionError("division by zero"))
    assert isinstance(sent, EngineFailure)
    assert any(isinstance(r.exc_info[1], ZeroDivisionError) for r in caplog.records if r.exc_info)


def test_a_fault_while_rdflib_evaluates_is_500_not_400(build_dir, monkeypatch):
    """rdflib's evaluation failing is not the client's fault (it used to be reported as a malformed query)."""
    app = create_app(Config.load(build_dir=build_dir, engine="rdflib", workers=0))
    monkeypatch.setattr(app.extensions["bkg_engine"].dataset, "query", fail_with(TypeError("bad operand")))
    response = app.test_client().get("/sparql", query_string={"query": ASK})
    assert response.status_code == 500
    assert TRACE.match(response.get_data(as_text=True))


def test_a_fault_in_the_guard_is_500_not_400(app, monkeypatch):
    """The guard parses queries naming FROM or SERVICE; its own failure is ours too."""
    monkeypatch.setattr(rdflib.plugins.sparql.algebra, "translateQuery", fail_with(KeyError("algebra")))
    query = f"SELECT * FROM <{namespaces.DATA_GRAPH}> WHERE {{ ?s ?p ?o }} LIMIT 1"
    response = app.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 500
    assert TRACE.match(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "query",
    [
        "SELECT WHERE {",
        "SELECT * WHERE { ?s undeclared:p ?o }",  # rdflib's algebra raises a bare Exception for this
        'SELECT * WHERE { ?s ?p "\\u00" }',
        "SELECT * FROM <urn:x> WHERE { ?s undeclared:p ?o }",  # parsed by the guard
    ],
)
def test_a_malformed_query_stays_400_with_the_reason(app, query):
    response = app.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith("400 Bad Request: ")


def test_the_query_page_names_the_trace_id_of_an_internal_fault(app, monkeypatch):
    monkeypatch.setattr(app.extensions["bkg_engine"], "query", fail_with(RuntimeError("engine exploded")))
    response = app.test_client().post("/query", data={"query": ASK, "run": "1"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert re.search(r"internal error, trace id [0-9a-f]{12}", page)
    assert "engine exploded" not in page


def test_a_fault_in_what_the_treaty_page_reads_alongside_is_its_500_with_a_trace_id(app, monkeypatch, caplog):
    """The treaty page reads its events, articles, structure and last change on a thread of its own
    (treaty.read_aside); a fault there is the page's fault, reported as one on the page's thread is."""
    engine = app.extensions["bkg_engine"]
    query, asked = engine.query, []

    def fail_on_events(sparql, *args, **kwargs):
        asked.append(sparql)
        if "TreatyLevelEvent" in sparql:  # the events query, read alongside
            raise RuntimeError("engine exploded")
        return query(sparql, *args, **kwargs)

    monkeypatch.setattr(engine, "query", fail_on_events)
    app.extensions["bkg_results"].clear()
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/id/treaty/ets-185", headers={"Accept": "text/html"})
    assert any("TreatyLevelEvent" in sparql for sparql in asked)
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    trace = re.search(r"internal error, trace id ([0-9a-f]{12})", page).group(1)
    assert "engine exploded" not in page
    assert trace_logged(caplog, trace, RuntimeError)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("{not json", "is not valid JSON"), ("[1, 2]", "is not a JSON object"), (b"\xff\xfe", "cannot read")],
)
def test_a_corrupt_manifest_is_a_clear_error_at_create_app(tmp_path, text, reason):
    manifest = tmp_path / "manifest.json"
    manifest.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ManifestError) as caught:
        create_app(Config.load(build_dir=tmp_path, workers=0))
    assert str(caught.value).startswith(f"{manifest}: ")
    assert reason in str(caught.value)


OTHER_BASE = "http://example.org/kg/"


@pytest.fixture(scope="module")
def other_base_app(tmp_path_factory):
    """A build minted under another base than this process's: VoID, DCAT and pages must all follow the build."""
    build = tmp_path_factory.mktemp("other-base")
    dataset = Dataset()
    data = dataset.graph(URIRef(OTHER_BASE + "graph/data"))
    state = URIRef(OTHER_BASE + "id/state/TST")
    data.add((state, RDF.type, URIRef(OTHER_BASE + "ontology#State")))
    data.add((state, RDFS.label, Literal("Testland", lang="en")))
    dataset.serialize(str(build / "graph.nq"), format="nquads")
    (build / "manifest.json").write_text(f'{{"base_iri": "{OTHER_BASE}"}}', encoding="utf-8")
    return create_app(Config.load(build_dir=build, workers=0))


def test_void_dcat_and_pages_use_the_builds_base(other_base_app):
    assert namespaces.BASE != OTHER_BASE
    client = other_base_app.test_client()
    void = Graph().parse(data=client.get("/.well-known/void?format=turtle").get_data(), format="turtle")
    assert set(void.objects(None, VOID.uriSpace)) >= {Literal(OTHER_BASE + "id/")}
    assert set(void.objects(None, VOID.vocabulary)) == {URIRef(OTHER_BASE + "ontology#")}
    dcat = Graph().parse(data=client.get("/download/?format=turtle").get_data(), format="turtle")
    assert set(dcat.subjects(RDF.type, rdflib.namespace.DCAT.Dataset)) == {URIRef(OTHER_BASE + "dataset")}
    page = client.get("/id/state/TST", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "<h1>Testland</h1>" in page.get_data(as_text=True)
