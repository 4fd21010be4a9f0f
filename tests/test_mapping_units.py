"""Each mapper on a few hand-made records: the triples it writes, compared by isomorphism or membership.

Expected IRIs are written out here from the naming rules in ontology/README.md (an oracle independent
of budapest_kg.iris), under the base the namespaces were minted with.
"""

from __future__ import annotations

import datetime as dt

import pytest
from budapest_kg.graph_builder.acts import Act
from budapest_kg.graph_builder.links import Link, Region, map_links
from budapest_kg.graph_builder.mapped import Mapped
from budapest_kg.graph_builder.mapping import map_sources
from budapest_kg.graph_builder.norm_records import PartyStatement
from budapest_kg.graph_builder.participation import map_act, map_memberships, map_participations, map_state
from budapest_kg.graph_builder.provisions import map_texts
from budapest_kg.graph_builder.sources import Membership, Organisation, Sources, State, Treaty
from budapest_kg.graph_builder.statement_records import Claim, Statement
from budapest_kg.graph_builder.statements import SEED_NOTE, map_claims, map_statements
from budapest_kg.graph_builder.texts import Clause, Texts, TreatyFact, Unit
from budapest_kg.graph_builder.timing import Delay, Window
from budapest_kg.graph_builder.treaties import map_categories, map_rule, map_treaty
from budapest_kg.graph_builder.treaty_rules import TreatyRule
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import ORG, PROV, RDF, RDFS, SKOS

from budapest_kg import iris
from budapest_kg.namespaces import BASE, BKG, ELI, SCHEMA

ID = BASE + "id/"
# Not rdflib's XSD namespace object: pytest probes every module-level object and that one warns.
XSD = "http://www.w3.org/2001/XMLSchema#"
TREATY = URIRef(ID + "treaty/ets-185")
FRA = URIRef(ID + "state/FRA")


def turtle(body: str) -> Graph:
    """A graph from Turtle using the prefixes id:, bkg:, eli:, org:, prov:, rdfs:, skos:, xsd:."""
    prefixes = (
        f"@prefix id: <{ID}> .\n@prefix bkg: <{BKG}> .\n@prefix eli: <{ELI}> .\n@prefix org: <{ORG}> .\n"
        f"@prefix prov: <{PROV}> .\n@prefix rdfs: <{RDFS}> .\n@prefix skos: <{SKOS}> .\n@prefix xsd: <{XSD}> .\n"
    )
    return Graph().parse(data=prefixes + body, format="turtle")


def assert_isomorphic(expected: Graph, found: Graph) -> None:
    if to_isomorphic(expected) != to_isomorphic(found):
        _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(found))
        lines = [f"- {' '.join(t.n3() for t in triple)}" for triple in sorted(missing)]
        lines += [f"+ {' '.join(t.n3() for t in triple)}" for triple in sorted(extra)]
        pytest.fail("graphs differ (- expected only, + found only):\n" + "\n".join(lines))


def act(kind: str, date: dt.date | None = dt.date(2006, 1, 10), **changes) -> Act:
    window = Window.day(date) if date else Window()
    fields = dict(treaty="ETS 185", party="FRA", act=kind, window=window, status="verified",
                  source="https://example.org/chart (chart)", source_as_of="2020-03-13", note="", line=2,
                  given=date.isoformat() if date else "")  # fmt: skip
    return Act(**{**fields, **changes})


PARTICIPATION = URIRef(ID + "participation/ets-185/FRA")


def treaty(**changes) -> Treaty:
    fields = dict(
        code="ETS 185", slug="ets-185", series="ETS", number=185, short_title="Convention on Cybercrime",
        title_en="Convention on Cybercrime", title_fr="Convention sur la cybercriminalité",
        adopted=dt.date(2001, 11, 8), opened=dt.date(2001, 11, 23), opened_place="Budapest",
        entry_into_force=dt.date(2004, 7, 1), status="verified", source="https://example.org/185", line=2,
    )  # fmt: skip
    return Treaty(**{**fields, **changes})


