"""Read acts.csv: what each party did on each treaty and when, as far as it is known.

A party (a State by its ISO code, or an international organisation) may do several acts of a kind
(sign, ratify, denounce and accede again); each is numbered within its group, in table order. A
date is a day, a month (YYYY-MM) or unknown, and may be bracketed by `earliest` and `latest`.
Problems are collected with file:line like the other tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .table import STATUSES, Problem, Table
from .timing import UNKNOWN, Window, partial_window

CONSENT_KINDS = ("ratification", "acceptance", "approval", "accession", "definitive-signature", "consent")
ACTS = ("signature", *CONSENT_KINDS, "succession", "entry-into-force", "denunciation", "invitation-to-accede")
COLUMNS = (
    "treaty", "party", "act", "date", "earliest", "latest", "predecessor", "status", "source", "source_as_of", "note",
)  # fmt: skip


def act_group(act: str) -> str:
    """The kinds of consent to be bound (ratification, acceptance, …) are one group: 'consent'.

    An act's IRI goes by its group and number, so that correcting the kind keeps the IRI. A
    succession is its own group: it takes over what the predecessor did (a signature, a consent).
    """
    return "consent" if act in CONSENT_KINDS else act


@dataclass(frozen=True)
class Act:
    treaty: str
    party: str
    act: str
    window: Window  # what is known of the day of the act (a deposit, a notification, a signature)
    status: str
    source: str
    source_as_of: str
    note: str
    line: int
    number: int = 1  # the party's n-th act of this group on this treaty
    predecessor: str = ""  # for a succession: the party succeeded to
    given: str = ""  # the date column as written: a day, a month or empty

    @property
    def group(self) -> str:
        return act_group(self.act)

    @property
    def date(self) -> dt.date | None:
        return self.window.exact

    @property
    def key(self) -> tuple[str, str]:
        return (self.treaty, self.party)


def read_acts(path: Path, parties: set[str], treaties: dict[str, dt.date | None], problems: list[Problem]) -> list[Act]:
    """Read acts.csv; treaties maps each treaty code to the day it opened for signature."""
    table = Table(path, COLUMNS, problems)
    acts: list[Act] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    counts: dict[tuple[str, str, str], int] = {}
    for line, row in table.rows():
        treaty, party = row["treaty"], row["party"]
        if treaty not in treaties:
            table.report(line, f"unknown treaty {treaty!r} (not in treaties.csv)", "treaty")
        if not party:
            table.report(line, "an act needs a party", "party")
        elif party not in parties:
            table.report(line, f"unknown party {party!r} (not in states.csv or organisations.csv)", "party")
        act = table.choice(line, row, "act", ACTS)
        window = read_window(table, line, row)
        predecessor = row["predecessor"]
        if act == "succession" and predecessor not in parties:
            table.report(
                line, f"a succession names its predecessor; {predecessor!r} is not a known party", "predecessor"
            )
        elif act != "succession" and predecessor:
            table.report(line, "only a succession has a predecessor", "predecessor")
        key = (treaty, party, act, str(window))
        if key in seen:
            table.report(line, f"duplicate {act} of {party} for {treaty} dated {window} (first on line {seen[key]})")
            continue
        seen[key] = line
        number = counts[treaty, party, act_group(act)] = counts.get((treaty, party, act_group(act)), 0) + 1
        acts.append(
            Act(
                treaty=treaty,
                party=party,
                act=act,
                window=window,
                status=table.choice(line, row, "status", STATUSES),
                source=table.required(line, row, "source"),
                source_as_of=row["source_as_of"],
                note=row["note"],
                line=line,
                number=number,
                predecessor=predecessor,
                given=row["date"],
            )
        )
    check_act_order(acts, path, problems)
    check_opened(acts, treaties, path, problems)
    return acts


def read_window(table: Table, line: int, row: dict[str, str]) -> Window:
    """The date column (a day or a month) narrowed by the earliest and latest columns; reports what is wrong."""
    try:
        given = partial_window(row["date"]) or UNKNOWN
    except ValueError as exc:
        table.report(line, str(exc), "date")
        given = UNKNOWN
    bounds = Window(table.date(line, row, "earliest"), table.date(line, row, "latest"))
    if bounds.is_empty:
        table.report(line, f"earliest {bounds.earliest} is after latest {bounds.latest}", "latest")
        return given
    if given.exact and (bounds.earliest or bounds.latest) and not bounds.contains(given.exact):
        table.report(line, f"date {given.exact} is outside its bounds {bounds}", "date")
    window = given.intersect(bounds)
    if window.is_empty:
        table.report(line, f"month {row['date']} and bounds {bounds} do not overlap", "date")
        return given
    return window


def spells(acts: list[Act]) -> dict[tuple[str, str], list[Act]]:
    """Each party's acts on each treaty, in table order."""
    by_key: dict[tuple[str, str], list[Act]] = {}
    for act in acts:
        by_key.setdefault(act.key, []).append(act)
    return by_key


def check_act_order(acts: list[Act], path: Path, problems: list[Problem]) -> None:
    """Per party and treaty: the n-th entry into force follows the n-th consent; a consent by ratification,
    acceptance or approval does not precede the first signature."""
    for (treaty, party), own in spells(acts).items():
        consents = [a for a in own if a.group == "consent"]
        entries = [a for a in own if a.group == "entry-into-force"]
        signatures = [a for a in own if a.group == "signature"]
        if len(entries) > len(consents):
            extra = entries[len(consents)]
            problems.append(Problem(path, extra.line, f"entry into force for {party} ({treaty}) without a consent"))
        for consent, entry in zip(consents, entries, strict=False):
            if before(entry.window, consent.window):
                message = f"entry into force {entry.window} is before the consent {consent.window}"
                problems.append(Problem(path, entry.line, message, "date"))
        ratified = consents and consents[0].act in ("ratification", "acceptance", "approval")
        if signatures and ratified and before(consents[0].window, signatures[0].window):
            message = f"consent {consents[0].window} is before the signature {signatures[0].window}"
            problems.append(Problem(path, consents[0].line, message, "date"))


def check_opened(acts: list[Act], opened: dict[str, dt.date | None], path: Path, problems: list[Problem]) -> None:
    """No signature or consent before the treaty was opened for signature."""
    for act in acts:
        day = opened.get(act.treaty)
        if day and act.group in ("signature", "consent") and act.window.latest and act.window.latest < day:
            problems.append(
                Problem(path, act.line, f"{act.act} {act.window} is before {act.treaty} opened on {day}", "date")
            )


def before(a: Window, b: Window) -> bool:
    """Whether a is certainly before b."""
    return a.latest is not None and b.earliest is not None and a.latest < b.earliest
