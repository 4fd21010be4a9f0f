"""HTTP errors: one small constructor per status, one table from engine faults to them, one place
that turns them into responses.

A client fault is a 4xx with its reason. Anything else is internal: a 500 whose body names a trace id
and whose traceback is logged under that id; the body never holds a trace.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable

from flask import Flask, Response, current_app, has_request_context, render_template, request
from werkzeug.exceptions import HTTPException

from .faults import (
    EngineBusy,
    EngineFailure,
    EngineFault,
    QueryError,
    QueryTimeout,
    RemoteFailure,
    ResultTooLarge,
    ServiceRefused,
    StoreFailure,
    UnknownGraph,
    UpdateRefused,
)

log = logging.getLogger(__name__)


class HttpError(Exception):
    """An error the client should see, with its status and reason."""

    def __init__(self, status: int, title: str, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = headers or {}


def bad_request(detail: str) -> HttpError:
    return HttpError(400, "Bad Request", detail)


def forbidden(detail: str) -> HttpError:
    return HttpError(403, "Forbidden", detail)


def not_found(detail: str) -> HttpError:
    return HttpError(404, "Not Found", detail)


def method_not_allowed(detail: str, allowed: str = "GET, POST") -> HttpError:
    return HttpError(405, "Method Not Allowed", detail, {"Allow": allowed})


def not_acceptable(detail: str) -> HttpError:
    return HttpError(406, "Not Acceptable", detail)


def payload_too_large(detail: str) -> HttpError:
    return HttpError(413, "Payload Too Large", detail)


def result_too_large(detail: str, limit: int) -> HttpError:
    # 413 names the limit in a header too, so a client can tell it from the request-body limit.
    return HttpError(413, "Result Too Large", detail, {"X-Max-Result-Bytes": str(limit)})


def internal_error(cause: BaseException | None = None) -> HttpError:
    """500 naming a fresh trace id; the cause and its traceback are logged under that id."""
    trace = secrets.token_hex(6)
    where = f" while serving {request.method} {request.path}" if has_request_context() else ""
    log.error("internal error, trace id %s%s", trace, where, exc_info=cause)
    return HttpError(500, "Internal Server Error", f"internal error, trace id {trace}", {"X-Trace-Id": trace})


def bad_gateway(detail: str) -> HttpError:
    return HttpError(502, "Bad Gateway", detail)


def unsupported_media_type(detail: str) -> HttpError:
    return HttpError(415, "Unsupported Media Type", detail)


def service_unavailable(detail: str) -> HttpError:
    return HttpError(503, "Service Unavailable", detail, {"Retry-After": "1"})


def result_limit() -> int:
    return current_app.extensions["bkg_config"].max_result_bytes


# Each engine fault and the HTTP error that explains it; a subclass is looked up before its base.
FAULTS: dict[type[EngineFault], Callable[[EngineFault], HttpError]] = {
    UpdateRefused: lambda exc: forbidden(str(exc)),
    ServiceRefused: lambda exc: forbidden(str(exc)),
    UnknownGraph: lambda exc: bad_request(str(exc)),
    QueryError: lambda exc: bad_request(f"malformed query: {exc}"),
    QueryTimeout: lambda exc: service_unavailable(str(exc)),
    EngineBusy: lambda exc: service_unavailable(str(exc)),
    ResultTooLarge: lambda exc: result_too_large(str(exc), result_limit()),
    RemoteFailure: lambda exc: bad_gateway(f"a SERVICE endpoint failed: {exc}"),
    StoreFailure: lambda exc: bad_gateway(str(exc)),
    EngineFailure: internal_error,
}


def for_fault(exc: EngineFault) -> HttpError:
    """The HTTP error for an engine fault (most specific class first); internal when none is listed."""
    for cls in type(exc).__mro__:
        if cls in FAULTS:
            return FAULTS[cls](exc)
    return internal_error(exc)


def render(error: HttpError) -> Response:
    """A page for browsers, JSON for clients that prefer it, plain text otherwise; a 5xx is logged with its reason.

    Plain text comes first, so a client that accepts anything (curl, */*) reads the reason without markup;
    a browser names text/html and gets a page of the site, with its navigation.
    """
    if error.status > 500:  # a 500 is logged, with its traceback, by internal_error
        log.error("%s %s -> %d: %s", request.method, request.path, error.status, error.detail)
    best = request.accept_mimetypes.best_match(["text/plain", "application/json", "text/html"], "text/plain")
    if best == "application/json":
        body = json.dumps({"status": error.status, "error": error.title, "detail": error.detail})
        response = Response(body + "\n", status=error.status, mimetype="application/json")
    elif best == "text/html":
        page = render_template("error.html", error=error, title=f"{error.status} {error.title}")
        response = Response(page, status=error.status, mimetype="text/html")
    else:
        text = f"{error.status} {error.title}: {error.detail}\n"
        response = Response(text, status=error.status, mimetype="text/plain")
    response.headers.update(error.headers)
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HttpError, render)
    app.register_error_handler(EngineFault, lambda exc: render(for_fault(exc)))
    app.register_error_handler(HTTPException, render_werkzeug)
    app.register_error_handler(Exception, lambda exc: render(internal_error(exc)))


def render_werkzeug(exc: HTTPException) -> Response:
    """Routing errors werkzeug raises itself (404, 405, 413) in the same shape as ours."""
    if (exc.code or 500) >= 500:
        return render(internal_error(getattr(exc, "original_exception", None) or exc))
    headers = dict(exc.get_headers()) if exc.code == 405 else {}
    headers.pop("Content-Type", None)
    return render(HttpError(exc.code, exc.name, exc.description or exc.name, headers))
