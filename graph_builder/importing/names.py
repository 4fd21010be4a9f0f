"""State names as the Treaty Office's charts spell them, matched to ISO 3166-1 alpha-3 codes.

A name matches when, normalised (Unicode NFKC, case, quotes, apostrophes and spaces), it equals one of:
1. a name in data/state_names.csv (the charts' own names: "the former Yugoslav Republic of Macedonia",
   "Turkey", "Serbia and Montenegro"; each row with its source);
2. the name of the State in data/states.csv;
3. a name ISO 3166-1 gives the country (pycountry: name, official name, common name), and the two
   orders the UN Treaty Collection writes ISO's inverted names in: "Korea, Republic of" is also
   "Republic of Korea" and "Korea (Republic of)", "Iran, Islamic Republic of" "Iran (Islamic Republic of)".
Nothing else: no fuzzy matching, so a misspelt or unknown name is reported, never guessed.
A leading "the" is not significant ("the State of Palestine").
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from ..table import DataError, Problem
from .tables import read_table

ALIASES_FILE = "state_names.csv"
ORGANISATIONS_FILE = "organisations.csv"  # international organisations that may be parties (the EU)
ALIAS_COLUMNS = ("name", "iso3", "status", "source", "note")
QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": "", "”": "", '"': ""})


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).translate(QUOTES).casefold()
    text = " ".join(text.replace(",", " , ").split()).strip(" '")
    return text.removeprefix("the ")


def iso_names(country) -> list[str]:
    """ISO's names of a country, and its inverted name ("Korea, Republic of") in the two orders written out."""
    names = [getattr(country, a) for a in ("name", "official_name", "common_name") if getattr(country, a, None)]
    for name in list(names):
        head, comma, tail = name.partition(", ")
        if comma and tail.lower().endswith((" of", " of the")):
            names += [f"{tail} {head}", f"{head} ({tail})"]
    return names


@dataclass
class StateNames:
    """Normalised name -> ISO3, with where each name came from; the States data/states.csv knows."""

    codes: dict[str, str] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    known: dict[str, str] = field(default_factory=dict)  # ISO3 -> name in states.csv
    organisations: dict[str, str] = field(default_factory=dict)  # normalised name -> id in organisations.csv
    organisation_names: dict[str, str] = field(default_factory=dict)  # id -> English name

    def organisation(self, name: str) -> str | None:
        return self.organisations.get(normalise(name))

    def add(self, name: str, iso3: str, origin: str) -> None:
        key = normalise(name)
        if key and key not in self.codes:  # earlier sources win: aliases, then states.csv, then ISO
            self.codes[key] = iso3
            self.origin[key] = origin

    def match(self, name: str) -> str | None:
        return self.codes.get(normalise(name))

    def where(self, name: str) -> str:
        return self.origin.get(normalise(name), "")


def read_names(data_dir: Path) -> StateNames:
    """The names from data_dir's state_names.csv and states.csv, then ISO's; DataError for a bad row."""
    problems: list[Problem] = []
    names = StateNames()
    aliases = data_dir / ALIASES_FILE
    for line, row in read_csv(aliases, ALIAS_COLUMNS, problems):
        if pycountry.countries.get(alpha_3=row["iso3"]) is None:
            problems.append(Problem(aliases, line, f"{row['iso3']!r} is not an ISO 3166-1 alpha-3 code", "iso3"))
        elif not row["name"] or not row["source"]:
            problems.append(Problem(aliases, line, "a name and its source are required"))
        else:
            names.add(row["name"], row["iso3"], f"{ALIASES_FILE}:{line}")
    states = data_dir / "states.csv"
    for line, row in read_csv(states, ("iso3", "name"), problems):
        names.known[row["iso3"]] = row["name"]
        names.add(row["name"], row["iso3"], f"states.csv:{line}")
    organisations = data_dir / ORGANISATIONS_FILE
    if organisations.is_file():
        for _, row in read_csv(organisations, ("id", "kind", "name_en"), problems):
            if row["kind"] == "international-organisation":  # a party; not an organ or a post
                names.organisations[normalise(row["name_en"])] = row["id"]
                names.organisation_names[row["id"]] = row["name_en"]
    if problems:
        raise DataError(problems)
    for country in pycountry.countries:
        for name in iso_names(country):
            names.add(name, country.alpha_3, "ISO 3166-1 (pycountry)")
    return names


def read_csv(path: Path, columns: tuple[str, ...], problems: list[Problem]) -> list[tuple[int, dict[str, str]]]:
    """Rows with their line numbers; what cannot be read is added to problems."""
    try:
        table = read_table(path, columns)
    except DataError as exc:
        problems.extend(exc.problems)
        return []
    return [(line, {k: v.strip() for k, v in row.items()}) for line, row in zip(table.lines, table.rows, strict=True)]
