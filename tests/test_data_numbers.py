"""Headline numbers: what the graph answers equals what data/ says, and the numbers the project reports hold."""

from __future__ import annotations

import pytest

from . import expected as ex


@pytest.fixture(scope="module")
def store(build_dir):
    return ex.load_store(build_dir)


def states_with(store, prop: str, code: str) -> set[str]:
    found = ex.select(store, f"SELECT ?s WHERE {{ ?s <{ex.BKG}{prop}> <{ex.treaty(code)}> }}")
    return {ex.iso(r["s"]) for r in found}


@pytest.mark.parametrize(("code", "count"), [("ETS 185", 81), ("ETS 189", 39), ("CETS 224", 0)])
def test_parties_per_treaty(store, code, count):
    assert states_with(store, "isPartyTo", code) == ex.parties(code)
    assert len(ex.parties(code)) == count


@pytest.mark.parametrize(("code", "only"), [("ETS 185", {"IRL", "ZAF"})])
def test_signatories_only_of_the_convention(store, code, only):
    computed = ex.signatories(code) - ex.contracting(code)
    assert states_with(store, "isSignatoryOnlyOf", code) == computed == only


@pytest.mark.parametrize("code", ["ETS 185", "ETS 189", "CETS 224"])
def test_signatories_only_per_treaty(store, code):
    assert states_with(store, "isSignatoryOnlyOf", code) == ex.signatories(code) - ex.contracting(code)


def test_member_and_non_member_parties_to_the_convention(store):
    parties = ex.parties("ETS 185")
    category = f"{ex.treaty('ETS 185')}/category"
    member = ex.select(store, f"SELECT ?s WHERE {{ ?s a <{category}/member-party> }}")
    other = ex.select(store, f"SELECT ?s WHERE {{ ?s a <{category}/non-member-party> }}")
    assert {ex.iso(r["s"]) for r in member} == parties & ex.members()
    assert {ex.iso(r["s"]) for r in other} == parties - ex.members()
    assert (len(parties & ex.members()), len(parties - ex.members())) == (45, 36)


def test_second_protocol_signatories_consents_and_not_in_force(store):
    assert states_with(store, "isSignatoryOf", "CETS 224") == ex.signatories("CETS 224")
    assert len(ex.signatories("CETS 224")) == 52
    assert states_with(store, "isContractingPartyOf", "CETS 224") == ex.contracting("CETS 224") == {"SRB", "JPN", "HUN"}
    in_force = ex.select(
        store, f"SELECT ?f WHERE {{ <{ex.treaty('CETS 224')}> <http://data.europa.eu/eli/ontology#in_force> ?f }}"
    )
    assert [r["f"] for r in in_force] == ["http://data.europa.eu/eli/ontology#InForce-notInForce"]


@pytest.mark.parametrize(("code", "count"), [("ETS 185", 48), ("ETS 189", 16), ("CETS 224", 25)])
def test_articles_per_treaty(store, code, count):
    found = ex.select(
        store,
        f"SELECT ?a ?n WHERE {{ ?a a <{ex.BKG}Article> ; <{ex.BKG}ofTreaty> <{ex.treaty(code)}> ;"
        f" <{ex.BKG}unitNumber> ?n }}",
    )
    assert sorted(int(r["n"]) for r in found) == sorted(int(r["number"]) for r in ex.articles(code))
    assert len(found) == count


PARTIES_ON = """
PREFIX bkg: <https://w3id.org/budapest-kg/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT DISTINCT ?state WHERE {
  ?entry a bkg:EntryIntoForceForParty ; bkg:treaty ?_treaty ; bkg:boundParty ?state ; bkg:date ?date .
  FILTER(?date <= ?_date)
  FILTER NOT EXISTS { ?out a bkg:Denunciation ; bkg:treaty ?_treaty ; bkg:denouncingParty ?state ;
                      bkg:effectiveDate ?end FILTER(?end <= ?_date) }
}
"""


@pytest.mark.parametrize("code", ["ETS 185", "ETS 189"])
@pytest.mark.parametrize("day", ["2004-07-01", "2006-12-31", "2010-01-01", "2015-06-30", "2020-01-01", "2025-12-31"])
def test_cumulative_parties_on_a_date(store, code, day):
    query = ex.with_values(PARTIES_ON, treaty=f"<{ex.treaty(code)}>", date=f'"{day}"^^xsd:date')
    found = {ex.iso(r["state"]) for r in ex.select(store, query)}
    assert found == ex.parties_on(code, day)


def test_cumulative_counts_grow_and_the_united_states_is_sixteenth(store):
    counts = [len(ex.parties_on("ETS 185", d)) for d in ("2004-07-01", "2010-01-01", "2020-01-01", "2025-12-31")]
    assert counts == sorted(counts)
    assert counts[0] > 0
    dated = sorted(
        (r["date"], r["party"])
        for r in ex.rows("acts.csv")
        if r["treaty"] == "ETS 185" and r["act"] in ex.CONSENTS and r["date"]
    )
    assert dated[15][1] == "USA"  # the seed's claim that the US was the 16th State to ratify
