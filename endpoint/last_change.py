"""A treaty's last change: the acts of parties of the latest date up to today, with where they were recorded from.

What a visitor asks after an update ("who joined last?"): the acts themselves are linked, and the
provenance says which source, as of which day, the graph has them from (for an act imported from the
Treaty Office's chart: the chart's address and status date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .lookup import Lookup


@dataclass
class ChangedAct:
    iri: str
    state: str
    kind: str


@dataclass
class LastChange:
    date: str
    acts: list[ChangedAct] = field(default_factory=list)
    as_of: str = ""  # the newest source_as_of among them
    sources: list[str] = field(default_factory=list)  # the addresses they were recorded from


def read_last_change(lookup: Lookup, treaty: str, today: dt.date | None = None) -> LastChange | None:
    """The acts on the treaty of the latest date not after today; None when no act is dated."""
    today = today or dt.date.today()
    rows = lookup.select(
        f"SELECT ?e ?d ?s WHERE {{ ?e a bkg:PartyAct ; bkg:treaty <{treaty}> ; bkg:date ?d ; bkg:actor ?s"
        f' FILTER(?d <= "{today.isoformat()}"^^xsd:date) }} ORDER BY DESC(?d) ?e'
    )
    if not rows:
        return None
    change = LastChange(date=rows[0]["d"].value)
    for row in rows:
        if row["d"].value != change.date:
            break
        iri = row["e"].value
        change.acts.append(ChangedAct(iri, lookup.label(row["s"].value), name_kind(lookup, iri)))
        add_provenance(lookup, iri, change)
    return change


def name_kind(lookup: Lookup, act: str) -> str:
    """The label of the act's most specific kind of act of a party ('' when it has none)."""
    kinds = {r["k"].value for r in lookup.select(f"SELECT ?k WHERE {{ <{act}> a ?k }}")}
    party_act = str(lookup.bkg.PartyAct)
    specific = [k for k in lookup.most_specific(kinds) if party_act in lookup.superclasses.get(k, ())]
    return lookup.label(specific[0]) if specific else ""


def add_provenance(lookup: Lookup, act: str, change: LastChange) -> None:
    for row in lookup.select(
        # Provenance is on the act's record (1.0), not on the act itself.
        f"SELECT ?asof ?src WHERE {{ ?record bkg:describes <{act}> ."
        f" OPTIONAL {{ ?record bkg:sourceAsOf ?asof }} OPTIONAL {{ ?record prov:wasDerivedFrom ?src }} }}"
    ):
        change.as_of = max(change.as_of, str(row.get("asof", "")))
        if row.get("src") and row["src"].value not in change.sources:
            change.sources.append(row["src"].value)