# --- the IRI rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minted", "expected"),
    [
        (lambda: iris.treaty_iri("ETS 185"), "treaty/ets-185"),
        (lambda: iris.treaty_iri("CETS 224"), "treaty/cets-224"),
        (lambda: iris.state_iri("FRA"), "state/FRA"),
        (lambda: iris.act_iri("ETS 189", "DEU", "consent", 1), "event/ets-189/DEU/consent/1"),
        (lambda: iris.act_iri("ETS 185", "european-union", "signature", 2), "event/ets-185/european-union/signature/2"),
        (lambda: iris.event_iri("ETS 185", "adoption"), "event/ets-185/adoption"),
        (lambda: iris.participation_iri("ETS 185", "FRA"), "participation/ets-185/FRA"),
        (lambda: iris.party_iri("FRA"), "state/FRA"),
        (lambda: iris.party_iri("european-union"), "organisation/european-union"),
        (lambda: iris.membership_period_iri("GRC", "1974-11-28"), "membership/council-of-europe/GRC/1974-11-28"),
        (lambda: iris.category_iri("ETS 185", "party"), "treaty/ets-185/category/party"),
        (lambda: iris.rule_iri("ETS 185", "entry-into-force"), "treaty/ets-185/rule/entry-into-force"),
        (lambda: iris.obligation_iri("ETS 185", "6", "1(a)(i)"), "obligation/ets-185/article-6/1-a-i"),
        (lambda: iris.article_iri("CETS 224", "7"), "treaty/cets-224/article/7"),
        (lambda: iris.obligation_iri("ETS 185", "2"), "obligation/ets-185/article-2"),
        (lambda: iris.membership_iri("TUR"), "membership/council-of-europe/TUR"),
        (lambda: iris.region_iri("2"), "region/m49/002"),
    ],
)
def test_iris_follow_the_naming_rules(minted, expected):
    assert minted() == URIRef(ID + expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ETS 185", "ets-185"), ("Art. 6(3)", "art-6-3"), ("  Final  provisions ", "final-provisions")],
)
def test_slug_is_lower_case_with_one_dash_between_words(text, expected):
    assert iris.slug(text) == expected


# --- acts -> events ------------------------------------------------------------------------------


def test_a_ratification_is_a_consent_event_with_its_own_party_link_and_a_record():
    out = Mapped()
    map_act(act("ratification", note="deposit day from the gazette"), PARTICIPATION, out)
    assert_isomorphic(
        turtle("""
            id:event\\/ets-185\\/FRA\\/consent\\/1 a bkg:Ratification ; bkg:treaty id:treaty\\/ets-185 ;
                bkg:consentingParty id:state\\/FRA ; bkg:date "2006-01-10"^^xsd:date ;
                bkg:inParticipation id:participation\\/ets-185\\/FRA ;
                rdfs:label "ratification of ETS 185 by FRA"@en .
        """),
        out.data,
    )
    # Provenance is about the record that states the facts, never about the act itself.
    assert_isomorphic(
        turtle("""
            id:event\\/ets-185\\/FRA\\/consent\\/1\\/record a bkg:Record ;
                bkg:describes id:event\\/ets-185\\/FRA\\/consent\\/1 ;
                bkg:verificationStatus bkg:Verified ;
                bkg:sourceNote "https://example.org/chart (chart)" ; prov:wasDerivedFrom <https://example.org/chart> ;
                bkg:sourceAsOf "2020-03-13" ; bkg:editorialNote "deposit day from the gazette" .
        """),
        out.provenance,
    )


