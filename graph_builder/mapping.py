"""Map typed records to triples: pure functions, no I/O.

Facts go into the data graph; where each fact came from and how sure we are of it go into the
provenance graph, about the same nodes.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import re
from dataclasses import dataclass, field

import pycountry
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from budapest_kg.namespaces import BKG, ELI, ID, ORG, bind_prefixes

from .sources import CONSENT_KINDS, Act, Membership, Sources, State, Treaty

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
    **{kind: BKG.consentingState for kind in CONSENT_KINDS},
    "entry-into-force": BKG.boundState,
    "denunciation": BKG.denouncingState,
    "invitation-to-accede": BKG.invitedState,
}
STATUS = {"verified": BKG.Verified, "unverified": BKG.Unverified, "derived": BKG.Derived}
COUNCIL_OF_EUROPE = ID["organisation/council-of-europe"]
URL = re.compile(r"https?://[^\s;,()'\"<>{}|\\^`\[\]]+")


@dataclass
class Mapped:
    """The triples of one build, by named graph."""

    data: Graph = field(default_factory=Graph)
    provenance: Graph = field(default_factory=Graph)

    def __post_init__(self) -> None:
        bind_prefixes(self.data)
        bind_prefixes(self.provenance)


def treaty_iri(code: str) -> URIRef:
    return ID["treaty/" + code.lower().replace(" ", "-")]


def state_iri(iso3: str) -> URIRef:
    return ID["state/" + iso3]


def act_iri(act: Act) -> URIRef:
    kind = "consent" if act.act in CONSENT_KINDS else act.act
    return ID[f"event/{act.treaty.lower().replace(' ', '-')}/{act.iso3}/{kind}"]


def date_literal(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def map_sources(sources: Sources) -> Mapped:
    """Map everything read from data/ to triples."""
    out = Mapped()
    out.data.add((COUNCIL_OF_EUROPE, RDF.type, BKG.InternationalOrganisation))
    out.data.add((COUNCIL_OF_EUROPE, RDFS.label, Literal("Council of Europe", lang="en")))
    out.data.add((COUNCIL_OF_EUROPE, RDFS.label, Literal("Conseil de l'Europe", lang="fr")))
    record_provenance(COUNCIL_OF_EUROPE, "verified", "https://www.coe.int/", out)
    for treaty in sources.treaties:
        map_treaty(treaty, out)
    for state in sources.states:
        map_state(state, out)
    for membership in sources.memberships:
        map_membership(membership, out)
    for act in sources.acts:
        map_act(act, out)
    if sources.texts is not None:
        map_text_tables(sources, out)
    return out


def map_text_tables(sources: Sources, out: Mapped) -> None:
    """Articles, facts, clauses, reservations, statements and claims (modules that build on this one)."""
    from .provisions import map_texts
    from .statements import map_claims, map_seed, map_statements

    titles = {t.code: {"en": t.title_en, **({"fr": t.title_fr} if t.title_fr else {})} for t in sources.treaties}
    map_texts(sources.texts, titles, out)
    map_seed(out)
    map_statements(sources.texts.statements, out)
    map_claims(sources.texts.claims, out)


def record_provenance(node: URIRef, status: str, source: str, out: Mapped, as_of: str = "", note: str = "") -> None:
    """State where a fact came from, when the source was seen and how sure we are of it."""
    prov = out.provenance
    prov.add((node, BKG.verificationStatus, STATUS[status]))
    prov.add((node, BKG.sourceNote, Literal(source)))
    for url in sorted(set(URL.findall(source))):
        prov.add((node, PROV.wasDerivedFrom, URIRef(url.rstrip(".,"))))
    if as_of:
        prov.add((node, BKG.sourceAsOf, Literal(as_of)))
    if note:
        prov.add((node, BKG.editorialNote, Literal(note)))


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
        event = ID[f"event/{treaty.slug}/{slug}"]
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
    record_provenance(node, "verified", "ISO 3166-1 via pycountry; English name as in shared/sources", out)


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
    node = ID[f"membership/council-of-europe/{membership.iso3}"]
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
    node = act_iri(act)
    g.add((node, RDF.type, ACT_CLASS[act.act]))
    g.add((node, BKG.treaty, treaty_iri(act.treaty)))
    g.add((node, ACT_LINK[act.act], state_iri(act.iso3)))
    g.add((node, RDFS.label, Literal(f"{act.act.replace('-', ' ')} of {act.treaty} by {act.iso3}", lang="en")))
    if act.date:
        g.add((node, BKG.date, date_literal(act.date)))
    record_provenance(node, act.status, act.source, out, as_of=act.source_as_of, note=act.note)
