"""Read statements, positions and national developments (statements.csv), and the claims sources
make (claims.csv), some of which conflict. Problems are collected with file:line like the other tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from budapest_kg.iris import slug

from .table import IDENTIFIER, STATUSES, Problem, Table

STATEMENT_KINDS = (
    "position", "public-statement", "domestic-law", "domestic-approval", "court-decision", "drafting-participation",
)  # fmt: skip
STANCES = ("supports", "opposes", "declines", "reconsidering", "critical")
ACTOR = re.compile(r"^(state|organisation|person)/([A-Za-z0-9-]+)$")
ABOUT_KINDS = ("treaty", "state", "event", "membership", "participation")
INTEGER = re.compile(r"^\d+$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Statement:
    ident: str
    kind: str
    actor: str
    actor_label: str
    state: str
    treaty: str
    article: str
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    stance: str
    related: tuple[str, ...]
    text: str
    status: str
    source: str
    note: str
    line: int


@dataclass(frozen=True)
class Claim:
    ident: str
    conflict: str
    about: tuple[str, ...]  # resources the claim is about: treaty/…, state/…, event/…, participation/…
    claimant: str  # who makes it, by name ("seed" for the seed article)
    value: str  # the claimed value in machine form: a whole number or a day (YYYY-MM-DD), or ""
    text: str  # what the claim says, in words
    status: str
    source: str
    note: str
    line: int


@dataclass(frozen=True)
class PublishedCount:
    """A number of Parties (or ratifications) a source published for a treaty on a date."""

    treaty: str
    date: str  # YYYY-MM-DD, or YYYY-MM when the source gives only the month
    count: int
    basis: str  # the source's word: "parties" or "ratifications"
    claimant: str
    status: str
    source: str
    note: str
    line: int


def read_statements(
    path: Path, treaties: set[str], states: set[str], articles: set[tuple[str, str]], problems: list[Problem]
) -> list[Statement]:
    columns = (
        "statement", "kind", "actor", "actor_label", "state", "treaty", "article", "date", "stance", "related",
        "text", "status", "source", "note",
    )  # fmt: skip
    table = Table(path, columns, problems)
    statements: list[Statement] = []
    seen: dict[str, int] = {}
    for line, row in table.rows():
        ident = row["statement"]
        if not table.new_identifier(line, ident, "statement", seen):
            continue
        actor = ACTOR.match(row["actor"])
        if not actor:
            table.report(line, f"{row['actor']!r} is not state/ISO3, organisation/name or person/name", "actor")
        elif actor.group(1) == "state" and actor.group(2) not in states:
            table.report(line, f"unknown State {actor.group(2)!r} (not in states.csv)", "actor")
        elif actor.group(1) != "state" and not row["actor_label"]:
            table.report(line, "an organisation or person needs a name", "actor_label")
        if row["state"] and row["state"] not in states:
            table.report(line, f"unknown State {row['state']!r} (not in states.csv)", "state")
        if row["treaty"] and row["treaty"] not in treaties:
            table.report(line, f"unknown treaty {row['treaty']!r} (not in treaties.csv)", "treaty")
        if row["article"] and (row["treaty"], row["article"]) not in articles:
            table.report(line, f"no article {row['article']} in {row['treaty']}", "article")
        if row["stance"]:
            table.choice(line, row, "stance", STANCES)
        statements.append(
            Statement(
                ident=ident,
                kind=table.choice(line, row, "kind", STATEMENT_KINDS),
                actor=row["actor"],
                actor_label=row["actor_label"],
                state=row["state"],
                treaty=row["treaty"],
                article=row["article"],
                date=table.partial_date(line, row, "date"),
                stance=row["stance"],
                related=tuple(filter(None, (r.strip() for r in row["related"].split(";")))),
                text=table.required(line, row, "text"),
                status=table.choice(line, row, "status", STATUSES),
                source=table.required(line, row, "source"),
                note=row["note"],
                line=line,
            )
        )
    for statement in statements:
        for other in statement.related:
            if other not in seen:
                table.report(statement.line, f"unknown statement {other!r}", "related")
    return statements


def read_claims(path: Path, treaties: set[str], states: set[str], problems: list[Problem]) -> list[Claim]:
    columns = ("claim", "conflict", "about", "claimant", "value", "text", "status", "source", "note")
    table = Table(path, columns, problems)
    slugs = {slug(code) for code in treaties}
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for line, row in table.rows():
        ident = row["claim"]
        if not table.new_identifier(line, ident, "claim", seen):
            continue
        about = tuple(filter(None, (a.strip() for a in row["about"].split(";"))))
        if not about:
            table.report(line, "a claim is about at least one resource", "about")
        for resource in about:
            kind, _, rest = resource.partition("/")
            if kind not in ABOUT_KINDS or not rest:
                table.report(line, f"{resource!r} names no {'/, '.join(ABOUT_KINDS)}/ resource", "about")
            elif kind == "treaty" and rest not in slugs:
                table.report(line, f"unknown treaty {rest!r}", "about")
            elif kind == "state" and rest not in states:
                table.report(line, f"unknown State {rest!r} (not in states.csv)", "about")
        if row["conflict"] and not IDENTIFIER.match(row["conflict"]):
            table.report(line, f"{row['conflict']!r} is not an identifier (letters, digits and -)", "conflict")
        if row["value"] and not (INTEGER.match(row["value"]) or DAY.match(row["value"])):
            table.report(line, f"{row['value']!r} is not a whole number or a date YYYY-MM-DD", "value")
        elif DAY.match(row["value"]):
            table.date(line, row, "value")
        claims.append(
            Claim(
                ident=ident,
                conflict=row["conflict"],
                about=about,
                claimant=table.required(line, row, "claimant"),
                value=row["value"],
                text=table.required(line, row, "text"),
                status=table.choice(line, row, "status", STATUSES),
                source=table.required(line, row, "source"),
                note=row["note"],
                line=line,
            )
        )
    sizes: dict[str, list[Claim]] = {}
    for claim in claims:
        if claim.conflict:
            sizes.setdefault(claim.conflict, []).append(claim)
    for conflict, members in sizes.items():
        if len(members) < 2:
            table.report(members[0].line, f"conflict {conflict} has only one claim", "conflict")
    return claims


def read_published_counts(path: Path, treaties: set[str], problems: list[Problem]) -> list[PublishedCount]:
    columns = ("treaty", "date", "count", "basis", "claimant", "status", "source", "note")
    table = Table(path, columns, problems)
    counts: list[PublishedCount] = []
    for line, row in table.rows():
        if row["treaty"] not in treaties:
            table.report(line, f"unknown treaty {row['treaty']!r} (not in treaties.csv)", "treaty")
        date = table.partial_date(line, row, "date")
        if len(date) < 7:
            table.report(line, "a published count needs its day or month (YYYY-MM-DD or YYYY-MM)", "date")
        if not INTEGER.match(row["count"]):
            table.report(line, f"{row['count']!r} is not a whole number", "count")
            continue
        counts.append(
            PublishedCount(
                treaty=row["treaty"],
                date=date,
                count=int(row["count"]),
                basis=table.choice(line, row, "basis", ("parties", "ratifications")),
                claimant=table.required(line, row, "claimant"),
                status=table.choice(line, row, "status", STATUSES),
                source=table.required(line, row, "source"),
                note=row["note"],
                line=line,
            )
        )
    return counts
