"""Checks on the reasoned graph: every queries/checks/*_violation.rq must return no rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph


@dataclass(frozen=True)
class Violation:
    check: Path
    rows: list[str]

    def __str__(self) -> str:
        shown = "\n".join(f"    {row}" for row in self.rows[:20])
        more = f"\n    ... and {len(self.rows) - 20} more" if len(self.rows) > 20 else ""
        return f"{self.check.name}: {len(self.rows)} row(s)\n{shown}{more}"


class CheckError(Exception):
    """One or more checks failed; carries every violation."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        super().__init__(f"{len(violations)} check(s) failed")


def run_checks(checks_dir: Path, graph: Graph) -> None:
    """Run each *_violation.rq over graph; raise CheckError listing every check that found rows."""
    violations = []
    for check in sorted(checks_dir.glob("*_violation.rq")):
        result = graph.query(check.read_text(encoding="utf-8"))
        rows = [" ".join(f"{var}={row[var]}" for var in result.vars if row[var] is not None) for row in result]
        if rows:
            violations.append(Violation(check, rows))
    if violations:
        raise CheckError(violations)
