"""The query catalogue over HTTP: /queries lists the named queries, /queries/<name> runs one.

Parameters come as HTTP query parameters (?treaty=185&date=2010-01-01); a bad value is a 400 that
names the parameter and what it accepts. ``format`` picks the result format, as on /sparql.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request, url_for
from markupsafe import escape

from budapest_kg import resources
from budapest_kg.catalogue import NamedQuery, ParameterError, UnknownQuery, find_query, read_catalogue
from budapest_kg.namespaces import BKG

from . import sparql
from .errors import bad_request, not_acceptable, not_found
from .negotiation import RESULT_FORMATS
from .sparql import respond

bp = Blueprint("catalogue", __name__)
RESERVED = ("format",)
STATE_CODES = f"SELECT DISTINCT ?code WHERE {{ ?state <{BKG.iso3166Alpha3}> ?code }}"


@bp.record_once
def load(state) -> None:
    """Read the catalogue when the app starts, so a broken query file fails fast, not on a request."""
    state.app.extensions["bkg_catalogue"] = read_catalogue(resources.source_tree().queries_dir)


def catalogue() -> dict[str, NamedQuery]:
    return current_app.extensions["bkg_catalogue"]


def known_states() -> frozenset[str]:
    """The ISO codes of the States in the graph, asked of the engine once."""
    cached = current_app.extensions.get("bkg_state_codes")
    if cached is None:
        answer = current_app.extensions["bkg_engine"].query(STATE_CODES)
        rows = json.loads(answer.serialize(RESULT_FORMATS[0]))["results"]["bindings"]
        cached = frozenset(row["code"]["value"] for row in rows)
        current_app.extensions["bkg_state_codes"] = cached
    return cached


@bp.get("/queries")
def index() -> Response:
    described = [dict(q.describe(), url=url_for("catalogue.run", name=q.name)) for q in catalogue().values()]
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
def run(name: str) -> Response:
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
        text = query.bind(values, known_states())
    except ParameterError as exc:
        raise bad_request(str(exc)) from exc
    # The SPARQL view's runner maps every refusal and limit (SERVICE allow-list, time, size) to its HTTP error.
    answer = sparql.run(text, None, None)
    return respond(answer, request.args.get("format"))


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
