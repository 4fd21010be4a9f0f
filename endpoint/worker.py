"""A pool of worker processes, each holding the store, so that a runaway query can really be stopped.

pyoxigraph has no query timeout and a Python thread cannot be interrupted inside native code: the
only way to free the CPU of a query past its time limit is to kill the process running it. Each
worker loads the build once at start; a killed worker is replaced in the background while the
others keep answering.
"""

from __future__ import annotations

import logging
import multiprocessing
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


@dataclass(eq=False)
class Worker:
    process: multiprocessing.Process
    conn: Connection


class WorkerPool:
    """The Engine interface over `size` worker processes; a query gets `timeout` seconds, waiting included."""

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
    ):
        self.name = name
        self.size = size
        self.timeout = timeout
        # forkserver: children fork from a clean, single-threaded process, never from the threaded server.
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload([__name__])
        self._settings = (name, str(build_dir), sorted(allowlist), max_result_bytes, service_timeout)
        self._idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._workers: set[Worker] = set()
        self._closed = False
        started = [self._start() for _ in range(size)]
        for worker in started:
            self._graphs, self._size = self._await_ready(worker)
            self._idle.put(worker)

    def graph_names(self) -> list[str]:
        return list(self._graphs)

    def __len__(self) -> int:
        return self._size

    def pids(self) -> list[int]:
        """The process ids of the live workers (for tests and /health)."""
        with self._lock:
            return sorted(w.process.pid for w in self._workers if w.process.pid is not None)

    def query(
        self,
        sparql: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        capped: bool = True,
    ) -> Answer:
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise EngineBusy(f"all {self.size} query workers stayed busy for {self.timeout:g} s; try again") from None
        try:
            worker.conn.send((sparql, default_graphs, named_graphs, base_iri, capped))
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not worker.conn.poll(remaining):
                self._retire(worker)
                raise QueryTimeout(
                    f"the query ran longer than this endpoint's limit of {self.timeout:g} s and was stopped"
                )
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
        parent, child = self._context.Pipe()
        process = self._context.Process(target=serve, args=(child, *self._settings), daemon=True)
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


def stop(worker: Worker) -> None:
    worker.process.kill()
    worker.process.join(timeout=5)
    worker.conn.close()


def serve(conn: Connection, name: str, build_dir: str, allowlist, max_result_bytes, service_timeout) -> None:
    """A worker's life: load the build, say ready, then answer queries until the pipe closes."""
    # Ctrl-C reaches the whole process group; the server, not each worker, decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if service_timeout:
        socket.setdefaulttimeout(service_timeout)  # bounds rdflib's SERVICE calls (urllib)
    try:
        local = open_local(name, Path(build_dir), allowlist, max_result_bytes)
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
