"""Read treaty_rules.csv: each treaty's rules as data (depositary, entry into force, accession,
denunciation, amendment), with numbers and structured delays instead of prose.

A rule's prose is generated from its terms (``describe``), so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .table import STATUSES, Problem, Table
from .timing import Delay

RULES = (
    "depositary", "entry-into-force", "entry-into-force-for-party", "accession", "denunciation", "amendment",
    "reservations-carry-over",
)  # fmt: skip
CONDITIONS = (
    "in-force", "invitation", "unanimity-of-contracting-states", "acceded-to-supplemented",
    "regional-organisation-not-additional",
)  # fmt: skip
# An entry-into-force condition: an instrument of a regional economic integration organisation is not counted
# in addition to those of its member States (UN Convention against Cybercrime Art. 65(1)); the others are of accession.
NOT_ADDITIONAL = "regional-organisation-not-additional"
THEN = ("", "first-day-of-next-month")
COLUMNS = (
    "treaty", "rule", "article", "agent", "consents", "member_consents", "period", "then", "condition", "status",
    "source",
)  # fmt: skip
# What each kind of rule must state: a rule without its number cannot be applied.
REQUIRED = {
    "depositary": ("agent",),
    "entry-into-force": ("consents", "period"),
    "entry-into-force-for-party": ("period",),
    "denunciation": ("period",),
    "amendment": ("consents", "period"),
    "accession": ("condition",),
    "reservations-carry-over": ("article",),
}


@dataclass(frozen=True)
class TreatyRule:
    treaty: str
    rule: str
    article: str
    agent: str  # an organisation id: the depositary, or the organ that invites
    consents: int | None  # None for "all"
    member_consents: int
    delay: Delay | None
    conditions: tuple[str, ...]
    status: str
    source: str
    line: int


def read_rules(path: Path, treaties: set[str], organisations: set[str], problems: list[Problem]) -> list[TreatyRule]:
    table = Table(path, COLUMNS, problems)
    rules: list[TreatyRule] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in table.rows():
        treaty = row["treaty"]
        if treaty not in treaties:
            table.report(line, f"unknown treaty {treaty!r} (not in treaties.csv)", "treaty")
        kind = table.choice(line, row, "rule", RULES)
        for column in REQUIRED.get(kind, ()):
            if not row[column]:
                table.report(line, f"a rule of {kind} needs its {column.replace('_', ' ')}", column)
        if (treaty, kind) in seen:
            table.report(line, f"duplicate rule {kind} of {treaty} (first on line {seen[treaty, kind]})", "rule")
            continue
        seen[treaty, kind] = line
        if row["agent"] and row["agent"] not in organisations:
            table.report(line, f"unknown organisation {row['agent']!r} (not in organisations.csv)", "agent")
        conditions = tuple(filter(None, (c.strip() for c in row["condition"].split(";"))))
        for condition in conditions:
            if condition not in CONDITIONS:
                table.report(line, f"{condition!r} is not one of {', '.join(CONDITIONS)}", "condition")
        rules.append(
            TreatyRule(
                treaty=treaty,
                rule=kind,
                article=row["article"],
                agent=row["agent"],
                consents=count(table, line, row, "consents", allow_all=True),
                member_consents=count(table, line, row, "member_consents") or 0,
                delay=delay(table, line, row),
                conditions=conditions,
                status=table.choice(line, row, "status", STATUSES),
                source=table.required(line, row, "source"),
                line=line,
            )
        )
    return rules


def count(table: Table, line: int, row: dict[str, str], column: str, allow_all: bool = False) -> int | None:
    value = row[column]
    if not value or (allow_all and value == "all"):
        return None
    if not value.isdigit() or (int(value) == 0 and column == "consents"):
        table.report(line, f"{value!r} is not a positive whole number", column)
        return None
    return int(value)


def delay(table: Table, line: int, row: dict[str, str]) -> Delay | None:
    if row["then"] not in THEN:
        table.report(line, f"{row['then']!r} is not one of {', '.join(t for t in THEN if t)} (or empty)", "then")
    if not row["period"]:
        return None
    try:
        return Delay.parse(row["period"], row["then"])
    except ValueError as exc:
        table.report(line, str(exc), "period")
        return None


def describe(rule: TreatyRule, organisation: str = "", names: dict[str, str] | None = None) -> str:
    """The rule in words, generated from its terms."""
    names = names or {}
    where = f" ({rule.article})" if rule.article else ""
    if rule.rule == "depositary":
        return f"The depositary is the {names.get(rule.agent, rule.agent)}{where}."
    when = rule.delay.describe() if rule.delay else ""
    if rule.rule == "entry-into-force":
        who = f"{_count(rule.consents)} States"
        if rule.member_consents:
            who += f", including at least {_count(rule.member_consents)} member States of the {organisation},"
        text = f"Enters into force on {when} the date on which {who} have expressed their consent to be bound{where}."
        if NOT_ADDITIONAL in rule.conditions:
            text += (
                " An instrument of a regional economic integration organisation is not counted in addition to"
                " those of its member States."
            )
        return text
    if rule.rule == "entry-into-force-for-party":
        return f"For a State that consents later, enters into force on {when} the date of its consent{where}."
    if rule.rule == "denunciation":
        return f"A denunciation takes effect on {when} the date on which the depositary receives it{where}."
    if rule.rule == "amendment":
        return f"An amendment enters into force on {when} all Parties have accepted it{where}."
    if rule.rule == "reservations-carry-over":
        return (
            "Reservations and declarations a Party made to the treaty this one supplements apply also to this one,"
            f" unless the Party declares otherwise{where}."
        )
    terms = {
        "in-force": "after the treaty's entry into force",
        "invitation": f"on an invitation by the {names.get(rule.agent, rule.agent)}",
        "unanimity-of-contracting-states": "with the unanimous consent of the Contracting States",
        "acceded-to-supplemented": "by a State that acceded to the treaty it supplements",
    }
    return "Accession is open " + ", ".join(terms[c] for c in rule.conditions if c in terms) + f"{where}."


WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _count(n: int | None) -> str:
    if n is None:
        return "all"
    return WORDS[n] if n < len(WORDS) else str(n)
