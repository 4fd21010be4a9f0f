"""The query engines behind the endpoint, one interface for both.

``oxigraph`` (default): pyoxigraph's in-process store, loaded once from build/.
``rdflib``: rdflib's SPARQL engine over an in-memory Dataset; the reference for semantics.

Either runs in this process (the CLI) or in a pool of worker processes that can be killed when a
query runs past the time limit (the server; see worker.py). The views only see :class:`Engine` and
:class:`Answer`; which engine runs, and where, is chosen here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import pyoxigraph as ox
import rdflib.plugins.sparql
from rdflib import Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from budapest_kg.namespaces import PREFIXES as _NAMESPACES

from .guard import (
    QueryError,
    ServiceRefused,
    UnknownGraph,
    UpdateRefused,
    check_dataset,
    check_query,
    refuse_update,
)
from .limits import CappedBuffer, EngineBusy, EngineFailure, QueryTimeout, ResultTooLarge, cap
from .negotiation import Format

__all__ = [
    "ENGINES",
    "Answer",
    "Engine",
    "EngineBusy",
    "EngineFailure",
    "QueryError",
    "QueryTimeout",
    "RemoteFailure",
    "ResultTooLarge",
    "ServiceRefused",
    "UnknownGraph",
    "UpdateRefused",
    "open_engine",
]

Kind = Literal["bindings", "boolean", "graph"]
PREFIXES = {prefix: str(namespace) for prefix, namespace in _NAMESPACES.items()}
ENGINES = ("oxigraph", "rdflib")


class RemoteFailure(Exception):
    """An allow-listed SERVICE endpoint failed or could not be reached."""


_OX_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_OX_GRAPH = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


@dataclass(frozen=True)
class Answer:
    """A query's answer: SPARQL JSON results (bindings, boolean) or N-Triples (graph), converted on demand.

    Plain bytes so that an answer crosses a process boundary cheaply.
    """

    kind: Kind
    payload: bytes

    def serialize(self, fmt: Format) -> bytes:
        if self.kind == "graph":
            if fmt.name == "ntriples":
                return self.payload
            triples = ox.parse(self.payload, format=ox.RdfFormat.N_TRIPLES)
            if fmt.name in ("turtle", "trig"):
                return ox.serialize(triples, format=_OX_GRAPH[fmt.name], prefixes=PREFIXES)
            return ox.serialize(triples, format=_OX_GRAPH[fmt.name])
        if fmt.name == "json":
            return self.payload
        results = ox.parse_query_results(self.payload, format=ox.QueryResultsFormat.JSON)
        return results.serialize(format=_OX_RESULTS[fmt.name])


class Engine(Protocol):
    name: str

    def query(
        self,
        sparql: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        capped: bool = True,
    ) -> Answer:
        """Answer a query. capped=False lifts the result-size limit, for the site's own lookups only."""

    def graph_names(self) -> list[str]: ...

    def __len__(self) -> int: ...


class LocalEngine:
    """What both in-process engines share: the graphs they hold, their size and the limits they apply."""

    name = ""

    def __init__(self, graphs: Iterable[str], size: int, allowlist: Iterable[str], max_result_bytes: int | None):
        self._graphs = sorted(graphs)
        self._held = set(self._graphs)
        self._size = size
        self.allowlist = frozenset(allowlist)
        self.max_result_bytes = max_result_bytes

    def graph_names(self) -> list[str]:
        return list(self._graphs)

    def __len__(self) -> int:
        return self._size

    def check(self, sparql: str, default_graphs: list[str] | None, named_graphs: list[str] | None) -> None:
        """Refuse unknown dataset graphs, SERVICE off the allow-list and updates before the engine runs."""
        check_dataset(default_graphs, named_graphs, self._held)
        check_query(sparql, self._held, self.allowlist)


