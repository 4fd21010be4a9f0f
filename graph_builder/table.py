"""The one reader of the curated CSV tables: rows with their line numbers, every problem kept as file:line.

Problems are collected, not raised one by one: a reader records what is wrong with a row and goes
on, and the caller raises one DataError listing all of them.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

STATUSES = ("verified", "unverified", "derived")
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, with where it is."""

    file: Path
    line: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class DataError(Exception):
    """Raised when the inputs have problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the input data")


class Table:
    """A CSV file read row by row, with problems recorded against file and line.

    Blank rows are skipped; values are stripped; the helpers check one column of a row and report
    what is wrong with it.
    """

    def __init__(self, path: Path, columns: tuple[str, ...], problems: list[Problem]):
        self.path = path
        self.columns = columns
        self.problems = problems

    def report(self, line: int, message: str, column: str = "") -> None:
        self.problems.append(Problem(self.path, line, message, column))

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        if not self.path.is_file():
            self.report(0, "file not found")
            return
        try:
            with open(self.path, newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle, strict=True)
                header = next(reader, None)
                if header is None:
                    self.report(1, "empty file: expected a header row")
                    return
                missing = [c for c in self.columns if c not in header]
                if missing:
                    self.report(1, f"missing column(s) {', '.join(missing)}; header is {','.join(header)}")
                    return
                for values in reader:
                    line = reader.line_num
                    if not any(v.strip() for v in values):
                        continue
                    if len(values) != len(header):
                        self.report(line, f"expected {len(header)} fields, found {len(values)}")
                        continue
                    yield line, {k: v.strip() for k, v in zip(header, values, strict=True)}
        except UnicodeDecodeError as exc:
            self.report(0, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        except csv.Error as exc:
            self.report(getattr(exc, "line_num", 0) or 0, f"malformed CSV: {exc}")

    def date(self, line: int, row: dict[str, str], column: str, required: bool = False) -> dt.date | None:
        value = row[column]
        if not value:
            if required:
                self.report(line, "a date is required", column)
            return None
        try:
            if len(value) != 10:
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self.report(line, f"{value!r} is not a valid date in the form YYYY-MM-DD", column)
            return None

    def choice(self, line: int, row: dict[str, str], column: str, allowed: tuple[str, ...]) -> str:
        value = row[column]
        if value not in allowed:
            self.report(line, f"{value!r} is not one of {', '.join(allowed)}", column)
        return value

    def required(self, line: int, row: dict[str, str], column: str) -> str:
        value = row[column]
        if not value:
            self.report(line, "a value is required", column)
        return value

    def partial_date(self, line: int, row: dict[str, str], column: str) -> str:
        """A date of the precision the source gives: YYYY, YYYY-MM or YYYY-MM-DD ("" if malformed)."""
        value = row[column]
        if value and not PARTIAL_DATE.match(value):
            self.report(line, f"{value!r} is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD", column)
            return ""
        if len(value) == 10:
            self.date(line, row, column)
        return value

    def new_identifier(self, line: int, ident: str, column: str, seen: dict[str, int]) -> bool:
        """Whether ident is a well-formed identifier not seen before in this table; reports it otherwise."""
        if not IDENTIFIER.match(ident):
            self.report(line, f"{ident!r} is not an identifier (letters, digits and -)", column)
            return False
        if ident in seen:
            self.report(line, f"duplicate {column} {ident} (first on line {seen[ident]})", column)
            return False
        seen[ident] = line
        return True
