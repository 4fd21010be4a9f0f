"""Read the curated tables in data/ into typed records, collecting every problem with file:line.

The treaties, States, memberships and acts are read here; ``read_sources`` composes these readers
with those of the texts (``texts``) and of statements and claims (``statement_records``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from budapest_kg.iris import slug

from .organisations import read_eu_memberships, read_organisations
from .table import STATUSES, DataError, Problem, Table
from .texts import Texts, read_texts

# A Council of Europe treaty's number, or a UN treaty's chapter and number in the UN Treaty Collection.
TREATY_NUMBER = re.compile(r"^(\d+|[IVXLC]+-\d+(-[a-z0-9]+)*)$")
CONSENT_KINDS = ("ratification", "acceptance", "approval", "accession", "consent")
ACTS = ("signature", *CONSENT_KINDS, "entry-into-force", "denunciation", "invitation-to-accede")


def act_group(act: str) -> str:
    """The kinds of consent to be bound (ratification, acceptance, …) are one act: 'consent'.

    A State consents once to a treaty, whatever the kind; the act's IRI and the checks on
    duplicates and order go by the group.
    """
    return "consent" if act in CONSENT_KINDS else act


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


@dataclass(frozen=True)
class State:
    iso3: str
    iso2: str
    name: str
    line: int


@dataclass(frozen=True)
class Membership:
    iso3: str
    joined: dt.date | None
    left: dt.date | None
    status: str
    source: str
    note: str
    line: int


@dataclass(frozen=True)
class Act:
    treaty: str
    iso3: str
    act: str
    date: dt.date | None
    status: str
    source: str
    source_as_of: str
    note: str
    line: int

    @property
    def group(self) -> str:
        return act_group(self.act)


@dataclass
class Sources:
    """Everything read from data/, ready to map to triples."""

    treaties: list[Treaty] = field(default_factory=list)
    states: list[State] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    acts: list[Act] = field(default_factory=list)
    texts: Texts | None = None
    organisations: list = field(default_factory=list)  # organisations.Organisation
    eu_memberships: list = field(default_factory=list)  # organisations.EuMembership


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
            )
        )
    for treaty in treaties:
        if treaty.supplements and treaty.supplements not in {t.code for t in treaties}:
            table.report(treaty.line, f"unknown treaty {treaty.supplements!r}", "supplements")
    return treaties


def read_states(path: Path, problems: list[Problem]) -> list[State]:
    table = Table(path, ("iso3", "name"), problems)
    states: list[State] = []
    seen: dict[str, int] = {}
    for line, row in table.rows():
        iso3 = row["iso3"]
        country = pycountry.countries.get(alpha_3=iso3) if len(iso3) == 3 else None
        if country is None:
            table.report(line, f"{iso3!r} is not an ISO 3166-1 alpha-3 country code", "iso3")
            continue
        if iso3 in seen:
            table.report(line, f"duplicate State {iso3} (first on line {seen[iso3]})", "iso3")
            continue
        seen[iso3] = line
        states.append(State(iso3, country.alpha_2, table.required(line, row, "name"), line))
    return states


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
    return memberships


def read_acts(path: Path, known_states: set[str], known_treaties: set[str], problems: list[Problem]) -> list[Act]:
    columns = ("treaty", "iso3", "act", "date", "status", "source", "source_as_of", "note")
    table = Table(path, columns, problems)
    acts: list[Act] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in table.rows():
        treaty, iso3 = row["treaty"], row["iso3"]
        if treaty not in known_treaties:
            table.report(line, f"unknown treaty {treaty!r} (not in treaties.csv)", "treaty")
        if not iso3:
            table.report(line, "an act needs a State", "iso3")
        elif iso3 not in known_states:
            table.report(line, f"unknown State {iso3!r} (not in states.csv)", "iso3")
        act = table.choice(line, row, "act", ACTS)
        key = (treaty, iso3, act_group(act))
        duplicate = key in seen
        if duplicate:
            table.report(line, f"duplicate {key[2]} of {iso3} for {treaty} (first on line {seen[key]})", "act")
        seen.setdefault(key, line)
        record = Act(
            treaty=treaty,
            iso3=iso3,
            act=act,
            date=table.date(line, row, "date"),
            status=table.choice(line, row, "status", STATUSES),
            source=table.required(line, row, "source"),
            source_as_of=row["source_as_of"],
            note=row["note"],
            line=line,
        )
        if not duplicate:
            acts.append(record)
    check_act_order(acts, path, problems)
    return acts


def check_act_order(acts: list[Act], path: Path, problems: list[Problem]) -> None:
    """Per State and treaty: signature <= consent <= entry into force; no entry into force without consent."""
    by_key: dict[tuple[str, str], dict[str, Act]] = {}
    for act in acts:
        by_key.setdefault((act.treaty, act.iso3), {})[act.group] = act
    for (treaty, iso3), kinds in by_key.items():
        signature, consent, eif = kinds.get("signature"), kinds.get("consent"), kinds.get("entry-into-force")
        if eif and not consent:
            problems.append(Problem(path, eif.line, f"entry into force for {iso3} ({treaty}) without a consent"))
        if consent and eif and consent.date and eif.date and eif.date < consent.date:
            problems.append(
                Problem(path, eif.line, f"entry into force {eif.date} is before the consent {consent.date}", "date")
            )
        if signature and consent and signature.date and consent.date and consent.date < signature.date:
            problems.append(
                Problem(path, consent.line, f"consent {consent.date} is before the signature {signature.date}", "date")
            )


def read_sources(data_dir: Path) -> Sources:
    """Read every table in data_dir; raise DataError listing every problem found."""
    problems: list[Problem] = []
    treaties = read_treaties(data_dir / "treaties.csv", problems)
    states = read_states(data_dir / "states.csv", problems)
    known = {s.iso3 for s in states}
    memberships = read_memberships(data_dir / "coe_membership.csv", known, problems)
    acts = read_acts(data_dir / "acts.csv", known, {t.code for t in treaties}, problems)
    texts = read_texts(data_dir, {t.code for t in treaties}, known, problems)
    organisations = read_organisations(data_dir / "organisations.csv", problems)
    eu = read_eu_memberships(data_dir / "eu_membership.csv", known, {o.id for o in organisations}, problems)
    if problems:
        raise DataError(problems)
    return Sources(
        treaties=treaties, states=states, memberships=memberships, acts=acts, texts=texts,
        organisations=organisations, eu_memberships=eu,
    )  # fmt: skip
