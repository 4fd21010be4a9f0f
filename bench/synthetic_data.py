"""Synthetic inputs shaped like data/: today's tables plus made-up treaties and acts, k times larger.

Scale 1 is a copy of data/. At scale k the acts table has about k times as many rows: every ISO
3166 country becomes a State and signs, consents to and is bound by synthetic treaties numbered
CETS 9001 and up (numbers no real treaty uses, so nothing here can pass for a fact). Dates are drawn
by a seeded generator and respect what the reader and the checks require (signature <= consent <=
entry into force, all between 1949 and today).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import shutil
from pathlib import Path

import pycountry

SOURCE = "synthetic benchmark data (bench/synthetic_data.py); not a fact"
FIRST_NUMBER = 9001


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def append_rows(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writerows({c: row.get(c, "") for c in columns} for row in rows)


def in_force_from(consent: dt.date) -> dt.date:
    """The first day of the month following three months after the consent (as ETS 185 Art. 36(4))."""
    month = consent.month + 4
    year = consent.year + (month - 1) // 12
    return dt.date(year, (month - 1) % 12 + 1, 1)


def generate(data_dir: Path, out_dir: Path, scale: int, seed: int = 185) -> dict[str, int]:
    """Copy data/ into out_dir and grow treaties/states/coe_membership/acts to the scale; return row counts.

    The other tables (articles, treaty facts, statements, links, …) stay at today's size.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in data_dir.glob("*.csv"):
        shutil.copyfile(path, out_dir / path.name)
    _, acts = read_rows(data_dir / "acts.csv")
    if scale > 1:
        rng = random.Random(seed)
        states = add_states(data_dir, out_dir, rng)
        wanted = (scale - 1) * len(acts)
        count = math.ceil(wanted / (3 * len(states)))
        add_treaties(out_dir, count)
        add_acts(out_dir, states, count, rng)
    return {name: len(read_rows(out_dir / name)[1]) for name in ("treaties.csv", "states.csv", "acts.csv")}


def add_states(data_dir: Path, out_dir: Path, rng: random.Random) -> list[str]:
    """Every ISO 3166-1 country as a State; the new ones get a made-up Council of Europe membership."""
    _, known = read_rows(data_dir / "states.csv")
    present = {row["iso3"] for row in known}
    new = [c for c in sorted(pycountry.countries, key=lambda c: c.alpha_3) if c.alpha_3 not in present]
    append_rows(out_dir / "states.csv", ["iso3", "name"], [{"iso3": c.alpha_3, "name": c.name} for c in new])
    columns = ["iso3", "joined", "left", "status", "source", "note"]
    rows = []
    for country in new:
        if rng.random() < 0.3:
            joined = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
            left = joined + dt.timedelta(days=rng.randrange(365 * 20)) if rng.random() < 0.2 else None
            rows.append(
                {"iso3": country.alpha_3, "joined": joined.isoformat(), "left": left.isoformat() if left else "",
                 "status": "unverified", "source": SOURCE}
            )  # fmt: skip
    append_rows(out_dir / "coe_membership.csv", columns, rows)
    return sorted(present | {c.alpha_3 for c in new})


def add_treaties(out_dir: Path, count: int) -> None:
    columns, _ = read_rows(out_dir / "treaties.csv")
    rows = []
    for index in range(count):
        number = FIRST_NUMBER + index
        rows.append(
            {"code": f"CETS {number}", "series": "CETS", "number": str(number),
             "short_title": f"Synthetic treaty {number}", "title_en": f"Synthetic benchmark treaty {number}",
             "opened": "2001-11-23", "opened_place": "Nowhere", "entry_into_force": "2004-07-01",
             "status": "unverified", "source": SOURCE}
        )  # fmt: skip
    append_rows(out_dir / "treaties.csv", columns, rows)


def add_acts(out_dir: Path, states: list[str], count: int, rng: random.Random) -> None:
    """Each State signs, consents to and is bound by each synthetic treaty, at random dates in order."""
    columns, _ = read_rows(out_dir / "acts.csv")
    kinds = ("ratification", "acceptance", "approval", "accession")
    rows = []
    for index in range(count):
        treaty = f"CETS {FIRST_NUMBER + index}"
        for iso3 in states:
            signed = dt.date(2001, 11, 23) + dt.timedelta(days=rng.randrange(365 * 15))
            consented = signed + dt.timedelta(days=rng.randrange(30, 365 * 5))
            for act, date in (
                ("signature", signed),
                (rng.choice(kinds), consented),
                ("entry-into-force", in_force_from(consented)),
            ):
                rows.append({"treaty": treaty, "party": iso3, "act": act, "date": date.isoformat(),
                             "status": "unverified", "source": SOURCE})  # fmt: skip
    append_rows(out_dir / "acts.csv", columns, rows)
