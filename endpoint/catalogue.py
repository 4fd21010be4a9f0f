"""The query catalogue over HTTP: /queries lists the named queries, /queries/<name> runs one.

Parameters come as HTTP query parameters (?treaty=185&date=2010-01-01); a bad value is a 400 that
names the parameter and what it accepts. ``format`` picks the result format, as on /sparql.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, request, url_for
from markupsafe import escape

from budapest_kg.catalogue import ParameterError, UnknownQuery, find_query

from .errors import bad_request, not_acceptable, not_found
from .runner import bind_named, catalogue, respond, run_query

bp = Blueprint("catalogue", __name__)
RESERVED = ("format",)


@bp.get("/queries")
def list_queries() -> Response:
    queries = catalogue().values()
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
        response = Response(render_index(described), mimetype="text/html")
    response.vary.add("Accept")
    return response


@bp.get("/queries/<path:name>")
def run_named_query(name: str) -> Response:
    try:
        query = find_query(catalogue(), name)
    except UnknownQuery as exc:
        raise not_found(str(exc)) from exc
    values = {}
    for key in request.args:
        if key in RESERVED:
            continue
        given = request.args.getlist(key)
        if len(given) > 1:
            raise bad_request(f"parameter {key!r} is given {len(given)} times; give it once")
        values[key] = given[0]
    try:
        text = bind_named(query, values)
    except ParameterError as exc:
        raise bad_request(str(exc)) from exc
    return respond(run_query(text), request.args.get("format"))


def render_index(described: list[dict]) -> str:
    items = []
    for q in described:
        params = "".join(
            f"<li><code>{escape(p['name'])}</code> ({escape(p['type'])}"
            + (f", default <code>{escape(p['default'])}</code>" if p["default"] else ", required")
            + f"): {escape(p['description'])}</li>"
            for p in q["params"]
        )
        tags = ", ".join(escape(t) for t in q["tags"])
        items.append(
            f'<section id="{escape(q["name"])}"><h2><a href="{escape(q["url"])}">{escape(q["name"])}</a></h2>'
            f"<p><strong>{escape(q['summary'])}</strong></p><p>{escape(q['description'])}</p>"
            + (f"<p>Parameters:</p><ul>{params}</ul>" if params else "")
            + (f"<p>Tags: {tags}</p>" if tags else "")
            + f"<details><summary>SPARQL</summary><pre>{escape(q['sparql'])}</pre></details>"
            + "</section>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Query catalogue — budapest-kg</title>'
        "</head><body><h1>Query catalogue</h1>"
        f"<p>{len(described)} named queries. Run one at <code>/queries/NAME?param=value</code>; add "
        "<code>format=json|xml|csv|tsv</code> or send an Accept header. As JSON: "
        '<a href="?format=json">/queries?format=json</a>.</p>' + "".join(items) + "</body></html>\n"
    )
