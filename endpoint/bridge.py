"""The Flask app behind Granian's RSGI interface: the request body is read in the event loop, then the
app runs in a thread.

Granian's own WSGI interface hands a request to a Python thread as soon as its headers are in, and the
thread then waits on the body: 50 clients trickling their bodies held every thread. Here a body is
read whole by the event loop (bounded in size and time) before any thread is taken, so a slow client
costs a coroutine, not a thread; and a client that never reads its answer holds only the bytes that
Granian writes for it.

/health is answered in the event loop itself, never behind requests waiting for a query slot or a
thread: it reads only what the process holds (no engine, no file), so it answers whatever the load
(issue 16) at the cost of one scheduling of the loop.
"""

from __future__ import annotations

import asyncio
import io
import sys
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

from flask import Flask

from . import fast, inline

BODY_SECONDS = 30  # a client gets this long to send its request body
IN_LOOP_PATHS = ("/health",)  # answered without the engine or any I/O, in the event loop

_SPECIAL = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}


class RSGIBridge:
    """An RSGI application running a WSGI app in `threads` threads, bodies up to `max_body_bytes`."""

    def __init__(self, app: Flask, threads: int, max_body_bytes: int):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bkg-request")
        self.workers = fast.pool_of(app)  # None: every request goes to the app in a thread
        # Opened once the workers have forked (they fork from a single-threaded process): the store's threads.
        self.inline = None if self.workers is None else inline.open_for(app)

    async def __rsgi__(self, scope, protocol) -> None:
        if scope.proto != "http":  # websockets are switched off in the server
            return
        body = await self.read_body(scope, protocol)
        if isinstance(body, int):
            respond_plain(protocol, body, self.max_body_bytes)
            return
        environ = make_environ(scope, body)
        if scope.path in IN_LOOP_PATHS:
            status, headers, payload = self.call(environ)
        elif (
            self.workers is not None
            and fast.answers(scope.path)
            and (done := await fast.answer(self.app, self.workers, self.pool, environ, self.inline))
        ):
            status, headers, payload = done
        else:
            if environ.pop("werkzeug.request", None) is not None:  # the loop read the body: the app reads it again
                environ["wsgi.input"].seek(0)
            status, headers, payload = await asyncio.get_running_loop().run_in_executor(self.pool, self.call, environ)
        protocol.response_bytes(status, headers, payload)

    async def read_body(self, scope, protocol) -> bytes | int:
        """The whole body, or the HTTP status refusing it: 413 over the limit, 408 when it comes too slowly."""
        declared = scope.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            return 413 if declared.isdigit() else 400
        if declared == "0" or (declared is None and "transfer-encoding" not in scope.headers):
            return b""
        try:
            async with asyncio.timeout(BODY_SECONDS):  # a timer, not a task of its own as wait_for makes
                if declared is not None:
                    # Its length is known and within the limit: asked for whole, in one hand-over from
                    # Granian's side instead of one per chunk and one more for the end (an empty app
                    # answered 20 % more requests a second so).
                    return await protocol()
                return await self.collect(protocol)
        except TimeoutError:
            return 408
        except BodyTooLarge:
            return 413

    async def collect(self, protocol) -> bytes:
        chunks, size = [], 0
        async for chunk in protocol:
            size += len(chunk)
            if size > self.max_body_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    def call(self, environ: dict) -> tuple[int, list[tuple[str, str]], bytes]:
        """Run the WSGI app in this thread: status, headers and the whole answer."""
        started: list = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info=None):
            started[:] = [int(status.split(" ", 1)[0]), headers]

        result = self.app(environ, start_response)
        try:
            payload = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return started[0], started[1], payload


class BodyTooLarge(Exception):
    """The request body grew past the limit while it was read."""


def make_environ(scope, body: bytes) -> dict:
    """The WSGI environ (PEP 3333) of an RSGI request whose body has been read."""
    host, _, port = scope.server.rpartition(":")
    client, _, client_port = scope.client.rpartition(":")
    environ = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": scope.path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": host,
        "SERVER_PORT": port,
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "REMOTE_ADDR": client,
        "REMOTE_PORT": client_port,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in scope.headers.items():
        key = _SPECIAL.get(name) or "HTTP_" + name.upper().replace("-", "_")
        environ[key] = f"{environ[key]}, {value}" if key in environ else value
    if body and "CONTENT_LENGTH" not in environ:
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def respond_plain(protocol, status: int, limit: int) -> None:
    """A refusal made before the app runs, in the shape of the app's own plain-text errors."""
    detail = {
        400: "the Content-Length header is not a number of bytes",
        408: f"the request body did not arrive within {BODY_SECONDS} s",
        413: f"the request body is larger than this endpoint's limit of {limit} bytes",
    }[status]
    text = f"{status} {HTTPStatus(status).phrase}: {detail}\n"
    protocol.response_str(status, [("content-type", "text/plain; charset=utf-8"), ("connection", "close")], text)
