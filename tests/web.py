"""The one HTTP helper of the tests: a real server on a loopback port, Flask's test client, one Response.

Both `LiveServer` (a real socket, urllib as the client) and `AppClient` (Flask's test client, no
socket) answer `request(path, ...)` and `get(path, ...)` with the same `Response`, so a test reads
the same whichever it needs. Use a real socket for the protocol, real clients (SPARQLWrapper,
SPARQLStore), limits that need a server, and the browser; the test client elsewhere.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import waitress
from flask import Flask

TIMEOUT = 120  # seconds a client waits; generous, the tests never measure time


@dataclass(frozen=True)
class Response:
    status: int
    headers: Any  # email.message.Message (urllib) or werkzeug Headers: both read by name, case-insensitive
    body: bytes

    @property
    def media(self) -> str:
        """The media type without parameters, lower case ('' when the header is missing)."""
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


def query_string(params: dict | list | None = None, **more) -> str:
    """`?a=1&b=2` from a dict (a list value repeats the key) or a list of pairs; '' when there is nothing."""
    pairs = list(params.items()) if isinstance(params, dict) else list(params or [])
    pairs += list(more.items())
    return "?" + urllib.parse.urlencode(pairs, doseq=True) if pairs else ""


def sparql_path(query: str | None = None, **params) -> str:
    """/sparql with the query and protocol parameters in the query string."""
    if query is not None:
        params = {"query": query, **params}
    return "/sparql" + query_string(params)


def headers_for(accept: str | None, content_type: str | None, headers: dict | None, body: bytes | None) -> dict:
    found = {**({"Accept": accept} if accept else {}), **(headers or {})}
    if content_type is not None:
        found["Content-Type"] = content_type
    elif body is not None:
        found["Content-Type"] = ""  # a body sent with no media type at all (urllib would add a form type)
    return found


class Site:
    """What both clients share: `get` and the helpers built on `request`."""

    url = ""

    def request(self, path: str, **options) -> Response:
        raise NotImplementedError

    def get(self, path: str, accept: str | None = None, **options) -> Response:
        return self.request(path, accept=accept, **options)

    def sparql(self, query: str | None = None, accept: str | None = None, **params) -> Response:
        return self.get(sparql_path(query, **params), accept)


class LiveServer(Site):
    """The real WSGI server (waitress) on a free loopback port, in a thread; a context manager."""

    def __init__(self, app: Flask):
        self.app = app
        self.server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
        self.port = self.server.effective_port
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.closing = False

    def run(self) -> None:
        try:
            self.server.run()
        except OSError:
            # close() from the test thread pulls the sockets from under select(): expected when stopping.
            if not self.closing:
                raise

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        # Let request threads finish before the trigger they signal is closed (else EBADF in a thread).
        self.closing = True
        self.server.task_dispatcher.shutdown()
        self.server.close()
        self.thread.join(timeout=5)

    def request(self, path: str, **options) -> Response:
        return fetch(self.url + path, **options)


class AppClient(Site):
    """Flask's test client over the same app: no socket, the same Response."""

    url = "http://localhost"

    def __init__(self, app: Flask):
        self.app = app
        self.client = app.test_client()

    def request(
        self,
        path: str,
        *,
        method: str = "GET",
        accept: str | None = None,
        headers: dict | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
        timeout: float = TIMEOUT,
    ) -> Response:
        sent = headers_for(accept, content_type, headers, body)
        if path.startswith(self.url):
            path = path[len(self.url) :]
        answer = self.client.open(path, method=method, headers=sent, data=body)
        return Response(answer.status_code, answer.headers, answer.get_data())


def fetch(
    url: str,
    *,
    method: str = "GET",
    accept: str | None = None,
    headers: dict | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
    timeout: float = TIMEOUT,
) -> Response:
    """One request over a real socket with urllib; an HTTP error status is an answer, not an exception."""
    request = urllib.request.Request(
        url, data=body, method=method, headers=headers_for(accept, content_type, headers, body)
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Response(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())