@pytest.mark.parametrize(
    ("kind", "suffix", "cls", "link"),
    [
        ("signature", "signature", BKG.Signature, BKG.signatory),
        ("definitive-signature", "consent", BKG.DefinitiveSignature, BKG.consentingParty),
        ("acceptance", "consent", BKG.Acceptance, BKG.consentingParty),
        ("approval", "consent", BKG.Approval, BKG.consentingParty),
        ("accession", "consent", BKG.Accession, BKG.consentingParty),
        ("consent", "consent", BKG.ConsentToBeBound, BKG.consentingParty),
        ("entry-into-force", "entry-into-force", BKG.EntryIntoForceForParty, BKG.boundParty),
        ("denunciation", "denunciation", BKG.Denunciation, BKG.denouncingParty),
        ("invitation-to-accede", "invitation-to-accede", BKG.InvitationToAccede, BKG.invitedState),
    ],
)
def test_each_kind_of_act_has_its_class_its_party_link_and_its_iri(kind, suffix, cls, link):
    out = Mapped()
    map_act(act(kind), PARTICIPATION, out)
    event = URIRef(f"{ID}event/ets-185/FRA/{suffix}/1")
    assert set(out.data.subjects()) == {event}
    assert set(out.data.objects(event, RDF.type)) == {cls}
    assert set(out.data.subject_objects(link)) == {(event, FRA)}


def test_an_act_without_a_date_has_no_date_and_keeps_its_status():
    out = Mapped()
    map_act(act("signature", date=None, status="unverified"), PARTICIPATION, out)
    assert not list(out.data.triples((None, BKG.date, None)))
    assert list(out.provenance.objects(None, BKG.verificationStatus)) == [BKG.Unverified]


def test_a_party_may_do_several_acts_of_a_kind_and_an_organisation_is_a_party():
    acts = [
        act("accession"),
        act("denunciation", date=dt.date(2010, 1, 1)),
        act("accession", date=dt.date(2015, 3, 2), number=2),
        act("signature", party="european-union", date=dt.date(2001, 11, 23)),
    ]
    out = Mapped()
    map_participations(acts, out)
    first, second = (URIRef(f"{ID}event/ets-185/FRA/consent/{n}") for n in (1, 2))
    assert {first, second} <= set(out.data.subjects(BKG.inParticipation, PARTICIPATION))
    union = URIRef(ID + "organisation/european-union")
    [signature] = out.data.subjects(BKG.signatory, union)
    assert signature == URIRef(f"{ID}event/ets-185/european-union/signature/1")
    assert (URIRef(ID + "participation/ets-185/european-union"), BKG.participant, union) in out.data


def test_a_succession_links_the_successor_to_the_predecessor_participation():
    acts = [act("signature", party="SCG", date=dt.date(2005, 4, 7)), act("succession", date=None, predecessor="SCG")]
    out = Mapped()
    map_participations(acts, out)
    predecessor = URIRef(ID + "participation/ets-185/SCG")
    succession = URIRef(f"{ID}event/ets-185/FRA/succession/1")
    assert (succession, BKG.succeedsTo, predecessor) in out.data
    assert (succession, BKG.successor, FRA) in out.data
    assert (PARTICIPATION, BKG.successorOf, predecessor) in out.data


# --- treaties, States, memberships -------------------------------------------------------------

NAMES = {"council-of-europe": "Council of Europe", "council-of-europe-committee-of-ministers": "Committee of Ministers"}


