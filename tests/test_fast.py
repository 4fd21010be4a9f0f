"""/sparql answered in the event loop (endpoint/fast.py) is the Flask app's answer, byte for byte.

The bridge runs here in an event loop of the test's own (the stand-ins of test_bridge.py), over the
session's app with its query worker: each request is answered once by the loop and once by the app
in a thread (the loop's path switched off), and status, headers and body must be the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from budapest_kg.endpoint import create_app, inline
from budapest_kg.endpoint.answer import Answer
from budapest_kg.endpoint.bridge import RSGIBridge
from budapest_kg.endpoint.config import Config, ConfigError
from flask import Flask

from .test_bridge import Scope
from .test_hardening_workers import busy_worker

SELECT = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s LIMIT 40"
TRACE = re.compile(r"internal error, trace id [0-9a-f]{12}")
CONSTRUCT = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } ORDER BY ?s LIMIT 30"
LARGE = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 3000"  # over fast.IN_LOOP_BYTES


class Protocol:
    """Granian's protocol object: the request body in one chunk; records the answer."""

    def __init__(self, body: bytes = b""):
        self.body = body
        self.answer: tuple[int, list, bytes] | None = None

    async def __call__(self) -> bytes:  # the whole body at once
        return self.body

    def __aiter__(self):  # the body chunk by chunk
        return self.chunks()

    async def chunks(self):
        yield self.body

    def response_bytes(self, status, headers, body):
        self.answer = (status, sorted(headers), body)


class CountingPool(ThreadPoolExecutor):
    """The bridge's request threads, counting the requests handed to them."""

    handed = 0

    def submit(self, *args, **kwargs):
        self.handed += 1
        return super().submit(*args, **kwargs)


@pytest.fixture(scope="module")
def bridge(apps):
    made = RSGIBridge(apps.app("oxigraph"), threads=2, max_body_bytes=1_000_000)
    made.pool = CountingPool(max_workers=2)
    assert made.workers is not None  # the session's app has a query worker: the loop's path is on
    assert made.inline.opened.wait(60)  # its own copy of the build, opened a second after the bridge is made
    assert made.inline.engine is not None
    return made


def ask(bridge: RSGIBridge, in_loop: bool, method: str, query: dict, headers: dict, body: bytes = b"", path="/sparql"):
    """(the answer, whether it took a request thread) of one request through the bridge."""
    workers, before = bridge.workers, bridge.pool.handed
    if not in_loop:
        bridge.workers = None
    headers = {**headers, "content-length": str(len(body))} if method == "POST" else headers
    scope = Scope(path, method=method, query_string=urllib.parse.urlencode(query), headers=headers)
    protocol = Protocol(body)
    try:
        asyncio.run(bridge.__rsgi__(scope, protocol))
    finally:
        bridge.workers = workers
    return protocol.answer, bridge.pool.handed > before


def form(query: str) -> bytes:
    return urllib.parse.urlencode({"query": query}).encode()


FORM = {"content-type": "application/x-www-form-urlencoded"}
PLAIN = [  # answered in the loop
    ("POST", {}, FORM, form("ASK {}")),
    ("GET", {"query": SELECT}, {"accept-encoding": "gzip"}, b""),
    ("GET", {"query": SELECT}, {"accept": "text/csv", "accept-encoding": "zstd, br"}, b""),
    ("GET", {"query": SELECT, "format": "xml"}, {}, b""),
    ("POST", {}, {"content-type": "application/sparql-query", "accept": "text/turtle"}, CONSTRUCT.encode()),
]
FINISHED_IN_A_THREAD = [  # asked in the loop, the answer made in a thread: JSON-LD (rdflib), a large answer
    ("POST", {}, {**FORM, "accept": "application/ld+json", "accept-encoding": "br"}, form(CONSTRUCT)),
    ("GET", {"query": LARGE}, {"accept-encoding": "gzip"}, b""),
]
OTHERS = [  # answered by the app in a thread
    ("GET", {"query": "SELECT * WHERE { ?s"}, {}, b""),  # malformed: the engine's fault, rendered by the app
    ("GET", {"query": SELECT}, {"accept": "text/html"}, b""),  # the query page
    ("GET", {"query": SELECT}, {"accept": "image/png"}, b""),  # 406
    ("POST", {}, FORM, b"update=CLEAR+ALL"),
    ("GET", {"query": "SELECT * WHERE " + "{" * 40 + "}" * 40}, {}, b""),  # too deep
    ("GET", {"query": SELECT, "default-graph-uri": "http://example.org/none"}, {}, b""),
]


