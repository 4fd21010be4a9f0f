"""Norms net of reservations: paragraph-level norms, each with its bearer and validity; what a party's
reservations exclude or limit, carried over to a protocol; a party's obligations from a date. Expected
answers from data/ by tests/expected.py."""

from __future__ import annotations

import pytest

from budapest_kg import resources

from . import expected as ex


@pytest.fixture(scope="module")
def store(build_dir):
    return ex.load_store(build_dir)


def query(name: str, **params: str) -> str:
    text = (resources.PACKAGED.queries_dir / f"{name}.rq").read_text(encoding="utf-8")
    return ex.with_values(text, **params)


def test_japans_obligations_under_the_second_protocol_are_net_of_its_reservation(store):
    """Japan accepted CETS 224 reserving the right not to apply Art. 7 (Art. 7(9)(a)): every other
    obligation of the Protocol applies to it once the Protocol is in force for it; none does yet."""
    found = ex.select(
        store, query("obligations-of-party", state=f"<{ex.ID}state/JPN>", treaty=f"<{ex.treaty('CETS 224')}>")
    )
    excluded = ex.reserved_norms()["excluded"][("JPN", "CETS 224")]
    assert excluded == {ex.norm_of("CETS 224", "Art. 7")}
    assert {r["obligation"] for r in found} == ex.obligations("CETS 224") - excluded
    assert all(r["pending"] == "true" for r in found)  # not in force: 3 of the 5 consents it needs
    assert not ex.select(store, f"SELECT ?o WHERE {{ <{ex.ID}state/JPN> <{ex.BKG}bearsObligation> ?o . "
                                f"<{ex.treaty('CETS 224')}> <{ex.BKG}imposesObligation> ?o }}")  # fmt: skip


def test_japans_convention_obligations_apply_from_its_entry_into_force_limited_by_its_reservations(store):
    found = ex.select(
        store, query("obligations-of-party", state=f"<{ex.ID}state/JPN>", treaty=f"<{ex.treaty('ETS 185')}>")
    )
    entry = ex.act_row("ETS 185", "JPN", {"entry-into-force"})["date"]
    assert {r["appliesFrom"] for r in found} == {entry}
    limited = {r["obligation"] for r in found if r.get("limitedBy")}
    assert limited == ex.reserved_norms()["limited"][("JPN", "ETS 185")]


def test_a_convention_reservation_carries_over_to_the_first_protocol(store):
    """ETS 189 Art. 12(1): France's reservation under Convention Art. 22(2) (jurisdiction) limits the
    Protocol's Art. 8(1), which applies Convention Art. 22 to it."""
    found = ex.select(
        store, f"SELECT ?r ?n WHERE {{ ?r <{ex.BKG}carriedOverTo> <{ex.treaty('ETS 189')}> ; <{ex.BKG}limits> ?n }}"
    )
    pairs = {(r["r"].split("/")[-3], r["n"]) for r in found if "/ets-189/" in r["n"]}
    assert pairs == ex.carried_over()
    assert ("FRA", ex.norm_of("ETS 189", "Art. 8(1)")) in pairs


def test_every_norm_has_its_bearer_and_validity(store):
    rows = ex.select(
        store,
        f"""SELECT ?n ?bearer ?from WHERE {{ ?t <{ex.BKG}imposesObligation> ?n .
        ?n <{ex.BKG}bearer> ?bearer OPTIONAL {{ ?n <{ex.BKG}validFrom> ?from }} }}""",
    )
    for code in ("ETS 185", "ETS 189", "CETS 224"):
        mine = {r["n"]: r for r in rows if r["n"] in ex.obligations(code)}
        assert set(mine) == ex.obligations(code)
        assert {r["bearer"] for r in mine.values()} == {f"{ex.treaty(code)}/category/party"}
        assert {r["from"] for r in mine.values()} == {ex.treaty_row(code)["entry_into_force"] or None}


def test_paragraph_norms_are_parts_of_their_articles(store):
    rows = ex.select(
        store, f"SELECT ?part ?whole WHERE {{ ?part <http://purl.org/dc/terms/isPartOf> ?whole ; a <{ex.BKG}Norm> }}"
    )
    found = {(r["part"], r["whole"]) for r in rows}
    articles = {
        f"{ex.ID}obligation/{ex.slug(c)}/article-{a['number']}"
        for c in ("ETS 185", "ETS 189", "CETS 224")
        for a in ex.articles(c)
        if a["category"] in ex.BINDING and a["obligation"] in ("yes", "mixed")
    }
    expected = {(ex.paragraph_iri(r), ex.article_of(ex.paragraph_iri(r))) for r in ex.rows("paragraphs.csv")}
    assert found == {pair for pair in expected if pair[1] in articles}
    assert (ex.norm_of("ETS 185", "Art. 9(2)(b)"), ex.norm_of("ETS 185", "Art. 9")) in found


@pytest.mark.parametrize("iso", ["JPN", "USA", "DNK", "ESP", "ALB"])
def test_each_statement_of_a_party_is_listed_with_the_date_its_source_is_current_to(store, iso):
    found = ex.select(store, query("reservations-and-declarations", state=f"<{ex.ID}state/{iso}>"))
    made = [r for r in ex.rows("party_statements.csv") if r["party"] == iso]
    assert len(found) == len(made)
    kinds = {
        "territorial-application": "territorial declaration",
        "reservation-withdrawal": "withdrawal of a reservation",
    }
    expected = sorted((r["treaty"], kinds.get(r["kind"], r["kind"]), r["date"], r["source_as_of"]) for r in made)
    assert sorted((r["treatyCode"], r["kind"], r.get("date") or "", r.get("asOf") or "") for r in found) == expected
