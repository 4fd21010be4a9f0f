"""Reasoning: the OWL 2 RL closure (owlrl), then closed-world rules kept as SPARQL files.

Inferred triples go into their own graph. Only triples about the graph's things are kept: owlrl
also materialises reflexive owl:sameAs, owl:Thing types, types to blank restriction classes and the
schema's own entailments, which are noise for users.
"""

from __future__ import annotations

from pathlib import Path

import owlrl
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .namespaces import ID, bind_prefixes

OWLRL_ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
NOISE_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


class ReasoningError(Exception):
    """The closure reported an inconsistency, or a rule could not run."""


def owl_closure(ontology: Graph, data: Graph) -> Graph:
    """Return the triples the OWL 2 RL closure adds to ontology + data, without noise."""
    work = Graph()
    for graph in (ontology, data):
        for triple in graph:
            work.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    errors = sorted(str(m) for e in work.subjects(RDF.type, OWLRL_ERROR) for m in work.objects(e, RDFS.comment))
    if errors or (None, RDF.type, OWLRL_ERROR) in work:
        raise ReasoningError("OWL RL reasoning found inconsistencies: " + "; ".join(errors or ["(no message)"]))
    inferred = Graph()
    bind_prefixes(inferred)
    for s, p, o in work:
        if (s, p, o) in data or (s, p, o) in ontology or not is_useful(s, p, o):
            continue
        inferred.add((s, p, o))
    return inferred


def is_useful(s, p, o) -> bool:
    """Whether an inferred triple says something about the graph's things (not owlrl noise)."""
    if not isinstance(s, URIRef) or not str(s).startswith(str(ID)):
        return False
    if isinstance(o, BNode) or p == OWL.sameAs:
        return False
    return not (p == RDF.type and o in NOISE_OBJECTS)


def apply_rules(rules_dir: Path, ontology: Graph, data: Graph, inferred: Graph) -> Graph:
    """Run each CONSTRUCT rule in rules_dir (name order) over everything so far; return what they add."""
    union = Graph()
    for graph in (ontology, data, inferred):
        for triple in graph:
            union.add(triple)
    added = Graph()
    bind_prefixes(added)
    for rule in sorted(rules_dir.glob("*.rq")):
        try:
            result = union.query(rule.read_text(encoding="utf-8"))
        except Exception as exc:
            raise ReasoningError(f"{rule}: rule failed: {exc}") from exc
        for triple in result:
            if triple not in union:
                union.add(triple)
                added.add(triple)
    return added
