"""The build pipeline: read -> map -> reason -> rules -> checks -> write build/ atomically."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph

from budapest_kg import __version__, artefacts, namespaces, resources
from budapest_kg.namespaces import DATA_GRAPH, INFERRED_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH

from .checks import run_checks
from .collector import without_cyclic_gc
from .dataset import Dataset, nquads
from .derivation import Mismatch, derive
from .derived import derived_triples
from .freshness import Inputs, code_digest
from .graphs import may_have_blank_nodes, ntriples
from .links import make_links
from .mapping import map_sources
from .ontology import load_turtle, ontology_files
from .ontology_docs import write_docs
from .reasoning import reason
from .sources import Sources, read_sources
from .statistics import count_statistics
from .table import DataError
from .versions import stamp

Report = Callable[[str], None]


@dataclass
class Result:
    """What a build produced, kept in memory for callers (tests, the CLI)."""

    graphs: dict[URIRef, Graph]
    manifest: dict = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    ntriples: dict[URIRef, bytes] = field(default_factory=dict)  # each graph serialised once, for write_build


class _Timer:
    def __init__(self, report: Report):
        self.report = report
        self.steps: dict[str, float] = {}

    @contextmanager
    def step(self, name: str, what: str):
        self.report(f"{name:>7}: {what} ...")
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        self.steps[name] = round(elapsed, 3)
        self.report(f"{name:>7}: done in {elapsed:.2f} s")


def read_inputs(inputs: Inputs) -> tuple[Sources, Graph]:
    """Read tables and Turtle; raise one DataError listing the problems of both."""
    problems = []
    sources = ontology = None
    try:
        sources = read_sources(inputs.data_dir)
    except DataError as exc:
        problems += exc.problems
    try:
        ontology = load_turtle(ontology_files(inputs.ontology_dir))
    except DataError as exc:
        problems += exc.problems
    if problems:
        raise DataError(problems)
    return sources, ontology


@without_cyclic_gc
def make_graphs(
    inputs: Inputs, report: Report = lambda _: None, ready: Callable[[dict[URIRef, bytes]], None] | None = None
) -> Result:
    """Run the pipeline in memory. Raises DataError, ReasoningError or CheckError on bad input.

    ready, when given, is called with the graphs' N-Triples by name as soon as they are final, before
    the checks (build starts the on-disk store there: Staging.load_store).
    """
    timer = _Timer(report)
    with timer.step("read", f"tables in {inputs.data_dir} and Turtle in {inputs.ontology_dir}"):
        sources, ontology = read_inputs(inputs)
    with timer.step("map", "records to triples"):
        mapped = map_sources(sources)
        links = make_links(inputs.data_dir, {s.iso3 for s in sources.states}, {t.slug for t in sources.treaties})
    with timer.step("derive", f"dates, periods and statuses by the treaties' rules, as of {inputs.status_date}"):
        derivation = derive(sources, inputs.status_date)
        derived = derived_triples(derivation)
        for mismatch in derivation.mismatches:
            report(f" derive: mismatch: {inputs.data_dir / mismatch.table}:{mismatch.line}: {mismatch.message}")
    with timer.step("reason", "OWL 2 RL closure (owlrl)"):
        inferred = reason(ontology, mapped.data, derived)
    graphs = {
        ONTOLOGY_GRAPH: ontology,
        DATA_GRAPH: mapped.data,
        INFERRED_GRAPH: inferred,
        PROVENANCE_GRAPH: mapped.provenance,
        LINKS_GRAPH: links,
    }
    with timer.step("rules", f"closed-world rules in {inputs.ontology_dir / 'rules'}"):
        # Each graph is serialised once and loaded once, into the one store where the rules, the checks
        # and the statistics run (four serialisations and four loads of the larger graphs before).
        dataset, texts = Dataset(), {}
        for name, graph in graphs.items():  # each loads on a thread while the next is serialised
            texts[name] = ntriples(graph)
            dataset.load(name, texts[name])
        dataset.finish()
        added = dataset.apply_rules(
            inputs.ontology_dir / "rules", over=(ONTOLOGY_GRAPH, DATA_GRAPH, INFERRED_GRAPH), into=INFERRED_GRAPH
        )
        for triple in added:
            inferred.add(triple)
        texts[INFERRED_GRAPH] += ntriples(added)
    if ready is not None:
        ready(texts)
    with timer.step("checks", f"SHACL shapes in {inputs.ontology_dir / 'shapes'}, {inputs.checks_dir}/*_violation.rq"):
        run_checks(inputs.checks_dir, graphs.values(), inputs.ontology_dir / "shapes", dataset=dataset)
    with timer.step("stats", "class sizes and outgoing links for the VoID description"):
        statistics = count_statistics(graphs, dataset=dataset)
        sizes = dataset.sizes()
    manifest = {
        "software_version": __version__,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "input_hash": inputs.digest(),
        "code_hash": code_digest(),
        "base_iri": namespaces.BASE,
        "status_date": inputs.status_date.isoformat(),
        "graphs": sizes,
        "triples": sum(sizes.values()),
        "seconds": timer.steps,
        "mismatches": [str(m) for m in derivation.mismatches],
        "statistics": statistics,
    }
    return Result(graphs=graphs, manifest=manifest, mismatches=derivation.mismatches, ntriples=texts)


def serialise(graphs: dict[URIRef, Graph], texts: dict[URIRef, bytes] | None = None) -> bytes:
    """N-Quads of all named graphs, lines sorted and blank nodes named canonically: same graphs, same file.

    texts, when given, are the graphs' N-Triples (graphs.ntriples), used for graphs without blank nodes.
    The lines are sorted as UTF-8 bytes, which is the order of their characters (as str sorted them before).
    """
    lines = []
    for iri, graph in graphs.items():
        text = texts[iri] if texts is not None and iri in texts else ntriples(graph)
        if may_have_blank_nodes(text):
            text = ntriples(canonical(graph))
        lines += nquads({iri: text}).splitlines(keepends=True)
    lines.sort()
    return b"".join(lines)


def canonical(graph: Graph) -> Graph:
    """The graph with its blank nodes named from their structure (rdflib.compare), not at random."""
    out = Graph()
    for triple in to_canonical_graph(graph):
        out.add(triple)
    return out


class Staging:
    """The folder a build is written to beside out before the swap, named with the writer's process id.

    The on-disk store can start loading into it as soon as the graphs are final (load_store, which
    make_graphs calls before the checks): on a thread, since pyoxigraph lets go of the GIL while it
    parses and sorts, so that it runs on the second core during the checks, the statistics and the
    writing of graph.nq (at 10x: 1.5 s of loading against a write step of 2.4 s before).
    """

    def __init__(self, out: Path):
        out = out.resolve()
        out.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-{os.getpid()}-", dir=out.parent))
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._store: Future | None = None

    def load_store(self, texts: dict[URIRef, bytes]) -> None:
        """Start loading the graphs (their N-Triples by name) into the on-disk store, once."""
        if self._store is None:
            self._store = self._pool.submit(lambda: write_store(nquads(texts), self.folder / resources.STORE_DIR))

    def wait_store(self) -> None:
        """Wait for the store to be written and closed; raise what writing it raised."""
        self._store.result()
        self._pool.shutdown()

    def discard(self) -> None:
        """Wait for the thread (it writes into the folder), then remove the folder."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.folder, ignore_errors=True)


