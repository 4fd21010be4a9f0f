"""Reasoning: the OWL 2 RL closure (owlrl); the closed-world rules run in dataset.Dataset.apply_rules.

Inferred triples go into their own graph. Only triples about the graph's things are kept: owlrl
also materialises reflexive owl:sameAs, owl:Thing types, types to blank restriction classes and the
schema's own entailments, which are noise for users.

owlrl runs every rule on every triple in every cycle, so its time grows with the size of the graph
it is given, not with what it infers. The closure is therefore computed over the axioms and only
the data triples an OWL RL rule can fire on (see ``select_for_reasoning``); labels, titles, codes
and other triples whose predicate no axiom mentions cannot take part in any inference, except by
owl:sameAs, and when the closure derives a sameAs between two different things the full graph is
reasoned over instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain
from pathlib import Path

import owlrl
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from budapest_kg.namespaces import ID

from . import owl_rules
from .collector import without_cyclic_gc
from .graphs import FAST_STORE, new_graph, union

OWLRL_ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
NOISE_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}
# Looked up once: is_useful runs on every inferred triple (rdflib's namespace attributes cost a call each).
THINGS, TYPE, SAME_AS, SUB_CLASS_OF = str(ID), RDF.type, OWL.sameAs, RDFS.subClassOf
# RDF, RDFS and OWL terms that annotate rather than constrain: no OWL RL rule reads them.
ANNOTATIONS = {
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    RDFS.isDefinedBy,
    OWL.versionInfo,
    OWL.versionIRI,
    OWL.priorVersion,
    OWL.backwardCompatibleWith,
    OWL.incompatibleWith,
    OWL.deprecated,
}
LOGICAL_NAMESPACES = (str(RDF), str(RDFS), str(OWL))
REFLEXIVE = {RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty}
# owlrl's look-ups on FAST_STORE (no named-graph bookkeeping) took about 15% less of the closure's
# CPU time at today's size.


class ReasoningError(Exception):
    """The closure reported an inconsistency, or a rule could not run."""


class _WithoutReflexiveSameAs(owlrl.OWLRL_Semantics):
    """owlrl's OWL 2 RL rules, minus the materialisation of x owl:sameAs x (rule eq-ref).

    owlrl states eq-ref for every node and every cycle then replays the equality rules on each of
    those triples, which only re-derive the triples they start from: about 40% of its CPU time
    at today's size went there.
    The one inference that needed them (x owl:differentFrom x is inconsistent) is checked in
    ``expand``.
    """

    def store_triple(self, t):
        if t[1] == OWL.sameAs and t[0] == t[2]:
            return
        super().store_triple(t)


def is_logical(predicate) -> bool:
    """Whether a predicate is RDF, RDFS or OWL vocabulary that OWL RL rules read."""
    return str(predicate).startswith(LOGICAL_NAMESPACES) and predicate not in ANNOTATIONS


def select_for_reasoning(ontology: Graph, data: Graph) -> Graph:
    """The axioms, plus every triple whose predicate (or, for rdf:type, class) an axiom mentions.

    Every OWL RL rule other than the equality rules needs its triple's predicate, or the class of
    an rdf:type triple, to appear in an axiom (domain, range, sub-property, inverse, chain,
    restriction, sub-class, …); triples with OWL vocabulary as predicate (owl:sameAs,
    owl:differentFrom) are always kept.
    """
    schema = schema_of(ontology, data)  # with axioms stated in the data, e.g. a sub-property next to its use
    terms = {node for triple in schema for node in (triple[0], triple[2]) if isinstance(node, URIRef)}
    selected = Graph(store=FAST_STORE)
    for triple in schema:
        selected.add(triple)
    for graph in (ontology, data):
        for s, p, o in graph:
            if is_needed(p, o, terms):
                selected.add((s, p, o))
    return selected


def is_data_axiom(triple) -> bool:
    """A triple of the data that says something about terms: a logical predicate other than
    rdf:type, or a type that is RDF, RDFS or OWL vocabulary (owl:TransitiveProperty, …)."""
    _, p, o = triple
    if p == RDF.type:
        return str(o).startswith(LOGICAL_NAMESPACES)
    return is_logical(p)


def is_needed(p, o, terms: set) -> bool:
    """Whether an OWL RL rule can fire on a triple with this predicate and object."""
    if p == RDF.type:  # a blank class is an anonymous class expression, which rules do read
        return o in terms or isinstance(o, BNode) or str(o).startswith(str(OWL))
    return p in terms or is_logical(p)


@without_cyclic_gc
def owl_closure(ontology: Graph, data: Graph | Sequence[Graph], focused: bool = True) -> Graph:
    """Return the triples the OWL 2 RL closure adds to ontology + data, without noise.

    data is a graph or several (taken together, as the build gives the data and the derived triples).
    By default the rules of owl_rules.py compute it (semi-naive: linear in what they derive; 122 s of
    owlrl at 100x became a few seconds); a schema those rules do not cover, or a closure that needs
    equality, goes to owlrl over the focused graph. focused=False runs owlrl as it comes over the
    whole of ontology + data: the slow reference that both are tested against.
    """
    inferred = new_graph()
    for triple in closure_triples(ontology, data, focused):
        inferred.add(triple)
    return inferred


def closure_triples(ontology: Graph, data: Graph | Sequence[Iterable], focused: bool = True) -> Iterable[tuple]:
    """The triples of ``owl_closure``, each once, not yet in a graph (data: a graph, or several graphs
    or lists of triples)."""
    parts = (data,) if isinstance(data, Graph) else tuple(data)
    if focused:
        try:
            derived = owl_rules.infer(schema_of(ontology, *parts), chain(ontology, *parts))
        except owl_rules.Inconsistent as exc:
            raise ReasoningError(f"OWL RL reasoning found inconsistencies: {exc}") from exc
        except owl_rules.Unsupported:
            derived = None
        if derived is not None:  # infer leaves out what ontology and data state
            return [triple for triple in derived if is_useful(*triple)]
    data = parts[0] if len(parts) == 1 else union(parts, store=FAST_STORE)
    if focused:
        work = select_for_reasoning(ontology, data)
        expand(work, _WithoutReflexiveSameAs)
        if has_equalities(work):
            work = union((ontology, data), store=FAST_STORE)
            expand(work, _WithoutReflexiveSameAs)
    else:
        work = union((ontology, data))
        expand(work, owlrl.OWLRL_Semantics)
    return keep_useful(work, ontology, data)


def reason(ontology: Graph, data: Graph, derived: Graph) -> Graph:
    """The reasoning step: the closure over ontology, data and what the treaties' rules derive, and
    those derived triples the data does not state (the build's inferred graph, before the rules).

    The graph returned is derived itself, completed (at 10x, adding its 62,000 triples to a new
    graph took half a second): the caller must not use derived as it was.
    """
    # Each graph walked once (about 1 µs a triple); list(graph) would walk it twice, to count it first.
    stated, derived_list = [*iter(data)], [*iter(derived)]
    closure = closure_triples(ontology, (stated, derived_list))
    stated = set(stated)
    for triple in [t for t in derived_list if t in stated]:
        derived.remove(triple)
    for triple in closure:
        derived.add(triple)
    return derived


def keep_useful(triples, ontology: Graph, data: Graph) -> list[tuple]:
    """The inferred triples about the graph's things that neither input states."""
    stated = set(data) | set(ontology)  # a set look-up is cheaper than rdflib's `in` (2 s of 9 at 10x, profiled)
    return [triple for triple in triples if triple not in stated and is_useful(*triple)]


def schema_of(ontology: Graph, *data: Iterable) -> Graph:
    """The axioms: the ontology's logical triples and those the data states about terms."""
    schema = Graph(store=FAST_STORE)
    for triple in ontology:
        if is_logical(triple[1]):
            schema.add(triple)
    logical: dict = {}  # predicate (or, for rdf:type, class) -> is_data_axiom: the same few terms repeat
    for graph in data:
        for triple in graph:
            key = triple[2] if triple[1] == TYPE else triple[1]
            keep = logical.get(key)
            if keep is None:
                keep = logical[key] = is_data_axiom(triple)
            if keep:
                schema.add(triple)
    return schema


def expand(work: Graph, semantics: type = owlrl.OWLRL_Semantics) -> None:
    """Add the OWL 2 RL closure to work in place; raise ReasoningError on owlrl's error triples."""
    owlrl.DeductiveClosure(semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    errors = sorted(str(m) for e in work.subjects(RDF.type, OWLRL_ERROR) for m in work.objects(e, RDFS.comment))
    errors += [f"{s} is owl:differentFrom itself" for s, o in work.subject_objects(OWL.differentFrom) if s == o]
    if errors or (None, RDF.type, OWLRL_ERROR) in work:
        raise ReasoningError("OWL RL reasoning found inconsistencies: " + "; ".join(errors or ["(no message)"]))


def has_equalities(graph: Graph) -> bool:
    """Whether the closure made two different things the same (then every triple matters)."""
    return any(s != o for s, o in graph.subject_objects(OWL.sameAs))


def is_useful(s, p, o) -> bool:
    """Whether an inferred triple says something about the graph's things (not owlrl noise)."""
    if not isinstance(s, URIRef) or not str.startswith(s, THINGS):  # rdflib's startswith copies both strings
        return False
    if isinstance(o, BNode) or p == SAME_AS:
        return False
    if p in REFLEXIVE and s == o:  # the classes generated per treaty: c subClassOf c, c equivalentClass c
        return False
    if p == SUB_CLASS_OF and o in NOISE_OBJECTS:
        return False
    return not (p == TYPE and o in NOISE_OBJECTS)


def apply_rules_in_rdflib(rules_dir: Path, ontology: Graph, data: Graph, inferred: Graph) -> Graph:
    """The closed-world rules in rdflib's engine: the reference the tests compare Dataset.apply_rules with."""
    everything = union((ontology, data, inferred))
    added = Graph()
    for rule in sorted(rules_dir.glob("*.rq")):
        for triple in everything.query(rule.read_text(encoding="utf-8")):
            if triple not in everything:
                everything.add(triple)
                added.add(triple)
    return added
