"""Each mapper on a few hand-made records: the triples it writes, compared by isomorphism or membership.

Expected IRIs are written out here from the naming rules in ontology/README.md (an oracle independent
of budapest_kg.iris), under the base the namespaces were minted with.
"""

from __future__ import annotations

import datetime as dt

import pytest
from budapest_kg.graph_builder.links import Link, Region, map_links
from budapest_kg.graph_builder.mapped import Mapped
from budapest_kg.graph_builder.mapping import map_sources
from budapest_kg.graph_builder.participation import map_act, map_membership, map_state, map_treaty
from budapest_kg.graph_builder.provisions import map_texts
from budapest_kg.graph_builder.sources import Act, Membership, Sources, State, Treaty
from budapest_kg.graph_builder.statement_records import Claim, Statement
from budapest_kg.graph_builder.statements import SEED_NOTE, map_claims, map_statements
from budapest_kg.graph_builder.texts import Clause, Reservation, Texts, TreatyFact, Unit
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
    fields = dict(treaty="ETS 185", iso3="FRA", act=kind, date=date, status="verified",
                  source="https://example.org/chart (chart)", source_as_of="2020-03-13", note="", line=2)  # fmt: skip
    return Act(**{**fields, **changes})


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
        (lambda: iris.event_iri("ETS 189", "DEU", "consent"), "event/ets-189/DEU/consent"),
        (lambda: iris.event_iri("ETS 185", "adoption"), "event/ets-185/adoption"),
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


def test_a_ratification_is_a_consent_event_with_its_own_state_link_and_provenance():
    out = Mapped()
    map_act(act("ratification", note="deposit day from the gazette"), out)
    assert_isomorphic(
        turtle("""
            id:event\\/ets-185\\/FRA\\/consent a bkg:Ratification ; bkg:treaty id:treaty\\/ets-185 ;
                bkg:consentingState id:state\\/FRA ; bkg:date "2006-01-10"^^xsd:date ;
                rdfs:label "ratification of ETS 185 by FRA"@en .
        """),
        out.data,
    )
    assert_isomorphic(
        turtle("""
            id:event\\/ets-185\\/FRA\\/consent bkg:verificationStatus bkg:Verified ;
                bkg:sourceNote "https://example.org/chart (chart)" ; prov:wasDerivedFrom <https://example.org/chart> ;
                bkg:sourceAsOf "2020-03-13" ; bkg:editorialNote "deposit day from the gazette" .
        """),
        out.provenance,
    )


@pytest.mark.parametrize(
    ("kind", "suffix", "cls", "link"),
    [
        ("signature", "signature", BKG.Signature, BKG.signatory),
        ("acceptance", "consent", BKG.Acceptance, BKG.consentingState),
        ("approval", "consent", BKG.Approval, BKG.consentingState),
        ("accession", "consent", BKG.Accession, BKG.consentingState),
        ("consent", "consent", BKG.ConsentToBeBound, BKG.consentingState),
        ("entry-into-force", "entry-into-force", BKG.EntryIntoForceForState, BKG.boundState),
        ("denunciation", "denunciation", BKG.Denunciation, BKG.denouncingState),
        ("invitation-to-accede", "invitation-to-accede", BKG.InvitationToAccede, BKG.invitedState),
    ],
)
def test_each_kind_of_act_has_its_class_its_state_link_and_its_iri(kind, suffix, cls, link):
    out = Mapped()
    map_act(act(kind), out)
    event = URIRef(f"{ID}event/ets-185/FRA/{suffix}")
    assert set(out.data.subjects()) == {event}
    assert set(out.data.objects(event, RDF.type)) == {cls}
    assert set(out.data.subject_objects(link)) == {(event, FRA)}


def test_an_act_without_a_date_has_no_date_and_keeps_its_status():
    out = Mapped()
    map_act(act("signature", date=None, status="unverified"), out)
    assert not list(out.data.triples((None, BKG.date, None)))
    assert list(out.provenance.objects(None, BKG.verificationStatus)) == [BKG.Unverified]


# --- treaties, States, memberships -------------------------------------------------------------


def test_a_treaty_has_its_titles_and_its_dated_treaty_level_events():
    out = Mapped()
    map_treaty(treaty(entry_into_force=None), out)
    g = out.data
    assert (TREATY, RDF.type, BKG.Treaty) in g
    assert (TREATY, ELI.title, Literal("Convention sur la cybercriminalité", lang="fr")) in g
    assert (TREATY, ELI.in_force, ELI["InForce-notInForce"]) in g
    adoption, opening = URIRef(ID + "event/ets-185/adoption"), URIRef(ID + "event/ets-185/opening-for-signature")
    assert (adoption, BKG.date, Literal("2001-11-08", datatype=URIRef(XSD + "date"))) in g
    assert (opening, BKG.place, Literal("Budapest")) in g
    assert (opening, BKG.treaty, TREATY) in g
    assert (URIRef(ID + "event/ets-185/entry-into-force"), None, None) not in g  # no date, no event
    assert not list(g.triples((TREATY, ELI.first_date_entry_in_force, None)))


