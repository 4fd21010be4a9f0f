"""The RSGI bridge on its own: /health is answered while every request thread is held (issue 16, hole 6).

Granian calls the bridge with a scope and a protocol object; these stand-ins carry what the bridge
reads and record what it answers, so the bridge runs here in an event loop of the test's own.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

from budapest_kg.endpoint.bridge import RSGIBridge
from flask import Flask

HANG = 30  # seconds before the test calls the bridge hung; nothing here measures time


@dataclass
class Scope:
    path: str
    proto: str = "http"
    method: str = "GET"
    query_string: str = ""
    server: str = "127.0.0.1:8000"
    client: str = "127.0.0.2:50000"
    scheme: str = "http"
    http_version: str = "1.1"
    headers: dict = field(default_factory=dict)


class Protocol:
    def __init__(self):
        self.answer: tuple[int, bytes] | None = None

    def response_bytes(self, status, headers, body):
        self.answer = (status, body)


def test_health_is_answered_while_every_request_thread_is_held():
    held, release = threading.Event(), threading.Event()
    app = Flask(__name__)

    @app.get("/slow")
    def slow():
        held.set()
        release.wait(HANG)
        return "slow"

    @app.get("/health")
    def health():
        return "ok"

    bridge = RSGIBridge(app, threads=1, max_body_bytes=1000)

    async def scenario() -> tuple[tuple, bool]:
        slow_call = asyncio.ensure_future(bridge.__rsgi__(Scope("/slow"), Protocol()))
        await asyncio.to_thread(held.wait, HANG)  # the one request thread is now held
        protocol = Protocol()
        await asyncio.wait_for(bridge.__rsgi__(Scope("/health"), protocol), HANG)
        still_held = not slow_call.done()
        release.set()
        await slow_call
        return protocol.answer, still_held

    try:
        answer, still_held = asyncio.run(scenario())
    finally:
        release.set()
    assert answer == (200, b"ok")
    assert still_held  # answered while the only request thread was busy