def test_a_treaty_has_its_titles_and_its_dated_treaty_level_events():
    out = Mapped()
    map_treaty(
        treaty(entry_into_force=None, adopted_by="council-of-europe-committee-of-ministers", adopted_session="109"),
        NAMES,
        out,
    )
    g = out.data
    assert (TREATY, RDF.type, BKG.Treaty) in g
    assert not list(g.triples((TREATY, ELI.title, None)))  # eli:title is for the expressions, not the work
    assert (
        TREATY,
        URIRef("http://purl.org/dc/terms/title"),
        Literal("Convention sur la cybercriminalité", lang="fr"),
    ) in g
    assert (TREATY, ELI.in_force, ELI["InForce-notInForce"]) in g
    adoption, opening = URIRef(ID + "event/ets-185/adoption"), URIRef(ID + "event/ets-185/opening-for-signature")
    assert (adoption, BKG.date, Literal("2001-11-08", datatype=URIRef(XSD + "date"))) in g
    session = URIRef(ID + "session/council-of-europe-committee-of-ministers/109")
    assert (adoption, BKG.duringSession, session) in g
    assert (adoption, BKG.adoptedBy, URIRef(ID + "organisation/council-of-europe-committee-of-ministers")) in g
    assert (session, RDFS.label, Literal("109th Session of the Committee of Ministers", lang="en")) in g
    assert (opening, BKG.place, URIRef(ID + "place/budapest")) in g
    assert (URIRef(ID + "place/budapest"), RDFS.label, Literal("Budapest", lang="en")) in g
    assert (opening, BKG.treaty, TREATY) in g
    assert (URIRef(ID + "event/ets-185/entry-into-force"), None, None) not in g  # no date, no event
    assert not list(g.triples((TREATY, ELI.first_date_entry_in_force, None)))


def test_a_protocol_supplements_its_treaty():
    out = Mapped()
    map_treaty(treaty(code="ETS 189", slug="ets-189", number=189, supplements="ETS 185"), NAMES, out)
    protocol = URIRef(ID + "treaty/ets-189")
    assert (protocol, BKG.supplements, TREATY) in out.data
    assert (protocol, BKG.openOnlyToPartiesOf, TREATY) in out.data
    assert (URIRef(ID + "event/ets-189/entry-into-force"), RDF.type, BKG.EntryIntoForce) in out.data


def test_a_rule_is_data_with_its_numbers_its_delay_and_prose_generated_from_them():
    rule = TreatyRule("ETS 185", "entry-into-force", "Art. 36(3)", "", 5, 3, Delay(3, 0, True), (), "verified", "x", 2)
    out = Mapped()
    map_rule(rule, "council-of-europe", NAMES, out)
    node = URIRef(ID + "treaty/ets-185/rule/entry-into-force")
    g = out.data
    integer = URIRef(XSD + "integer")
    assert (TREATY, BKG.hasRule, node) in g
    assert (node, BKG.consentsRequired, Literal(5, datatype=integer)) in g
    assert (node, BKG.memberConsentsRequired, Literal(3, datatype=integer)) in g
    assert (node, BKG.delayMonths, Literal(3, datatype=integer)) in g
    assert (node, BKG.firstDayOfNextMonth, Literal(True)) in g
    assert (node, BKG.establishedBy, URIRef(f"{TREATY}/article/36")) in g
    [prose] = g.objects(node, URIRef("http://purl.org/dc/terms/description"))
    assert str(prose) == (
        "Enters into force on the first day of the month following the expiration of a period of three months after"
        " the date on which five States, including at least three member States of the Council of Europe, have"
        " expressed their consent to be bound (Art. 36(3))."
    )


def test_the_depositary_is_a_resource():
    rule = TreatyRule("ETS 185", "depositary", "Art. 36(2)", "council-of-europe-secretary-general", None, 0, None,
                      (), "verified", "x", 2)  # fmt: skip
    out = Mapped()
    map_rule(rule, "council-of-europe", NAMES, out)
    assert (TREATY, BKG.depositary, URIRef(ID + "organisation/council-of-europe-secretary-general")) in out.data


def test_categories_are_generated_per_treaty_and_never_mix_treaties():
    out = Mapped()
    convention = treaty(organisation="council-of-europe")
    protocol = treaty(code="ETS 189", slug="ets-189", short_title="Additional Protocol", supplements="ETS 185")
    map_categories(convention, {"ETS 185": convention, "ETS 189": protocol}, NAMES, out)
    map_categories(protocol, {"ETS 185": convention, "ETS 189": protocol}, NAMES, out)
    g = out.data
    for category in g.subjects(BKG.categoryOf, None):
        assert len(set(g.objects(category, BKG.categoryOf))) == 1
    party = URIRef(f"{TREATY}/category/party-by-ratification-acceptance-or-approval")
    assert (party, BKG.categoryKind, BKG.PartyByRatificationAcceptanceOrApprovalCategory) in g
    assert (
        party,
        RDFS.label,
        Literal("Party to the Convention on Cybercrime (ETS 185) by ratification, acceptance or approval", lang="en"),
    ) in g
    assert (URIRef(f"{TREATY}/category/non-member-party"), BKG.categoryOf, TREATY) in g
    # The protocol has no organisation here: no member categories; it supplements the Convention.
    protocol_iri = URIRef(ID + "treaty/ets-189")
    assert (URIRef(f"{protocol_iri}/category/non-member-party"), None, None) not in g
    assert (URIRef(f"{protocol_iri}/category/party-to-supplemented-only"), BKG.categoryOf, protocol_iri) in g


