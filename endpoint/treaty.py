"""The treaty page: its Parties (sortable), States still to become Parties, signatories, events, structure."""

from __future__ import annotations

import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from flask import render_template, request

from . import charts
from .last_change import read_last_change
from .lookup import Lookup
from .views import read_external_links, read_parts

PARTY_COLUMNS = {
    "name": ("State", lambda p: p.name.casefold()),
    "iso3": ("ISO code", lambda p: p.iso3),
    "kind": ("Kind of consent", lambda p: p.kind),
    # By the cell as shown: ISO days first, in order, then bounds ("between …"), then "unknown".
    "consent": ("Consent deposited", lambda p: p.consent_date or p.consent_window or "unknown"),
    "in_force": ("In force from", lambda p: p.in_force or p.in_force_window or "unknown"),
    "member": ("Council of Europe member", lambda p: not p.member),
}


@dataclass
class PartyRow:
    iri: str
    name: str
    iso3: str
    kind: str = ""
    consent_date: str = ""
    in_force: str = ""
    signed: str = ""
    member: bool = False  # on the build's status date
    is_party: bool = False
    consent_window: str = ""  # what is known of an undated deposit: "between 2024-06-18 and 2025-12-04"
    in_force_window: str = ""  # and of an undated entry into force, by the treaty's rule


@dataclass
class ChartParty:
    """For the chart: a party's periods of being a Party (start earliest, start latest, end earliest, end
    latest: equal bounds for a known day, empty when open) and of Council of Europe membership."""

    periods: list[tuple[str, str, str, str]] = field(default_factory=list)
    memberships: list[tuple[str, str]] = field(default_factory=list)  # (from, until)

    def member_on(self, day: str) -> bool:
        """Whether it was a Council of Europe member on day (ISO date), by its periods of membership."""
        return any(start <= day and (not end or end > day) for start, end in self.memberships)


def render_treaty(lookup: Lookup, iri: str, statements: dict) -> str:
    # What needs none of the acts (events, articles, structure, last change: five queries) is read on a
    # thread of its own meanwhile, so that the page waits on two query workers at once, not on each in
    # turn. The request holds its query slot already (its first query took it); an engine fault there
    # is raised here by result(), as if read on this thread.
    aside = alongside().submit(read_aside, lookup, iri)
    acts = read_acts(lookup, iri)
    rows = read_contracting_states(lookup, iri, acts)
    parties = [row for row in rows if row.is_party]
    sort, descending = choose_sort(request.args.get("sort"), request.args.get("order"))
    parties.sort(key=PARTY_COLUMNS[sort][1], reverse=descending)
    contracting = {row.iri for row in rows}
    signed = acts.signatures
    chart = charts.parties_over_time(chart_parties(lookup, iri, acts.periods))
    return render_template(
        "treaty.html",
        **statements,
        **aside.result(),
        title_code=series_code(lookup, iri),
        parties=parties,
        pending=[row for row in rows if not row.is_party],
        signatories=sorted(
            ({"iri": r["s"].value, "date": r.get("d", "")} for r in signed if r["s"].value not in contracting),
            key=lambda s: lookup.label(s["iri"]).casefold(),
        ),
        columns=PARTY_COLUMNS,
        sort=sort,
        descending=descending,
        chart=chart,
        links=read_external_links(lookup, statements),
        chart_url=f"/charts/parties/{lookup.href(iri).strip('/')}.svg",
    )


def read_aside(lookup: Lookup, iri: str) -> dict:
    """The parts of a treaty's page that need none of its acts: events, article count, structure, last change."""
    events = lookup.select(
        f"SELECT ?e ?k ?d ?place WHERE {{ ?e a bkg:TreatyLevelEvent ; bkg:treaty <{iri}> ; a ?k ."
        " ?k rdfs:subClassOf bkg:TreatyLevelEvent FILTER(?k != bkg:TreatyLevelEvent)"
        " OPTIONAL { ?e bkg:date ?d } OPTIONAL { ?e bkg:place ?place } }"
        " ORDER BY ?d"
    )
    return {
        "events": events,
        "articles": count_articles(lookup, iri),
        "parts": read_parts(lookup, iri),
        "last_change": read_last_change(lookup, iri),
    }


