"""The numbers the endpoint's VoID description gives (graph sizes, class sizes, links per site),
counted once by the build in pyoxigraph and kept in the manifest.

The endpoint would otherwise count them at start-up in its own engine: over rdflib's engine the links
query alone took about seven seconds at today's size, past the endpoint's time limit on a busy machine.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from budapest_kg import namespaces
from budapest_kg.namespaces import ONTOLOGY_GRAPH
from budapest_kg.void_statistics import CLASS_SIZES, outgoing_links

from .dataset import Dataset
from .graphs import ntriples


def count_statistics(graphs: dict[URIRef, Graph], dataset: Dataset | None = None) -> dict:
    """{"classes": {class: entities}, "links": [[predicate, site, triples], …]} over the named graphs.

    dataset, when given, holds the graphs already (the build's store); otherwise they are loaded here.
    """
    if dataset is not None:
        store, names = dataset.store, dataset.graphs
    else:
        store, names = ox.Store(), [str(name) for name in graphs]
        for name, graph in graphs.items():
            store.bulk_load(ntriples(graph), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
    nodes = [ox.NamedNode(name) for name in names]
    classes = {
        row["c"].value: int(row["n"].value)
        for row in store.query(CLASS_SIZES, default_graph=nodes)
        if isinstance(row["c"], ox.NamedNode)
    }
    outgoing = outgoing_links(str(ONTOLOGY_GRAPH), str(RDF.type), namespaces.BASE)
    found = store.query(outgoing, named_graphs=nodes)
    links = sorted([row["p"].value, row["space"].value, int(row["n"].value)] for row in found)
    return {"classes": dict(sorted(classes.items())), "links": links}
