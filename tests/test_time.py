"""Time that ends and dates known within bounds, answered from the graph and computed by hand from data/.

Part on the project's own build: the treaties' rules as data, the entries into force the rules derive
(per party and for each treaty), deposit windows, and counts by consent that bracket every figure a
source published. Part on a test graph, a copy of data/ with acts added (one build for all): a
denunciation that ends being a Party, one that takes effect in the future, a denunciation and a
re-accession, an international organisation that signs, the Second Protocol reaching its five
consents, a recorded entry into force that the rule contradicts, and a party declaring that its
Convention reservations do not carry over.
"""

from __future__ import annotations

import datetime as dt

import pytest
from budapest_kg.graph_builder.build import make_graphs
from rdflib import Graph

from budapest_kg import resources

from . import expected as ex
from .conftest import copy_inputs, copy_project
from .test_sources import append

SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"


@pytest.fixture(scope="module")
def store(build_dir):
    return ex.load_store(build_dir)


def query(name: str, **params: str) -> str:
    return ex.with_values((resources.PACKAGED.queries_dir / f"{name}.rq").read_text(encoding="utf-8"), **params)


def day(value: str) -> str:
    return f'"{value}"^^<http://www.w3.org/2001/XMLSchema#date>'


# ---- the treaties' rules as data -------------------------------------------------------------------


@pytest.mark.parametrize("code", ["ETS 185", "ETS 189", "CETS 224"])
def test_the_depositary_is_a_resource_and_the_entry_into_force_rule_is_numbers_and_terms(store, code):
    rules = {r["rule"]: r for r in ex.rows("treaty_rules.csv") if r["treaty"] == code}
    [depositary] = ex.select(
        store,
        f"""SELECT ?d ?name WHERE {{ <{ex.treaty(code)}> <{ex.BKG}depositary> ?d .
        ?d <http://www.w3.org/2000/01/rdf-schema#label> ?name FILTER(LANG(?name) = 'en') }}""",
    )
    assert depositary["d"] == f"{ex.ID}organisation/{rules['depositary']['agent']}"
    assert depositary["name"] == "Secretary General of the Council of Europe"
    rule = rules["entry-into-force"]
    [found] = ex.select(
        store,
        f"""SELECT * WHERE {{ <{ex.treaty(code)}/rule/entry-into-force>
        <{ex.BKG}consentsRequired> ?consents ; <{ex.BKG}memberConsentsRequired> ?members ;
        <{ex.BKG}delayMonths> ?months ; <{ex.BKG}delayDays> ?days ; <{ex.BKG}firstDayOfNextMonth> ?next ;
        <http://purl.org/dc/terms/description> ?prose }}""",
    )
    months = rule["period"].removeprefix("P").removesuffix("M")
    assert (found["consents"], found["members"], found["months"], found["days"]) == (
        rule["consents"], rule["member_consents"], months, "0"
    )  # fmt: skip
    assert found["next"] == ("true" if rule["then"] == "first-day-of-next-month" else "false")
    assert "first day of the month following the expiration of a period of three months" in found["prose"]
    numbers = {"3": "three", "5": "five", "0": ""}
    assert f"the date on which {numbers[rule['consents']]} States" in found["prose"]
    if rule["member_consents"] != "0":
        assert f"at least {numbers[rule['member_consents']]} member States of the Council of Europe" in found["prose"]


def test_the_convention_was_adopted_at_a_session_and_opened_at_a_place(store):
    [row] = ex.select(
        store,
        f"""SELECT ?organ ?session ?number ?place ?name WHERE {{
        <{ex.ID}event/ets-185/adoption> <{ex.BKG}adoptedBy> ?organ ; <{ex.BKG}duringSession> ?session .
        ?session <{ex.BKG}sessionNumber> ?number .
        <{ex.ID}event/ets-185/opening-for-signature> <{ex.BKG}place> ?place .
        ?place <http://www.w3.org/2000/01/rdf-schema#label> ?name }}""",
    )
    treaty = ex.treaty_row("ETS 185")
    assert row["organ"] == f"{ex.ID}organisation/{treaty['adopted_by']}"
    assert row["number"] == treaty["adopted_session"] == "109"
    assert row["name"] == treaty["opened_place"] == "Budapest"


# ---- entries into force derived by the rules -------------------------------------------------------


def consents_in_order(code: str) -> list[tuple[dt.date, str]]:
    """Each party's first consent by its latest possible day (what is certain by then)."""
    return sorted((ex.deposit_window(code, party)[1], party) for party in ex.acts_of(ex.CONSENTS, code))


