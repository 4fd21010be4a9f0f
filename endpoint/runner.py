"""The one path a query takes, for /sparql, /queries/<name> and the site's /query.

The engine's faults propagate unchanged; errors.py maps each to its HTTP status in one place. The
named queries are bound here too, so the catalogue and the query page bind them the same way.
"""

from __future__ import annotations

import json

from flask import Flask, Request, Response, current_app, request

from budapest_kg import resources
from budapest_kg.catalogue import NamedQuery, read_catalogue

from .answer import Answer
from .base import build_base
from .cache import ResultCache, normalize
from .guard import check_nesting
from .negotiation import GRAPH_FORMATS, RESULT_FORMATS, Format, choose_for

# Where a request handed over by the event loop carries the fault the engine raised for its query (fast.py).
FAULT_KEY = "bkg.fault"


def load_catalogue(app: Flask) -> None:
    """Read the catalogue when the app is made, so a broken query file fails fast, not on a request."""
    app.extensions["bkg_catalogue"] = read_catalogue(resources.source_tree().queries_dir)


def catalogue() -> dict[str, NamedQuery]:
    return current_app.extensions["bkg_catalogue"]


def run_query(
    text: str,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    base_iri: str | None = None,
) -> Answer:
    """Ask the engine, with every limit and refusal it applies; its faults are raised as they are.

    Nesting is checked here, in the server, so that a query that would overflow a parser's stack
    never reaches an engine, whichever engine and wherever it runs. A request whose query the event loop
    already ran (fast.py) and that failed carries the engine's fault: it is raised here, not asked again.
    """
    check_nesting(text, current_app.extensions["bkg_config"].max_nesting)
    fault = request.environ.pop(FAULT_KEY, None)
    if fault is not None:
        raise fault
    engine = current_app.extensions["bkg_engine"]
    # Relative IRIs in a query resolve against the endpoint itself (the protocol allows this base).
    base_iri = base_iri or request.base_url
    return engine.query(text, default_graphs=default_graphs, named_graphs=named_graphs, base_iri=base_iri)


def bind_named(query: NamedQuery, values: dict[str, str]) -> str:
    """The named query's text with its parameters bound; ParameterError naming a bad value."""
    return query.bind(values, known_states())


def known_states() -> frozenset[str]:
    """The ISO codes of the States in the graph, asked of the engine once."""
    cached = current_app.extensions.get("bkg_state_codes")
    if cached is None:
        codes = f"SELECT DISTINCT ?code WHERE {{ ?state <{build_base().bkg.iso3166Alpha3}> ?code }}"
        answer = current_app.extensions["bkg_engine"].query(codes, capped=False)
        rows = json.loads(answer.serialize(RESULT_FORMATS[0]))["results"]["bindings"]
        cached = frozenset(row["code"]["value"] for row in rows)
        current_app.extensions["bkg_state_codes"] = cached
    return cached


def answer_query(
    text: str, override: str | None, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None
) -> Response:
    """The query's answer in the format the client asked for, from the result cache when it holds it."""
    key = answer_key(text, default_graphs, named_graphs, request.base_url)
    response = from_cache(key, override, request)
    if response is None:
        answer = run_query(text, default_graphs, named_graphs, key[-1])
        response = keep_answer(key, answer, override, request)
    return response


def answer_key(text: str, default_graphs: list[str] | None, named_graphs: list[str] | None, base_iri: str) -> tuple:
    """What the result cache keeps an answer under: the normalized query, the dataset and the base IRI (last)."""
    return (normalize(text), tuple(default_graphs or ()), tuple(named_graphs or ()), base_iri)


def from_cache(key: tuple, override: str | None, req: Request) -> Response | None:
    """The answer kept under key in the format req asks for, if the cache holds it.

    The cache keeps the kind of answer (which decides the formats on offer) and each format's bytes
    asked for so far."""
    cache: ResultCache = current_app.extensions["bkg_results"]
    kind = cache.get(("kind", *key))
    if kind is None:
        return None
    fmt = choose(kind, override, req)
    body = cache.get((*key, fmt.name))
    return None if body is None else make_response(body, fmt)


def keep_answer(key: tuple, answer: Answer, override: str | None, req: Request) -> Response:
    """The engine's answer in the format req asks for, kept in the result cache."""
    cache: ResultCache = current_app.extensions["bkg_results"]
    fmt = choose(answer.kind, override, req)
    body = answer.serialize(fmt, build_base().prefixes() if answer.kind == "graph" else None)
    cache.put(("kind", *key), answer.kind)
    cache.put((*key, fmt.name), body)
    return make_response(body, fmt)


def choose(kind: str, override: str | None, req: Request | None = None) -> Format:
    """The format for a kind of answer: override, then Accept; 406 naming the choices."""
    return choose_for(GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS, req or request, override)


def respond(answer: Answer, override: str | None) -> Response:
    """The answer in the format the client asked for (override, then Accept)."""
    fmt = choose(answer.kind, override)
    return make_response(answer.serialize(fmt, build_base().prefixes()), fmt)


def make_response(body: bytes, fmt: Format) -> Response:
    # werkzeug labels text/* and +xml types charset=utf-8 itself; JSON has no charset parameter (RFC 8259).
    response = Response(body, mimetype=fmt.media_type)
    response.vary.add("Accept")
    return response
