"""The build pipeline: read -> map -> reason -> rules -> checks -> write build/ atomically."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph

from budapest_kg import __version__, namespaces, resources
from budapest_kg.namespaces import DATA_GRAPH, INFERRED_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH

from .checks import run_checks
from .derivation import Mismatch, derive
from .derived import derived_triples
from .freshness import Inputs, code_digest
from .graphs import union
from .links import make_links
from .mapping import map_sources
from .ontology import load_turtle, ontology_files
from .ontology_docs import write_docs
from .reasoning import apply_rules, owl_closure
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


def make_graphs(inputs: Inputs, report: Report = lambda _: None) -> Result:
    """Run the pipeline in memory. Raises DataError, ReasoningError or CheckError on bad input."""
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
        inferred = owl_closure(ontology, union((mapped.data, derived)))
        for triple in derived:
            if triple not in mapped.data:
                inferred.add(triple)
    with timer.step("rules", f"closed-world rules in {inputs.ontology_dir / 'rules'}"):
        for triple in apply_rules(inputs.ontology_dir / "rules", ontology, mapped.data, inferred):
            inferred.add(triple)
    graphs = {
        ONTOLOGY_GRAPH: ontology,
        DATA_GRAPH: mapped.data,
        INFERRED_GRAPH: inferred,
        PROVENANCE_GRAPH: mapped.provenance,
        LINKS_GRAPH: links,
    }
    with timer.step("checks", f"SHACL shapes in {inputs.ontology_dir / 'shapes'}, {inputs.checks_dir}/*_violation.rq"):
        run_checks(inputs.checks_dir, union(graphs.values()), inputs.ontology_dir / "shapes")
    manifest = {
        "software_version": __version__,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "input_hash": inputs.digest(),
        "code_hash": code_digest(),
        "base_iri": namespaces.BASE,
        "status_date": inputs.status_date.isoformat(),
        "graphs": {str(iri): len(graph) for iri, graph in graphs.items()},
        "triples": sum(len(graph) for graph in graphs.values()),
        "seconds": timer.steps,
        "mismatches": [str(m) for m in derivation.mismatches],
        "statistics": count_statistics(graphs),
    }
    return Result(graphs=graphs, manifest=manifest, mismatches=derivation.mismatches)


def serialise(graphs: dict[URIRef, Graph]) -> str:
    """N-Quads of all named graphs, lines sorted and blank nodes named canonically: same graphs, same file."""
    lines = []
    for iri, graph in graphs.items():
        suffix = f" <{iri}> .\n"
        if any(isinstance(term, BNode) for triple in graph for term in triple):
            graph = canonical(graph)
        for line in graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines():
            if line.endswith(" ."):
                lines.append(line[:-2] + suffix)
    return "".join(sorted(lines))


def canonical(graph: Graph) -> Graph:
    """The graph with its blank nodes named from their structure (rdflib.compare), not at random."""
    out = Graph()
    for triple in to_canonical_graph(graph):
        out.add(triple)
    return out


def write_build(result: Result, out: Path) -> None:
    """Write graph and manifest to a temporary folder beside out, then swap it in.

    A failure before the swap leaves the previous build untouched.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        nquads = serialise(result.graphs)
        result.manifest = stamp(result.manifest, nquads)
        (staging / resources.GRAPH_FILE).write_text(nquads, encoding="utf-8")
        write_store(staging / resources.GRAPH_FILE, staging / resources.STORE_DIR)
        (staging / resources.MANIFEST_FILE).write_text(json.dumps(result.manifest, indent=2) + "\n", encoding="utf-8")
        write_docs(result.graphs[ONTOLOGY_GRAPH], staging)
        old = None
        if out.exists():
            old = out.parent / f".{out.name}-old-{os.getpid()}"
            os.replace(out, old)
        os.replace(staging, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_store(nquads: Path, store_dir: Path) -> None:
    """The N-Quads as an on-disk pyoxigraph store, compacted for reading and closed before the swap."""
    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    store.flush()
    del store  # releases RocksDB's lock and files; nothing else holds a reference


def build(out: Path, inputs: Inputs | None = None, report: Report = lambda _: None) -> Result:
    """Build the graph from inputs and publish it in out."""
    inputs = inputs or Inputs()
    result = make_graphs(inputs, report)
    start = time.perf_counter()
    report(f"  write: {out}/{resources.GRAPH_FILE}, {resources.STORE_DIR}/ and {resources.MANIFEST_FILE} ...")
    write_build(result, out)
    report(f"  write: done in {time.perf_counter() - start:.2f} s ({result.manifest['triples']} quads)")
    return result
