"""Linked Data: every IRI under the base dereferences on this server, as HTML or as RDF.

``/id/<path>`` is the resource ``BASE + "id/<path>"``; ``/term/<Name>`` is the ontology term
``BASE + "ontology#<Name>"`` (a fragment cannot reach the server, so terms get a path of their own).
The format comes from ``?format=``, then a file extension (``/id/state/FRA.ttl``), then Accept.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from rdflib.namespace import OWL

from . import pages
from .answer import Answer
from .errors import not_found
from .lookup import current_lookup, is_iri, shown
from .negotiation import GRAPH_FORMATS, Format, choose_format
from .scratch_graph import scratch_graph

bp = Blueprint("resources", __name__)

HTML = Format("html", "text/html", ("htm", "application/xhtml+xml"))
_BY_NAME = {fmt.name: fmt for fmt in GRAPH_FORMATS}
# Turtle first: a client that says nothing (curl) gets RDF; browsers ask for text/html by name.
LD_FORMATS = (_BY_NAME["turtle"], HTML, _BY_NAME["jsonld"], _BY_NAME["ntriples"], _BY_NAME["rdfxml"])
EXTENSIONS = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml", "html": "html"}


@bp.get("/id/<path:rest>")
def dereference_thing(rest: str) -> Response:
    return dereference(current_lookup().names.id + rest)


@bp.get("/term/<path:name>")
def dereference_term(name: str) -> Response:
    return dereference(current_lookup().names.bkg + name)


@bp.get("/graph/<name>")
def send_named_graph(name: str) -> Response:
    """A named graph of the build: a page with its size, or all its triples as RDF."""
    lookup = current_lookup()
    stem, dot, extension = name.rpartition(".")
    if dot and extension in EXTENSIONS:
        name = stem
    iri = lookup.names.graph + name
    if iri not in lookup.engine.graph_names():
        raise not_found(f"no named graph <{iri}> in this build")
    override = request.args.get("format") or (EXTENSIONS[extension] if dot and extension in EXTENSIONS else None)
    fmt = choose_format(LD_FORMATS, request.accept_mimetypes, override)
    if fmt is HTML:
        size = lookup.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
        response = Response(pages.render_graph(iri, int(size[0]["n"].value)), mimetype="text/html")
    else:
        answer = lookup.engine.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
        response = Response(answer.serialize(fmt, lookup.prefixes), mimetype=fmt.media_type)
    response.vary.add("Accept")
    return response


def dereference(asked: str) -> Response:
    """The resource named by the IRI asked for (or by it less a format extension), as HTML or RDF."""
    lookup = current_lookup()
    iri, extension = resolve(lookup, asked)
    fmt = choose_format(LD_FORMATS, request.accept_mimetypes, request.args.get("format") or extension)
    if fmt is HTML:
        response = Response(pages.render_resource(iri), mimetype="text/html")
    elif fmt.name == "turtle":
        turtle = lookup.remember("turtle " + iri, lambda: readable_turtle(lookup, iri))
        response = Response(turtle, mimetype=fmt.media_type)
    else:
        ntriples = lookup.remember("describe " + iri, lambda: describe(lookup, iri))
        response = Response(Answer("graph", ntriples).serialize(fmt, lookup.prefixes), mimetype=fmt.media_type)
    response.vary.add("Accept")
    return response


def resolve(lookup, iri: str) -> tuple[str, str | None]:
    """The IRI that exists in the graph and the format its extension names; 404 when none exists."""
    if not is_iri(iri):
        raise not_found(f"no resource <{shown(iri)}> in this graph: the path is not a valid IRI")
    if is_known(lookup, iri):
        return iri, None
    stem, dot, extension = iri.rpartition(".")
    if dot and extension in EXTENSIONS and is_known(lookup, stem):
        return stem, EXTENSIONS[extension]
    raise not_found(f"no resource <{iri}> in this graph")


def is_known(lookup, iri: str) -> bool:
    return is_iri(iri) and lookup.ask(f"ASK {{ <{iri}> ?p ?o }}")


def describe(lookup, iri: str) -> bytes:
    """The resource's statements both ways, as N-Triples."""
    return lookup.engine.query(describe_query(iri)).serialize(_BY_NAME["ntriples"])


def readable_turtle(lookup, iri: str) -> bytes:
    """Turtle with the project's prefixes declared, for people reading it (the engine writes full IRIs)."""
    ntriples = lookup.remember("describe " + iri, lambda: describe(lookup, iri))
    with scratch_graph() as graph:
        graph.parse(data=ntriples.decode("utf-8"), format="nt")
        for prefix, namespace in lookup.prefixes.items():
            graph.bind(prefix, namespace, override=True, replace=True)
        return graph.serialize(format="turtle", encoding="utf-8")


def describe_query(iri: str) -> str:
    """What is said about the resource and what points to it, without the reasoner's self-sameAs."""
    return (
        f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> }} WHERE {{"
        f" {{ <{iri}> ?p ?o FILTER(!(?p = <{OWL.sameAs}> && ?o = <{iri}>)) }}"
        f" UNION {{ ?s ?q <{iri}> FILTER(?s != <{iri}>) }} }}"
    )