def test_the_conventions_entry_into_force_is_derived_from_five_consents_three_by_members(store):
    """ETS 185 Art. 36(3): the fifth consent including three members' (Lithuania, 18 March 2004) gives 1 July 2004."""
    members = ex.members_on
    by_members = 0
    for count, (deposited, party) in enumerate(consents_in_order("ETS 185"), start=1):
        by_members += party in members(deposited.isoformat())
        if count >= 5 and by_members >= 3:
            break
    expected = ex.four_months_on(deposited).isoformat()
    assert expected == ex.treaty_row("ETS 185")["entry_into_force"] == "2004-07-01"
    [row] = ex.select(store, f"SELECT ?low ?high WHERE {{ <{ex.treaty('ETS 185')}/rule/entry-into-force> "
                             f"<{ex.BKG}expectedEarliest> ?low ; <{ex.BKG}expectedLatest> ?high }}")  # fmt: skip
    assert (row["low"], row["high"]) == (expected, expected)


def test_the_second_protocol_is_not_in_force_three_of_five_consents(store):
    consents = [d for d, _ in consents_in_order("CETS 224")]
    assert len(consents) == 3
    [row] = ex.select(
        store,
        f"""SELECT ?counted ?most ?required WHERE {{ <{ex.treaty("CETS 224")}/rule/entry-into-force>
        <{ex.BKG}consentsCounted> ?counted ; <{ex.BKG}consentsCountedAtMost> ?most ;
        <{ex.BKG}consentsRequired> ?required }}""",
    )
    [rule] = [r for r in ex.rows("treaty_rules.csv") if r["treaty"] == "CETS 224" and r["rule"] == "entry-into-force"]
    assert (int(row["counted"]), int(row["most"]), int(row["required"])) == (
        len(consents), len(consents), int(rule["consents"])
    )  # fmt: skip
    assert int(rule["consents"]) == 5
    assert not ex.select(
        store, f"SELECT ?d WHERE {{ <{ex.treaty('CETS 224')}/rule/entry-into-force> <{ex.BKG}expectedEarliest> ?d }}"
    )
    assert not ex.select(store, f"SELECT ?s WHERE {{ ?s <{ex.BKG}isPartyTo> <{ex.treaty('CETS 224')}> }}")


@pytest.mark.parametrize("code", ["ETS 185", "ETS 189"])
def test_every_recorded_entry_into_force_agrees_with_the_rule(store, code, build_dir):
    """The build derives each party's entry into force from its deposit and reports a mismatch; the
    recorded day always lies within what the rule gives (computed here by hand)."""
    import json

    for party in ex.acts_of({"entry-into-force"}, code):
        window = ex.entry_window(code, party)
        recorded = ex.act_row(code, party, {"entry-into-force"})["date"]
        if recorded:
            low, high = ex.deposit_window(code, party)
            in_force = ex.day_of(ex.treaty_row(code)["entry_into_force"])
            assert max(ex.four_months_on(low), in_force) <= window[0] <= max(ex.four_months_on(high), in_force)
    assert json.loads((build_dir / "manifest.json").read_text())["mismatches"] == []


def test_a_deposit_month_is_derived_from_the_entry_into_force(store):
    """Luxembourg: no day of deposit in the sources; in force on 1 May 2015, so deposited in January 2015."""
    [row] = ex.select(
        store,
        f"""SELECT ?low ?high ?precision WHERE {{ <{ex.ID}event/ets-185/LUX/consent/1>
        <{ex.BKG}earliestDate> ?low ; <{ex.BKG}latestDate> ?high ; <{ex.BKG}datePrecision> ?precision }}""",
    )
    assert (row["low"], row["high"]) == ("2015-01-01", "2015-01-31")
    assert row["precision"] == ex.BKG + "MonthKnown"
    low, high = ex.deposit_window("ETS 185", "GRD")
    [row] = ex.select(
        store,
        f"""SELECT ?low ?high ?precision WHERE {{ <{ex.ID}event/ets-185/GRD/consent/1>
        <{ex.BKG}earliestDate> ?low ; <{ex.BKG}latestDate> ?high ; <{ex.BKG}datePrecision> ?precision }}""",
    )
    assert (row["low"], row["high"], row["precision"]) == (low.isoformat(), high.isoformat(), ex.BKG + "BoundsKnown")


# ---- counts by consent bracket every published figure ---------------------------------------------


def published():
    for row in ex.rows("published_counts.csv"):
        if len(row["date"]) == 7:
            low, high = ex.month_bounds(int(row["date"][:4]), int(row["date"][5:]))
        else:
            low = high = ex.day_of(row["date"])
        yield pytest.param(row, low, high, id=f"{row['treaty']}-{row['date']}")


