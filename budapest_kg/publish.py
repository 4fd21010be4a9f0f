"""Publish a build into a SPARQL 1.1 Graph Store Protocol server, graph by graph, then check it by SPARQL.

Each named graph of the build is sent with ``PUT <store>?graph=<name>``: the server replaces the graph,
so publishing again never duplicates a triple. Graphs in the project's graph namespace that the
build no longer has are deleted, so the store holds exactly the build. Then one SPARQL ``COUNT`` per
graph, at the server's query address, must equal the build's manifest; only then is the publication
reported as done. Every failure names the graph, the address and the status.

The protocol has no transaction across graphs: a failure half-way leaves some graphs new and some
old, and says which; publishing again repairs it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import namespaces, resources

if TYPE_CHECKING:  # httpx is imported when something is published: the command line starts without it
    import httpx

USER_ENV = "BKG_PUBLISH_USER"
PASSWORD_ENV = "BKG_PUBLISH_PASSWORD"
AUTH_SCHEMES = ("auto", "basic", "digest")
NTRIPLES = "application/n-triples"
RESULTS_JSON = "application/sparql-results+json"
DONE = (200, 201, 204)

# The graph-store address of each known server, and the query address beside it. Fuseki, GraphDB and
# Neptune are listed from their documentation; Oxigraph and Virtuoso are tested in tests/test_publish.py.
QUERY_ADDRESSES = (
    (re.compile(r"/store/?$"), "/query"),  # Oxigraph: /store and /query
    (re.compile(r"/sparql-graph-crud(-auth)?/?$"), "/sparql"),  # Virtuoso
    (re.compile(r"/(data|get)/?$"), "/sparql"),  # Apache Jena Fuseki: /ds/data and /ds/sparql
    (re.compile(r"/rdf-graphs/service/?$"), ""),  # GraphDB (RDF4J): /repositories/R/rdf-graphs/service
    (re.compile(r"/sparql/gsp/?$"), "/sparql"),  # Amazon Neptune
)


class PublishError(Exception):
    """Publishing failed; the message names the graph, the address and what the server said."""


@dataclass(frozen=True)
class Graph:
    """One named graph of the build, as the N-Triples document that replaces it on the server."""

    name: str
    triples: int
    body: bytes


@dataclass(frozen=True)
class Target:
    """Where to publish: the graph-store address, the query address, credentials and patience."""

    store_url: str
    query_url: str
    user: str | None = None
    password: str | None = None
    auth: str = "auto"
    timeout: float = 60.0

    def client(self) -> httpx.Client:
        import httpx

        from .publish_auth import make_auth

        check_scheme(self.auth)
        return httpx.Client(auth=make_auth(self.user, self.password, self.auth), timeout=self.timeout)


@dataclass(frozen=True)
class Published:
    graphs: list[Graph]
    deleted: list[str]

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)


def default_query_url(store_url: str) -> str | None:
    """The SPARQL query address beside a known server's graph-store address; None when unknown."""
    base, _, _ = store_url.partition("?")
    for pattern, replacement in QUERY_ADDRESSES:
        if pattern.search(base):
            return pattern.sub(replacement, base)
    return None


def check_scheme(scheme: str) -> None:
    if scheme not in AUTH_SCHEMES:
        raise PublishError(f"unknown authentication scheme {scheme!r}; choose one of {', '.join(AUTH_SCHEMES)}")


