"""The catalogue queries across the two regimes: answers computed from data/ in plain Python, never hard-coded."""

from __future__ import annotations

import pytest

from budapest_kg import resources
from budapest_kg.catalogue import read_catalogue
from tests import expected as ex

UN = "UNTC XVIII-16"
BUDAPEST = "ETS 185"
QUERIES = ["budapest-parties-un-convention", "un-participants-outside-budapest", "regime-overlap",
           "eu-member-states-positions", "regime-overlap-by-region", "state-standing"]  # fmt: skip
INSTRUMENTS = (("ets185", "ETS 185"), ("ets189", "ETS 189"), ("cets224", "CETS 224"), ("unConvention", UN))


@pytest.fixture(scope="module")
def store(build_dir):
    return ex.load_store(build_dir)


def text(name: str) -> str:
    return (resources.PACKAGED.queries_dir / f"{name}.rq").read_text(encoding="utf-8")


def un_acts(kind: set[str]) -> dict[str, dict[str, str]]:
    return {r["party"]: r for r in ex.rows("acts.csv") if r["treaty"] == UN and r["act"] in kind}


def organisations() -> set[str]:
    """Parties that are international organisations (organisations.csv), not States."""
    return {r["id"] for r in ex.rows("organisations.csv") if r["kind"] == "international-organisation"}


def window(act: dict[str, str]) -> tuple[str, str, str]:
    """(day, earliest, latest) as the graph gives them: a day is its own bounds, unless the treaty's opening
    narrows a window (a signature cannot precede the opening for signature)."""
    if act["date"]:
        return act["date"], act["date"], act["date"]
    opened = ex.treaty_row(act["treaty"])["opened"]
    return "", max(act["earliest"], opened) if act["earliest"] else opened, act["latest"]


def regions() -> dict[str, str]:
    return {r["iso3"]: r["region"] for r in ex.rows("regions.csv")}


def group_of(iso3: str) -> str:
    budapest = iso3 in ex.parties(BUDAPEST)
    un = iso3 in ex.signatories(UN) | ex.contracting(UN)
    groups = {(True, True): "both", (True, False): "budapest-only", (False, True): "un-only"}
    return groups.get((budapest, un), "neither")


def standing(iso3: str, code: str) -> str:
    if iso3 in ex.parties(code):
        return "party"
    if iso3 in ex.contracting(code):
        return "contracting"
    if iso3 in ex.signatories(code):
        return "signatory"
    return "invited" if iso3 in ex.acts_of({"invitation-to-accede"}, code) else "none"


def test_the_queries_are_in_the_catalogue_with_their_parameters():
    catalogue = read_catalogue(resources.PACKAGED.queries_dir)
    assert set(QUERIES) <= set(catalogue)
    assert [p.name for p in catalogue["budapest-parties-un-convention"].params] == ["position"]
    assert catalogue["budapest-parties-un-convention"].params[0].choices == (
        "any", "signed", "not-signed", "consented", "not-consented"
    )  # fmt: skip
    assert [p.name for p in catalogue["regime-overlap"].params] == ["group"]
    assert [p.name for p in catalogue["state-standing"].params] == ["state"]


@pytest.mark.parametrize("position", ["any", "signed", "not-signed", "consented", "not-consented"])
def test_budapest_parties_and_the_un_convention(store, position):
    parties = ex.parties(BUDAPEST)
    signed, consented = un_acts({"signature"}), un_acts(ex.CONSENTS)
    expected = {
        "any": parties,
        "signed": parties & set(signed),
        "not-signed": parties - set(signed),
        "consented": parties & set(consented),
        "not-consented": parties - set(consented),
    }[position]
    found = ex.select(store, ex.with_values(text("budapest-parties-un-convention"), position=f'"{position}"'))
    assert sorted(r["iso3"] for r in found) == sorted(expected)
    for row in found:
        act = signed.get(row["iso3"])
        if act is None:
            assert (row["unSigned"], row["unSignatureSource"]) == (None, None)
            continue
        found_window = (row["unSigned"] or "", row["unSignedEarliest"] or "", row["unSignedLatest"] or "")
        assert found_window == window(act)
        assert row["unSignatureStatus"] == act["status"]
        assert row["unSignatureSource"] == act["source"]
        assert (row["unSignatureSourceAsOf"] or "") == act["source_as_of"]
        assert row["region"] == regions()[row["iso3"]]


def test_signing_and_not_signing_parties_together_are_all_parties(store):
    query = text("budapest-parties-un-convention")
    signed = {r["iso3"] for r in ex.select(store, ex.with_values(query, position='"signed"'))}
    unsigned = {r["iso3"] for r in ex.select(store, ex.with_values(query, position='"not-signed"'))}
    assert signed.isdisjoint(unsigned)
    assert signed | unsigned == ex.parties(BUDAPEST)
    assert signed  # both groups exist in data/: the question is not trivial
    assert unsigned


def test_un_participants_outside_budapest(store):
    participants = ex.signatories(UN) | ex.contracting(UN)
    found = ex.select(store, text("un-participants-outside-budapest"))
    party = {row["state"]: row["state"].rsplit("/", 1)[-1] for row in found}
    assert sorted(party.values()) == sorted(participants - ex.parties(BUDAPEST))
    signed = un_acts({"signature"})
    for row in found:
        code = party[row["state"]]
        kind = "international-organisation" if code in organisations() else "state"
        assert (row["kind"], row["iso3"]) == (kind, code if kind == "state" else None)
        assert row["budapest"] == standing(code, BUDAPEST)
        act = signed[code]
        assert (row["unSigned"] or "", row["unSignedEarliest"] or "", row["unSignedLatest"] or "") == window(act)
        assert row["unSignatureSource"] == act["source"]
        assert (row["unSignatureSourceAsOf"] or "") == act["source_as_of"]


