"""Start to first answer (not a test): `budapest-kg serve --no-build` started N times on an existing build.

Each run spawns the server, sends `ASK {}` to /sparql (URL-encoded POST) every 20 ms, and takes the time
from spawn to the first 200 answer; then stops the server's whole process group before the next run.

    python bench/start.py [--build-dir build] [-n 5] [--processes N] [--write docs/endpoint-performance.md]

With --write the table replaces the one between the `start` markers of that Markdown file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
from pathlib import Path

from bench_servers import ours, stop_all
from endpoint_bench import write_between_markers

ROOT = Path(__file__).resolve().parent.parent


def loads() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("-n", type=int, default=5, help="starts (default 5)")
    parser.add_argument("--processes", type=int, default=None, help="serving processes (default: one per core)")
    parser.add_argument("--write", type=Path, help="replace the table between the start markers of this Markdown file")
    args = parser.parse_args()
    load_before = loads()
    start = ours("budapest-kg", cache=True)
    times = []
    for _ in range(args.n):
        server = start(args)
        times.append(server.started_in)
        stop_all([server])
        print(f"start to first answer: {server.started_in:.3f} s", file=sys.stderr)
    command = f"python bench/start.py -n {args.n}" + (f" --processes {args.processes}" if args.processes else "")
    table = "\n".join(
        [
            f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores, Python"
            f" {platform.python_version()}; load average before / after: {load_before} / {loads()}.",
            f"`{command}` (`budapest-kg serve --no-build` on {args.build_dir.name}/, ASK {{}} on /sparql).",
            "",
            "| starts | median, s | max, s | min, s |",
            "| ---: | ---: | ---: | ---: |",
            f"| {args.n} | {statistics.median(times):.2f} | {max(times):.2f} | {min(times):.2f} |",
        ]
    )
    print(table)
    if args.write:
        write_between_markers(args.write, table + "\n", marker="start")
    return 0


if __name__ == "__main__":
    sys.exit(main())
