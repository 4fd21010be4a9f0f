"""Replicas and a rolling update: two `serve` processes behind nginx (docs/deploy/nginx.conf) share one
release folder read-only; a new build goes into a new folder, the `current` symlink is switched, each
replica is reloaded in turn (SIGHUP) while clients keep asking — no request fails, no answer mixes builds.
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import shutil
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from budapest_kg.graph_builder.build import build

from . import expected as ex
from . import servers
from .conftest import copy_inputs, copy_project

ROOT = Path(__file__).resolve().parents[1]

NGINX = shutil.which("nginx") or (shutil.which("nginx", path="/usr/sbin") if Path("/usr/sbin").is_dir() else None)
REQUESTS_PER_CLIENT = 3000  # a bound: the clients stop as soon as the roll is done
PATIENCE = 120  # seconds, for a replica to start or reload on a busy machine (never asserted on)
LEAVING = "VUT"  # the new build drops this State's accession to ETS 185: one Party fewer


def build_without_leaving(root: Path, out: Path) -> None:
    """The project's inputs, less one State's ETS 185 acts, built into out (a new release folder)."""
    copy_project(root)
    acts = root / "data" / "acts.csv"
    with open(acts, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = (
            reader.fieldnames,
            [r for r in reader if not (r["treaty"] == "ETS 185" and r["party"] == LEAVING)],
        )
    with open(acts, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    build(out, copy_inputs(root))


def switch(link: Path, target: Path) -> None:
    """Point the symlink at target in one step (a new link renamed over the old: never missing)."""
    fresh = link.with_name(link.name + ".new")
    fresh.unlink(missing_ok=True)
    fresh.symlink_to(target)
    os.replace(fresh, link)


def replica(folder: Path, current: Path) -> servers.Server:
    port = servers.free_port()
    # Behind one proxy, as docs/deploy.md says: X-Forwarded-For names each client to admission. A request
    # may wait for the one query slot as long as it takes (a reloaded replica's cache is empty, the machine
    # busy): this test is about the roll, not about shedding load (tests/test_serving.py is). Likewise a
    # query gets 60 s, not 5: on a busy machine a 20 ms query once passed 5 s and was stopped with 503, which
    # says nothing of the roll (the time limit has tests of its own).
    command = ["env", "BKG_PROXY_HOPS=1", "BKG_QUEUE_WAIT=60",
               sys.executable, "-m", "budapest_kg", "serve", "--build-dir", str(current),
               "--no-build", "--port", str(port), "--workers", "1", "--timeout", "60"]  # fmt: skip
    server = servers.Server(command, port, folder, folder / f"replica-{port}.log")
    server.query_path = "/sparql"
    return server


def proxy(folder: Path, ports: list[int]) -> servers.Server:
    """nginx with the configuration shipped in docs/, on free loopback ports."""
    if NGINX is None:
        raise RuntimeError("nginx is not installed: apt-get install -y nginx-light (.ci/run installs it)")
    config = (ROOT / "docs" / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    port = servers.free_port()
    for old, new in (("127.0.0.1:8001", ports[0]), ("127.0.0.1:8002", ports[1]), ("127.0.0.1:8080", port)):
        assert old in config
        config = config.replace(old, f"127.0.0.1:{new}")
    for sub in ("logs", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "nginx.conf").write_text(config, encoding="utf-8")
    command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
    server = servers.Server(command, port, folder, folder / "nginx.log")
    server.query_path = "/sparql"
    return server


def fetch(url: str, source: str = "127.0.0.1") -> tuple[int, bytes]:
    """GET from a loopback address of its own (a client of its own to admission, behind the proxy too)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60, source_address=(source, 0))
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = conn.getresponse()
        return response.status, response.read()
    except OSError as exc:  # refused, reset: a failed request all the same
        return 0, str(exc).encode()
    finally:
        conn.close()


def build_of(url: str) -> tuple[str, int]:
    """What one /health answer says: the build's input hash (manifest) and the engine's triple count."""
    status, body = fetch(url + "/health")
    assert status == 200, body[:300]
    health = json.loads(body)
    return health["build"]["input_hash"], health["triples"]


