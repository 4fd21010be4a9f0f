"""Documentation of the ontology, generated from its Turtle: an HTML page and a Turtle file.

pyLODE was the first choice; its only release that installs on Python 3.11 (3.4.1) fails on import
(it reads a pyproject.toml that its wheel does not ship) and later releases need Python 3.12. So
this module reads the ontology graph into plain records and renders them with one Jinja template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from budapest_kg.namespaces import BKG, bind_prefixes
from budapest_kg.resources import ONTOLOGY_HTML_FILE as HTML_FILE
from budapest_kg.resources import ONTOLOGY_TURTLE_FILE as TURTLE_FILE

KINDS = (  # (rdf:type, heading), in the order of the page
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (OWL.AnnotationProperty, "Annotation properties"),
)
ALIGNMENTS = (
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
    OWL.equivalentClass,
    OWL.equivalentProperty,
)


@dataclass
class Link:
    """A reference to a term: its short name, and where it points (an anchor for our own terms)."""

    text: str
    href: str = ""


@dataclass
class Term:
    iri: str
    anchor: str
    name: str
    kind: str
    label_en: str = ""
    label_fr: str = ""
    definition: str = ""
    comment: str = ""
    supers: list[Link] = field(default_factory=list)
    equivalents: list[Link] = field(default_factory=list)
    domains: list[Link] = field(default_factory=list)
    ranges: list[Link] = field(default_factory=list)
    inverse: list[Link] = field(default_factory=list)
    chain: list[Link] = field(default_factory=list)
    alignments: list[tuple[str, Link]] = field(default_factory=list)
    types: list[Link] = field(default_factory=list)
    example: str = ""


@dataclass
class Section:
    heading: str
    terms: list[Term]


def text(graph: Graph, node, predicate, lang: str | None = "en") -> str:
    """One literal value, preferring the given language, then untagged."""
    values = [o for o in graph.objects(node, predicate) if isinstance(o, Literal)]
    for value in values:
        if value.language == lang:
            return str(value)
    return next((str(v) for v in values if v.language is None), "") if lang != "fr" else ""


def short(graph: Graph, node: URIRef) -> str:
    try:
        return graph.namespace_manager.curie(node, generate=False)
    except (ValueError, KeyError):
        return str(node)


def link(graph: Graph, node) -> Link:
    """A Link to a named term, or a readable description of an anonymous class expression."""
    if isinstance(node, BNode):
        return Link(describe_expression(graph, node))
    if str(node).startswith(str(BKG)):
        return Link(short(graph, node), "#" + str(node)[len(str(BKG)) :])
    return Link(short(graph, node), str(node))


def describe_expression(graph: Graph, node: BNode) -> str:
    """OWL restrictions and boolean class expressions in Manchester-like words."""
    prop = graph.value(node, OWL.onProperty)
    if prop is not None:
        for predicate, word in ((OWL.hasValue, "value"), (OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only")):
            target = graph.value(node, predicate)
            if target is not None:
                return f"{short(graph, prop)} {word} {name_of(graph, target)}"
        for predicate, word in ((OWL.maxCardinality, "max"), (OWL.cardinality, "exactly"), (OWL.minCardinality, "min")):
            count = graph.value(node, predicate)
            if count is not None:
                return f"{short(graph, prop)} {word} {count}"
    for predicate, word in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or ")):
        members = graph.value(node, predicate)
        if members is not None:
            return "(" + word.join(name_of(graph, m) for m in Collection(graph, members)) + ")"
    return "(anonymous class)"


def name_of(graph: Graph, node) -> str:
    return describe_expression(graph, node) if isinstance(node, BNode) else short(graph, node)


def read_term(graph: Graph, node: URIRef, kind: str) -> Term:
    anchor = str(node)[len(str(BKG)) :]
    term = Term(
        iri=str(node),
        anchor=anchor,
        name=short(graph, node),
        kind=kind,
        label_en=text(graph, node, RDFS.label),
        label_fr=text(graph, node, RDFS.label, "fr") or text(graph, node, SKOS.prefLabel, "fr"),
        definition=text(graph, node, SKOS.definition),
        comment=text(graph, node, RDFS.comment),
    )
    supers = list(graph.objects(node, RDFS.subClassOf)) + list(graph.objects(node, RDFS.subPropertyOf))
    term.supers = [link(graph, o) for o in sorted(supers, key=str)]
    term.equivalents = [link(graph, o) for o in graph.objects(node, OWL.equivalentClass) if isinstance(o, BNode)]
    term.domains = [link(graph, o) for o in sorted(graph.objects(node, RDFS.domain), key=str)]
    term.ranges = [link(graph, o) for o in sorted(graph.objects(node, RDFS.range), key=str)]
    term.inverse = [link(graph, o) for o in graph.objects(node, OWL.inverseOf)]
    chain = graph.value(node, OWL.propertyChainAxiom)
    if chain is not None:
        term.chain = [link(graph, o) for o in Collection(graph, chain)]
    term.alignments = [
        (short(graph, p), link(graph, o))
        for p in ALIGNMENTS
        for o in sorted(graph.objects(node, p), key=str)
        if isinstance(o, URIRef)
    ]
    inherits = short(graph, RDFS.subClassOf if kind == "Classes" else RDFS.subPropertyOf)
    term.alignments += [(inherits, s) for s in term.supers if s.href.startswith("http")]
    term.types = [link(graph, o) for o in sorted(graph.objects(node, RDF.type), key=str) if o not in dict(KINDS)]
    term.example = example_query(term, node, kind)
    return term


def example_query(term: Term, node: URIRef, kind: str) -> str:
    """A short query listing what the term describes: the members of a class, the pairs of a property."""
    local = term.anchor
    if kind == "Classes":
        return f"PREFIX bkg: <{BKG}>\nSELECT ?thing WHERE {{ ?thing a bkg:{local} }}"
    if kind in ("Object properties", "Datatype properties"):
        return f"PREFIX bkg: <{BKG}>\nSELECT ?subject ?value WHERE {{ ?subject bkg:{local} ?value }}"
    return ""


def read_sections(graph: Graph) -> list[Section]:
    """Every term in the bkg namespace, grouped by kind, in alphabetical order of its name."""
    sections, seen = [], set()
    for rdf_type, heading in KINDS:
        nodes = sorted(n for n in graph.subjects(RDF.type, rdf_type) if is_own(n) and n not in seen)
        seen.update(nodes)
        sections.append(Section(heading, [read_term(graph, n, heading) for n in nodes]))
    others = sorted({n for n in graph.subjects(RDF.type, None) if is_own(n)} - seen)
    sections.append(Section("Individuals and concept schemes", [read_term(graph, n, "Individuals") for n in others]))
    return [s for s in sections if s.terms]


def is_own(node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(BKG))


def render_html(graph: Graph) -> str:
    """The HTML documentation of the ontology in graph."""
    bind_prefixes(graph)
    header = next(graph.subjects(RDF.type, OWL.Ontology), None)
    meta = {
        "iri": str(header or ""),
        "title": text(graph, header, DCTERMS.title) if header else "Ontology",
        "title_fr": text(graph, header, DCTERMS.title, "fr") if header else "",
        "description": text(graph, header, DCTERMS.description) if header else "",
        "version": text(graph, header, OWL.versionInfo) if header else "",
        "version_iri": str(graph.value(header, OWL.versionIRI) or "") if header else "",
        "license": str(graph.value(header, DCTERMS.license) or "") if header else "",
        "namespace": str(BKG),
    }
    environment = Environment(loader=PackageLoader(__package__, "templates"), autoescape=select_autoescape())
    return environment.get_template("ontology.html").render(meta=meta, sections=read_sections(graph))


def write_docs(ontology: Graph, folder: Path) -> None:
    """Write the HTML page and the Turtle of the ontology into folder."""
    (folder / HTML_FILE).write_text(render_html(ontology), encoding="utf-8")
    (folder / TURTLE_FILE).write_bytes(ontology.serialize(format="turtle", encoding="utf-8"))