def test_a_state_has_its_codes_and_its_english_and_french_names():
    out = Mapped()
    map_state(State("DEU", "DE", "Germany", 3), out)
    assert_isomorphic(
        turtle("""
            id:state\\/DEU a bkg:State ; rdfs:label "Germany"@en, "Allemagne"@fr ;
                bkg:iso3166Alpha3 "DEU" ; bkg:iso3166Alpha2 "DE" .
        """),
        out.data,
    )
    [note] = out.provenance.objects(URIRef(ID + "state/DEU/record"), BKG.sourceNote)
    assert "shared" not in str(note)


def test_a_membership_has_one_period_per_row_greece_left_and_came_back():
    out = Mapped()
    periods = [
        Membership("GRC", dt.date(1949, 8, 9), dt.date(1969, 12, 12), "verified", "https://example.org/a", "left", 4),
        Membership("GRC", dt.date(1974, 11, 28), None, "verified", "https://example.org/b", "", 5),
    ]
    map_memberships(periods, out)
    assert_isomorphic(
        turtle("""
            id:membership\\/council-of-europe\\/GRC a bkg:Membership ;
                org:member id:state\\/GRC ; org:organization id:organisation\\/council-of-europe ;
                rdfs:label "Council of Europe membership of GRC"@en ;
                org:memberDuring id:membership\\/council-of-europe\\/GRC\\/1949-08-09 ,
                                 id:membership\\/council-of-europe\\/GRC\\/1974-11-28 .
            id:membership\\/council-of-europe\\/GRC\\/1949-08-09 a bkg:Period ;
                rdfs:label "member of the Council of Europe: GRC, 1949-08-09 to 1969-12-12"@en ;
                bkg:startDate "1949-08-09"^^xsd:date ; bkg:startEarliest "1949-08-09"^^xsd:date ;
                bkg:startLatest "1949-08-09"^^xsd:date ; bkg:endDate "1969-12-12"^^xsd:date ;
                bkg:endEarliest "1969-12-12"^^xsd:date ; bkg:endLatest "1969-12-12"^^xsd:date .
            id:membership\\/council-of-europe\\/GRC\\/1974-11-28 a bkg:Period ;
                rdfs:label "member of the Council of Europe: GRC, 1974-11-28"@en ;
                bkg:startDate "1974-11-28"^^xsd:date ; bkg:startEarliest "1974-11-28"^^xsd:date ;
                bkg:startLatest "1974-11-28"^^xsd:date .
        """),
        out.data,
    )
    assert (None, BKG.editorialNote, Literal("left")) in out.provenance


# --- articles and provisions -----------------------------------------------------------------------


def unit(unit_kind: str, number: str, path: str, parent: str = "", **changes) -> Unit:
    fields = dict(treaty="ETS 185", unit=unit_kind, number=number, path=path, parent=parent,
                  heading_en=f"Heading {number}", heading_fr="", category="", obligation="", conduct_or_power="",
                  status="verified",
                  status_detail="verified", source="https://example.org/text", line=2)  # fmt: skip
    return Unit(**{**fields, **changes})


