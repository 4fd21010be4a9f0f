"""Endpoint configuration: defaults, then BKG_* environment variables, then explicit arguments."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from budapest_kg import namespaces

from .local import ENGINES


def default_processes() -> int:
    """One serving process per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class ConfigError(ValueError):
    """A configuration value is invalid; the message names it."""


@dataclass(frozen=True)
class Config:
    build_dir: Path = Path("build")  # BKG_BUILD_DIR, as everywhere (budapest_kg.resources)
    engine: str = "oxigraph"
    max_body_bytes: int = 1_000_000
    # Serving: processes (each with its own query workers and caches; default one per core) and, in
    # each, threads answering requests while the HTTP server's event loop handles the sockets.
    processes: int = field(default_factory=default_processes)
    threads: int = 2
    # HTTP caching: bytes of answers each serving process keeps (0: none), and the max-age clients get.
    cache_bytes: int = 64_000_000
    max_age: int = 600
    # Query limits: seconds per query (the worker running it is killed after), query worker processes
    # per serving process (each opens the build's store read-only; as many as threads, so that a
    # runaway query holds up no other request), and the largest answer sent (bytes; never truncated).
    timeout: float = 5.0
    workers: int = 2
    max_result_bytes: int = 20_000_000
    # SERVICE goes only to these endpoint IRIs (space-separated; none by default), each call bounded.
    service_allowlist: str = ""
    service_timeout: float = 10.0
    # A SPARQL query address to serve from instead of the build (the remote engine; `timeout` is then
    # the client's time limit, and no worker process runs). Empty: serve the build in this process.
    remote: str = ""

    @classmethod
    def load(cls, **overrides) -> Config:
        """Defaults, then BKG_<NAME> from the environment, then overrides; validated."""
        values = {}
        for setting in fields(cls):
            env = os.environ.get(f"BKG_{setting.name.upper()}")
            if env is not None:
                values[setting.name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        config = replace(cls(), **{k: _coerce(cls, k, v) for k, v in values.items()})
        config.validate()
        return config

    def validate(self) -> None:
        if self.engine not in ENGINES:
            raise ConfigError(f"BKG_ENGINE: unknown engine {self.engine!r}; choose one of {', '.join(ENGINES)}")
        if self.max_body_bytes <= 0:
            raise ConfigError("BKG_MAX_BODY_BYTES must be a positive number of bytes")
        if self.cache_bytes < 0:
            raise ConfigError("BKG_CACHE_BYTES must be 0 (no result cache) or a number of bytes")
        if self.max_age < 0:
            raise ConfigError("BKG_MAX_AGE must be 0 or more seconds")
        if self.timeout <= 0:
            raise ConfigError("BKG_TIMEOUT must be a positive number of seconds")
        if self.processes < 1:
            raise ConfigError("BKG_PROCESSES must be 1 or more serving processes")
        if self.threads < 1:
            raise ConfigError("BKG_THREADS must be 1 or more threads per serving process")
        if self.workers < 0:
            raise ConfigError("BKG_WORKERS must be 0 (no worker processes, no time limit) or more")
        if self.max_result_bytes <= 0:
            raise ConfigError("BKG_MAX_RESULT_BYTES must be a positive number of bytes")
        if self.service_timeout <= 0:
            raise ConfigError("BKG_SERVICE_TIMEOUT must be a positive number of seconds")
        if self.remote and not self.remote.startswith(("http://", "https://")):
            raise ConfigError(f"BKG_REMOTE: {self.remote!r} is not an http(s) SPARQL query address")
        for iri in self.allowlist:
            if not iri.startswith(("http://", "https://")):
                raise ConfigError(f"BKG_SERVICE_ALLOWLIST: {iri!r} is not an http(s) endpoint IRI")
        try:
            namespaces.check_base(namespaces.BASE)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc

    @property
    def time_limited(self) -> bool:
        """Whether a query is stopped at `timeout`: in a worker pool, or by the remote engine's client."""
        return self.workers > 0 or bool(self.remote)

    @property
    def allowlist(self) -> frozenset[str]:
        """The SERVICE endpoints a query may call."""
        return frozenset(self.service_allowlist.split())

    def as_environment(self) -> dict[str, str]:
        """BKG_<NAME> for every setting: how the serving processes, made by the HTTP server, get this config."""
        return {f"BKG_{f.name.upper()}": str(getattr(self, f.name)) for f in fields(self)}


def _coerce(cls, name: str, value):
    kind = {f.name: f.type for f in fields(cls)}.get(name)
    if kind is None:
        raise ConfigError(f"unknown setting {name!r}")
    try:
        if kind in ("int", int):
            return int(value)
        if kind in ("float", float):
            return float(value)
        if kind in ("Path", Path):
            return Path(value)
        return str(value)
    except ValueError as exc:
        raise ConfigError(f"BKG_{name.upper()}: {value!r} is not a valid {kind}") from exc