@pytest.mark.parametrize(("method", "query", "headers", "body"), PLAIN + FINISHED_IN_A_THREAD + OTHERS)
def test_the_loop_answers_as_the_app_does(bridge, method, query, headers, body, monkeypatch):
    bridge.app.extensions["bkg_results"].clear()
    asked_in_loop = []
    original = bridge.workers.hand_over_now
    monkeypatch.setattr(bridge.workers, "hand_over_now", lambda request: asked_in_loop.append(1) or original(request))
    answer_here = bridge.inline.answer  # a text an earlier case showed cheap is answered by this process

    def here(*args):
        found = answer_here(*args)
        if found is not None:
            asked_in_loop.append(1)
        return found

    monkeypatch.setattr(bridge.inline, "answer", here)
    in_loop, threaded = ask(bridge, True, method, query, headers, body)
    cached, _ = ask(bridge, True, method, query, headers, body)  # the result cache's answer, when it kept one
    in_thread, _ = ask(bridge, False, method, query, headers, body)
    assert in_loop[0] < 500
    assert in_loop == cached == in_thread
    case = (method, query, headers, body)
    assert threaded == (case not in PLAIN)
    asked = [*PLAIN, *FINISHED_IN_A_THREAD, OTHERS[0]]  # and the malformed one, whose fault the app renders
    assert bool(asked_in_loop) == (case in asked)


NAMED_PLAIN = [  # answered in the loop once the States are known (the first named query reads them)
    ("/queries/state-profile", {"state": "FRA"}, {"accept-encoding": "gzip"}),
    ("/queries/contracting-states", {"format": "csv"}, {}),
    ("/queries/offences", {}, {"accept": "application/sparql-results+xml"}),
]
NAMED_OTHERS = [
    ("/queries/state-profile", {"state": "XXX"}, {}),  # 400 naming the parameter
    ("/queries/no-such-query", {}, {}),  # 404
    ("/queries/offences", {}, {"accept": "text/html"}),  # the page
    ("/queries/offences/", {}, {}),  # an unusual name: the app's routing
]


@pytest.mark.parametrize(("path", "query", "headers"), NAMED_PLAIN + NAMED_OTHERS)
def test_named_queries_in_the_loop_are_answered_as_the_app_does(bridge, path, query, headers):
    ask(bridge, False, "GET", {}, {}, path="/queries/offences")  # the States read, in a thread
    bridge.app.extensions["bkg_results"].clear()
    in_loop, threaded = ask(bridge, True, "GET", query, headers, path=path)
    cached, _ = ask(bridge, True, "GET", query, headers, path=path)
    in_thread, _ = ask(bridge, False, "GET", query, headers, path=path)
    assert in_loop[0] < 500
    assert in_loop == cached == in_thread
    assert threaded == ((path, query, headers) in NAMED_OTHERS)


def test_a_client_holding_the_answer_gets_304_from_the_loop(bridge):
    (_, headers, _), _ = ask(bridge, True, "GET", {"query": SELECT}, {})
    etag = dict(headers)["ETag"]
    again, threaded = ask(bridge, True, "GET", {"query": SELECT}, {"if-none-match": etag})
    assert (again[0], again[2], threaded) == (304, b"", False)
    assert again == ask(bridge, False, "GET", {"query": SELECT}, {"if-none-match": etag})[0]


def test_a_fault_from_the_loop_is_rendered_by_the_app_without_asking_again(bridge, monkeypatch):
    """The engine is asked once: the app in the thread raises the fault the loop got."""
    bridge.app.extensions["bkg_results"].clear()
    pool = bridge.workers
    asked = []
    original = pool.hand_over_now
    monkeypatch.setattr(pool, "hand_over_now", lambda request: asked.append(request) or original(request))
    monkeypatch.setattr(pool, "query", lambda *a, **k: pytest.fail("the thread asked the engine again"))
    (status, _, body), threaded = ask(bridge, True, "GET", {"query": "SELECT * WHERE { ?s"}, {})
    assert (status, threaded, len(asked)) == (400, True, 1)
    assert body.startswith(b"400 Bad Request: malformed query:")


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # as in test_hardening_workers
MEMORY_BOMB = "SELECT ?a ?c ?e WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?e ?a LIMIT 1"


