"""The OWL 2 RL rules for individuals, evaluated semi-naively: each new triple is joined once with what
is known, so the cost grows with the triples derived, not with triples × cycles as in owlrl.

The schema is compiled first (sub-class and sub-property closures, domains, ranges, inverses,
chains, restrictions), then every data triple goes through a work list. The rules are those of the
OWL 2 RL profile (W3C OWL 2 Profiles, section 4.3) that involve no equality:

    prp-dom prp-rng prp-spo1 prp-spo2 prp-eqp1/2 prp-inv1/2 prp-symp prp-trp
    cax-sco cax-eqc1/2 cls-int1 cls-int2 cls-uni cls-hv1 cls-hv2 cls-svf1 cls-svf2 cls-avf
    cax-dw cax-adc cls-nothing2 prp-irp prp-asyp (the inconsistencies they can meet)

and, for terms minted with the data (the categories generated per treaty), the schema rules scm-sco
scm-eqc1/2 scm-int scm-uni scm-spo scm-eqp1/2 (``schema_entailments``).

A schema using any other logical vocabulary (functional properties, keys, cardinalities, sameAs,
complements, …) is refused with :class:`Unsupported`, and the caller reasons with owlrl instead;
so does a closure that would need equality. ``tests/test_reasoning.py`` proves the result equal to
owlrl's over the whole graph.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

from rdflib import Graph
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

# Logical vocabulary these rules implement; declarations that imply nothing for individuals.
SUPPORTED_PREDICATES = {
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass, OWL.equivalentProperty,
    OWL.inverseOf, OWL.propertyChainAxiom, OWL.onProperty, OWL.hasValue, OWL.someValuesFrom, OWL.allValuesFrom,
    OWL.intersectionOf, OWL.unionOf, OWL.disjointWith, OWL.members, RDF.first, RDF.rest, RDF.type,
}  # fmt: skip
SUPPORTED_TYPES = {
    OWL.Class, RDFS.Class, OWL.Restriction, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    RDF.Property, OWL.Ontology, OWL.NamedIndividual, OWL.Thing, RDFS.Resource, RDF.List, RDFS.Datatype,
    OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.IrreflexiveProperty, OWL.AsymmetricProperty,
    OWL.AllDisjointClasses,
}  # fmt: skip
LOGICAL = (str(RDF), str(RDFS), str(OWL))
# Plain names for the terms the work list compares every triple with: rdflib's namespace attribute
# look-up costs a Python call each time (a third of the rules' time at 100x).
TYPE, SAME_AS = RDF.type, OWL.sameAs
READ, TYPED = 1, 2  # what ``infer`` does with a triple of a predicate: keep it, or keep it if its class is named


class Unsupported(Exception):
    """The schema uses vocabulary these rules do not implement, or the closure needs equality."""


class Inconsistent(Exception):
    """The data contradicts the schema; the message names the triples."""


class Schema:
    """What the rules need from the axioms, closed under sub-class and sub-property."""

    def __init__(self, axioms: Graph):
        check_supported(axioms)
        self.superclasses = closure(edges(axioms, RDFS.subClassOf, OWL.equivalentClass))
        self.superproperties = closure(edges(axioms, RDFS.subPropertyOf, OWL.equivalentProperty))
        for union, members in lists(axioms, OWL.unionOf):  # cls-uni: each member is a sub-class
            for member in members:
                self.superclasses[member] |= {union, *self.superclasses[union]}
        self.domains = objects_by_subject(axioms, RDFS.domain)
        self.ranges = objects_by_subject(axioms, RDFS.range)
        self.inverses: dict = defaultdict(set)
        for p, q in axioms.subject_objects(OWL.inverseOf):
            self.inverses[p].add(q)
            self.inverses[q].add(p)
        self.symmetric = set(axioms.subjects(RDF.type, OWL.SymmetricProperty))
        self.transitive = set(axioms.subjects(RDF.type, OWL.TransitiveProperty))
        self.irreflexive = set(axioms.subjects(RDF.type, OWL.IrreflexiveProperty))
        self.asymmetric = set(axioms.subjects(RDF.type, OWL.AsymmetricProperty))
        self.chains = [(q, chain) for q, chain in lists(axioms, OWL.propertyChainAxiom)]
        self.chains_with: dict = defaultdict(list)  # property -> (super-property, chain, position)
        for q, chain in self.chains:
            for i, p in enumerate(chain):
                self.chains_with[p].append((q, chain, i))
        self.intersections = dict(lists(axioms, OWL.intersectionOf))
        self.in_intersections: dict = defaultdict(set)
        for c, members in self.intersections.items():
            for member in members:
                self.in_intersections[member].add(c)
        self.has_value: dict = defaultdict(list)  # restriction -> (property, value)
        self.by_value: dict = defaultdict(set)  # (property, value) -> restrictions
        self.some: dict = defaultdict(list)  # filler class -> (restriction, property)
        self.some_by_property: dict = defaultdict(list)  # property -> (restriction, filler class)
        self.some_thing: dict = defaultdict(set)  # property -> restrictions with owl:Thing as filler
        self.all_values: dict = defaultdict(list)  # restriction -> (property, class)
        self.all_by_property: dict = defaultdict(list)  # property -> (restriction, class)
        for r, p in axioms.subject_objects(OWL.onProperty):
            for v in axioms.objects(r, OWL.hasValue):
                self.has_value[r].append((p, v))
                self.by_value[(p, v)].add(r)
            for c in axioms.objects(r, OWL.someValuesFrom):
                if c == OWL.Thing:
                    self.some_thing[p].add(r)
                else:
                    self.some[c].append((r, p))
                    self.some_by_property[p].append((r, c))
            for c in axioms.objects(r, OWL.allValuesFrom):
                self.all_values[r].append((p, c))
                self.all_by_property[p].append((r, c))
        self.disjoint = [(a, b) for a, b in axioms.subject_objects(OWL.disjointWith)]
        for group, members in lists(axioms, OWL.members):  # cax-adc: the members are pairwise disjoint
            if (group, TYPE, OWL.AllDisjointClasses) in axioms:
                self.disjoint += [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]

    def types_implied(self, c) -> set:
        return {c, *self.superclasses.get(c, ())}

    def properties_implied(self, p) -> set:
        return {p, *self.superproperties.get(p, ())}


def check_supported(axioms: Graph) -> None:
    unknown = set()
    for _, p, o in axioms:
        if str(p).startswith(LOGICAL) and p not in SUPPORTED_PREDICATES and p not in ANNOTATIONS:
            unknown.add(p)
        if p == RDF.type and str(o).startswith(LOGICAL) and o not in SUPPORTED_TYPES:
            unknown.add(o)
        if p == OWL.sameAs or o == OWL.Nothing:
            unknown.add(OWL.sameAs if p == OWL.sameAs else o)
    if unknown:
        raise Unsupported("not implemented here: " + ", ".join(sorted(str(u) for u in unknown)))


ANNOTATIONS = {
    RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo, OWL.versionIRI, OWL.priorVersion,
    OWL.backwardCompatibleWith, OWL.incompatibleWith, OWL.deprecated, OWL.imports,
    # RDF vocabulary no OWL 2 RL rule reads
    RDF.value, RDF.subject, RDF.predicate, RDF.object, RDFS.member,
}  # fmt: skip


def edges(axioms: Graph, sub, equivalent) -> dict:
    """Direct super-terms: the sub-relation, and equivalence both ways."""
    up: dict = defaultdict(set)
    for a, b in axioms.subject_objects(sub):
        up[a].add(b)
    for a, b in axioms.subject_objects(equivalent):
        up[a].add(b)
        up[b].add(a)
    return up


def closure(up: dict) -> dict:
    """Every term's strict and reflexive-through-cycles super-terms (transitive closure)."""
    result: dict = defaultdict(set)
    for start in list(up):
        seen, todo = set(), list(up[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(up.get(node, ()))
        seen.discard(start)
        result[start] = seen
    return result


def lists(axioms: Graph, predicate) -> list[tuple]:
    return [(s, list(Collection(axioms, head))) for s, head in axioms.subject_objects(predicate)]


def objects_by_subject(axioms: Graph, predicate) -> dict:
    found: dict = defaultdict(set)
    for s, o in axioms.subject_objects(predicate):
        found[s].add(o)
    return found


class Closure:
    """The facts known so far, indexed for the joins the rules make, and the work list of new ones."""

    def __init__(self, schema: Schema, type_id=TYPE, same_as_id=SAME_AS):
        self.schema = schema
        self.type, self.same_as = type_id, same_as_id  # the terms, or their numbers (see ``infer``)
        self.facts: set = set()
        self.out: dict = defaultdict(set)  # (s, p) -> objects
        self.into: dict = defaultdict(set)  # (o, p) -> subjects
        self.types: dict = defaultdict(set)  # s -> classes
        self.queue: deque = deque()

    def add(self, s, p, o) -> None:
        triple = (s, p, o)
        if triple in self.facts:
            return
        self.facts.add(triple)
        if p == self.type:
            self.types[s].add(o)
        else:
            self.out[(s, p)].add(o)
            self.into[(o, p)].add(s)
        self.queue.append(triple)

    def run(self, triples: Iterable[tuple]) -> None:
        for triple in triples:
            self.add(*triple)
        type_id, same_as = self.type, self.same_as
        while self.queue:
            s, p, o = self.queue.popleft()
            if p == type_id:
                self.typed(s, o)
            elif p == same_as:
                raise Unsupported("the closure derives owl:sameAs")
            else:
                self.related(s, p, o)

    def typed(self, x, c) -> None:
        schema, TYPE = self.schema, self.type  # the term, or its number
        known = self.types[x]  # most super-classes are known already: no call for them
        for d in schema.superclasses.get(c, ()):  # cax-sco, cax-eqc1/2, cls-uni
            if d not in known:
                self.add(x, TYPE, d)
        for p, v in schema.has_value.get(c, ()):  # cls-hv1
            self.add(x, p, v)
        for whole in schema.in_intersections.get(c, ()):  # cls-int1
            if all(member in self.types[x] for member in schema.intersections[whole]):
                self.add(x, TYPE, whole)
        for member in schema.intersections.get(c, ()):  # cls-int2
            self.add(x, TYPE, member)
        for r, p in schema.some.get(c, ()):  # cls-svf1, the filler side
            for subject in list(self.into[(x, p)]):
                self.add(subject, TYPE, r)
        for p, d in schema.all_values.get(c, ()):  # cls-avf, the restriction side
            for y in list(self.out[(x, p)]):
                self.add(y, TYPE, d)

    def related(self, s, p, o) -> None:
        schema, TYPE, types = self.schema, self.type, self.types  # the term, or its number
        for q in schema.superproperties.get(p, ()):  # prp-spo1, prp-eqp1/2
            self.add(s, q, o)
        for c in schema.domains.get(p, ()):  # prp-dom (most types are known already: no call for them)
            if c not in types[s]:
                self.add(s, TYPE, c)
        for c in schema.ranges.get(p, ()):  # prp-rng
            if c not in types[o]:
                self.add(o, TYPE, c)
        for q in schema.inverses.get(p, ()):  # prp-inv1/2
            self.add(o, q, s)
        if p in schema.symmetric:  # prp-symp
            self.add(o, p, s)
        if p in schema.transitive:  # prp-trp, both ends
            for z in list(self.out[(o, p)]):
                self.add(s, p, z)
            for a in list(self.into[(s, p)]):
                self.add(a, p, o)
        for r in schema.by_value.get((p, o), ()):  # cls-hv2
            self.add(s, TYPE, r)
        for r in schema.some_thing.get(p, ()):  # cls-svf2
            self.add(s, TYPE, r)
        for r, filler in schema.some_by_property.get(p, ()):  # cls-svf1, the property side
            if filler in self.types.get(o, ()):
                self.add(s, TYPE, r)
        for r, d in schema.all_by_property.get(p, ()):  # cls-avf, the property side
            if r in self.types.get(s, ()):
                self.add(o, TYPE, d)
        for q, chain, i in schema.chains_with.get(p, ()):  # prp-spo2
            for start in self.walk(s, chain[:i], backwards=True):
                for end in self.walk(o, chain[i + 1 :], backwards=False):
                    self.add(start, q, end)

    def walk(self, node, chain: list, backwards: bool) -> set:
        """The nodes reached from node along chain (backwards: along it reversed, against each link)."""
        frontier = {node}
        for p in reversed(chain) if backwards else chain:
            index = self.into if backwards else self.out
            frontier = {n for f in frontier for n in index.get((f, p), ())}
            if not frontier:
                break
        return frontier

    def contradictions(self, name=lambda term: term) -> list[str]:
        """cax-dw, cls-nothing2, prp-irp, prp-asyp: what the rules meet that makes the graph inconsistent
        (name gives the term of a number)."""
        found = []
        pairs = defaultdict(list)  # a -> the disjoint pairs (a, b): each thing's classes are looked up once
        for a, b in self.schema.disjoint:  # (every pair against every thing took 1.5 s at 10x)
            pairs[a].append((a, b))
        for x, classes in self.types.items():
            for c in classes & pairs.keys():
                found += [
                    f"{name(x)} is both {name(a)} and {name(b)}, which are disjoint"
                    for a, b in pairs[c]
                    if b in classes
                ]
        for p in self.schema.irreflexive:
            found += [
                f"{name(s)} {name(p)} itself, which is irreflexive"
                for (s, q), os in self.out.items()
                if q == p and s in os
            ]
        for p in self.schema.asymmetric:
            found += [
                f"{name(s)} {name(p)} {name(o)} both ways, which is asymmetric"
                for (s, q), objects in self.out.items()
                if q == p
                for o in objects
                if s in self.out.get((o, p), ())
            ]
        return found


def infer(axioms: Graph, triples: Iterable[tuple]) -> list[tuple]:
    """The triples the rules derive from the axioms and the triples (both included in what is known),
    each once; Unsupported when owlrl must be used instead, Inconsistent naming the contradictions.

    The rules run over numbers, one per term: rdflib compares and hashes terms in Python, a tuple of
    ints in C (the closure took 25 CPU s at 100x over rdflib terms). Only the triples an axiom can
    read are numbered and go through the work list: a predicate, or the class of an rdf:type, that
    an axiom names, or RDF, RDFS and OWL vocabulary (owl:sameAs must stop the rules); no rule joins
    on the others, and none derives one of them (each derived triple has a predicate, or a class,
    that an axiom names), so leaving them out of what is given leaves the result as it was.
    """
    schema = Schema(axioms)
    ids: dict = {}
    number = ids.setdefault  # number(term, len(ids)): the term's number, a new one for a new term
    named = {term for triple in axioms for term in triple}  # every term an axiom names
    for term in named:
        number(term, len(ids))
    type_id, same_as = number(TYPE, len(ids)), number(SAME_AS, len(ids))
    kinds: dict = {}  # predicate -> READ (an axiom can read the triple), TYPED (if an axiom names the class), or 0
    work = []
    for s, p, o in triples:
        kind = kinds.get(p)
        if kind is None:
            kind = kinds[p] = TYPED if p == TYPE else READ if p in named or str(p).startswith(LOGICAL) else 0
        if kind == READ or (kind == TYPED and o in named):
            work.append((number(s, len(ids)), number(p, len(ids)), number(o, len(ids))))
    given = set(work)
    terms = list(ids)  # a number's term
    known = Closure(renumber(schema, ids), type_id, same_as)
    known.run(work)
    problems = known.contradictions(terms.__getitem__)
    if problems:
        raise Inconsistent("; ".join(sorted(problems)[:20]))
    derived = known.facts - given
    found = [(terms[s], terms[p], terms[o]) for s, p, o in derived]
    for s, p, o in schema_entailments(schema):
        numbered = (ids.get(s), ids.get(p), ids.get(o))
        if numbered not in given and numbered not in derived:
            found.append((s, p, o))
    return found


def renumber(schema: Schema, ids: dict) -> Schema:
    """A copy of schema with each term replaced by its number in ids (numbering new terms)."""

    def swap(value):
        if isinstance(value, dict):
            return {swap(k): swap(v) for k, v in value.items()}
        if isinstance(value, set | frozenset):
            return {swap(v) for v in value}
        if isinstance(value, list):
            return [swap(v) for v in value]
        if isinstance(value, tuple):
            return tuple(swap(v) for v in value)
        return ids.setdefault(value, len(ids)) if isinstance(value, Node) else value  # a chain's positions stay

    numbered = Schema.__new__(Schema)
    numbered.__dict__ = {name: swap(value) for name, value in vars(schema).items()}
    return numbered


def schema_entailments(schema: Schema) -> set[tuple]:
    """What the schema rules say about terms (scm-sco, scm-eqc1/2, scm-int, scm-uni, scm-spo,
    scm-eqp1/2): every sub-class and sub-property link of the closures, and equivalence where two
    terms are each other's super-term. They matter for terms minted with the data (the categories
    generated per treaty, which are classes in the id/ namespace)."""
    found = set()
    supers = {c: set(ups) for c, ups in schema.superclasses.items()}
    for c, members in schema.intersections.items():  # scm-int: an intersection is a sub-class of each member
        for member in members:
            supers.setdefault(c, set()).update({member, *schema.superclasses.get(member, ())})
    for relation, equivalence, closed in (
        (RDFS.subClassOf, OWL.equivalentClass, supers),
        (RDFS.subPropertyOf, OWL.equivalentProperty, schema.superproperties),
    ):
        for term, ups in closed.items():
            for up in ups:
                if up == term:
                    continue
                found.add((term, relation, up))
                if term in closed.get(up, ()):
                    found.add((term, equivalence, up))
    return found
