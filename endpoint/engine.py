"""The query engine behind the endpoint: one interface, in this process or in a pool of workers.

Either engine (local.py) runs in this process (the CLI) or in a pool of worker processes that can be
killed when a query runs past the time limit (the server; worker.py). The views only see
:class:`Engine` and :class:`~.answer.Answer`; which engine runs, and where, is chosen here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from .answer import Answer
from .local import ENGINES, open_local
from .worker import WorkerPool


class Engine(Protocol):
    name: str

    def query(
        self,
        sparql: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        capped: bool = True,
    ) -> Answer:
        """Answer a query. capped=False lifts the result-size limit and gives the query a minute instead of
        the client's time limit: for the site's own lookups only, whose cost the data bounds."""

    def graph_names(self) -> list[str]: ...

    def __len__(self) -> int: ...


def open_engine(
    name: str,
    build_dir: Path,
    *,
    workers: int = 0,
    timeout: float | None = None,
    allowlist: Iterable[str] = (),
    max_result_bytes: int | None = None,
    service_timeout: float | None = None,
    max_query_memory: int | None = None,
    expected: dict | None = None,
    fork: bool = False,
    remote: str | None = None,
) -> Engine:
    """The named engine over build_dir: in this process, or (workers > 0) in a pool of worker processes
    where a query past `timeout` seconds, or growing its worker by more than `max_query_memory` bytes,
    is stopped by killing its worker. `expected`: the recorded fingerprints of the graph and store files,
    checked by each worker before it loads them (replacements too load the build verified, or nothing). With
    `remote` (a SPARQL query address), no build is loaded: every query goes to that endpoint and `timeout`
    is the client's."""
    if remote:
        from .remote import RemoteEngine  # httpx: imported only by a server that asks a remote store

        return RemoteEngine(remote, timeout=timeout or 5.0, allowlist=allowlist, max_result_bytes=max_result_bytes)
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    if workers <= 0:
        return open_local(name, build_dir, allowlist, max_result_bytes)  # create_app verified the files just now
    return WorkerPool(
        name,
        build_dir,
        size=workers,
        timeout=timeout,
        allowlist=allowlist,
        max_result_bytes=max_result_bytes,
        service_timeout=service_timeout,
        max_query_memory=max_query_memory,
        expected=expected,
        fork=fork,
    )
