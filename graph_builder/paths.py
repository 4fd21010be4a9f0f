"""Where the project's inputs and outputs live."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("BKG_ROOT", Path(__file__).resolve().parent.parent))
DATA_DIR = ROOT / "data"
ONTOLOGY_DIR = ROOT / "ontology"
QUERIES_DIR = ROOT / "queries"
BUILD_DIR = Path(os.environ.get("BKG_BUILD_DIR", ROOT / "build"))

GRAPH_FILE = "graph.nq"
MANIFEST_FILE = "manifest.json"


def input_files(data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR) -> list[Path]:
    """Every file whose content determines the build, in a stable order."""
    files: list[Path] = []
    for folder, patterns in ((data_dir, ("*.csv",)), (ontology_dir, ("*.ttl", "*.rq"))):
        for pattern in patterns:
            files.extend(folder.rglob(pattern))
    return sorted(f for f in files if "curation" not in f.parts)
