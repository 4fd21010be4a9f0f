"""No server-side request forgery, no file disclosure, no change to the data: for both engines.

A listener the test controls stands in for any host an attacker might point the endpoint at; each
test asserts it was never contacted.
"""

from __future__ import annotations

import hashlib
import re
import socket
import threading
import urllib.parse

import pytest

from budapest_kg.namespaces import BKG, ID

from .web import query_string


class Listener:
    """A TCP socket on a loopback port that counts every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="module")
def listener():
    """One listener for the module: no test may ever contact it, so its count must stay 0 throughout."""
    spy = Listener()
    yield spy
    spy.close()


def call(server, query: str | None = None, *, method: str = "GET", body: bytes | None = None, media=None, **params):
    if query is not None:
        params["query"] = query
    answer = server.request("/sparql" + query_string(params), method=method, body=body, content_type=media)
    return answer.status, answer.text


def graph_sizes(server) -> str:
    """A cheap fingerprint of the data: the number of triples in each named graph."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    status, text = call(server, query, format="csv")
    assert status == 200
    return text


def content_hash(server) -> str:
    """A hash of every quad (blank node labels differ per answer, so they are blanked out)."""
    status, text = call(server, "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", format="tsv")
    assert status == 200
    rows = sorted(re.sub(r"_:\S+", "_:", line) for line in text.splitlines())
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def test_from_a_local_file_leaks_nothing(live_server):
    status, text = call(live_server, "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert status == 400
    assert "FROM <file:///etc/passwd> is not a graph of this dataset" in text
    assert "root:" not in text


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "PREFIX x: <{url}/> ASK FROM x:data {{ ?s ?p ?o }}",
    ],
)
def test_from_a_url_is_refused_and_never_fetched(live_server, listener, query):
    status, text = call(live_server, query.format(url=listener.url))
    assert status == 400
    assert f"<{listener.url}/data" in text
    assert listener.connections == 0


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("target", ["file:///etc/passwd", "listener"])
def test_dataset_parameters_name_only_held_graphs(live_server, listener, parameter, target):
    iri = f"{listener.url}/g" if target == "listener" else target
    status, text = call(live_server, "ASK { ?s ?p ?o }", **{parameter: iri})
    assert status == 400
    assert f"{parameter} <{iri}> is not a graph of this dataset" in text
    assert "root:" not in text
    assert listener.connections == 0


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        "PREFIX r: <{url}/> SELECT * WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }} }} LIMIT 1",
        "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }} }} }}",
        "SELECT * WHERE {{ VALUES ?e {{ <{url}/sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "ASK {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_outside_the_allow_list_is_never_contacted(live_server, listener, query):
    status, text = call(live_server, query.format(url=listener.url))
    assert status == 403
    assert "SERVICE" in text
    assert "allow-list" in text or "fixed IRI" in text
    assert listener.connections == 0


UPDATES = [
    "LOAD <{url}/data.ttl>",
    "LOAD SILENT <{url}/data.ttl> INTO GRAPH <urn:x>",
    "INSERT DATA {{ <urn:a> <urn:b> <urn:c> }}",
    f"DELETE WHERE {{{{ ?s <{BKG.isPartyTo}> <{ID['treaty/ets-185']}> }}}}",
    "DROP ALL",
    "CLEAR DEFAULT",
    "CREATE GRAPH <urn:new>",
]


def send_update(server, text: str, how: str):
    if how == "update-form":
        body = urllib.parse.urlencode({"update": text}).encode()
        return call(server, method="POST", body=body, media="application/x-www-form-urlencoded")
    if how == "update-direct":
        return call(server, method="POST", body=text.encode(), media="application/sparql-update")
    if how == "update-get":
        return call(server, update=text)
    return call(server, text)


HOWS = ["update-form", "update-direct", "update-get", "as-query"]


@pytest.mark.parametrize("update", UPDATES)
@pytest.mark.parametrize("how", HOWS)
def test_every_update_is_403(live_server, listener, update, how):
    # That nothing changed is checked once for all of them, by content hash, in the test below.
    status, body = send_update(live_server, update.format(url=listener.url), how)
    assert status == 403
    assert "read-only and changes only through the build" in body
    assert listener.connections == 0


def test_the_content_hash_is_unchanged_after_every_update(live_server, listener):
    before, sizes = content_hash(live_server), graph_sizes(live_server)
    for update in UPDATES:
        for how in HOWS:
            assert send_update(live_server, update.format(url=listener.url), how)[0] == 403
    assert content_hash(live_server) == before
    assert graph_sizes(live_server) == sizes
    assert listener.connections == 0


def test_a_body_over_the_limit_is_413(live_server):
    from budapest_kg.endpoint.config import Config

    limit = Config.load().max_body_bytes
    query = "ASK { " + "#" * limit + "\n}"
    status, text = call(live_server, method="POST", body=query.encode(), media="application/sparql-query")
    assert status == 413
    assert f"the limit is {limit}" in text


def test_a_non_utf8_charset_is_refused(live_server):
    body = "ASK {}".encode("utf-16")
    status, text = call(live_server, method="POST", body=body, media="application/sparql-query; charset=UTF-16")
    assert status == 415
    assert "UTF-8" in text
