"""Benchmark (not a test): the query catalogue with 4 concurrent clients against three servers.

    budapest-kg serve --engine oxigraph   (this endpoint, default engine, worker processes)
    budapest-kg serve --engine rdflib     (this endpoint, rdflib's engine)
    oxigraph serve-read-only              (the Rust server from the PyPI package `oxigraph`)

All three serve the same build/graph.nq with the union of the named graphs as default graph. Each
catalogue query (queries/**/*.rq) is sent by 4 client threads over keep-alive connections for a
fixed number of requests or a time budget, whichever ends first; the table gives requests/s and
median/p95 latency per server, and the ratios. Parameters are bound to their defaults (a State
parameter without one to FRA); federated queries (SERVICE to the network) are skipped and listed.

    python bench/endpoint_bench.py --oxigraph-bin PATH [--requests 200] [--out docs/endpoint-performance.md]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 4


@dataclass
class Server:
    name: str
    port: int
    path: str
    process: subprocess.Popen


@dataclass
class Measure:
    requests: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, path: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _ = request(http.client.HTTPConnection("127.0.0.1", port, timeout=5), path, "ASK {}")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not come up")


def start_ours(engine: str, build_dir: Path, timeout: float) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "graph_builder.cli", "serve", "--engine", engine, "--port", str(port)]
    command += ["--build-dir", str(build_dir), "--timeout", str(timeout)]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_until_up(port, "/sparql")
    return Server(f"budapest-kg ({engine})", port, "/sparql", process)


def start_oxigraph(binary: str, build_dir: Path) -> Server:
    """`oxigraph serve` with its in-memory store (like the embedded engine), loaded over HTTP once."""
    port = free_port()
    command = [binary, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_until_up(port, "/query")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    data = (build_dir / "graph.nq").read_bytes()
    conn.request("POST", "/store", body=data, headers={"Content-Type": "application/n-quads"})
    response = conn.getresponse()
    response.read()
    if response.status >= 300:
        raise RuntimeError(f"oxigraph serve refused the build: {response.status}")
    return Server("oxigraph serve", port, "/query", process)


def request(conn: http.client.HTTPConnection, path: str, query: str) -> tuple[int, bytes]:
    body = urllib.parse.urlencode({"query": query})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9",
    }
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def measure(server: Server, query: str, total: int, budget: float) -> Measure:
    """CLIENTS threads share `total` requests; each stops early when `budget` seconds have passed."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [total]
    started = time.perf_counter()
    deadline = started + budget

    def client():
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        while True:
            with lock:
                if remaining[0] <= 0 or time.perf_counter() > deadline:
                    break
                remaining[0] -= 1
            t0 = time.perf_counter()
            status, _ = request(conn, server.path, query)
            took = time.perf_counter() - t0
            with lock:
                latencies.append(took)
                errors += status != 200
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Measure(len(latencies), time.perf_counter() - started, latencies, errors)


def catalogue() -> tuple[dict[str, str], dict[str, str]]:
    """Every catalogue query with its parameters at their defaults (`state` as FRA), and the checks."""
    import csv

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
    return runnable, skipped


def stop(server: Server) -> None:
    os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report(results: dict[str, dict[str, Measure]], names: list[str], skipped: dict[str, str], args) -> str:
    ours, rdf, rust = names
    lines = [
        "| query | server | req/s | median ms | p95 ms | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for query, by_server in results.items():
        for name in names:
            m = by_server[name]
            lines.append(
                f"| {query} | {name} | {m.rate:.1f} | {ms(m.percentile(0.5))} | {ms(m.percentile(0.95))} | {m.errors} |"
            )
    lines += [
        "",
        "Ratios (req/s): this endpoint with oxigraph ÷ `oxigraph serve`, and ÷ this endpoint with rdflib.",
        "",
    ]
    lines += ["| query | ÷ oxigraph serve | ÷ rdflib engine | rdflib median ms |", "| --- | ---: | ---: | ---: |"]
    for query, by_server in results.items():
        lines.append(
            f"| {query} | {by_server[ours].rate / by_server[rust].rate:.2f} | "
            f"{by_server[ours].rate / by_server[rdf].rate:.1f} | {ms(by_server[rdf].percentile(0.5))} |"
        )
    totals = {
        name: (sum(r[name].requests for r in results.values()), sum(r[name].seconds for r in results.values()))
        for name in names
    }
    rate = {name: requests / seconds for name, (requests, seconds) in totals.items()}
    lines.append(f"| all queries (requests ÷ time) | {rate[ours] / rate[rust]:.2f} | {rate[ours] / rate[rdf]:.1f} | |")
    if skipped:
        lines += ["", "Skipped: " + "; ".join(f"`{q}` ({why})" for q, why in skipped.items()) + "."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--oxigraph-bin", default=shutil.which("oxigraph"), help="the `oxigraph` CLI (pip install oxigraph)"
    )
    parser.add_argument("--build-dir", default=str(ROOT / "build"))
    parser.add_argument("--requests", type=int, default=200, help="requests per query and server (default 200)")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query and server at most (default 20)")
    parser.add_argument("--out", help="append the table to this Markdown file")
    args = parser.parse_args()
    if not args.oxigraph_bin:
        parser.error("no oxigraph binary: pip install oxigraph (into a separate venv) and pass --oxigraph-bin")
    build_dir = Path(args.build_dir)
    queries, skipped = catalogue()
    servers: list[Server] = []
    try:
        servers = [
            start_ours("oxigraph", build_dir, timeout=120),
            start_ours("rdflib", build_dir, timeout=120),
            start_oxigraph(args.oxigraph_bin, build_dir),
        ]
        names = [s.name for s in servers]
        results: dict[str, dict[str, Measure]] = {}
        for query_name, text in queries.items():
            results[query_name] = {}
            for server in servers:
                measure(server, text, total=CLIENTS, budget=args.budget / 4)  # warm up
                results[query_name][server.name] = measure(server, text, args.requests, args.budget)
                m = results[query_name][server.name]
                print(
                    f"{query_name:50} {server.name:22} {m.rate:8.1f} req/s  median {ms(m.percentile(0.5))} ms",
                    file=sys.stderr,
                )
    finally:
        for server in servers:
            stop(server)
    table = report(results, names, skipped, args)
    print(table)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as handle:
            handle.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
