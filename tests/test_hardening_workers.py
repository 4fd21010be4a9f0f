"""Crashing, dying and memory-hungry workers, pages with the query slots full (issue 16, holes 2, 5, 6, 7).

Full slots, a full queue and greedy clients on the real serving stack: tests/test_serving.py.

A real server on a loopback socket over a real pool of worker processes. Clients come from distinct
loopback addresses (127.0.0.2, 127.0.0.3, ...: all of 127.0.0.0/8 is this machine) so that each is a
client of its own. No test asserts a duration: "while the slots are busy" is checked by watching the
slow requests still running when the answer under test arrives.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config

from .web import LiveServer

# Long enough that the slow queries are surely still running when the answers under test arrive, on a
# loaded machine; the tests end them by killing their workers instead of waiting.
TIMEOUT = 30.0
MEMORY = 150_000_000
# Three unconstrained triple patterns: far beyond any time limit, in constant memory (a running count).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# Sorting a cartesian product must hold all of it: ~8k x 18k rows, gigabytes within the time limit.
MEMORY_BOMB = "SELECT ?a ?c ?e WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?e ?a LIMIT 1"
CHEAP = "ASK { ?s ?p ?o }"
ACCEPT = "application/sparql-results+json, text/plain;q=0.5"
TRACE = re.compile(r"internal error, trace id [0-9a-f]{12}")


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def server(request, build_dir):
    config = Config.load(
        build_dir=build_dir,
        engine=request.param,
        workers=2,
        timeout=TIMEOUT,
        queue_size=1,
        queue_wait=60,  # a waiting request waits until a slot frees: a full queue is what refuses
        client_share=0.5,  # one slot of the two per client
        max_query_memory=MEMORY,
    )
    app = create_app(config)
    with LiveServer(app) as live:
        live.pool = app.extensions["bkg_engine"]
        yield live
    live.pool.close()


def call(
    server, path: str, source: str = "127.0.0.2", query: str | None = None, accept: str = ACCEPT
) -> tuple[int, dict, str]:
    """GET path (with ?query= when given) from the given loopback address."""
    if query is not None:
        path += "?" + urlencode({"query": query})
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120, source_address=(source, 0))
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def in_background(server, path: str, source: str, query: str | None = None) -> tuple[threading.Thread, dict]:
    answer: dict = {}
    thread = threading.Thread(target=lambda: answer.update(result=call(server, path, source, query)), daemon=True)
    thread.start()
    return thread, answer


def health(server) -> dict:
    status, _, body = call(server, "/health", source="127.0.0.99")
    assert status == 200
    return json.loads(body)


def wait_until(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


def settle(server) -> list[int]:
    """Wait until both workers are up and no query is running; their pids."""
    wait_until(lambda: len(server.pool.pids()) == 2, "two live workers")
    wait_until(lambda: health(server)["queries"]["running"] == 0, "no query running")
    return server.pool.pids()


@pytest.mark.parametrize("server", ["oxigraph"], indirect=True)  # admission: before any engine
def test_pages_and_cached_pages_with_the_slots_full(server):
    settle(server)
    assert call(server, "/id/treaty/ets-185", "127.0.0.7", accept="text/html")[0] == 200  # cached from now on
    first, _ = in_background(server, "/sparql", "127.0.0.2", RUNAWAY)
    second, _ = in_background(server, "/sparql", "127.0.0.3", RUNAWAY)
    wait_until(lambda: health(server)["queries"]["running"] == 2, "both query slots taken")
    status, _, page = call(server, "/id/treaty/ets-185", "127.0.0.7", accept="text/html")  # no engine needed
    assert status == 200
    assert "Convention on Cybercrime" in page
    assert all(thread.is_alive() for thread in (first, second))
    stop_all_workers(server)
    first.join()
    second.join()


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV])
def test_a_worker_that_dies_while_answering_fails_that_query_only(server, sig):
    """A crash (SIGSEGV, as pyoxigraph's parser gave on deep nesting) or a kill: that query is a 500 with a
    trace id, the server goes on and the worker is replaced."""
    before = settle(server)
    slow, answer = in_background(server, "/sparql", "127.0.0.2", RUNAWAY)
    wait_until(lambda: health(server)["queries"]["running"] == 1, "the slow query running")
    busy = busy_worker(before)
    os.kill(busy, sig)
    slow.join()
    status, _, body = answer["result"]
    assert status == 500
    assert TRACE.search(body)
    assert "Traceback" not in body
    assert call(server, "/sparql", "127.0.0.3", CHEAP)[0] == 200
    after = settle(server)
    assert busy not in after


def stop_all_workers(server) -> None:
    """End the slow queries of a test at once: kill every worker (each is replaced)."""
    for pid in server.pool.pids():
        os.kill(pid, signal.SIGKILL)


def busy_worker(pids: list[int]) -> int:
    """The worker using CPU: the one running the runaway query."""

    def cpu(pid: int) -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    start = {pid: cpu(pid) for pid in pids}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(0.2)
        grown = [pid for pid in pids if cpu(pid) > start[pid]]
        if len(grown) == 1:
            return grown[0]
    raise AssertionError("no single busy worker found")


def test_workers_killed_while_idle_are_replaced_before_the_next_query(server):
    """Both workers die between queries: the next query is answered by their replacements, not handed a dead one."""
    before = settle(server)
    for pid in before:
        os.kill(pid, signal.SIGKILL)
    # The pool notices a death by itself (no query has to stumble on it) and starts a replacement.
    wait_until(lambda: not set(before) & set(server.pool.pids()), "the dead workers are out of the pool")
    status, _, body = call(server, "/sparql", "127.0.0.2", CHEAP)
    # The replacements load the build; a query that waited longer than the time limit is told to retry.
    assert status in (200, 503), body
    if status == 503:
        assert "try again" in body
    after = settle(server)
    assert not set(before) & set(after)
    assert call(server, "/sparql", "127.0.0.2", CHEAP)[0] == 200


def test_a_worker_ended_by_sigterm_is_replaced_and_queries_go_on(server):
    """SIGTERM is how a supervisor stops the whole server, so the pool waits a little before replacing a
    worker that died idle (a replacement racing the server's exit left a forkserver traceback: the reload
    test in test_serving.py checks the output). Meanwhile queries go to the live worker; then it is replaced."""
    before = settle(server)
    victim = before[0]
    os.kill(victim, signal.SIGTERM)
    wait_until(lambda: not pid_alive(victim), "the worker ended")
    assert call(server, "/sparql", "127.0.0.2", CHEAP)[0] == 200
    wait_until(lambda: victim not in server.pool.pids(), "the ended worker is out of the pool")
    after = settle(server)
    assert victim not in after
    assert len(after) == 2


def pid_alive(pid: int) -> bool:
    """False once the process has ended (a zombie waiting to be reaped counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_query_over_the_memory_limit_is_503_and_its_worker_replaced(server):
    before = settle(server)
    status, headers, body = call(server, "/sparql", "127.0.0.2", MEMORY_BOMB)
    assert (status, headers.get("Retry-After")) == (503, "1")
    assert f"memory than this endpoint's limit of {MEMORY // 1_000_000} MB and was stopped" in body
    after = settle(server)
    assert len(set(before) - set(after)) == 1  # its worker, and only it, was killed and replaced
    assert call(server, "/sparql", "127.0.0.2", CHEAP)[0] == 200


@pytest.mark.parametrize("server", ["oxigraph"], indirect=True)
def test_a_long_chain_that_crashed_pyoxigraph_is_answered(server):
    """10,000 "&&" (50 KB) overflowed pyoxigraph's stack in a worker's main thread; queries now run on a large one."""
    before = settle(server)
    chain = "SELECT * WHERE { ?s ?p ?o FILTER(" + "&&".join(["true"] * 10_000) + ") } LIMIT 1"
    status, _, body = call(server, "/sparql", "127.0.0.2", chain)
    assert status == 200, body
    assert settle(server) == before  # no worker died


@pytest.mark.parametrize("server", ["oxigraph"], indirect=True)  # admission: before any engine
def test_a_page_past_the_time_limit_is_503(server, monkeypatch):
    settle(server)
    monkeypatch.setattr(server.pool.engine, "timeout", 0.000_001)
    status, headers, body = call(server, "/id/state/DEU", "127.0.0.2")  # not yet cached
    assert (status, headers.get("Retry-After")) == (503, "1")
    assert "Traceback" not in body


def test_query_workers_run_at_a_lower_priority_than_the_server(server):
    """Queries yield the CPU to the serving process, so that /health and refusals come while every core
    evaluates queries: each worker's nice value is WORKER_NICENESS above the server's (capped at 19)."""
    from budapest_kg.endpoint.query_worker import WORKER_NICENESS

    own = os.getpriority(os.PRIO_PROCESS, 0)
    for pid in settle(server):
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(own + WORKER_NICENESS, 19)