@pytest.fixture(scope="module")
def texts_mapped() -> Mapped:
    texts = Texts(
        units=[
            unit("chapter", "II", "chapter/II"),
            unit("article", "1", "article/1", category="definitions", obligation="no"),
            unit(
                "article",
                "2",
                "article/2",
                "chapter/II",
                category="offence",
                obligation="yes",
                conduct_or_power="illegal access",
                heading_en="Illegal access",
            ),
            unit("article", "15", "article/15", "chapter/II", category="safeguards", obligation="yes"),
            unit("article", "16", "article/16", "chapter/II", category="procedural-power", obligation="mixed"),
            unit("article", "32", "article/32", category="co-operation", obligation="permissive"),
        ],
        facts=[TreatyFact("ETS 185", "depositary", "Secretary General", "verified", "verified", "x", 2)],
        clauses=[
            Clause(
                "ETS 185", "Art. 6(3)", (("ETS 185", "2"),), "reservation", "Art. 42", "may reserve", "verified", "x", 2
            )
        ],
        party_statements=[
            PartyStatement(
                "ETS 185",
                "FRA",
                "reservation",
                ("Art. 6(3)",),
                dt.date(2006, 1, 10),
                None,
                "text",
                ("Art. 2",),
                (),
                "verified",
                "x",
                "2015-12-03",
                "",
                2,
            )
        ],
    )
    out = Mapped()
    map_texts(texts, {"ETS 185": {"en": "Convention on Cybercrime"}}, out)
    return out


def test_units_hang_off_their_parents_and_the_treaty(texts_mapped):
    g = texts_mapped.data
    chapter, article = URIRef(f"{TREATY}/chapter/II"), URIRef(f"{TREATY}/article/2")
    assert (chapter, RDF.type, BKG.Chapter) in g
    assert (chapter, ELI.is_part_of, TREATY) in g
    assert (article, ELI.is_part_of, chapter) in g
    assert (article, BKG.ofTreaty, TREATY) in g
    assert (article, BKG.category, BKG.OffenceProvision) in g
    assert (article, RDFS.label, Literal("ETS 185 Art. 2: Illegal access", lang="en")) in g


def test_an_offence_article_establishes_an_obligation_to_criminalise_its_conduct(texts_mapped):
    g = texts_mapped.data
    obligation = URIRef(ID + "obligation/ets-185/article-2")
    concept = URIRef(ID + "concept/offence/illegal-access")
    assert (TREATY, BKG.imposesObligation, obligation) in g
    assert (obligation, RDF.type, BKG.Obligation) in g
    assert (obligation, BKG.establishedBy, URIRef(f"{TREATY}/article/2")) in g
    assert (obligation, BKG.requiresAction, BKG.Criminalise) in g
    assert (obligation, BKG.concernsConduct, concept) in g
    assert (concept, SKOS.inScheme, BKG.OffenceScheme) in g


def test_powers_are_subject_to_safeguards_permissions_are_not_obligations_definitions_establish_nothing(
    texts_mapped,
):
    g = texts_mapped.data
    power, safeguards = (URIRef(ID + f"obligation/ets-185/article-{n}") for n in ("16", "15"))
    permission = URIRef(ID + "obligation/ets-185/article-32")
    assert (power, BKG.subjectToSafeguards, safeguards) in g
    assert (permission, RDF.type, BKG.Permission) in g
    assert (TREATY, BKG.grantsPermission, permission) in g
    assert (permission, RDF.type, BKG.Obligation) not in g
    assert (URIRef(ID + "obligation/ets-185/article-1"), None, None) not in g


