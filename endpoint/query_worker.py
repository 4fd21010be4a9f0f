"""A query worker's life, in its own process: load the build, say ready, answer queries (worker.py runs the pool)."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import signal
import socket
import struct
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import get_args

from .answer import Answer, Kind
from .faults import EngineFailure, EngineFault
from .linux import die_with_parent
from .local import open_local
from .memory import resident_bytes

log = logging.getLogger(__name__)
KINDS = get_args(Kind)  # a reply's status byte: the kind of answer, or FAILED
FAILED = 255
# A reply starts with its status, the settled size and the microseconds of CPU the engine spent on the query.
_HEADER = struct.Struct("!BqI")
# Queries run in a thread with this much stack (address space, touched only as used): pyoxigraph
# recurses over a query's syntax tree, and with the default 8 MB a chain of 10,000 "&&" or UNION
# (60 KB of text) overflowed it and crashed the worker; with 1 GiB no query under the 1 MB body limit did.
STACK_BYTES = 1 << 30
# How much lower a query worker's scheduling priority is than its serving process's (nice(2) steps).
# Measured in 150 s soaks at 32 clients: +4 and +10 alike took the health checker's p99 from 320 to
# 165 ms and the requests answered from 38,600 to 56,000-58,400 (+0: p99 967 ms); at +10 a query
# worker got so little CPU beside four busy processes of normal priority (a build on the same machine)
# that 20 ms queries passed the 5 s limit, at +4 it did not.
WORKER_NICENESS = 4


def serve(conn: Connection, name: str, build_dir: str, allowlist, max_result_bytes, service_timeout, expected) -> None:
    """A worker's life, in a thread with a large stack: load the build, say ready, then answer queries."""
    # Ctrl-C reaches the whole process group; the server, not each worker, decides when workers stop.
    # A worker forked from a serving process inherits the HTTP server's handlers: SIGTERM (how the pool
    # and multiprocessing stop a worker) must kill it, and a reload signal is none of its business.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    die_with_parent()
    # Queries yield the CPU to the serving processes, so that /health, cached answers and refusals
    # (503, 429) come promptly while every core is busy evaluating queries.
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    # Everything inherited from the parent (its whole heap, when forked from it) stays out of the
    # garbage collector's passes: without this rdflib's engine ran 2-3 times slower in a forked worker.
    gc.freeze()
    if service_timeout:
        socket.setdefaulttimeout(service_timeout)  # bounds rdflib's SERVICE calls (urllib)
    threading.stack_size(STACK_BYTES)
    life = threading.Thread(
        target=answer_queries, args=(conn, name, build_dir, allowlist, max_result_bytes, expected), name="bkg-queries"
    )
    life.start()
    life.join()


def answer_queries(conn: Connection, name: str, build_dir: str, allowlist, max_result_bytes, expected) -> None:
    """Load the build, say ready, then answer queries until the pipe closes. Each reply carries this
    process's resident size once its build is wholly in memory (None before), for the memory limit."""
    try:
        local = open_local(name, Path(build_dir), allowlist, max_result_bytes, expected, in_memory=True)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        with contextlib.suppress(OSError):  # the server may have stopped meanwhile
            conn.send(("failed", EngineFailure(f"the query worker could not load the build: {exc}")))
        return
    settled: list[int | None] = [None]
    loaded = getattr(local, "in_memory", None)  # oxigraph: set once the copy of the store is in memory
    if loaded is None or loaded.is_set():
        settled[0] = resident_bytes(os.getpid())
    else:
        threading.Thread(target=measure_when, args=(loaded, settled), name="bkg-settle", daemon=True).start()
    try:
        conn.send(("ready", (local.graph_names(), len(local), settled[0])))
        while True:
            request = conn.recv()
            started = time.thread_time()  # this thread's CPU: the engine's work, whatever else the machine runs
            try:
                answer = local.query(*request)
            except Exception as exc:  # noqa: BLE001 - every failure goes back to the parent, which maps it
                conn.send_bytes(make_reply(FAILED, pickle.dumps(portable(exc)), settled[0]))
                continue
            spent = time.thread_time() - started
            conn.send_bytes(make_reply(KINDS.index(answer.kind), answer.payload, settled[0], spent))
    except (EOFError, OSError):  # the server closed the pipe (it is stopping), maybe while an answer was sent
        return


def make_reply(status: int, payload: bytes, settled: int | None, spent: float = 0.0) -> bytes:
    """A reply as bytes: its status (an index into KINDS, or FAILED), the settled size (-1: None), the CPU
    seconds the engine spent (in µs), the payload.

    An answer's bytes are sent as they are, not pickled: the serving process reads them in its event loop."""
    return _HEADER.pack(status, -1 if settled is None else settled, min(round(spent * 1e6), 0xFFFFFFFF)) + payload


def read_reply(reply: bytes) -> tuple[str, Answer | Exception, int | None]:
    """("ok", the Answer, with the engine's CPU seconds) or ("error", the fault), and the worker's settled
    size, from a reply's bytes."""
    status, settled, spent = _HEADER.unpack_from(reply)
    payload = reply[_HEADER.size :]
    settled_size = None if settled < 0 else settled
    if status == FAILED:
        return "error", pickle.loads(payload), settled_size
    return "ok", Answer(KINDS[status], payload, spent / 1e6), settled_size


def measure_when(loaded: threading.Event, settled: list[int | None]) -> None:
    """This process's resident size, read once the event is set (the copy of the store is in memory)."""
    loaded.wait()
    settled[0] = resident_bytes(os.getpid())


def portable(exc: Exception) -> Exception:
    """The fault itself when it is one of ours; otherwise an EngineFailure naming it (its traceback logged here)."""
    if isinstance(exc, EngineFault):
        return type(exc)(str(exc))
    log.error("query failed in worker %d", os.getpid(), exc_info=exc)
    return EngineFailure(f"the engine failed: {type(exc).__name__}: {exc}")
