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
    # Serving: processes (each with its own query workers, admission and cache; default one per core)
    # and, in each, threads answering requests while the HTTP server's event loop handles the sockets.
    # 0 threads: as many as the query slots and the queue can hold, and 2 more (8 by default), so that
    # a request waiting for a slot always holds a thread and admission, not a thread pool, queues it.
    processes: int = field(default_factory=default_processes)
    threads: int = 0
    # HTTP caching: bytes each serving process keeps (0: none) in its one cache (endpoint/cache.py:
    # query answers, compressed bodies, what the pages asked; keys counted too; an answer over an
    # eighth of it is not kept), and the max-age clients get.
    cache_bytes: int = 64_000_000
    max_age: int = 600
    # Query limits: seconds per query (the worker running it is killed after), query worker processes
    # per serving process (each opens the build's store read-only; as many as threads, so that a
    # runaway query holds up no other request), and the largest answer sent (bytes; never truncated).
    timeout: float = 5.0
    workers: int = 2
    # Whether a serving process answers the query texts its workers showed cheap itself (inline.py), from
    # a copy of the build of its own: faster light queries, one more copy of the store per process.
    in_process_answers: bool = True
    max_result_bytes: int = 20_000_000
    # How deep brackets may nest in a query (checked before any engine parses it). The catalogue's
    # deepest query nests 10; rdflib's parser fails from about 20 (pyoxigraph's crashes far deeper).
    max_nesting: int = 16
    # Bytes a query may add to its worker's resident memory (above the loaded build) before the worker
    # is killed (503). A worker holding the 18k-quad build is ~150 MB; 2 workers x (150 MB + 512 MB)
    # stay far inside this 2-core, 24 GB machine shared with other services.
    max_query_memory: int = 512_000_000
    # Admission: a request asking the engine takes one of `workers` query slots; queue_size more may wait
    # for one, each at most queue_wait seconds (then 503); one client (by address) may hold client_share
    # of the slots, waiting included (then 429). proxy_hops: reverse proxies in front whose
    # X-Forwarded-For names the client (0: the connecting address is the client).
    queue_size: int = 4
    queue_wait: float = 1.0
    client_share: float = 0.5
    proxy_hops: int = 0
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
        if self.threads < 0:
            raise ConfigError("BKG_THREADS must be 0 (as many as the query slots and queue need) or more threads")
        if self.workers < 0:
            raise ConfigError("BKG_WORKERS must be 0 (no worker processes, no time limit) or more")
        if self.max_result_bytes <= 0:
            raise ConfigError("BKG_MAX_RESULT_BYTES must be a positive number of bytes")
        if self.queue_size < 0:
            raise ConfigError("BKG_QUEUE_SIZE must be 0 or more requests")
        if self.queue_wait <= 0:
            raise ConfigError("BKG_QUEUE_WAIT must be a positive number of seconds")
        if not 0 < self.client_share <= 1:
            raise ConfigError("BKG_CLIENT_SHARE must be a share of the query slots, above 0 and at most 1")
        if self.proxy_hops < 0:
            raise ConfigError("BKG_PROXY_HOPS must be 0 (no proxy in front) or the number of proxies")
        if self.max_query_memory <= 0:
            raise ConfigError("BKG_MAX_QUERY_MEMORY must be a positive number of bytes")
        if self.max_nesting <= 0:
            raise ConfigError("BKG_MAX_NESTING must be a positive number of bracket levels")
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

    def check_serving(self) -> None:
        """What serving over HTTP needs on top of validate(): worker processes, and threads to spare."""
        if self.workers < 1 and not self.remote:
            raise ConfigError(
                "BKG_WORKERS must be at least 1 to serve: queries run in worker processes so that a query that"
                " crashes the engine, runs away or eats memory stops its worker, never the server"
            )
        needed = self.query_slots + self.queue_size + 2
        if 0 < self.threads < needed:
            raise ConfigError(
                f"--threads {self.threads} is too few: {self.query_slots} query slots and {self.queue_size} waiting"
                f" (BKG_QUEUE_SIZE) need {needed}: requests wait in admission (503 at once), not for a thread"
            )

    @property
    def request_threads(self) -> int:
        """Threads per serving process: as set, or (0) as many as the query slots and the queue need, and 2."""
        return self.threads or self.query_slots + self.queue_size + 2

    @property
    def query_slots(self) -> int:
        """Requests that may use the engine at once: one per worker (one when queries run in this process)."""
        return max(1, self.workers)

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
    if kind in ("bool", bool):
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in ("1", "true", "yes", "on"):
            return True
        if word in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"BKG_{name.upper()}: {value!r} is not 1/0, true/false, yes/no or on/off")
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
