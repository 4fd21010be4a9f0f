"""Shared fixtures: one real build per session; one app per engine over it, served by a real server or
reached through Flask's test client (tests/web.py)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from budapest_kg.graph_builder.build import Inputs, build
from flask import Flask

from budapest_kg import cli, publish, resources

from . import expected, servers
from .web import AppClient, LiveServer

ENGINES = ["oxigraph", "rdflib"]
# The shared apps' time limit is not what their tests check (tests/test_limits.py does, with a query
# that cannot finish): generous, so that a busy machine never turns an answer into a 503.
GENEROUS_TIMEOUT = 600.0


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory) -> Path:
    """The project's real inputs built once into a temporary folder."""
    out = tmp_path_factory.mktemp("build") / "build"
    build(out, Inputs())
    return out


@pytest.fixture(scope="session")
def acts() -> list[dict[str, str]]:
    """data/acts.csv as plain rows (the oracle's), for computing expected answers independently of the graph."""
    return expected.rows("acts.csv")


def copy_project(root: Path) -> Path:
    """A writable copy of the project's inputs (data/, ontology/, queries/) under root."""
    for name, source in (
        ("data", resources.PACKAGED.data_dir),
        ("ontology", resources.PACKAGED.ontology_dir),
        ("queries", resources.PACKAGED.queries_dir),
    ):
        shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("curation", "__pycache__"))
    return root


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A writable copy of the project's inputs to break on purpose."""
    return copy_project(tmp_path)


def write_build(folder: Path, quads: list[str], manifest: dict | None = None) -> Path:
    """A small build folder by hand: N-Quads lines and a manifest (for servers over made-up data)."""
    folder.mkdir(parents=True)
    (folder / resources.GRAPH_FILE).write_text("\n".join(quads) + "\n", encoding="utf-8")
    (folder / resources.MANIFEST_FILE).write_text(json.dumps(manifest or {}), encoding="utf-8")
    return folder


def copy_inputs(root: Path) -> Inputs:
    return Inputs(data_dir=root / "data", ontology_dir=root / "ontology", checks_dir=root / "queries" / "checks")


class Apps:
    """One app per engine over the session's build, made when first asked for; and one live server each."""

    def __init__(self, build_dir: Path):
        self.build_dir = build_dir
        self.apps: dict[str, Flask] = {}
        self.servers: dict[str, LiveServer] = {}

    def app(self, engine: str) -> Flask:
        if engine not in self.apps:
            # One worker process: the real pool path, at half the start-up of the default two (tests run one
            # request at a time on these apps; test_limits has its own pool of two).
            config = Config.load(build_dir=self.build_dir, engine=engine, timeout=GENEROUS_TIMEOUT, workers=1)
            self.apps[engine] = create_app(config)
        return self.apps[engine]

    def server(self, engine: str) -> LiveServer:
        if engine not in self.servers:
            self.servers[engine] = LiveServer(self.app(engine)).__enter__()
        return self.servers[engine]

    def close(self) -> None:
        for server in self.servers.values():
            server.__exit__(None, None, None)
        for app in self.apps.values():
            close_engine(app)


def close_engine(app: Flask) -> None:
    """Stop the app's worker processes, if it has any."""
    close = getattr(app.extensions["bkg_engine"], "close", None)
    if close:
        close()


@pytest.fixture(scope="session")
def apps(build_dir) -> Iterator[Apps]:
    made = Apps(build_dir)
    yield made
    made.close()


@pytest.fixture(scope="session", params=ENGINES)
def engine_name(request) -> str:
    return request.param


@pytest.fixture(scope="session", params=[*ENGINES, "remote"])
def live_server(request, apps) -> LiveServer:
    """A running endpoint on a loopback port over the session's build, once per engine: the two
    in-process ones, and the remote engine over `oxigraph serve` holding the published build."""
    if request.param == "remote" and "remote" not in apps.apps:
        store = request.getfixturevalue("oxigraph_store")
        config = Config.load(build_dir=apps.build_dir, remote=store.query_url, timeout=GENEROUS_TIMEOUT)
        apps.apps["remote"] = create_app(config)
    return apps.server(request.param)


@pytest.fixture(scope="session")
def client(apps, engine_name) -> AppClient:
    """The same app as live_server, through Flask's test client (no socket), once per engine."""
    return AppClient(apps.app(engine_name))


def run_command(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m budapest_kg ARGS` as a user runs it: a subprocess, its exit code, stdout and stderr."""
    return subprocess.run(
        [sys.executable, "-m", "budapest_kg", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def call_command(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The same command line run in this process (no interpreter start-up): for the many error cases.

    Only for commands that end by themselves (never `serve` with a valid configuration).
    """
    out, err = (io.TextIOWrapper(io.BytesIO(), encoding="utf-8") for _ in range(2))  # the CLI writes bytes too
    with mock.patch.dict(os.environ, env or {}), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as stop:  # argparse's usage errors and --help
            code = stop.code if isinstance(stop.code, int) else 2
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("utf-8"))
    return subprocess.CompletedProcess(list(args), code, *texts)


@pytest.fixture(scope="session")
def oxigraph_store(build_dir, tmp_path_factory) -> Iterator[servers.Server]:
    """`oxigraph serve` (PyPI) on a loopback port, with the session's build published into it."""
    with servers.oxigraph(tmp_path_factory.mktemp("oxigraph")) as server:
        publish.publish(build_dir, publish.Target(server.store_url, server.query_url))
        yield server


@pytest.fixture(scope="session")
def virtuoso_store(build_dir, tmp_path_factory) -> Iterator[servers.Virtuoso]:
    """Virtuoso Open Source (Debian) on loopback ports, with the session's build published into it."""
    with servers.virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        target = publish.Target(server.store_url, server.query_url, server.user, server.password)
        publish.publish(build_dir, target)
        yield server
