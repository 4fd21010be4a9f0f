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
    """The acts on the treaty of the latest date not after today; None when no act is dated.

    Two queries: the latest date, then its acts with their kinds and records (rather than every dated act
    of the treaty, 286 rows for the Convention, and two more queries per act)."""
    today = today or dt.date.today()
    latest = lookup.select(
        f"SELECT (MAX(?d) AS ?last) WHERE {{ ?e a bkg:PartyAct ; bkg:treaty <{treaty}> ; bkg:date ?d ; bkg:actor ?s"
        f' FILTER(?d <= "{today.isoformat()}"^^xsd:date) }}'
    )
    if not latest or "last" not in latest[0]:
        return None
    day = latest[0]["last"]  # an xsd:date: only dates pass the filter
    rows = lookup.select(
        f"SELECT ?e ?s ?k ?asof ?src WHERE {{ ?e a bkg:PartyAct ; bkg:treaty <{treaty}> ;"
        f' bkg:date "{day.value}"^^xsd:date ; bkg:actor ?s'
        " { ?e a ?k } UNION { ?record bkg:describes ?e OPTIONAL { ?record bkg:sourceAsOf ?asof }"
        " OPTIONAL { ?record prov:wasDerivedFrom ?src } } } ORDER BY ?e"
    )
    change = LastChange(date=day.value)
    acts: dict[str, tuple[str, set[str], list[dict]]] = {}
    for row in rows:
        _, kinds, records = acts.setdefault(row["e"].value, (row["s"].value, set(), []))
        if "k" in row:
            kinds.add(row["k"].value)
        else:
            records.append(row)
    for iri, (actor, kinds, records) in acts.items():
        change.acts.append(ChangedAct(iri, lookup.label(actor), name_kind(lookup, kinds)))
        for row in records:
            change.as_of = max(change.as_of, str(row.get("asof", "")))
            if row.get("src") and row["src"].value not in change.sources:
                change.sources.append(row["src"].value)
    return change


def name_kind(lookup: Lookup, kinds: set[str]) -> str:
    """The label of the most specific of the act's kinds that is a kind of act of a party ('' when none is)."""
    party_act = str(lookup.bkg.PartyAct)
    specific = [k for k in lookup.most_specific(kinds) if party_act in lookup.superclasses.get(k, ())]
    return lookup.label(specific[0]) if specific else ""
