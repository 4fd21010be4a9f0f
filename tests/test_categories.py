"""Every inferred category of States equals the set computed from data/ in plain Python."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from . import expected as ex

TREATIES = [r["code"] for r in ex.rows("treaties.csv")]  # the Council of Europe's three and the UN Convention
RATIFICATION = {"ratification", "acceptance", "approval"}


@pytest.fixture(scope="module")
def store(build_dir):
    return ex.load_store(build_dir)


def members_of(store, cls: str) -> set[str]:
    return {ex.iso(r["s"]) for r in ex.select(store, f"SELECT ?s WHERE {{ ?s a <{ex.BKG}{cls}> }}")}


def linked(store, prop: str, code: str) -> set[str]:
    found = ex.select(store, f"SELECT ?s WHERE {{ ?s <{ex.BKG}{prop}> <{ex.treaty(code)}> }}")
    return {ex.iso(r["s"]) for r in found}


def union(sets) -> set[str]:
    return set().union(*sets)


@pytest.mark.parametrize("code", TREATIES)
def test_signatory_contracting_state_and_party_per_treaty(store, code):
    assert linked(store, "isSignatoryOf", code) == ex.signatories(code)
    assert linked(store, "isContractingStateOf", code) == ex.contracting(code)
    assert linked(store, "isPartyTo", code) == ex.parties(code)


def test_state_classes_over_all_treaties(store):
    assert members_of(store, "Signatory") == union(ex.signatories(c) for c in TREATIES)
    assert members_of(store, "ContractingState") == union(ex.contracting(c) for c in TREATIES)
    assert members_of(store, "Party") == union(ex.parties(c) for c in TREATIES)
    assert members_of(store, "SignatoryOnly") == union(ex.signatories(c) - ex.contracting(c) for c in TREATIES)


def test_per_treaty_classes(store):
    assert members_of(store, "PartyToConvention") == ex.parties("ETS 185")
    assert members_of(store, "PartyToFirstProtocol") == ex.parties("ETS 189")
    assert members_of(store, "PartyToSecondProtocol") == ex.parties("CETS 224")
    assert members_of(store, "ContractingStateToConvention") == ex.contracting("ETS 185")
    assert members_of(store, "ContractingStateToFirstProtocol") == ex.contracting("ETS 189")
    assert members_of(store, "ContractingStateToSecondProtocol") == ex.contracting("CETS 224")
    all_three = ex.parties("ETS 185") & ex.parties("ETS 189") & ex.parties("CETS 224")
    assert members_of(store, "PartyToAllThree") == all_three


def test_member_and_non_member_parties(store):
    parties = union(ex.parties(c) for c in TREATIES)
    assert members_of(store, "CouncilOfEuropeMemberParty") == parties & ex.members()
    assert members_of(store, "NonMemberParty") == parties - ex.members()
    assert "RUS" not in parties  # Russia never ratified; its membership ended in 2022


@pytest.mark.parametrize("code", TREATIES)
def test_party_by_ratification_or_accession(store, code):
    by_kind = {r["iso3"]: r["act"] for r in ex.rows("acts.csv") if r["treaty"] == code and r["act"] in ex.CONSENTS}
    parties = ex.parties(code)
    assert linked(store, "isPartyByRatificationTo", code) == {s for s in parties if by_kind[s] in RATIFICATION}
    assert linked(store, "isPartyByAccessionTo", code) == {s for s in parties if by_kind[s] == "accession"}


def test_party_to_convention_but_not_to_a_protocol(store):
    convention = ex.parties("ETS 185")
    assert members_of(store, "PartyToConventionNotFirstProtocol") == convention - ex.parties("ETS 189")
    assert members_of(store, "PartyToConventionNotSecondProtocol") == convention - ex.parties("CETS 224")


def test_invited_to_accede_but_not_acceded(store):
    for code in TREATIES:
        invited = ex.acts_of({"invitation-to-accede"}, code)
        assert linked(store, "isInvitedToAccedeTo", code) == invited
        assert linked(store, "isInvitedNotAccededTo", code) == invited - ex.contracting(code)
    assert members_of(store, "InvitedNotAcceded") == union(
        ex.acts_of({"invitation-to-accede"}, c) - ex.contracting(c) for c in TREATIES
    )


def test_obligations_each_party_bears(store):
    found = ex.select(store, f"SELECT ?s ?o WHERE {{ ?s <{ex.BKG}bearsObligation> ?o }}")
    expected = {
        (state, obligation) for code in TREATIES for state in ex.parties(code) for obligation in ex.obligations(code)
    }
    assert {(ex.iso(r["s"]), r["o"]) for r in found} == expected
    assert expected  # the Convention imposes obligations on its Parties


def test_reserved_obligations(store):
    found = ex.select(store, f"SELECT ?s ?o WHERE {{ ?s <{ex.BKG}hasReservedObligation> ?o }}")
    assert {(ex.iso(r["s"]), r["o"]) for r in found} == ex.reserved_obligations()
    assert ex.reserved_obligations()  # Japan's reservation under CETS 224 Art. 7(9)(a) is recorded


def test_categories_are_inferred_not_asserted(store):
    for cls in ("SignatoryOnly", "PartyByAccession", "InvitedNotAcceded", "PartyToConventionNotFirstProtocol"):
        asserted = store.query(f"ASK {{ GRAPH <https://w3id.org/budapest-kg/graph/data> {{ ?s a <{ex.BKG}{cls}> }} }}")
        assert not bool(asserted), cls


def readme_queries() -> list[str]:
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = text.split("## Categories", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`(SELECT [^`]+)`", section)


def test_every_category_query_in_the_readme_runs_and_answers(store):
    queries = readme_queries()
    assert len(queries) >= 11
    for query in queries:
        found = ex.select(store, f"PREFIX bkg: <{ex.BKG}>\n{query}")
        if "PartyToAllThree" in query:
            assert len(found) == len(ex.parties("ETS 185") & ex.parties("ETS 189") & ex.parties("CETS 224"))
        else:
            assert found, query


def test_protocols_supplement_the_convention_and_only_its_parties_join_them(store):
    found = ex.select(store, f"SELECT ?p ?c WHERE {{ ?p <{ex.BKG}openOnlyToPartiesOf> ?c ; <{ex.BKG}supplements> ?c }}")
    assert {(r["p"], r["c"]) for r in found} == {
        (ex.treaty(r["code"]), ex.treaty(r["supplements"])) for r in ex.rows("treaties.csv") if r["supplements"]
    }
    for row in found:
        protocol, convention = row["p"].rsplit("/", 1)[-1], row["c"].rsplit("/", 1)[-1]
        joined = linked(store, "isContractingStateOf", protocol.upper().replace("-", " "))
        assert joined <= linked(store, "isPartyTo", convention.upper().replace("-", " "))
