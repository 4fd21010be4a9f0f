"""The query engines behind the endpoint, one interface for both.

``oxigraph`` (default): pyoxigraph's in-process store, loaded once from build/.
``rdflib``: rdflib's SPARQL engine over an in-memory Dataset; the reference for semantics.

The views only see :class:`Engine` and :class:`Answer`; which engine runs is chosen here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

from .negotiation import Format

Kind = Literal["bindings", "boolean", "graph"]
ENGINES = ("oxigraph", "rdflib")


class QueryError(Exception):
    """The query is malformed or cannot be run; the message says why (the parser's words)."""


class UpdateRefused(Exception):
    """The text is a SPARQL Update: the graph changes only through the build."""


@dataclass
class Answer:
    """A query's answer, serialised on demand."""

    kind: Kind
    serialize: callable  # (Format) -> bytes


class Engine(Protocol):
    name: str

    def query(
        self, sparql: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None
    ) -> Answer: ...

    def graph_names(self) -> list[str]: ...

    def __len__(self) -> int: ...


def classify(sparql: str) -> None:
    """Raise UpdateRefused for SPARQL Update text; let queries (valid or not) through."""
    try:
        parseQuery(sparql)
        return
    except Exception:  # noqa: BLE001 - any parse failure means "not a valid query"; test update next
        pass
    try:
        parseUpdate(sparql)
    except Exception:  # noqa: BLE001 - neither query nor update: the engine reports the syntax error
        return
    if sparql.strip():
        raise UpdateRefused("SPARQL Update is not accepted: this graph is read-only and changes only through the build")


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


class OxigraphEngine:
    """pyoxigraph Store in memory; the default graph is the union of the named graphs."""

    name = "oxigraph"

    def __init__(self, nquads: Path):
        self.store = ox.Store()
        self.store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        self._graphs = sorted(g.value for g in self.store.named_graphs())
        self._size = len(self.store)

    def graph_names(self) -> list[str]:
        return list(self._graphs)

    def __len__(self) -> int:
        return self._size

    def query(
        self, sparql: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None
    ) -> Answer:
        classify(sparql)
        options: dict = {}
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            options["use_default_graph_as_union"] = True
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            result = self.store.query(sparql, **options)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc
        if isinstance(result, ox.QueryTriples):
            triples = list(result)
            return Answer("graph", lambda fmt: ox.serialize(triples, format=_OX_GRAPH[fmt.name]))
        if isinstance(result, ox.QueryBoolean):
            return Answer("boolean", lambda fmt: result.serialize(format=_OX_RESULTS[fmt.name]))
        # Solutions are an iterator: serialise once, eagerly, into every requested format lazily from bytes.
        json_bytes = result.serialize(format=ox.QueryResultsFormat.JSON)
        return Answer("bindings", lambda fmt: _convert_results(json_bytes, fmt))


def _convert_results(json_bytes: bytes, fmt: Format) -> bytes:
    if fmt.name == "json":
        return json_bytes
    solutions = ox.parse_query_results(json_bytes, format=ox.QueryResultsFormat.JSON)
    return solutions.serialize(format=_OX_RESULTS[fmt.name])


_RDFLIB_RESULTS = {"json": "json", "xml": "xml", "csv": "csv"}
_RDFLIB_GRAPH = {
    "turtle": "turtle",
    "ntriples": "nt",
    "rdfxml": "xml",
    "jsonld": "json-ld",
    "nquads": "nquads",
    "trig": "trig",
}


class RdflibEngine:
    """rdflib's SPARQL engine over a Dataset whose default graph is the union of the named graphs."""

    name = "rdflib"

    def __init__(self, nquads: Path):
        self.dataset = Dataset(default_union=True)
        self.dataset.parse(str(nquads), format="nquads")
        self._graphs = sorted(
            str(g.identifier) for g in self.dataset.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)
        )
        self._size = len(self.dataset)

    def graph_names(self) -> list[str]:
        return list(self._graphs)

    def __len__(self) -> int:
        return self._size

    def query(
        self, sparql: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None
    ) -> Answer:
        classify(sparql)
        target = self.dataset
        if default_graphs or named_graphs:
            target = Dataset(default_union=False)
            for name in default_graphs or self.graph_names():
                for triple in self.dataset.graph(URIRef(name)):
                    target.add(triple)
            for name in named_graphs or []:
                graph = target.graph(URIRef(name))
                for triple in self.dataset.graph(URIRef(name)):
                    graph.add(triple)
        try:
            result = target.query(sparql)
            if result.type == "CONSTRUCT" or result.type == "DESCRIBE":
                graph = result.graph
                return Answer("graph", lambda fmt: graph.serialize(format=_RDFLIB_GRAPH[fmt.name], encoding="utf-8"))
            kind: Kind = "boolean" if result.type == "ASK" else "bindings"
            json_bytes = result.serialize(format="json")
        except Exception as exc:
            raise QueryError(str(exc)) from exc
        return Answer(kind, lambda fmt: _convert_results(_as_bytes(json_bytes), fmt))


def _as_bytes(value) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, io.BytesIO):
        return value.getvalue()
    return str(value).encode("utf-8")


def open_engine(name: str, build_dir: Path) -> Engine:
    """Load the build in build_dir into the named engine."""
    graph = build_dir / "graph.nq"
    if not graph.is_file():
        raise FileNotFoundError(f"no build at {graph}: run 'budapest-kg build' first")
    if name == "oxigraph":
        return OxigraphEngine(graph)
    if name == "rdflib":
        return RdflibEngine(graph)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
