"""Charts drawn from the graph with pygal, as SVG, each with the table that states the same numbers."""

from __future__ import annotations

from dataclasses import dataclass

import pygal
from pygal.style import Style

# Dark blue and dark orange on white: both above 4.5:1 contrast, and told apart without colour vision.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#555555",
    colors=("#1f4e79", "#b3460b"),
    opacity="1",
    opacity_hover="1",
    font_family="system-ui, sans-serif",
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
)


@dataclass(frozen=True)
class YearCount:
    """Parties at the end of a year, split by Council of Europe membership on that day."""

    year: int
    members: int
    non_members: int

    @property
    def total(self) -> int:
        return self.members + self.non_members


@dataclass(frozen=True)
class PartiesOverTime:
    years: list[YearCount]
    undated: int  # Parties whose entry into force has no date in the graph

    def alt_text(self, treaty: str) -> str:
        if not self.years:
            return f"No Party to {treaty} has a dated entry into force."
        first, last = self.years[0], self.years[-1]
        return (
            f"Bar chart of Parties to {treaty} by year, {first.year} to {last.year}: from {first.total} "
            f"to {last.total} Parties, of which {last.members} Council of Europe members and "
            f"{last.non_members} non-members."
        )


def parties_over_time(parties) -> PartiesOverTime:
    """Parties at the end of each year, from rows with .in_force, .until and .member_on(day): a party
    counts from its entry into force until its participation ended, as a Council of Europe member in the
    years it was one on 31 December (Greece's membership has a gap), else as a non-member."""
    entered = [int(p.in_force[:4]) for p in parties if p.in_force]
    out = []
    for year in range(min(entered), max(entered) + 1) if entered else ():
        day = f"{year}-12-31"
        present = [p for p in parties if p.in_force and p.in_force <= day and not (p.until and p.until <= day)]
        members = sum(1 for p in present if p.member_on(day))
        out.append(YearCount(year, members, len(present) - members))
    return PartiesOverTime(out, sum(1 for p in parties if not p.in_force))


def render_svg(data: PartiesOverTime, treaty: str) -> bytes:
    """The stacked bar chart as a standalone SVG (no script: pygal's JS would come from a CDN)."""
    chart = pygal.StackedBar(
        style=STYLE,
        js=(),
        width=860,
        height=420,
        title=f"Parties to {treaty} over time",
        x_title="Year (end of year)",
        y_title="Parties",
        legend_at_bottom=True,
        x_label_rotation=-45,
        print_values=False,
    )
    chart.x_labels = [str(row.year) for row in data.years]
    chart.add("Council of Europe members", [row.members for row in data.years])
    chart.add("Non-member States", [row.non_members for row in data.years])
    return chart.render()
