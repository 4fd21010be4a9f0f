"""Checks on the reasoned graph: SHACL shapes in ontology/shapes/, then every
queries/checks/*_violation.rq, which must return no rows.

Both run over the union of the published graphs. The SPARQL checks run in pyoxigraph: rdflib's
SPARQL engine took about a second for three queries that oxigraph answers in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError
from rdflib import Graph
from rdflib.namespace import SH

from .ontology import load_turtle
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


def run_checks(checks_dir: Path, graph: Graph, shapes_dir: Path | None = None) -> None:
    """Validate graph against the shapes, run each *_violation.rq; raise CheckError listing every failure."""
    violations = validate_shapes(shapes_dir, graph) if shapes_dir is not None else []
    violations += query_violations(checks_dir, graph)
    if violations:
        raise CheckError(violations)


def query_violations(checks_dir: Path, graph: Graph) -> list[Violation]:
    """Run each *_violation.rq over graph (name order); one Violation per query that returned rows."""
    checks = sorted(checks_dir.glob("*_violation.rq"))
    if not checks:
        return []
    store = ox.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    violations, problems = [], []
    for check in checks:
        try:
            solutions = store.query(check.read_text(encoding="utf-8"))
        except SyntaxError as exc:
            problems.append(Problem(check, 0, f"broken SPARQL: {exc}"))
            continue
        if not isinstance(solutions, ox.QuerySolutions):
            problems.append(Problem(check, 0, "a check must be a SELECT query"))
            continue
        names = [var.value for var in solutions.variables]
        rows = [describe_row(names, solution) for solution in solutions]
        if rows:
            violations.append(Violation(check, rows))
    if problems:
        raise DataError(problems)
    return violations


def describe_row(names: list[str], solution: ox.QuerySolution) -> str:
    return " ".join(f"{name}={solution[name].value}" for name in names if solution[name] is not None)


def validate_shapes(shapes_dir: Path, graph: Graph) -> list[Violation]:
    """Validate graph against each ontology/shapes/*.ttl; one Violation per file whose shapes fail.

    Each row names the focus node, the path, the offending value when there is one, and the message.
    """
    violations = []
    for path in sorted(shapes_dir.glob("*.ttl")):
        shapes = load_turtle([path])
        try:
            conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=False)
        except (ShapeLoadError, ConstraintLoadError, ReportableRuntimeError) as exc:
            raise DataError([Problem(path, 0, f"invalid SHACL: {exc}")]) from exc
        if not conforms:
            violations.append(Violation(path, describe_results(report)))
    return violations


def describe_results(report: Graph) -> list[str]:
    rows = []
    for result in report.subjects(SH.resultSeverity, None):
        parts = [f"focus={report.value(result, SH.focusNode)}"]
        path = report.value(result, SH.resultPath)
        if path is not None:
            parts.append(f"path={path}")
        value = report.value(result, SH.value)
        if value is not None:
            parts.append(f"value={value}")
        parts.append(f"message={report.value(result, SH.resultMessage)}")
        rows.append(" ".join(parts))
    return sorted(rows)
