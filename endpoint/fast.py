"""Queries answered in the event loop, without a request thread: the common case of /sparql and
/queries/<name> made cheap.

Such a query asks for no thread while its query worker evaluates: the loop reads the request, takes a
query slot and an idle worker if both are free at once, hands the query over, waits for the worker's pipe
to become readable (loop.add_reader) while it keeps the time and memory limits, and makes the answer.
An answer the result cache holds is sent from the loop at once; a text a worker has shown cheap is
evaluated by this process itself, in the loop, without a worker (inline.py, where its rules are).
Measured on `ASK {}`, handing each request to a thread and back cost ~0.4 ms of CPU, Flask's dispatch
~0.3 ms: on light queries most of the server's work; this path's Python costs about half of the thread
path's (~0.45 against ~0.9 ms).

Every rule is the Flask view's own: the same functions read the protocol's parameters (sparql.py) or bind
a named query (catalogue.py), key, look up, make and keep the answer (runner.py), and label it (the
views' after_request functions, in Flask's order); tests/test_fast.py holds the two paths to the same
bytes. Whatever is not the plain case goes to the Flask app in a thread, as before: a page for a
browser, a dataset named in the request, any refusal or error (the view raises it again, the same way),
no free slot or worker (admission queues or refuses it there). When the engine fails on the query, the
request goes to the thread path carrying the fault (runner.FAULT_KEY), which renders it without asking
the engine again.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from concurrent.futures import Executor
from typing import NamedTuple

from flask import Flask, Request

from . import catalogue, conditional, headers, sparql
from .admission import GatedEngine
from .answer import Answer
from .errors import HttpError
from .faults import EngineFault
from .guard import check_nesting
from .inline import InProcess
from .runner import FAULT_KEY, answer_key, choose, from_cache, keep_answer
from .worker import Worker, WorkerPool

NAMED = "/queries/"
SIMPLE_NAME = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*")
# Larger query texts go to the thread path: a pipe takes 64 KB before a write blocks the loop.
MAX_QUERY_CHARS = 16_000
# An answer up to this size is converted, hashed and compressed in the loop (well under a millisecond); a
# larger one in a thread: 1 MB of SPARQL JSON took ~8 ms with gzip, ~16 ms with brotli (the limit is 20 MB).
IN_LOOP_BYTES = 64_000
NOT_PLAIN = ("update", "using-graph-uri", "using-named-graph-uri", "default-graph-uri", "named-graph-uri")


def answers(path: str) -> bool:
    """Whether a request for path may be answered in the loop (the protocol's queries, the named queries)."""
    return path == "/sparql" or path.startswith(NAMED)


def pool_of(app: Flask) -> WorkerPool | None:
    """The app's query worker pool when its /sparql queries can be answered in the loop, else None."""
    engine, config = app.extensions.get("bkg_engine"), app.extensions.get("bkg_config")
    if config is None or config.proxy_hops or not isinstance(engine, GatedEngine):
        return None  # behind a proxy the client's address comes from ProxyFix, in the WSGI app
    return engine.engine if isinstance(engine.engine, WorkerPool) else None


async def answer(
    app: Flask, pool: WorkerPool, threads: Executor, environ: dict, inline: InProcess | None = None
) -> tuple[int, list, bytes] | None:
    """The answer (status, headers, body), or None when the Flask app must answer (the environ may then
    carry the engine's fault); the environ's body has been read then. With `inline`, a query text known
    to be cheap is evaluated in this process (inline.py), any other by a query worker."""
    with app.app_context():  # the views' functions read the app's extensions
        plan = prepare(app, environ)
    if not isinstance(plan, Plan):
        return plan
    req, key, text, override = plan
    admission = app.extensions["bkg_admission"]
    client = req.remote_addr or "unknown"
    if not admission.try_enter(client):
        return None
    try:
        try:
            result = None if inline is None else inline.answer(key, text)
            if result is None:
                deadline, limit = pool.deadline()
                worker = pool.hand_over_now((text, None, None, key[-1], True))
                if worker is None:
                    return None
                result = await ask(pool, worker, deadline, limit)
                if inline is not None and len(result.payload) <= IN_LOOP_BYTES:
                    inline.learn(key, text, result)
        except EngineFault as fault:
            environ[FAULT_KEY] = fault
            return None
        if len(result.payload) <= IN_LOOP_BYTES and light(result, override, req):
            return complete(app, plan, result, environ)
        # Converting or compressing a large answer would stall every connection of this process meanwhile.
        return await asyncio.get_running_loop().run_in_executor(threads, complete, app, plan, result, environ)
    finally:
        admission.leave(client)


def light(result: Answer, override: str | None, req: Request) -> bool:
    """Whether making the answer's format is light work: anything but JSON-LD (rdflib compacts it, in
    milliseconds to seconds); pyoxigraph converts the others."""
    try:
        return choose(result.kind, override, req).name != "jsonld"
    except HttpError:
        return True  # 406: nothing to convert


def complete(app: Flask, plan: Plan, result: Answer, environ: dict) -> tuple[int, list, bytes] | None:
    """The engine's answer made, kept and labelled as the view does; None when the view must say why not."""
    with app.app_context():
        try:
            response = keep_answer(plan.key, result, plan.override, plan.req)
        except HttpError:
            return None  # a format the answer cannot have (406): said by the view
        return finish(response, plan.req, environ)


class Plan(NamedTuple):
    """A plain query to ask the engine: the request, its cache key, the query and the format override."""

    req: Request
    key: tuple
    text: str
    override: str | None


def prepare(app: Flask, environ: dict) -> Plan | tuple[int, list, bytes] | None:
    """The plan for a plain query not in the cache; the finished answer when the cache holds it; None
    when the Flask app must answer."""
    req = app.request_class(environ)
    try:
        found = read_query(app, req)
        if found is None:
            return None
        text, override = found
        key = answer_key(text, None, None, req.base_url)
        cached = from_cache(key, override, req)
        if cached is not None:  # a large one is compressed in a thread, by the view
            return finish(cached, req, environ) if len(cached.get_data()) <= IN_LOOP_BYTES else None
        # run_query's check, here before a slot is taken; a query too deep is refused by the view.
        check_nesting(text, app.extensions["bkg_config"].max_nesting)
    except (HttpError, EngineFault):
        return None
    if not acceptable(override, req):
        return None  # 406 whatever the answer: the view runs the query and says so, as it always did
    return Plan(req, key, text, override)


def acceptable(override: str | None, req: Request) -> bool:
    """Whether some kind of answer has a format the request accepts."""
    for kind in ("bindings", "graph"):
        try:
            choose(kind, override, req)
        except HttpError:
            continue
        return True
    return False


def read_query(app: Flask, req: Request) -> tuple[str, str | None] | None:
    """The query text and format override of a plain protocol query or named query; None for anything else.
    The views' own functions read them, and raise what the views raise."""
    if req.path == "/sparql":
        if req.method not in ("GET", "POST"):
            return None
        params = sparql.read_protocol_request(req)
        queries = params.get("query", [])
        override = (params.get("format") or [None])[-1]
        if len(queries) != 1 or any(name in params for name in NOT_PLAIN):
            return None
        if sparql.for_a_person(params, override, req):
            return None
        text = queries[0]
    else:
        name = req.path[len(NAMED) :]
        # A named query's parameters are checked against the States in the graph, read by the first one
        # in a thread (it asks the engine); an unusual name is left to the app's routing.
        if req.method != "GET" or not SIMPLE_NAME.fullmatch(name) or "bkg_state_codes" not in app.extensions:
            return None
        _, text, _, override, html = catalogue.bind_request(name, req)
        if html:
            return None
    return (text, override) if len(text) <= MAX_QUERY_CHARS else None


def finish(response, req, environ: dict) -> tuple[int, list, bytes]:
    """The answer labelled as the Flask app labels it (its after_request functions, in its order), as bytes."""
    if req.path == "/sparql":  # the protocol blueprint's own labels (CORS, limits) come first
        response = sparql.announce(response, req)
    response = conditional.finish(response, req)
    response = headers.add_security_headers(response)
    body, _, header_list = response.get_wsgi_response(environ)
    return response.status_code, header_list, b"".join(body)


async def ask(pool: WorkerPool, worker: Worker, deadline: float | None, limit: float | None) -> Answer:
    """The worker's answer, awaited in the loop under the pool's time and memory limits (its faults raised)."""
    loop = asyncio.get_running_loop()
    ceiling = pool.ceiling(worker)
    fd = worker.conn.fileno()
    try:
        while True:
            wait = pool.next_wait(worker, deadline, limit, ceiling)
            woken = loop.create_future()
            loop.add_reader(fd, settle, woken, True)
            timer = None if wait is None else loop.call_later(wait, settle, woken, False)
            try:
                readable = await woken
            finally:
                loop.remove_reader(fd)
                if timer is not None:
                    timer.cancel()
            if readable:
                return pool.receive(worker)
            pool.check_memory(worker, ceiling)
    except asyncio.CancelledError:
        # Nobody will read the answer: a thread waits for it under the same limits, so that the worker
        # goes back to the pool as it would have (killing it would let a client that hangs up cost a worker).
        threading.Thread(target=drain, args=(pool, worker, deadline, limit), name="bkg-drain", daemon=True).start()
        raise


def drain(pool: WorkerPool, worker: Worker, deadline: float | None, limit: float | None) -> None:
    with contextlib.suppress(EngineFault):
        pool.await_reply(worker, deadline, limit)


def settle(future: asyncio.Future, value: bool) -> None:
    if not future.done():
        future.set_result(value)