class OxigraphEngine(LocalEngine):
    """pyoxigraph Store in memory; the default graph is the union of the named graphs."""

    name = "oxigraph"

    def __init__(self, nquads: Path, allowlist: Iterable[str] = (), max_result_bytes: int | None = None):
        self.store = ox.Store()
        self.store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        graphs = [g.value for g in self.store.named_graphs()]
        super().__init__(graphs, len(self.store), allowlist, max_result_bytes)

    def query(
        self,
        sparql: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        capped: bool = True,
    ) -> Answer:
        self.check(sparql, default_graphs, named_graphs)
        options: dict = {"base_iri": base_iri}
        if default_graphs or named_graphs:
            # A protocol dataset is exactly the graphs it names: an empty default graph (the store's own
            # default graph holds nothing) or no named graphs when only the other parameter is given.
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []] or ox.DefaultGraph()
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
        else:
            options["use_default_graph_as_union"] = True
        try:
            result = self.store.query(sparql, **options)
        except SyntaxError as exc:
            refuse_update(sparql)
            raise QueryError(str(exc)) from exc
        except OSError as exc:  # a SERVICE call failed before the first solution
            raise RemoteFailure(str(exc)) from exc
        buffer = CappedBuffer(self.max_result_bytes if capped else None)
        try:
            if isinstance(result, ox.QueryTriples):
                ox.serialize(result, buffer, format=ox.RdfFormat.N_TRIPLES)
                return Answer("graph", buffer.getvalue())
            result.serialize(buffer, format=ox.QueryResultsFormat.JSON)
        except OSError as exc:  # solutions are lazy: a SERVICE call may fail while they are written
            raise RemoteFailure(str(exc)) from exc
        return Answer("boolean" if isinstance(result, ox.QueryBoolean) else "bindings", buffer.getvalue())


class RdflibEngine(LocalEngine):
    """rdflib's SPARQL engine over a Dataset whose default graph is the union of the named graphs."""

    name = "rdflib"

    def __init__(self, nquads: Path, allowlist: Iterable[str] = (), max_result_bytes: int | None = None):
        # rdflib would otherwise fetch every FROM <iri> over the network or from a file; here FROM only
        # picks graphs the dataset holds (and guard.py has already refused the others).
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        self.dataset = Dataset(default_union=True)
        self.dataset.parse(str(nquads), format="nquads")
        graphs = [
            str(g.identifier) for g in self.dataset.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)
        ]
        super().__init__(graphs, len(self.dataset), allowlist, max_result_bytes)

    def query(
        self,
        sparql: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        capped: bool = True,
    ) -> Answer:
        self.check(sparql, default_graphs, named_graphs)
        target = self.dataset
        if default_graphs or named_graphs:
            target = Dataset(default_union=False)
            for name in default_graphs or []:
                for triple in self.dataset.graph(URIRef(name)):
                    target.add(triple)
            for name in named_graphs or []:
                graph = target.graph(URIRef(name))
                for triple in self.dataset.graph(URIRef(name)):
                    graph.add(triple)
        try:
            if target is self.dataset:
                result = target.query(sparql, base=base_iri)
            else:
                result = target.query(without_dataset(sparql, base_iri))
            if result.type in ("CONSTRUCT", "DESCRIBE"):
                kind: Kind = "graph"
                payload = result.graph.serialize(format="nt", encoding="utf-8")
            else:
                kind = "boolean" if result.type == "ASK" else "bindings"
                payload = result.serialize(format="json")
        except OSError as exc:  # urllib errors from an allow-listed SERVICE
            raise RemoteFailure(str(exc)) from exc
        except Exception as exc:  # rdflib raises many types for a bad query; all are the client's
            refuse_update(sparql)
            raise QueryError(str(exc)) from exc
        return Answer(
            kind,
            cap(
                payload if isinstance(payload, bytes) else str(payload).encode(),
                self.max_result_bytes if capped else None,
            ),
        )


def without_dataset(sparql: str, base_iri: str | None):
    """The query, translated, with its FROM/FROM NAMED dropped: a protocol dataset overrides the query's."""
    query = translateQuery(parseQuery(sparql), base=base_iri)
    query.algebra["datasetClause"] = None
    return query


def open_local(
    name: str, build_dir: Path, allowlist: Iterable[str] = (), max_result_bytes: int | None = None
) -> OxigraphEngine | RdflibEngine:
    """Load the build in build_dir into the named engine, in this process."""
    graph = build_dir / "graph.nq"
    if not graph.is_file():
        raise FileNotFoundError(f"no build at {graph}: run 'budapest-kg build' first")
    if name == "oxigraph":
        return OxigraphEngine(graph, allowlist, max_result_bytes)
    if name == "rdflib":
        return RdflibEngine(graph, allowlist, max_result_bytes)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")


def open_engine(
    name: str,
    build_dir: Path,
    *,
    workers: int = 0,
    timeout: float | None = None,
    allowlist: Iterable[str] = (),
    max_result_bytes: int | None = None,
    service_timeout: float | None = None,
) -> Engine:
    """The named engine over build_dir: in this process, or (workers > 0) in a pool of worker processes
    where a query past `timeout` seconds is stopped by killing its worker."""
    if workers <= 0:
        return open_local(name, build_dir, allowlist, max_result_bytes)
    from .worker import WorkerPool  # the pool imports this module in each worker

    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    return WorkerPool(
        name,
        build_dir,
        size=workers,
        timeout=timeout,
        allowlist=allowlist,
        max_result_bytes=max_result_bytes,
        service_timeout=service_timeout,
    )
