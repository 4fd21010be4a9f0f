"""The one path a query takes, for /sparql, /queries/<name> and the site's /query.

The engine's faults propagate unchanged; errors.py maps each to its HTTP status in one place. The
named queries are bound here too, so the catalogue and the query page bind them the same way.
"""

from __future__ import annotations

import json

from flask import Flask, Response, current_app, request

from budapest_kg import resources
from budapest_kg.catalogue import NamedQuery, read_catalogue

from .answer import Answer
from .base import build_base
from .negotiation import GRAPH_FORMATS, RESULT_FORMATS, choose_format


def load_catalogue(app: Flask) -> None:
    """Read the catalogue when the app is made, so a broken query file fails fast, not on a request."""
    app.extensions["bkg_catalogue"] = read_catalogue(resources.source_tree().queries_dir)


def catalogue() -> dict[str, NamedQuery]:
    return current_app.extensions["bkg_catalogue"]


def run_query(text: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> Answer:
    """Ask the engine, with every limit and refusal it applies; its faults are raised as they are."""
    engine = current_app.extensions["bkg_engine"]
    # Relative IRIs in a query resolve against the endpoint itself (the protocol allows this base).
    return engine.query(text, default_graphs=default_graphs, named_graphs=named_graphs, base_iri=request.base_url)


def bind_named(query: NamedQuery, values: dict[str, str]) -> str:
    """The named query's text with its parameters bound; ParameterError naming a bad value."""
    return query.bind(values, known_states())


def known_states() -> frozenset[str]:
    """The ISO codes of the States in the graph, asked of the engine once."""
    cached = current_app.extensions.get("bkg_state_codes")
    if cached is None:
        codes = f"SELECT DISTINCT ?code WHERE {{ ?state <{build_base().bkg.iso3166Alpha3}> ?code }}"
        answer = current_app.extensions["bkg_engine"].query(codes)
        rows = json.loads(answer.serialize(RESULT_FORMATS[0]))["results"]["bindings"]
        cached = frozenset(row["code"]["value"] for row in rows)
        current_app.extensions["bkg_state_codes"] = cached
    return cached


def respond(answer: Answer, override: str | None) -> Response:
    """The answer in the format the client asked for (override, then Accept)."""
    formats = GRAPH_FORMATS if answer.kind == "graph" else RESULT_FORMATS
    fmt = choose_format(formats, request.accept_mimetypes, override)
    response = Response(answer.serialize(fmt, build_base().prefixes()), mimetype=fmt.media_type)
    if fmt.media_type.startswith("text/") or fmt.media_type.endswith(("+json", "+xml", "/json")):
        response.charset = "utf-8"
    response.vary.add("Accept")
    return response