@pytest.mark.parametrize(("row", "low", "high"), list(published()))
def test_counts_by_consent_bracket_each_published_figure(store, row, low, high):
    """A published number of Parties (or ratifications) lies between the Parties certainly counted by
    consent at the start of its day or month and those possibly counted at its end."""
    number = row["treaty"].split()[1]
    treaty = f"<{ex.treaty(row['treaty'])}>"
    [start] = ex.select(store, query("party-count", treaty=treaty, date=day(low.isoformat()), basis='"consent"'))
    [end] = ex.select(store, query("party-count", treaty=treaty, date=day(high.isoformat()), basis='"consent"'))
    assert int(start["parties"]) <= int(row["count"]) <= int(end["partiesAtMost"]), number
    assert int(start["parties"]) == ex.counted(row["treaty"], low, "consent")[0]
    assert int(end["partiesAtMost"]) == ex.counted(row["treaty"], high, "consent")[1]


def test_published_counts_are_typed_claims(store):
    rows = ex.select(
        store,
        f"""SELECT ?claim ?value ?claimant WHERE {{ ?claim <{ex.BKG}claimedValue> ?value ;
        <{ex.BKG}claimant> ?claimant FILTER(STRSTARTS(STR(?claim), "{ex.ID}claim/published-count-")) }}""",
    )
    assert len(rows) == len(ex.rows("published_counts.csv"))
    assert all(r["claimant"].startswith(ex.ID + "source/") for r in rows)


# ---- a test graph: time that ends ------------------------------------------------------------------

