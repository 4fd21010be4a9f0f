"""The two query engines that run in this process, over the build loaded once.

``oxigraph`` (default): pyoxigraph's in-process store. ``rdflib``: rdflib's SPARQL engine over an
in-memory Dataset; the reference for semantics. Client faults become the exceptions of faults.py;
anything else the engine raises is left to propagate as the internal fault it is.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from budapest_kg import artefacts, resources

from .answer import Answer, Kind
from .faults import QueryError, QueryTooDeep, RemoteFailure
from .guard import check_dataset, check_query, parse_query, refuse_update
from .limits import CappedBuffer, cap

ENGINES = ("oxigraph", "rdflib")
log = logging.getLogger(__name__)
COPY_DELAY_SECONDS = 1.0


class BuildChanged(OSError):
    """The build's graph file is no longer the one that was verified (rebuilt, cut, overwritten)."""


class LocalEngine:
    """What both in-process engines share: the graphs they hold, their size and the limits they apply."""

    name = ""

    def __init__(self, graphs: Iterable[str], size: int, allowlist: Iterable[str], max_result_bytes: int | None):
        self._graphs = sorted(graphs)
        self._held = set(self._graphs)
        self._size = size
        self.allowlist = frozenset(allowlist)
        self.max_result_bytes = max_result_bytes

    def graph_names(self) -> list[str]:
        return list(self._graphs)

    def __len__(self) -> int:
        return self._size

    def check(self, sparql: str, default_graphs: list[str] | None, named_graphs: list[str] | None) -> None:
        """Refuse unknown dataset graphs, SERVICE off the allow-list and updates before the engine runs."""
        check_dataset(default_graphs, named_graphs, self._held)
        check_query(sparql, self._held, self.allowlist)


class OxigraphEngine(LocalEngine):
    """pyoxigraph over the build: its on-disk store opened read-only (a folder) or N-Quads loaded into memory
    (a file). The default graph is the union of the named graphs.

    With `copy` (the build's N-Quads) the on-disk store answers at once while a copy is loaded into
    memory in the background, and answers from then on: measured at 1x, heavy queries ran 2-5 times
    faster in memory (signature-to-consent 175 ms against 863 ms on disk), while opening the disk
    store takes milliseconds and parsing the N-Quads a time that grows with the build.
    """

    name = "oxigraph"

    def __init__(
        self, source: Path, allowlist: Iterable[str] = (), max_result_bytes: int | None = None, copy: Path | None = None
    ):
        self.in_memory = threading.Event()
        if source.is_dir():
            # Opens in milliseconds, whatever the size; processes opening it share the page cache.
            self.store = ox.Store.read_only(str(source))
        else:
            self.store = load_in_memory(source)
            self.in_memory.set()
        graphs = [g.value for g in self.store.named_graphs()]
        super().__init__(graphs, len(self.store), allowlist, max_result_bytes)
        if copy is not None and not self.in_memory.is_set():
            # A little later: the processes starting together answer their first queries before they copy.
            copying = threading.Timer(COPY_DELAY_SECONDS, self.move_to_memory, args=(copy,))
            copying.daemon = True
            copying.start()

    def move_to_memory(self, nquads: Path) -> None:
        """Load the copy (pyoxigraph parses without the GIL), then answer from it; queries running keep the disk."""
        try:
            self.store = load_in_memory(nquads)
        except (OSError, SyntaxError):
            log.exception("could not copy the build into memory; answering from the disk store")
            return
        self.in_memory.set()

    def query(
        self,
        sparql: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        capped: bool = True,
    ) -> Answer:
        self.check(sparql, default_graphs, named_graphs)
        try:
            result = self.store.query(sparql, **dataset_options(default_graphs, named_graphs), base_iri=base_iri)
        except SyntaxError as exc:
            refuse_update(sparql)
            raise QueryError(str(exc)) from exc
        except OSError as exc:  # a SERVICE call failed before the first solution
            raise RemoteFailure(str(exc)) from exc
        buffer = CappedBuffer(self.max_result_bytes if capped else None)
        try:
            if isinstance(result, ox.QueryTriples):
                ox.serialize(result, buffer, format=ox.RdfFormat.N_TRIPLES)
                return Answer("graph", buffer.getvalue())
            result.serialize(buffer, format=ox.QueryResultsFormat.JSON)
        except OSError as exc:  # solutions are lazy: a SERVICE call may fail while they are written
            raise RemoteFailure(str(exc)) from exc
        return Answer("boolean" if isinstance(result, ox.QueryBoolean) else "bindings", buffer.getvalue())