_threads: tuple[int, ThreadPoolExecutor] | None = None


def alongside() -> ThreadPoolExecutor:
    """This process's threads for the work a page does alongside its own thread (made in the process that
    uses them: a pool inherited through a fork has no threads behind it)."""
    global _threads
    if _threads is None or _threads[0] != os.getpid():
        _threads = (os.getpid(), ThreadPoolExecutor(max_workers=4, thread_name_prefix="bkg-page"))
    return _threads[1]


def series_code(lookup: Lookup, treaty: str) -> str:
    """ETS 185, CETS 224: the prefix of the labels of the treaty's parts."""
    return lookup.series_codes.get(treaty, "")


def count_articles(lookup: Lookup, treaty: str) -> int:
    rows = lookup.select(f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a bkg:Article ; eli:is_part_of+ <{treaty}> }}")
    return int(rows[0]["n"].value) if rows else 0


def choose_sort(sort: str | None, order: str | None) -> tuple[str, bool]:
    return (sort if sort in PARTY_COLUMNS else "in_force"), order == "desc"


@dataclass
class TreatyActs:
    """What the treaty page reads of the parties' acts and participations, in two queries for all of them."""

    signatures: list[dict] = field(default_factory=list)  # rows ?s (signatory), ?d (its date, when known)
    bound: list[dict] = field(default_factory=list)  # rows ?s, ?d: the dated entries into force
    # rows ?s, ?link (contractingDuring | partyDuring), ?se ?sl ?ee ?el: the bounds of the period
    periods: list[dict] = field(default_factory=list)


def read_acts(lookup: Lookup, treaty: str) -> TreatyActs:
    """The treaty's signatures and entries into force, and its participations' periods.

    Two queries, each a UNION of small patterns (not one with many OPTIONALs: rdflib's engine takes
    seconds on those), where there were six (the chart's periods among them)."""
    t = f"<{treaty}>"
    acts = TreatyActs()
    for row in lookup.select(
        f"SELECT ?link ?s ?d WHERE {{ {{ ?e bkg:signatory ?s ; bkg:treaty {t} BIND(1 AS ?link) }}"
        f" UNION {{ ?e bkg:boundParty ?s ; bkg:treaty {t} BIND(2 AS ?link) }} OPTIONAL {{ ?e bkg:date ?d }} }}"
    ):
        if row["link"].value == "1":
            acts.signatures.append(row)
        elif "d" in row:
            acts.bound.append(row)
    acts.periods = read_participations(lookup, treaty)
    return acts


def read_participations(lookup: Lookup, treaty: str) -> list[dict]:
    """The periods of each participation in the treaty, as being contracting and as being a Party."""
    return lookup.select(
        f"SELECT ?s ?link ?se ?sl ?ee ?el WHERE {{ ?pp bkg:participant ?s ; bkg:treaty <{treaty}> ."
        ' { ?pp bkg:contractingDuring ?period BIND("contracting" AS ?link) }'
        ' UNION { ?pp bkg:partyDuring ?period BIND("party" AS ?link) }'
        " OPTIONAL { ?period bkg:startEarliest ?se } OPTIONAL { ?period bkg:startLatest ?sl }"
        " OPTIONAL { ?period bkg:endEarliest ?ee } OPTIONAL { ?period bkg:endLatest ?el } }"
    )


