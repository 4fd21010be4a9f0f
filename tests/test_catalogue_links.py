"""Catalogue results link: every State or treaty a query lists comes with its IRI."""

from __future__ import annotations

import csv

import pytest
from budapest_kg.endpoint.local import OxigraphEngine

from budapest_kg import resources
from budapest_kg.catalogue import read_catalogue

from .test_catalogue import rows_of


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue(resources.PACKAGED.queries_dir)


@pytest.fixture(scope="module")
def ask(build_dir, catalogue):
    """Run a named query with parameters on the build; rows as dicts of plain strings."""
    engine = OxigraphEngine(build_dir / resources.GRAPH_FILE)
    with open(resources.PACKAGED.data_dir / "states.csv", newline="", encoding="utf-8") as handle:
        states = {row["iso3"] for row in csv.DictReader(handle)}
    return lambda name, **params: rows_of(engine, catalogue[name].bind(params, states))


# ---- results that link: the IRI of each State or treaty listed ------------------------------------

STATE_IRI = "https://w3id.org/budapest-kg/id/state/"
TREATY_IRI = "https://w3id.org/budapest-kg/id/treaty/"


def default_values(query) -> dict[str, str]:
    return {"state": "FRA"} if "state" in {p.name for p in query.params} else {}


@pytest.mark.parametrize("name", sorted(p.stem for p in resources.PACKAGED.queries_dir.glob("*.rq")))
def test_queries_that_list_states_or_treaties_return_their_iris(ask, catalogue, name):
    """A row naming a State (iso3) carries the State's IRI in ?state; one naming a treaty (code), its ?treaty."""
    rows = ask(name, **default_values(catalogue[name]))
    for row in rows:
        if "iso3" in row:
            assert row.get("state") == STATE_IRI + row["iso3"], (name, row)
        code = row.get("code") or row.get("treatyCode")
        if code and code.split()[0] in ("ETS", "CETS"):
            assert row.get("treaty") == TREATY_IRI + code.lower().replace(" ", "-"), (name, row)
    # Queries that list States must list some for these tests to mean anything.
    if name in ("parties", "non-member-parties", "parties-missing-protocol", "signatories-only"):
        assert rows, name
        assert all("state" in row for row in rows), name


def test_state_profile_links_each_act_to_its_record(ask):
    # Acts (the categories of each treaty the State is in come with the treaty's code too, without an act).
    rows = [r for r in ask("state-profile", state="FRA") if "treatyCode" in r and not r["what"].startswith("category")]
    assert rows
    assert all(r["event"].startswith("https://w3id.org/budapest-kg/id/event/") for r in rows)
