"""Map the treaties to triples: the work, its treaty-level events (adoption at a session, opening at a
place, entry into force), its rules as data, and the categories of its parties.

The categories are classes generated for each treaty of data/treaties.csv from one list of kinds,
never written by hand per treaty IRI; ontology/rules/30_categories.rq fills them. Pure functions, no I/O.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from budapest_kg.iris import (
    article_iri,
    category_iri,
    event_iri,
    organisation_iri,
    place_iri,
    rule_iri,
    session_iri,
    treaty_iri,
)
from budapest_kg.namespaces import BKG, ELI, SCHEMA

from .mapped import Mapped, date_literal, record_provenance
from .sources import Treaty
from .treaty_rules import TreatyRule, describe

RULE_KIND = {
    "depositary": BKG.DepositaryRule,
    "entry-into-force": BKG.EntryIntoForceRule,
    "entry-into-force-for-party": BKG.EntryIntoForceForPartyRule,
    "accession": BKG.AccessionRule,
    "denunciation": BKG.DenunciationRule,
    "amendment": BKG.AmendmentRule,
    "reservations-carry-over": BKG.ReservationCarryOverRule,
}
CONDITION = {
    "in-force": BKG.AfterEntryIntoForce,
    "invitation": BKG.OnInvitation,
    "unanimity-of-contracting-states": BKG.UnanimityOfContractingStates,
    "acceded-to-supplemented": BKG.AccededToSupplementedTreaty,
    "regional-organisation-not-additional": BKG.RegionalOrganisationNotAdditional,
}
# (slug, kind, label with {treaty}, generic super-class, the treaty's category it specialises)
CATEGORIES = (
    ("signatory", BKG.SignatoryCategory, "Signatory of the {treaty}", BKG.Signatory, ""),
    ("signatory-only", BKG.SignatoryOnlyCategory, "Signatory only of the {treaty}", BKG.Signatory, "signatory"),
    ("contracting-party", BKG.ContractingPartyCategory, "Contracting Party to the {treaty}", BKG.ContractingParty, ""),
    ("awaiting-entry-into-force", BKG.AwaitingEntryIntoForceCategory,
     "Contracting Party to the {treaty}, awaiting its entry into force", BKG.ContractingParty, "contracting-party"),
    ("party", BKG.PartyCategory, "Party to the {treaty}", BKG.Party, "contracting-party"),
    ("former-party", BKG.FormerPartyCategory, "Former Party to the {treaty}", BKG.Agent, ""),
    ("party-by-ratification", BKG.PartyByRatificationCategory, "Party to the {treaty} by ratification", BKG.Party,
     "party"),
    ("party-by-acceptance", BKG.PartyByAcceptanceCategory, "Party to the {treaty} by acceptance", BKG.Party, "party"),
    ("party-by-approval", BKG.PartyByApprovalCategory, "Party to the {treaty} by approval", BKG.Party, "party"),
    ("party-by-ratification-acceptance-or-approval", BKG.PartyByRatificationAcceptanceOrApprovalCategory,
     "Party to the {treaty} by ratification, acceptance or approval", BKG.Party, "party"),
    ("party-by-accession", BKG.PartyByAccessionCategory, "Party to the {treaty} by accession", BKG.Party, "party"),
    ("party-by-succession", BKG.PartyBySuccessionCategory, "Party to the {treaty} by succession", BKG.Party, "party"),
    ("party-by-definitive-signature", BKG.PartyByDefinitiveSignatureCategory,
     "Party to the {treaty} by definitive signature", BKG.Party, "party"),
    ("party-by-unrecorded-kind", BKG.PartyByUnrecordedKindCategory,
     "Party to the {treaty}, kind of consent not recorded", BKG.Party, "party"),
    ("invited-not-acceded", BKG.InvitedNotAccededCategory, "Invited to accede to the {treaty}, not acceded", BKG.Agent,
     ""),
)  # fmt: skip
MEMBER_CATEGORIES = (
    ("member-party", BKG.MemberPartyCategory, "Party to the {treaty} that is a member of the {organisation}"),
    (
        "non-member-party",
        BKG.NonMemberPartyCategory,
        "Party to the {treaty} that is not a member of the {organisation}",
    ),
)
SUPPLEMENTED_CATEGORY = (
    "party-to-supplemented-only",
    BKG.PartyToSupplementedOnlyCategory,
    "Party to the {supplemented} but not to the {treaty}",
)
ARTICLE = re.compile(r"Art\. (\d+)")


def name_of(treaty: Treaty) -> str:
    """'Convention on Cybercrime (ETS 185)'; a short title with its own parentheses gets a comma instead."""
    return (
        f"{treaty.short_title}, {treaty.code}" if "(" in treaty.short_title else f"{treaty.short_title} ({treaty.code})"
    )


def map_treaty(treaty: Treaty, names: dict[str, str], out: Mapped) -> None:
    """The treaty as a work (ELI legal resource), and its treaty-level events; names gives organisations' names."""
    g = out.data
    node = treaty_iri(treaty.code)
    g.add((node, RDF.type, BKG.Treaty))
    g.add((node, RDFS.label, Literal(treaty.short_title, lang="en")))
    g.add((node, SKOS.altLabel, Literal(treaty.code)))
    g.add((node, BKG.seriesNumber, Literal(treaty.code)))
    # Titles of the work as dcterms:title; eli:title belongs to the expressions (the English and French texts).
    g.add((node, DCTERMS.title, Literal(treaty.title_en, lang="en")))
    if treaty.title_fr:
        g.add((node, DCTERMS.title, Literal(treaty.title_fr, lang="fr")))
    if treaty.opened:
        g.add((node, ELI.date_document, date_literal(treaty.opened)))
    if treaty.organisation:
        g.add((node, BKG.underAuspicesOf, organisation_iri(treaty.organisation)))
    if treaty.supplements:
        # Both protocols are open only to Parties to what they supplement (ETS 189 Arts. 9, 11; CETS 224).
        g.add((node, BKG.supplements, treaty_iri(treaty.supplements)))
        g.add((node, BKG.openOnlyToPartiesOf, treaty_iri(treaty.supplements)))
    in_force = ELI["InForce-inForce"] if treaty.entry_into_force else ELI["InForce-notInForce"]
    g.add((node, ELI.in_force, in_force))
    record_provenance(node, treaty.status, treaty.source, out)
    map_adoption(treaty, names, out)
    for cls, slug, date in (
        (BKG.OpeningForSignature, "opening-for-signature", treaty.opened),
        (BKG.EntryIntoForce, "entry-into-force", treaty.entry_into_force),
    ):
        if date is None:
            continue
        event = treaty_event(treaty, cls, slug, out)
        g.add((event, BKG.date, date_literal(date)))
        if cls == BKG.EntryIntoForce:
            g.add((node, ELI.first_date_entry_in_force, date_literal(date)))
        if cls == BKG.OpeningForSignature and treaty.opened_place:
            g.add((event, BKG.place, map_place(treaty.opened_place, treaty, out)))


