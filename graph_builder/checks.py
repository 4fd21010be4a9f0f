"""Checks on the reasoned graph: SHACL shapes in ontology/shapes/, then every
queries/checks/*_violation.rq, which must return no rows.

Both run over the union of the published graphs in a pyoxigraph store: in the build, the store the
rules and statistics share (dataset.Dataset, the graphs as named graphs); otherwise the union loaded
as its default graph. No rdflib copy of the union: rdflib's SPARQL engine took about a second for
three queries that oxigraph answers in milliseconds. The shapes run there too, compiled to SPARQL
by shape_queries (pyshacl took 15 s at 10x today's data, 37 s with the union copy, and grows faster
than the data); a shapes file that uses SHACL outside the compiled subset is validated by pyshacl
over the union as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError
from rdflib import BNode, Graph
from rdflib.namespace import SH

from .dataset import Dataset
from .graphs import ntriples, union
from .ontology import load_turtle
from .shape_queries import Unsupported, compile_shapes, path_text, run_shape_queries
from .table import DataError, Problem

SHOWN = 20


@dataclass(frozen=True)
class Violation:
    check: Path
    rows: list[str]

    def __str__(self) -> str:
        shown = "\n".join(f"    {row}" for row in self.rows[:SHOWN])
        more = f"\n    ... and {len(self.rows) - SHOWN} more" if len(self.rows) > SHOWN else ""
        return f"{self.check.name}: {len(self.rows)} row(s)\n{shown}{more}"


class CheckError(Exception):
    """One or more checks failed; carries every violation."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        super().__init__(f"{len(violations)} check(s) failed")


def run_checks(
    checks_dir: Path,
    graphs: Graph | Iterable[Graph],
    shapes_dir: Path | None = None,
    dataset: Dataset | None = None,
) -> None:
    """Validate the union of graphs against the shapes, run each *_violation.rq; raise CheckError listing all.

    dataset, when given, holds the graphs already (the build's store, see dataset.Dataset); otherwise
    they are loaded into a store of their own.
    """
    graphs = [graphs] if isinstance(graphs, Graph) else list(graphs)
    if dataset is not None:
        store, default = dataset.store, dataset.union(dataset.graphs)
    else:
        store, default = load_store(graphs), None
    violations = validate_shapes(shapes_dir, graphs, store, default) if shapes_dir is not None else []
    violations += query_violations(checks_dir, store, default)
    if violations:
        raise CheckError(violations)


def load_store(graphs: Iterable[Graph]) -> ox.Store:
    """The union of graphs as the default graph of an in-memory pyoxigraph store.

    One N-Triples document of all graphs: oxigraph renames blank nodes per document, and a blank
    node shared between graphs must stay one node, as in an rdflib union.
    """
    store = ox.Store()
    text = b"".join(ntriples(g) for g in graphs)
    store.bulk_load(text, format=ox.RdfFormat.N_TRIPLES)
    return store


def query_violations(
    checks_dir: Path, store: ox.Store | Graph, default_graph: list[ox.NamedNode] | None = None
) -> list[Violation]:
    """Run each *_violation.rq over the store (name order); one Violation per query that returned rows.

    default_graph, when given, lists the named graphs whose union the queries read (dataset.Dataset.union).
    """
    checks = sorted(checks_dir.glob("*_violation.rq"))
    if not checks:
        return []
    if isinstance(store, Graph):
        store = load_store([store])

    def outcome(check: Path) -> Violation | Problem | None:
        try:
            solutions = store.query(check.read_text(encoding="utf-8"), default_graph=default_graph)
        except SyntaxError as exc:
            return Problem(check, 0, f"broken SPARQL: {exc}")
        if not isinstance(solutions, ox.QuerySolutions):
            return Problem(check, 0, "a check must be a SELECT query")
        names = [var.value for var in solutions.variables]
        rows = [describe_row(names, solution) for solution in solutions]
        return Violation(check, rows) if rows else None

    # Two at a time: oxigraph lets go of the GIL while it evaluates, so both cores work.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="checks") as pool:
        outcomes = list(pool.map(outcome, checks))
    problems = [found for found in outcomes if isinstance(found, Problem)]
    if problems:
        raise DataError(problems)
    return [found for found in outcomes if isinstance(found, Violation)]


def describe_row(names: list[str], solution: ox.QuerySolution) -> str:
    return " ".join(f"{name}={solution[name].value}" for name in names if solution[name] is not None)


def validate_shapes(
    shapes_dir: Path,
    graphs: Graph | Iterable[Graph],
    store: ox.Store | None = None,
    default_graph: list[ox.NamedNode] | None = None,
) -> list[Violation]:
    """Validate the union of graphs against each ontology/shapes/*.ttl; one Violation per file whose shapes fail.

    Each row names the focus node, the path, the offending value when there is one, and the message.
    store, when given, holds that union already: as its default graph (see load_store) or as the union
    of the named graphs default_graph lists.
    """
    graphs = [graphs] if isinstance(graphs, Graph) else list(graphs)
    violations = []
    for path in sorted(shapes_dir.glob("*.ttl")):
        shapes = load_turtle([path])
        try:
            queries = compile_shapes(shapes)
        except Unsupported:
            rows = validate_with_pyshacl(path, shapes, union(graphs))
        else:
            store = store if store is not None else load_store(graphs)
            rows = run_shape_queries(store, queries, default_graph)
        if rows:
            violations.append(Violation(path, rows))
    return violations


def validate_with_pyshacl(path: Path, shapes: Graph, graph: Graph) -> list[str]:
    """The rows of pyshacl's report on graph (the reference shape_queries is tested against)."""
    try:
        conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=False)
    except (ShapeLoadError, ConstraintLoadError, ReportableRuntimeError) as exc:
        raise DataError([Problem(path, 0, f"invalid SHACL: {exc}")]) from exc
    return [] if conforms else describe_results(report)


def describe_results(report: Graph) -> list[str]:
    rows = []
    for result in report.subjects(SH.resultSeverity, None):
        parts = [f"focus={report.value(result, SH.focusNode)}"]
        path = report.value(result, SH.resultPath)
        if path is not None:
            parts.append(f"path={path_text(report, path) if isinstance(path, BNode) else path}")
        value = report.value(result, SH.value)
        if value is not None:
            parts.append(f"value={value}")
        parts.append(f"message={report.value(result, SH.resultMessage)}")
        rows.append(" ".join(parts))
    return sorted(rows)
