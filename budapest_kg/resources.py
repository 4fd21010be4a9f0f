"""Where the package's resources live and where a build goes.

The ontology, the query catalogue and the curated data ship inside the package
(``budapest_kg.ontology``, ``budapest_kg.queries``, ``budapest_kg.data``; in a source checkout these
are the top-level ``ontology/``, ``queries/`` and ``data/`` folders, mapped by pyproject.toml) and
are found through importlib.resources, so an installed wheel reads the same files as a checkout.

A build goes to ``./build`` in the current folder unless ``--build-dir`` or ``BKG_BUILD_DIR`` says
otherwise: never into the installed package. ``--source DIR`` or ``BKG_SOURCE_DIR`` names another
tree holding ``data/``, ``ontology/`` and ``queries/`` (a working copy being edited, a test's copy).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

# Artefacts inside a build folder.
GRAPH_FILE = "graph.nq"
# The same quads as an on-disk pyoxigraph store: the endpoint opens it read-only in milliseconds
# (every serving process shares the operating system's page cache) instead of parsing N-Quads.
STORE_DIR = "store"
MANIFEST_FILE = "manifest.json"
ONTOLOGY_HTML_FILE = "ontology.html"
ONTOLOGY_TURTLE_FILE = "ontology.ttl"

BUILD_ENV = "BKG_BUILD_DIR"
SOURCE_ENV = "BKG_SOURCE_DIR"


def _packaged(name: str) -> Path:
    # The package is installed as plain files (wheel or editable), never zipped: a Path is safe.
    return Path(str(files(f"budapest_kg.{name}")))


@dataclass(frozen=True)
class SourceTree:
    """The three folders a build reads and the catalogue is read from."""

    data_dir: Path
    ontology_dir: Path
    queries_dir: Path

    @property
    def checks_dir(self) -> Path:
        return self.queries_dir / "checks"

    @classmethod
    def at(cls, root: Path) -> SourceTree:
        """A tree laid out like the repository: root/data, root/ontology, root/queries."""
        root = Path(root)
        return cls(root / "data", root / "ontology", root / "queries")

    def input_files(self) -> list[Path]:
        """Every file whose content determines the build, in a stable order."""
        return input_files(self.data_dir, self.ontology_dir, self.checks_dir)


def input_files(data_dir: Path, ontology_dir: Path, checks_dir: Path) -> list[Path]:
    """The tables (not the curation scripts' folder), the Turtle and rules, then the checks."""
    found = [f for f in data_dir.rglob("*.csv") if "curation" not in f.relative_to(data_dir).parts]
    for pattern in ("*.ttl", "*.rq"):
        found.extend(ontology_dir.rglob(pattern))
    return sorted(found) + sorted(checks_dir.glob("*.rq"))


PACKAGED = SourceTree(_packaged("data"), _packaged("ontology"), _packaged("queries"))


def source_tree(root: str | Path | None = None) -> SourceTree:
    """The tree given, else BKG_SOURCE_DIR, else the one shipped in the package."""
    root = root or os.environ.get(SOURCE_ENV)
    return SourceTree.at(Path(root)) if root else PACKAGED


def build_dir(given: str | Path | None = None) -> Path:
    """The build folder given, else BKG_BUILD_DIR, else ./build in the current folder."""
    return Path(given or os.environ.get(BUILD_ENV) or "build")
