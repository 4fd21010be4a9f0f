"""Map the States, the international organisations, their memberships and their acts to triples.

Acts are n-ary events (signature, consent, entry into force, …), each with its own party link, so
that the ontology's property chains can tell a signatory from a Party; every act belongs to the
participation of its party in its treaty (one node per party and treaty). What the treaties' rules
derive from the acts (bounds on dates, effective dates, periods, statuses) is added by ``derived``.
Pure functions, no I/O.
"""

from __future__ import annotations

import functools
import gettext

import pycountry
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from budapest_kg.iris import (
    act_iri,
    membership_iri,
    membership_period_iri,
    organisation_iri,
    participation_iri,
    party_iri,
    record_iri,
    state_iri,
    treaty_iri,
)
from budapest_kg.namespaces import BKG, ORG

from .acts import Act
from .mapped import DERIVED_FROM, END, LABEL, START, TYPE, Mapped, add_window, date_literal, record_provenance
from .sources import Membership, Organisation, State
from .timing import Window

ACT_CLASS = {
    "signature": BKG.Signature,
    "definitive-signature": BKG.DefinitiveSignature,
    "ratification": BKG.Ratification,
    "acceptance": BKG.Acceptance,
    "approval": BKG.Approval,
    "accession": BKG.Accession,
    "succession": BKG.Succession,
    "consent": BKG.ConsentToBeBound,
    "entry-into-force": BKG.EntryIntoForceForParty,
    "denunciation": BKG.Denunciation,
    "invitation-to-accede": BKG.InvitationToAccede,
}
ACT_LINK = {
    "signature": BKG.signatory,
    "consent": BKG.consentingParty,  # every kind of consent (Act.group)
    "succession": BKG.successor,
    "entry-into-force": BKG.boundParty,
    "denunciation": BKG.denouncingParty,
    "invitation-to-accede": BKG.invitedState,
}
ORGANISATION_CLASS = {
    "international-organisation": (BKG.InternationalOrganisation,),
    "organ": (BKG.Organisation, ORG.OrganizationalUnit),
    "post": (ORG.Post,),
}
COUNCIL_OF_EUROPE = organisation_iri("council-of-europe")


def map_state(state: State, out: Mapped) -> None:
    g = out.data
    node = state_iri(state.iso3)
    g.add((node, RDF.type, BKG.State))
    g.add((node, RDFS.label, Literal(state.name, lang="en")))
    g.add((node, BKG.iso3166Alpha3, Literal(state.iso3)))
    g.add((node, BKG.iso3166Alpha2, Literal(state.iso2)))
    french = french_name(state.iso3)
    if french:
        g.add((node, RDFS.label, Literal(french, lang="fr")))
    part = "ISO 3166-3 (former countries)" if state.former else "ISO 3166-1"
    source = f"{part} codes (via the pycountry package); English short name as curated in data/states.csv"
    record_provenance(node, "verified", source, out)


@functools.cache
def _french() -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    except OSError:
        return gettext.NullTranslations()


def french_name(iso3: str) -> str | None:
    """The State's French name from pycountry's ISO 3166 translations, if it ships them."""
    country = pycountry.countries.get(alpha_3=iso3)
    return _french().gettext(country.name) if country else None


def map_organisation(organisation: Organisation, out: Mapped) -> None:
    g = out.data
    node = organisation_iri(organisation.ident)
    for cls in ORGANISATION_CLASS[organisation.kind]:
        g.add((node, RDF.type, cls))
    g.add((node, RDFS.label, Literal(organisation.name_en, lang="en")))
    if organisation.name_fr:
        g.add((node, RDFS.label, Literal(organisation.name_fr, lang="fr")))
    if organisation.part_of:
        link = ORG.postIn if organisation.kind == "post" else ORG.unitOf
        g.add((node, link, organisation_iri(organisation.part_of)))
    record_provenance(node, organisation.status, organisation.source, out)


