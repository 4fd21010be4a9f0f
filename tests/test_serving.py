"""The production serving stack, through `budapest-kg serve`: processes, the time limit, and clients that
are slow or never read (all traffic on loopback, every loop bounded)."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import ExitStack

import pytest
from budapest_kg.graph_builder.build import write_store

from budapest_kg import artefacts
from budapest_kg.namespaces import LINKS_GRAPH

from .serve_process import ServeProcess

PROCESSES = 2
TIMEOUT = 1.5
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HANG = 20  # seconds a client waits before calling the server hung; no test asserts how fast it answers


@pytest.fixture(scope="module")
def served(build_dir):
    server = ServeProcess(build_dir, "--processes", str(PROCESSES), "--timeout", str(TIMEOUT))
    try:
        server.wait_until_up(PROCESSES)
        yield server
    finally:
        server.stop()


def ask(server: ServeProcess, query: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HANG)
    try:
        body = urllib.parse.urlencode({"query": query})
        conn.request("POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def test_serves_in_the_configured_number_of_processes(served):
    processes = served.children()
    assert len(processes) == PROCESSES
    answered = {served.health()["process"] for _ in range(40)}  # a new connection each time
    assert answered <= set(processes)


def test_a_runaway_is_503_while_other_clients_are_answered(served, build_dir):
    runaway: dict = {}
    # Another client (address) than the others: one client may hold only half the query slots.
    thread = threading.Thread(target=lambda: runaway.update(answer=ask_from(served, "127.0.0.2", RUNAWAY)[::2]))
    thread.start()
    graph = "https://w3id.org/budapest-kg/graph/data"
    others = [ask(served, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}") for _ in range(5)]
    thread.join()
    status, text = runaway["answer"]
    assert status == 503
    assert f"limit of {TIMEOUT:g} s and was stopped" in text
    expected = json.loads((build_dir / "manifest.json").read_text())["graphs"][graph]
    for status, text in others:
        assert status == 200
        assert int(json.loads(text)["results"]["bindings"][0]["n"]["value"]) == expected
    assert served.health()["status"] == "ok"


def open_stalled(server: ServeProcess, count: int, payload: bytes) -> list[socket.socket]:
    """`count` connections that send `payload` and then neither send nor read anything more."""
    stalled = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=HANG)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the kernel buffers little of the answers
        sock.sendall(payload)
        stalled.append(sock)
    return stalled


# Hardening hole 1: 8 pipelined downloads of the whole graph on each connection, never read.
NEVER_READ = b"GET /download/budapest-kg.nq HTTP/1.1\r\nHost: test\r\n\r\n" * 8
SLOW_HEADERS = b"GET /health HTTP/1.1\r\nHost: test\r\nX-Slow: "
SLOW_BODY = (
    b"POST /sparql HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: 1000\r\n\r\nquery=ASK"
)


def post_chunked(server: ServeProcess, body: bytes, piece: int = 4096) -> tuple[int, bytes]:
    """A POST /sparql of a SPARQL query sent with Transfer-Encoding: chunked (no Content-Length): status, body."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HANG)
    try:
        pieces = (body[start : start + piece] for start in range(0, len(body), piece))
        conn.request("POST", "/sparql", pieces, {"Content-Type": "application/sparql-query"}, encode_chunked=True)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_a_chunked_body_is_read_and_its_size_limited(served):
    """A body of unknown length is read chunk by chunk, under the same limit as a declared one."""
    status, body = post_chunked(served, b"ASK { ?s ?p ?o }\n" + b"# padding\n" * 2000, piece=1000)
    assert (status, body) == (200, b'{"head":{},"boolean":true}')
    status, body = post_chunked(served, b"ASK {}\n" + b"#" * 1_100_000)
    assert status == 413
    assert b"larger than this endpoint's limit of 1000000 bytes" in body


@pytest.mark.parametrize("payload", [NEVER_READ, SLOW_HEADERS, SLOW_BODY], ids=["never-read", "headers", "body"])
def test_clients_that_stall_do_not_block_others(served, payload):
    with ExitStack() as stack:
        for sock in open_stalled(served, 50, payload):
            stack.callback(sock.close)
        assert served.health(timeout=HANG)["status"] == "ok"
        assert ask(served, "ASK { ?s ?p ?o }") == (200, '{"head":{},"boolean":true}')


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--processes", "0"], "BKG_PROCESSES must be 1 or more serving processes"),
        (["--threads", "-1"], "BKG_THREADS must be 0 (as many as the query slots and queue need) or more threads"),
        # Hardening: no worker, the engine would run inside the serving process, where a crash ends it;
        # fewer threads than slots and queue, and requests would wait in a thread pool, unbounded.
        (["--workers", "0"], "BKG_WORKERS must be at least 1 to serve"),
        (["--threads", "4"], "--threads 4 is too few: 2 query slots and 4 waiting (BKG_QUEUE_SIZE) need 8"),
        (["--cache-bytes", "-1"], "BKG_CACHE_BYTES must be 0 (no result cache) or a number of bytes"),
    ],
)
def test_serve_refuses_bad_serving_settings_at_start(build_dir, args, message):
    command = [sys.executable, "-m", "budapest_kg", "serve", "--build-dir", str(build_dir), "--port", "0", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_new_build_served_after_hup_is_never_answered_from_the_old_cache(build_dir, tmp_path):
    """Two builds behind a symlink; the second lacks the links graph. After the switch and a HUP, the
    same request (cached under the first build) gets the second build's answer and another ETag."""
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(build_dir, first)
    shutil.copytree(build_dir, second)
    nquads = second / "graph.nq"
    kept = [line for line in nquads.read_text().splitlines(keepends=True) if f"<{LINKS_GRAPH}> ." not in line]
    nquads.write_text("".join(kept))
    shutil.rmtree(second / "store")
    write_store(nquads, second / "store")
    manifest = json.loads((second / "manifest.json").read_text())
    manifest["artefacts"] = artefacts.record(second)  # as the builder records them: else never served
    (second / "manifest.json").write_text(json.dumps(manifest))
    current = tmp_path / "current"
    current.symlink_to(first)
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?s ?p ?o }} }}"
    path = "/sparql?" + urllib.parse.urlencode({"query": query})

    def count() -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HANG)
        conn.request("GET", path)
        response = conn.getresponse()
        body = json.loads(response.read())
        conn.close()
        return int(body["results"]["bindings"][0]["n"]["value"]), response.getheader("ETag")

    server = ServeProcess(current, "--processes", "1")
    try:
        server.wait_until_up(1)
        links = json.loads((build_dir / "manifest.json").read_text())["graphs"][str(LINKS_GRAPH)]
        before = [count() for _ in range(3)]  # the first fills the cache, the others come from it
        assert {n for n, _ in before} == {links}
        old = set(server.children())
        os.remove(current)
        current.symlink_to(second)
        os.kill(server.pid, signal.SIGHUP)
        deadline = time.monotonic() + 120
        while (set(server.children()) & old or not server.children()) and time.monotonic() < deadline:
            time.sleep(0.2)
        server.wait_until_up(1)
        n, etag = count()
        assert n == 0
        assert etag != before[0][1]
    finally:
        server.stop()


