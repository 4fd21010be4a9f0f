"""Benchmark (not a test): budapest-kg against `oxigraph serve-read-only` and rdflib-endpoint, in one run.

Servers, all over the same build (the union of its named graphs as the default graph):

    budapest-kg                `budapest-kg serve`, result cache off (BKG_CACHE_BYTES=0)
    budapest-kg (cache)        the same with its result cache on (the default)
    oxigraph serve-read-only   the Rust server of the PyPI package `oxigraph`, on the build's own store
    rdflib-endpoint            FastAPI + rdflib (PyPI `rdflib-endpoint`), loading build/graph.nq

The peers come from a separate virtual environment (never project dependencies):

    python3 -m venv /tmp/benchvenv
    /tmp/benchvenv/bin/pip install oxigraph==<pyoxigraph's version> 'rdflib-endpoint[cli]'

Every catalogue query (parameters at their defaults, a State without one as FRA), the checks and a
few generic queries are sent by 4 client processes, per query to each server in turn (interleaved,
so that the machine's load moves all of them alike), twice: a new connection per request, then
keep-alive. Each cell is `--requests` requests or `--budget` seconds, whichever ends first, after
4 warm-up requests. Results: requests/s, ratios, memory (RSS of each server's process tree) and
the time from start to the first answer.

    python bench/endpoint_bench.py --peers /tmp/benchvenv [--requests 200] [--budget 4] \\
        [--write docs/endpoint-performance.md]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import multiprocessing as mp
import os
import platform
import re
import sys
import time
from pathlib import Path

from bench_servers import SERVERS, Server, floor, start_all, stop_all, tree_rss

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 4
MODES = ("new connection per request", "keep-alive")
GENERIC = {
    "generic/ask-empty": "ASK {}",
    "generic/class-counts": "SELECT ?c (COUNT(?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c ORDER BY DESC(?n)",
    "generic/predicate-counts": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)",
    "generic/regex-labels": "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
    'FILTER(REGEX(STR(?l), "conven", "i")) }',
    "generic/two-hop-join": "SELECT ?a ?c WHERE { ?a ?p ?b . ?b ?q ?c . ?c a ?t } LIMIT 2000",
    "generic/property-path": "SELECT ?x ?super WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?super }",
    "generic/optional-join": "SELECT ?s ?l ?c WHERE { ?s a ?c "
    "OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } } LIMIT 2000",
}


def catalogue() -> tuple[dict[str, str], dict[str, str]]:
    """Every catalogue query with its parameters at their defaults (a State as FRA), the checks, the generic ones."""
    from budapest_kg.catalogue import ParameterError, read_catalogue

    with open(ROOT / "data" / "states.csv", newline="", encoding="utf-8") as handle:
        states = {row["iso3"] for row in csv.DictReader(handle)}
    runnable, skipped = {}, {}
    for name, query in read_catalogue(ROOT / "queries").items():
        if re.search(r"\bSERVICE\b", query.text, re.IGNORECASE):
            skipped[name] = "federated (SERVICE to the network)"
            continue
        values = {p.name: "FRA" for p in query.params if p.kind == "iso3" and not p.default}
        try:
            runnable[name] = query.bind(values, states)
        except ParameterError as exc:
            skipped[name] = f"parameters: {exc}"
    for path in sorted((ROOT / "queries" / "checks").glob("*.rq")):
        runnable[f"checks/{path.stem}"] = path.read_text(encoding="utf-8")
    runnable.update(GENERIC)
    return runnable, skipped


def client_loop(conn, number: int) -> None:
    """A client process: run the measurements it is sent until it gets None. Each client has a loopback
    address of its own (127.0.1.1, 127.0.1.2, ...), as clients on other machines would: budapest-kg limits
    what one address may hold at once (BKG_CLIENT_SHARE), and four clients behind one address would be
    refused as one greedy client."""
    import urllib.parse
    from http.client import HTTPConnection

    source = f"127.0.1.{number + 1}"
    while (task := conn.recv()) is not None:
        port, path, query, keep, quota, deadline = task
        body = urllib.parse.urlencode({"query": query})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        }
        if not keep:
            headers["Connection"] = "close"
        latencies, errors, open_conn = [], 0, None
        while len(latencies) < quota and time.time() < deadline:
            started = time.perf_counter()
            try:
                if open_conn is None:
                    open_conn = HTTPConnection("127.0.0.1", port, timeout=300, source_address=(source, 0))
                open_conn.request("POST", path, body=body, headers=headers)
                response = open_conn.getresponse()
                response.read()
                errors += response.status != 200
                if not keep or response.getheader("Connection", "").lower() == "close":
                    open_conn.close()
                    open_conn = None
            except OSError:
                errors += 1
                open_conn = None
            latencies.append(time.perf_counter() - started)
        if open_conn is not None:
            open_conn.close()
        conn.send((latencies, errors))


class Clients:
    def __init__(self, count: int):
        context = mp.get_context("fork")
        self.pipes, self.processes = [], []
        for number in range(count):
            parent, child = context.Pipe()
            process = context.Process(target=client_loop, args=(child, number), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)

    def run(self, server: Server, query: str, keep: bool, requests: int, budget: float) -> tuple[float, int, int]:
        """requests/s, requests done and errors of one cell: the clients share `requests`, within `budget` s."""
        quota = max(1, requests // len(self.pipes))
        started = time.perf_counter()
        deadline = time.time() + budget
        for pipe in self.pipes:
            pipe.send((server.port, server.path, query, keep, quota, deadline))
        results = [pipe.recv() for pipe in self.pipes]
        elapsed = time.perf_counter() - started
        done = sum(len(latencies) for latencies, _ in results)
        return done / elapsed, done, sum(errors for _, errors in results)

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.send(None)
        for process in self.processes:
            process.join(timeout=5)


def measure(servers: list[Server], queries: dict[str, str], args) -> dict:
    clients = Clients(CLIENTS)
    rates: dict = {mode: {} for mode in MODES}
    errors: dict = {}
    try:
        for mode in MODES:
            keep = mode == "keep-alive"
            for name, text in queries.items():
                rates[mode][name] = {}
                for server in servers:
                    clients.run(server, text, keep, CLIENTS, args.budget)  # warm-up (and, cache on, filling it)
                    rate, done, failed = clients.run(server, text, keep, args.requests, args.budget)
                    rates[mode][name][server.name] = rate
                    if failed:
                        errors[(mode, name, server.name)] = f"{failed} of {done}"
                line = "  ".join(f"{rates[mode][name][s.name]:8.1f}" for s in servers)
                print(f"{mode[:4]} {name:52} {line}", file=sys.stderr, flush=True)
    finally:
        clients.close()
    return {"rates": rates, "errors": errors}


def measure_floor(servers: list[Server], args) -> dict:
    """ASK {} on the empty RSGI app, budapest-kg (cache off) and oxigraph, per mode, in one more run."""
    ours, _, rust, _ = servers
    empty = start_all((floor,), args)
    clients = Clients(CLIENTS)
    rates: dict = {}
    try:
        for server in (*empty, ours, rust):
            for mode in MODES:
                clients.run(server, GENERIC["generic/ask-empty"], mode == "keep-alive", CLIENTS, args.budget)
                rate, _, _ = clients.run(
                    server, GENERIC["generic/ask-empty"], mode == "keep-alive", args.requests * 5, args.budget
                )
                rates[(server.name, mode)] = rate
    finally:
        clients.close()
        stop_all(empty)
    return rates


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def report(servers: list[Server], result: dict, skipped: dict[str, str], meta: dict) -> str:
    ours, cached, rust, rdf = (s.name for s in servers)
    lines = [
        f"Run {meta['when']}; {meta['machine']}; load average before / after: {meta['load_before']} / "
        f"{meta['load_after']}. {meta['queries']} queries, {CLIENTS} client processes, up to "
        f"{meta['requests']} requests or {meta['budget']:g} s per query and server.",
        "",
    ]
    summary = ["| mode | measure | cache off ÷ oxigraph | cache on ÷ oxigraph | cache off ÷ rdflib-endpoint |"]
    summary.append("| --- | --- | ---: | ---: | ---: |")
    for mode in MODES:
        rows = result["rates"][mode]
        vs_rust = [r[ours] / r[rust] for r in rows.values()]
        vs_rust_cached = [r[cached] / r[rust] for r in rows.values()]
        vs_rdf = [r[ours] / r[rdf] for r in rows.values()]
        means = f"{geomean(vs_rust):.2f} | {geomean(vs_rust_cached):.2f} | {geomean(vs_rdf):.1f}"
        summary.append(f"| {mode} | geometric mean | {means} |")
        summary.append(f"| {mode} | lowest | {min(vs_rust):.2f} | {min(vs_rust_cached):.2f} | {min(vs_rdf):.1f} |")
        summary.append(
            f"| {mode} | queries below 1.0× (5×) | {sum(v < 1 for v in vs_rust)} | "
            f"{sum(v < 1 for v in vs_rust_cached)} | {sum(v < 5 for v in vs_rdf)} |"
        )
    lines += summary
    for mode in MODES:
        lines += ["", f"### {mode.capitalize()} (requests/s)", ""]
        lines.append(
            f"| query | {ours} | {cached} | {rust} | {rdf} | off ÷ oxigraph | on ÷ oxigraph | off ÷ rdflib-endpoint |"
        )
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, r in result["rates"][mode].items():
            lines.append(
                f"| {name} | {r[ours]:.1f} | {r[cached]:.1f} | {r[rust]:.1f} | {r[rdf]:.1f} | "
                f"{r[ours] / r[rust]:.2f} | {r[cached] / r[rust]:.2f} | {r[ours] / r[rdf]:.1f} |"
            )
    lines += ["", "| server | start to first answer, s | RSS of all its processes after the run, MB |"]
    lines.append("| --- | ---: | ---: |")
    for server in servers:
        lines.append(f"| {server.name} | {server.started_in:.2f} | {meta['rss'][server.name] / 1e6:.0f} |")
    floor = result["floor"]
    names = list(dict.fromkeys(name for name, _ in floor))  # in the order measured
    lines += ["", "The per-request floor, `ASK {}` once more (up to 5× the requests per cell; requests/s):", ""]
    lines += ["| server | " + " | ".join(MODES) + " |", "| --- |" + " ---: |" * len(MODES)]
    lines += [f"| {n} | " + " | ".join(f"{floor[(n, mode)]:.0f}" for mode in MODES) + " |" for n in names]
    if result["errors"]:
        lines += ["", "Errors: " + "; ".join(f"{k[2]}, {k[1]} ({k[0]}): {v}" for k, v in result["errors"].items())]
    if skipped:
        lines += ["", "Skipped: " + "; ".join(f"`{q}` ({why})" for q, why in skipped.items()) + "."]
    return "\n".join(lines) + "\n"


def write_between_markers(path: Path, table: str, marker: str = "bench") -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    block = f"{start}\n{table}{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text += "\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", required=True, type=Path, help="a venv with oxigraph and rdflib-endpoint")
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--processes", type=int, default=None, help="budapest-kg serving processes (default: cores)")
    parser.add_argument("--requests", type=int, default=200, help="requests per query and server (default 200)")
    parser.add_argument("--budget", type=float, default=4.0, help="seconds per query and server at most (default 4)")
    parser.add_argument("--only", default=None, help="a regular expression: run only the queries it matches")
    parser.add_argument("--write", type=Path, help="replace the table between the bench markers of this Markdown file")
    args = parser.parse_args()
    queries, skipped = catalogue()
    if args.only:
        queries = {k: v for k, v in queries.items() if re.search(args.only, k)}
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    servers = start_all(SERVERS, args)
    try:
        result = measure(servers, queries, args)
        rss = {server.name: tree_rss(server.process.pid) for server in servers}
        result["floor"] = measure_floor(servers, args)
    finally:
        stop_all(servers)
    meta = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "load_before": load_before,
        "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "queries": len(queries),
        "requests": args.requests,
        "budget": args.budget,
        "rss": rss,
    }
    table = report(servers, result, skipped, meta)
    print(table)
    if args.write:
        write_between_markers(args.write, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
