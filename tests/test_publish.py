"""`budapest-kg publish`: the build into real Graph Store servers (oxigraph serve, Virtuoso), checked by SPARQL."""

from __future__ import annotations

import json
import socket
import urllib.parse
import urllib.request
from collections import defaultdict

import pytest
import rdflib

from budapest_kg import namespaces, publish
from budapest_kg.cli import main

from . import servers

STALE = str(namespaces.GRAPH) + "old-name"


def build_graphs(build_dir) -> dict[str, set[tuple[str, str, str]]]:
    """The build's triples per named graph, read with rdflib (blank nodes left out: they are relabelled)."""
    dataset = rdflib.Dataset()
    dataset.parse(build_dir / "graph.nq", format="nquads")
    graphs: dict[str, set] = defaultdict(set)
    for s, p, o, g in dataset.quads():
        if g is not None and not isinstance(s, rdflib.BNode) and not isinstance(o, rdflib.BNode):
            graphs[str(g)].add((s.n3(), p.n3(), o.n3()))
    return graphs


def stored_graph(server, name: str) -> set[tuple[str, str, str]]:
    """What a Graph Store holds in one graph (GSP GET), without blank nodes."""
    url = server.store_url + "?" + urllib.parse.urlencode({"graph": name})
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=30) as response:
        graph = rdflib.Graph().parse(data=response.read(), format="nt")
    return {(s.n3(), p.n3(), o.n3()) for s, p, o in graph if not isinstance(s, rdflib.BNode | type(None))
            and not isinstance(o, rdflib.BNode)}  # fmt: skip


def graph_counts(server) -> dict[str, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    url = server.query_url + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.loads(response.read())["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


def update(server, text: str) -> None:
    data = urllib.parse.urlencode({"update": text}).encode()
    with urllib.request.urlopen(urllib.request.Request(server.url + "/update", data=data), timeout=30):
        pass


@pytest.fixture
def empty_oxigraph(tmp_path):
    with servers.oxigraph(tmp_path / "oxigraph") as server:
        yield server


def test_publish_puts_every_graph_and_republishing_replaces(build_dir, empty_oxigraph, capsys):
    expected = build_graphs(build_dir)
    assert main(["publish", empty_oxigraph.store_url, "--build-dir", str(build_dir)]) == 0
    assert "published 5 graphs" in capsys.readouterr().err
    for name, triples in expected.items():
        assert stored_graph(empty_oxigraph, name) == triples, name
    counts = graph_counts(empty_oxigraph)
    manifest = json.loads((build_dir / "manifest.json").read_text())
    assert counts == manifest["graphs"]

    # Something changed on the server meanwhile: an extra triple, and a graph the build no longer has.
    data = str(namespaces.DATA_GRAPH)
    update(empty_oxigraph, f"INSERT DATA {{ GRAPH <{data}> {{ <urn:x:a> <urn:x:b> <urn:x:c> }} }}")
    update(empty_oxigraph, f"INSERT DATA {{ GRAPH <{STALE}> {{ <urn:x:a> <urn:x:b> <urn:x:c> }} }}")
    assert main(["publish", empty_oxigraph.store_url, "--build-dir", str(build_dir)]) == 0
    assert f"DELETE <{STALE}>" in capsys.readouterr().err
    assert graph_counts(empty_oxigraph) == counts  # replaced, not added to; the stale graph is gone
    assert stored_graph(empty_oxigraph, data) == expected[data]


def test_publish_to_virtuoso_with_digest_credentials_from_the_environment(
    build_dir, virtuoso_store, monkeypatch, capsys
):
    monkeypatch.setenv(publish.USER_ENV, virtuoso_store.user)
    monkeypatch.setenv(publish.PASSWORD_ENV, virtuoso_store.password)
    assert main(["publish", virtuoso_store.store_url, "--build-dir", str(build_dir)]) == 0
    err = capsys.readouterr().err
    assert f"checked at {virtuoso_store.query_url}" in err  # the query address known for Virtuoso
    counts = graph_counts(virtuoso_store)
    manifest = json.loads((build_dir / "manifest.json").read_text())
    assert {g: n for g, n in counts.items() if g in manifest["graphs"]} == manifest["graphs"]


def test_wrong_password_is_refused_naming_graph_and_status(build_dir, virtuoso_store, capsys):
    code = main(["publish", virtuoso_store.store_url, "--build-dir", str(build_dir), "--user", "dba", "--password",
                 "not-the-password", "--auth", "digest"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    first = next(iter(json.loads((build_dir / "manifest.json").read_text())["graphs"]))
    assert f"graph <{first}>" in err
    assert "401" in err
    assert "NOT complete" in err
    assert "published" not in err


def test_a_server_that_never_answers_is_a_timeout_naming_the_graph(build_dir, capsys):
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/store"
        code = main(["publish", url, "--build-dir", str(build_dir), "--timeout", "0.5"])
    err = capsys.readouterr().err
    assert code == 1
    assert "did not answer within 0.5 s" in err
    assert "graph <" in err
    assert "NOT complete" in err


def test_a_wrong_count_fails_the_publication(build_dir, empty_oxigraph, tmp_path, capsys):
    # The check asks another, empty server: every count is 0, which must not pass for done.
    with servers.oxigraph(tmp_path / "other") as other:
        code = main(["publish", empty_oxigraph.store_url, "--query-url", other.query_url,
                     "--build-dir", str(build_dir)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "counts 0 triples after the upload" in err
    assert "NOT complete" in err
    assert "published" not in err


def test_a_wrong_address_is_refused_with_its_status(build_dir, empty_oxigraph, capsys):
    code = main(["publish", empty_oxigraph.url + "/no-store", "--query-url", empty_oxigraph.query_url,
                 "--build-dir", str(build_dir)])  # fmt: skip
    assert code == 1
    assert "answered 404" in capsys.readouterr().err


def test_an_unknown_store_address_needs_the_query_address(build_dir, capsys):
    assert main(["publish", "http://127.0.0.1:9/some/graphs", "--build-dir", str(build_dir)]) == 2
    assert "--query-url" in capsys.readouterr().err


def test_a_missing_or_inconsistent_build_is_refused(build_dir, tmp_path, capsys):
    assert main(["publish", "http://127.0.0.1:9/store", "--build-dir", str(tmp_path / "none")]) == 1
    assert "no build at" in capsys.readouterr().err
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "graph.nq").write_bytes((build_dir / "graph.nq").read_bytes())
    manifest = json.loads((build_dir / "manifest.json").read_text())
    manifest["graphs"][str(namespaces.DATA_GRAPH)] += 1
    (broken / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(publish.PublishError, match="does not hold the graphs and counts its manifest lists"):
        publish.read_build(broken)


@pytest.mark.parametrize(
    ("store", "query"),
    [
        ("http://h:7878/store", "http://h:7878/query"),
        ("http://h:8890/sparql-graph-crud-auth", "http://h:8890/sparql"),
        ("http://h:8890/sparql-graph-crud", "http://h:8890/sparql"),
        ("http://h:3030/ds/data", "http://h:3030/ds/sparql"),
        ("http://h:7200/repositories/kg/rdf-graphs/service", "http://h:7200/repositories/kg"),
        ("https://h:8182/sparql/gsp/", "https://h:8182/sparql"),
        ("http://h/elsewhere", None),
    ],
)
def test_query_address_beside_known_stores(store, query):
    assert publish.default_query_url(store) == query
