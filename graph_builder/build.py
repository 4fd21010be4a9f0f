"""The build pipeline: read -> map -> reason -> rules -> checks -> write build/ atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph

from budapest_kg import __version__, iris, namespaces, resources
from budapest_kg.namespaces import DATA_GRAPH, INFERRED_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH

from .checks import run_checks
from .graphs import union
from .links import make_links
from .mapping import map_sources
from .ontology import load_turtle, ontology_files
from .ontology_docs import write_docs
from .reasoning import apply_rules, owl_closure
from .sources import Sources, read_sources
from .table import DataError
from .versions import stamp

Report = Callable[[str], None]


@dataclass
class Inputs:
    """Where a build reads from: by default the tree shipped in the package (BKG_SOURCE_DIR overrides)."""

    data_dir: Path = field(default_factory=lambda: resources.source_tree().data_dir)
    ontology_dir: Path = field(default_factory=lambda: resources.source_tree().ontology_dir)
    checks_dir: Path = field(default_factory=lambda: resources.source_tree().checks_dir)

    @classmethod
    def from_tree(cls, tree: resources.SourceTree) -> Inputs:
        return cls(tree.data_dir, tree.ontology_dir, tree.checks_dir)

    def files(self) -> list[Path]:
        return resources.input_files(self.data_dir, self.ontology_dir, self.checks_dir)

    def digest(self) -> str:
        """A hash of every input file's name and content: same inputs, same hash."""
        return _digest(self.files())


def code_digest() -> str:
    """A hash of the builder's own code and templates (and the IRI rules it mints with)."""
    here = Path(__file__).resolve().parent
    rules = (Path(namespaces.__file__).resolve(), Path(iris.__file__).resolve())
    files = sorted([*here.rglob("*.py"), *here.rglob("*.html"), *rules])
    return _digest(files)


def _digest(files: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in files:
        sha.update(str(path.name).encode())
        sha.update(b"\0")
        sha.update(path.read_bytes())
    return sha.hexdigest()


@dataclass
class Result:
    """What a build produced, kept in memory for callers (tests, the CLI)."""

    graphs: dict[URIRef, Graph]
    manifest: dict = field(default_factory=dict)


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
    with timer.step("reason", "OWL 2 RL closure (owlrl)"):
        inferred = owl_closure(ontology, mapped.data)
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
        "graphs": {str(iri): len(graph) for iri, graph in graphs.items()},
        "triples": sum(len(graph) for graph in graphs.values()),
        "seconds": timer.steps,
    }
    return Result(graphs=graphs, manifest=manifest)


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


def build(out: Path, inputs: Inputs | None = None, report: Report = lambda _: None) -> Result:
    """Build the graph from inputs and publish it in out."""
    inputs = inputs or Inputs()
    result = make_graphs(inputs, report)
    start = time.perf_counter()
    report(f"  write: {out}/{resources.GRAPH_FILE} and {resources.MANIFEST_FILE} ...")
    write_build(result, out)
    report(f"  write: done in {time.perf_counter() - start:.2f} s ({result.manifest['triples']} quads)")
    return result


def is_stale(out: Path, inputs: Inputs | None = None) -> bool:
    """Whether out is missing, or was built from other inputs or by other code than the current ones."""
    inputs = inputs or Inputs()
    manifest = out / resources.MANIFEST_FILE
    if not (out / resources.GRAPH_FILE).is_file() or not manifest.is_file():
        return True
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    if not isinstance(recorded, dict):
        return True
    return (
        recorded.get("input_hash") != inputs.digest()
        or recorded.get("code_hash") != code_digest()
        or recorded.get("base_iri") != namespaces.BASE
    )
