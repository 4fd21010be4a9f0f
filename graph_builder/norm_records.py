"""Read the norms finer than an article (paragraphs.csv) and what parties stated under the treaties
(party_statements.csv): reservations, with the norms each excludes or only limits, declarations,
designations of authorities, territorial declarations, objections and withdrawals.

A norm is cited as its provision: "Art. 7" (the article's norm), "Art. 9(2)(b)" (a paragraph's).
Problems are collected with file:line like the other tables.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .table import STATUSES, Problem, Table

MODALITIES = ("obligation", "permission")
STATEMENT_KINDS = (
    "reservation", "reservation-withdrawal", "declaration", "authority", "territorial-application", "objection",
)  # fmt: skip
PROVISION = re.compile(r"^Art\. (\d+)((?:\([0-9a-z]+\))*)$")
RANGE = re.compile(r"^(\d+)-(\d+)$")
PARAGRAPH = re.compile(r"^\d+(\([a-z0-9]+\))*$")


def parse_provision(text: str) -> tuple[str, str] | None:
    """'Art. 9(2)(b)' -> ('9', '2(b)'); 'Art. 7' -> ('7', ''); anything else -> None."""
    match = PROVISION.match(text.strip())
    if not match:
        return None
    article, rest = match.groups()
    paragraph = rest[1:-1].replace(")(", "(", 1) + ")" if rest.count("(") > 1 else rest[1:-1]
    return article, paragraph


def provision_text(article: str, paragraph: str = "") -> str:
    """('9', '2(b)') -> 'Art. 9(2)(b)'."""
    if not paragraph:
        return f"Art. {article}"
    first, _, rest = paragraph.partition("(")
    return f"Art. {article}({first})" + (f"({rest}" if rest else "")


def split(value: str) -> tuple[str, ...]:
    return tuple(filter(None, (part.strip() for part in value.split(";"))))


@dataclass(frozen=True)
class Paragraph:
    """A norm a paragraph (or sub-paragraph) of an article establishes."""

    treaty: str
    article: str
    paragraph: str  # "1(a)(i)"
    modality: str
    summary: str
    incorporates: tuple[tuple[str, str], ...]  # (treaty, article) of another treaty this norm applies
    status: str
    source: str
    line: int

    @property
    def provision(self) -> str:
        return provision_text(self.article, self.paragraph)


@dataclass(frozen=True)
class PartyStatement:
    """A reservation, declaration, designation, territorial declaration, objection or withdrawal."""

    treaty: str
    party: str
    kind: str
    provisions: tuple[str, ...]
    date: dt.date | None
    effective: dt.date | None
    text: str
    excludes: tuple[str, ...]  # norms the party does not apply at all (provisions)
    limits: tuple[str, ...]  # norms it applies only in part, or on conditions
    status: str
    source: str
    source_as_of: str
    note: str
    line: int


def read_paragraphs(path: Path, treaties: set[str], articles: set[tuple[str, str]], problems: list[Problem]
                    ) -> list[Paragraph]:  # fmt: skip
    columns = ("treaty", "article", "paragraph", "modality", "summary", "incorporates", "status", "source")
    table = Table(path, columns, problems)
    paragraphs: list[Paragraph] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in table.rows():
        treaty, article, paragraph = row["treaty"], row["article"], row["paragraph"]
        if treaty not in treaties:
            table.report(line, f"unknown treaty {treaty!r} (not in treaties.csv)", "treaty")
        elif (treaty, article) not in articles:
            table.report(line, f"no article {article} in {treaty}", "article")
        if not PARAGRAPH.match(paragraph):
            table.report(line, f"{paragraph!r} is not a paragraph such as 1, 2(b) or 1(a)(i)", "paragraph")
            continue
        key = (treaty, article, paragraph)
        if key in seen:
            table.report(line, f"duplicate paragraph {paragraph} of Art. {article} (first on line {seen[key]})")
            continue
        seen[key] = line
        paragraphs.append(
            Paragraph(
                treaty=treaty,
                article=article,
                paragraph=paragraph,
                modality=table.choice(line, row, "modality", MODALITIES),
                summary=table.required(line, row, "summary"),
                incorporates=incorporated(table, line, row["incorporates"], treaties),
                status=table.choice(line, row, "status", STATUSES),
                source=table.required(line, row, "source"),
                line=line,
            )
        )
    return paragraphs


def incorporated(table: Table, line: int, value: str, treaties: set[str]) -> tuple[tuple[str, str], ...]:
    """'ETS 185:14-21;23-35' -> the articles of ETS 185 it names."""
    if not value:
        return ()
    treaty, _, numbers = value.rpartition(":")
    if treaty not in treaties:
        table.report(line, f"{value!r} names no treaty of treaties.csv (form: 'ETS 185:14-21;23')", "incorporates")
        return ()
    out = []
    for part in split(numbers):
        span = RANGE.match(part)
        if span:
            out.extend((treaty, str(n)) for n in range(int(span.group(1)), int(span.group(2)) + 1))
        elif part.isdigit():
            out.append((treaty, part))
        else:
            table.report(line, f"{part!r} is not an article number or a range such as 14-21", "incorporates")
    return tuple(out)


def read_party_statements(
    path: Path, clauses: set[tuple[str, str, str]], parties: set[str], norms: set[tuple[str, str]],
    problems: list[Problem],
) -> list[PartyStatement]:  # fmt: skip
    """clauses: (treaty, kind, provision) of reservations_declarations.csv; norms: (treaty, provision) of every norm."""
    columns = (
        "treaty", "party", "kind", "provision", "date", "effective", "text", "excludes", "limits", "status", "source",
        "source_as_of", "note",
    )  # fmt: skip
    table = Table(path, columns, problems)
    statements: list[PartyStatement] = []
    for line, row in table.rows():
        treaty, party = row["treaty"], row["party"]
        if not party:
            table.report(line, "a statement needs a party", "party")
        elif party not in parties:
            table.report(line, f"unknown party {party!r} (not in states.csv or organisations.csv)", "party")
        kind = table.choice(line, row, "kind", STATEMENT_KINDS)
        provisions = split(row["provision"])
        if kind in ("reservation", "reservation-withdrawal"):
            if not provisions:
                table.report(line, "a reservation names the provision it is made under", "provision")
            for provision in provisions:
                if (treaty, "reservation", provision) not in clauses:
                    message = f"no reservation clause {provision!r} of {treaty} in reservations_declarations.csv"
                    table.report(line, message, "provision")
        excludes, limits = split(row["excludes"]), split(row["limits"])
        if (excludes or limits) and kind != "reservation":
            table.report(line, "only a reservation excludes or limits norms", "excludes" if excludes else "limits")
        for column, cited in (("excludes", excludes), ("limits", limits)):
            for provision in cited:
                if (treaty, provision) not in norms:
                    message = f"{provision!r} is no norm of {treaty} (an article's or paragraphs.csv's)"
                    table.report(line, message, column)
        statements.append(
            PartyStatement(
                treaty=treaty,
                party=party,
                kind=kind,
                provisions=provisions,
                date=table.date(line, row, "date"),
                effective=table.date(line, row, "effective"),
                text=table.required(line, row, "text"),
                excludes=excludes,
                limits=limits,
                status=table.choice(line, row, "status", STATUSES),
                source=table.required(line, row, "source"),
                source_as_of=row["source_as_of"],
                note=row["note"],
                line=line,
            )
        )
    return statements
