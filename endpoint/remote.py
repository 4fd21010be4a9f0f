"""The remote engine: every query goes on to a SPARQL 1.1 Protocol endpoint (``serve --remote QUERY_URL``).

The store there (``oxigraph serve``, Virtuoso, Fuseki, GraphDB, Neptune, …) holds the graphs that
``budapest-kg publish`` put into it. The guards run here, before anything is sent: dataset IRIs
must name graphs of this project, SERVICE only to the allow-list, and the text must be a plain
SPARQL 1.1 query (no Update, no vendor pragma or function; see guard.check_forwardable).

The dataset is always stated, never left to the store: the default graph is the union of the
project's graphs and the named graphs are exactly those, sent as ``default-graph-uri`` and
``named-graph-uri``. A store's own default graph (Virtuoso's is the union of all its graphs plus
~2.5k system triples) and its other graphs are never seen. A side of a dataset that must be empty
names a graph that holds nothing (EMPTY_GRAPH): the protocol cannot say "no graph".

Answers are checked and normalised with pyoxigraph (Virtuoso's ``typed-literal`` and ``nodeID://``
blank nodes included), so the views get the same bytes whichever engine answered. The time limit is
the client's: no answer within it is a 503 (QueryTimeout); a store that fails, refuses or answers
something that is not SPARQL is a 502 naming the store and its reason (StoreFailure).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterable
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from budapest_kg import namespaces

from .answer import Answer
from .dialect import boolean_variables, is_virtuoso, standard_json
from .faults import QueryError, QueryTimeout, StoreFailure
from .guard import check_dataset, check_forwardable, check_query, code_of, mentions_dataset_or_service, parse_query
from .limits import CappedBuffer, too_large

FORM = "application/x-www-form-urlencoded"
RESULTS_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
# A graph name no store holds: the empty side of a protocol dataset.
EMPTY_GRAPH = "urn:x-budapest-kg:empty-graph"
# Raw bytes read from the store before giving up: its dialect may be more verbose than the answer sent.
RAW_FACTOR = 4
_FORM = re.compile(r"(?<![\w?$:@\-])(select|construct|describe|ask)(?![\w:\-])", re.IGNORECASE)


class RemoteEngine:
    """The Engine interface over a remote SPARQL endpoint holding the project's named graphs."""

    name = "remote"

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 5.0,
        allowlist: Iterable[str] = (),
        max_result_bytes: int | None = None,
    ):
        self.url = url
        self.timeout = timeout
        self.allowlist = frozenset(allowlist)
        self.max_result_bytes = max_result_bytes
        self._local = threading.local()
        self._clients: list[httpx.Client] = []
        self._lock = threading.Lock()
        self.virtuoso = False  # its dialect (dialect.py) is read back when its Server header says so
        self._sizes = self.find_graphs()
        self._held = set(self._sizes)

    def graph_names(self) -> list[str]:
        return sorted(self._sizes)

    def __len__(self) -> int:
        return sum(self._sizes.values())

    def find_graphs(self) -> dict[str, int]:
        """The project's graphs in the store (under its graph namespace) and their sizes; StoreFailure if none."""
        space = str(namespaces.GRAPH)
        query = (
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f'FILTER(STRSTARTS(STR(?g), "{space}")) }} GROUP BY ?g'
        )
        answer = self.send([("query", query)], RESULTS_ACCEPT, capped=False)
        rows = json.loads(answer.payload)["results"]["bindings"]
        sizes = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
        if not sizes:
            raise StoreFailure(
                f"the SPARQL store at {self.url} holds no graph under <{space}>: publish the build into it first "
                "(budapest-kg publish STORE_URL)"
            )
        return sizes

    def query(
        self,
        sparql: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        capped: bool = True,
    ) -> Answer:
        check_dataset(default_graphs, named_graphs, self._held)
        check_query(sparql, self._held, self.allowlist)
        check_forwardable(sparql)
        defaults, named = self.dataset(sparql, default_graphs, named_graphs)
        # BASE first: relative IRIs resolve against this endpoint, as with the in-process engines.
        text = f"BASE <{base_iri}> {sparql}" if base_iri else sparql
        fields = [("query", text)]
        fields += [("default-graph-uri", g) for g in defaults] + [("named-graph-uri", g) for g in named]
        if query_form(sparql) in ("construct", "describe"):
            return self.send(fields, GRAPH_ACCEPT, capped)
        return self.send(fields, RESULTS_ACCEPT, capped, boolean_variables(sparql) if self.virtuoso else frozenset())

    def dataset(
        self, sparql: str, default_graphs: list[str] | None, named_graphs: list[str] | None
    ) -> tuple[list[str], list[str]]:
        """The dataset to state: the protocol's, else the query's FROM / FROM NAMED, else the project's graphs."""
        if not (default_graphs or named_graphs) and mentions_dataset_or_service(sparql):
            default_graphs, named_graphs = query_dataset(sparql)
        if default_graphs or named_graphs:
            return default_graphs or [EMPTY_GRAPH], named_graphs or [EMPTY_GRAPH]
        graphs = self.graph_names()
        return graphs, graphs

    def send(
        self, fields: list[tuple[str, str]], accept: str, capped: bool, booleans: frozenset[str] = frozenset()
    ) -> Answer:
        """POST the query; the answer checked and normalised; every failure as the fault it is."""
        limit = self.max_result_bytes if capped else None
        content_type, body = self.fetch(fields, accept, None if limit is None else limit * RAW_FACTOR)
        if accept == GRAPH_ACCEPT:
            return self.read_graph(content_type, body, limit)
        return self.read_results(standard_json(body, booleans, self.virtuoso), limit)

    def fetch(self, fields: list[tuple[str, str]], accept: str, raw_limit: int | None) -> tuple[str, bytes]:
        """The store's content type and body; the time limit covers the whole answer, not each read."""
        deadline = time.monotonic() + self.timeout
        client = self.client()
        headers = {"Accept": accept, "Content-Type": FORM}
        form = urlencode(fields)
        request = client.build_request("POST", self.url, content=form, headers=headers, timeout=self.timeout)
        try:
            response = client.send(request, stream=True)
            try:
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if raw_limit is not None and size > raw_limit:
                        raise too_large(raw_limit // RAW_FACTOR)
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("the answer was still arriving")
                    chunks.append(chunk)
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            raise QueryTimeout(
                f"the SPARQL store at {self.url} did not answer within this endpoint's limit of {self.timeout:g} s; "
                "the query was abandoned"
            ) from exc
        except httpx.HTTPError as exc:
            raise StoreFailure(f"cannot reach the SPARQL store at {self.url}: {exc}") from exc
        body = b"".join(chunks)
        self.virtuoso = is_virtuoso(response.headers.get("server", ""))
        check_status(self.url, response, body)
        return response.headers.get("content-type", ""), body

    def read_results(self, body: bytes, limit: int | None) -> Answer:
        try:
            results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreFailure(
                f"the SPARQL store at {self.url} answered with broken SPARQL JSON results: {exc}"
            ) from exc
        buffer = CappedBuffer(limit)
        results.serialize(buffer, format=ox.QueryResultsFormat.JSON)
        return Answer("boolean" if isinstance(results, ox.QueryBoolean) else "bindings", buffer.getvalue())

    def read_graph(self, content_type: str, body: bytes, limit: int | None) -> Answer:
        media = content_type.split(";", 1)[0].strip()
        fmt = ox.RdfFormat.from_media_type(media) if media else None
        if fmt is None:
            raise StoreFailure(f"the SPARQL store at {self.url} answered a graph query with {media or 'no type'}")
        buffer = CappedBuffer(limit)
        try:
            ox.serialize(ox.parse(body, format=fmt), buffer, format=ox.RdfFormat.N_TRIPLES)
        except SyntaxError as exc:
            raise StoreFailure(f"the SPARQL store at {self.url} answered with broken {media}: {exc}") from exc
        return Answer("graph", buffer.getvalue())

    def client(self) -> httpx.Client:
        """This thread's client: its own kept-alive connection to the store."""
        client = getattr(self._local, "client", None)
        if client is None:
            client = httpx.Client()
            self._local.client = client
            with self._lock:
                self._clients.append(client)
        return client

    def close(self) -> None:
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close()


def query_form(sparql: str) -> str:
    """select, construct, describe or ask: the first query-form keyword outside IRIs, strings and comments."""
    found = _FORM.search(code_of(sparql))
    return found.group(1).lower() if found else "select"


def query_dataset(sparql: str) -> tuple[list[str], list[str]]:
    """The query's own FROM and FROM NAMED graphs (already checked by guard.check_query)."""
    defaults: list[str] = []
    named: list[str] = []
    for clause in parse_query(sparql).algebra.get("datasetClause") or ():
        if dict.get(clause, "default") is not None:
            defaults.append(str(clause["default"]))
        if dict.get(clause, "named") is not None:
            named.append(str(clause["named"]))
    return defaults, named


def check_status(url: str, response: httpx.Response, body: bytes) -> None:
    """A 400 is the query's fault (the store's words); any other failure, or a cut answer, is the store's."""
    reason = " ".join(body[:400].decode("utf-8", "replace").split())
    if response.status_code == 400:
        raise QueryError(f"the SPARQL store refused it: {reason}")
    if response.status_code != 200:
        raise StoreFailure(
            f"the SPARQL store at {url} answered {response.status_code} {response.reason_phrase}: {reason}"
        )
    # Virtuoso cuts an answer at its ResultSetMaxRows, or at its own time budget, and still says 200.
    if "x-sparql-maxrows" in response.headers or "x-sql-state" in response.headers:
        rows, state = response.headers.get("x-sparql-maxrows", "-"), response.headers.get("x-sql-state", "-")
        raise StoreFailure(
            f"the SPARQL store at {url} cut its answer (X-SPARQL-MaxRows: {rows}, X-SQL-State: {state}); "
            "raise its ResultSetMaxRows or narrow the query"
        )
