"""Reasoning: the focused OWL RL closure infers exactly what owlrl infers over the whole graph."""

from __future__ import annotations

import gc

import pytest
from budapest_kg.graph_builder import owl_rules
from budapest_kg.graph_builder.build import Inputs, read_inputs
from budapest_kg.graph_builder.collector import without_cyclic_gc
from budapest_kg.graph_builder.derivation import derive
from budapest_kg.graph_builder.derived import derived_triples
from budapest_kg.graph_builder.graphs import union
from budapest_kg.graph_builder.mapping import map_sources
from budapest_kg.graph_builder.reasoning import (
    ReasoningError,
    owl_closure,
    reason,
    schema_of,
    select_for_reasoning,
)
from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from budapest_kg.namespaces import BKG, ELI, ID


@pytest.fixture(scope="module")
def project_graphs() -> tuple[Graph, Graph]:
    """The ontology, and the data with what the treaties' rules derive from it (as the build reasons over)."""
    inputs = Inputs()
    sources, ontology = read_inputs(inputs)
    return ontology, union((map_sources(sources).data, derived_triples(derive(sources, inputs.status_date))))


def differences(expected: Graph, found: Graph) -> str:
    missing = sorted(" ".join(t.n3() for t in triple) for triple in set(expected) - set(found))
    extra = sorted(" ".join(t.n3() for t in triple) for triple in set(found) - set(expected))
    return "missing:\n  " + "\n  ".join(missing[:20]) + "\nextra:\n  " + "\n  ".join(extra[:20])


def test_focused_closure_infers_what_the_naive_closure_infers(project_graphs):
    ontology, data = project_graphs
    # The semi-naive rules cover every construct the 1.0 ontology uses (no fallback to owlrl), so the
    # comparison below is of those rules with owlrl.
    rules = owl_rules.infer(schema_of(ontology, data), [*ontology, *data])
    assert rules is not None
    naive = owl_closure(ontology, data, focused=False)
    focused = owl_closure(ontology, data)
    assert set(focused) == set(naive), differences(naive, focused)
    categories = {o for o in focused.objects(None, RDF.type) if str(o).startswith(str(BKG))}
    # Domains, ranges and sub-classes: every party is an agent, every ratification a consent and an act.
    assert {BKG.Agent, BKG.PartyAct, BKG.ConsentToBeBound, BKG.TreatyEvent} <= categories
    assert set(focused.subject_objects(BKG.isSignatoryOf))  # the property chain over signatures


def test_reasoning_leaves_out_labels_and_literals_no_axiom_reads(project_graphs):
    ontology, data = project_graphs
    selected = select_for_reasoning(ontology, data)
    assert len(selected) < len(ontology) + len(data)
    assert not list(selected.triples((None, RDFS.label, None)))
    assert not list(selected.triples((None, ELI.title, None)))
    assert not list(selected.triples((None, SKOS.exactMatch, None)))
    assert list(selected.triples((None, BKG.iso3166Alpha3, None)))  # it has a domain: the domain rule reads it
    assert list(selected.triples((None, BKG.signatory, None)))


def test_equalities_fall_back_to_the_whole_graph():
    """A functional property makes two things the same: then labels do take part, and must be copied."""
    ontology, data = Graph(), Graph()
    ontology.add((BKG.hasTestTwin, RDF.type, OWL.FunctionalProperty))
    a, b, c = ID["test/a"], ID["test/b"], ID["test/c"]
    data.add((a, BKG.hasTestTwin, b))
    data.add((a, BKG.hasTestTwin, c))
    data.add((b, RDFS.label, Literal("B", lang="en")))
    naive = owl_closure(ontology, data, focused=False)
    focused = owl_closure(ontology, data)
    assert (c, RDFS.label, Literal("B", lang="en")) in focused
    assert set(focused) == set(naive), differences(naive, focused)


def test_a_thing_different_from_itself_is_an_inconsistency():
    data = Graph()
    data.add((ID["state/FRA"], OWL.differentFrom, ID["state/FRA"]))
    with pytest.raises(ReasoningError, match="state/FRA is owl:differentFrom itself"):
        owl_closure(Graph(), data)


