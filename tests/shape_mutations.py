"""A graph broken on purpose for every kind of constraint the shapes state (shared by the test and bench).

Deterministic: the triples on the shapes' paths are taken in sorted order and every few of them is
removed or given a second value of the wrong kind (ill-typed date, wrong datatype, language tags,
blank node, unknown IRI, empty string); some types are removed, so that sh:class and the targets miss.
"""

from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

UNKNOWN = URIRef("https://w3id.org/budapest-kg/id/test/unknown")
WRONG = (
    None,  # removed
    Literal("2020-02-30", datatype=XSD.date),
    Literal("2020-02-03"),
    Literal("x", lang="en-GB"),
    Literal("y", lang="EN"),
    "blank",
    UNKNOWN,
    Literal(""),
    Literal("ab1"),
)
BLANK = re.compile(r"(focus|value)=(mutant\d+|N?[0-9a-f]{16,32})( |$)")


def path_predicates(shapes: Graph) -> set[URIRef]:
    """The IRIs on the shapes' paths (directly or inside inverse paths)."""
    found = set()
    for path in shapes.objects(None, SH.path):
        found.add(path if isinstance(path, URIRef) else shapes.value(path, SH.inversePath))
    return {p for p in found if isinstance(p, URIRef)}


def mutate(graph: Graph, shapes: Graph, every: int = 5) -> Graph:
    """A copy of graph with every `every`-th triple on a shape path broken, cycling through WRONG."""
    broken = Graph()
    for triple in graph:
        broken.add(triple)
    predicates = path_predicates(shapes)
    chosen = sorted((t for t in graph if t[1] in predicates), key=lambda t: tuple(str(x) for x in t))[::every]
    for n, (s, p, o) in enumerate(chosen):
        wrong = WRONG[n % len(WRONG)]
        if wrong is None:
            broken.remove((s, p, o))
        else:
            broken.add((s, p, BNode(f"mutant{n}") if wrong == "blank" else wrong))
    types = sorted((t for t in graph.triples((None, RDF.type, None))), key=lambda t: tuple(str(x) for x in t))
    for triple in types[:: every * 7]:
        broken.remove(triple)
    return broken


def normalise(rows: list[str]) -> list[str]:
    """Rows with blank node values named alike (rdflib and oxigraph label them differently)."""
    return sorted(BLANK.sub(r"\1=_:b\3", row) for row in rows)
