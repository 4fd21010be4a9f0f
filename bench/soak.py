"""Soak (not a test): the endpoint under 32 clients for 10 minutes, mixed queries and pages.

Starts `budapest-kg serve` on a free loopback port with its defaults (as a deployment runs it), then
32 clients, each from its own loopback address (127.0.1.1, 127.0.1.2, ...: a client of its own to the
endpoint's per-client share), ask in a loop without pause:

- catalogue queries (/queries/NAME, parameters at their defaults) and ad hoc /sparql queries;
- pages (/, treaties, States, terms, the query page) and Linked Data as Turtle, JSON-LD, N-Triples;
- /health, VoID, the Service Description, the stylesheet, the DCAT description;
- hostile requests that must be refused: malformed, too deeply nested, Update, unknown IRIs (4xx);
- now and then a runaway query and a memory bomb, which the limits must stop (503).

A client that is told to wait (503 or 429 with Retry-After: the server shedding load) waits as told
and goes on; that is counted as "shed", not as an error. An error is anything else unexpected: a
status other than the one the request must get, a 200 whose body does not parse, a connection that
fails or hangs (60 s). Every 2 s the server's memory is sampled: the serving processes (with the parent)
and, apart, everything below them (query workers, which a memory bomb grows until the memory limit
replaces them). The table goes to docs/soak.md, one row per minute.

    python bench/soak.py [--seconds 600] [--clients 32] [--build-dir build] [--out docs/soak.md]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/budapest-kg/id/"
SPARQL = [
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "PREFIX bkg: <https://w3id.org/budapest-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"
    " SELECT ?s ?l WHERE { ?s a bkg:PartyToConvention ; rdfs:label ?l } ORDER BY ?l",
    "DESCRIBE <https://w3id.org/budapest-kg/id/state/FRA>",
    "ASK { ?s a <https://w3id.org/budapest-kg/ontology#State> }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 50",
    "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
]
HOSTILE = [  # (how, path or query, the status it must get)
    ("query", "SELECT WHERE {", 400),
    ("query", "SELECT * WHERE " + "{" * 40 + " ?s ?p ?o " + "}" * 40, 400),
    ("query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403),
    ("query", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", 400),
    ("path", "/id/%25", 404),
    ("path", "/id/state/XXX", 404),
    ("path", "/term/%FF", 404),
]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PROBE_SECONDS = 0.25  # how often the health checker asks /health
MEMORY_SECONDS = 2  # how often the server's memory is sampled
MEMORY_BOMB = "SELECT ?a ?c ?e WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?e ?a LIMIT 1"
JSON = "application/sparql-results+json"


@dataclass
class Kind:
    latencies: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)


@dataclass
class Minute:
    latencies: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    memory: list[int] = field(default_factory=list)  # the whole tree
    serving: list[int] = field(default_factory=list)  # the parent and its serving processes only
    load: float = 0.0


class Soak:
    def __init__(self, port: int, seconds: float, clients: int, seed: int):
        self.port = port
        self.seconds = seconds
        self.clients = clients
        self.start = time.monotonic()
        self.minutes: dict[int, Minute] = defaultdict(Minute)
        self.kinds: dict[str, Kind] = defaultdict(Kind)
        self.lock = threading.Lock()
        self.random = random.Random(seed)
        self.plan = self.make_plan()
        self.probes: list[float | None] = []  # the health checker's latencies (None: no 200 answer)

    def minute(self) -> Minute:
        return self.minutes[int((time.monotonic() - self.start) // 60)]

    def make_plan(self) -> list[tuple[str, str, str | None, int, str]]:
        """Requests as (kind, path, Accept, expected status, check), weighted by repetition."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("GET", "/queries?format=json")
        named = json.loads(conn.getresponse().read())["queries"]
        query = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), '" + ID + "')) }"
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": JSON})
        resources = [b["s"]["value"] for b in json.loads(conn.getresponse().read())["results"]["bindings"]]
        conn.close()
        paths = ["/id/" + iri[len(ID) :] for iri in resources]
        plan = []
        for q in named:
            if "SERVICE" not in q["sparql"] and all(p["default"] for p in q["params"]):
                plan += [("catalogue", f"/queries/{q['name']}", JSON, 200, "json")] * 2
        for text in SPARQL:
            accept = "text/turtle" if text.startswith(("DESCRIBE", "CONSTRUCT")) else JSON
            plan += [("sparql", "/sparql?" + urllib.parse.urlencode({"query": text}), accept, 200, "body")] * 5
        for path in self.random.sample(paths, min(60, len(paths))):
            plan.append(("page", path, "text/html", 200, "html"))
            plan.append(
                ("rdf", path, self.random.choice(["text/turtle", "application/ld+json", "text/plain"]), 200, "body")
            )
        pages = ["/", "/query?example=party-count", "/term/Party", "/id/treaty/ets-185", "/id/treaty/cets-224"]
        plan += [("page", p, "text/html", 200, "html") for p in pages] * 3
        plan += [("health", "/health", None, 200, "json")] * 5
        for path, accept in [("/.well-known/void", "text/turtle"), ("/sparql", "text/turtle"),
                             ("/static/site.css", None), ("/download/", "text/turtle")]:  # fmt: skip
            plan += [("other", path, accept, 200, "body")] * 3
        for how, what, status in HOSTILE:
            path = what if how == "path" else "/sparql?" + urllib.parse.urlencode({"query": what})
            plan.append(("hostile", path, "text/plain", status, "body"))
        return plan

    def pick(self, rng: random.Random) -> tuple[str, str, str | None, int, str]:
        roll = rng.random()
        if roll < 0.003:
            return ("runaway", "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}), JSON, 503, "body")
        if roll < 0.006:
            return ("memory bomb", "/sparql?" + urllib.parse.urlencode({"query": MEMORY_BOMB}), JSON, 503, "body")
        return rng.choice(self.plan)

    def client(self, number: int) -> None:
        rng = random.Random(number)
        source = f"127.0.1.{number + 1}"
        conn = None
        while time.monotonic() - self.start < self.seconds:
            kind, path, accept, expected, check = self.pick(rng)
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60, source_address=(source, 0))
            began = time.monotonic()
            try:
                conn.request("GET", path, headers={"Accept": accept} if accept else {})
                response = conn.getresponse()
                body = response.read()
                status, retry = response.status, response.getheader("Retry-After")
            except (OSError, http.client.HTTPException) as exc:
                self.record(kind, time.monotonic() - began, "error", f"{kind} {path[:80]}: {type(exc).__name__} {exc}")
                conn.close()
                conn = None
                continue
            took = time.monotonic() - began
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
            if status == expected and (status != 200 or self.valid(check, body)):
                self.record(kind, took, "ok" if status == 200 else "refused as expected")
            elif status in (503, 429) and retry:
                self.record(kind, took, f"shed ({status})")
                time.sleep(float(retry))
            else:
                self.record(kind, took, "error", f"{kind} {path[:80]}: {status} {body[:120]!r}")

    @staticmethod
    def valid(check: str, body: bytes) -> bool:
        try:
            if check == "json":
                json.loads(body)
            elif check == "html":
                return b"</html>" in body
            return len(body) > 0
        except ValueError:
            return False
        return True

    def record(self, kind: str, took: float, outcome: str, error: str | None = None) -> None:
        with self.lock:
            minute = self.minute()
            minute.outcomes[outcome] += 1
            self.kinds[kind].outcomes[outcome] += 1
            if outcome in ("ok", "refused as expected"):
                minute.latencies.append(took)
                self.kinds[kind].latencies.append(took)
            if error:
                minute.errors.append(error)

    def watch_memory(self, pid: int) -> None:
        while time.monotonic() - self.start < self.seconds:
            serving, workers = resident_tree(pid)
            with self.lock:
                minute = self.minute()
                minute.memory.append(serving + workers)
                minute.serving.append(serving)
                minute.load = os.getloadavg()[0]
            time.sleep(MEMORY_SECONDS)

    def run(self, pid: int) -> None:
        threads = [threading.Thread(target=self.client, args=(n,), daemon=True) for n in range(self.clients)]
        threads.append(threading.Thread(target=self.watch_memory, args=(pid,), daemon=True))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def probe_health(port: int, seconds: float, answers) -> None:
    """A health checker of its own (a process apart from the clients, as a load balancer's is): GET /health
    every PROBE_SECONDS on a new connection; the latencies (None for a failure) go to `answers`."""
    latencies: list[float | None] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        began = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=("127.0.2.1", 0))
            conn.request("GET", "/health")
            response = conn.getresponse()
            response.read()
            conn.close()
            latencies.append(time.monotonic() - began if response.status == 200 else None)
        except (OSError, http.client.HTTPException):
            latencies.append(None)
        time.sleep(max(0.0, PROBE_SECONDS - (time.monotonic() - began)))
    answers.put(latencies)