@without_cyclic_gc
def write_build(result: Result, out: Path, staging: Staging | None = None) -> None:
    """Write the files to a staging folder beside out, fingerprint them in the manifest, then swap it in.

    A failure before the swap leaves the previous build untouched; a build killed on the way leaves
    folders that the next build clears (clear_leftovers). The staging and retired folders carry the
    writer's process id, so that a build running beside this one is never touched. staging, when
    given, is the one make_graphs started the store in (see build).
    """
    out = out.resolve()
    staging = staging or Staging(out)
    texts = {iri: result.ntriples.get(iri) or ntriples(graph) for iri, graph in result.graphs.items()}
    try:
        staging.load_store(texts)  # unless started already: then it has been loading since the checks
        graph_file = serialise(result.graphs, texts)
        result.manifest = stamp(result.manifest, graph_file)
        (staging.folder / resources.GRAPH_FILE).write_bytes(graph_file)
        write_docs(result.graphs[ONTOLOGY_GRAPH], staging.folder)
        staging.wait_store()
        result.manifest[artefacts.KEY] = artefacts.record(staging.folder)
        manifest = json.dumps(result.manifest, indent=2) + "\n"
        (staging.folder / resources.MANIFEST_FILE).write_text(manifest, encoding="utf-8")
        old = None
        if out.exists():
            old = out.parent / f".{out.name}-old-{os.getpid()}"
            os.replace(out, old)
        os.replace(staging.folder, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        staging.discard()
        raise


def clear_leftovers(out: Path, report: Report = lambda _: None) -> None:
    """Remove what killed builds left beside out, and bring back the last good build if a kill came
    between moving it aside and moving the new one in. Folders of a build still running are kept."""
    out = out.resolve()
    if not out.parent.is_dir():
        return
    leftovers = sorted(out.parent.glob(f".{out.name}-new-*")) + sorted(out.parent.glob(f".{out.name}-old-*"))
    for folder in leftovers:
        writer = writer_pid(folder.name, out.name)
        if writer is not None and writer != os.getpid() and is_running(writer):
            continue
        if "-old-" in folder.name and not out.exists() and (folder / resources.MANIFEST_FILE).is_file():
            os.replace(folder, out)
            report(f"  clean: {out} restored from {folder.name}, left by a build that was stopped")
            continue
        shutil.rmtree(folder, ignore_errors=True)
        report(f"  clean: removed {folder.name}, left by a build that was stopped")


def writer_pid(name: str, stem: str) -> int | None:
    """The process id in a staging (.build-new-PID-xyz) or retired (.build-old-PID) folder's name."""
    for kind in ("new", "old"):
        prefix = f".{stem}-{kind}-"
        if name.startswith(prefix):
            digits = name[len(prefix) :].split("-", 1)[0]
            return int(digits) if digits.isdigit() else None
    return None


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True


def write_store(nquads: Path | bytes, store_dir: Path) -> None:
    """N-Quads (a file or the text) as an on-disk pyoxigraph store, compacted for reading, closed before the swap."""
    store = ox.Store(str(store_dir))
    if isinstance(nquads, bytes):
        store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    else:
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    store.flush()
    del store  # releases RocksDB's lock and files; nothing else holds a reference


def build(out: Path, inputs: Inputs | None = None, report: Report = lambda _: None) -> Result:
    """Build the graph from inputs and publish it in out."""
    inputs = inputs or Inputs()
    clear_leftovers(out, report)
    staging = Staging(out)
    try:
        result = make_graphs(inputs, report, ready=staging.load_store)
    except BaseException:
        staging.discard()
        raise
    start = time.perf_counter()
    report(f"  write: {out}/{resources.GRAPH_FILE}, {resources.STORE_DIR}/ and {resources.MANIFEST_FILE} ...")
    write_build(result, out, staging)
    report(f"  write: done in {time.perf_counter() - start:.2f} s ({result.manifest['triples']} quads)")
    return result