def test_a_reload_onto_a_build_that_cannot_be_served_keeps_the_old_one(build_dir, tmp_path):
    """The symlink switched to a folder without a build, then HUP: the processes restart on the old build."""
    (tmp_path / "broken").mkdir()
    current = tmp_path / "current"
    current.symlink_to(build_dir)
    server = ServeProcess(current, "--processes", "1", "--no-build")
    try:
        server.wait_until_up(1)
        before = served_build(server)
        old = set(server.children())
        os.remove(current)
        current.symlink_to(tmp_path / "broken")
        os.kill(server.pid, signal.SIGHUP)
        deadline = time.monotonic() + 120
        while (set(server.children()) & old or not server.children()) and time.monotonic() < deadline:
            time.sleep(0.2)
        server.wait_until_up(1)
        assert served_build(server) == before
    finally:
        output = server.stop()
    assert f"reload: {tmp_path / 'broken'} cannot be served" in output
    assert "Traceback" not in output, output


def served_build(server: ServeProcess) -> tuple[str, int]:
    health = server.health()
    return health["build"]["input_hash"], health["triples"]


# Hardening holes 6 and 2 on the serving stack: admission per serving process, /health in a thread of its own.
SLOW = 10.0  # the runaways' time limit: they surely still run while the checks below are made


def ask_from(server: ServeProcess, source: str, query: str) -> tuple[int, dict, str]:
    """GET /sparql from one loopback address (all of 127.0.0.0/8 is this machine): one client each."""
    return get_from(server, source, "/sparql?" + urllib.parse.urlencode({"query": query}))


def get_from(server: ServeProcess, source: str, path: str, accept: str = "*/*") -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HANG + SLOW, source_address=(source, 0))
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        conn.close()


def test_full_slots_leave_health_answered_and_refuse_at_once(build_dir):
    env = {"BKG_QUEUE_SIZE": "1", "BKG_QUEUE_WAIT": "60"}  # a waiting request waits: a full queue is what refuses
    server = ServeProcess(build_dir, "--processes", "1", "--workers", "2", "--timeout", str(SLOW), env=env)
    answers: dict = {}

    def in_background(name: str, source: str, query: str) -> threading.Thread:
        thread = threading.Thread(target=lambda: answers.update({name: ask_from(server, source, query)}), daemon=True)
        thread.start()
        return thread

    def wait_for(what: str, key: str, count: int) -> None:
        deadline = time.monotonic() + HANG
        while server.health()["queries"][key] < count:
            assert time.monotonic() < deadline, f"never happened: {what}"
            time.sleep(0.05)

    try:
        server.wait_until_up(1)
        threads = [in_background("first", "127.0.0.2", RUNAWAY), in_background("second", "127.0.0.3", RUNAWAY)]
        wait_for("both query slots taken", "running", 2)
        threads.append(in_background("queued", "127.0.0.4", "ASK {}"))
        wait_for("one request waiting", "waiting", 1)
        report = server.health()  # answered with every slot busy and the queue full
        assert report["queries"] == {"slots": 2, "running": 2, "waiting": 1}
        status, headers, body = ask_from(server, "127.0.0.5", "ASK {}")
        assert (status, headers.get("retry-after")) == (503, "1"), body
        assert "all 2 query slots are busy and 1 requests are waiting" in body
        page = "/query?" + urllib.parse.urlencode({"query": "ASK {}"})  # the query page says so, as it must
        status, headers, body = get_from(server, "127.0.0.6", page, "text/html")
        assert (status, headers.get("retry-after")) == (503, "1"), body
        assert "query slots are busy" in body
        status, headers, body = ask_from(server, "127.0.0.2", "ASK {}")  # its one slot of two is taken
        assert (status, headers.get("retry-after")) == (429, "1"), body
        assert "at most 1 per client" in body
        for thread in threads:
            thread.join()
        assert answers["first"][0] == answers["second"][0] == 503
        assert answers["queued"][0] == 200  # admitted once a runaway's worker was stopped
    finally:
        server.stop()
