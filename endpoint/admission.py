"""Admission: how many requests may use the query engine at once, how many may wait, and how many one
client may hold.

A request takes a query slot the first time it asks the engine (a page served from the cache never
does) and gives it back when its answer is ready. There are as many slots as query workers; a few
more requests may wait for one, for at most `queue_wait` seconds; any more are refused at once with
503 and Retry-After, so that a full server says so within a second instead of letting requests pile
up in front of everything else. Requests that never ask the engine (/health, static files, downloads,
cached pages) never wait here. One client, by address, may hold at most its share of the slots,
waiting included: one more gets 429 with Retry-After.

The counts are per process: a server of several processes has these limits in each.
"""

from __future__ import annotations

import math
import threading
from collections import Counter

from flask import Flask, Response, g, has_request_context, request

from .faults import EngineBusy, TooManyQueries


class Admission:
    """Slots, a bounded wait for one, and a per-client share; thread-safe."""

    def __init__(self, slots: int, queue: int, wait: float, share: float):
        self.slots = slots
        self.queue = queue
        self.wait = wait
        self.per_client = max(1, math.floor(share * slots))
        self._changed = threading.Condition()
        self._running = 0
        self._waiting = 0
        self._held: Counter[str] = Counter()

    def enter(self, client: str) -> None:
        """Take a slot for the client, waiting for one at most `wait` seconds; raise when that cannot be."""
        with self._changed:
            if self._held[client] >= self.per_client:
                raise TooManyQueries(
                    f"this client already has {self._held[client]} of this endpoint's {self.slots} query slots"
                    f" (at most {self.per_client} per client); wait for an answer before asking again"
                )
            if self._running >= self.slots and self._waiting >= self.queue:
                raise EngineBusy(
                    f"all {self.slots} query slots are busy and {self._waiting} requests are waiting; try again"
                )
            self._held[client] += 1
            self._waiting += 1
            try:
                free = self._changed.wait_for(lambda: self._running < self.slots, timeout=self.wait)
            finally:
                self._waiting -= 1
            if not free:
                self._drop(client)
                raise EngineBusy(f"no query slot became free within {self.wait:g} s; try again")
            self._running += 1

    def try_enter(self, client: str) -> bool:
        """Take a slot for the client only if one is free now, nobody waits and the client is within its
        share; False otherwise (the caller then goes through enter(), which waits or refuses)."""
        with self._changed:
            if self._running >= self.slots or self._waiting or self._held[client] >= self.per_client:
                return False
            self._held[client] += 1
            self._running += 1
            return True

    def leave(self, client: str) -> None:
        with self._changed:
            self._running -= 1
            self._drop(client)
            self._changed.notify()

    def _drop(self, client: str) -> None:
        self._held[client] -= 1
        if self._held[client] <= 0:
            del self._held[client]

    def counts(self) -> dict[str, int]:
        """Running and waiting requests now (for /health)."""
        with self._changed:
            return {"slots": self.slots, "running": self._running, "waiting": self._waiting}


class GatedEngine:
    """The engine, with admission taken on a request's first query and kept until its answer is ready."""

    def __init__(self, engine, admission: Admission):
        self.engine = engine
        self.admission = admission

    def query(self, *args, **kwargs):
        if has_request_context() and "bkg_admitted" not in g:
            client = request.remote_addr or "unknown"
            self.admission.enter(client)
            g.bkg_admitted = client
        return self.engine.query(*args, **kwargs)

    def __getattr__(self, name: str):  # name, graph_names, __len__'s helpers, pids, close, ...
        return getattr(self.engine, name)

    def __setattr__(self, name: str, value) -> None:  # a setting changed (timeout, url) is the engine's
        if name in ("engine", "admission") or hasattr(type(self), name):
            object.__setattr__(self, name, value)
        else:
            setattr(self.engine, name, value)

    def __len__(self) -> int:
        return len(self.engine)


def init_app(app: Flask, admission: Admission) -> None:
    """Put the engine behind admission; give the slot back as soon as the answer is made."""
    app.extensions["bkg_engine"] = GatedEngine(app.extensions["bkg_engine"], admission)
    app.extensions["bkg_admission"] = admission

    def release() -> None:
        client = g.pop("bkg_admitted", None)
        if client is not None:
            admission.leave(client)

    def release_answered(response: Response) -> Response:
        # The answer is built (nothing here streams): the slot is free before it is sent.
        release()
        return response

    app.after_request(release_answered)
    app.teardown_request(lambda error: release())  # a request that failed before after_request ran
