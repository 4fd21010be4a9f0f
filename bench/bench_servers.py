"""The servers the endpoint benchmark compares, started side by side on free loopback ports."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    name: str
    port: int
    path: str
    process: subprocess.Popen
    started_in: float = field(default=0.0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int, path: str) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("POST", path, urllib.parse.urlencode({"query": "ASK {}"}),
                     {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status == 200
    except OSError:
        return False


def launch(name: str, path: str, command: list[str], env: dict[str, str] | None = None, seconds: float = 300) -> Server:
    """Start a server and wait for its first answer to ASK {}; started_in is the time from spawn to that answer."""
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in command]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = started + seconds
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}: {' '.join(command)}")
        if answers(port, path):
            return Server(name, port, path, process, time.perf_counter() - started)
        time.sleep(0.02)
    raise RuntimeError(f"{name} did not answer within {seconds} s")


def ours(name: str, cache: bool):
    def start(args) -> Server:
        command = [sys.executable, "-m", "budapest_kg", "serve", "--port", "{port}", "--build-dir", str(args.build_dir)]
        command += ["--timeout", "300", "--no-build"]  # the peers stop no query either; the build as given
        if args.processes:
            command += ["--processes", str(args.processes)]
        return launch(name, "/sparql", command, env={} if cache else {"BKG_CACHE_BYTES": "0"})

    return start


def oxigraph(args) -> Server:
    command = [str(args.peers / "bin" / "oxigraph"), "serve-read-only", "--location", str(args.build_dir / "store")]
    command += ["--union-default-graph", "--bind", "127.0.0.1:{port}"]
    return launch("oxigraph serve-read-only", "/query", command)


def rdflib_endpoint(args) -> Server:
    command = [str(args.peers / "bin" / "rdflib-endpoint"), "serve", str(args.build_dir / "graph.nq")]
    command += ["--host", "127.0.0.1", "--port", "{port}"]
    return launch("rdflib-endpoint", "/", command)  # its SPARQL endpoint is at the root


def floor(args) -> Server:
    """bench/floor_app.py under Granian, as many processes as budapest-kg serves with: the per-request floor."""
    processes = args.processes or os.cpu_count() or 1
    command = [sys.executable, "-m", "granian", "--interface", "rsgi", "--host", "127.0.0.1", "--port", "{port}"]
    command += ["--workers", str(processes), "--working-dir", str(ROOT / "bench"), "floor_app:app"]
    return launch("empty RSGI app (Granian)", "/", command)


SERVERS = (ours("budapest-kg", cache=False), ours("budapest-kg (cache)", cache=True), oxigraph, rdflib_endpoint)


def start_all(starters, args) -> list[Server]:
    servers: list[Server] = []
    try:
        for start in starters:
            servers.append(start(args))
    except BaseException:
        stop_all(servers)
        raise
    return servers


def stop_all(servers: list[Server]) -> None:
    for server in servers:
        try:
            os.killpg(server.process.pid, signal.SIGTERM)
            server.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.process.pid, signal.SIGKILL)


def tree(pid: int) -> list[int]:
    """pid and all its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        children = Path(f"/proc/{current}/task/{current}/children")
        if children.exists():
            todo += [int(child) for child in children.read_text().split()]
    return found


def tree_rss(pid: int) -> int:
    """Bytes resident in memory over a process and its descendants."""
    total = 0
    for member in tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total
