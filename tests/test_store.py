"""The build's on-disk store: the same graph as the N-Quads, opened read-only, then copied into memory."""

from __future__ import annotations

import json

import pytest
from budapest_kg.endpoint.local import OxigraphEngine, open_local
from budapest_kg.endpoint.negotiation import RESULT_FORMATS

from budapest_kg import resources

QUERIES = [
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
    "SELECT ?c (COUNT(?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c",
]


def rows(engine, query: str) -> set[tuple]:
    data = json.loads(engine.query(query).serialize(RESULT_FORMATS[0]))
    return {tuple(sorted((k, v["value"]) for k, v in row.items())) for row in data["results"]["bindings"]}


@pytest.fixture(scope="module")
def from_nquads(build_dir):
    return OxigraphEngine(build_dir / resources.GRAPH_FILE)


def test_the_build_has_a_store_holding_the_same_quads(build_dir, from_nquads):
    assert (build_dir / resources.STORE_DIR).is_dir()
    on_disk = open_local("oxigraph", build_dir)
    assert not on_disk.in_memory.is_set()
    assert len(on_disk) == len(from_nquads)
    assert on_disk.graph_names() == from_nquads.graph_names()
    for query in QUERIES:
        assert rows(on_disk, query) == rows(from_nquads, query)


def test_a_query_worker_moves_to_memory_and_answers_the_same(build_dir, from_nquads):
    engine = open_local("oxigraph", build_dir, in_memory=True)
    before = [rows(engine, query) for query in QUERIES]  # whichever store answers meanwhile
    assert engine.in_memory.wait(timeout=120)
    after = [rows(engine, query) for query in QUERIES]
    assert before == after == [rows(from_nquads, query) for query in QUERIES]
