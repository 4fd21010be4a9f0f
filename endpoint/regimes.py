"""The two regimes side by side: the Budapest Convention and the UN Convention against Cybercrime.

One page (``/regimes``) answers, for people, what the named queries answer for programs: which Parties
to the Budapest Convention signed the UN Convention and which did not (each fact with its source and
the status date of that source), which participants in the UN Convention stay outside Budapest, and
how the States of each region divide between both, one or neither, with a world map of it
(``/charts/regimes.svg``) whose table is on the same page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask import Blueprint, Response, current_app, render_template

from . import regime_map
from .errors import not_found
from .lookup import Lookup, current_lookup

bp = Blueprint("regimes", __name__)

BUDAPEST, UN = "ETS 185", "UNTC XVIII-16"
GROUPS = ("both", "budapest-only", "un-only", "neither")


@dataclass
class Regime:
    """One treaty's numbers: who signed, who consented, for whom it is in force."""

    iri: str
    code: str
    name: str
    signatories: set[str] = field(default_factory=set)
    contracting: set[str] = field(default_factory=set)
    parties: set[str] = field(default_factory=set)
    opened: str = ""
    in_force: str = ""  # the day the sources record
    rule: str = ""  # the entry-into-force rule in words
    required: int = 0  # consents the rule needs
    counted: int = 0  # consents it counts on the status date
    expected: str = ""  # the day the rule gives from the consents, when enough are counted

    @property
    def participants(self) -> set[str]:
        """Signed or consented: taking part, whether or not the treaty is in force."""
        return self.signatories | self.contracting


@dataclass
class Signing:
    """A Budapest Party's signature of the UN Convention, with where it is recorded and how sure we are."""

    state: str
    name: str
    date: str
    status: str
    source: str
    as_of: str


@bp.get("/regimes")
def show_regimes() -> str:
    lookup = current_lookup()
    budapest, un = read_regime(lookup, BUDAPEST), read_regime(lookup, UN)
    states = read_states(lookup)
    groups = {iri: group_of(iri, budapest, un) for iri in states}
    signed = read_signings(lookup, un, budapest.parties)
    return render_template(
        "regimes.html",
        title="The Budapest Convention and the UN Convention against Cybercrime",
        budapest=budapest,
        un=un,
        states=states,
        groups=groups,
        group_names=regime_map.GROUP_LABELS,
        totals=Counter(groups.values()),
        by_region=count_by_region(states, groups),
        signed=signed,
        consented=budapest.parties & un.contracting,
        not_signed=sorted((lookup.label(s), s) for s in budapest.parties - un.participants),
        outside=read_outside(lookup, budapest, un, states),
        organisations=read_organisations(lookup, un),
        eu_members=read_eu_members(lookup, budapest, un),
        un_facts=read_facts(lookup, un),
        alt=regime_map.alt_text(Counter(groups.values())),
        colours=regime_map.COLOURS,
    )


@bp.get("/charts/regimes.svg")
def draw_regimes_map() -> Response:
    """The world map of the two regimes; drawn once, the graph does not change while it is served."""
    lookup = current_lookup()
    cache = current_app.extensions.setdefault("bkg_charts", {})
    if "regimes" not in cache:
        budapest, un = read_regime(lookup, BUDAPEST), read_regime(lookup, UN)
        states = read_states(lookup)
        groups = {states[iri]["iso3"]: group_of(iri, budapest, un) for iri in states}
        cache["regimes"] = regime_map.render_svg(groups)
    return Response(cache["regimes"], mimetype="image/svg+xml")


def read_regime(lookup: Lookup, code: str) -> Regime:
    rows = lookup.select(
        f'SELECT ?t ?opened ?inForce WHERE {{ ?t a bkg:Treaty ; bkg:seriesNumber "{code}" .'
        " OPTIONAL { ?t eli:date_document ?opened } OPTIONAL { ?t eli:first_date_entry_in_force ?inForce } }"
    )
    if not rows:
        raise not_found(f"the graph holds no treaty {code}: rebuild with the current data/")
    iri = rows[0]["t"].value
    regime = Regime(iri, code, lookup.label(iri), opened=str(rows[0].get("opened", "")))
    regime.in_force = str(rows[0].get("inForce", ""))
    buckets = {"isSignatoryOf": regime.signatories, "isContractingPartyOf": regime.contracting,
               "isPartyTo": regime.parties}  # fmt: skip
    links = "bkg:isSignatoryOf bkg:isContractingPartyOf bkg:isPartyTo"
    # States only: an international organisation that takes part (the EU) is shown apart, never counted as one.
    for row in lookup.select(f"SELECT ?s ?p WHERE {{ VALUES ?p {{ {links} }} ?s ?p <{iri}> ; a bkg:State }}"):
        buckets[row["p"].value.rsplit("#", 1)[-1]].add(row["s"].value)
    read_entry_rule(lookup, regime)
    return regime


