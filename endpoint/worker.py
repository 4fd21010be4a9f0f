"""A pool of worker processes, each holding the store, so that a runaway query can really be stopped.

pyoxigraph has no query timeout and a Python thread cannot be interrupted inside native code: the
only way to free the CPU of a query past its time limit is to kill the process running it. Each
worker loads the build once at start; a killed worker is replaced in the background while the
others keep answering.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import queue
import signal
import socket
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from .answer import Answer
from .faults import EngineBusy, EngineFailure, EngineFault, QueryTimeout
from .local import open_local

log = logging.getLogger(__name__)
STARTUP_SECONDS = 120
PR_SET_PDEATHSIG = 1  # linux/prctl.h
# The site's own lookups (capped=False: fixed queries whose cost the data bounds, not a client) get
# this long instead of the client's limit: on a busy machine rdflib's engine took over 1.5 s for the
# table of terms in use that every page reads, and a page must not fail for that.
LOOKUP_SECONDS = 60.0


@dataclass(eq=False)
class Worker:
    process: multiprocessing.Process
    conn: Connection
    ready: bool = False  # loaded the build and said so


class WorkerPool:
    """The Engine interface over `size` worker processes; a client's query gets `timeout` seconds, waiting included."""

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
        fork: bool = False,
    ):
        self.name = name
        self._fork = fork
        self.size = size
        self.timeout = timeout
        # With `fork` (a serving process making its app), the first workers fork from this process while
        # it is single-threaded: milliseconds, everything imported already. Otherwise, and for every
        # replacement (from a threaded server), from the forkserver, a clean single-threaded process.
        self._forkserver = multiprocessing.get_context("forkserver")
        self._forkserver.set_forkserver_preload([__name__])
        self._settings = (name, str(build_dir), sorted(allowlist), max_result_bytes, service_timeout)
        self._idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._workers: set[Worker] = set()
        self._closed = False
        started = [self._start() for _ in range(size)]
        for worker in started:
            self._graphs, self._size = self._await_ready(worker)
            self._idle.put(worker)
        # Start the forkserver now, so that a replacement (after a runaway) is ready in a fork's time.
        threading.Thread(target=multiprocessing.forkserver.ensure_running, name="bkg-forkserver", daemon=True).start()

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
        limit = self.timeout if capped or self.timeout is None else max(self.timeout, LOOKUP_SECONDS)
        deadline = None if limit is None else time.monotonic() + limit
        try:
            worker = self._idle.get(timeout=limit)
        except queue.Empty:
            raise EngineBusy(f"all {self.size} query workers stayed busy for {limit:g} s; try again") from None
        try:
            worker.conn.send((sparql, default_graphs, named_graphs, base_iri, capped))
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not worker.conn.poll(remaining):
                self._retire(worker)
                raise QueryTimeout(f"the query ran longer than this endpoint's limit of {limit:g} s and was stopped")
            status, body = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._retire(worker)
            raise EngineFailure("the query worker failed while answering; it is being replaced") from exc
        self._idle.put(worker)
        if status == "ok":
            return Answer(*body)
        raise body

    def close(self) -> None:
        """Stop every worker (the pool is unusable afterwards)."""
        self._closed = True
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            stop(worker)

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

    def _await_ready(self, worker: Worker):
        if not worker.conn.poll(STARTUP_SECONDS):
            stop(worker)
            raise EngineFailure(f"a query worker did not load the build within {STARTUP_SECONDS} s")
        try:
            status, body = worker.conn.recv()
        except (EOFError, OSError) as exc:
            stop(worker)
            raise EngineFailure("a query worker exited while loading the build (see its output above)") from exc
        if status != "ready":
            stop(worker)
            raise body
        worker.ready = True
        return body

    def _retire(self, worker: Worker) -> None:
        """Kill the worker now (its CPU is freed at once) and start its replacement in the background."""
        with self._lock:
            self._workers.discard(worker)
        stop(worker)
        if not self._closed:
            threading.Thread(target=self._replace, name="bkg-worker-replace", daemon=True).start()

    def _replace(self) -> None:
        try:
            worker = self._start()
            self._await_ready(worker)
        except Exception:
            log.exception("could not start a replacement query worker")
            return
        self._idle.put(worker)


def single_threaded() -> bool:
    """Whether this process runs one thread only (Python's and any other, e.g. an HTTP server's in Rust)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc: never fork directly
        return False


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies, so that no worker outlives its server."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pipe's EOF still stops the worker
        pass


def stop(worker: Worker) -> None:
    worker.process.kill()
    worker.process.join(timeout=5)
    worker.conn.close()


def serve(conn: Connection, name: str, build_dir: str, allowlist, max_result_bytes, service_timeout) -> None:
    """A worker's life: load the build, say ready, then answer queries until the pipe closes."""
    # Ctrl-C reaches the whole process group; the server, not each worker, decides when workers stop.
    # A worker forked from a serving process inherits the HTTP server's handlers: SIGTERM (how the pool
    # and multiprocessing stop a worker) must kill it, and a reload signal is none of its business.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    die_with_parent()
    # Everything inherited from the parent (its whole heap, when forked from it) stays out of the
    # garbage collector's passes: without this rdflib's engine ran 2-3 times slower in a forked worker.
    gc.freeze()
    if service_timeout:
        socket.setdefaulttimeout(service_timeout)  # bounds rdflib's SERVICE calls (urllib)
    try:
        local = open_local(name, Path(build_dir), allowlist, max_result_bytes, in_memory=True)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("failed", EngineFailure(f"the query worker could not load the build: {exc}")))
        return
    conn.send(("ready", (local.graph_names(), len(local))))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):  # the server closed the pipe: it is stopping
            return
        try:
            answer = local.query(*request)
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the parent, which maps it
            conn.send(("error", portable(exc)))
            continue
        conn.send(("ok", (answer.kind, answer.payload)))


def portable(exc: Exception) -> Exception:
    """The fault itself when it is one of ours; otherwise an EngineFailure naming it (its traceback logged here)."""
    if isinstance(exc, EngineFault):
        return type(exc)(str(exc))
    log.error("query failed in worker %d", os.getpid(), exc_info=exc)
    return EngineFailure(f"the engine failed: {type(exc).__name__}: {exc}")