def test_a_protocol_supplements_its_treaty():
    out = Mapped()
    map_treaty(treaty(code="ETS 189", slug="ets-189", number=189, supplements="ETS 185"), out)
    protocol = URIRef(ID + "treaty/ets-189")
    assert (protocol, BKG.supplements, TREATY) in out.data
    assert (protocol, BKG.openOnlyToPartiesOf, TREATY) in out.data
    assert (URIRef(ID + "event/ets-189/entry-into-force"), RDF.type, BKG.EntryIntoForce) in out.data


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
    [note] = out.provenance.objects(URIRef(ID + "state/DEU"), BKG.sourceNote)
    assert "shared" not in str(note)


def test_a_membership_links_the_state_to_the_council_of_europe_with_its_dates():
    out = Mapped()
    membership = Membership("RUS", dt.date(1996, 2, 28), dt.date(2022, 3, 16), "unverified", "recall", "expelled", 4)
    map_membership(membership, out)
    assert_isomorphic(
        turtle("""
            id:membership\\/council-of-europe\\/RUS a bkg:CouncilOfEuropeMembership ;
                org:member id:state\\/RUS ; org:organization id:organisation\\/council-of-europe ;
                rdfs:label "Council of Europe membership of RUS"@en ;
                bkg:startDate "1996-02-28"^^xsd:date ; bkg:endDate "2022-03-16"^^xsd:date .
        """),
        out.data,
    )
    assert (None, BKG.editorialNote, Literal("expelled")) in out.provenance


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
        reservations=[
            Reservation("ETS 185", "FRA", "reservation", "Art. 6(3)", dt.date(2006, 1, 10), "verified", "x", "", 2)
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
    reservation = URIRef(ID + "event/ets-185/FRA/reservation/art-6-3")
    assert (TREATY, BKG.hasFact, fact) in g
    assert (fact, RDF.value, Literal("Secretary General")) in g
    assert (clause, RDF.type, BKG.ReservationClause) in g
    assert (clause, BKG.concernsArticle, URIRef(f"{TREATY}/article/2")) in g
    assert (clause, BKG.permittedBy, URIRef(f"{TREATY}/article/42")) in g
    assert (reservation, RDF.type, BKG.Reservation) in g
    assert (reservation, BKG.reservingState, FRA) in g
    assert (reservation, BKG.underClause, clause) in g
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
    assert (india, BKG.sourceNote, Literal(SEED_NOTE)) in out.provenance


def test_claims_that_disagree_are_grouped_in_a_conflict_and_seed_claims_point_at_the_seed():
    out = Mapped()
    claims = [
        Claim("seed-81", "party-count", "treaty/ets-185", "seed", "81", "verified", "seed", "", 2),
        Claim(
            "chart-80", "party-count", "treaty/ets-185", "CoE chart", "80", "verified", "https://example.org/c", "", 3
        ),
        Claim("seed-eif", "", "treaty/ets-185", "seed", "2004-07-01", "verified", "seed", "", 4),
    ]
    map_claims(claims, out)
    g = out.data
    conflict = URIRef(ID + "conflict/party-count")
    seed_81, chart_80, seed_eif = (URIRef(ID + f"claim/{c.ident}") for c in claims)
    assert set(g.objects(conflict, BKG.hasClaim)) == {seed_81, chart_80}
    assert (conflict, RDF.type, BKG.Conflict) in g
    assert (seed_81, BKG.claimAbout, TREATY) in g
    assert (seed_81, BKG.claimedValue, Literal("81")) in g
    assert set(g.subjects(BKG.claimedIn, URIRef(ID + "source/seed"))) == {seed_81, seed_eif}
    assert (chart_80, PROV.wasDerivedFrom, URIRef("https://example.org/c")) in out.provenance
    assert (seed_81, BKG.sourceNote, Literal(SEED_NOTE)) in out.provenance
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


def test_map_sources_is_the_union_of_the_mappers_plus_the_council_of_europe():
    sources = Sources(
        treaties=[treaty()],
        states=[State("FRA", "FR", "France", 2)],
        memberships=[Membership("FRA", dt.date(1949, 5, 5), None, "verified", "https://example.org/m", "", 2)],
        acts=[act("ratification"), act("signature", date=dt.date(2001, 11, 23))],
    )
    expected = Mapped()
    map_treaty(sources.treaties[0], expected)
    map_state(sources.states[0], expected)
    map_membership(sources.memberships[0], expected)
    for record in sources.acts:
        map_act(record, expected)
    found = map_sources(sources)
    council = URIRef(ID + "organisation/council-of-europe")
    assert set(found.data) - set(expected.data) == {
        (council, RDF.type, BKG.InternationalOrganisation),
        (council, RDFS.label, Literal("Council of Europe", lang="en")),
        (council, RDFS.label, Literal("Conseil de l'Europe", lang="fr")),
    }
    assert set(expected.data) <= set(found.data)
    assert set(expected.provenance) <= set(found.provenance)
