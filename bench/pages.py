"""Server-side render time of every kind of page the site has (not a test), in three states of the caches.

first: the first render after the app starts (its tables of labels and classes read in the background
meanwhile, as a serving process does);
then, once every query worker has its copy of the store in memory (a serving process's steady state;
until then they answer from the store on disk, 2-5 times slower on heavy queries):
uncached: every query run again (the app's one byte-bounded cache emptied before each render: no
query answer, chart or page part kept). What the app reads once per build (labels, the class
hierarchy, the terms in use, the treaties' series numbers, the membership periods, ...) stays read:
it is rebuilt with each build, not per request;
cached: the query answers remembered (the graph does not change while the server runs).

Run: python bench/pages.py [BUILD_DIR] [--engine oxigraph|rdflib] [-n 20] [--only REGEX]
     [--write docs/endpoint-performance.md]
Uses Flask's test client, so the time is the application's own work, without the network.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from budapest_kg.endpoint.lookup import current_lookup
from endpoint_bench import write_between_markers

ROOT = Path(__file__).resolve().parent.parent
# One page of each kind (two where a kind's pages differ much in size), and what it is.
PAGES = (
    ("/", "home"),
    ("/id/treaty/ets-185", "treaty (the Convention: most Parties, articles, events)"),
    ("/id/treaty/cets-224", "treaty (Second Protocol)"),
    ("/id/treaty/ets-185?sort=name&order=desc", "treaty, Parties sorted by another column"),
    ("/id/treaty/ets-185/article/2", "article"),
    ("/id/state/FRA", "State"),
    ("/id/state/USA", "State (non-member of the Council of Europe)"),
    ("/id/organisation/european-union", "organisation"),
    ("/id/event/ets-185/FRA/consent/1", "event"),
    ("/term/Treaty", "ontology term"),
    ("/ontology", "ontology"),
    ("/graph/provenance", "named graph"),
    ("/queries", "query catalogue"),
    ("/queries/parties", "named query's answer as a page"),
    ("/query", "query editor"),
    ("/query?example=parties", "query editor with an example's answer"),
    ("/regimes", "the two regimes compared, with the map"),
    ("/charts/parties/id/treaty/ets-185.svg", "chart of Parties over time (SVG)"),
    ("/charts/regimes.svg", "map of the regimes (SVG)"),
)
TARGET_MS = 50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", nargs="?", default=ROOT / "build", type=Path)
    parser.add_argument("--engine", default="oxigraph")
    parser.add_argument("-n", type=int, default=20, help="renders per page and state (default 20)")
    parser.add_argument("--only", default=None, help="a regular expression: measure only the pages it matches")
    parser.add_argument("--write", type=Path, help="replace the table between the pages markers of this Markdown file")
    args = parser.parse_args()
    pages = [(path, kind) for path, kind in PAGES if not args.only or re.search(args.only, path)]
    load_before = load()
    started = dt.datetime.now(dt.UTC)
    print(f"{'page':44} {'first':>8} {'uncached':>14} {'cached':>14}   (ms; median/max of {args.n})")
    rows = []
    for path, kind in pages:
        first, uncached, cached = measure(args, path)
        rows.append((path, kind, first, uncached, cached))
        print(f"{path:44} {first:8.1f} {summary(uncached):>14} {summary(cached):>14}", flush=True)
    table = report(rows, args, started, load_before, load())
    if args.write:
        write_between_markers(args.write, table, marker="pages")
        print(f"written to {args.write}")
    return 0


def measure(args, path: str) -> tuple[float, list[float], list[float]]:
    """First render of a fresh app, then n renders with the cache emptied before each, then n with it full."""
    app = create_app(Config.load(build_dir=args.build_dir, engine=args.engine))
    client = app.test_client()
    first = render(client, path)
    with app.app_context():
        lookup = current_lookup()
    wait_for_memory(app.extensions["bkg_engine"])
    uncached = [render(client, path, before=lookup.cache.clear) for _ in range(args.n)]
    cached = [render(client, path) for _ in range(args.n)]
    app.extensions["bkg_engine"].close()
    return first, uncached, cached


def wait_for_memory(engine, timeout: float = 60.0) -> None:
    """Until every query worker says its copy of the store is in memory (it says so with its answers)."""
    pool = getattr(engine, "engine", engine)  # the admission gate wraps the pool
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = list(getattr(pool, "_workers", ()))
        if workers and all(worker.settled for worker in workers):
            return
        for _ in workers:
            pool.query("ASK {}")  # straight to a worker, past the app's cache
        time.sleep(0.2)
    print(f"  (the query workers did not say they were in memory within {timeout:g} s)", file=sys.stderr)


def render(client, page: str, before=None) -> float:
    if before:
        before()
    start = time.perf_counter()
    response = client.get(page, headers={"Accept": "text/html"})
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (page, response.status_code)
    return elapsed


def summary(times: list[float]) -> str:
    return f"{statistics.median(times):.1f}/{max(times):.1f}"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def report(rows, args, started: dt.datetime, load_before: str, load_after: str) -> str:
    over = [path for path, _, _, uncached, _ in rows if statistics.median(uncached) > TARGET_MS]
    lines = [
        f"`python bench/pages.py -n {args.n}{' --engine ' + args.engine if args.engine != 'oxigraph' else ''}"
        f" --write docs/endpoint-performance.md` on {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}; load average (1, 5, 15 min) {load_before} before,"
        f" {load_after} after. Milliseconds, median/max of {args.n} renders; target: uncached median"
        f" ≤ {TARGET_MS} ms ({'met on every page' if not over else 'over on ' + ', '.join(over)}).",
        "",
        "| page | kind | first | uncached | cached |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for path, kind, first, uncached, cached in rows:
        lines.append(f"| `{path}` | {kind} | {first:.1f} | {summary(uncached)} | {summary(cached)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
