"""The data-quality report: counts per treaty, facts per verification status, conflicts, missing dates.

The measures are those of queries/data-quality.rq, run over the graphs of a build.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from budapest_kg import resources

from .graphs import union

QUERY = resources.PACKAGED.queries_dir / "data-quality.rq"


def measure_quality(graphs: list[Graph], query: Path = QUERY) -> list[tuple[str, str, int]]:
    """(measure, about, value) rows of the data-quality query over the union of graphs."""
    result = union(graphs).query(query.read_text(encoding="utf-8"))
    return [(str(row.measure), str(row.about), int(row.value)) for row in result]


def format_quality(rows: list[tuple[str, str, int]]) -> str:
    width = max((len(f"{m} ({a})") for m, a, _ in rows), default=0)
    return "\n".join(f"  {f'{m} ({a})'.ljust(width)}  {v}" for m, a, v in rows)
