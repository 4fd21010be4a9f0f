"""Limits: a runaway query is stopped (its worker process killed), the answer size is capped, for both engines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config

from .conftest import LiveServer

# Per engine: rdflib's engine scans the whole graph (the pages' start-up tables, a full answer) in about
# 1.6 s on an idle machine at today's size, so its limit leaves room for that; the runaway still runs far past.
TIMEOUTS = {"oxigraph": 1.5, "rdflib": 6.0}
MAX_RESULT_BYTES = 50_000
# Three unconstrained triple patterns: ~8k^3 solutions, far beyond any time limit on either engine.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PROVENANCE = "https://w3id.org/budapest-kg/graph/provenance"


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def limited(request, build_dir):
    config = Config.load(
        build_dir=build_dir,
        engine=request.param,
        timeout=TIMEOUTS[request.param],
        workers=2,
        max_result_bytes=MAX_RESULT_BYTES,
    )
    app = create_app(config)
    with LiveServer(app) as server:
        server.pool = app.extensions["bkg_engine"]
        server.timeout = TIMEOUTS[request.param]
        server.build_dir = build_dir
        yield server
    server.pool.close()


def ask(server, query: str, accept: str | None = None):
    url = f"{server.url}/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def wait_for_workers(pool, count: int, seconds: float = 60) -> list[int]:
    deadline = time.monotonic() + seconds
    while len(pool.pids()) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return pool.pids()


# The answer-size tests run first, on fresh workers, and over one graph (a few thousand triples): a
# scan of the whole graph takes rdflib's engine about as long as the time limit set here.
def test_an_answer_over_the_size_limit_is_refused_with_413_not_truncated(limited):
    status, headers, text = ask(limited, f"SELECT * WHERE {{ GRAPH <{PROVENANCE}> {{ ?s ?p ?o }} }}")
    assert status == 413
    assert headers["X-Max-Result-Bytes"] == str(MAX_RESULT_BYTES)
    assert f"larger than this endpoint's limit of {MAX_RESULT_BYTES} bytes" in text


def test_an_answer_under_the_limit_is_whole_and_announces_the_limit(limited):
    status, headers, text = ask(limited, f"SELECT * WHERE {{ GRAPH <{PROVENANCE}> {{ ?s ?p ?o }} }} LIMIT 10")
    assert status == 200
    assert headers["X-Max-Result-Bytes"] == str(MAX_RESULT_BYTES)
    assert headers["X-Query-Timeout"] == f"{limited.timeout:g}"
    assert len(json.loads(text)["results"]["bindings"]) == 10


def test_construct_over_the_limit_is_413(limited):
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{PROVENANCE}> {{ ?s ?p ?o }} }}"
    status, _, text = ask(limited, construct, accept="text/turtle")
    assert status == 413
    assert str(MAX_RESULT_BYTES) in text


def test_runaway_query_is_stopped_in_time_and_its_process_is_gone(limited):
    before = set(wait_for_workers(limited.pool, 2))
    started = time.monotonic()
    status, headers, text = ask(limited, RUNAWAY)
    elapsed = time.monotonic() - started
    assert status == 503
    assert f"limit of {limited.timeout:g} s and was stopped" in text
    assert headers["Retry-After"] == "1"
    assert elapsed < limited.timeout + 1
    killed = before - set(limited.pool.pids())
    assert len(killed) == 1  # the worker that ran the query, and only it
    (pid,) = killed
    assert not Path(f"/proc/{pid}").exists()  # killed and reaped: its CPU is free
    replaced = wait_for_workers(limited.pool, 2)
    assert len(replaced) == 2
    assert pid not in replaced


def test_other_clients_are_served_while_a_query_runs_away(limited, acts):
    wait_for_workers(limited.pool, 2)
    runaway: dict = {}
    thread = threading.Thread(target=lambda: runaway.update(answer=ask(limited, RUNAWAY)))
    thread.start()
    time.sleep(0.3)  # the runaway query now occupies one worker
    started = time.monotonic()
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/budapest-kg/graph/data> { ?s ?p ?o } }"
    status, _, text = ask(limited, query)
    small_took = time.monotonic() - started
    thread.join()
    assert status == 200
    assert small_took < limited.timeout
    manifest = json.loads((limited.build_dir / "manifest.json").read_text())
    assert (
        int(json.loads(text)["results"]["bindings"][0]["n"]["value"])
        == manifest["graphs"]["https://w3id.org/budapest-kg/graph/data"]
    )
    assert runaway["answer"][0] == 503


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--timeout", "0"], {}, "BKG_TIMEOUT must be a positive number of seconds"),
        ([], {"BKG_SERVICE_ALLOWLIST": "file:///etc/passwd"}, "is not an http(s) endpoint IRI"),
        ([], {"BKG_MAX_RESULT_BYTES": "lots"}, "BKG_MAX_RESULT_BYTES: 'lots' is not a valid int"),
    ],
)
def test_serve_refuses_bad_limits_at_start(build_dir, args, env, message):
    command = [sys.executable, "-m", "budapest_kg", "serve", "--build-dir", str(build_dir), "--port", "0", *args]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env}, timeout=120)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