def load_in_memory(nquads: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    return store


def dataset_options(default_graphs: list[str] | None, named_graphs: list[str] | None) -> dict:
    """pyoxigraph's dataset arguments: the union of the named graphs, or exactly the graphs the protocol names."""
    if not (default_graphs or named_graphs):
        return {"use_default_graph_as_union": True}
    # A protocol dataset is exactly the graphs it names: an empty default graph (the store's own
    # default graph holds nothing) or no named graphs when only the other parameter is given.
    return {
        "default_graph": [ox.NamedNode(g) for g in default_graphs or []] or ox.DefaultGraph(),
        "named_graphs": [ox.NamedNode(g) for g in named_graphs or []],
    }


class RdflibEngine(LocalEngine):
    """rdflib's SPARQL engine over a Dataset whose default graph is the union of the named graphs."""

    name = "rdflib"

    def __init__(self, nquads: Path, allowlist: Iterable[str] = (), max_result_bytes: int | None = None):
        import rdflib.plugins.sparql  # imported when used (guard.py)

        # rdflib would otherwise fetch every FROM <iri> over the network or from a file; here FROM only
        # picks graphs the dataset holds (and guard.py has already refused the others).
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        self.dataset = Dataset(default_union=True)
        self.dataset.parse(str(nquads), format="nquads")
        graphs = [
            str(g.identifier) for g in self.dataset.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)
        ]
        super().__init__(graphs, len(self.dataset), allowlist, max_result_bytes)

    def query(
        self,
        sparql: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        capped: bool = True,
    ) -> Answer:
        self.check(sparql, default_graphs, named_graphs)
        # A malformed query is the client's fault; whatever fails after parsing is ours. The prefixes
        # bound on the dataset stay usable undeclared, as when rdflib parses the text itself.
        parsed = parse_query(sparql, base_iri, dict(self.dataset.namespaces()))
        target = self.dataset
        if default_graphs or named_graphs:
            # A protocol dataset overrides the query's own FROM / FROM NAMED.
            target = self.protocol_dataset(default_graphs or [], named_graphs or [])
            parsed.algebra["datasetClause"] = None
        try:
            result = target.query(parsed)
            if result.type in ("CONSTRUCT", "DESCRIBE"):
                kind: Kind = "graph"
                payload = result.graph.serialize(format="nt", encoding="utf-8")
            else:
                kind = "boolean" if result.type == "ASK" else "bindings"
                payload = result.serialize(format="json")
        except OSError as exc:  # urllib errors from an allow-listed SERVICE
            raise RemoteFailure(str(exc)) from exc
        except RecursionError as exc:  # rdflib evaluates the algebra recursively: a long chain is a deep tree
            raise QueryTooDeep("the query is nested or chained too deeply for the rdflib engine") from exc
        payload = payload if isinstance(payload, bytes) else str(payload).encode()
        return Answer(kind, cap(payload, self.max_result_bytes if capped else None))

    def protocol_dataset(self, default_graphs: list[str], named_graphs: list[str]) -> Dataset:
        """A Dataset holding exactly the graphs the protocol request names."""
        target = Dataset(default_union=False)
        for name in default_graphs:
            for triple in self.dataset.graph(URIRef(name)):
                target.add(triple)
        for name in named_graphs:
            graph = target.graph(URIRef(name))
            for triple in self.dataset.graph(URIRef(name)):
                graph.add(triple)
        return target


def open_local(
    name: str,
    build_dir: Path,
    allowlist: Iterable[str] = (),
    max_result_bytes: int | None = None,
    expected: dict | None = None,
    in_memory: bool = False,
) -> OxigraphEngine | RdflibEngine:
    """Load the build in build_dir into the named engine, in this process. With `expected` (the recorded
    fingerprints of the files it reads: the graph, the store), only if those files are still the ones
    verified at start. `in_memory`: oxigraph moves its store into memory in the background (a long-lived
    query worker; not a one-off query or a start-up probe)."""
    graph = build_dir / resources.GRAPH_FILE
    if not graph.is_file():
        raise FileNotFoundError(f"no build at {graph}: run 'budapest-kg build' first")
    problems = artefacts.check(build_dir, expected) if expected else []
    if problems:
        raise BuildChanged(
            f"{build_dir} no longer holds the files this server verified at start ({'; '.join(problems)}):"
            " restart or reload the server"
        )
    if name == "oxigraph":
        store = build_dir / resources.STORE_DIR
        return OxigraphEngine(
            store if store.is_dir() else graph, allowlist, max_result_bytes, copy=graph if in_memory else None
        )
    if name == "rdflib":
        return RdflibEngine(graph, allowlist, max_result_bytes)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
