"""Load the hand-edited ontology (and any other Turtle in ontology/) into one graph."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph

from budapest_kg.namespaces import bind_prefixes

from .table import DataError, Problem

LINE = re.compile(r"at line (\d+)")


def ontology_files(ontology_dir: Path) -> list[Path]:
    """The Turtle files of the ontology proper; SHACL shapes live in ontology/shapes/."""
    return sorted(p for p in ontology_dir.glob("*.ttl"))


def load_turtle(paths: list[Path]) -> Graph:
    """Parse Turtle files into one graph; raise DataError naming file:line for each broken file."""
    graph = Graph()
    bind_prefixes(graph)
    problems = []
    for path in paths:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # noqa: BLE001 - rdflib raises BadSyntax, ValueError and others
            match = LINE.search(str(exc))
            detail = str(exc).splitlines()
            message = next((d for d in detail if "Bad syntax" in d), detail[-1] if detail else repr(exc))
            problems.append(Problem(path, int(match.group(1)) if match else 0, f"broken Turtle: {message}"))
    if problems:
        raise DataError(problems)
    return graph
