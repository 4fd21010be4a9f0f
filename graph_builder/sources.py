"""Read the curated tables in data/ into typed records, collecting every problem with file:line.

The treaties, States, organisations and memberships are read here; ``read_sources`` composes these
readers with those of the acts (``acts``), the treaties' rules (``treaty_rules``), the texts
(``texts``) and statements and claims (``statement_records``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from budapest_kg.iris import slug

from .acts import Act, read_acts
from .organisations import EuMembership, read_eu_memberships
from .table import STATUSES, DataError, Problem, Table
from .texts import Texts, read_texts
from .treaty_rules import TreatyRule, read_rules

ORGANISATION_KINDS = ("international-organisation", "organ", "post")
# A Council of Europe treaty's number, or a UN treaty's chapter and number in the UN Treaty Collection.
TREATY_NUMBER = re.compile(r"^(\d+|[IVXLC]+-\d+(-[a-z0-9]+)*)$")


@dataclass(frozen=True)
class Treaty:
    code: str  # "ETS 185"
    slug: str  # "ets-185"
    series: str
    number: str  # in its series: "185"; a UN treaty by chapter and number, "XVIII-16"
    short_title: str
    title_en: str
    title_fr: str
    adopted: dt.date | None
    opened: dt.date | None
    opened_place: str
    entry_into_force: dt.date | None
    status: str
    source: str
    line: int
    supplements: str = ""
    organisation: str = ""  # under whose auspices it was made: its member States count for entry into force
    adopted_by: str = ""  # the organ that adopted the text
    adopted_session: str = ""  # the organ's session, by its number


@dataclass(frozen=True)
class State:
    iso3: str
    iso2: str
    name: str
    line: int
    former: bool = False  # no longer exists (ISO 3166-3), e.g. Serbia and Montenegro


@dataclass(frozen=True)
class Organisation:
    """An international organisation, or an organ or post of one (a depositary, an inviting organ)."""

    ident: str
    kind: str
    name_en: str
    name_fr: str
    part_of: str
    status: str
    source: str
    line: int


@dataclass(frozen=True)
class Membership:
    """One period of a State's membership of the Council of Europe."""

    iso3: str
    joined: dt.date | None
    left: dt.date | None
    status: str
    source: str
    note: str
    line: int


@dataclass
class Sources:
    """Everything read from data/, ready to map to triples."""

    treaties: list[Treaty] = field(default_factory=list)
    states: list[State] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    acts: list[Act] = field(default_factory=list)
    texts: Texts | None = None
    organisations: list[Organisation] = field(default_factory=list)
    rules: list[TreatyRule] = field(default_factory=list)
    eu_memberships: list[EuMembership] = field(default_factory=list)

    @property
    def parties(self) -> set[str]:
        """Who may be a party: States, and international organisations (not their organs or posts)."""
        organisations = {o.ident for o in self.organisations if o.kind == "international-organisation"}
        return {s.iso3 for s in self.states} | organisations


def read_treaties(path: Path, problems: list[Problem]) -> list[Treaty]:
    columns = (
        "code", "series", "number", "short_title", "title_en", "title_fr", "adopted", "opened",
        "opened_place", "entry_into_force", "status", "source",
    )  # fmt: skip
    table = Table(path, columns, problems)
    treaties = []
    for line, row in table.rows():
        code = table.required(line, row, "code")
        if not TREATY_NUMBER.match(row["number"]):
            message = f"{row['number']!r} is not a treaty number (185, or XVIII-16 for a UN chapter and number)"
            table.report(line, message, "number")
            continue
        treaties.append(
            Treaty(
                code=code,
                slug=slug(code),
                series=table.required(line, row, "series"),
                number=row["number"],
                short_title=table.required(line, row, "short_title"),
                title_en=table.required(line, row, "title_en"),
                title_fr=row["title_fr"],
                adopted=table.date(line, row, "adopted"),
                opened=table.date(line, row, "opened"),
                opened_place=row["opened_place"],
                entry_into_force=table.date(line, row, "entry_into_force"),
                status=table.choice(line, row, "status", STATUSES),
                source=table.required(line, row, "source"),
                line=line,
                supplements=row.get("supplements", ""),
                organisation=row.get("organisation", ""),
                adopted_by=row.get("adopted_by", ""),
                adopted_session=row.get("adopted_session", ""),
            )
        )
    for treaty in treaties:
        if treaty.supplements and treaty.supplements not in {t.code for t in treaties}:
            table.report(treaty.line, f"unknown treaty {treaty.supplements!r}", "supplements")
    return treaties


def check_treaty_organisations(treaties: list[Treaty], organisations: list[Organisation], path: Path,
                               problems: list[Problem]) -> None:  # fmt: skip
    known = {o.ident for o in organisations}
    for treaty in treaties:
        for column in ("organisation", "adopted_by"):
            value = getattr(treaty, column)
            if value and value not in known:
                problems.append(Problem(path, treaty.line, f"unknown organisation {value!r} (not in organisations.csv)",
                                        column))  # fmt: skip