def test_the_ontology_makes_a_mistyping_an_inconsistency(project_graphs):
    """The top classes are disjoint (owl:AllDisjointClasses, the last member included): an act typed as a
    treaty, or a State as an international organisation, fails the closure."""
    ontology, _ = project_graphs
    for first, second in ((BKG.TreatyEvent, BKG.Treaty), (BKG.Agent, BKG.TreatyFact),
                          (BKG.State, BKG.Person), (BKG.Norm, BKG.Participation)):  # fmt: skip
        data = Graph()
        data.add((ID["test/thing"], RDF.type, first))
        data.add((ID["test/thing"], RDF.type, second))
        with pytest.raises(ReasoningError, match="inconsistencies"):
            owl_closure(ontology, data)
        with pytest.raises(owl_rules.Inconsistent, match="which are disjoint"):  # by the rules, not owlrl
            owl_rules.infer(schema_of(ontology, data), [*ontology, *data])


def test_disjoint_classes_shared_by_one_thing_are_an_inconsistency():
    ontology, data = Graph(), Graph()
    ontology.add((BKG.Signature, OWL.disjointWith, BKG.Ratification))
    event = ID["event/ets-185/FRA/consent/1"]
    data.add((event, RDF.type, BKG.Signature))
    data.add((event, RDF.type, BKG.Ratification))
    with pytest.raises(ReasoningError, match="inconsistencies"):
        owl_closure(ontology, data)


def test_types_to_anonymous_class_expressions_are_reasoned_over():
    """cls-hv2: a thing typed with a hasValue restriction gets the value, even when the data says so."""
    data = Graph()
    state, restriction = ID["state/FRA"], BNode()
    data.add((restriction, RDF.type, OWL.Restriction))
    data.add((restriction, OWL.onProperty, BKG.isPartyTo))
    data.add((restriction, OWL.hasValue, ID["treaty/ets-185"]))
    data.add((state, RDF.type, restriction))
    focused = owl_closure(Graph(), data)
    assert (state, BKG.isPartyTo, ID["treaty/ets-185"]) in focused
    assert set(focused) == set(owl_closure(Graph(), data, focused=False))


def test_axioms_stated_in_the_data_are_reasoned_over():
    """A sub-property declared in the data, not the ontology, still makes its uses count."""
    ontology, data = Graph(), Graph()
    ontology.add((BKG.actor, RDFS.range, BKG.State))
    data.add((BKG.testWitness, RDFS.subPropertyOf, BKG.actor))
    event, state = ID["event/test/1"], ID["state/FRA"]
    data.add((event, BKG.testWitness, state))
    focused = owl_closure(ontology, data)
    assert (state, RDF.type, BKG.State) in focused
    assert set(focused) == set(owl_closure(ontology, data, focused=False))


def test_the_reasoning_step_adds_the_derived_triples_the_data_does_not_state():
    """reason(): the closure over data and derived triples taken together, and the derived triples
    not stated in the data, computed again here from a union of the graphs."""
    inputs = Inputs()
    sources, ontology = read_inputs(inputs)
    data = map_sources(sources).data
    derived = derived_triples(derive(sources, inputs.status_date))
    expected = set(owl_closure(ontology, union((data, derived)))) | (set(derived) - set(data))
    assert set(derived) & set(data)  # some derived triples are stated already: the case is exercised
    assert set(reason(ontology, data, derived)) == expected


def test_a_derived_triple_a_rule_also_infers_is_kept_once():
    """A derived triple that the closure would also infer is given, so it is not inferred again."""
    ontology, data, derived = Graph(), Graph(), Graph()
    ontology.add((BKG.signatory, RDFS.range, BKG.Agent))
    event, state = ID["event/test/1"], ID["state/FRA"]
    data.add((event, BKG.signatory, state))
    derived.add((state, RDF.type, BKG.Agent))  # also inferred by prp-rng
    derived.add((event, BKG.signatory, state))  # stated in the data: not in the inferred graph
    assert set(reason(ontology, data, derived)) == {(state, RDF.type, BKG.Agent)}


@pytest.mark.parametrize("fails", [False, True])
def test_a_step_without_the_garbage_collector_restores_it(fails):
    @without_cyclic_gc
    def step():
        assert not gc.isenabled()
        if fails:
            raise ValueError("bad input")
        return "done"

    assert gc.isenabled()
    if fails:
        with pytest.raises(ValueError, match="bad input"):
            step()
    else:
        assert step() == "done"
    assert gc.isenabled()
