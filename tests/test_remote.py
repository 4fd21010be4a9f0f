"""`serve --remote`: the endpoint over real remote stores (oxigraph serve, Virtuoso) answers as the embedded one.

The stores hold the session's build, put there by `publish` (conftest). Views run through Flask's
test client (a socket adds nothing there); the engine behind them talks HTTP to the real servers.
"""

from __future__ import annotations

import json
import math
import re
import socket
import urllib.parse
import urllib.request

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config

from budapest_kg import namespaces

from . import servers

# Known deviations of Virtuoso 7.2's query engine, documented in docs/deploy.md: members-not-parties
# filters inside an OPTIONAL on variables bound by the catalogue's VALUES, which Virtuoso does not see
# there (it answers every member State; the FILTER NOT EXISTS form fails with its internal error
# SP031); state-profile's FILTER NOT EXISTS does not see a type stated in another graph of the default
# graph (one extra "consent" row for an act typed Ratification in the data graph); regime-overlap's
# FILTER on the catalogue's ?_group and the group its BINDs compute answers every State as "both".
# Queries Virtuoso 7 answers otherwise. The two counts over time compare the days of sub-query results with
# xsd:date values inside expressions, which Virtuoso evaluates as errors (its counts come out 0); the
# counts on one day (party-count, parties) are written so that it answers them right.
VIRTUOSO_DEVIATIONS = {
    "members-not-parties",
    "state-profile",
    "regime-overlap",
    "party-count-timeline",
    "parties-per-year",
}
GROUP_CONCAT = re.compile(r"GROUP_CONCAT\s*\(.*?\)\s*AS\s*\?(\w+)", re.IGNORECASE | re.DOTALL)
NUMERIC = {"http://www.w3.org/2001/XMLSchema#decimal", "http://www.w3.org/2001/XMLSchema#double"}


@pytest.fixture(scope="session")
def embedded(build_dir):
    return create_app(Config.load(build_dir=build_dir, workers=0)).test_client()


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def store(request):
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture(scope="session")
def remote_app(store, tmp_path_factory):
    # No build folder at all: everything the pages and queries show comes from the store.
    config = Config.load(build_dir=tmp_path_factory.mktemp("no-build") / "build", remote=store.query_url)
    app = create_app(config)
    yield app
    app.extensions["bkg_engine"].close()


@pytest.fixture
def remote(remote_app):
    return remote_app.test_client()


def catalogue(client) -> list[dict]:
    return client.get("/queries?format=json").get_json()["queries"]


def arguments(query: dict) -> dict[str, str]:
    """The query's parameters at their defaults; a State where one must be given."""
    return {p["name"]: "FRA" for p in query["params"] if p["type"] == "iso3" and not p["default"]}


def normalised(body: bytes, concatenated: set[str]) -> list:
    """Rows as comparable values: order-free, GROUP_CONCAT lists as sorted words, decimals as floats."""
    data = json.loads(body)
    if "boolean" in data:
        return [data["boolean"]]
    rows = []
    for row in data["results"]["bindings"]:
        values = {}
        for name, term in row.items():
            value = term["value"]
            if name in concatenated:
                value = " ".join(sorted(value.split()))
            elif term.get("datatype") in NUMERIC:
                value = float(value)
            values[name] = (term["type"], value, term.get("datatype"), term.get("xml:lang"))
        rows.append(values)
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def same(left: list, right: list) -> bool:
    if len(left) != len(right):
        return False
    for a, b in zip(left, right, strict=True):
        if isinstance(a, dict) and a.keys() == b.keys():
            for name in a:
                x, y = a[name][1], b[name][1]
                close = isinstance(x, float) and isinstance(y, float) and math.isclose(x, y, rel_tol=1e-12)
                if a[name] != b[name] and not close:
                    return False
        elif a != b:
            return False
    return True


def test_every_catalogue_query_answers_as_on_the_embedded_store(embedded, remote, store):
    queries = catalogue(embedded)
    assert catalogue(remote) == queries
    differing = []
    for query in queries:
        if isinstance(store, servers.Virtuoso) and query["name"] in VIRTUOSO_DEVIATIONS:
            continue
        args = {**arguments(query), "format": "json"}
        want = embedded.get(f"/queries/{query['name']}", query_string=args)
        got = remote.get(f"/queries/{query['name']}", query_string=args)
        assert got.status_code == want.status_code, (query["name"], got.data[:300])
        if want.status_code != 200:  # federated queries: SERVICE is refused on both (nothing allow-listed)
            assert got.data == want.data
            continue
        concatenated = set(GROUP_CONCAT.findall(query["sparql"]))
        if not same(normalised(got.data, concatenated), normalised(want.data, concatenated)):
            differing.append(query["name"])
    assert differing == []