STATUS_DATE = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def timeline(tmp_path_factory):
    """The project's data with acts added, built once (in memory) as of STATUS_DATE."""
    root = tmp_path_factory.mktemp("timeline")
    copy_project(root)
    data = root / "data"
    if "\neuropean-union," not in (data / "organisations.csv").read_text(encoding="utf-8"):
        append(data / "organisations.csv", "european-union,international-organisation,European Union,"
                                           "Union européenne,,verified,test source")  # fmt: skip
    acts = data / "acts.csv"
    lines = {
        "eu": append(acts, "ETS 185,european-union,signature,2025-03-01,,,,verified,test source,,"),
        "alb_out": append(acts, "ETS 189,ALB,denunciation,2024-02-10,,,,verified,test source,,"),
        "and_out": append(acts, "ETS 185,AND,denunciation,2026-11-20,,,,verified,test source,,"),
        "cyp_out": append(acts, "ETS 189,CYP,denunciation,2020-01-10,,,,verified,test source,,"),
        "cyp_back": append(acts, "ETS 189,CYP,accession,2022-03-15,,,,verified,test source,,"),
        "fra_224": append(acts, "CETS 224,FRA,ratification,2026-03-10,,,,verified,test source,,"),
        "deu_224": append(acts, "CETS 224,DEU,ratification,2026-04-15,,,,verified,test source,,"),
    }
    text = acts.read_text(encoding="utf-8")
    usa = "ETS 185,USA,entry-into-force,2007-01-01,"
    lines["usa_eif"] = text[: text.index(usa)].count("\n") + 1
    acts.write_text(text.replace(usa, "ETS 185,USA,entry-into-force,2007-02-01,"), encoding="utf-8")
    append(data / "party_statements.csv", "ETS 189,FRA,declaration,Art. 12(1),2006-01-10,,Convention reservations "
                                          "do not apply to the Protocol,,,verified,test source,,")  # fmt: skip
    inputs = copy_inputs(root)
    inputs.status_date = STATUS_DATE
    result = make_graphs(inputs)
    import pyoxigraph as ox

    store = ox.Store()
    union = Graph()
    for graph in result.graphs.values():
        for triple in graph:
            union.add(triple)
    store.load(union.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store, result, lines


def parties_on(store, code: str, when: str) -> dict[str, str]:
    rows = ex.select(store, query("parties", treaty=f"<{ex.treaty(code)}>", date=day(when), basis='"in-force"'))
    return {r["iso3"]: r["certain"] for r in rows}


def test_a_denunciation_ends_being_a_party_on_the_day_it_takes_effect(timeline):
    store, _, _ = timeline
    effective = ex.first_of_month_after_three_months("2024-02-10")
    assert effective == "2024-06-01"
    before = (dt.date.fromisoformat(effective) - dt.timedelta(days=1)).isoformat()
    assert parties_on(store, "ETS 189", before)["ALB"] == "true"
    assert "ALB" not in parties_on(store, "ETS 189", effective)
    [row] = ex.select(
        store, f"SELECT ?d WHERE {{ <{ex.ID}event/ets-189/ALB/denunciation/1> <{ex.BKG}effectiveDate> ?d }}"
    )
    assert row["d"] == effective
    category = f"{ex.treaty('ETS 189')}/category"
    types = {r["c"] for r in ex.select(store, f"SELECT ?c WHERE {{ <{ex.ID}state/ALB> a ?c }}")}
    assert f"{category}/former-party" in types
    assert f"{category}/party" not in types
    assert bool(store.query(f"ASK {{ <{ex.ID}state/ALB> <{ex.BKG}wasPartyTo> <{ex.treaty('ETS 189')}> }}"))


def test_a_denunciation_taking_effect_later_is_shown_with_its_future_day(timeline):
    store, _result, _ = timeline
    effective = ex.first_of_month_after_three_months("2026-11-20")
    assert effective > STATUS_DATE.isoformat()
    assert parties_on(store, "ETS 185", STATUS_DATE.isoformat())["AND"] == "true"
    assert "AND" not in parties_on(store, "ETS 185", effective)
    [row] = ex.select(
        store,
        f"""SELECT ?end WHERE {{ <{ex.ID}participation/ets-185/AND> <{ex.BKG}partyDuring> ?p .
        ?p <{ex.BKG}endDate> ?end }}""",
    )
    assert row["end"] == effective  # in the future, and the checks accepted it


def test_a_party_that_denounced_and_acceded_again_has_two_periods(timeline):
    store, _, _ = timeline
    left = ex.first_of_month_after_three_months("2020-01-10")
    back = max(ex.first_of_month_after_three_months("2022-03-15"), "2006-03-01")
    assert "CYP" not in parties_on(store, "ETS 189", "2021-01-01")
    assert parties_on(store, "ETS 189", back)["CYP"] == "true"
    periods = ex.select(
        store,
        f"""SELECT ?start ?end WHERE {{ <{ex.ID}participation/ets-189/CYP> <{ex.BKG}partyDuring> ?p .
        OPTIONAL {{ ?p <{ex.BKG}startDate> ?start }} OPTIONAL {{ ?p <{ex.BKG}endDate> ?end }} }}""",
    )
    assert {(r.get("start"), r.get("end")) for r in periods} == {(None, left), (back, None)}
    assert ex.select(store, f"SELECT ?a WHERE {{ ?a <{ex.BKG}consentingParty> <{ex.ID}state/CYP> ; "
                            f"<{ex.BKG}treaty> <{ex.treaty('ETS 189')}> }}")  # fmt: skip


def test_an_international_organisation_signs_as_a_party_without_new_classes(timeline):
    store, _, _ = timeline
    union = f"{ex.ID}organisation/european-union"
    types = {r["c"] for r in ex.select(store, f"SELECT ?c WHERE {{ <{union}> a ?c }}")}
    assert {ex.BKG + "InternationalOrganisation", ex.BKG + "Signatory", f"{ex.treaty('ETS 185')}/category/signatory",
            f"{ex.treaty('ETS 185')}/category/signatory-only"} <= types  # fmt: skip
    assert ex.BKG + "State" not in types


def test_the_second_protocol_enters_into_force_from_its_fifth_consent_derived_not_asserted(timeline):
    store, _, _ = timeline
    fifth = "2026-04-15"
    expected = ex.first_of_month_after_three_months(fifth)
    [row] = ex.select(store, f"SELECT ?low ?high WHERE {{ <{ex.treaty('CETS 224')}/rule/entry-into-force> "
                             f"<{ex.BKG}expectedEarliest> ?low ; <{ex.BKG}expectedLatest> ?high }}")  # fmt: skip
    assert (row["low"], row["high"]) == (expected, expected)
    parties = parties_on(store, "CETS 224", STATUS_DATE.isoformat())
    assert set(parties) == {"SRB", "JPN", "HUN", "FRA", "DEU"}
    # Japan now bears every obligation of the Protocol but Art. 7, which its reservation excludes.
    found = ex.select(
        store,
        f"""SELECT ?o WHERE {{ <{ex.ID}state/JPN> <{ex.BKG}bearsObligation> ?o .
        <{ex.treaty("CETS 224")}> <{ex.BKG}imposesObligation> ?o }}""",
    )
    borne = {r["o"] for r in found}
    assert borne == ex.obligations("CETS 224") - {ex.norm_of("CETS 224", "Art. 7")}


def test_a_recorded_entry_into_force_the_rule_contradicts_is_reported(timeline):
    _, result, lines = timeline
    assert [(m.table, m.line) for m in result.mismatches] == [("acts.csv", lines["usa_eif"])]
    assert "the rule gives 2007-01-01" in result.mismatches[0].message
    assert result.manifest["mismatches"] == [str(m) for m in result.mismatches]


def test_a_party_can_declare_that_its_convention_reservations_do_not_carry_over(timeline):
    store, _, _ = timeline
    carried = {r["r"] for r in ex.select(store, f"SELECT ?r WHERE {{ ?r <{ex.BKG}carriedOverTo> ?t }}")}
    assert not any("/FRA/" in r for r in carried)
    assert any("/FIN/" in r for r in carried)
