"""The catalogue queries of the data model: documented headers, and answers that match data/."""

from __future__ import annotations

import pytest
from budapest_kg.graph_builder.quality import format_quality, measure_quality
from rdflib import Dataset

from budapest_kg import resources

from . import expected as ex

QUERIES = ["offences", "obligations-of-party", "positions", "data-conflicts", "unverified-facts",
           "invited-to-accede", "data-quality"]  # fmt: skip


@pytest.fixture(scope="module")
def store(build_dir):
    return ex.load_store(build_dir)


def text(name: str) -> str:
    return (resources.PACKAGED.queries_dir / f"{name}.rq").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", QUERIES)
def test_query_opens_with_metadata_and_declares_its_parameters(name):
    lines = text(name).splitlines()
    header = [line for line in lines if line.startswith("#+ ")]
    assert header[0].startswith("#+ summary: ")
    assert any(line.startswith("#+ description: ") for line in header)
    params = {line.split(":", 1)[1].split("|")[0].strip() for line in header if line.startswith("#+ param:")}
    used = {p for p in ("treaty", "state", "date") if f"?_{p}" in text(name)}
    assert params == used


@pytest.mark.parametrize("code", ["ETS 185", "ETS 189"])
def test_offences_are_the_offence_articles(store, code):
    found = ex.select(store, ex.with_values(text("offences"), treaty=f"<{ex.treaty(code)}>"))
    expected = [r["number"] for r in ex.articles(code) if r["category"] == "offence"]
    assert [r["number"] for r in found] == expected


def test_offences_show_the_reservations_that_limit_them(store):
    found = ex.select(store, ex.with_values(text("offences"), treaty=f"<{ex.treaty('ETS 185')}>"))
    by_number = {r["number"]: r["reservations"] for r in found}
    clauses = [
        r for r in ex.rows("reservations_declarations.csv") if r["treaty"] == "ETS 185" and r["kind"] == "reservation"
    ]
    for number, reservations in by_number.items():
        expected = {c["provision"] for c in clauses if number in c["articles"].split(";")}
        assert set(filter(None, (reservations or "").split("; "))) == expected


@pytest.mark.parametrize("code", ["ETS 185", "ETS 189", "CETS 224"])
def test_obligations_of_a_party(store, code):
    query = ex.with_values(text("obligations-of-party"), state=f"<{ex.ID}state/FRA>", treaty=f"<{ex.treaty(code)}>")
    found = ex.select(store, query)
    excluded = ex.reserved_norms()["excluded"].get(("FRA", code), set())
    expected = ex.obligations(code) - excluded if "FRA" in ex.contracting(code) else set()
    assert {r["obligation"] for r in found} == expected
    reserved = {norm for party, norm in ex.reserved_obligations() if party == "FRA"}
    assert {r["obligation"] for r in found if r["reserved"] == "true"} == reserved & expected
    if code == "ETS 185":
        assert f"{ex.treaty('ETS 185')}/article/2" in {r["article"] for r in found}
        assert all(r["pending"] == "false" for r in found)


def test_positions_list_every_statement(store):
    found = ex.select(store, text("positions"))
    assert {r["development"].rsplit("/", 1)[-1] for r in found} == {r["statement"] for r in ex.rows("statements.csv")}
    by_state = {r["state"] for r in found}
    assert {"IND", "RUS", "USA", "EGY"} <= by_state


def test_invited_to_accede(store):
    found = ex.select(store, ex.with_values(text("invited-to-accede"), treaty=f"<{ex.treaty('ETS 185')}>"))
    invited = ex.acts_of({"invitation-to-accede"}, "ETS 185")
    assert {r["iso3"] for r in found} == invited
    contracting = ex.contracting("ETS 185")
    assert {r["iso3"]: r["acceded"] == "true" for r in found} == {s: s in contracting for s in invited}


def test_data_quality_report_counts(store):
    found = {(r["measure"], r["about"]): int(r["value"]) for r in ex.select(store, text("data-quality"))}
    for code in ("ETS 185", "ETS 189"):
        assert found["Parties", code] == len(ex.parties(code))
        assert found["articles", code] == len(ex.articles(code))
    assert found["signatories only", "ETS 185"] == len(ex.signatories("ETS 185") - ex.contracting("ETS 185"))
    assert found["conflicts between sources", "all"] == len(
        {r["conflict"] for r in ex.rows("claims.csv") if r["conflict"]}
    )
    acts = ex.rows("acts.csv") + ex.rows("party_statements.csv")
    undated = [r for r in acts if r["treaty"] == "ETS 185" and not r["date"]]
    assert found["acts without a date", "ETS 185"] == len(undated)


def test_validate_reports_data_quality_from_the_build(build_dir):
    dataset = Dataset()
    dataset.parse(build_dir / "graph.nq", format="nquads")
    rows = {(m, a): v for m, a, v in measure_quality([dataset.graph(g.identifier) for g in dataset.graphs()])}
    assert rows["Parties", "ETS 185"] == len(ex.parties("ETS 185"))
    assert rows["conflicts between sources", "all"] == len(
        {r["conflict"] for r in ex.rows("claims.csv") if r["conflict"]}
    )
    statuses = {a for m, a in rows if m == "resources by verification status"}
    assert statuses == {"verified", "unverified", "derived"}
    assert "Parties (ETS 185)" in format_quality(sorted((m, a, v) for (m, a), v in rows.items()))