def read_contracting_states(lookup: Lookup, treaty: str, acts: TreatyActs | None = None) -> list[PartyRow]:
    """Every State that consented to the treaty, with its consent, entry into force and signature."""
    t = f"<{treaty}>"
    acts = acts or read_acts(lookup, treaty)
    by_state: dict[str, PartyRow] = {}
    for row in lookup.select(
        f"SELECT ?s ?iso ?member ?party WHERE {{ ?s bkg:isContractingPartyOf {t}"
        " OPTIONAL { ?s bkg:iso3166Alpha3 ?iso } OPTIONAL { ?s bkg:isCouncilOfEuropeMember ?member }"
        f" OPTIONAL {{ ?s bkg:isPartyTo {t} BIND(true AS ?party) }} }}"
    ):
        iri = row["s"].value
        party = by_state.setdefault(iri, PartyRow(iri, lookup.label(iri), str(row.get("iso", ""))))
        party.member = party.member or str(row.get("member", "")) in ("true", "1")
        party.is_party = party.is_party or "party" in row
    read_consents(lookup, t, by_state)
    read_periods(acts.periods, by_state)
    for rows, attribute in ((acts.bound, "in_force"), (acts.signatures, "signed")):
        for row in rows:
            party = by_state.get(row["s"].value)
            if party is not None and not getattr(party, attribute) and "d" in row:
                setattr(party, attribute, row["d"].value)
    return list(by_state.values())


def read_periods(periods: list[dict], by_state: dict[str, PartyRow]) -> None:
    """What is known of each undated deposit and entry into force: the bounds of the participation's periods."""
    attributes = {"contracting": "consent_window", "party": "in_force_window"}
    for row in periods:
        party, attribute = by_state.get(row["s"].value), attributes[row["link"].value]
        if party is not None and not getattr(party, attribute):
            setattr(party, attribute, span(str(row.get("se", "")), str(row.get("sl", ""))))


def chart_parties(lookup: Lookup, treaty: str, periods: list[dict] | None = None) -> list[ChartParty]:
    """Every party that is or was a Party to the treaty, with its periods (a denounced one included: it
    counted until its denunciation took effect, and again after a new consent) and its memberships."""
    found: dict[str, ChartParty] = {}
    for row in read_participations(lookup, treaty) if periods is None else periods:
        if row["link"].value == "party":
            bounds = tuple(str(row.get(key, "")) for key in ("se", "sl", "ee", "el"))
            found.setdefault(row["s"].value, ChartParty()).periods.append(bounds)  # type: ignore[arg-type]
    for iri, party in found.items():
        party.memberships = list(lookup.memberships.get(iri, ()))
    return list(found.values())


def span(earliest: str, latest: str) -> str:
    """A day, or the bounds the sources and the treaty's rules allow for it."""
    if earliest == latest:
        return earliest
    if earliest and latest:
        return f"between {earliest} and {latest}"
    return f"on or after {earliest}" if earliest else (f"by {latest}" if latest else "")


def read_consents(lookup: Lookup, t: str, by_state: dict[str, PartyRow]) -> None:
    """Each State's date and most specific kind of consent to be bound (ratification, accession, ...)."""
    kinds: dict[str, set[str]] = defaultdict(set)
    consent = str(lookup.bkg.ConsentToBeBound)
    # Only the kinds of consent, not every class of the act (a third of the rows to read).
    wanted = sorted({consent, *(k for k, above in lookup.superclasses.items() if consent in above)})
    for row in lookup.select(
        f"SELECT ?s ?kind ?d WHERE {{ ?c bkg:consentingParty ?s ; bkg:treaty {t} OPTIONAL {{ ?c bkg:date ?d }}"
        f" OPTIONAL {{ ?c a ?kind FILTER(?kind IN ({', '.join(f'<{k}>' for k in wanted)})) }} }}"
    ):
        party = by_state.get(row["s"].value)
        if party is None:
            continue
        party.consent_date = party.consent_date or str(row.get("d", ""))
        if "kind" in row:
            kinds[party.iri].add(row["kind"].value)
    for iri, party in by_state.items():
        specific = lookup.most_specific(kinds[iri])
        party.kind = lookup.label(specific[0]) if specific else ""
