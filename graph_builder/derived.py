"""Turn a ``Derivation`` into triples for the inferred graph: bounds on the acts' days, the days they
take effect, the entries into force the rules expect, the participations' periods and statuses, and
the treaty's own entry into force as the rule gives it. Pure functions, no I/O.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from budapest_kg.iris import act_iri, event_iri, participation_iri, period_iri, rule_iri
from budapest_kg.namespaces import BKG, INFERRED_GRAPH

from .derivation import ActDates, Derivation, ParticipationState, Period, TreatyEntry
from .graphs import new_graph
from .mapped import EFFECT, END, SIGNED, START, add_window, date_literal

STATUS = {
    "signatory": BKG.SignatoryStatus,
    "contracting": BKG.ContractingStatus,
    "party": BKG.PartyStatus,
    "awaiting-entry-into-force": BKG.AwaitingEntryIntoForceStatus,
    "former-party": BKG.FormerPartyStatus,
    "invited": BKG.InvitedStatus,
    "successor": BKG.SuccessorStatus,
    "succeeded": BKG.SucceededStatus,
}
CONSENT_KIND = {
    "ratification": BKG.ByRatification,
    "acceptance": BKG.ByAcceptance,
    "approval": BKG.ByApproval,
    "accession": BKG.ByAccession,
    "succession": BKG.BySuccession,
    "definitive-signature": BKG.ByDefinitiveSignature,
    "unrecorded": BKG.ByUnrecordedKind,
}


def derived_triples(derivation: Derivation) -> Graph:
    """Everything the rules of the treaties derive, as one graph."""
    g = new_graph()
    g.add((INFERRED_GRAPH, BKG.statusDate, date_literal(derivation.status_date)))
    for dates in derivation.acts.values():
        map_act_dates(dates, g)
    for state in derivation.participations:
        map_participation(state, g)
    for entry in derivation.entries.values():
        map_entry(entry, g)
    return g


def map_act_dates(dates: ActDates, g: Graph) -> None:
    act = dates.act
    node = act_iri(act.treaty, act.party, act.group, act.number)
    add_window(g, node, dates.window, precision=True)
    if dates.effect is not None:
        add_window(g, node, dates.effect, EFFECT)
    if dates.expected is not None:
        if dates.expected.earliest:
            g.add((node, BKG.expectedEarliest, date_literal(dates.expected.earliest)))
        if dates.expected.latest:
            g.add((node, BKG.expectedLatest, date_literal(dates.expected.latest)))


def map_participation(state: ParticipationState, g: Graph) -> None:
    node = participation_iri(state.treaty, state.party)
    if state.signed is not None:
        add_window(g, node, state.signed, SIGNED)
    if state.consent_kind:
        g.add((node, BKG.consentKind, CONSENT_KIND[state.consent_kind]))
    for status in sorted(state.statuses):
        g.add((node, BKG.status, STATUS[status]))
    for period in state.periods:
        map_period(node, state, period, g)


def map_period(owner: URIRef, state: ParticipationState, period: Period, g: Graph) -> None:
    node = period_iri(owner, period.kind, period.number)
    link = BKG.partyDuring if period.kind == "party" else BKG.contractingDuring
    g.add((owner, link, node))
    g.add((node, RDF.type, BKG.Period))
    what = "Party to" if period.kind == "party" else "Contracting Party to"
    g.add((node, RDFS.label, Literal(f"{state.party}: {what} {state.treaty} ({period.number})", lang="en")))
    act = period.based_on
    g.add((node, BKG.basedOn, act_iri(act.treaty, act.party, act.group, act.number)))
    add_window(g, node, period.start, START)
    if period.end is not None and period.ended_by is not None:
        ender = period.ended_by
        g.add((node, BKG.endedBy, act_iri(ender.treaty, ender.party, ender.group, ender.number)))
        add_window(g, node, period.end, END)


def map_entry(entry: TreatyEntry, g: Graph) -> None:
    """The treaty's entry into force as its rule gives it, and how many consents it has."""
    if entry.rule is None:
        return
    rule = rule_iri(entry.code, entry.rule.rule)
    g.add((rule, BKG.consentsCounted, Literal(entry.certain, datatype=XSD.integer)))
    g.add((rule, BKG.consentsCountedAtMost, Literal(entry.possible, datatype=XSD.integer)))
    if entry.derived is None:
        return
    # What the rule gives, on the rule, and on the recorded entry into force to compare with its day.
    nodes = [rule, event_iri(entry.code, "entry-into-force")] if entry.recorded else [rule]
    for node in nodes:
        if entry.derived.earliest:
            g.add((node, BKG.expectedEarliest, date_literal(entry.derived.earliest)))
        if entry.derived.latest:
            g.add((node, BKG.expectedLatest, date_literal(entry.derived.latest)))
