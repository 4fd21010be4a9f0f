"""Tables read for rewriting: every column kept, in order, with each row's line; written back atomically.

Rows are read by the one table reader (``graph_builder.table``); the importer rewrites data/ in
place, so it also keeps the header as the file has it and writes the file's format (comma-separated,
minimal quoting, "\\n" line ends, as data/curation/ writes them), so that `git diff data/` shows
exactly the rows that changed.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..table import DataError, Problem, Table


@dataclass
class RawTable:
    path: Path
    header: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line of each row in the file as read (0: added)

    def render(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()


def read_table(path: Path, columns: tuple[str, ...], missing_ok: bool = False) -> RawTable:
    """Every row of a CSV file with its line; DataError naming file:line for what cannot be read."""
    if missing_ok and not path.is_file():
        return RawTable(path, list(columns))
    problems: list[Problem] = []
    found = list(Table(path, columns, problems).rows())
    if problems:
        raise DataError(problems)
    with open(path, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    return RawTable(path, header, [row for _, row in found], [line for line, _ in found])


def write_tables(tables: list[RawTable]) -> None:
    """Write every table to a temporary file beside it, then move them all into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for table in tables:
            handle, name = tempfile.mkstemp(prefix=f".{table.path.name}-", dir=table.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(table.render())
            staged.append((Path(name), table.path))
        for temporary, final in staged:
            os.replace(temporary, final)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
