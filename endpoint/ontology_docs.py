"""The ontology's documentation at /ontology: HTML for browsers, RDF for machines (by Accept or ?format=).

The builder writes the documentation as a standalone page (build/ontology.html); the site shows its
body inside its own frame, so /ontology has the site's look and navigation and no inline style.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import Markup
from rdflib import Graph

from budapest_kg.resources import ONTOLOGY_HTML_FILE as HTML_FILE
from budapest_kg.resources import ONTOLOGY_TURTLE_FILE as TURTLE_FILE

from .answer import compact_jsonld
from .errors import not_found
from .negotiation import GRAPH_FORMATS, Format, choose_format

bp = Blueprint("ontology_docs", __name__)

HTML = Format("html", "text/html", ("application/xhtml+xml",))
RDFLIB_NAMES = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld"}
# HTML first: a client that accepts anything (a browser, curl) gets the page.
FORMATS = (HTML, *(fmt for fmt in GRAPH_FORMATS if fmt.name in RDFLIB_NAMES))


@bp.get("/ontology")
def send_ontology():
    fmt = choose_format(FORMATS, request.accept_mimetypes, request.args.get("format"))
    if fmt is HTML:
        body = render_template("ontology.html", body=body_of(read_built(HTML_FILE).decode("utf-8")))
    elif fmt.name == "turtle":
        body = read_built(TURTLE_FILE)
    else:
        graph = parse_ontology()
        if fmt.name == "jsonld":
            body = compact_jsonld(graph, {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix})
        else:
            body = graph.serialize(format=RDFLIB_NAMES[fmt.name], encoding="utf-8")
    response = Response(body, mimetype=fmt.media_type)  # werkzeug adds charset=utf-8 to text/* types
    response.vary.add("Accept")
    return response


BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)


def body_of(document: str) -> Markup:
    """The content of the generated page's <body> (the builder's own trusted output), or all of it."""
    found = BODY.search(document)
    return Markup(found.group(1) if found else document)


def read_built(name: str) -> bytes:
    path = current_app.extensions["bkg_config"].build_dir / name
    try:
        return path.read_bytes()
    except OSError:
        raise not_found(
            f"{path} is missing: the build predates the ontology documentation; run budapest-kg build"
        ) from None


def parse_ontology() -> Graph:
    """The built ontology's Turtle parsed once per app, for the other RDF serialisations."""
    if "bkg_ontology_graph" not in current_app.extensions:
        graph = Graph()
        graph.parse(data=read_built(TURTLE_FILE), format="turtle")
        current_app.extensions["bkg_ontology_graph"] = graph
    return current_app.extensions["bkg_ontology_graph"]
