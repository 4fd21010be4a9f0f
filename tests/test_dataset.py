"""The build's one store (graph_builder/dataset.py): the rules, the checks and the statistics read the
union of named graphs there, as a set, and get what they got from the union loaded on its own."""

from __future__ import annotations

import pytest
from budapest_kg.graph_builder.build import Inputs, read_inputs
from budapest_kg.graph_builder.checks import CheckError, run_checks
from budapest_kg.graph_builder.dataset import Dataset
from budapest_kg.graph_builder.derivation import derive
from budapest_kg.graph_builder.derived import derived_triples
from budapest_kg.graph_builder.graphs import ntriples, union
from budapest_kg.graph_builder.mapping import map_sources
from budapest_kg.graph_builder.reasoning import ReasoningError, apply_rules_in_rdflib, owl_closure
from budapest_kg.graph_builder.statistics import count_statistics
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from budapest_kg import resources
from budapest_kg.namespaces import DATA_GRAPH, ID, INFERRED_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH

EX = "https://example.org/"
SHAPE = f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
<{EX}shape> a sh:NodeShape ; sh:targetClass <{EX}Thing> ;
  sh:property [ sh:path <{EX}p> ; sh:maxCount 1 ; sh:message "at most one p" ] .
"""


def graph_of(*triples) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


@pytest.fixture(scope="module")
def project_graphs() -> tuple[Graph, Graph, Graph]:
    """The ontology, the data (with what the treaties' rules derive) and the closure, as the build has them."""
    inputs = Inputs()
    sources, ontology = read_inputs(inputs)
    data = union((map_sources(sources).data, derived_triples(derive(sources, inputs.status_date))))
    return ontology, data, owl_closure(ontology, data)


def test_rules_in_the_dataset_derive_what_rdflib_derives(project_graphs):
    ontology, data, inferred = project_graphs
    rules = resources.PACKAGED.ontology_dir / "rules"
    texts = {ONTOLOGY_GRAPH: ntriples(ontology), DATA_GRAPH: ntriples(data), INFERRED_GRAPH: ntriples(inferred)}
    dataset = Dataset(texts)
    found = dataset.apply_rules(rules, over=texts, into=INFERRED_GRAPH)
    expected = apply_rules_in_rdflib(rules, ontology, data, inferred)
    assert set(found) == set(expected)
    assert set(found.subjects(RDF.type, ID["treaty/ets-185/category/non-member-party"]))
    assert dataset.sizes()[str(INFERRED_GRAPH)] == len(inferred) + len(found)  # added where they belong


def test_a_broken_rule_names_its_file(tmp_path):
    (tmp_path / "broken.rq").write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p", encoding="utf-8")
    with pytest.raises(ReasoningError, match=r"broken\.rq: rule failed"):
        Dataset({DATA_GRAPH: b""}).apply_rules(tmp_path, over=[DATA_GRAPH], into=INFERRED_GRAPH)


def test_a_triple_in_two_graphs_is_one_triple_of_their_union(tmp_path):
    thing, value = URIRef(f"{EX}a"), URIRef(f"{EX}v")
    stated = graph_of((thing, RDF.type, URIRef(f"{EX}Thing")), (thing, URIRef(f"{EX}p"), value))
    again = graph_of((thing, URIRef(f"{EX}p"), value))
    texts = {DATA_GRAPH: ntriples(stated), LINKS_GRAPH: ntriples(again)}
    dataset = Dataset(texts)
    assert not dataset.disjoint
    (tmp_path / "shapes.ttl").write_text(SHAPE, encoding="utf-8")
    # Read twice, the triple would break sh:maxCount 1 and count twice.
    run_checks(tmp_path, [stated, again], tmp_path, dataset=dataset)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert [int(row["n"].value) for row in dataset.store.query(count, default_graph=dataset.union(texts))] == [2]
    assert dataset.sizes() == {str(DATA_GRAPH): 2, str(LINKS_GRAPH): 1}


def test_checks_over_the_dataset_report_what_they_report_over_the_union(tmp_path):
    things = [URIRef(f"{EX}{n}") for n in "ab"]
    data = graph_of(*((t, RDF.type, URIRef(f"{EX}Thing")) for t in things))
    links = graph_of(*((things[0], URIRef(f"{EX}p"), Literal(n)) for n in "xy"))
    (tmp_path / "shapes.ttl").write_text(SHAPE, encoding="utf-8")
    dataset = Dataset({DATA_GRAPH: ntriples(data), LINKS_GRAPH: ntriples(links)})
    assert dataset.disjoint
    reports = []
    for kwargs in ({}, {"dataset": dataset}):
        with pytest.raises(CheckError) as caught:
            run_checks(tmp_path, [data, links], tmp_path, **kwargs)
        reports.append([str(violation) for violation in caught.value.violations])
    assert reports[0] == reports[1]
    assert "focus=https://example.org/a path=https://example.org/p message=at most one p" in reports[1][0]
    assert {quad.graph_name.value for quad in dataset.store} == {str(DATA_GRAPH), str(LINKS_GRAPH)}  # left clean


def test_a_blank_node_two_graphs_share_stays_one_node():
    node = BNode()
    ontology = graph_of((node, RDF.type, URIRef(f"{EX}Restriction")))
    inferred = graph_of((URIRef(f"{EX}c"), RDFS.subClassOf, node))
    dataset = Dataset({ONTOLOGY_GRAPH: ntriples(ontology), INFERRED_GRAPH: ntriples(inferred)})
    query = f"SELECT ?c WHERE {{ ?c <{RDFS.subClassOf}> ?r . ?r a <{EX}Restriction> }}"
    default = dataset.union([ONTOLOGY_GRAPH, INFERRED_GRAPH])
    assert [row["c"].value for row in dataset.store.query(query, default_graph=default)] == [f"{EX}c"]


def test_statistics_over_the_dataset_are_those_over_the_graphs():
    thing = URIRef(f"{EX}a")
    graphs = {
        DATA_GRAPH: graph_of((thing, RDF.type, URIRef(f"{EX}Thing")), (thing, URIRef(f"{EX}p"), URIRef(f"{EX}b"))),
        LINKS_GRAPH: graph_of((thing, URIRef(f"{EX}sameAs"), URIRef("http://www.wikidata.org/entity/Q1"))),
    }
    dataset = Dataset({name: ntriples(graph) for name, graph in graphs.items()})
    found = count_statistics(graphs, dataset=dataset)
    assert found == count_statistics(graphs)
    assert found["classes"] == {f"{EX}Thing": 1}
    assert [link[1] for link in found["links"]] == ["https://example.org/", "http://www.wikidata.org/"]
