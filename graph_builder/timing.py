"""Dates that may be known only within bounds, and the treaties' delay rules applied to them.

A ``Window`` is what is known of a day: both bounds equal when the day is known, a month when only
the month is, wider when a source only brackets it; a missing bound is unknown. A ``Delay`` is a
treaty's rule for when something takes effect, e.g. "the first day of the month following the
expiration of a period of three months after the date of deposit" (ETS 185 Art. 36(4)):
``Delay(months=3, first_of_next_month=True)``. Pure functions, no I/O.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

DURATION = re.compile(r"^P(?:(\d+)M)?(?:(\d+)D)?$")
# How far apart a deposit and its effect can be under any delay the tables accept (P12M at most).
_SEARCH_DAYS = 400


@dataclass(frozen=True)
class Window:
    """What is known of a day: between earliest and latest, both included; None is unbounded."""

    earliest: dt.date | None = None
    latest: dt.date | None = None

    @classmethod
    def day(cls, value: dt.date) -> Window:
        return cls(value, value)

    @classmethod
    def month(cls, year: int, month: int) -> Window:
        return cls(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))

    @property
    def exact(self) -> dt.date | None:
        """The day, when both bounds are the same day."""
        return self.earliest if self.earliest is not None and self.earliest == self.latest else None

    @property
    def is_empty(self) -> bool:
        return self.earliest is not None and self.latest is not None and self.earliest > self.latest

    @property
    def is_month(self) -> bool:
        """Whether the window is exactly one calendar month."""
        if self.earliest is None or self.latest is None or self.exact:
            return False
        return self.earliest.day == 1 and Window.month(self.earliest.year, self.earliest.month) == self

    def intersect(self, other: Window) -> Window:
        return Window(_later(self.earliest, other.earliest), _earlier(self.latest, other.latest))

    def contains(self, day: dt.date) -> bool:
        return (self.earliest is None or self.earliest <= day) and (self.latest is None or day <= self.latest)

    def __str__(self) -> str:
        if self.exact:
            return self.exact.isoformat()
        if self.is_month:
            return self.earliest.strftime("%Y-%m")
        return f"{self.earliest or '…'}..{self.latest or '…'}"


UNKNOWN = Window()


def _later(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else min(a, b)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day if it has fewer (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Delay:
    """A period after a date (months and days), then optionally the first day of the following month."""

    months: int = 0
    days: int = 0
    first_of_next_month: bool = False

    @classmethod
    def parse(cls, period: str, then: str = "") -> Delay:
        """'P3M' + 'first-day-of-next-month', 'P30D', 'P90D'. ValueError when the period is malformed."""
        match = DURATION.match(period)
        if not match or not any(match.groups()):
            raise ValueError(f"{period!r} is not a period such as P3M, P30D or P90D")
        months, days = (int(g) if g else 0 for g in match.groups())
        if months * 31 + days > 366:
            raise ValueError(f"{period!r} is longer than a year")
        return cls(months, days, then == "first-day-of-next-month")

    def apply(self, day: dt.date) -> dt.date:
        """The day on which something done on `day` takes effect."""
        end = add_months(day, self.months) + dt.timedelta(days=self.days)
        if not self.first_of_next_month:
            return end
        return dt.date(end.year + end.month // 12, end.month % 12 + 1, 1)

    def apply_window(self, window: Window) -> Window:
        """The effect of something done within window (the rule never moves a later day earlier)."""
        return Window(
            self.apply(window.earliest) if window.earliest else None,
            self.apply(window.latest) if window.latest else None,
        )

    def invert(self, effect: dt.date) -> Window:
        """The days on which something must have been done to take effect on `effect` (empty if none)."""
        days = [effect - dt.timedelta(days=n) for n in range(_SEARCH_DAYS)]
        matching = [d for d in days if self.apply(d) == effect]
        if not matching:
            return Window(effect, effect - dt.timedelta(days=1))
        return Window(min(matching), max(matching))

    def latest_done_by(self, effect: dt.date) -> dt.date:
        """The last day on which something could be done and take effect on or before `effect`."""
        day = effect
        while self.apply(day) > effect:
            day -= dt.timedelta(days=1)
        return day

    def describe(self) -> str:
        """The rule in words: 'the first day of the month following the expiration of a period of three months'."""
        parts = []
        if self.months:
            parts.append(f"{_number(self.months)} month{'s' if self.months > 1 else ''}")
        if self.days:
            parts.append(f"{_number(self.days)} day{'s' if self.days > 1 else ''}")
        period = " and ".join(parts)
        if self.first_of_next_month:
            return f"the first day of the month following the expiration of a period of {period} after"
        if not self.months:
            return f"the {_ordinal(self.days)} day after"
        return f"the day {period} after"


NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def _number(n: int) -> str:
    return NUMBERS[n] if n < len(NUMBERS) else str(n)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def partial_window(value: str) -> Window | None:
    """'2015-01-16' -> that day; '2015-01' -> January 2015; '' -> None. ValueError when malformed."""
    if not value:
        return None
    problem = f"{value!r} is not a valid date in the form YYYY-MM-DD (or a month, YYYY-MM)"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        year, month = map(int, value.split("-"))
        if not 1 <= month <= 12:
            raise ValueError(problem)
        return Window.month(year, month)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(problem)
    try:
        return Window.day(dt.date.fromisoformat(value))
    except ValueError:
        raise ValueError(problem) from None