def read_build(build_dir: Path) -> list[Graph]:
    """The build's named graphs as N-Triples documents, checked against its manifest."""
    nquads, manifest_file = build_dir / resources.GRAPH_FILE, build_dir / resources.MANIFEST_FILE
    if not nquads.is_file():
        raise PublishError(f"no build at {nquads}: run 'budapest-kg build' first")
    try:
        expected = json.loads(manifest_file.read_text(encoding="utf-8"))["graphs"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PublishError(f"{manifest_file}: cannot read the graphs of the build's manifest ({exc}); rebuild") from exc
    grouped: dict[str, list[ox.Triple]] = {}
    try:
        for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise PublishError(f"{nquads}: a triple outside any named graph ({quad}); rebuild")
            grouped.setdefault(quad.graph_name.value, []).append(quad.triple)
    except SyntaxError as exc:
        raise PublishError(f"{nquads}: not valid N-Quads ({exc}); rebuild") from exc
    if {name: len(triples) for name, triples in grouped.items()} != expected:
        raise PublishError(f"{nquads} does not hold the graphs and counts its manifest lists; rebuild")
    check_blank_nodes(grouped)
    return [  # in the manifest's order: the ontology first
        Graph(name, len(grouped[name]), ox.serialize(grouped[name], format=ox.RdfFormat.N_TRIPLES)) for name in expected
    ]


def check_blank_nodes(grouped: dict[str, list[ox.Triple]]) -> None:
    """Refuse a build whose graphs share a blank node: each PUT is its own document, so they would split."""
    seen: dict[ox.BlankNode, str] = {}
    for name, triples in grouped.items():
        for triple in triples:
            for term in (triple.subject, triple.object):
                if isinstance(term, ox.BlankNode) and seen.setdefault(term, name) != name:
                    raise PublishError(
                        f"graphs <{seen[term]}> and <{name}> share the blank node {term}: "
                        "the Graph Store Protocol would make two nodes of it"
                    )


def publish(build_dir: Path, target: Target, report: Callable[[str], None] = lambda _: None) -> Published:
    """Replace each graph of the build on the server, drop the project's graphs the build lacks, check counts."""
    graphs = read_build(build_dir)
    done: list[str] = []
    with target.client() as client:
        try:
            for graph in graphs:
                put_graph(client, target, graph)
                done.append(graph.name)
                report(f"  PUT <{graph.name}>: {graph.triples} triples")
            deleted = delete_stale(client, target, {g.name for g in graphs})
            for name in deleted:
                report(f"  DELETE <{name}>: a graph of this project that the build no longer has")
            for graph in graphs:
                found = count_triples(client, target.query_url, graph.name)
                if found != graph.triples:
                    raise PublishError(
                        f"graph <{graph.name}>: {target.query_url} counts {found} triples after the upload; "
                        f"the build has {graph.triples}"
                    )
        except PublishError as exc:
            raise PublishError(f"{exc}\n{describe_partial(done, graphs)}") from exc
    return Published(graphs, deleted)


def describe_partial(done: list[str], graphs: list[Graph]) -> str:
    """What a failed publication left behind, so nobody mistakes it for done."""
    rest = [g.name for g in graphs if g.name not in done]
    lines = ["the publication is NOT complete:"]
    lines.append("  replaced: " + (", ".join(f"<{n}>" for n in done) or "none"))
    lines.append("  not replaced: " + (", ".join(f"<{n}>" for n in rest) or "none"))
    lines.append("  run publish again once the cause is fixed: every graph is replaced again")
    return "\n".join(lines)


def put_graph(client: httpx.Client, target: Target, graph: Graph) -> None:
    response = send(client, "PUT", target.store_url, graph.name, content=graph.body, headers={"Content-Type": NTRIPLES})
    if response.status_code not in DONE:
        raise PublishError(f"graph <{graph.name}>: {refusal(target.store_url, response)}")


def delete_stale(client: httpx.Client, target: Target, keep: Iterable[str]) -> list[str]:
    """Delete the graphs under the project's graph namespace that are not in the build; their names."""
    namespace = str(namespaces.GRAPH)
    query = f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{namespace}")) }}'
    stale = sorted({row["g"] for row in select(client, target.query_url, query, "(listing graphs)")} - set(keep))
    for name in stale:
        response = send(client, "DELETE", target.store_url, name)
        if response.status_code not in (*DONE, 404):
            raise PublishError(f"graph <{name}> (no longer in the build): {refusal(target.store_url, response)}")
    return stale


def count_triples(client: httpx.Client, query_url: str, graph: str) -> int:
    rows = select(client, query_url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", graph)
    try:
        return int(rows[0]["n"])
    except (IndexError, KeyError, ValueError) as exc:
        raise PublishError(f"graph <{graph}>: {query_url} did not answer the count with a number: {rows!r}") from exc


def select(client: httpx.Client, query_url: str, query: str, what: str) -> list[dict[str, str]]:
    """A SELECT's rows as plain values; any SPARQL JSON dialect (Virtuoso's typed-literal too)."""
    import httpx

    label = f"graph <{what}>" if not what.startswith("(") else what
    try:
        response = client.post(query_url, data={"query": query}, headers={"Accept": RESULTS_JSON})
    except httpx.TimeoutException as exc:
        raise PublishError(f"{label}: {query_url} did not answer within {client.timeout.read} s") from exc
    except httpx.HTTPError as exc:
        raise PublishError(f"{label}: cannot reach {query_url}: {exc}") from exc
    if response.status_code != 200:
        raise PublishError(f"{label}: {refusal(query_url, response)}")
    try:
        bindings = response.json()["results"]["bindings"]
        return [{name: term["value"] for name, term in row.items()} for row in bindings]
    except (ValueError, KeyError, TypeError) as exc:
        raise PublishError(f"{label}: {query_url} answered without SPARQL JSON results{excerpt(response)}") from exc


def send(client: httpx.Client, method: str, store_url: str, graph: str, **kwargs) -> httpx.Response:
    import httpx

    try:
        return client.request(method, store_url, params={"graph": graph}, **kwargs)
    except httpx.TimeoutException as exc:
        raise PublishError(f"graph <{graph}>: {store_url} did not answer within {client.timeout.read} s") from exc
    except httpx.HTTPError as exc:
        raise PublishError(f"graph <{graph}>: cannot reach {store_url}: {exc}") from exc


def refusal(url: str, response: httpx.Response) -> str:
    return f"{url} answered {response.status_code} {response.reason_phrase}{excerpt(response)}"


def excerpt(response: httpx.Response, limit: int = 300) -> str:
    """The start of the server's own explanation, on one line."""
    text = " ".join(response.text.split())
    if not text:
        return ""
    return ": " + (text if len(text) <= limit else text[:limit] + "…")