def test_categories_and_class_sizes_are_those_of_the_embedded_store(embedded, remote):
    query = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
    sizes = [client.get("/sparql", query_string={"query": query, "format": "json"}).get_json() for client in
             (embedded, remote)]  # fmt: skip
    want, got = ({r["c"]["value"]: r["n"]["value"] for r in s["results"]["bindings"]} for s in sizes)
    assert got == want
    # The ontology's classes and the categories generated per treaty (…/treaty/ets-185/category/party).
    categories = [c for c in want if c.startswith(str(namespaces.BKG)) or "/category/" in c]
    assert str(namespaces.ID["treaty/ets-185/category/party"]) in categories
    for category in categories:
        members = f"SELECT ?s WHERE {{ ?s a <{category}> }}"
        answers = [client.get("/sparql", query_string={"query": members, "format": "json"}).get_json() for client in
                   (embedded, remote)]  # fmt: skip
        assert {r["s"]["value"] for r in answers[1]["results"]["bindings"]} == {
            r["s"]["value"] for r in answers[0]["results"]["bindings"]
        }, category


def test_health_void_and_service_description_describe_the_store(embedded, remote):
    health = remote.get("/health").get_json()
    assert health["engine"] == "remote"
    assert health["triples"] == embedded.get("/health").get_json()["triples"]
    assert health["graphs"] == embedded.get("/health").get_json()["graphs"]  # the store's system graphs hidden
    for path in ("/.well-known/void", "/sparql"):
        response = remote.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        assert b"void:triples" in response.data


@pytest.mark.parametrize(
    "path", ["/", "/id/treaty/ets-185", "/id/state/FRA", "/graph/data", "/queries", "/download/budapest-kg.nq"]
)
def test_pages_and_linked_data_render_over_the_store(embedded, remote, path):
    got, want = remote.get(path), embedded.get(path)
    assert got.status_code == want.status_code == 200
    if path.startswith("/download/"):
        assert len(got.data.splitlines()) == len(want.data.splitlines())


@pytest.mark.parametrize(
    ("query", "status", "reason"),
    [
        ("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }", 403, "read-only"),
        ("DROP ALL", 403, "read-only"),
        ('DEFINE get:soft "replace" SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }', 400, ""),
        ("SELECT * WHERE { ?s ?p ?o FILTER(bif:contains(?o, 'x')) }", 400, "bif:"),
        ("SELECT * FROM <http://127.0.0.1:9/secret> WHERE { ?s ?p ?o }", 400, "not a graph of this dataset"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 403, "allow-list"),
    ],
)
def test_guards_refuse_before_anything_is_sent(remote, store, query, status, reason):
    response = remote.post("/sparql", data={"query": query})
    assert response.status_code == status
    assert reason.encode() in response.data
    # Asked of the store itself: nothing was written (Virtuoso would run an INSERT sent as a query).
    ask = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:x:g> { ?s ?p ?o } }"
    url = store.query_url + "?" + urllib.parse.urlencode({"query": ask})
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/csv"}), timeout=30) as answer:
        assert answer.read().decode().split()[-1].strip('"') == "0"


def test_a_store_that_does_not_answer_in_time_is_503(remote_app):
    engine = remote_app.extensions["bkg_engine"]
    url, limit = engine.url, engine.timeout
    engine.timeout = 0.5
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        engine.url = f"http://127.0.0.1:{silent.getsockname()[1]}/sparql"
        try:
            response = remote_app.test_client().get("/sparql", query_string={"query": "ASK {}"})
        finally:
            engine.url, engine.timeout = url, limit
    assert response.status_code == 503
    assert b"did not answer within this endpoint's limit" in response.data


def test_a_store_that_fails_is_502_with_its_reason(remote_app, store):
    engine = remote_app.extensions["bkg_engine"]
    url = engine.url
    client = remote_app.test_client()
    try:
        engine.url = store.url + "/no-such-endpoint"
        wrong = client.get("/sparql", query_string={"query": "ASK {}"})
        engine.url = f"http://127.0.0.1:{servers.free_port()}/sparql"  # nothing listens there
        gone = client.get("/sparql", query_string={"query": "ASK {}"})
    finally:
        engine.url = url
    assert wrong.status_code == 502
    assert b"answered 404" in wrong.data
    assert gone.status_code == 502
    assert b"cannot reach the SPARQL store" in gone.data


def test_serve_remote_refuses_a_store_without_the_graphs(tmp_path, capsys):
    from budapest_kg.cli import main

    with servers.oxigraph(tmp_path / "empty") as empty:
        code = main(["serve", "--remote", empty.query_url, "--build-dir", str(tmp_path / "none")])
    assert code == 1
    assert "holds no graph under" in capsys.readouterr().err
