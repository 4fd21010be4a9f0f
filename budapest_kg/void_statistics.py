"""The two queries behind the VoID statistics (entities per class, outgoing links per predicate and site),
shared by the builder, which records them with a build, and the endpoint, which asks them of an engine
whose build did not record them (a remote store)."""

from __future__ import annotations

CLASS_SIZES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"

# Links: IRIs outside this dataset used as objects in the data (not the ontology, not rdf:type),
# counted per predicate and target site (scheme and host), so the answer stays small as links grow.
_OUTGOING = """
SELECT ?p ?space (COUNT(*) AS ?n) WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(?g != <{ontology_graph}> && ?p != <{type}> && isIRI(?o) && !STRSTARTS(STR(?o), "{base}"))
  BIND(REPLACE(STR(?o), "^([a-z][a-z0-9+.-]*://[^/?#]*).*$", "$1/", "i") AS ?space)
}}
GROUP BY ?p ?space"""


def outgoing_links(ontology_graph: str, rdf_type: str, base: str) -> str:
    """The outgoing-links query for a dataset whose ontology is in `ontology_graph` and whose IRIs start with `base`."""
    return _OUTGOING.format(ontology_graph=ontology_graph, type=rdf_type, base=base)
