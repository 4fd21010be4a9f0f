"""Endpoint configuration: defaults, then BKG_* environment variables, then explicit arguments."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from budapest_kg import namespaces

from .local import ENGINES


class ConfigError(ValueError):
    """A configuration value is invalid; the message names it."""


@dataclass(frozen=True)
class Config:
    build_dir: Path = Path("build")  # BKG_BUILD_DIR, as everywhere (budapest_kg.resources)
    engine: str = "oxigraph"
    max_body_bytes: int = 1_000_000
    # Query limits: seconds per query (the worker running it is killed after), worker processes
    # (each holds the whole store), and the largest answer sent (bytes; never truncated silently).
    timeout: float = 5.0
    workers: int = 2
    max_result_bytes: int = 20_000_000
    # How deep brackets may nest in a query (checked before any engine parses it). The catalogue's
    # deepest query nests 10; rdflib's parser fails from about 20 (pyoxigraph's crashes far deeper).
    max_nesting: int = 16
    # Bytes of query answers the pages keep (keys counted too): every one of the 973 resource pages of
    # the 1x build visited once left 3,954 entries in 9 MB.
    page_cache_bytes: int = 32_000_000
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

    @classmethod
    def load(cls, **overrides) -> Config:
        """Defaults, then BKG_<NAME> from the environment, then overrides; validated."""
        values = {}
        for field in fields(cls):
            env = os.environ.get(f"BKG_{field.name.upper()}")
            if env is not None:
                values[field.name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        config = replace(cls(), **{k: _coerce(cls, k, v) for k, v in values.items()})
        config.validate()
        return config

    def validate(self) -> None:
        if self.engine not in ENGINES:
            raise ConfigError(f"BKG_ENGINE: unknown engine {self.engine!r}; choose one of {', '.join(ENGINES)}")
        if self.max_body_bytes <= 0:
            raise ConfigError("BKG_MAX_BODY_BYTES must be a positive number of bytes")
        if self.timeout <= 0:
            raise ConfigError("BKG_TIMEOUT must be a positive number of seconds")
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
        if self.page_cache_bytes < 0:
            raise ConfigError("BKG_PAGE_CACHE_BYTES must be 0 (no cache) or a number of bytes")
        if self.max_nesting <= 0:
            raise ConfigError("BKG_MAX_NESTING must be a positive number of bracket levels")
        if self.service_timeout <= 0:
            raise ConfigError("BKG_SERVICE_TIMEOUT must be a positive number of seconds")
        for iri in self.allowlist:
            if not iri.startswith(("http://", "https://")):
                raise ConfigError(f"BKG_SERVICE_ALLOWLIST: {iri!r} is not an http(s) endpoint IRI")
        try:
            namespaces.check_base(namespaces.BASE)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc

    def check_serving(self, threads: int) -> None:
        """What serving over HTTP needs on top of validate(): worker processes, and threads to spare."""
        if self.workers < 1:
            raise ConfigError(
                "BKG_WORKERS must be at least 1 to serve: queries run in worker processes so that a query that"
                " crashes the engine, runs away or eats memory stops its worker, never the server"
            )
        needed = self.query_slots + self.queue_size + 2
        if threads < needed:
            raise ConfigError(
                f"--threads {threads} is too few: {self.query_slots} query slots and {self.queue_size} waiting"
                f" (BKG_QUEUE_SIZE) need {needed}, so that /health and cached pages always find a free thread"
            )

    @property
    def query_slots(self) -> int:
        """Requests that may use the engine at once: one per worker (one when queries run in this process)."""
        return max(1, self.workers)

    @property
    def allowlist(self) -> frozenset[str]:
        """The SERVICE endpoints a query may call."""
        return frozenset(self.service_allowlist.split())


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
