"""The SPARQL 1.1 Protocol for queries at /sparql (read-only)."""

from __future__ import annotations

from urllib.parse import parse_qs

from flask import Blueprint, Response, current_app, request

from .engine import Answer, QueryError, UpdateRefused
from .errors import bad_request, forbidden, method_not_allowed, unsupported_media_type
from .negotiation import GRAPH_FORMATS, RESULT_FORMATS, choose_format

bp = Blueprint("sparql", __name__)


@bp.route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def sparql() -> Response:
    if request.method not in ("GET", "POST"):
        raise method_not_allowed(f"{request.method} is not allowed on /sparql; use GET or POST")
    params = read_protocol_request()
    if params.get("update"):
        raise forbidden("SPARQL Update is not accepted: this graph is read-only and changes only through the build")
    queries = params.get("query", [])
    if not queries:
        raise bad_request("missing 'query' parameter")
    if len(queries) > 1:
        raise bad_request("more than one 'query' parameter")
    engine = current_app.extensions["bkg_engine"]
    try:
        answer = engine.query(
            queries[0],
            default_graphs=params.get("default-graph-uri") or None,
            named_graphs=params.get("named-graph-uri") or None,
        )
    except UpdateRefused as exc:
        raise forbidden(str(exc)) from exc
    except QueryError as exc:
        raise bad_request(f"malformed query: {exc}") from exc
    return respond(answer, (request.values.getlist("format") or [None])[-1])


def read_protocol_request() -> dict[str, list[str]]:
    """The protocol's parameters from the URL and, for POST, the body (form or sparql-query)."""
    params = {k: v for k, v in parse_qs(request.query_string.decode("utf-8", "replace")).items()}
    if request.method == "GET":
        return params
    media = (request.mimetype or "").lower()
    body = request.get_data(cache=True)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_request(f"the request body is not UTF-8 (byte {exc.start})") from exc
    if media == "application/x-www-form-urlencoded":
        for key, values in parse_qs(text, keep_blank_values=True).items():
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


def respond(answer: Answer, override: str | None) -> Response:
    formats = GRAPH_FORMATS if answer.kind == "graph" else RESULT_FORMATS
    fmt = choose_format(formats, request.accept_mimetypes, override)
    response = Response(answer.serialize(fmt), mimetype=fmt.media_type)
    if fmt.media_type.startswith("text/") or fmt.media_type.endswith(("+json", "+xml", "/json")):
        response.charset = "utf-8"
    response.vary.add("Accept")
    return response