def resident_tree(pid: int) -> tuple[int, int]:
    """Resident bytes of the server's parent and serving processes (its children), and of everything below
    them: query workers, their forkservers and resource trackers."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[ppid].append(int(entry.name))
    sizes = [0, 0]
    todo = [(pid, 0)]
    while todo:
        current, depth = todo.pop()
        with contextlib.suppress(OSError, IndexError, ValueError):  # gone meanwhile
            size = int(Path(f"/proc/{current}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            sizes[depth > 1] += size
        todo += [(child, depth + 1) for child in children.get(current, [])]
    return sizes[0], sizes[1]


def flat_lows(soak: Soak) -> str:
    """The whole server's lowest memory sample in the first and in the last full minute: a leak shows as a climb."""
    full = [soak.minutes[n] for n in sorted(soak.minutes) if len(soak.minutes[n].memory) >= 60 // MEMORY_SECONDS - 1]
    if len(full) < 2:
        return "(fewer than two full minutes)"
    return f"{min(full[0].memory) / 1e6:.0f} MB and {min(full[-1].memory) / 1e6:.0f} MB"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, build_dir: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "budapest_kg", "serve", "--port", str(port), "--build-dir", build_dir]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the server did not come up")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def report(soak: Soak, args: argparse.Namespace, started: str) -> str:
    lines = [
        f"# Soak: {args.clients} clients, {args.seconds / 60:g} minutes, mixed queries and pages",
        "",
        f"`python bench/soak.py --seconds {args.seconds:g} --clients {args.clients}`, run {started} on this",
        f"2-core machine ({os.cpu_count()} CPUs seen), the server with its defaults (Granian, one serving process",
        "per core, each with 2 query workers, 8 threads, queue 4, one query slot per client), clients from distinct",
        "loopback addresses in the same machine (they share the cores with the server). 'shed' is a 503 or 429",
        "with Retry-After, which the client honours;",
        "'refused' is a hostile request given the 4xx it must get, or a runaway or memory bomb stopped with",
        "503 by the time or memory limit. Latency percentiles are over answered requests (ok and refused).",
        f"Memory is resident size, sampled every {MEMORY_SECONDS} s: 'serving' is the parent and its serving",
        "processes (last sample of the minute); 'all, low–high' adds their query workers and forkservers",
        "(lowest and highest sample of the minute: the high catches memory bombs in flight, the low is the",
        "server at rest between them). Load is the 1-minute load average at the last sample.",
        "",
        "| minute | requests | ok | refused | shed | errors | p50 ms | p99 ms | serving MB | all, low–high MB | load |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    everything: list[float] = []
    totals: Counter = Counter()
    errors: list[str] = []
    for number in sorted(soak.minutes):
        m = soak.minutes[number]
        shed = sum(v for k, v in m.outcomes.items() if k.startswith("shed"))
        count = sum(m.outcomes.values())
        everything += m.latencies
        totals.update(m.outcomes)
        errors += m.errors
        serving = f"{m.serving[-1] / 1e6:.0f}" if m.serving else "–"
        spread = f"{min(m.memory) / 1e6:.0f}–{max(m.memory) / 1e6:.0f}" if m.memory else "–"
        p50, p99 = percentile(m.latencies, 0.5) * 1000, percentile(m.latencies, 0.99) * 1000
        lines.append(
            f"| {number + 1} | {count} | {m.outcomes['ok']} | {m.outcomes['refused as expected']} | {shed} |"
            f" {m.outcomes['error']} | {p50:.0f} | {p99:.0f} | {serving} | {spread} | {m.load:.1f} |"
        )
    memories = [s for number in sorted(soak.minutes) for s in soak.minutes[number].memory]
    serving_all = [s for number in sorted(soak.minutes) for s in soak.minutes[number].serving]
    lines += [
        "",
        f"Total: {sum(totals.values())} requests, {totals['ok']} ok, {totals['refused as expected']} refused as"
        f" they must be, {sum(v for k, v in totals.items() if k.startswith('shed'))} shed"
        f" ({totals['shed (503)']} 503, {totals['shed (429)']} 429), **{totals['error']} errors**;"
        f" p50 {percentile(everything, 0.5) * 1000:.0f} ms, p99 {percentile(everything, 0.99) * 1000:.0f} ms.",
        f"Memory: serving processes {serving_all[0] / 1e6:.0f} MB at the first sample, {serving_all[-1] / 1e6:.0f} MB"
        f" at the last ({min(serving_all) / 1e6:.0f}–{max(serving_all) / 1e6:.0f} MB); with the query workers"
        f" {min(memories) / 1e6:.0f}–{max(memories) / 1e6:.0f} MB over the run; lowest sample of the first and"
        f" of the last full minute {flat_lows(soak)}."
        if memories
        else "",
    ]
    lines += [
        "",
        "By kind of request (the path a /health probe or a cached page takes is never behind a query slot):",
        "",
        "| kind | requests | shed | errors | p50 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, kind in sorted(soak.kinds.items(), key=lambda item: -sum(item[1].outcomes.values())):
        shed = sum(v for k, v in kind.outcomes.items() if k.startswith("shed"))
        worst = max(kind.latencies) * 1000 if kind.latencies else float("nan")
        p50, p99 = percentile(kind.latencies, 0.5) * 1000, percentile(kind.latencies, 0.99) * 1000
        lines.append(
            f"| {name} | {sum(kind.outcomes.values())} | {shed} | {kind.outcomes['error']} |"
            f" {p50:.0f} | {p99:.0f} | {worst:.0f} |"
        )
    answered = [p for p in soak.probes if p is not None]
    lines += [
        "",
        f"The health checker (a process of its own, `GET /health` every {PROBE_SECONDS:g} s on a new connection):"
        f" {len(soak.probes)} probes, {len(soak.probes) - len(answered)} without a 200 answer;"
        f" p50 {percentile(answered, 0.5) * 1000:.0f} ms, p99 {percentile(answered, 0.99) * 1000:.0f} ms,"
        f" max {max(answered, default=float('nan')) * 1000:.0f} ms;"
        f" {sum(p > 0.1 for p in answered)} over 100 ms.",
    ]
    if errors:
        lines += ["", "Errors (first 20):", ""] + [f"- `{e}`" for e in errors[:20]]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--build-dir", default="build")
    parser.add_argument("--out", default=None, help="write the table here (default: print it)")
    args = parser.parse_args()
    port = free_port()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    server = start_server(port, args.build_dir)
    try:
        soak = Soak(port, args.seconds, args.clients, seed=1)
        answers = multiprocessing.get_context("fork").Queue()
        prober = multiprocessing.get_context("fork").Process(target=probe_health, args=(port, args.seconds, answers))
        prober.start()
        soak.run(server.pid)
        soak.probes = answers.get(timeout=60)
        prober.join(timeout=10)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    text = report(soak, args, started)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
