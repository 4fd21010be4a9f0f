"""Benchmark (not a test): the serving process's own CPU per /sparql request, without HTTP.

The RSGI bridge of a serving process is called in an event loop of this script's own with stand-ins
for Granian's scope and protocol objects, one request after another (one client), over an app with one
query worker and the result cache off. What it reports is the Python work of the serving process per
request (the worker's evaluation runs in its own process and is not counted): the part of the server's
cost this project's code decides, free of the HTTP server's and the clients' share.

    python bench/request_cost.py                       # ASK {}
    python bench/request_cost.py --query contracting-states -n 1000
"""

from __future__ import annotations

import argparse
import asyncio
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Scope:
    """What the bridge reads of Granian's RSGI scope."""

    path: str
    headers: dict
    proto: str = "http"
    method: str = "POST"
    query_string: str = ""
    server: str = "127.0.0.1:8000"
    client: str = "127.0.0.2:50000"
    scheme: str = "http"
    http_version: str = "1.1"


class Protocol:
    """What the bridge uses of Granian's RSGI protocol: the body in one chunk; the status it answers."""

    def __init__(self, body: bytes):
        self.body = body
        self.status = 0

    async def __call__(self) -> bytes:  # the whole body at once
        return self.body

    def __aiter__(self):  # the body chunk by chunk
        return self.chunks()

    async def chunks(self):
        yield self.body

    def response_bytes(self, status, headers, body):
        self.status = status


def main() -> None:
    from budapest_kg.endpoint import create_app
    from budapest_kg.endpoint.bridge import RSGIBridge
    from budapest_kg.endpoint.config import Config

    from budapest_kg.catalogue import read_catalogue

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--query", default=None, help="a catalogue query's name (default: ASK {})")
    parser.add_argument("-n", type=int, default=2000, help="requests measured (after 200 to warm up)")
    args = parser.parse_args()
    text = "ASK {}"
    if args.query:
        text = read_catalogue(ROOT / "queries")[args.query].bind({}, {"FRA"})
    app = create_app(Config.load(build_dir=args.build_dir, workers=1, cache_bytes=0))
    bridge = RSGIBridge(app, threads=2, max_body_bytes=1_000_000)
    body = urllib.parse.urlencode({"query": text}).encode()
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "accept": "application/sparql-results+json, text/turtle;q=0.9",
        "content-length": str(len(body)),
    }

    async def send(count: int) -> None:
        for _ in range(count):
            protocol = Protocol(body)
            await bridge.__rsgi__(Scope("/sparql", headers), protocol)
            if protocol.status != 200:
                raise SystemExit(f"answered {protocol.status}")

    try:
        time.sleep(2)  # the worker's copy of the store into memory
        asyncio.run(send(200))
        wall, cpu = time.perf_counter(), time.process_time()
        asyncio.run(send(args.n))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        app.extensions["bkg_engine"].close()
    name = args.query or "ASK {}"
    print(f"{name}: {cpu / args.n * 1e6:.0f} us of CPU per request, {wall / args.n * 1e6:.0f} us wall")


if __name__ == "__main__":
    main()
