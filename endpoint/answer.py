"""A query's answer as the engines hand it over: plain bytes, converted to the format a client asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pyoxigraph as ox
from rdflib import Graph

from budapest_kg.namespaces import PREFIXES

from .negotiation import Format
from .scratch_graph import scratch_graph

Kind = Literal["bindings", "boolean", "graph"]

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
    # Seconds of CPU the engine spent on the query, when a query worker measured it (inline.py uses it).
    spent: float | None = field(default=None, compare=False)

    def serialize(self, fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
        """The answer in fmt; prefixes (default: the project's) abbreviate IRIs in Turtle, TriG and JSON-LD."""
        if self.kind == "graph":
            return self.serialize_graph(fmt, prefixes or {p: str(ns) for p, ns in PREFIXES.items()})
        if fmt.name == "json":
            return self.payload
        results = ox.parse_query_results(self.payload, format=ox.QueryResultsFormat.JSON)
        return results.serialize(format=_OX_RESULTS[fmt.name])

    def serialize_graph(self, fmt: Format, prefixes: dict[str, str]) -> bytes:
        if fmt.name == "ntriples":
            return self.payload
        if fmt.name == "jsonld":
            # oxigraph writes expanded JSON-LD only; rdflib compacts it with the prefixes as @context.
            with scratch_graph() as graph:
                graph.parse(data=self.payload.decode("utf-8"), format="nt")
                return compact_jsonld(graph, prefixes)
        triples = ox.parse(self.payload, format=ox.RdfFormat.N_TRIPLES)
        if fmt.name in ("turtle", "trig"):
            return ox.serialize(triples, format=_OX_GRAPH[fmt.name], prefixes=prefixes)
        return ox.serialize(triples, format=_OX_GRAPH[fmt.name])


def compact_jsonld(graph: Graph, prefixes: dict[str, str]) -> bytes:
    """JSON-LD with the prefixes as its @context, so properties and types read as bkg:isPartyTo, not full IRIs."""
    return graph.serialize(format="json-ld", context=dict(prefixes), encoding="utf-8")