def serving_processes(server: servers.Server) -> set[int]:
    """The replica's serving processes: its own children (Linux /proc), each answering with the build it loaded."""
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children")
    found = {int(child) for child in children.read_text().split()} if children.exists() else set()
    return found or {-1}  # none: not reloaded yet (a replica is never without processes when it is up)


def wait_for(predicate, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {PATIENCE} s")
        time.sleep(0.1)


class Load:
    """Clients asking, through the proxy, for the build's identity and the number of Parties, until stopped."""

    def __init__(self, url: str, clients: int = 3):
        self.url = url
        self.stop = threading.Event()
        self.results: list[tuple[str, int, bytes]] = []
        self.lock = threading.Lock()
        sources = [f"127.0.0.{2 + n}" for n in range(clients)]
        self.threads = [threading.Thread(target=self.run, args=(source,), daemon=True) for source in sources]

    def run(self, source: str) -> None:
        for n in range(REQUESTS_PER_CLIENT):
            if self.stop.is_set():
                return
            path = "/health" if n % 2 else "/queries/party-count?treaty=185&format=json"
            status, body = fetch(self.url + path, source)
            with self.lock:
                self.results.append((path, status, body))

    def count(self) -> int:
        with self.lock:
            return len(self.results)

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=PATIENCE)


def test_rolling_update_behind_nginx_drops_no_request_and_mixes_no_builds(build_dir, tmp_path):
    releases = tmp_path / "releases"
    old, new = releases / "1", releases / "2"
    shutil.copytree(build_dir, old)
    current = tmp_path / "current"
    switch(current, old)
    # Parties today: every State for which ETS 185 entered into force, none denounced it (data/acts.csv).
    assert not ex.acts_of({"denunciation"}, "ETS 185")
    parties = len(ex.parties("ETS 185"))
    assert LEAVING in ex.parties("ETS 185")

    builder = threading.Thread(target=build_without_leaving, args=(tmp_path / "source", new))
    builder.start()  # the new release is built while the replicas start and serve the old one
    with (
        replica(tmp_path, current) as a,
        replica(tmp_path, current) as b,
        proxy(tmp_path / "nginx", [a.port, b.port]) as lb,
    ):
        builds = {build_of(a.url), build_of(b.url)}
        assert len(builds) == 1  # interchangeable: both serve the same release
        with Load(lb.url) as load:
            wait_for(lambda: load.count() >= 30, "30 answers through the proxy")
            builder.join()
            switch(current, new)
            for server in (a, b):  # one replica at a time: the other keeps serving meanwhile
                before = build_of(server.url)
                old = serving_processes(server)
                server.process.send_signal(signal.SIGHUP)
                # A replica is several processes, replaced one at a time: reloaded once none of the old is left.
                wait_for(
                    lambda server=server, old=old, before=before: (
                        serving_processes(server).isdisjoint(old) and build_of(server.url) != before
                    ),
                    "a replica's reload",
                )
            rolled = load.count()
            wait_for(lambda: load.count() >= rolled + 30, "30 more answers after the roll")
        after = {build_of(a.url), build_of(b.url)}

    assert len(after) == 1
    assert after != builds
    failed = [(path, status, body[:200]) for path, status, body in load.results if status != 200]
    assert failed == []
    # Every answer is wholly one build's: the manifest and the engine of one application, never two.
    healths = {(json.loads(b)["build"]["input_hash"], json.loads(b)["triples"]) for p, _, b in load.results
               if p == "/health"}  # fmt: skip
    assert healths <= builds | after
    assert healths == builds | after  # and both builds were seen: the roll happened under load
    counts = [int(json.loads(b)["results"]["bindings"][0]["parties"]["value"]) for p, _, b in load.results
              if p != "/health"]  # fmt: skip
    assert set(counts) == {parties, parties - 1}
    assert set(counts[-10:]) == {parties - 1}  # once rolled, only the new build answers
