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

# Imported here, before any thread: the announcing thread's first connect would import it, and a
# serving process forked while that import held its module lock deadlocked on its first request.
import encodings.idna  # noqa: F401
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import Server

from budapest_kg import resources
from budapest_kg.catalogue import CatalogueError

from . import check_build, create_app
from .bridge import RSGIBridge
from .config import Config
from .faults import EngineFault
from .manifest import ManifestError

# Seconds a HUP reload waits after starting each new process before stopping the old one (the new one
# opens the store and starts its query worker meanwhile), and a stopping process has to finish.
RESPAWN_SECONDS = 1.0
STOP_SECONDS = 3
START_SECONDS = 120
HEADER_SECONDS = 30  # a client gets this long to send its request headers


def make_app() -> RSGIBridge:
    """A serving process's app: the configuration from BKG_* variables, over the build the folder names now."""
    config = Config.load()
    # A symlinked build folder is resolved once: a replaced query worker reloads the same build.
    app = create_app(replace(config, build_dir=config.build_dir.resolve()), serving=True)
    return RSGIBridge(app, threads=config.threads, max_body_bytes=config.max_body_bytes)


def check_listen(host: str, port: int) -> None:
    """OSError when this address cannot be listened on (a port taken): said before any process starts."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def serve(
    config: Config,
    host: str,
    port: int,
    build_link: Path | None = None,
    report: Callable[[str], None] = print,
    announce: Callable[[], None] = lambda: None,
) -> None:
    """Serve until interrupted (SIGINT/SIGTERM); `announce` runs once the address listens. SIGHUP respawns the
    processes one at a time, each onto the build `build_link` (a symlink to a release folder) names then, when
    that build passes the start checks; otherwise onto the build they served, and the reason is reported."""
    os.environ.update(config.as_environment())
    server = Server(
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
        log_level=LogLevels.warning,  # its start and stop notes would bury ours; warnings and errors stay
    )
    server.on_startup(lambda: when_listening(host, port, announce))
    if build_link is not None:
        server.on_reload(lambda: follow(build_link, config, report))
    server.serve()


def when_listening(host: str, port: int, announce: Callable[[], None]) -> None:
    """Run announce, in a thread, once the address takes connections (the serving processes start listening)."""

    def wait() -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                socket.create_connection((host, port), timeout=1).close()
            except OSError:
                time.sleep(0.02)
                continue
            announce()
            return

    threading.Thread(target=wait, name="bkg-announce", daemon=True).start()


def follow(link: Path, config: Config, report: Callable[[str], None]) -> None:
    """Before a reload's new processes are made: point them at the build the link names now, if it can be served."""
    target = link.resolve()
    current = os.environ["BKG_BUILD_DIR"]
    try:
        check_build(replace(config, build_dir=target))
        if config.engine == "oxigraph" and not (target / resources.STORE_DIR).is_dir():
            raise FileNotFoundError(f"no store at {target / resources.STORE_DIR}: rebuild with 'budapest-kg build'")
    except (CatalogueError, ManifestError, OSError, EngineFault) as exc:
        report(f"reload: {target} cannot be served ({exc}); the processes restart on {current}")
        return
    os.environ["BKG_BUILD_DIR"] = str(target)
    report(f"reload: serving {target}")