def test_the_european_union_takes_part_as_an_organisation_not_a_state(store):
    """The EU signed the UN Convention (acts.csv) as an international organisation: listed as one, never a State."""
    union = f"{ex.ID}organisation/european-union"
    assert "european-union" in un_acts({"signature"})
    assert "european-union" in organisations()
    [row] = [r for r in ex.select(store, text("un-participants-outside-budapest")) if r["state"] == union]
    assert row["kind"] == "international-organisation"
    types = {r["c"] for r in ex.select(store, f"SELECT ?c WHERE {{ <{union}> a ?c }}")}
    assert {ex.BKG + "InternationalOrganisation", f"{ex.treaty(UN)}/category/signatory"} <= types
    assert ex.BKG + "State" not in types
    overlap = {r["state"] for r in ex.select(store, ex.with_values(text("regime-overlap"), group='"any"'))}
    assert union not in overlap


@pytest.mark.parametrize("group", ["any", "both", "budapest-only", "un-only", "neither"])
def test_regime_overlap(store, group):
    known = regions()
    states = {r["iso3"] for r in ex.rows("states.csv")} & set(known)
    expected = {s for s in states if group in ("any", group_of(s))}
    found = ex.select(store, ex.with_values(text("regime-overlap"), group=f'"{group}"'))
    assert sorted(r["iso3"] for r in found) == sorted(expected)
    assert all(r["group"] == group_of(r["iso3"]) and r["region"] == known[r["iso3"]] for r in found)


def test_regime_overlap_by_region(store):
    known = regions()
    states = {r["iso3"] for r in ex.rows("states.csv")} & set(known)
    expected: dict[str, dict[str, int]] = {}
    for iso3 in states:
        counts = expected.setdefault(known[iso3], dict.fromkeys(("both", "budapest-only", "un-only", "neither"), 0))
        counts[group_of(iso3)] += 1
    found = ex.select(store, text("regime-overlap-by-region"))
    got = {
        r["region"]: {"both": int(r["both"]), "budapest-only": int(r["budapestOnly"]), "un-only": int(r["unOnly"]),
                      "neither": int(r["neither"])}
        for r in found
    }  # fmt: skip
    assert got == expected
    assert {r["region"]: int(r["states"]) for r in found} == {k: sum(v.values()) for k, v in expected.items()}


@pytest.mark.parametrize("iso3", ["FRA", "GBR", "USA", "ZAF", "CHN", "IRL", "MUS", "BRA"])
def test_a_states_standing_in_all_four_instruments_is_one_row(store, iso3):
    found = ex.select(store, ex.with_values(text("state-standing"), state=f"<{ex.ID}state/{iso3}>"))
    assert len(found) == 1
    row = found[0]
    for column, code in (("ets185", "ETS 185"), ("ets189", "ETS 189"), ("cets224", "CETS 224"), ("unConvention", UN)):
        assert row[column] == standing(iso3, code), (iso3, code)
        dates = {r["act"]: r["date"] for r in ex.rows("acts.csv") if r["treaty"] == code and r["party"] == iso3}
        consent = next((dates[k] for k in ex.CONSENTS if k in dates), "")
        assert (row[f"{column}Signed"] or "", row[f"{column}Consented"] or "") == (dates.get("signature", ""), consent)
        assert (row[f"{column}InForce"] or "") == dates.get("entry-into-force", "")


def test_eu_member_states_positions_under_the_four_instruments(store):
    members = {r["iso3"] for r in ex.rows("eu_membership.csv")}
    found = ex.select(store, text("eu-member-states-positions"))
    assert sorted(r["iso3"] for r in found) == sorted(members)
    signed = un_acts({"signature"})
    for row in found:
        for column, code in (
            ("ets185", "ETS 185"),
            ("ets189", "ETS 189"),
            ("cets224", "CETS 224"),
            ("unConvention", UN),
        ):
            assert row[column] == standing(row["iso3"], code), (row["iso3"], code)
        assert (row["unSigned"] or "") == signed.get(row["iso3"], {}).get("date", "")


def test_eu_memberships_are_not_council_of_europe_memberships(store):
    """No EU membership has a period or is a bkg:Membership (the Council of Europe's, with periods): nothing that
    asks who was a member on a day counts it, and no State is bkg:isMemberOf the EU."""
    eu = f"{ex.ID}organisation/european-union"
    query = f"""PREFIX org: <http://www.w3.org/ns/org#> PREFIX bkg: <{ex.BKG}>
    SELECT ?m WHERE {{ ?m org:organization <{eu}> . {{ ?m org:memberDuring ?p }} UNION {{ ?m a bkg:Membership }} }}"""
    assert ex.select(store, query) == []
    assert len(ex.select(store, f"SELECT ?m WHERE {{ ?m <http://www.w3.org/ns/org#organization> <{eu}> }}")) == len(
        ex.rows("eu_membership.csv")
    )
    assert ex.select(store, f"SELECT ?s WHERE {{ ?s <{ex.BKG}isMemberOf> <{eu}> }}") == []
