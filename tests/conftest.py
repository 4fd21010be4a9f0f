"""Shared fixtures: one real build per session, and a real server on a free loopback port."""

from __future__ import annotations

import csv
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import waitress
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from budapest_kg.graph_builder.build import Inputs, build

from budapest_kg import resources

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory) -> Path:
    """The project's real inputs built once into a temporary folder."""
    out = tmp_path_factory.mktemp("build") / "build"
    build(out, Inputs())
    return out


@pytest.fixture(scope="session")
def acts() -> list[dict[str, str]]:
    """data/acts.csv as plain rows, for computing expected answers independently of the graph."""
    with open(resources.PACKAGED.data_dir / "acts.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A writable copy of the project's inputs (data/, ontology/, queries/) to break on purpose."""
    for name in ("data", "ontology", "queries"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("curation"))
    return tmp_path


def copy_inputs(root: Path) -> Inputs:
    return Inputs(data_dir=root / "data", ontology_dir=root / "ontology", checks_dir=root / "queries" / "checks")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """The real WSGI server (waitress) on a loopback port, in a thread; stopped by the fixture."""

    def __init__(self, app):
        self.port = free_port()
        self.server = waitress.create_server(app, host="127.0.0.1", port=self.port, threads=4)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.closing = False

    def run(self) -> None:
        try:
            self.server.run()
        except OSError:
            # close() from the test thread pulls the sockets from under select(): expected when stopping.
            if not self.closing:
                raise

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        # Let request threads finish before the trigger they signal is closed (else EBADF in a thread).
        self.closing = True
        self.server.task_dispatcher.shutdown()
        self.server.close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session", params=["oxigraph", "rdflib"])
def live_server(request, build_dir) -> Iterator[LiveServer]:
    """A running endpoint over the session's build, once per engine."""
    # A generous query limit: the tests must pass on a busy machine, where rdflib's engine takes seconds
    # over the whole graph (the limits themselves are tested in test_limits.py with their own settings).
    app = create_app(Config.load(build_dir=build_dir, engine=request.param, timeout=30))
    with LiveServer(app) as server:
        yield server
