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
from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph

from budapest_kg import __version__, artefacts, namespaces, resources
from budapest_kg.namespaces import DATA_GRAPH, INFERRED_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH

from .checks import run_checks
from .derivation import Mismatch, derive
from .derived import derived_triples
from .freshness import Inputs, code_digest
from .graphs import ntriples
from .links import make_links
from .mapping import map_sources
from .ontology import load_turtle, ontology_files
from .ontology_docs import write_docs
from .reasoning import apply_rules, reason
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
        inferred = reason(ontology, mapped.data, derived)
    with timer.step("rules", f"closed-world rules in {inputs.ontology_dir / 'rules'}"):
        # Each graph is serialised once, here or as soon as it is final; rules, checks, statistics and
        # the write step load these texts (four serialisations of the larger graphs before).
        texts = {name: ntriples(g) for name, g in ((ONTOLOGY_GRAPH, ontology), (DATA_GRAPH, mapped.data))}
        texts[INFERRED_GRAPH] = ntriples(inferred)
        added = apply_rules(inputs.ontology_dir / "rules", *texts.values())
        for triple in added:
            inferred.add(triple)
        texts[INFERRED_GRAPH] += ntriples(added)
    graphs = {
        ONTOLOGY_GRAPH: ontology,
        DATA_GRAPH: mapped.data,
        INFERRED_GRAPH: inferred,
        PROVENANCE_GRAPH: mapped.provenance,
        LINKS_GRAPH: links,
    }
    texts |= {PROVENANCE_GRAPH: ntriples(mapped.provenance), LINKS_GRAPH: ntriples(links)}
    texts = {name: texts[name] for name in graphs}
    with timer.step("checks", f"SHACL shapes in {inputs.ontology_dir / 'shapes'}, {inputs.checks_dir}/*_violation.rq"):
        run_checks(inputs.checks_dir, graphs.values(), inputs.ontology_dir / "shapes", texts=list(texts.values()))
    with timer.step("stats", "class sizes and outgoing links for the VoID description"):
        statistics = count_statistics(graphs, texts)  # untimed before: about 10 s at 100x, outside every step
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
        "statistics": statistics,
    }
    return Result(graphs=graphs, manifest=manifest, mismatches=derivation.mismatches, ntriples=texts)


def serialise(graphs: dict[URIRef, Graph], texts: dict[URIRef, bytes] | None = None) -> str:
    """N-Quads of all named graphs, lines sorted and blank nodes named canonically: same graphs, same file.

    texts, when given, are the graphs' N-Triples (graphs.ntriples), used for graphs without blank nodes.
    """
    lines = []
    for iri, graph in graphs.items():
        suffix = f" <{iri}> .\n"
        text = texts[iri] if texts is not None and iri in texts else ntriples(graph)
        if may_have_blank_nodes(text):
            text = ntriples(canonical(graph))
        for line in text.decode("utf-8").splitlines():
            if line.endswith(" ."):
                lines.append(line[:-2] + suffix)
    return "".join(sorted(lines))


def may_have_blank_nodes(text: bytes) -> bool:
    """Whether N-Triples may name a blank node (a subject at a line's start, an object after a space).

    A literal holding " _:" also says yes; the graph is then put in canonical form for nothing.
    """
    return text.startswith(b"_:") or b"\n_:" in text or b" _:" in text


def canonical(graph: Graph) -> Graph:
    """The graph with its blank nodes named from their structure (rdflib.compare), not at random."""
    out = Graph()
    for triple in to_canonical_graph(graph):
        out.add(triple)
    return out


def write_build(result: Result, out: Path) -> None:
    """Write the files to a staging folder beside out, fingerprint them in the manifest, then swap it in.

    A failure before the swap leaves the previous build untouched; a build killed on the way leaves
    folders that the next build clears (clear_leftovers). The staging and retired folders carry the
    writer's process id, so that a build running beside this one is never touched.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-{os.getpid()}-", dir=out.parent))
    try:
        nquads = serialise(result.graphs, result.ntriples)
        result.manifest = stamp(result.manifest, nquads)
        (staging / resources.GRAPH_FILE).write_text(nquads, encoding="utf-8")
        write_store(staging / resources.GRAPH_FILE, staging / resources.STORE_DIR)
        write_docs(result.graphs[ONTOLOGY_GRAPH], staging)
        result.manifest[artefacts.KEY] = artefacts.record(staging)
        (staging / resources.MANIFEST_FILE).write_text(json.dumps(result.manifest, indent=2) + "\n", encoding="utf-8")
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
    clear_leftovers(out, report)
    result = make_graphs(inputs, report)
    start = time.perf_counter()
    report(f"  write: {out}/{resources.GRAPH_FILE}, {resources.STORE_DIR}/ and {resources.MANIFEST_FILE} ...")
    write_build(result, out)
    report(f"  write: done in {time.perf_counter() - start:.2f} s ({result.manifest['triples']} quads)")
    return result
