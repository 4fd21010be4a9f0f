"""rdflib graphs made for one answer, emptied as soon as the answer is made.

An rdflib graph and its in-memory store refer to each other (the store lists the graph among its
contexts), so a dropped graph is freed, triples and all, only by the cyclic garbage collector, and by
then most of it has been promoted to the collector's oldest generation. Under the soak (32 clients,
docs/soak.md) each serving process ran a full collection about every second, 80-90 ms of CPU each
(100-300 ms at that load) freeing 20,000-60,000 objects, nearly all of them such graphs (VoID, the
Service Description, Turtle and JSON-LD of resources, the pages that show their Turtle). A collection
stops every thread of the process, the event loop's too, so /health waited behind it.

Emptied on the way out, a graph's triples are freed by reference counting the moment the answer is
made; a few objects are left for the collector.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rdflib import Graph


@contextmanager
def scratch_graph() -> Iterator[Graph]:
    """A new graph for the block, emptied when the block ends."""
    graph = Graph()
    try:
        yield graph
    finally:
        release(graph)


def release(graph: Graph) -> None:
    """Drop what the graph's store holds (every graph sharing the store: a Dataset's named graphs too)."""
    store = graph.store
    # rdflib's Memory store has no public "drop all": a fresh state releases its indexes at once, where
    # graph.remove((None, None, None)) would walk every triple in Python.
    store.__init__(identifier=store.identifier)
