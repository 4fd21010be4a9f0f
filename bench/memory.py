"""Memory (not a test): the resident size of each server's processes over a build, after a few queries.

RSS of all of a server's processes, added up (shared pages counted in each process, as `ps` does),
and PSS (each shared page divided among the processes sharing it: what the server costs the machine).

    python bench/memory.py --peers /tmp/benchvenv [--build-dir build] [--skip rdflib-endpoint]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench_servers import SERVERS, start_all, stop_all, tree, tree_rss
from endpoint_bench import GENERIC, Clients

ROOT = Path(__file__).resolve().parent.parent


def tree_pss(pid: int) -> int:
    total = 0
    for member in tree(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", required=True, type=Path)
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--skip", nargs="*", default=[], help="server names to leave out")
    args = parser.parse_args()
    # A starter's function name spells the server's name with "_" for "-" (rdflib_endpoint).
    skipped = [name.replace("-", "_") for name in args.skip]
    starters = [s for s in SERVERS if all(skip not in getattr(s, "__name__", "") for skip in skipped)]
    servers = start_all(starters, args)
    clients = Clients(4)
    try:
        for server in servers:
            for query in GENERIC.values():
                clients.run(server, query, keep=True, requests=8, budget=30)
        rows = [(s.name, s.started_in, tree_rss(s.process.pid), tree_pss(s.process.pid), len(tree(s.process.pid)))
                for s in servers]  # fmt: skip
    finally:
        clients.close()
        stop_all(servers)
    print(f"build: {args.build_dir}")
    print("| server | processes | start to first answer, s | RSS, MB | PSS, MB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, started, rss, pss, count in rows:
        print(f"| {name} | {count} | {started:.2f} | {rss / 1e6:.0f} | {pss / 1e6:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