def test_facts_clauses_and_reservations(texts_mapped):
    g = texts_mapped.data
    fact = URIRef(f"{TREATY}/fact/depositary")
    clause = URIRef(f"{TREATY}/reservation-clause/art-6-3")
    reservation = URIRef(ID + "event/ets-185/FRA/reservation/1")
    assert (TREATY, BKG.hasFact, fact) in g
    assert (fact, RDF.value, Literal("Secretary General")) in g
    assert (clause, RDF.type, BKG.ReservationClause) in g
    assert (clause, BKG.concernsArticle, URIRef(f"{TREATY}/article/2")) in g
    assert (clause, BKG.permittedBy, URIRef(f"{TREATY}/article/42")) in g
    assert (reservation, RDF.type, BKG.Reservation) in g
    assert (reservation, BKG.reservingParty, FRA) in g
    assert (reservation, BKG.underClause, clause) in g
    assert (reservation, BKG.excludes, URIRef(ID + "obligation/ets-185/article-2")) in g
    assert (reservation, BKG.inParticipation, None) not in g  # no act of FRA on ETS 185 in this test
    assert (URIRef(f"{TREATY}/text/en"), ELI.realizes, TREATY) in g


# --- statements and claims -------------------------------------------------------------------------


def statement(ident: str, **changes) -> Statement:
    fields = dict(ident=ident, kind="position", actor="state/IND", actor_label="", state="IND", treaty="ETS 185",
                  article="", date="2018", stance="reconsidering", related=(), text="India reconsiders.",
                  status="unverified", source="seed", note="", line=2)  # fmt: skip
    return Statement(**{**fields, **changes})


def test_statements_name_their_actor_state_treaty_date_and_stance():
    out = Mapped()
    statements = [
        statement("ind-2018"),
        statement(
            "epic-2006",
            kind="public-statement",
            actor="organisation/epic",
            actor_label="EPIC",
            state="",
            article="2",
            date="2006-08-03",
            stance="critical",
            related=("ind-2018",),
            source="https://example.org/epic",
        ),
    ]
    map_statements(statements, out)
    g = out.data
    india, epic = URIRef(ID + "statement/ind-2018"), URIRef(ID + "statement/epic-2006")
    agent = URIRef(ID + "organisation/epic")
    assert (india, RDF.type, BKG.Position) in g
    assert (india, BKG.statedBy, URIRef(ID + "state/IND")) in g
    assert (india, BKG.statementDate, Literal("2018", datatype=URIRef(XSD + "gYear"))) in g
    assert (india, BKG.stance, BKG.Reconsidering) in g
    assert (epic, BKG.statementDate, Literal("2006-08-03", datatype=URIRef(XSD + "date"))) in g
    assert (epic, BKG.concernsProvision, URIRef(f"{TREATY}/article/2")) in g
    assert (epic, BKG.relatedTo, india) in g
    assert (agent, RDF.type, BKG.Organisation) in g
    assert (agent, RDFS.label, Literal("EPIC", lang="en")) in g
    assert (URIRef(ID + "state/IND"), RDF.type, None) not in g  # States are mapped from states.csv only
    assert (URIRef(f"{india}/record"), BKG.sourceNote, Literal(SEED_NOTE)) in out.provenance


def test_claims_that_disagree_are_grouped_in_a_conflict_and_seed_claims_point_at_the_seed():
    out = Mapped()
    claims = [
        Claim("seed-81", "party-count", ("treaty/ets-185",), "seed", "81", "81 Parties", "verified", "seed", "", 2),
        Claim(
            "chart-80",
            "party-count",
            ("treaty/ets-185", "state/FRA"),
            "CoE chart",
            "80",
            "80 Parties",
            "verified",
            "https://example.org/c",
            "",
            3,
        ),
        Claim("seed-eif", "", ("treaty/ets-185",), "seed", "2004-07-01", "in force 2004", "verified", "seed", "", 4),
    ]
    map_claims(claims, out)
    g = out.data
    conflict = URIRef(ID + "conflict/party-count")
    seed_81, chart_80, seed_eif = (URIRef(ID + f"claim/{c.ident}") for c in claims)
    assert set(g.objects(conflict, BKG.hasClaim)) == {seed_81, chart_80}
    assert (conflict, RDF.type, BKG.Conflict) in g
    assert (seed_81, BKG.claimAbout, TREATY) in g
    assert set(g.objects(chart_80, BKG.claimAbout)) == {TREATY, FRA}
    # Claimed values are typed: a count is an integer, a date a date.
    assert (seed_81, BKG.claimedValue, Literal(81, datatype=URIRef(XSD + "integer"))) in g
    assert (seed_eif, BKG.claimedValue, Literal("2004-07-01", datatype=URIRef(XSD + "date"))) in g
    assert set(g.subjects(BKG.claimedIn, URIRef(ID + "source/seed"))) == {seed_81, seed_eif}
    # Claimants are resources.
    chart = URIRef(ID + "source/coe-chart")
    assert (chart_80, BKG.claimant, chart) in g
    assert (chart, RDF.type, BKG.SourceDocument) in g
    assert (URIRef(f"{chart_80}/record"), PROV.wasDerivedFrom, URIRef("https://example.org/c")) in out.provenance
    assert (URIRef(f"{seed_81}/record"), BKG.sourceNote, Literal(SEED_NOTE)) in out.provenance
    assert "Budapest Convention on Cybercrime" in SEED_NOTE
    assert "/" not in SEED_NOTE  # a title, not a path


