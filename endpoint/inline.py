"""Known-cheap queries answered by the serving process itself, without a query worker.

On a light query the hand-over costs more than the query: a pipe write that wakes the worker, its
Python, a pipe read, two context switches on a machine whose cores the clients share too (measured on
`ASK {}` with 4 clients: 1.5 ms of server CPU per request through a worker, 1.1 ms answered here). So a
serving process holds a read-only copy of the build as a worker does (the on-disk store at once, then a
copy in memory loaded in the background: from disk light queries took 1.5-4 times as long, which would
cost more than the hand-over saves) and answers a query text itself, in the event loop, once a query
worker has answered that text on this build cheaply. The rules, all here:

- Known cheap: a query worker answered the same text, with the same dataset and base IRI (the result
  cache's key), in under CHEAP_SECONDS of the engine's CPU (its thread's CPU time, so a busy machine
  does not hide a costly query), with an answer the loop makes itself (fast.IN_LOOP_BYTES), and the text
  names no FROM and no SERVICE (nothing waits on the network). Unknown and costly texts go to the
  workers as before.
- The time and memory limits keep their promises: the build does not change under a serving process
  (a new build is served by new processes), so the same text over the same store is the same work.
  Each answer made here is timed too (CPU of this thread: the copy may still be on disk, a few times
  slower), and a text that took over CHEAP_SECONDS here goes back to the workers for good, as does one
  the engine refused: an evaluation here passes CHEAP_SECONDS at most once per text and build, by what
  the disk costs over memory, never near the time limit; a query that cheap cannot grow the process by
  a meaningful fraction of the memory limit.
- A crash: a text reaches this process's engine only after the nesting check and after a worker
  answered exactly that text without crashing.
- Admission is unchanged: the caller takes a query slot (and the client's share) exactly as for a worker.
- Bounded: at most ENTRIES keys known cheap and ENTRIES sent back, of texts up to memo.MAX_CHARS, the
  least recently used going first (under ~2 MB of text, 8 MB at 4 bytes a character); the app of a
  new build starts empty.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict

from flask import Flask

from budapest_kg import artefacts, resources

from .answer import Answer
from .faults import EngineFailure, EngineFault
from .guard import mentions_dataset_or_service
from .local import OxigraphEngine, open_local
from .memo import MAX_CHARS

log = logging.getLogger(__name__)
CHEAP_SECONDS = 0.005
OPEN_DELAY_SECONDS = 1.0
ENTRIES = 256


class InProcess:
    """The serving process's own read-only view of the build, for the query texts known to be cheap."""

    def __init__(self, engine: OxigraphEngine | None):
        self.engine = engine  # None until opened (open_for)
        self.opened = threading.Event()
        self._known: OrderedDict[tuple, None] = OrderedDict()
        self._sent_back: OrderedDict[tuple, None] = OrderedDict()  # costly or failed here: workers' for good
        self._lock = threading.Lock()  # one event loop uses them in a server; tests run loops in threads too

    def learn(self, key: tuple, text: str, answer: Answer) -> None:
        """Remember the text as cheap when the worker's answer shows it is (see the rules above)."""
        if answer.spent is None or answer.spent >= CHEAP_SECONDS or len(text) > MAX_CHARS or key[1] or key[2]:
            return
        if mentions_dataset_or_service(text):
            return
        with self._lock:
            if key not in self._sent_back:
                remember(self._known, key)

    def answer(self, key: tuple, text: str) -> Answer | None:
        """The answer made here when the text is known cheap (its faults raised); None: ask a worker."""
        engine = self.engine
        with self._lock:
            if engine is None or key not in self._known:
                return None
            self._known.move_to_end(key)
        started = time.thread_time()
        try:
            result = engine.query(text, base_iri=key[-1])
        except Exception as exc:
            self.send_back(key)
            if isinstance(exc, EngineFault):
                raise
            log.error("query failed in serving process %d", os.getpid(), exc_info=exc)
            raise EngineFailure(f"the engine failed: {type(exc).__name__}: {exc}") from exc
        if time.thread_time() - started > CHEAP_SECONDS:
            self.send_back(key)
        return result

    def send_back(self, key: tuple) -> None:
        with self._lock:
            self._known.pop(key, None)
            remember(self._sent_back, key)

    def __contains__(self, key: tuple) -> bool:
        return key in self._known


def remember(keys: OrderedDict, key: tuple) -> None:
    keys[key] = None
    if len(keys) > ENTRIES:
        keys.popitem(last=False)


def open_for(app: Flask) -> InProcess | None:
    """The app's in-process answers when it serves a build's on-disk store with oxigraph and
    BKG_IN_PROCESS_ANSWERS is on, else None. The store is opened a little later, in a thread
    (OPEN_DELAY_SECONDS): opening it took ~50 ms, which a start's first answer need not wait for; until
    then every query goes to the workers."""
    config = app.extensions["bkg_config"]
    store = config.build_dir / resources.STORE_DIR
    if not config.in_process_answers or config.engine != "oxigraph" or config.remote or not store.is_dir():
        return None
    expected = artefacts.read_by_engine(app.extensions["bkg_manifest"])
    made = InProcess(None)

    def open_store() -> None:
        try:
            made.engine = open_local(
                "oxigraph", config.build_dir, config.allowlist, config.max_result_bytes, expected, in_memory=True
            )
        except (OSError, EngineFault):  # the workers answer everything, as without this module
            log.exception("could not open the build in the serving process; every query goes to the workers")
        made.opened.set()

    opening = threading.Timer(OPEN_DELAY_SECONDS, open_store)
    opening.name, opening.daemon = "bkg-inline-open", True
    opening.start()
    return made
