"""Answers leave little for the cyclic garbage collector (endpoint/scratch_graph.py).

An rdflib graph made for one answer used to be freed only by the collector's full passes, which stop
every thread of a serving process, the event loop's answering /health too. Each answer below is made
from an rdflib graph; the bound on what it leaves is a fraction of what it left before the graphs were
emptied on the way out (in parentheses, measured then with the same app).
"""

from __future__ import annotations

import gc

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from rdflib import Graph
from rdflib.compare import isomorphic

from .conftest import close_engine
from .web import AppClient

TURTLE, JSONLD = "text/turtle", "application/ld+json"
ANSWERS = [  # path, Accept, the most cyclic garbage it may leave (what it left before)
    ("/.well-known/void", TURTLE, 1000),  # (8,309)
    ("/sparql", TURTLE, 250),  # the Service Description (460)
    ("/download/", TURTLE, 200),  # the DCAT description of the downloads (355)
    ("/id/state/FRA", TURTLE, 400),  # (1,243)
    ("/id/state/FRA", JSONLD, 400),  # (1,163)
]


@pytest.fixture(scope="module")
def uncached(build_dir) -> AppClient:
    """An app with its caches off: every request makes its answer anew."""
    app = create_app(Config.load(build_dir=build_dir, workers=1, cache_bytes=0))
    yield AppClient(app)
    close_engine(app)


def cyclic_garbage(make) -> int:
    """How many objects only the cyclic collector could free after make()."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        make()
        gc.collect()
        return len(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def same_answer(one: bytes, other: bytes, accept: str) -> bool:
    """RDF equal up to the blank nodes' labels (VoID's and the Service Description's)."""
    kind = "turtle" if accept == TURTLE else "json-ld"
    return isomorphic(Graph().parse(data=one, format=kind), Graph().parse(data=other, format=kind))


@pytest.mark.parametrize(("path", "accept", "bound"), ANSWERS, ids=[f"{p} {a}" for p, a, _ in ANSWERS])
def test_an_answer_made_from_an_rdflib_graph_leaves_little_cyclic_garbage(uncached, path, accept, bound):
    first = uncached.request(path, accept=accept)  # the first also fills what the app keeps for its life
    assert first.status == 200
    responses = []
    left = cyclic_garbage(lambda: responses.append(uncached.request(path, accept=accept)))
    assert responses[0].status == 200
    assert same_answer(first.body, responses[0].body, accept)  # emptying the graph changed nothing in it
    assert left < bound, f"{path} ({accept}) left {left} objects to the cyclic garbage collector"
