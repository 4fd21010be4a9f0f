"""A query's answer as the engines hand it over: plain bytes, converted to the format a client asks for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

from budapest_kg.namespaces import PREFIXES

from .negotiation import Format

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

    def serialize(self, fmt: Format) -> bytes:
        if self.kind == "graph":
            return self.serialize_graph(fmt)
        if fmt.name == "json":
            return self.payload
        results = ox.parse_query_results(self.payload, format=ox.QueryResultsFormat.JSON)
        return results.serialize(format=_OX_RESULTS[fmt.name])

    def serialize_graph(self, fmt: Format) -> bytes:
        if fmt.name == "ntriples":
            return self.payload
        triples = ox.parse(self.payload, format=ox.RdfFormat.N_TRIPLES)
        if fmt.name in ("turtle", "trig"):
            prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
            return ox.serialize(triples, format=_OX_GRAPH[fmt.name], prefixes=prefixes)
        return ox.serialize(triples, format=_OX_GRAPH[fmt.name])