def read_entry_rule(lookup: Lookup, regime: Regime) -> None:
    """The treaty's entry-into-force rule in words, and what the build derived from it on its status date."""
    rows = lookup.select(
        f"SELECT ?text ?needed ?counted ?expected WHERE {{ <{regime.iri}> bkg:hasRule ?r ."
        " ?r bkg:ruleKind bkg:EntryIntoForceRule ; dcterms:description ?text ."
        " OPTIONAL { ?r bkg:consentsRequired ?needed } OPTIONAL { ?r bkg:consentsCounted ?counted }"
        " OPTIONAL { ?r bkg:expectedEarliest ?expected } }"
    )
    if rows:
        row = rows[0]
        regime.rule = row["text"].value
        regime.required = int(row["needed"].value) if "needed" in row else 0
        regime.counted = int(row["counted"].value) if "counted" in row else 0
        regime.expected = str(row.get("expected", ""))


def read_states(lookup: Lookup) -> dict[str, dict]:
    """Every State of a UN M49 region: its name, ISO code and region."""
    rows = lookup.select(
        "SELECT ?s ?iso ?region WHERE { ?s a bkg:State ; bkg:iso3166Alpha3 ?iso ; schema:containedInPlace ?place ."
        " ?place rdfs:label ?region FILTER NOT EXISTS { ?place schema:containedInPlace ?larger } }"
    )
    states = {r["s"].value: {"iso3": r["iso"].value, "region": r["region"].value} for r in rows}
    for iri, state in states.items():
        state["name"] = lookup.label(iri)
    return dict(sorted(states.items(), key=lambda item: item[1]["name"].casefold()))


def group_of(state: str, budapest: Regime, un: Regime) -> str:
    party, taking_part = state in budapest.parties, state in un.participants
    return GROUPS[(0 if taking_part else 1) if party else (2 if taking_part else 3)]


def count_by_region(states: dict[str, dict], groups: dict[str, str]) -> list[tuple[str, Counter]]:
    counts: dict[str, Counter] = {}
    for iri, state in states.items():
        counts.setdefault(state["region"], Counter())[groups[iri]] += 1
    return sorted(counts.items())


def read_signings(lookup: Lookup, un: Regime, parties: set[str]) -> list[Signing]:
    """The UN signatures of Budapest Parties, each with its date, status, source and source's status date."""
    rows = lookup.select(
        f"SELECT ?s ?d ?low ?high ?status ?source ?asOf WHERE {{ ?e a bkg:Signature ; bkg:signatory ?s ;"
        f" bkg:treaty <{un.iri}> . OPTIONAL {{ ?e bkg:date ?d }}"
        " OPTIONAL { ?e bkg:earliestDate ?low } OPTIONAL { ?e bkg:latestDate ?high }"
        " OPTIONAL { ?record bkg:describes ?e . OPTIONAL { ?record bkg:verificationStatus ?status }"
        " OPTIONAL { ?record bkg:sourceNote ?source } OPTIONAL { ?record bkg:sourceAsOf ?asOf } } }"
    )
    signed = [
        Signing(
            state=r["s"].value,
            name=lookup.label(r["s"].value),
            date=day_or_window(r),
            status=lookup.label(r["status"].value) if "status" in r else "",
            source=str(r.get("source", "")),
            as_of=str(r.get("asOf", "")),
        )
        for r in rows
        if r["s"].value in parties
    ]
    return sorted(signed, key=lambda s: s.name.casefold())


