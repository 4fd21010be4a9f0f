"""HTTP errors: one small constructor per status, one place that turns them into responses."""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

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


def internal_error(detail: str) -> HttpError:
    return HttpError(500, "Internal Server Error", detail)


def bad_gateway(detail: str) -> HttpError:
    return HttpError(502, "Bad Gateway", detail)


def unsupported_media_type(detail: str) -> HttpError:
    return HttpError(415, "Unsupported Media Type", detail)


def service_unavailable(detail: str) -> HttpError:
    return HttpError(503, "Service Unavailable", detail, {"Retry-After": "1"})


def render(error: HttpError) -> Response:
    """JSON for clients that prefer it, plain text otherwise; a 5xx is logged with its reason."""
    if error.status >= 500:
        log.error("%s %s -> %d: %s", request.method, request.path, error.status, error.detail)
    best = request.accept_mimetypes.best_match(["text/plain", "application/json", "text/html"], "text/plain")
    if best == "application/json":
        body = json.dumps({"status": error.status, "error": error.title, "detail": error.detail})
        response = Response(body + "\n", status=error.status, mimetype="application/json")
    else:
        text = f"{error.status} {error.title}: {error.detail}\n"
        response = Response(text, status=error.status, mimetype="text/plain")
    response.headers.update(error.headers)
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HttpError, render)

    @app.errorhandler(HTTPException)
    def _werkzeug(exc: HTTPException):  # routing errors: 404, 405, 413 raised by werkzeug itself
        headers = dict(exc.get_headers()) if exc.code == 405 else {}
        headers.pop("Content-Type", None)
        return render(HttpError(exc.code or 500, exc.name, exc.description or exc.name, headers))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("internal error while serving %s %s", request.method, request.path)
        return render(HttpError(500, "Internal Server Error", "the server failed; the cause is logged"))
