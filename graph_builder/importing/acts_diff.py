"""A chart against data/: which acts are new, which dates or kinds changed, which acts the chart lacks.

Acts are compared per State in three slots: signature, consent (ratification, acceptance, approval,
accession or a consent of unknown kind) and entry into force. Invitations to accede and denunciations
are not on the charts and are never compared. R./D./A./T./C./O. flags are compared with
data/chart_flags.csv and with the reservations, declarations, designated authorities and territorial
declarations in party_statements.csv (R, D, A, T).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..acts import act_group
from ..table import DataError, Problem
from .chart import FLAGS, Chart, ChartProblem, ChartRow
from .names import StateNames, read_names
from .tables import RawTable, read_table

ACT_COLUMNS = (
    "treaty", "party", "act", "date", "earliest", "latest", "predecessor", "status", "source", "source_as_of", "note",
)  # fmt: skip
FLAG_COLUMNS = ("treaty", "iso3", "flags", "status", "source", "source_as_of")
FLAGS_FILE = "chart_flags.csv"
SLOTS = ("signature", "consent", "entry-into-force")
# The chart's flag for each kind of party statement recorded in party_statements.csv.
STATEMENT_FLAGS = {"reservation": "R", "declaration": "D", "authority": "A", "territorial-application": "T"}


@dataclass(frozen=True)
class Change:
    """One difference between the chart and data/ for one State's act (or its flags)."""

    kind: str  # new, date, kind, confirmed, missing, flags
    iso3: str
    act: str  # the act as data/acts.csv names it (for flags: "flags")
    old: str = ""
    new: str = ""
    chart_line: int = 0
    data_line: int = 0  # line in acts.csv (or chart_flags.csv); 0 when the row is new
    held_back: str = ""  # why --write will not apply it (data newer than the chart)

    def describe(self, names: dict[str, str]) -> str:
        who = f"{self.iso3} ({names.get(self.iso3, '?')})"
        where = f"  [source line {self.chart_line}" + (f", acts.csv:{self.data_line}]" if self.data_line else "]")
        if self.kind == "new":
            text = f"+ {who} {self.act} {self.new}"
        elif self.kind == "missing":
            text = f"- {who} {self.act} {self.old or '(no date)'}: {self.new}"
        elif self.kind == "flags":
            text = f"! {who} flags {self.old or 'none'} -> {self.new or 'none'}"
        elif self.kind == "confirmed":
            text = f"= {who} {self.act} {self.new}: {self.old} -> verified"
        else:
            text = f"~ {who} {self.act}: {self.old or '(no date)'} -> {self.new}"
        held = f"  (not applied: {self.held_back})" if self.held_back else ""
        return text + held + where.replace("[source line 0, ", "[").replace("  [source line 0]", "")


