"""Reading a source tree the importers write into: a digest of every file, and a table's rows."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path


def digest(folder: Path) -> str:
    """One hash over every file's name and bytes: unchanged when nothing in the tree was written."""
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            sha.update(path.name.encode() + path.read_bytes())
    return sha.hexdigest()


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
