"""Real SPARQL servers for the tests, started on free loopback ports and stopped by them.

- ``oxigraph serve`` / ``serve-read-only`` from the PyPI package ``oxigraph`` (the test extra);
- Virtuoso Open Source from Debian's ``virtuoso-opensource-7-bin`` (``.ci/run`` installs it), with a
  virtuoso.ini written here into a temporary folder: loopback ports only, the database in that folder.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
VIRTUOSO = shutil.which("virtuoso-t")
START_SECONDS = 60  # generous: the machine may be busy; a server that is up answers at once

VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DirsAllowed = .
NumberOfBuffers = 4000
MaxDirtyBuffers = 3000
CheckpointInterval = 0
ServerThreads = 8

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
ServerThreads = 8
MaxClientConnections = 8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server process on a loopback port; a context manager that waits until it answers SPARQL."""

    query_path = "/query"
    store_path = "/store"

    def __init__(self, command: list[str], port: int, cwd: Path, log: Path):
        self.command, self.port, self.cwd, self.log = command, port, cwd, log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.url + self.query_path

    @property
    def store_url(self) -> str:
        return self.url + self.store_path

    def __enter__(self) -> Server:
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(self.command, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT)
        self.wait_until_up()
        return self

    def wait_until_up(self) -> None:
        probe = self.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[0]} exited with {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(probe, timeout=2) as response:
                    if response.status == 200:
                        return
            except urllib.error.HTTPError as exc:  # e.g. 502 from a proxy whose upstream is not up yet
                exc.close()  # it holds the connection
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"{self.command[0]} did not answer on port {self.port} within {START_SECONDS} s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def oxigraph(folder: Path, *, read_only_store: Path | None = None) -> Server:
    """``oxigraph serve`` in memory, or ``serve-read-only`` over an existing on-disk store."""
    if OXIGRAPH is None:
        raise RuntimeError("the oxigraph command is missing: pip install -e '.[test]' installs it")
    port = free_port()
    command = [OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}"]
    if read_only_store is not None:
        command = [OXIGRAPH, "serve-read-only", "--location", str(read_only_store), "--bind", f"127.0.0.1:{port}"]
    folder.mkdir(parents=True, exist_ok=True)
    return Server(command, port, folder, folder / "oxigraph.log")


class Virtuoso(Server):
    query_path = "/sparql"
    store_path = "/sparql-graph-crud-auth"  # Graph Store writes need Digest authentication here
    user = password = "dba"  # the fresh database's administrator; reachable from loopback only


def virtuoso(folder: Path) -> Virtuoso:
    if VIRTUOSO is None:
        raise RuntimeError(
            "Virtuoso is not installed: apt-get install -y virtuoso-opensource-7-bin (.ci/run installs it)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(sql_port=sql_port, http_port=http_port))
    return Virtuoso([VIRTUOSO, "-f", "-c", "virtuoso.ini"], http_port, folder, folder / "stdout.log")
