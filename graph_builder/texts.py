"""Read the tables about the treaties' texts and what was said about them.

Articles (articles_*.csv), treaty-level facts, the clauses permitting reservations and declarations;
the norms of paragraphs and the parties' statements (reservations, declarations, ...) are read by
``norm_records``, statements and claims by ``statement_records``. Problems
are collected with file:line like the other tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .norm_records import Paragraph, PartyStatement, provision_text, read_paragraphs, read_party_statements
from .statement_records import Claim, PublishedCount, Statement, read_claims, read_published_counts, read_statements
from .table import IDENTIFIER, STATUSES, Problem, Table

UNITS = ("chapter", "section", "title", "article")
CATEGORIES = (
    "definitions", "offence", "ancillary-liability", "procedural-power", "safeguards", "jurisdiction",
    "co-operation", "final-clause", "general",
)  # fmt: skip
OBLIGATIONS = ("yes", "mixed", "permissive", "no")
CLAUSE_KINDS = ("reservation", "declaration")


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


@dataclass
class Texts:
    units: list[Unit] = field(default_factory=list)
    facts: list[TreatyFact] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    party_statements: list[PartyStatement] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    counts: list[PublishedCount] = field(default_factory=list)


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
        if not IDENTIFIER.match(fact.replace("_", "-")):
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


def read_texts(data_dir: Path, treaties: set[str], states: set[str], problems: list[Problem]) -> Texts:
    """Read the article, fact, clause, reservation, statement and claim tables of data_dir."""
    texts = Texts()
    for path in sorted(data_dir.glob("articles_*.csv")):
        texts.units += read_units(path, treaties, problems)
    articles = {(u.treaty, u.number) for u in texts.units if u.unit == "article"}
    texts.facts = read_facts(data_dir / "treaty_facts.csv", treaties, problems)
    texts.clauses = read_clauses(data_dir / "reservations_declarations.csv", treaties, articles, problems)
    texts.paragraphs = read_paragraphs(data_dir / "paragraphs.csv", treaties, articles, problems)
    clauses = {(c.treaty, c.kind, c.provision) for c in texts.clauses}
    texts.party_statements = read_party_statements(
        data_dir / "party_statements.csv", clauses, states, norm_provisions(texts), problems
    )
    texts.statements = read_statements(data_dir / "statements.csv", treaties, states, articles, problems)
    texts.claims = read_claims(data_dir / "claims.csv", treaties, states, problems)
    texts.counts = read_published_counts(data_dir / "published_counts.csv", treaties, problems)
    return texts


BINDING = ("offence", "ancillary-liability", "procedural-power", "safeguards", "jurisdiction", "co-operation")


def establishes_norm(unit: Unit) -> bool:
    """Whether an article establishes a norm of its own: a binding kind, with "shall" or "may"."""
    return unit.unit == "article" and unit.category in BINDING and unit.obligation in ("yes", "mixed", "permissive")


def norm_provisions(texts: Texts) -> set[tuple[str, str]]:
    """(treaty, provision) of every norm: the articles' ('Art. 7') and the paragraphs' ('Art. 9(2)(b)')."""
    norms = {(u.treaty, provision_text(u.number)) for u in texts.units if establishes_norm(u)}
    return norms | {(p.treaty, p.provision) for p in texts.paragraphs}
