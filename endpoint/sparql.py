"""The SPARQL 1.1 Protocol for queries at /sparql (read-only), with CORS for browser clients."""

from __future__ import annotations

from urllib.parse import parse_qs

from flask import Blueprint, Request, Response, current_app, request

from . import descriptions, headers, memo
from .errors import bad_request, forbidden, method_not_allowed, payload_too_large, unsupported_media_type
from .faults import UPDATE_REFUSAL
from .negotiation import GRAPH_FORMATS, RESULT_FORMATS, html_for
from .query_page import render_query_page
from .runner import answer_query

bp = Blueprint("sparql", __name__)

ENDPOINT_INTRO = (
    "This is the page of the SPARQL endpoint at /sparql. Programs send their queries to the same address"
    " (SPARQL 1.1 Protocol: GET or POST) and get SPARQL JSON, XML, CSV or TSV, or RDF for CONSTRUCT and DESCRIBE;"
    " its Service Description is at /sparql?format=turtle. People can write and run a query here."
)
ALL_FORMATS = (*RESULT_FORMATS, *GRAPH_FORMATS)
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-Max-Result-Bytes, X-Query-Timeout",
}
# A browser reads these on the answer to its preflight (OPTIONS) only (Fetch standard, CORS protocol):
# on any other answer they are bytes for nothing, on every request.
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}
ALLOW = "GET, HEAD, POST, OPTIONS"  # Flask's OPTIONS answer lists every routed method; only these answer queries


@bp.route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def answer_protocol_request() -> Response:
    if request.method not in ("GET", "HEAD", "POST"):
        raise method_not_allowed(f"{request.method} is not allowed on /sparql; use GET or POST")
    params = read_protocol_request(request)
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise forbidden(UPDATE_REFUSAL)
    queries = params.get("query", [])
    override = (params.get("format") or [None])[-1]
    if len(queries) <= 1 and for_a_person(params, override, request):
        page, status, headers = render_query_page(queries[0] if queries else "", intro=ENDPOINT_INTRO)
        response = Response(page, status=status, headers=headers, mimetype="text/html")
        response.vary.add("Accept")
        return response
    if not queries:
        if request.method in ("GET", "HEAD"):
            return descriptions.send(descriptions.describe_service())
        raise bad_request("missing 'query' parameter")
    if len(queries) > 1:
        raise bad_request(f"{len(queries)} 'query' parameters; send exactly one")
    return answer_query(queries[0], override, params.get("default-graph-uri"), params.get("named-graph-uri"))


def for_a_person(params: dict[str, list[str]], override: str | None, req: Request) -> bool:
    """A browser (or ?format=html) gets the query page; a dataset named in the request keeps the protocol's way."""
    if params.get("default-graph-uri") or params.get("named-graph-uri"):
        return False
    return html_for(ALL_FORMATS, req, override)


def read_protocol_request(req: Request) -> dict[str, list[str]]:
    """The protocol's parameters from the URL and, for POST, the body (form or sparql-query)."""
    params = parse_form(req.query_string.decode("utf-8", "replace"))
    if req.method in ("GET", "HEAD"):
        return params
    limit = current_app.extensions["bkg_config"].max_body_bytes
    if req.content_length is not None and req.content_length > limit:
        raise payload_too_large(f"the request body has {req.content_length} bytes; the limit is {limit}")
    media = (req.mimetype or "").lower()
    charset = req.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise unsupported_media_type(f"charset {charset!r} is not supported; send the body as UTF-8")
    body = req.get_data(cache=True)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_request(f"the request body is not UTF-8 (byte {exc.start})") from exc
    if media == "application/x-www-form-urlencoded":
        for key, values in parse_form(text).items():
            params.setdefault(key, []).extend(values)
    elif media == "application/sparql-query":
        params.setdefault("query", []).append(text)
    elif media == "application/sparql-update":
        params.setdefault("update", []).append(text)
    else:
        raise unsupported_media_type(
            f"POST body of type {media or '(none)'!r} is not supported; "
            "use application/x-www-form-urlencoded or application/sparql-query"
        )
    return params


def parse_form(text: str) -> dict[str, list[str]]:
    """The parameters of a URL-encoded text (a query string or a form body), each a new list.

    Decoding is Python's, character by character: ~40 us for a 1 KB query sent by a form, more than a
    light query's evaluation. The same text is decoded once (memo.py)."""
    return {name: list(values) for name, values in _decoded(text)}


@memo.per_text
def _decoded(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((name, tuple(values)) for name, values in parse_qs(text, keep_blank_values=True).items())


@bp.after_request
def announce(response: Response, req: Request | None = None) -> Response:
    """CORS for browser clients (YASGUI elsewhere) and the limits every answer is subject to."""
    config = current_app.extensions["bkg_config"]
    preflight = (req or request).method == "OPTIONS"
    if preflight:
        response.headers["Allow"] = ALLOW  # in place of Flask's
    labels = {**CORS_HEADERS, **PREFLIGHT_HEADERS} if preflight else dict(CORS_HEADERS)
    labels["X-Max-Result-Bytes"] = str(config.max_result_bytes)  # a 413 names the limit itself: the same
    if config.time_limited:
        labels["X-Query-Timeout"] = f"{config.timeout:g}"
    headers.add_missing(response, labels)
    return response
