"""Server-side render time of the site's pages (not a test), in three states of the query cache.

first: the first render after the server starts (labels and class hierarchy not yet read);
uncached: every query run again (the query cache emptied before each render);
cached: the query answers remembered (the graph does not change while the server runs).

Run: python bench/pages.py [BUILD_DIR] [--engine oxigraph|rdflib] [-n 20]
Uses Flask's test client, so the time is the application's own work, without the network.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from budapest_kg.endpoint.lookup import current_lookup

PAGES = (
    "/",
    "/id/treaty/ets-185",
    "/id/treaty/cets-224",
    "/id/state/FRA",
    "/id/state/USA",
    "/id/event/ets-185/FRA/consent/1",
    "/term/Treaty",
    "/query?example=parties",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", nargs="?", default="build", type=Path)
    parser.add_argument("--engine", default="oxigraph")
    parser.add_argument("-n", type=int, default=20)
    args = parser.parse_args()
    print(f"{'page':36} {'first':>8} {'uncached':>18} {'cached':>18}   (ms; median/max of {args.n})")
    for page in PAGES:
        app = create_app(Config.load(build_dir=args.build_dir, engine=args.engine))
        client = app.test_client()
        first = render(client, page)
        with app.app_context():
            lookup = current_lookup()
        uncached = [render(client, page, before=lookup.cache.clear) for _ in range(args.n)]
        cached = [render(client, page) for _ in range(args.n)]
        print(f"{page:36} {first:8.1f} {summary(uncached):>18} {summary(cached):>18}")


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


if __name__ == "__main__":
    main()
