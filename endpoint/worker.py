"""A pool of worker processes, each holding the store, so that a runaway query can really be stopped.

pyoxigraph has no query timeout and a Python thread cannot be interrupted inside native code: the
only way to free the CPU of a query past its time limit is to kill the process running it. Each
worker loads the build once at start; a killed worker is replaced in the background while the
others keep answering. This is the pool, in the serving process; a worker's own side is query_worker.py.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import multiprocessing.forkserver
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from budapest_kg import resources

from .answer import Answer
from .faults import EngineBusy, EngineFailure, QueryOverMemory, QueryTimeout
from .linux import single_threaded
from .memory import megabytes, resident_bytes
from .query_worker import read_reply, serve

log = logging.getLogger(__name__)
STARTUP_SECONDS = 120
# How often a busy worker's memory is read: the fastest growth measured (ORDER BY over a cartesian
# product, 1.84 GB within 5 s) adds under 20 MB between two readings.
MEMORY_POLL_SECONDS = 0.05
# Resident bytes per byte of N-Quads that pyoxigraph's copy of the store in memory adds while it loads
# (1.07 measured at 1x: 4.2 MB for 3.9 MB); a query running meanwhile may grow its worker by this too.
COPY_FACTOR = 2
REPLACE_BACKOFF_SECONDS = (1, 2, 5, 10, 30, 60)
STOPPING_SECONDS = 5.0  # a worker dead while idle is replaced this much later (the server may be stopping)
FORKSERVER_DELAY_SECONDS = 3.0  # the forkserver for replacements starts this long after the pool (__init__)
# The site's own lookups (capped=False: fixed queries whose cost the data bounds) get this long instead of
# the client's limit: on a busy machine rdflib took over 1.5 s for the terms in use every page reads.
LOOKUP_SECONDS = 60.0


@dataclass(eq=False)
class Worker:
    process: multiprocessing.Process
    conn: Connection
    # Resident bytes with the build loaded: read when the worker is ready, and again once its copy of
    # the store is in memory (settled); until then a query may also grow the worker by `copying` bytes.
    baseline: int = 0
    settled: bool = False
    ready: bool = False  # loaded the build and said so


class WorkerPool:
    """The Engine interface over `size` worker processes; a query gets `timeout` seconds, waiting included,
    and may grow its worker by `max_query_memory` bytes."""

    def __init__(
        self,
        name: str,
        build_dir: Path,
        *,
        size: int,
        timeout: float | None,
        allowlist=(),
        max_result_bytes: int | None = None,
        service_timeout: float | None = None,
        max_query_memory: int | None = None,
        expected: dict | None = None,
        fork: bool = False,
    ):
        self.name = name
        self._fork = fork
        self.size = size
        self.timeout = timeout
        self.max_query_memory = max_query_memory
        # What the copy of the store in memory may add while it loads (oxigraph; see Worker.baseline).
        graph = expected.get(resources.GRAPH_FILE, {}) if expected else {}
        self._copying = COPY_FACTOR * int(graph.get("bytes", 0))
        # With `fork` (a serving process making its app), the first workers fork from this process while
        # it is single-threaded: milliseconds, everything imported already. Otherwise, and for every
        # replacement (from a threaded server), from the forkserver, a clean single-threaded process.
        self._forkserver = multiprocessing.get_context("forkserver")
        self._forkserver.set_forkserver_preload([__name__])
        self._settings = (name, str(build_dir), sorted(allowlist), max_result_bytes, service_timeout, expected)
        self._idle: deque[Worker] = deque()
        self._free = threading.Condition()  # guards _idle
        self._lock = threading.Lock()  # guards _workers
        self._workers: set[Worker] = set()
        self._closed = False
        # All start at once; the pool answers as soon as the first has loaded the build, the others join it
        # as they get ready (a start's first answer need not wait for the slowest worker).
        started = [self._start() for _ in range(size)]
        self._joining = size - 1  # started with the pool, not yet ready (or failed); guarded by _lock
        self._all_started = threading.Event()
        self._graphs, self._size = self._await_first(started)
        threading.Thread(target=self._watch, name="bkg-worker-watch", daemon=True).start()
        # The forkserver (a new interpreter importing the endpoint: about as much CPU as the server's own
        # start) is started a little later, so that it does not compete with the first answers; a
        # replacement needed before then starts it itself.
        forkserver = threading.Timer(FORKSERVER_DELAY_SECONDS, self._start_forkserver)
        forkserver.name, forkserver.daemon = "bkg-forkserver", True
        forkserver.start()
        atexit.register(self.close)  # before multiprocessing's own exit handler kills the workers under the watch

    def _start_forkserver(self) -> None:
        if not self._closed:  # not while the server stops: it would race the exit
            multiprocessing.forkserver.ensure_running()

    def graph_names(self) -> list[str]:
        return list(self._graphs)

    def __len__(self) -> int:
        return self._size

    def pids(self) -> list[int]:
        """The process ids of the workers ready to answer (for tests and /health)."""
        with self._lock:
            return sorted(w.process.pid for w in self._workers if w.ready and w.process.pid is not None)

    def query(
        self,
        sparql: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        capped: bool = True,
    ) -> Answer:
        deadline, limit = self.deadline(capped)
        worker = self._hand_over((sparql, default_graphs, named_graphs, base_iri, capped), deadline, limit)
        return self.await_reply(worker, deadline, limit)

    def await_reply(self, worker: Worker, deadline: float | None, limit: float | None) -> Answer:
        """The worker's answer, waited for in this thread under the time and memory limits."""
        ceiling = self.ceiling(worker)
        while not worker.conn.poll(self.next_wait(worker, deadline, limit, ceiling)):
            self.check_memory(worker, ceiling)
        return self.receive(worker)

    def deadline(self, capped: bool = True) -> tuple[float | None, float | None]:
        """When a query asked now must be answered (monotonic clock), and its limit in seconds (None: none)."""
        limit = self.timeout if capped or self.timeout is None else max(self.timeout, LOOKUP_SECONDS)
        return (None if limit is None else time.monotonic() + limit), limit

    def hand_over_now(self, request: tuple) -> Worker | None:
        """The worker now running the request if one is idle; None, with nothing taken, when all are busy."""
        return self._hand_over(request, None, None, wait=False)

    def ceiling(self, worker: Worker) -> int | None:
        """The resident bytes past which the worker's query is stopped (None: no memory limit)."""
        allowance = 0 if worker.settled else self._copying
        return None if self.max_query_memory is None else worker.baseline + self.max_query_memory + allowance

    def next_wait(self, worker: Worker, deadline: float | None, limit: float | None, ceiling: int | None):
        """Seconds to wait for the worker's reply before its memory is read again (None: no limit);
        QueryTimeout, the worker killed, once the deadline has passed."""
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            self.retire(worker)
            raise QueryTimeout(f"the query ran longer than this endpoint's limit of {limit:g} s and was stopped")
        return remaining if ceiling is None else min(MEMORY_POLL_SECONDS, remaining or MEMORY_POLL_SECONDS)

    def check_memory(self, worker: Worker, ceiling: int | None) -> None:
        """QueryOverMemory, the worker killed, when its query took it past the ceiling."""
        used = None if ceiling is None else resident_bytes(worker.process.pid)
        if used is not None and used > ceiling:
            self.retire(worker)
            raise QueryOverMemory(
                f"the query needed more memory than this endpoint's limit of {megabytes(self.max_query_memory)}"
                " and was stopped"
            )

    def receive(self, worker: Worker) -> Answer:
        """The reply of a worker that has one ready; the worker goes back to the idle ones (or is replaced)."""
        try:
            status, body, settled = read_reply(worker.conn.recv_bytes())
        except (EOFError, OSError) as exc:
            self.retire(worker)
            raise EngineFailure("the query worker failed while answering; it is being replaced") from exc
        self._settle(worker, settled)
        self._release_or_recycle(worker)
        if status == "ok":
            return body
        raise body

    def close(self) -> None:
        """Stop every worker (the pool is unusable afterwards)."""
        self._closed = True
        with self._lock:
            workers, self._workers = list(self._workers), set()
        with self._free:
            self._idle.clear()
            self._free.notify_all()
        for worker in workers:
            stop(worker)

    def _checkout(self, deadline: float | None, limit: float | None, wait: bool = True) -> Worker | None:
        """An idle, live worker (None at once when none is idle and not `wait`); a dead one found idle is
        replaced, never handed a query."""
        while True:
            with self._free:
                while not self._idle:
                    if not wait:
                        return None
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if self._closed or (remaining is not None and remaining <= 0):
                        raise EngineBusy(f"all {self.size} query workers stayed busy for {limit:g} s; try again")
                    self._free.wait(remaining)
                worker = self._idle.popleft()
            if worker.process.is_alive():
                return worker
            log.warning("query worker %s had died while idle; replacing it", worker.process.pid)
            self.retire(worker)

    def _hand_over(self, request: tuple, deadline: float | None, limit: float | None, wait: bool = True):
        """The worker now running the request. One that turns out dead before it took the request
        (a broken pipe) is replaced and the request goes to another: it cannot have been the cause."""
        while True:
            worker = self._checkout(deadline, limit, wait)
            if worker is None:
                return None
            try:
                worker.conn.send(request)
            except OSError:
                self.retire(worker)
                continue
            return worker

    @staticmethod
    def _settle(worker: Worker, settled: int | None) -> None:
        """Take the worker's resident size once its copy of the store is in memory as its baseline."""
        if settled is not None and not worker.settled:
            worker.baseline, worker.settled = settled, True

    def _release_or_recycle(self, worker: Worker) -> None:
        """Back to the idle workers; or replaced, when a query left it holding over half the limit
        (freed memory is not always returned to the system), so that the pool's memory stays flat."""
        if self.max_query_memory is not None and worker.settled:
            used = resident_bytes(worker.process.pid)
            if used is not None and used > worker.baseline + self.max_query_memory // 2:
                self.retire(worker)
                return
        self._release(worker)

    def _release(self, worker: Worker) -> None:
        with self._free:
            self._idle.append(worker)
            self._free.notify()

    def _start(self) -> Worker:
        direct = self._fork and single_threaded()
        context = multiprocessing.get_context("fork") if direct else self._forkserver
        parent, child = context.Pipe()
        process = context.Process(target=serve, args=(child, *self._settings), daemon=True)
        process.start()
        child.close()
        worker = Worker(process, parent)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _await_first(self, started: list[Worker]) -> tuple[list[str], int]:
        """The graphs and size of the first worker to load the build, which is released at once; the others are
        released by a thread as each gets ready. When the first fails, all are stopped and its fault raised."""
        ready = multiprocessing.connection.wait([w.conn for w in started], timeout=STARTUP_SECONDS)
        first = next((w for w in started if w.conn in ready), None)
        try:
            if first is None:
                raise EngineFailure(f"no query worker loaded the build within {STARTUP_SECONDS} s")
            found = self._await_ready(first)
        except BaseException:
            for worker in started:
                with self._lock:
                    self._workers.discard(worker)
                stop(worker)
            raise
        self._release(first)
        if len(started) == 1:
            self._all_started.set()
        for worker in started:
            if worker is not first:
                threading.Thread(target=self._join, args=(worker,), name="bkg-worker-join", daemon=True).start()
        return found

    def wait_started(self, timeout: float | None = None) -> bool:
        """Wait until every worker started with the pool is ready (or has failed): the site's background
        reading waits for this, so that it does not hold the only worker ready while a first query waits."""
        return self._all_started.wait(timeout)

    def _join(self, worker: Worker) -> None:
        """Release a worker started with the pool once it is ready; one that fails is replaced."""
        try:
            self._await_ready(worker)
        except Exception:
            self._joined()
            if not self._closed:
                log.exception("a query worker started with the pool could not load the build; replacing it")
                self._replace()
            return
        if self._closed:
            stop(worker)
        else:
            self._release(worker)
        self._joined()

    def _joined(self) -> None:
        with self._lock:
            self._joining -= 1
            if self._joining <= 0:
                self._all_started.set()

    def _await_ready(self, worker: Worker):
        try:
            if not worker.conn.poll(STARTUP_SECONDS):
                raise EngineFailure(f"a query worker did not load the build within {STARTUP_SECONDS} s")
            try:
                status, body = worker.conn.recv()
            except (EOFError, OSError) as exc:
                raise EngineFailure("a query worker exited while loading the build (see its output above)") from exc
            if status != "ready":
                raise body
        except BaseException:
            with self._lock:
                self._workers.discard(worker)
            stop(worker)
            raise
        graphs, size, settled = body
        worker.baseline = resident_bytes(worker.process.pid) or 0
        self._settle(worker, settled)
        worker.ready = True
        return graphs, size

    def retire(self, worker: Worker) -> None:
        """Kill the worker now (its CPU and memory are freed at once) and start its replacement in the
        background. Idempotent: a worker already retired is left alone."""
        with self._lock:
            if worker not in self._workers:
                return
            self._workers.discard(worker)
        stop(worker)
        if not self._closed:
            threading.Thread(target=self._replace, name="bkg-worker-replace", daemon=True).start()

    def _replace(self) -> None:
        for pause in (0, *REPLACE_BACKOFF_SECONDS):
            time.sleep(pause)
            if self._closed:
                return
            try:
                worker = self._start()
                self._await_ready(worker)
            except Exception:
                if self._closed:  # closing the pool stopped it while it loaded
                    return
                log.exception("could not start a replacement query worker; trying again")
                continue
            if self._closed:
                stop(worker)
                return
            self._release(worker)
            return
        log.error("gave up replacing a query worker: the pool has one worker fewer")

    def _watch(self) -> None:
        """Replace a worker that dies while idle without waiting for a query to find it, after STOPPING_SECONDS.

        The wait is for the case where the worker died because the whole server is stopping (a supervisor or
        a terminal signals the process group; a HUP reload stops the old processes): a replacement started
        then raced the server's own exit and left tracebacks (a forkserver handed half a request). The dead
        worker stays idle meanwhile, so a query that finds it replaces it at once and goes to another."""
        seen = set()  # dead, replacement scheduled: not watched again
        while not self._closed:
            with self._lock:
                by_sentinel = {w.process.sentinel: w for w in self._workers if w not in seen}
            dead = multiprocessing.connection.wait(list(by_sentinel), timeout=1.0) if by_sentinel else []
            if self._closed:  # close() killed them
                return
            with self._free:
                idle_dead = [by_sentinel[s] for s in dead if by_sentinel[s] in self._idle]
            for worker in idle_dead:
                seen.add(worker)
                log.warning("query worker %s died while idle; replacing it", worker.process.pid)
                replace_later = threading.Timer(STOPPING_SECONDS, self.retire, (worker,))
                replace_later.daemon = True  # the server's exit ends it, as it should
                replace_later.start()
            if dead and not idle_dead:
                time.sleep(MEMORY_POLL_SECONDS)  # a busy worker died: the thread waiting on it retires it


def stop(worker: Worker) -> None:
    """Kill and reap the worker, close its pipe; stopping it twice (close() racing a replacement) is harmless."""
    worker.process.kill()
    worker.process.join(timeout=5)
    with contextlib.suppress(OSError):  # closed already, by the other stopper
        worker.conn.close()
