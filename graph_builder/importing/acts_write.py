"""Apply a reviewed chart diff to data/: acts.csv, chart_flags.csv and, for a new State, states.csv.

Every row written or changed gets the chart's address and status date as its source and
source_as_of, and status `verified`. Acts the chart lacks are never deleted (a chart can be
incomplete; removing a fact needs a person's decision), and a change is held back where data/ was
checked against a newer source than the chart.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..acts import act_group
from .acts_diff import ACT_COLUMNS, FLAG_COLUMNS, FLAGS_FILE, SLOTS, Change, Diff
from .tables import RawTable, read_table, write_tables

CHART_KIND_NOTE = "kind not shown by the chart: ratification, acceptance or approval"


class NotWritable(Exception):
    """data/ cannot be written: an installed package, or a folder without write permission."""


def check_writable(data_dir: Path) -> None:
    """NotWritable, saying what to do, unless data_dir is a source tree this process may change."""
    resolved = data_dir.resolve()
    if {"site-packages", "dist-packages"} & set(resolved.parts):
        raise NotWritable(
            f"{data_dir} is inside an installed package; give --source DIR (a checkout, or a copy of data/, "
            "ontology/ and queries/) to write to"
        )
    for path in (resolved, resolved / "acts.csv"):
        if path.exists() and not os.access(path, os.W_OK):
            raise NotWritable(f"{path} is not writable; give --source DIR with a writable copy of the tree")


def chart_source(diff: Diff, address: str) -> str:
    return f"{address} ({diff.chart.source_note()})" if diff.chart.status_as_of else address


def apply_diff(diff: Diff, data_dir: Path, address: str) -> list[Change]:
    """Write the diff's changes to data_dir; return those applied. The caller checks writability first."""
    as_of = diff.chart.status_as_of.isoformat() if diff.chart.status_as_of else ""
    source = chart_source(diff, address)
    acts = read_table(data_dir / "acts.csv", ACT_COLUMNS)
    applied = [c for c in diff.changes if c.kind not in ("missing", "flags") and not c.held_back]
    by_line = {line: row for line, row in zip(acts.lines, acts.rows, strict=True)}
    for change in applied:
        if change.kind == "new":
            continue
        row = by_line[change.data_line]
        update_act(row, change, diff, source, as_of)
    new = [c for c in applied if c.kind == "new"]
    for change in sorted(new, key=lambda c: (c.iso3, SLOTS.index(act_group(c.act)))):
        insert_act(acts, diff.treaty, change, source, as_of)
    tables = [acts]
    flags = [c for c in diff.changes if c.kind == "flags"]
    if flags:
        tables.append(write_flags(data_dir, diff.treaty, flags, source, as_of))
        applied += flags
    if diff.new_states:
        tables.append(add_states(data_dir, diff.new_states))
    write_tables(tables)
    return applied


def update_act(row: dict[str, str], change: Change, diff: Diff, source: str, as_of: str) -> None:
    was = f"{row['status']}, as of {row['source_as_of'] or '?'}"
    if change.kind == "confirmed":
        row["source"] = f"{source}; {row['source']}" if row["source"] else source
    else:
        what = "date" if change.kind == "date" else "act"
        earlier = f"{what} was {change.old or '(empty)'} ({was}) before the {diff.chart.kind} of {as_of}"
        row["note"] = f"{row['note']}; {earlier}" if row["note"] else earlier
        row["source"] = source
        if change.kind == "date":
            row["date"] = change.new
            if row.get("earliest") or row.get("latest"):  # a day the chart gives replaces a window
                row["note"] += f"; window was {row['earliest'] or '?'}..{row['latest'] or '?'}"
                row["earliest"] = row["latest"] = ""
        else:
            row["act"] = change.new
            if change.new == "consent" and CHART_KIND_NOTE not in row["note"]:
                row["note"] += f"; {CHART_KIND_NOTE}"
    row["status"] = "verified"
    row["source_as_of"] = as_of


def insert_act(acts: RawTable, treaty: str, change: Change, source: str, as_of: str) -> None:
    """Insert after the party's last act on the treaty, else after the treaty's last act, else at the end."""
    row = {column: "" for column in acts.header}
    row.update(
        treaty=treaty,
        party=change.iso3,
        act=change.act,
        date=change.new,
        status="verified",
        source=source,
        source_as_of=as_of,
        note=CHART_KIND_NOTE if change.act == "consent" else "",
    )
    same_state = [i for i, r in enumerate(acts.rows) if r["treaty"] == treaty and r["party"] == change.iso3]
    same_treaty = [i for i, r in enumerate(acts.rows) if r["treaty"] == treaty]
    at = (same_state or same_treaty or [len(acts.rows) - 1])[-1] + 1
    acts.rows.insert(at, row)
    acts.lines.insert(at, 0)


def write_flags(data_dir: Path, treaty: str, changes: list[Change], source: str, as_of: str) -> RawTable:
    table = read_table(data_dir / FLAGS_FILE, FLAG_COLUMNS, missing_ok=True)
    rows = {(r["treaty"], r["iso3"]): r for r in table.rows}
    for change in changes:
        row = rows.get((treaty, change.iso3))
        if row is None:
            row = {column: "" for column in table.header}
            row.update(treaty=treaty, iso3=change.iso3)
            table.rows.append(row)
            table.lines.append(0)
            rows[(treaty, change.iso3)] = row
        row.update(flags=change.new, status="verified", source=source, source_as_of=as_of)
    table.rows.sort(key=lambda r: (r["treaty"], r["iso3"]))
    return table


def add_states(data_dir: Path, states: dict[str, str]) -> RawTable:
    table = read_table(data_dir / "states.csv", ("iso3", "name"))
    for iso3, name in states.items():
        row = {column: "" for column in table.header}
        row.update(iso3=iso3, name=name)
        table.rows.append(row)
    table.rows.sort(key=lambda r: r["iso3"])
    return table