@pytest.fixture(scope="module")
def limited(build_dir):
    """A bridge over an app of its own with a short time limit and a memory limit, cache off."""
    config = Config.load(build_dir=build_dir, workers=2, timeout=2.0, max_query_memory=150_000_000, cache_bytes=0)
    app = create_app(config)
    made = RSGIBridge(app, threads=2, max_body_bytes=1_000_000)
    made.pool = CountingPool(max_workers=2)
    yield made
    app.extensions["bkg_engine"].close()


@pytest.mark.parametrize(
    ("query", "message"),
    [(RUNAWAY, b"longer than this endpoint's limit of 2 s"), (MEMORY_BOMB, b"more memory than this endpoint's limit")],
)
def test_the_loop_stops_a_query_past_its_limit_and_replaces_its_worker(limited, query, message):
    pool = limited.workers
    wait_for_workers(pool)
    before = set(pool.pids())
    (status, headers, body), threaded = ask(limited, True, "POST", {}, FORM, form(query))
    assert status == 503
    assert message in body
    assert ("Retry-After", "1") in headers
    assert threaded  # the fault was rendered by the app, which did not ask again
    wait_for_workers(pool)
    assert set(pool.pids()) != before  # the worker that ran it was killed and replaced
    (status, _, body), threaded = ask(limited, True, "POST", {}, FORM, form("ASK {}"))
    assert (status, body, threaded) == (200, b'{"head":{},"boolean":true}', False)


def test_a_worker_killed_while_the_loop_waits_fails_that_query_only(limited):
    """A worker that dies (a crash, a kill) while the loop awaits its answer: that query is a 500 with a
    trace id, the worker is replaced and the next query is answered."""
    pool = limited.workers
    wait_for_workers(pool)
    before = pool.pids()
    answer = {}
    slow = threading.Thread(target=lambda: answer.update(got=ask(limited, True, "POST", {}, FORM, form(RUNAWAY))))
    slow.start()
    busy = busy_worker(before)
    os.kill(busy, signal.SIGKILL)
    slow.join()
    (status, _, body), _ = answer["got"]
    assert status == 500
    assert TRACE.search(body.decode())
    assert b"Traceback" not in body
    wait_for_workers(pool)
    assert busy not in pool.pids()
    (status, _, _), _ = ask(limited, True, "POST", {}, FORM, form("ASK {}"))
    assert status == 200


