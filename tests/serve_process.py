"""`budapest-kg serve` as a user starts it: a child process on a free loopback port, stopped by the test."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .servers import free_port

START_SECONDS = 120  # a generous bound for a busy machine; the start itself is measured in bench/


class ServeProcess:
    """The real command with the real server (Granian, several processes); `url`, `pid` and `children()`."""

    def __init__(self, build_dir: Path, *args: str, env: dict[str, str] | None = None):
        self.port = free_port()
        command = [sys.executable, "-m", "budapest_kg", "serve", "--build-dir", str(build_dir)]
        command += ["--host", "127.0.0.1", "--port", str(self.port), *args]
        self.process = subprocess.Popen(
            command,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def children(self) -> list[int]:
        """The serving processes: the server's own children (Linux /proc)."""
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return sorted(int(pid) for pid in path.read_text().split()) if path.exists() else []

    def health(self, timeout: float = 10) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", "/health")
            response = conn.getresponse()
            assert response.status == 200
            return json.loads(response.read())
        finally:
            conn.close()

    def wait_until_up(self, processes: int) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with {self.process.returncode}: {self.process.stdout.read()}")
            try:
                self.health(timeout=5)
                if len(self.children()) >= processes:
                    return
            except (OSError, AssertionError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"serve did not answer on {self.url} within {START_SECONDS} s")

    def stop(self) -> str:
        """Stop the whole process group; the server's output."""
        if self.process.poll() is None:
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.stdout.read()
