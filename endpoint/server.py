"""The production server: Granian (an HTTP server in Rust) running the Flask app in several processes.

Why Granian, measured against the alternatives (docs/endpoint-performance.md):
- Its sockets live in an event loop in Rust: a slow client (headers or body trickling in) or a client
  that never reads its answers holds a connection there, never one of the Python threads, so no
  buffering proxy is needed in front (a pre-fork server with blocking workers, gunicorn's sync or
  gthread, needs one; waitress lost every thread to 8 connections that never read).
- HTTP parsing and keep-alive cost no Python: per request it used the least CPU of gunicorn (sync,
  gthread, gevent) and waitress with the same app.
- Pre-fork processes (one per core by default), each with its own query workers and caches; SIGHUP
  respawns them one by one, each making the app anew from the build the build folder names then.

Each process's app comes from :func:`make_app`, with the configuration passed in BKG_* variables; it
runs behind Granian's RSGI interface (bridge.py), so that request bodies are read by the event loop.
"""

from __future__ import annotations

import os
from dataclasses import replace

from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.server import Server

from . import create_app
from .bridge import RSGIBridge
from .config import Config

# Seconds a HUP reload waits after starting each new process before stopping the old one (the new one
# opens the store and starts its query worker meanwhile), and a stopping process has to finish.
RESPAWN_SECONDS = 1.0
STOP_SECONDS = 30
HEADER_SECONDS = 30  # a client gets this long to send its request headers


def make_app() -> RSGIBridge:
    """A serving process's app: the configuration from BKG_* variables, over the build the folder names now."""
    config = Config.load()
    # A symlinked build folder is resolved once: a replaced query worker reloads the same build.
    app = create_app(replace(config, build_dir=config.build_dir.resolve()), serving=True)
    return RSGIBridge(app, threads=config.threads, max_body_bytes=config.max_body_bytes)


def serve(config: Config, host: str, port: int) -> None:
    """Serve until interrupted (SIGINT/SIGTERM); SIGHUP moves every process to the build the folder names then."""
    os.environ.update(config.as_environment())
    Server(
        f"{__name__}:make_app",
        factory=True,
        interface=Interfaces.RSGI,
        address=host,
        port=port,
        workers=config.processes,
        http=HTTPModes.http1,
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_SECONDS * 1000),
        websockets=False,
        respawn_failed_workers=True,
        respawn_interval=RESPAWN_SECONDS,
        workers_kill_timeout=STOP_SECONDS,
        log_access=False,
    ).serve()
