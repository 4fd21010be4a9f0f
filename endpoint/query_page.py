"""The query page at /query: a catalogue query (its parameters at their defaults) or the visitor's own.

It runs queries through the same runner as /sparql and /queries/<name>, so the same refusals and
limits apply; a refusal is said in the page, with the status errors.py gives it.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, render_template, request
from rdflib import Graph, Literal, URIRef

from .errors import for_fault
from .faults import EngineFault
from .lookup import Node, read_rows
from .negotiation import GRAPH_FORMATS, RESULT_FORMATS
from .runner import bind_named, catalogue, run_query

bp = Blueprint("query_page", __name__)
NTRIPLES = next(fmt for fmt in GRAPH_FORMATS if fmt.name == "ntriples")


@bp.route("/query", methods=["GET", "POST"])
def show_query_page():
    """The editor, with the answer to the query when one was run."""
    examples = sorted(catalogue().values(), key=lambda q: q.summary.casefold())
    chosen = catalogue().get(request.values.get("example", ""))
    text = request.values.get("query", "")
    if not text and chosen:
        text = bind_named(chosen, {})
    result, error, status = None, "", 200
    if text.strip() and (request.values.get("run") or chosen):
        try:
            result = tabulate(text)
        except EngineFault as exc:  # malformed, refused, too slow or too large: said in the page
            refusal = for_fault(exc)
            error, status = refusal.detail, refusal.status
    downloads = []
    if result is not None:
        formats = GRAPH_FORMATS if result["kind"] == "graph" else RESULT_FORMATS
        downloads = [(fmt.name, "/sparql?" + urlencode({"query": text, "format": fmt.name})) for fmt in formats]
    page = render_template(
        "query.html", catalogue=examples, chosen=chosen, text=text, result=result, error=error, downloads=downloads
    )
    return page, status


def tabulate(text: str) -> dict:
    """Run any query for the page: a table of rows, a yes/no, or a table of triples."""
    answer = run_query(text)
    if answer.kind == "graph":
        graph = Graph().parse(data=answer.serialize(NTRIPLES).decode("utf-8"), format="nt")
        rows = [{"subject": as_node(s), "predicate": as_node(p), "object": as_node(o)} for s, p, o in sorted(graph)]
        return {"kind": "graph", "columns": ["subject", "predicate", "object"], "rows": rows}
    json_bytes = answer.serialize(RESULT_FORMATS[0])
    document = json.loads(json_bytes)
    if answer.kind == "boolean":
        return {"kind": "boolean", "value": bool(document.get("boolean"))}
    return {"kind": "bindings", "columns": document["head"].get("vars", []), "rows": read_rows(json_bytes)}


def as_node(term) -> Node:
    if isinstance(term, URIRef):
        return Node(str(term), "uri")
    if isinstance(term, Literal):
        return Node(str(term), "literal", term.language or "", str(term.datatype or ""))
    return Node(str(term), "bnode")
