"""A server that moves to a new build without dropping a request: the application is replaced whole.

``serve`` runs a :class:`Reloadable`: on reload (SIGHUP) it makes a new application from the build
the build folder names *now* (a symlink switched to a new release folder), while the old one keeps
answering; then new requests go to the new application, and the old one is closed once its last
request has finished. Each request runs from start to end on one application, so no answer mixes
two builds. A new build that cannot be served (missing, corrupt, a store that does not answer)
leaves the old one serving, and says why.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask
from werkzeug.wsgi import ClosingIterator

log = logging.getLogger(__name__)
DRAIN_SECONDS = 120  # how long an old application may take to finish its requests before it is closed


class Reloadable:
    """A WSGI application whose Flask app can be replaced while requests are running."""

    def __init__(self, make_app: Callable[[], Flask]):
        self.make_app = make_app
        self.app = make_app()
        self._lock = threading.Lock()
        self._reloading = threading.Lock()
        self._running: dict[int, int] = {}
        self.generation = 1

    def __call__(self, environ, start_response):
        with self._lock:
            app = self.app
            self._running[id(app)] = self._running.get(id(app), 0) + 1
        try:
            body = app(environ, start_response)
        except BaseException:
            self._finished(app)
            raise
        return ClosingIterator(body, lambda: self._finished(app))

    def _finished(self, app: Flask) -> None:
        with self._lock:
            self._running[id(app)] -= 1

    def running(self, app: Flask) -> int:
        with self._lock:
            return self._running.get(id(app), 0)

    def reload(self) -> bool:
        """Serve a new application made now; True when it replaced the old one (which is then drained and closed)."""
        with self._reloading:  # one reload at a time; a second signal waits for the first
            try:
                new = self.make_app()
            except Exception:  # any failure to start the new build keeps the old one serving
                log.exception("reload failed: still serving the previous build")
                return False
            with self._lock:
                old, self.app = self.app, new
                self.generation += 1
            log.warning("reloaded: generation %d is serving", self.generation)
        threading.Thread(target=self.retire, args=(old,), name="bkg-retire", daemon=True).start()
        return True

    def retire(self, old: Flask) -> None:
        """Close the old application's engine once its last request is done (or after DRAIN_SECONDS)."""
        deadline = time.monotonic() + DRAIN_SECONDS
        while self.running(old) and time.monotonic() < deadline:
            time.sleep(0.05)
        with self._lock:
            self._running.pop(id(old), None)
        close = getattr(old.extensions.get("bkg_engine"), "close", None)
        if close is not None:
            close()
