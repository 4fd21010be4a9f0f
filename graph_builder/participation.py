"""Map the treaties, the States, their Council of Europe memberships and their acts to triples.

Acts are n-ary events (signature, consent, entry into force, …), each with its own State link, so
that the ontology's property chains can tell a signatory from a Party. Pure functions, no I/O.
"""

from __future__ import annotations

import functools
import gettext

import pycountry
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from budapest_kg.iris import event_iri, membership_iri, state_iri, treaty_iri
from budapest_kg.namespaces import BKG, ELI, ID, ORG

from .mapped import Mapped, date_literal, record_provenance
from .sources import Act, Membership, State, Treaty

ACT_CLASS = {
    "signature": BKG.Signature,
    "ratification": BKG.Ratification,
    "acceptance": BKG.Acceptance,
    "approval": BKG.Approval,
    "accession": BKG.Accession,
    "consent": BKG.ConsentToBeBound,
    "entry-into-force": BKG.EntryIntoForceForState,
    "denunciation": BKG.Denunciation,
    "invitation-to-accede": BKG.InvitationToAccede,
}
ACT_LINK = {
    "signature": BKG.signatory,
    "consent": BKG.consentingState,  # every kind of consent (Act.group)
    "entry-into-force": BKG.boundState,
    "denunciation": BKG.denouncingState,
    "invitation-to-accede": BKG.invitedState,
}
COUNCIL_OF_EUROPE = ID["organisation/council-of-europe"]


def map_council_of_europe(out: Mapped) -> None:
    """The organisation whose members the memberships are."""
    out.data.add((COUNCIL_OF_EUROPE, RDF.type, BKG.InternationalOrganisation))
    out.data.add((COUNCIL_OF_EUROPE, RDFS.label, Literal("Council of Europe", lang="en")))
    out.data.add((COUNCIL_OF_EUROPE, RDFS.label, Literal("Conseil de l'Europe", lang="fr")))
    record_provenance(COUNCIL_OF_EUROPE, "verified", "https://www.coe.int/", out)


def map_treaty(treaty: Treaty, out: Mapped) -> None:
    g = out.data
    node = treaty_iri(treaty.code)
    g.add((node, RDF.type, BKG.Treaty))
    g.add((node, RDFS.label, Literal(treaty.short_title, lang="en")))
    g.add((node, SKOS.altLabel, Literal(treaty.code)))
    g.add((node, BKG.seriesNumber, Literal(treaty.code)))
    g.add((node, ELI.title, Literal(treaty.title_en, lang="en")))
    g.add((node, DCTERMS.title, Literal(treaty.title_en, lang="en")))
    if treaty.title_fr:
        g.add((node, ELI.title, Literal(treaty.title_fr, lang="fr")))
        g.add((node, DCTERMS.title, Literal(treaty.title_fr, lang="fr")))
    if treaty.opened:
        g.add((node, ELI.date_document, date_literal(treaty.opened)))
    if treaty.supplements:
        # Both protocols are open only to Parties to what they supplement (ETS 189 Arts. 9, 11; CETS 224).
        g.add((node, BKG.supplements, treaty_iri(treaty.supplements)))
        g.add((node, BKG.openOnlyToPartiesOf, treaty_iri(treaty.supplements)))
    in_force = ELI["InForce-inForce"] if treaty.entry_into_force else ELI["InForce-notInForce"]
    g.add((node, ELI.in_force, in_force))
    record_provenance(node, treaty.status, treaty.source, out)
    for cls, slug, date, place in (
        (BKG.Adoption, "adoption", treaty.adopted, ""),
        (BKG.OpeningForSignature, "opening-for-signature", treaty.opened, treaty.opened_place),
        (BKG.EntryIntoForce, "entry-into-force", treaty.entry_into_force, ""),
    ):
        if date is None:
            continue
        event = event_iri(treaty.code, slug)
        g.add((event, RDF.type, cls))
        g.add((event, BKG.treaty, node))
        g.add((event, BKG.date, date_literal(date)))
        g.add((event, RDFS.label, Literal(f"{treaty.code}: {slug.replace('-', ' ')}", lang="en")))
        if place:
            g.add((event, BKG.place, Literal(place)))
        if cls == BKG.EntryIntoForce:
            g.add((node, ELI.first_date_entry_in_force, date_literal(date)))
        record_provenance(event, treaty.status, treaty.source, out)


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
    source = "ISO 3166-1 codes (via the pycountry package); English short name as curated in data/states.csv"
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


def map_membership(membership: Membership, out: Mapped) -> None:
    g = out.data
    node = membership_iri(membership.iso3)
    g.add((node, RDF.type, BKG.CouncilOfEuropeMembership))
    g.add((node, ORG.member, state_iri(membership.iso3)))
    g.add((node, ORG.organization, COUNCIL_OF_EUROPE))
    g.add((node, RDFS.label, Literal(f"Council of Europe membership of {membership.iso3}", lang="en")))
    if membership.joined:
        g.add((node, BKG.startDate, date_literal(membership.joined)))
    if membership.left:
        g.add((node, BKG.endDate, date_literal(membership.left)))
    record_provenance(node, membership.status, membership.source, out, note=membership.note)


def map_act(act: Act, out: Mapped) -> None:
    g = out.data
    node = event_iri(act.treaty, act.iso3, act.group)
    g.add((node, RDF.type, ACT_CLASS[act.act]))
    g.add((node, BKG.treaty, treaty_iri(act.treaty)))
    g.add((node, ACT_LINK[act.group], state_iri(act.iso3)))
    g.add((node, RDFS.label, Literal(f"{act.act.replace('-', ' ')} of {act.treaty} by {act.iso3}", lang="en")))
    if act.date:
        g.add((node, BKG.date, date_literal(act.date)))
    record_provenance(node, act.status, act.source, out, as_of=act.source_as_of, note=act.note)