def read_states(path: Path, problems: list[Problem]) -> list[State]:
    table = Table(path, ("iso3", "name"), problems)
    states: list[State] = []
    seen: dict[str, int] = {}
    for line, row in table.rows():
        iso3 = row["iso3"]
        country = pycountry.countries.get(alpha_3=iso3) if len(iso3) == 3 else None
        former = pycountry.historic_countries.get(alpha_3=iso3) if country is None and len(iso3) == 3 else None
        if country is None and former is None:
            table.report(line, f"{iso3!r} is not an ISO 3166-1 alpha-3 country code (nor a former one, ISO 3166-3)",
                         "iso3")  # fmt: skip
            continue
        if iso3 in seen:
            table.report(line, f"duplicate State {iso3} (first on line {seen[iso3]})", "iso3")
            continue
        seen[iso3] = line
        alpha_2 = (country or former).alpha_2
        states.append(State(iso3, alpha_2, table.required(line, row, "name"), line, former=country is None))
    return states


def read_organisations(path: Path, problems: list[Problem]) -> list[Organisation]:
    columns = ("id", "kind", "name_en", "name_fr", "part_of", "status", "source")
    table = Table(path, columns, problems)
    organisations: list[Organisation] = []
    seen: dict[str, int] = {}
    for line, row in table.rows():
        if not table.new_identifier(line, row["id"], "id", seen):
            continue
        organisations.append(
            Organisation(
                ident=row["id"],
                kind=table.choice(line, row, "kind", ORGANISATION_KINDS),
                name_en=table.required(line, row, "name_en"),
                name_fr=row["name_fr"],
                part_of=row["part_of"],
                status=table.choice(line, row, "status", STATUSES),
                source=table.required(line, row, "source"),
                line=line,
            )
        )
    for organisation in organisations:
        if organisation.part_of and organisation.part_of not in seen:
            table.report(organisation.line, f"unknown organisation {organisation.part_of!r}", "part_of")
    return organisations


def read_memberships(path: Path, known: set[str], problems: list[Problem]) -> list[Membership]:
    table = Table(path, ("iso3", "joined", "left", "status", "source", "note"), problems)
    memberships = []
    for line, row in table.rows():
        iso3 = row["iso3"]
        if iso3 not in known:
            table.report(line, f"unknown State {iso3!r} (not in states.csv)", "iso3")
        joined = table.date(line, row, "joined")
        left = table.date(line, row, "left")
        if joined and left and left < joined:
            table.report(line, f"left {left} is before joined {joined}", "left")
        memberships.append(
            Membership(
                iso3=iso3,
                joined=joined,
                left=left,
                status=table.choice(line, row, "status", STATUSES),
                source=table.required(line, row, "source"),
                note=row["note"],
                line=line,
            )
        )
    check_overlaps(memberships, table)
    return memberships


def check_overlaps(memberships: list[Membership], table: Table) -> None:
    """A State's periods of membership may not overlap (nor two be open-ended)."""
    by_state: dict[str, list[Membership]] = {}
    for membership in memberships:
        if membership.joined:
            by_state.setdefault(membership.iso3, []).append(membership)
    for periods in by_state.values():
        periods.sort(key=lambda m: m.joined)
        for earlier, later in itertools.pairwise(periods):
            if earlier.left is None or earlier.left > later.joined:
                until = earlier.left or "no end"
                table.report(later.line, f"period from {later.joined} overlaps the period {earlier.joined} to {until} "
                             f"(line {earlier.line})", "joined")  # fmt: skip


def read_sources(data_dir: Path) -> Sources:
    """Read every table in data_dir; raise DataError listing every problem found."""
    problems: list[Problem] = []
    treaties = read_treaties(data_dir / "treaties.csv", problems)
    states = read_states(data_dir / "states.csv", problems)
    organisations = read_organisations(data_dir / "organisations.csv", problems)
    check_treaty_organisations(treaties, organisations, data_dir / "treaties.csv", problems)
    known = {s.iso3 for s in states}
    sources = Sources(treaties=treaties, states=states, organisations=organisations)
    codes = {t.code for t in treaties}
    sources.memberships = read_memberships(data_dir / "coe_membership.csv", known, problems)
    sources.acts = read_acts(data_dir / "acts.csv", sources.parties, {t.code: t.opened for t in treaties}, problems)
    sources.rules = read_rules(data_dir / "treaty_rules.csv", codes, {o.ident for o in organisations}, problems)
    sources.texts = read_texts(data_dir, codes, sources.parties, problems)
    ids = {o.ident for o in organisations}
    sources.eu_memberships = read_eu_memberships(data_dir / "eu_membership.csv", known, ids, problems)
    if problems:
        raise DataError(problems)
    return sources
