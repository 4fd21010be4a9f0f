"""The UN Convention against Cybercrime's entry into force, derived from its rule as data (Art. 65(1)):
the ninetieth day after the fortieth instrument, an instrument of a regional economic integration
organisation not counted in addition to its member States'.

On the project's build the treaty is not in force by its rule (the expected numbers come from data/).
On test tables (the project's data with consents added) the clause shows: thirty-nine States and the
European Union are not forty instruments; the fortieth State's is, and the treaty enters into force
ninety days after it, whatever the EU deposited.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import pytest
from budapest_kg.graph_builder.derivation import derive
from budapest_kg.graph_builder.derived import derived_triples
from budapest_kg.graph_builder.sources import read_sources
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from budapest_kg import resources
from tests import expected as ex

UN = "UNTC XVIII-16"
BKG = ex.BKG
RULE = URIRef(f"{ex.treaty(UN)}/rule/entry-into-force")
STATUS_DATE = dt.date(2026, 11, 30)
FIRST_DEPOSIT = dt.date(2026, 3, 2)


def un_rule() -> dict[str, str]:
    [rule] = [r for r in ex.rows("treaty_rules.csv") if r["treaty"] == UN and r["rule"] == "entry-into-force"]
    return rule


def test_the_un_rule_is_numbers_and_terms_in_the_build(build_dir):
    rule = un_rule()
    store = ex.load_store(build_dir)
    [found] = ex.select(
        store,
        f"""SELECT * WHERE {{ <{RULE}> <{BKG}consentsRequired> ?consents ; <{BKG}delayDays> ?days ;
        <{BKG}delayMonths> ?months ; <{BKG}firstDayOfNextMonth> ?next ; <{BKG}condition> ?condition ;
        <{BKG}consentsCounted> ?counted ; <http://purl.org/dc/terms/description> ?prose }}""",
    )
    assert found["consents"] == rule["consents"]
    assert f"P{found['days']}D" == rule["period"]
    assert (found["months"], found["next"]) == ("0", "false")
    assert found["condition"] == BKG + "RegionalOrganisationNotAdditional"
    assert "regional economic integration organisation is not counted" in found["prose"]
    # Counted: the States' consents in acts.csv (not the EU's, nor any organisation's).
    organisations = {r["id"] for r in ex.rows("organisations.csv") if r["kind"] == "international-organisation"}
    states = ex.acts_of(ex.CONSENTS, UN) - organisations
    assert int(found["counted"]) == len(states)
    in_force = ex.select(store, f"SELECT ?d WHERE {{ <{RULE}> <{BKG}expectedEarliest> ?d }}")
    assert (len(states) >= int(rule["consents"])) == bool(in_force)


@pytest.fixture(scope="module")
def un_tables(tmp_path_factory):
    """The project's tables, as a folder to add consents to."""
    folder = tmp_path_factory.mktemp("un-rule") / "data"
    shutil.copytree(resources.PACKAGED.data_dir, folder, ignore=shutil.ignore_patterns("curation"))
    return folder


def with_consents(folder, states: list[str], eu_day: dt.date | None):
    """Ratifications by `states` a day apart from FIRST_DEPOSIT, and the EU's approval on eu_day."""
    rows = [(state, "ratification", FIRST_DEPOSIT + dt.timedelta(days=n)) for n, state in enumerate(states)]
    if eu_day:
        rows.append(("european-union", "approval", eu_day))
    copy = folder.parent / f"data-{len(states)}-{eu_day}"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(folder, copy)
    with open(copy / "acts.csv", "a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for party, act, day in rows:
            writer.writerow([UN, party, act, day.isoformat(), "", "", "", "verified", "test source", "", ""])
    return derived_triples(derive(read_sources(copy), STATUS_DATE))


def un_signatory_states() -> list[str]:
    """States that signed the UN Convention (from acts.csv), in table order."""
    signed = [r["party"] for r in ex.rows("acts.csv") if r["treaty"] == UN and r["act"] == "signature"]
    states = {r["iso3"] for r in ex.rows("states.csv")}
    return [p for p in signed if p in states]


def integer(graph, predicate: str) -> int:
    return int(graph.value(RULE, URIRef(BKG + predicate)))


def test_thirty_nine_states_and_the_eu_are_not_forty_instruments(un_tables):
    needed = int(un_rule()["consents"])
    states = un_signatory_states()[: needed - 1]
    assert len(states) == needed - 1, "the test needs that many States that signed"
    # The EU deposits after the 39th State: without the clause its instrument would be the fortieth.
    eu_day = FIRST_DEPOSIT + dt.timedelta(days=needed + 5)
    graph = with_consents(un_tables, states, eu_day)
    assert integer(graph, "consentsCounted") == needed - 1
    assert graph.value(RULE, URIRef(BKG + "expectedEarliest")) is None


def test_the_fortieth_state_brings_it_into_force_ninety_days_later_whatever_the_eu_did(un_tables):
    needed = int(un_rule()["consents"])
    states = un_signatory_states()[:needed]
    fortieth = FIRST_DEPOSIT + dt.timedelta(days=needed - 1)
    eu_day = FIRST_DEPOSIT + dt.timedelta(days=3)  # well before the fortieth State: moves nothing
    graph = with_consents(un_tables, states, eu_day)
    assert integer(graph, "consentsCounted") == needed
    expected = fortieth + dt.timedelta(days=90)
    assert graph.value(RULE, URIRef(BKG + "expectedEarliest")) == Literal(expected, datatype=XSD.date)
    assert graph.value(RULE, URIRef(BKG + "expectedLatest")) == Literal(expected, datatype=XSD.date)


def test_without_the_clause_the_eu_would_be_the_fortieth(un_tables):
    """The same consents under the rule without its clause: the EU's instrument counts and is the fortieth."""
    needed = int(un_rule()["consents"])
    rules = un_tables / "treaty_rules.csv"
    original = rules.read_text(encoding="utf-8")
    try:
        rules.write_text(original.replace(",regional-organisation-not-additional,", ",,"), encoding="utf-8")
        eu_day = FIRST_DEPOSIT + dt.timedelta(days=needed + 5)
        graph = with_consents(un_tables, un_signatory_states()[: needed - 1], eu_day)
    finally:
        rules.write_text(original, encoding="utf-8")
    assert integer(graph, "consentsCounted") == needed
    expected = eu_day + dt.timedelta(days=90)
    assert graph.value(RULE, URIRef(BKG + "expectedEarliest")) == Literal(expected, datatype=XSD.date)
