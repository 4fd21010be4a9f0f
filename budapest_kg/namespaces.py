"""The namespaces of the graph, declared once.

Terms live under ``https://w3id.org/budapest-kg/ontology#``; things under
``https://w3id.org/budapest-kg/id/``; named graphs under ``https://w3id.org/budapest-kg/graph/``.
"""

import os

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

DEFAULT_BASE = "https://w3id.org/budapest-kg/"
# One base for minting (the builder) and for dereferencing (the endpoint); a build records the base
# it minted under, and the endpoint refuses a build minted under another.
BASE = os.environ.get("BKG_BASE_IRI", DEFAULT_BASE)
BKG = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

ELI = Namespace("http://data.europa.eu/eli/ontology#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
EUCOUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")

ONTOLOGY_GRAPH = GRAPH.ontology
DATA_GRAPH = GRAPH.data
INFERRED_GRAPH = GRAPH.inferred
PROVENANCE_GRAPH = GRAPH.provenance
LINKS_GRAPH = GRAPH.links

PREFIXES = {
    "bkg": BKG,
    "id": ID,
    "eli": ELI,
    "schema": SCHEMA,
    "org": ORG,
    "dcterms": DCTERMS,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
}


def bind_prefixes(graph) -> None:
    """Bind the project's prefixes on an rdflib graph or dataset."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)


def check_base(base: str) -> None:
    """ValueError naming BKG_BASE_IRI unless base is an http(s) IRI ending in '/'."""
    if not base.startswith(("http://", "https://")) or not base.endswith("/"):
        raise ValueError(f"BKG_BASE_IRI: {base!r} must be an http(s) IRI ending in '/'")
