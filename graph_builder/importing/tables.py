"""The curated CSV tables as raw rows (every column kept, in order), and an atomic writer for them.

The importer rewrites data/ in place: it must keep columns it does not know and the file's format
(comma-separated, minimal quoting, "\\n" line ends, as data/curation/ writes them), so that a
`git diff` of data/ shows exactly the rows that changed.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..sources import DataError, Problem


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
    if not path.is_file():
        if missing_ok:
            return RawTable(path, list(columns))
        raise DataError([Problem(path, 0, "file not found")])
    table = RawTable(path, [])
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle, strict=True)
            table.header = next(reader, [])
            missing = [c for c in columns if c not in table.header]
            if missing:
                raise DataError([Problem(path, 1, f"missing column(s) {', '.join(missing)}")])
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(table.header):
                    raise DataError([Problem(path, reader.line_num, f"expected {len(table.header)} fields")])
                table.rows.append(dict(zip(table.header, values, strict=True)))
                table.lines.append(reader.line_num)
    except UnicodeDecodeError as exc:
        raise DataError([Problem(path, 0, f"not UTF-8 text ({exc.reason})")]) from None
    except csv.Error as exc:
        raise DataError([Problem(path, 0, f"malformed CSV: {exc}")]) from None
    return table


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
