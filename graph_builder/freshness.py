"""Whether a build is up to date: which files and code a build depends on, and their hashes.

Kept apart from the pipeline so that `serve` can check its build without importing the reasoner and
the SHACL engine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from budapest_kg import iris, namespaces, resources


@dataclass
class Inputs:
    """Where a build reads from: by default the tree shipped in the package (BKG_SOURCE_DIR overrides)."""

    data_dir: Path = field(default_factory=lambda: resources.source_tree().data_dir)
    ontology_dir: Path = field(default_factory=lambda: resources.source_tree().ontology_dir)
    checks_dir: Path = field(default_factory=lambda: resources.source_tree().checks_dir)
    # The day on which the statements that change with time (is Party to, the categories) hold.
    status_date: dt.date = field(default_factory=lambda: dt.datetime.now(dt.UTC).date())

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


def is_stale(out: Path, inputs: Inputs | None = None) -> bool:
    """Whether out is missing, or was built from other inputs, by other code or on another day (the
    statuses and categories hold on the day of the build) than the current ones."""
    inputs = inputs or Inputs()
    manifest = out / resources.MANIFEST_FILE
    if not (out / resources.GRAPH_FILE).is_file() or not manifest.is_file():
        return True
    if not (out / resources.STORE_DIR).is_dir():  # a build from before the store was written
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
        or recorded.get("status_date") != inputs.status_date.isoformat()  # statuses hold on the build's day
    )
