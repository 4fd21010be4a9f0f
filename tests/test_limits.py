"""Limits over a real server: a runaway query is stopped (its worker killed), the answer size is capped."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config

from .conftest import GENEROUS_TIMEOUT, close_engine, run_command, write_build
from .web import LiveServer, sparql_path

TIMEOUT = 2.0
MAX_RESULT_BYTES = 50_000
# Six joined tables of 100 numbers: 10^12 solutions to count whatever the data, a query no machine finishes,
# so the limit always fires on it however fast or busy the machine is. Nothing here measures time.
HUNDRED = " ".join(str(n) for n in range(100))
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?{v} {{ {HUNDRED} }}" for v in "abcdef") + " }"


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def limited(request, tmp_path_factory):
    """Two workers and a short time limit, over a one-triple build: the app's own start-up queries (labels)
    then run under the short limit too, and must not be what a busy machine makes time out."""
    triple = "<http://example.org/s> <http://example.org/p> <http://example.org/o> <http://example.org/g> ."
    folder = write_build(tmp_path_factory.mktemp("limited") / "build", [triple], {"triples": 1})
    app = create_app(Config.load(build_dir=folder, engine=request.param, timeout=TIMEOUT, workers=2))
    with LiveServer(app) as server:
        server.pool = app.extensions["bkg_engine"]
        yield server
    close_engine(app)


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def capped(request, build_dir):
    """A small answer-size limit and a time limit so generous that only the size limit can refuse."""
    config = Config.load(
        build_dir=build_dir,
        engine=request.param,
        timeout=GENEROUS_TIMEOUT,
        workers=1,
        max_result_bytes=MAX_RESULT_BYTES,
    )
    app = create_app(config)
    with LiveServer(app) as server:
        yield server
    close_engine(app)


def ask(server, query: str, accept: str | None = None):
    answer = server.get(sparql_path(query), accept)
    return answer.status, answer.headers, answer.text


def wait_for_workers(pool, count: int, seconds: float = 120) -> list[int]:
    """The pool's workers once `count` are up (a replacement loads the build; bounded, not asserted on)."""
    deadline = time.monotonic() + seconds
    while len(pool.pids()) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return pool.pids()


def test_other_clients_are_served_while_a_query_runs_away(limited):
    # First in this module: the pool's two workers are both loaded and idle (the fixture waited for them);
    # after a kill, a replacement counts among the pids while it is still loading the build.
    runaway: dict = {}
    thread = threading.Thread(target=lambda: runaway.update(answer=ask(limited, RUNAWAY)))
    thread.start()
    time.sleep(0.3)  # lets the runaway query take a worker first (if it has not, the test only gets easier)
    status, _, text = ask(limited, "ASK {}")  # the other worker answers; the runaway one never would
    thread.join()
    assert status == 200
    assert json.loads(text)["boolean"] is True
    assert runaway["answer"][0] == 503


def test_runaway_query_is_stopped_and_its_process_is_gone(limited):
    before = set(wait_for_workers(limited.pool, 2))
    status, headers, text = ask(limited, RUNAWAY)
    assert status == 503
    assert f"limit of {TIMEOUT:g} s and was stopped" in text
    assert headers["Retry-After"] == "1"
    assert headers["X-Query-Timeout"] == f"{TIMEOUT:g}"
    killed = before - set(limited.pool.pids())
    assert len(killed) == 1  # the worker that ran the query, and only it
    (pid,) = killed
    assert not Path(f"/proc/{pid}").exists()  # killed and reaped: its CPU is free
    replaced = wait_for_workers(limited.pool, 2)
    assert len(replaced) == 2
    assert pid not in replaced


def test_an_answer_over_the_size_limit_is_refused_with_413_not_truncated(capped):
    status, headers, text = ask(capped, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 413
    assert headers["X-Max-Result-Bytes"] == str(MAX_RESULT_BYTES)
    assert f"larger than this endpoint's limit of {MAX_RESULT_BYTES} bytes" in text


def test_an_answer_under_the_limit_is_whole_and_announces_the_limit(capped):
    status, headers, text = ask(capped, "SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    assert status == 200
    assert headers["X-Max-Result-Bytes"] == str(MAX_RESULT_BYTES)
    assert headers["X-Query-Timeout"] == f"{GENEROUS_TIMEOUT:g}"
    assert len(json.loads(text)["results"]["bindings"]) == 10


def test_construct_over_the_limit_is_413(capped):
    status, _, text = ask(capped, "CONSTRUCT WHERE { ?s ?p ?o }", accept="text/turtle")
    assert status == 413
    assert str(MAX_RESULT_BYTES) in text


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--timeout", "0"], {}, "BKG_TIMEOUT must be a positive number of seconds"),
        ([], {"BKG_SERVICE_ALLOWLIST": "file:///etc/passwd"}, "is not an http(s) endpoint IRI"),
        ([], {"BKG_MAX_RESULT_BYTES": "lots"}, "BKG_MAX_RESULT_BYTES: 'lots' is not a valid int"),
    ],
)
def test_serve_refuses_bad_limits_at_start(build_dir, args, env, message):
    # A subprocess (not the CLI in this process): were the configuration wrongly accepted, serve would run on.
    result = run_command("serve", "--build-dir", str(build_dir), "--port", "0", *args, env=env, timeout=300)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
