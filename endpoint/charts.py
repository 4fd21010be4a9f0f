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
    colors=("#1f4e79", "#b3460b", "#6b6b6b"),
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
    possible: int = 0  # may have been Parties too: their day of entry into force is known only within bounds

    @property
    def total(self) -> int:
        return self.members + self.non_members


@dataclass(frozen=True)
class PartiesOverTime:
    years: list[YearCount]
    undated: int  # Parties of whose entry into force the graph knows no day and no bounds

    def alt_text(self, treaty: str) -> str:
        if not self.years:
            return f"No Party to {treaty} has a dated entry into force."
        first, last = self.years[0], self.years[-1]
        possibly = f", and {last.possible} more possibly (day not known)" if last.possible else ""
        return (
            f"Bar chart of Parties to {treaty} by year, {first.year} to {last.year}: from {first.total} "
            f"to {last.total} Parties, of which {last.members} Council of Europe members and "
            f"{last.non_members} non-members{possibly}."
        )


def parties_over_time(parties) -> PartiesOverTime:
    """Parties at the end of each year, from objects with .periods (start earliest, start latest, end
    earliest, end latest of each period of being a Party) and .member_on(day). On 31 December a party
    counts for certain when a period certainly began and had certainly not ended, as a Council of Europe
    member if it was one that day (Greece's membership has a gap); as possible when a period may have
    begun and may not have ended. A denunciation ends a period; a new consent starts another."""
    years = [int(day[:4]) for p in parties for period in p.periods for day in period if day]
    out = []
    for year in range(min(years), max(years) + 1) if years else ():
        day = f"{year}-12-31"
        certain = [p for p in parties if any(sl and sl <= day and not (ee and ee <= day) for _, sl, ee, _ in p.periods)]
        counted = {id(p) for p in certain}  # by identity: comparing the parties field by field was quadratic
        possible = [
            p
            for p in parties
            if id(p) not in counted and any(se and se <= day and not (el and el <= day) for se, _, _, el in p.periods)
        ]
        members = sum(1 for p in certain if p.member_on(day))
        out.append(YearCount(year, members, len(certain) - members, len(possible)))
    undated = sum(1 for p in parties if not any(se or sl for se, sl, _, _ in p.periods))
    return PartiesOverTime(out, undated)


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
    if any(row.possible for row in data.years):
        chart.add("Possibly Parties (day not known)", [row.possible for row in data.years])
    return chart.render()
