"""The query catalogue over HTTP: /queries lists the named queries, /queries/<name> runs one.

Parameters come as HTTP query parameters (?treaty=185&date=2010-01-01); a bad value is a 400 that
names the parameter and what it accepts. ``format`` picks the result format, as on /sparql; a browser
(Accept: text/html, or format=html) gets the answer as a page, with the query and its parameters.
"""

from __future__ import annotations

import json

from flask import Blueprint, Request, Response, render_template, request, url_for

from budapest_kg.catalogue import NamedQuery, ParameterError, UnknownQuery, find_query

from .errors import bad_request, not_acceptable, not_found
from .negotiation import GRAPH_FORMATS, RESULT_FORMATS, html_for
from .query_page import PAGE_PARAMETERS, render_query_page
from .runner import answer_query, bind_named, catalogue

bp = Blueprint("catalogue", __name__)
RESERVED = ("format",)


@bp.get("/queries")
def list_queries() -> Response:
    queries = sorted(catalogue().values(), key=lambda q: q.summary.casefold())
    described = [dict(q.describe(), url=url_for("catalogue.run_named_query", name=q.name)) for q in queries]
    override = request.args.get("format", "").lower()
    if override in ("json", "application/json"):
        wanted = "application/json"
    elif override in ("html", "text/html"):
        wanted = "text/html"
    elif override:
        raise not_acceptable(f"format {override!r} is not available here; choose html or json")
    else:
        wanted = request.accept_mimetypes.best_match(["text/html", "application/json"], "text/html")
        if wanted is None:
            raise not_acceptable("none of the requested types can be produced; choose text/html or application/json")
    if wanted == "application/json":
        response = Response(json.dumps({"queries": described}, indent=2) + "\n", mimetype="application/json")
    else:
        response = Response(render_template("catalogue.html", queries=described), mimetype="text/html")
    response.vary.add("Accept")
    return response


@bp.get("/queries/<path:name>")
def run_named_query(name: str) -> Response:
    """The named query's answer: a page for a browser, the format asked for (Accept or ?format=) otherwise."""
    query, text, values, override, html = bind_request(name, request)
    if html:
        page, status, headers = render_query_page(text, chosen=query, values=values)
        response = Response(page, status=status, headers=headers, mimetype="text/html")
        response.vary.add("Accept")
        return response
    return answer_query(text, override)


def bind_request(name: str, req: Request) -> tuple[NamedQuery, str, dict[str, str], str | None, bool]:
    """The named query, its text bound to the request's parameters, those values, the format override and
    whether a page is wanted; 404 for an unknown name, 400 naming a bad parameter."""
    try:
        query = find_query(catalogue(), name)
    except UnknownQuery as exc:
        raise not_found(str(exc)) from exc
    override = req.args.get("format")
    html = html_for(RESULT_FORMATS + GRAPH_FORMATS, req, override)
    # The page's own paging (?page=, ?size=) is not a parameter of the query.
    reserved = (*RESERVED, *PAGE_PARAMETERS) if html else RESERVED
    values = {}
    for key in req.args:
        if key in reserved:
            continue
        given = req.args.getlist(key)
        if len(given) > 1:
            raise bad_request(f"parameter {key!r} is given {len(given)} times; give it once")
        values[key] = given[0]
    try:
        text = bind_named(query, values)
    except ParameterError as exc:
        raise bad_request(str(exc)) from exc
    return query, text, values, override, html