def map_memberships(memberships: list[Membership], out: Mapped) -> None:
    """One membership per State, with one period (org:memberDuring) per row of the table."""
    by_state: dict[str, list[Membership]] = {}
    for membership in memberships:
        by_state.setdefault(membership.iso3, []).append(membership)
    for iso3, periods in by_state.items():
        node = membership_iri(iso3)
        g = out.data
        g.add((node, RDF.type, BKG.Membership))
        g.add((node, ORG.member, state_iri(iso3)))
        g.add((node, ORG.organization, COUNCIL_OF_EUROPE))
        g.add((node, RDFS.label, Literal(f"Council of Europe membership of {iso3}", lang="en")))
        statuses = {p.status for p in periods}
        status = "verified" if statuses == {"verified"} else "unverified" if "unverified" in statuses else "derived"
        source = " | ".join(p.source for p in periods)
        record_provenance(node, status, source, out, note="; ".join(p.note for p in periods if p.note))
        for period in periods:
            if period.joined:
                map_membership_period(node, period, out)


def map_membership_period(membership: URIRef, period: Membership, out: Mapped) -> None:
    g = out.data
    node = membership_period_iri(period.iso3, period.joined.isoformat())
    g.add((membership, ORG.memberDuring, node))
    g.add((node, RDF.type, BKG.Period))
    until = f" to {period.left}" if period.left else ""
    g.add(
        (
            node,
            RDFS.label,
            Literal(f"member of the Council of Europe: {period.iso3}, {period.joined}{until}", lang="en"),
        )
    )
    add_window(g, node, Window.day(period.joined), START)
    if period.left:
        add_window(g, node, Window.day(period.left), END)
    record_provenance(node, period.status, period.source, out, note=period.note)


def map_participations(acts: list[Act], out: Mapped) -> dict[tuple[str, str], URIRef]:
    """One participation per party and treaty it acted on (or was invited to), with its acts."""
    nodes: dict[tuple[str, str], URIRef] = {}
    for act in acts:
        if act.key in nodes:
            continue
        node = nodes[act.key] = participation_iri(act.treaty, act.party)
        add = out.data.add
        add((node, TYPE, PARTICIPATION))
        add((node, PARTICIPANT, party_iri(act.party)))
        add((node, TREATY, treaty_iri(act.treaty)))
        add((node, LABEL, Literal(f"participation of {act.party} in {act.treaty}", lang="en")))
    for act in acts:
        map_act(act, nodes[act.key], out)
        if act.predecessor:
            predecessor = nodes.get((act.treaty, act.predecessor))
            if predecessor is not None:
                out.data.add((act_node(act), BKG.succeedsTo, predecessor))
                out.data.add((nodes[act.key], BKG.successorOf, predecessor))
    for (treaty, party), node in nodes.items():
        # A participation states nothing a table does not: its periods and statuses are derived from its
        # acts by the treaty's rules, and its record says so and names the acts (each with its source).
        source = f"derived from the acts of {party} on {treaty} in data/acts.csv by the rules in data/treaty_rules.csv"
        record_provenance(node, "derived", source, out)
    records = {key: record_iri(node) for key, node in nodes.items()}
    add = out.provenance.add
    for act in acts:
        add((records[act.key], DERIVED_FROM, act_node(act)))
    return nodes


def act_node(act: Act) -> URIRef:
    return act_iri(act.treaty, act.party, act.group, act.number)


def map_act(act: Act, participation: URIRef, out: Mapped) -> None:
    """The act as the table gives it: its kind, party, treaty and day (when the table gives the day)."""
    add = out.data.add
    node = act_node(act)
    add((node, TYPE, ACT_CLASS[act.act]))
    add((node, TREATY, treaty_iri(act.treaty)))
    add((node, ACT_LINK[act.group], party_iri(act.party)))
    add((node, IN_PARTICIPATION, participation))
    label = f"{act.act.replace('-', ' ')} of {act.treaty} by {act.party}"
    add((node, LABEL, Literal(label + (f" ({act.number})" if act.number > 1 else ""), lang="en")))
    if act.date and act.given == act.date.isoformat():
        add((node, DATE, date_literal(act.date)))
    record_provenance(node, act.status, act.source, out, as_of=act.source_as_of, note=act.note)


# Looked up once: these run for every act (rdflib's namespaces make a new term at each look-up).
PARTICIPATION, PARTICIPANT, TREATY, IN_PARTICIPATION, DATE = (
    BKG.Participation, BKG.participant, BKG.treaty, BKG.inParticipation, BKG.date
)  # fmt: skip
