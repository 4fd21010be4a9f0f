"""The namespaces of the graph, declared once.

Terms live under ``https://w3id.org/budapest-kg/ontology#``; things under
``https://w3id.org/budapest-kg/id/``; named graphs under ``https://w3id.org/budapest-kg/graph/``.
"""

import os
from functools import lru_cache

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

DEFAULT_BASE = "https://w3id.org/budapest-kg/"
# One base for minting (the builder) and for dereferencing (the endpoint); a build records the base
# it minted under, and the endpoint refuses a build minted under another.
BASE = os.environ.get("BKG_BASE_IRI", DEFAULT_BASE)


class Vocabulary(Namespace):
    """A namespace of terms (a bounded vocabulary) whose terms are made once.

    rdflib's Namespace makes and checks a new URIRef at every look-up (``BKG.date``): 126,000 times
    in the mapping at 10x the data. The same object each time also makes set and dict look-ups of
    the build's triples cheaper (equal by identity, before rdflib's equality in Python).
    """

    def term(self, name: str):
        return _term(self, name) if isinstance(name, str) else super().term(name)


@lru_cache(maxsize=8192)  # bounded: a term named in a request must not grow a server's memory for ever
def _term(namespace: Namespace, name: str):
    return Namespace.term(namespace, name)


BKG = Vocabulary(BASE + "ontology#")
ID = Namespace(BASE + "id/")  # things: not cached, there are as many as the data has
GRAPH = Vocabulary(BASE + "graph/")

ELI = Vocabulary("http://data.europa.eu/eli/ontology#")
SCHEMA = Vocabulary("https://schema.org/")
ORG = Vocabulary("http://www.w3.org/ns/org#")
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