@dataclass
class Diff:
    treaty: str  # "ETS 185"
    chart: Chart
    names: dict[str, str]  # ISO3 -> name, for messages (states.csv, else the chart's)
    problems: list[ChartProblem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    new_states: dict[str, str] = field(default_factory=dict)  # ISO3 -> the chart's name
    rows_read: int = 0

    def of(self, *kinds: str) -> list[Change]:
        return [c for c in self.changes if c.kind in kinds]

    @property
    def empty(self) -> bool:
        return not self.changes and not self.new_states


@dataclass(frozen=True)
class DataAct:
    line: int
    act: str
    date: str
    status: str
    source_as_of: str


def read_treaty_code(data_dir: Path, number: int | str) -> str:
    """The code of treaty `number` (185, or "XVIII-16") in treaties.csv; DataError when it is not there."""
    table = read_table(data_dir / "treaties.csv", ("code", "number"))
    for row in table.rows:
        if row["number"].strip() == str(number):
            return row["code"].strip()
    raise DataError([Problem(table.path, 0, f"no treaty number {number} in treaties.csv")])


def recorded_acts(acts: RawTable, treaty: str) -> dict[tuple[str, str], DataAct]:
    found: dict[tuple[str, str], DataAct] = {}
    for line, row in zip(acts.lines, acts.rows, strict=True):
        slot = act_group(row["act"].strip())
        if row["treaty"].strip() == treaty and slot in SLOTS:
            found.setdefault(
                (row["party"].strip(), slot),
                DataAct(line, row["act"].strip(), row["date"].strip(), row["status"].strip(), row["source_as_of"]),
            )
    return found


def recorded_flags(data_dir: Path, treaty: str) -> dict[str, tuple[frozenset[str], int]]:
    """ISO3 -> (flags recorded, line in chart_flags.csv or 0) for one treaty."""
    flags: dict[str, tuple[frozenset[str], int]] = {}
    table = read_table(data_dir / FLAGS_FILE, FLAG_COLUMNS, missing_ok=True)
    problems = []
    for line, row in zip(table.lines, table.rows, strict=True):
        letters = frozenset(row["flags"].split())
        if letters - set(FLAGS):
            message = f"{row['flags']!r}: flags are letters of {' '.join(FLAGS)}"
            problems.append(Problem(table.path, line, message, "flags"))
        elif row["treaty"].strip() == treaty:
            flags[row["iso3"].strip()] = (letters, line)
    if problems:
        raise DataError(problems)
    statements = read_table(data_dir / "party_statements.csv", ("treaty", "party", "kind"), missing_ok=True)
    for row in statements.rows:
        letter = STATEMENT_FLAGS.get(row["kind"].strip())
        if row["treaty"].strip() == treaty and letter:
            old, line = flags.get(row["party"].strip(), (frozenset(), 0))
            flags[row["party"].strip()] = (old | {letter}, line)
    return flags


def match_rows(chart: Chart, names: StateNames, diff: Diff) -> tuple[dict[str, ChartRow], set[str]]:
    """Party -> chart row for every row whose name is known (a State by its ISO3, an international organisation
    such as the EU by its id in organisations.csv); the parties of rows that could not be read."""
    matched: dict[str, ChartRow] = {}
    for row in chart.rows:
        iso3 = names.organisation(row.name)
        if iso3 is None and row.section == "organisation":
            diff.problems.append(
                ChartProblem(row.line, f"{row.name!r}: an international organisation not in organisations.csv; "
                             "row skipped")
            )  # fmt: skip
            continue
        iso3 = iso3 or names.match(row.name)
        if iso3 is None:
            diff.problems.append(
                ChartProblem(
                    row.line,
                    f"{row.name!r}: unknown State name (not in state_names.csv, states.csv or ISO 3166-1); row skipped",
                )
            )
        elif iso3 in matched:
            first = matched[iso3].line
            diff.problems.append(ChartProblem(row.line, f"{row.name!r} is {iso3} again (line {first}); row skipped"))
        else:
            matched[iso3] = row
    unread = {names.organisation(p.name) or names.match(p.name) for p in chart.problems if p.name} - {None}
    return matched, unread  # type: ignore[return-value]


def chart_acts(row: ChartRow) -> dict[str, tuple[str, dt.date]]:
    """slot -> (act as data/acts.csv names it, date) for what the row shows."""
    acts = {}
    if row.signature:
        acts["signature"] = ("signature", row.signature)
    if row.consent:
        acts["consent"] = (row.consent_kind, row.consent)
    if row.entry_into_force:
        acts["entry-into-force"] = ("entry-into-force", row.entry_into_force)
    return acts


def compare(chart: Chart, data_dir: Path, treaty: str) -> Diff:
    """Every difference between the chart and data/ for one treaty. DataError when data/ cannot be read."""
    names = read_names(data_dir)
    acts = read_table(data_dir / "acts.csv", ACT_COLUMNS)
    diff = Diff(treaty, chart, {**names.known, **names.organisation_names}, problems=list(chart.problems))
    matched, unread = match_rows(chart, names, diff)
    diff.rows_read = len(matched)
    as_of = chart.status_as_of.isoformat() if chart.status_as_of else ""
    recorded = recorded_acts(acts, treaty)
    for iso3, row in matched.items():
        if iso3 not in names.known and iso3 not in names.organisation_names and chart_acts(row):
            diff.new_states[iso3] = row.name
            diff.names[iso3] = row.name
    for iso3 in sorted(set(matched) | {iso3 for iso3, _ in recorded}):
        row = matched.get(iso3)
        shown = chart_acts(row) if row else {}
        for slot in chart.slots:
            data = recorded.get((iso3, slot))
            diff.changes.extend(compare_slot(iso3, slot, shown.get(slot), data, row, iso3 in unread, as_of))
    compare_flags(diff, matched, recorded_flags(data_dir, treaty))
    return diff


def compare_slot(iso3, slot, shown, data, row, unread, as_of) -> list[Change]:
    line = row.line if row else 0
    if shown is None and data is None:
        return []
    if data is None:
        act, date = shown
        return [Change("new", iso3, act, new=date.isoformat(), chart_line=line)]
    held = f"data as of {data.source_as_of} is newer than the chart" if as_of and data.source_as_of > as_of else ""
    if shown is None:
        why = "not shown on its row" if row else "not listed by the source"
        why = "row unreadable, not compared" if unread else why
        return [Change("missing", iso3, data.act, old=data.date, new=why, chart_line=line, data_line=data.line)]
    act, date = shown
    changes = []
    if slot == "consent" and kind_differs(act, data.act):
        changes.append(Change("kind", iso3, data.act, data.act, act, line, data.line, held))
    if data.date != date.isoformat():
        changes.append(Change("date", iso3, data.act, data.date, date.isoformat(), line, data.line, held))
    if not changes and data.status != "verified":
        changes.append(Change("confirmed", iso3, data.act, data.status, data.date, line, data.line, held))
    return changes


def kind_differs(shown: str, recorded: str) -> bool:
    """Whether the source's kind of consent contradicts data/: a source that does not say which of
    ratification, acceptance or approval ("consent") only tells an accession from the others."""
    if shown == "consent":
        return recorded == "accession"
    return shown != recorded


def compare_flags(diff: Diff, matched: dict[str, ChartRow], recorded: dict[str, tuple[frozenset[str], int]]) -> None:
    for iso3, row in sorted(matched.items()):
        old, line = recorded.get(iso3, (frozenset(), 0))
        if row.flags != old and (row.flags or line):
            diff.changes.append(Change("flags", iso3, "flags", flag_text(old), flag_text(row.flags), row.line, line))


def flag_text(flags: frozenset[str]) -> str:
    return " ".join(f for f in FLAGS if f in flags)