def wait_for_workers(pool) -> None:
    deadline = time.monotonic() + 120
    while len(pool.pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_request_given_up_while_its_worker_evaluates_leaves_the_worker_in_the_pool(bridge):
    """A cancelled request (its client gone) does not cost a worker: its answer is read and dropped."""
    pool = bridge.workers
    before = pool.pids()
    bridge.app.extensions["bkg_results"].clear()
    body = form("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    scope = Scope("/sparql", method="POST", headers={**FORM, "content-length": str(len(body))})

    async def scenario() -> bool:
        task = asyncio.ensure_future(bridge.__rsgi__(scope, Protocol(body)))
        await asyncio.sleep(0)  # the query handed over, the loop now waits for the worker
        running = bridge.app.extensions["bkg_admission"].counts()["running"]
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return running == 1

    assert asyncio.run(scenario())
    for thread in [t for t in threading.enumerate() if t.name == "bkg-drain"]:
        thread.join(timeout=120)
    assert pool.pids() == before
    (status, _, _), threaded = ask(bridge, True, "POST", {}, FORM, form("ASK {}"))
    assert (status, threaded) == (200, False)


# Answers whose bytes do not depend on the copy of the store: each copy numbers blank nodes its own way,
# so PLAIN's CONSTRUCT (ORDER BY ?s, blank nodes among them) may pick other triples in another process.
IRI_CONSTRUCT = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c FILTER(isIRI(?s)) } ORDER BY ?s ?c LIMIT 30"
IN_PROCESS = [
    *(case for case in PLAIN if case[3] != CONSTRUCT.encode()),
    ("GET", {"query": SELECT, "format": "tsv"}, {"accept-encoding": "br"}, b""),
    ("POST", {}, {"content-type": "application/sparql-query", "accept": "text/turtle"}, IRI_CONSTRUCT.encode()),
]


@pytest.mark.parametrize(("method", "query", "headers", "body"), IN_PROCESS)
def test_a_text_known_cheap_is_answered_by_the_serving_process_as_the_app_does(
    bridge, method, query, headers, body, monkeypatch
):
    """Once a worker has answered a text cheaply, the serving process answers it itself: the same bytes."""
    monkeypatch.setattr(inline, "CHEAP_SECONDS", 60.0)  # whatever this machine's speed: the text is cheap
    bridge.app.extensions["bkg_results"].clear()
    bridge.inline._known.clear()
    bridge.inline._sent_back.clear()
    by_worker, _ = ask(bridge, True, method, query, headers, body)
    bridge.app.extensions["bkg_results"].clear()
    monkeypatch.setattr(bridge.workers, "hand_over_now", lambda request: pytest.fail("a worker was asked"))
    here, threaded = ask(bridge, True, method, query, headers, body)
    monkeypatch.undo()
    bridge.app.extensions["bkg_results"].clear()
    in_thread, _ = ask(bridge, False, method, query, headers, body)
    assert here[0] == 200
    assert by_worker == here == in_thread
    assert not threaded


def test_only_cheap_small_texts_without_from_or_service_are_learned():
    learned = inline.InProcess(engine=None)
    key = ("ASK {}", (), (), "http://x/sparql")
    cheap = Answer("boolean", b"{}", spent=inline.CHEAP_SECONDS / 2)
    costly = Answer("boolean", b"{}", spent=inline.CHEAP_SECONDS)
    learned.learn(key, "ASK {}", costly)
    learned.learn(key, "ASK {}", Answer("boolean", b"{}"))  # no measurement (not from a worker)
    learned.learn(("ASK {}", ("http://g",), (), "http://x/sparql"), "ASK {}", cheap)  # a dataset named
    service = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    learned.learn((service, (), (), "http://x/sparql"), service, cheap)
    named = "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }"
    learned.learn((named, (), (), "http://x/sparql"), named, cheap)
    assert not learned._known
    learned.learn(key, "ASK {}", cheap)
    assert key in learned


def test_a_text_costly_in_the_serving_process_goes_back_to_the_workers(bridge, monkeypatch):
    body = form(SELECT)
    bridge.app.extensions["bkg_results"].clear()
    bridge.inline._known.clear()
    bridge.inline._sent_back.clear()
    monkeypatch.setattr(inline, "CHEAP_SECONDS", 60.0)
    ask(bridge, True, "POST", {}, FORM, body)  # a worker answers: learned
    monkeypatch.setattr(inline, "CHEAP_SECONDS", 0.0)  # every evaluation here is now over the bound
    asked = []
    original = bridge.workers.hand_over_now
    monkeypatch.setattr(bridge.workers, "hand_over_now", lambda request: asked.append(1) or original(request))
    bridge.app.extensions["bkg_results"].clear()
    first, _ = ask(bridge, True, "POST", {}, FORM, body)  # answered here, found costly, forgotten
    bridge.app.extensions["bkg_results"].clear()
    second, _ = ask(bridge, True, "POST", {}, FORM, body)  # a worker's again, and not learned again
    bridge.app.extensions["bkg_results"].clear()
    third, _ = ask(bridge, True, "POST", {}, FORM, body)
    assert first == second == third
    assert first[0] == 200
    assert len(asked) == 2
    assert not bridge.inline._known


def test_without_in_process_answers_every_query_goes_to_the_workers(bridge):
    """BKG_IN_PROCESS_ANSWERS=0: the serving process opens no copy of the build (the memory it costs)."""
    config = bridge.app.extensions["bkg_config"]
    assert Config.load(in_process_answers="off").in_process_answers is False
    app = Flask(__name__)
    app.extensions.update(bridge.app.extensions, bkg_config=replace(config, in_process_answers=False))
    assert inline.open_for(app) is None
    app.extensions["bkg_config"] = replace(config, in_process_answers=True)
    made = inline.open_for(app)
    assert isinstance(made, inline.InProcess)
    assert made.opened.wait(60)
    assert made.engine is not None


def test_a_bad_in_process_answers_setting_is_named(monkeypatch):
    monkeypatch.setenv("BKG_IN_PROCESS_ANSWERS", "maybe")
    with pytest.raises(ConfigError, match="BKG_IN_PROCESS_ANSWERS: 'maybe' is not 1/0, true/false"):
        Config.load()
