"""The shapes compiled to SPARQL (shape_queries) report exactly what pyshacl reports."""

from __future__ import annotations

import pytest
from budapest_kg.graph_builder.checks import load_store, validate_with_pyshacl
from budapest_kg.graph_builder.ontology import load_turtle
from budapest_kg.graph_builder.shape_queries import Unsupported, compile_shapes, run_shape_queries
from rdflib import Dataset, Graph

from budapest_kg import resources

from .shape_mutations import mutate, normalise

SHAPES = sorted((resources.PACKAGED.ontology_dir / "shapes").glob("*.ttl"))
PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
"""


@pytest.fixture(scope="module")
def published(build_dir) -> Graph:
    """The union of the graphs of the real build."""
    dataset = Dataset()
    dataset.parse(build_dir / resources.GRAPH_FILE, format="nquads")
    union = Graph()
    for graph in dataset.graphs():
        for triple in graph:
            union.add(triple)
    return union


def both(path, graph: Graph) -> tuple[list[str], list[str]]:
    shapes = load_turtle([path])
    expected = validate_with_pyshacl(path, shapes, graph)
    found = run_shape_queries(load_store([graph]), compile_shapes(shapes))
    return normalise(expected), normalise(found)


@pytest.mark.parametrize("path", SHAPES, ids=lambda p: p.name)
def test_the_real_build_conforms_both_ways(published, path):
    assert both(path, published) == ([], [])


@pytest.mark.parametrize("path", SHAPES, ids=lambda p: p.name)
def test_a_broken_graph_gets_the_same_rows_as_from_pyshacl(published, path):
    broken = mutate(published, load_turtle([path]))
    expected, found = both(path, broken)
    assert len(expected) > 100  # the mutations do break many things
    kinds = {row.split(" message=")[1] for row in expected}
    assert len(kinds) > 20  # ... across most of the shapes' constraints
    missing = [row for row in expected if row not in found]
    extra = [row for row in found if row not in expected]
    assert found == expected, f"missing: {missing[:10]}\nextra: {extra[:10]}"


@pytest.mark.parametrize(
    "turtle",
    [
        "ex:S sh:targetClass ex:C ; sh:closed true .",
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:nodeKind sh:IRI ; sh:message 'm' ] .",
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 , 2 ; sh:message 'm' ] .",
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:or ( [ sh:datatype ex:d ] ) ; sh:message 'm' ] .",
        "ex:S sh:targetNode ex:n ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message 'm' ] .",
    ],
)
def test_shacl_outside_the_compiled_subset_goes_to_pyshacl(turtle):
    with pytest.raises(Unsupported):
        compile_shapes(Graph().parse(data=PREFIXES + turtle, format="turtle"))