# --- links -----------------------------------------------------------------------------------------


def test_links_and_regions_go_to_their_own_graph_and_an_empty_target_gives_no_triple():
    links = [
        Link("state/FRA", "skos:exactMatch", "http://www.wikidata.org/entity/Q142", "", "owid", "", 2),
        Link("treaty/ets-185", "rdfs:seeAlso", "https://example.org/185", "Treaty page", "design", "", 3),
        Link("state/FRA", "skos:exactMatch", "", "", "searched", "no DBpedia IRI", 4),
    ]
    regions = [Region("FRA", "150", "Europe", "155", "Western Europe", "m49", 2)]
    g = map_links(links, regions)
    europe, western = URIRef(ID + "region/m49/150"), URIRef(ID + "region/m49/155")
    assert_isomorphic(
        turtle(f"""
            @prefix schema: <{SCHEMA}> .
            id:state\\/FRA skos:exactMatch <http://www.wikidata.org/entity/Q142> ;
                schema:containedInPlace <{europe}>, <{western}> .
            id:treaty\\/ets-185 rdfs:seeAlso <https://example.org/185> .
            <https://example.org/185> rdfs:label "Treaty page"@en .
            <{europe}> a schema:Place ; rdfs:label "Europe"@en ; skos:notation "150" .
            <{western}> a schema:Place ; rdfs:label "Western Europe"@en ; skos:notation "155" ;
                schema:containedInPlace <{europe}> .
        """),
        g,
    )


# --- the composition -------------------------------------------------------------------------------


def test_map_sources_is_the_union_of_the_mappers():
    council = Organisation("council-of-europe", "international-organisation", "Council of Europe",
                           "Conseil de l'Europe", "", "verified", "https://example.org/coe", 2)  # fmt: skip
    sources = Sources(
        treaties=[treaty()],
        states=[State("FRA", "FR", "France", 2)],
        memberships=[Membership("FRA", dt.date(1949, 5, 5), None, "verified", "https://example.org/m", "", 2)],
        acts=[act("ratification"), act("signature", date=dt.date(2001, 11, 23))],
        organisations=[council],
    )
    expected = Mapped()
    map_treaty(sources.treaties[0], {"council-of-europe": "Council of Europe"}, expected)
    map_state(sources.states[0], expected)
    map_memberships(sources.memberships, expected)
    map_participations(sources.acts, expected)
    found = map_sources(sources)
    council_iri = URIRef(ID + "organisation/council-of-europe")
    assert (council_iri, RDF.type, BKG.InternationalOrganisation) in found.data
    assert (council_iri, RDFS.label, Literal("Conseil de l'Europe", lang="fr")) in found.data
    assert set(expected.data) <= set(found.data)
    assert set(expected.provenance) <= set(found.provenance)
    extra = {s for s in set(found.data.subjects()) - set(expected.data.subjects())}
    assert all("/category/" in str(s) or s == council_iri for s in extra)
