"""Read the tables about the treaties' texts and what was said about them.

Articles (articles_*.csv), treaty-level facts, the clauses permitting reservations and declarations,
the reservations States made, statements and positions, and claims that sources make (some of which
conflict). Problems are collected with file:line like the other tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .sources import STATUSES, Problem, Table

UNITS = ("chapter", "section", "title", "article")
CATEGORIES = (
    "definitions", "offence", "ancillary-liability", "procedural-power", "safeguards", "jurisdiction",
    "co-operation", "final-clause", "general",
)  # fmt: skip
OBLIGATIONS = ("yes", "mixed", "permissive", "no")
CLAUSE_KINDS = ("reservation", "declaration")
STATEMENT_KINDS = (
    "position", "public-statement", "domestic-law", "domestic-approval", "court-decision", "drafting-participation",
)  # fmt: skip
STANCES = ("supports", "opposes", "declines", "reconsidering", "critical")
ACTOR = re.compile(r"^(state|organisation|person)/([A-Za-z0-9-]+)$")
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
ABOUT_KINDS = ("treaty", "state", "event", "membership")
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")


@dataclass(frozen=True)
class Unit:
    """A chapter, section, title or article of a treaty; path is e.g. 'chapter/II/section/1'."""

    treaty: str
    unit: str
    number: str
    path: str
    parent: str  # path of the parent unit, "" for the treaty itself
    heading_en: str
    heading_fr: str
    category: str
    obligation: str
    conduct_or_power: str
    status: str
    status_detail: str
    source: str
    line: int


@dataclass(frozen=True)
class TreatyFact:
    treaty: str
    fact: str
    value: str
    status: str
    status_detail: str
    source: str
    line: int


@dataclass(frozen=True)
class Clause:
    """A provision under which a reservation or declaration may be made."""

    treaty: str
    provision: str
    articles: tuple[tuple[str, str], ...]  # (treaty, article number)
    kind: str
    granted_by: str
    description: str
    status: str
    source: str
    line: int


@dataclass(frozen=True)
class Reservation:
    """A reservation or declaration a State made under a clause."""

    treaty: str
    iso3: str
    kind: str
    provision: str
    date: object
    status: str
    source: str
    note: str
    line: int


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
    about: str
    claimant: str
    value: str
    status: str
    source: str
    note: str
    line: int


@dataclass
class Texts:
    units: list[Unit] = field(default_factory=list)
    facts: list[TreatyFact] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    reservations: list[Reservation] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


def unit_path(parent: str, unit: str, number: str) -> str:
    """'Chapter II / Section 1' + title 2 -> 'chapter/II/section/1/title/2'; articles hang off the treaty."""
    if unit == "article":
        return f"article/{number}"
    return "/".join(filter(None, (parent_path(parent), f"{unit}/{number}")))


def parent_path(parent: str) -> str:
    parts = []
    for piece in filter(None, (p.strip() for p in parent.split("/"))):
        kind, _, number = piece.partition(" ")
        parts.append(f"{kind.lower()}/{number}")
    return "/".join(parts)


def read_units(path: Path, treaties: set[str], problems: list[Problem]) -> list[Unit]:
    columns = (
        "treaty", "unit", "number", "heading_en", "heading_fr", "parent", "category", "obligation",
        "conduct_or_power", "status", "status_detail", "source",
    )  # fmt: skip
    table = Table(path, columns, problems)
    units: list[Unit] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in table.rows():
        treaty = row["treaty"]
        if treaty not in treaties:
            table.report(line, f"unknown treaty {treaty!r} (not in treaties.csv)", "treaty")
        unit = table.choice(line, row, "unit", UNITS)
        number = table.required(line, row, "number")
        if row["category"]:
            table.choice(line, row, "category", CATEGORIES)
        elif unit == "article":
            table.report(line, "an article needs a category", "category")
        if row["obligation"] or unit == "article":
            table.choice(line, row, "obligation", OBLIGATIONS)
        path = unit_path(row["parent"], unit, number)
        key = (treaty, path)
        if key in seen:
            table.report(line, f"duplicate {unit} {number} of {treaty} (first on line {seen[key]})", "number")
            continue
        seen[key] = line
        units.append(
            Unit(
                treaty=treaty,
                unit=unit,
                number=number,
                path=path,
                parent=parent_path(row["parent"]),
                heading_en=table.required(line, row, "heading_en"),
                heading_fr=row["heading_fr"],
                category=row["category"],
                obligation=row["obligation"],
                conduct_or_power=row["conduct_or_power"],
                status=table.choice(line, row, "status", STATUSES),
                status_detail=row["status_detail"],
                source=table.required(line, row, "source"),
                line=line,
            )
        )
    paths = {u.path for u in units}
    for unit in units:
        if unit.parent and unit.parent not in paths:
            table.report(unit.line, f"parent {unit.parent!r} is not a unit of {unit.treaty} in this file", "parent")
    return units


def read_facts(path: Path, treaties: set[str], problems: list[Problem]) -> list[TreatyFact]:
    table = Table(path, ("treaty", "fact", "value", "status", "status_detail", "source"), problems)
    facts: list[TreatyFact] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in table.rows():
        treaty, fact = row["treaty"], row["fact"]
        if treaty not in treaties:
            table.report(line, f"unknown treaty {treaty!r} (not in treaties.csv)", "treaty")
        if not SLUG.match(fact.replace("_", "-")):
            table.report(line, f"{fact!r} is not a fact name (letters, digits, _ and -)", "fact")
            continue
        if (treaty, fact) in seen:
            table.report(line, f"duplicate fact {fact} of {treaty} (first on line {seen[treaty, fact]})", "fact")
            continue
        seen[treaty, fact] = line
        facts.append(
            TreatyFact(
                treaty=treaty,
                fact=fact,
                value=table.required(line, row, "value"),
                status=table.choice(line, row, "status", STATUSES),
                status_detail=row["status_detail"],
                source=table.required(line, row, "source"),
                line=line,
            )
        )
    return facts


def read_clauses(
    path: Path, treaties: set[str], articles: set[tuple[str, str]], problems: list[Problem]
) -> list[Clause]:
    columns = ("treaty", "provision", "articles", "kind", "granted_by", "description", "status", "source")
    table = Table(path, columns, problems)
    clauses: list[Clause] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in table.rows():
        treaty = row["treaty"]
        if treaty not in treaties:
            table.report(line, f"unknown treaty {treaty!r} (not in treaties.csv)", "treaty")
        kind = table.choice(line, row, "kind", CLAUSE_KINDS)
        refs = []
        for ref in filter(None, (r.strip() for r in row["articles"].split(";"))):
            other, _, number = ref.rpartition(":")
            target = (other or treaty, number)
            if target not in articles:
                table.report(line, f"no article {number} in {target[0]}", "articles")
            refs.append(target)
        key = (treaty, row["provision"], kind)
        if key in seen:
            table.report(line, f"duplicate {kind} clause {row['provision']} (first on line {seen[key]})", "provision")
            continue
        seen[key] = line
        clauses.append(
            Clause(
                treaty=treaty,
                provision=table.required(line, row, "provision"),
                articles=tuple(refs),
                kind=kind,
                granted_by=row["granted_by"],
                description=row["description"],
                status=table.choice(line, row, "status", STATUSES),
                source=table.required(line, row, "source"),
                line=line,
            )
        )
    return clauses


def read_reservations(
    path: Path, clauses: list[Clause], states: set[str], problems: list[Problem]
) -> list[Reservation]:
    columns = ("treaty", "iso3", "kind", "provision", "date", "status", "source", "note")
    table = Table(path, columns, problems)
    known = {(c.treaty, c.kind, c.provision) for c in clauses}
    reservations: list[Reservation] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for line, row in table.rows():
        treaty, iso3 = row["treaty"], row["iso3"]
        if not iso3:
            table.report(line, "a reservation or declaration needs a State", "iso3")
        elif iso3 not in states:
            table.report(line, f"unknown State {iso3!r} (not in states.csv)", "iso3")
        kind = table.choice(line, row, "kind", CLAUSE_KINDS)
        if (treaty, kind, row["provision"]) not in known:
            table.report(line, f"no {kind} clause {row['provision']!r} of {treaty} in reservations_declarations.csv",
                         "provision")  # fmt: skip
        key = (treaty, iso3, kind, row["provision"])
        if key in seen:
            table.report(line, f"duplicate {kind} of {iso3} under {row['provision']} (first on line {seen[key]})",
                         "provision")  # fmt: skip
            continue
        seen[key] = line
        reservations.append(
            Reservation(
                treaty=treaty,
                iso3=iso3,
                kind=kind,
                provision=row["provision"],
                date=table.date(line, row, "date"),
                status=table.choice(line, row, "status", STATUSES),
                source=table.required(line, row, "source"),
                note=row["note"],
                line=line,
            )
        )
    return reservations


def check_partial_date(table: Table, line: int, row: dict[str, str], column: str) -> str:
    """A date of the precision the source gives: YYYY, YYYY-MM or YYYY-MM-DD."""
    value = row[column]
    if value and not PARTIAL_DATE.match(value):
        table.report(line, f"{value!r} is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD", column)
        return ""
    if len(value) == 10:
        table.date(line, row, column)
    return value


def is_new_identifier(table: Table, line: int, ident: str, column: str, seen: dict[str, int]) -> bool:
    """Whether ident is a well-formed identifier not seen before in the table; reports it otherwise."""
    if not SLUG.match(ident):
        table.report(line, f"{ident!r} is not an identifier (letters, digits and -)", column)
        return False
    if ident in seen:
        table.report(line, f"duplicate {column} {ident} (first on line {seen[ident]})", column)
        return False
    seen[ident] = line
    return True


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
        if not is_new_identifier(table, line, ident, "statement", seen):
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
                date=check_partial_date(table, line, row, "date"),
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
    columns = ("claim", "conflict", "about", "claimant", "value", "status", "source", "note")
    table = Table(path, columns, problems)
    slugs = {code.lower().replace(" ", "-") for code in treaties}
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for line, row in table.rows():
        ident = row["claim"]
        if not is_new_identifier(table, line, ident, "claim", seen):
            continue
        kind, _, rest = row["about"].partition("/")
        if kind not in ABOUT_KINDS or not rest:
            table.report(line, f"{row['about']!r} names no treaty/, state/, event/ or membership/ resource", "about")
        elif kind == "treaty" and rest not in slugs:
            table.report(line, f"unknown treaty {rest!r}", "about")
        elif kind == "state" and rest not in states:
            table.report(line, f"unknown State {rest!r} (not in states.csv)", "about")
        if row["conflict"] and not SLUG.match(row["conflict"]):
            table.report(line, f"{row['conflict']!r} is not an identifier (letters, digits and -)", "conflict")
        claims.append(
            Claim(
                ident=ident,
                conflict=row["conflict"],
                about=row["about"],
                claimant=table.required(line, row, "claimant"),
                value=table.required(line, row, "value"),
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


def read_texts(data_dir: Path, treaties: set[str], states: set[str], problems: list[Problem]) -> Texts:
    """Read the article, fact, clause, reservation, statement and claim tables of data_dir."""
    texts = Texts()
    for path in sorted(data_dir.glob("articles_*.csv")):
        texts.units += read_units(path, treaties, problems)
    articles = {(u.treaty, u.number) for u in texts.units if u.unit == "article"}
    texts.facts = read_facts(data_dir / "treaty_facts.csv", treaties, problems)
    texts.clauses = read_clauses(data_dir / "reservations_declarations.csv", treaties, articles, problems)
    texts.reservations = read_reservations(data_dir / "state_reservations.csv", texts.clauses, states, problems)
    texts.statements = read_statements(data_dir / "statements.csv", treaties, states, articles, problems)
    texts.claims = read_claims(data_dir / "claims.csv", treaties, states, problems)
    return texts