def treaty_event(treaty: Treaty, cls: URIRef, slug: str, out: Mapped) -> URIRef:
    event = event_iri(treaty.code, slug)
    out.data.add((event, RDF.type, cls))
    out.data.add((event, BKG.treaty, treaty_iri(treaty.code)))
    out.data.add((event, RDFS.label, Literal(f"{treaty.code}: {slug.replace('-', ' ')}", lang="en")))
    record_provenance(event, treaty.status, treaty.source, out)
    return event


def map_adoption(treaty: Treaty, names: dict[str, str], out: Mapped) -> None:
    """The adoption of the text: by which organ, at which session, on which day (each when known)."""
    if not (treaty.adopted or treaty.adopted_by):
        return
    event = treaty_event(treaty, BKG.Adoption, "adoption", out)
    g = out.data
    if treaty.adopted:
        g.add((event, BKG.date, date_literal(treaty.adopted)))
    if treaty.adopted_by:
        organ = organisation_iri(treaty.adopted_by)
        g.add((event, BKG.adoptedBy, organ))
        if treaty.adopted_session:
            session = session_iri(treaty.adopted_by, treaty.adopted_session)
            number = int(treaty.adopted_session)
            g.add((event, BKG.duringSession, session))
            g.add((session, RDF.type, SCHEMA.Event))
            g.add((session, BKG.sessionOf, organ))
            g.add((session, BKG.sessionNumber, Literal(number, datatype=XSD.integer)))
            label = f"{_ordinal(number)} Session of the {names.get(treaty.adopted_by, treaty.adopted_by)}"
            g.add((session, RDFS.label, Literal(label, lang="en")))
            record_provenance(session, treaty.status, treaty.source, out)


