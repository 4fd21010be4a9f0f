"""The diff of a status list (a CoE chart, a UN status file) as text a person reviews before --write."""

from __future__ import annotations

from .acts_diff import Diff

SECTIONS = (
    (("new",), "new", "new acts"),
    (("date", "kind"), "changed", "changed dates and kinds of act"),
    (("missing",), "missing", "acts in data/ that the source does not show (never removed by --write)"),
    (("confirmed",), "confirmed", "acts the source confirms, to be marked verified"),
    (("flags",), "flag changes", "R./D./A./T./C./O. flags that differ from data/chart_flags.csv"),
)


def format_diff(diff: Diff, source_name: str) -> str:
    chart = diff.chart
    as_of = chart.status_as_of.isoformat() if chart.status_as_of else "unknown (no status date shown or given)"
    lines = [
        f"{chart.kind} of {diff.treaty}: {source_name}",
        f"  status as of {as_of}; {chart.layout}",
        f"  address: {chart.address or '(none found: give --url)'}",
        f"  {len(chart.rows)} rows read, {diff.rows_read} matched to data/; {len(diff.problems)} problem(s)",
    ]
    if diff.problems:
        lines.append("rows not read (skipped, nothing guessed):")
        lines += [f"  {source_name}:{p.line}: {p.message}" if p.line else f"  {source_name}: {p.message}"
                  for p in diff.problems]  # fmt: skip
    if diff.new_states:
        lines.append("States new to data/states.csv:")
        lines += [f"  + {iso3} {name}" for iso3, name in sorted(diff.new_states.items())]
    for kinds, _, title in SECTIONS:
        changes = diff.of(*kinds)
        if changes:
            lines.append(f"{title} ({len(changes)}):")
            lines += [f"  {change.describe(diff.names)}" for change in changes]
    counts = ", ".join(f"{len(diff.of(*kinds))} {short}" for kinds, short, _ in SECTIONS)
    lines.append("no differences from data/" if diff.empty else f"summary: {counts}")
    return "\n".join(lines) + "\n"