def day_or_window(row: dict) -> str:
    """The day of an act, or the days it lies between when the source gives no day (Hanoi, 25 or 26 October)."""
    if "d" in row:
        return str(row["d"])
    if "low" in row and "high" in row:
        return f"between {row['low']} and {row['high']}"
    return ""


def read_outside(lookup: Lookup, budapest: Regime, un: Regime, states: dict[str, dict]) -> list[dict]:
    """UN participants that are not Parties to Budapest, with how they stand towards it."""
    query = f"SELECT ?s WHERE {{ ?s bkg:isInvitedToAccedeTo <{budapest.iri}> }}"
    invited = {r["s"].value for r in lookup.select(query)}
    rows = []
    for state in un.participants - budapest.parties:
        if state in budapest.contracting:
            standing = "consented to be bound, not yet in force for it"
        elif state in budapest.signatories:
            standing = "signed, not consented"
        else:
            standing = "invited to accede" if state in invited else "no signature or consent"
        info = states.get(state, {})
        rows.append({"iri": state, "name": info.get("name", lookup.label(state)), "region": info.get("region", ""),
                     "standing": standing})  # fmt: skip
    return sorted(rows, key=lambda r: (r["region"], r["name"].casefold()))


def read_organisations(lookup: Lookup, un: Regime) -> list[dict]:
    """Participants in the UN Convention that are not States (the European Union), with their signatures."""
    rows = lookup.select(
        f"SELECT ?who ?d WHERE {{ ?e a bkg:Signature ; bkg:signatory ?who ; bkg:treaty <{un.iri}> ."
        " ?who a bkg:InternationalOrganisation . OPTIONAL { ?e bkg:date ?d } }"
    )
    return [{"iri": r["who"].value, "name": lookup.label(r["who"].value), "date": str(r.get("d", ""))} for r in rows]


def read_eu_members(lookup: Lookup, budapest: Regime, un: Regime) -> list[dict]:
    """The EU's member States, each with its standing under Budapest and whether it signed the UN Convention."""
    eu = f"{lookup.names.id}organisation/european-union"
    rows = lookup.select(f"SELECT DISTINCT ?s WHERE {{ ?m org:member ?s ; org:organization <{eu}> }}")
    members = []
    for state in (r["s"].value for r in rows):
        if state in budapest.parties:
            standing = "Party"
        elif state in budapest.signatories:
            standing = "signatory"
        else:
            standing = "none"
        members.append({"iri": state, "name": lookup.label(state), "budapest": standing,
                        "un": "signed" if state in un.signatories else "not signed"})  # fmt: skip
    return sorted(members, key=lambda m: m["name"].casefold())


# The UN Convention's facts shown beside the numbers, in this order: facts of data/treaty_facts.csv, then
# rules of data/treaty_rules.csv (their prose is generated from their terms).
FACTS = {"adoption": "Adopted", "opening_for_signature_new_york": "Open for signature", "open_to": "Open to"}
RULES = {"DepositaryRule": "Depositary", "EntryIntoForceRule": "Entry into force"}


def read_facts(lookup: Lookup, treaty: Regime) -> list[dict]:
    rows = lookup.select(
        f"SELECT ?kind ?value ?source WHERE {{ <{treaty.iri}> bkg:hasFact ?f . ?f bkg:factKind ?kind ; rdf:value ?value"
        " OPTIONAL { ?record bkg:describes ?f ; bkg:sourceNote ?source } }"
    )
    found = {r["kind"].value: r for r in rows}
    facts = [
        {"name": name, "value": found[kind]["value"].value.rstrip("."), "source": str(found[kind].get("source", ""))}
        for kind, name in FACTS.items()
        if kind in found
    ]
    rows = lookup.select(
        f"SELECT ?kind ?text ?source WHERE {{ <{treaty.iri}> bkg:hasRule ?r . ?r bkg:ruleKind ?kind ;"
        " dcterms:description ?text OPTIONAL { ?record bkg:describes ?r ; bkg:sourceNote ?source } }"
    )
    rules = {r["kind"].value.rsplit("#", 1)[-1]: r for r in rows}
    facts += [
        {"name": name, "value": rules[kind]["text"].value.rstrip("."), "source": str(rules[kind].get("source", ""))}
        for kind, name in RULES.items()
        if kind in rules
    ]
    return facts