def map_place(name: str, treaty: Treaty, out: Mapped) -> URIRef:
    node = place_iri(name)
    out.data.add((node, RDF.type, SCHEMA.Place))
    out.data.add((node, RDFS.label, Literal(name, lang="en")))
    record_provenance(node, treaty.status, treaty.source, out)
    return node


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def map_rule(rule: TreatyRule, organisation: str, names: dict[str, str], out: Mapped) -> None:
    """A treaty rule as data: its numbers, its delay as terms, its conditions, and prose generated from them."""
    g = out.data
    treaty = treaty_iri(rule.treaty)
    node = rule_iri(rule.treaty, rule.rule)
    g.add((node, RDF.type, BKG.TreatyRule))
    g.add((node, BKG.ruleKind, RULE_KIND[rule.rule]))
    g.add((node, BKG.treaty, treaty))
    g.add((treaty, BKG.hasRule, node))
    g.add((node, RDFS.label, Literal(f"{rule.treaty}: rule of {rule.rule.replace('-', ' ')}", lang="en")))
    g.add((node, DCTERMS.description, Literal(describe(rule, names.get(organisation, organisation), names), lang="en")))
    if rule.article:
        g.add((node, BKG.provisionReference, Literal(rule.article)))
        for number in ARTICLE.findall(rule.article):
            g.add((node, BKG.establishedBy, article_iri(rule.treaty, number)))
    if rule.agent:
        g.add((node, BKG.agent, organisation_iri(rule.agent)))
        if rule.rule == "depositary":
            g.add((treaty, BKG.depositary, organisation_iri(rule.agent)))
    if rule.rule in ("entry-into-force", "amendment"):
        if rule.consents is None:
            g.add((node, BKG.allPartiesRequired, Literal(True)))
        else:
            g.add((node, BKG.consentsRequired, Literal(rule.consents, datatype=XSD.integer)))
            g.add((node, BKG.memberConsentsRequired, Literal(rule.member_consents, datatype=XSD.integer)))
    if rule.delay:
        g.add((node, BKG.delayMonths, Literal(rule.delay.months, datatype=XSD.integer)))
        g.add((node, BKG.delayDays, Literal(rule.delay.days, datatype=XSD.integer)))
        g.add((node, BKG.firstDayOfNextMonth, Literal(rule.delay.first_of_next_month)))
    for condition in rule.conditions:
        g.add((node, BKG.condition, CONDITION[condition]))
    record_provenance(node, rule.status, rule.source, out)


def map_categories(treaty: Treaty, treaties: dict[str, Treaty], names: dict[str, str], out: Mapped) -> None:
    """The classes of this treaty's parties, one per kind; none mixes treaties."""
    title = name_of(treaty)
    kinds = [
        (slug, kind, label.format(treaty=title), generic, parent) for slug, kind, label, generic, parent in CATEGORIES
    ]
    if treaty.organisation:
        organisation = names.get(treaty.organisation, treaty.organisation)
        for slug, kind, label in MEMBER_CATEGORIES:
            kinds.append((slug, kind, label.format(treaty=title, organisation=organisation), BKG.Party, "party"))
    if treaty.supplements:
        slug, kind, label = SUPPLEMENTED_CATEGORY
        supplemented = name_of(treaties[treaty.supplements])
        kinds.append((slug, kind, label.format(treaty=title, supplemented=supplemented), BKG.Party, ""))
    g = out.data
    for slug, kind, label, generic, parent in kinds:
        node = category_iri(treaty.code, slug)
        g.add((node, RDF.type, OWL.Class))
        g.add((node, RDFS.subClassOf, generic))
        if parent:
            g.add((node, RDFS.subClassOf, category_iri(treaty.code, parent)))
        g.add((node, BKG.categoryOf, treaty_iri(treaty.code)))
        g.add((node, BKG.categoryKind, kind))
        g.add((node, RDFS.label, Literal(label, lang="en")))
        definition = f"{label}, on the status date of the build. Generated for {treaty.code} from data/treaties.csv."
        g.add((node, SKOS.definition, Literal(definition, lang="en")))
