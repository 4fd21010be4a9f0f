"""The query catalogue: each named query runs on the real build and answers what data/ says.

Expected answers come from the oracle (tests/expected.py), computed in plain Python from data/*.csv.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter
from pathlib import Path

import pytest
from budapest_kg.endpoint.local import OxigraphEngine, RdflibEngine
from budapest_kg.endpoint.negotiation import RESULT_FORMATS

from budapest_kg import resources
from budapest_kg.catalogue import CatalogueError, ParameterError, read_catalogue, read_query

from . import expected as ex
from .expected import TODAY_DATE as TODAY
from .expected import TREATIES, Tables, as_date

DAYS = ("2005-01-01", "2010-01-01", "2015-06-30", "2022-03-15", "2022-03-16", "2023-01-01", "today")
REQUIRED = (
    "parties", "signatories-only", "non-member-parties", "party-count-timeline", "state-profile",
    "parties-missing-protocol",
)  # fmt: skip


def day(value: str) -> dt.date:
    return TODAY if value == "today" else dt.date.fromisoformat(value)


@pytest.fixture(scope="module")
def data() -> Tables:
    return Tables()


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue(resources.PACKAGED.queries_dir)


@pytest.fixture(scope="module")
def engine(build_dir):
    return OxigraphEngine(build_dir / resources.GRAPH_FILE)


@pytest.fixture(scope="module")
def ask(engine, catalogue, data):
    """Run a named query with parameters on the build; rows as dicts of plain strings."""

    def run(name: str, **params: str) -> list[dict[str, str]]:
        return rows_of(engine, catalogue[name].bind(params, set(data.states)))

    return run


def rows_of(engine, text: str) -> list[dict[str, str]]:
    answer = json.loads(engine.query(text).serialize(RESULT_FORMATS[0]))
    return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]


# ---- the catalogue as a whole ---------------------------------------------------------------------


def test_catalogue_has_the_required_queries_and_at_least_25(catalogue):
    assert set(REQUIRED) <= set(catalogue)
    assert len(catalogue) >= 25


def test_every_query_is_documented(catalogue):
    for query in catalogue.values():
        assert query.summary, query.name
        assert query.description, query.name
        for param in query.params:
            assert param.description, (query.name, param.name)


def test_parameters_have_the_agreed_types(catalogue):
    def types(name):
        return {p.name: p.type_label for p in catalogue[name].params}

    basis = "enum(in-force,consent)"
    assert types("parties") == {"treaty": "enum(185,189,224)", "date": "date", "basis": basis}
    assert types("party-count") == types("parties")
    assert types("signatories-only") == types("non-member-parties") == {"treaty": "enum(185,189,224)", "date": "date"}
    assert types("party-count-timeline") == types("parties-per-year") == {"treaty": "enum(185,189,224)", "basis": basis}
    assert types("state-profile") == {"state": "iso3"}
    assert types("parties-missing-protocol") == {"protocol": "enum(189,224)"}


# ---- parsing, validation and substitution ---------------------------------------------------------


def write_query(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    return path


QUERY = """#+ summary: s
#+ param: treaty | enum(185,189,224) | 185 | the treaty
#+ param: date | date | today | a day
#+ param: state | iso3 |  | a State
SELECT * WHERE { ?x ?p ?_treaty . FILTER(?d <= ?_date) ?_state ?q ?r }
"""


def test_bind_injects_values_at_the_start_of_the_outer_where(tmp_path):
    query = read_query(write_query(tmp_path, QUERY))
    text = query.bind({"treaty": "189", "date": "2010-01-01", "state": "fra"}, {"FRA"})
    where = text.index("WHERE {") + len("WHERE {")
    assert text[where:].lstrip().startswith("VALUES ?_treaty { <https://w3id.org/budapest-kg/id/treaty/ets-189> }")
    assert 'VALUES ?_date { "2010-01-01"^^<http://www.w3.org/2001/XMLSchema#date> }' in text
    assert "VALUES ?_state { <https://w3id.org/budapest-kg/id/state/FRA> }" in text


def test_default_date_is_today(tmp_path):
    text = read_query(write_query(tmp_path, QUERY)).bind({"state": "FRA"}, {"FRA"})
    assert f'"{TODAY.isoformat()}"^^' in text


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"treaty": "186", "state": "FRA"}, "parameter 'treaty': '186' is not one of 185, 189, 224"),
        ({"date": "2010-02-30", "state": "FRA"}, "parameter 'date': '2010-02-30' is not a date YYYY-MM-DD"),
        ({"date": '2010-01-01" } ?s ?p ?o {', "state": "FRA"}, "parameter 'date'"),
        ({"state": "XYZ"}, "parameter 'state': 'XYZ' is not an ISO 3166-1 alpha-3 code of a State in the graph"),
        ({}, "parameter 'state' is required"),
        ({"state": "FRA", "colour": "red"}, "unknown parameter(s) colour for 'q'; accepted: date, state, treaty"),
    ],
)
def test_bad_values_name_the_parameter_and_what_is_allowed(tmp_path, values, message):
    query = read_query(write_query(tmp_path, QUERY))
    with pytest.raises(ParameterError) as caught:
        query.bind(values, {"FRA"})
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { ?s ?p ?o }\n", "q.rq:1: missing '#+ summary:' line"),
        (
            "#+ summary: s\n#+ param: x | colour | red | c\nSELECT * WHERE { ?_x ?p ?o }\n",
            "q.rq:2: unknown parameter type",
        ),
        ("#+ summary: s\n#+ param: x | date\nSELECT * WHERE { ?_x ?p ?o }\n", "q.rq:2: expected '#+ param: NAME |"),
        ("#+ summary: s\n#+ param: x | date | 2010-99-01 | d\nSELECT * WHERE { ?_x ?p ?o }\n", "q.rq:2: bad default"),
        ("#+ summary: s\n#+ param: x | date | today | d\nSELECT * WHERE { ?s ?p ?o }\n", "?_x is not used"),
        ("#+ summary: s\n#+ param: x | date | today | d\nSELECT * { ?_x ?p ?o }\n", "needs an explicit 'WHERE {'"),
    ],
)
def test_malformed_metadata_names_the_file_and_line(tmp_path, text, message):
    with pytest.raises(CatalogueError) as caught:
        read_query(write_query(tmp_path, text))
    assert message in str(caught.value)


# ---- each named query against data/ ---------------------------------------------------------------


@pytest.mark.parametrize("treaty", list(TREATIES))
@pytest.mark.parametrize("when", DAYS)
def test_parties_on_a_date(ask, data, treaty, when):
    rows = ask("parties", treaty=treaty, date=when)
    expected = data.parties_on(treaty, day(when))
    assert {r["iso3"] for r in rows if r["certain"] == "true"} == expected
    assert {r["iso3"] for r in rows} == data.parties_on(treaty, day(when), certain=False)
    assert len(rows) == len({r["iso3"] for r in rows})
    members = data.members_on(day(when))
    consents, entries = data.consents(treaty), data.entries(treaty)
    for row in rows:
        iso = row["iso3"]
        assert row["name"] == data.states[iso]
        assert row["consentKind"] == consents[iso]["act"]
        assert row.get("consentDate", "") == consents[iso]["date"]
        assert row.get("inForceFrom", "") == entries[iso]["date"]
        assert row["councilOfEuropeMember"] == ("true" if iso in members else "false")
        low, high = ex.deposit_window(TREATIES[treaty], iso)
        assert (row["consentEarliest"], row["consentLatest"]) == (low.isoformat(), high.isoformat())


def test_parties_to_the_convention_on_2010_01_01(ask, data):
    """The issue's example, spelled out: 26 Parties on that day, none of them Russia."""
    rows = ask("parties", treaty="185", date="2010-01-01")
    assert {r["iso3"] for r in rows} == data.parties_on("185", dt.date(2010, 1, 1))
    assert "RUS" not in {r["iso3"] for r in rows}


def test_greece_was_not_a_member_in_1972(ask, data):
    """Greece left the Council of Europe on 12 December 1969 and came back on 28 November 1974."""
    assert "GRC" not in {r["iso3"] for r in ask("council-of-europe-members", date="1972-01-01")}
    assert "GRC" not in data.members_on(dt.date(1972, 1, 1))
    assert "GRC" in {r["iso3"] for r in ask("council-of-europe-members", date="1969-12-11")}
    assert "GRC" in {r["iso3"] for r in ask("council-of-europe-members", date="1974-11-28")}
    assert {r["iso3"] for r in ask("council-of-europe-members", date="1972-01-01")} == data.members_on(
        dt.date(1972, 1, 1)
    )
    starts = {r["date"] for r in ask("state-profile", state="GRC") if r["what"] == "council-of-europe-membership-start"}
    assert starts == {"1949-08-09", "1974-11-28"}


@pytest.mark.parametrize("basis", ["in-force", "consent"])
@pytest.mark.parametrize("treaty", list(TREATIES))
@pytest.mark.parametrize("when", ["2006-01-01", "2015-07-08", "2024-06-20", "2025-08-28", "today"])
def test_party_count_by_basis_gives_certain_and_possible_counts(ask, treaty, when, basis):
    [row] = ask("party-count", treaty=treaty, date=when, basis=basis)
    assert (int(row["parties"]), int(row["partiesAtMost"])) == ex.counted(TREATIES[treaty], day(when), basis)


def test_russia_is_a_member_until_2022(ask, data):
    before = {r["iso3"] for r in ask("council-of-europe-members", date="2022-03-15")}
    after = {r["iso3"] for r in ask("council-of-europe-members", date="2022-03-16")}
    assert "RUS" in before
    assert "RUS" not in after
    assert before == data.members_on(dt.date(2022, 3, 15))
    assert after == data.members_on(dt.date(2022, 3, 16))
    assert "RUS" in {r["iso3"] for r in ask("members-not-parties", treaty="185", date="2021-01-01")}
    assert "RUS" not in {r["iso3"] for r in ask("members-not-parties", treaty="185", date="2023-01-01")}


@pytest.mark.parametrize("when", DAYS)
def test_membership_queries_on_a_date(ask, data, when):
    members = data.members_on(day(when))
    for treaty in TREATIES:
        parties = data.parties_on(treaty, day(when))
        assert {r["iso3"] for r in ask("non-member-parties", treaty=treaty, date=when)} == parties - members
        assert {r["iso3"] for r in ask("member-parties", treaty=treaty, date=when)} == parties & members
        assert {r["iso3"] for r in ask("members-not-parties", treaty=treaty, date=when)} == members - parties
        [count] = ask("party-count", treaty=treaty, date=when)  # basis in-force: the default
        assert (int(count["parties"]), int(count["members"]), int(count["nonMembers"])) == (
            len(parties), len(parties & members), len(parties - members)
        )  # fmt: skip
    assert {r["iso3"] for r in ask("council-of-europe-members", date=when)} == members


@pytest.mark.parametrize("treaty", list(TREATIES))
@pytest.mark.parametrize("when", DAYS)
def test_signatories_on_a_date(ask, data, treaty, when):
    on = day(when)
    # A signature whose day no source gives is known to have happened by the day of the build.
    signed = {iso: as_date(r["date"]) if r["date"] else TODAY for iso, r in data.rows(treaty, "signature").items()}
    undated = {iso for iso, r in data.rows(treaty, "signature").items() if not r["date"]}
    # A successor signed through the State it succeeded, which is no longer listed.
    for iso, row in data.rows(treaty, "succession").items():
        if row["predecessor"] in signed:
            signed[iso] = signed[row["predecessor"]]
    for row in data.rows(treaty, "succession").values():
        signed.pop(row["predecessor"], None)
    signed = {iso: d for iso, d in signed.items() if d <= on}
    consents = data.consents(treaty)
    rows = ask("signatories", treaty=treaty, date=when)
    expected = {iso: "" if iso in undated else d.isoformat() for iso, d in signed.items()}
    assert {r["iso3"]: r.get("signed", "") for r in rows} == expected
    for row in rows:
        consent = consents.get(row["iso3"], {}).get("date", "")
        assert row.get("consented", "") == (consent if len(consent) == 10 and as_date(consent) <= on else "")
    consented = {iso for iso in consents if ex.deposit_window(TREATIES[treaty], iso)[0] <= on}
    only = {r["iso3"] for r in ask("signatories-only", treaty=treaty, date=when)}
    assert only == set(signed) - consented


def test_former_members(ask, data):
    rows = ask("former-members")
    assert {(r["iso3"], r["joined"], r["left"]) for r in rows} == {
        (m["iso3"], m["joined"], m["left"]) for m in data.memberships if m["left"]
    }
    assert ("GRC", "1949-08-09", "1969-12-12") in {(r["iso3"], r["joined"], r["left"]) for r in rows}


@pytest.mark.parametrize("treaty", list(TREATIES))
def test_contracting_states_and_awaiting_entry_into_force(ask, data, treaty):
    consents, entries = data.consents(treaty), data.entries(treaty)
    rows = ask("contracting-states", treaty=treaty)
    assert {r["iso3"]: r["inForce"] == "true" for r in rows} == {iso: iso in entries for iso in consents}
    awaiting = {r["iso3"] for r in ask("awaiting-entry-into-force", treaty=treaty)}
    assert awaiting == set(consents) - set(entries)


def windows(treaty: str, basis: str) -> dict[str, tuple[dt.date, dt.date]]:
    code = TREATIES[treaty]
    parties = ex.acts_of(ex.CONSENTS, code) - ex.predecessors(code)
    found = {iso: ex.deposit_window(code, iso) if basis == "consent" else ex.entry_window(code, iso) for iso in parties}
    return {iso: w for iso, w in found.items() if w is not None}


@pytest.mark.parametrize("basis", ["in-force", "consent"])
@pytest.mark.parametrize("treaty", list(TREATIES))
def test_party_count_timeline(ask, data, treaty, basis):
    spans = windows(treaty, basis)
    days = sorted({d for w in spans.values() for d in w})
    expected = [
        (d.isoformat(), sum(w[1] <= d for w in spans.values()), sum(w[0] <= d for w in spans.values())) for d in days
    ]
    rows = ask("party-count-timeline", treaty=treaty, basis=basis)
    assert [(r["date"], int(r["parties"]), int(r["partiesAtMost"])) for r in rows] == expected


@pytest.mark.parametrize("basis", ["in-force", "consent"])
@pytest.mark.parametrize("treaty", list(TREATIES))
def test_parties_per_year_with_members_and_non_members_on_the_last_day_of_each_year(ask, data, treaty, basis):
    spans = windows(treaty, basis)
    years = sorted({d.year for w in spans.values() for d in w})
    rows = {int(r["year"]): r for r in ask("parties-per-year", treaty=treaty, basis=basis)}
    assert sorted(rows) == years
    for year in years:
        end = dt.date(year, 12, 31)
        certain = {iso for iso, w in spans.items() if w[1] <= end}
        members = data.members_on(end)
        row = rows[year]
        assert int(row["newParties"]) == sum(w[1].year == year for w in spans.values())
        assert int(row["parties"]) == len(certain)
        assert int(row["partiesAtMost"]) == sum(w[0] <= end for w in spans.values())
        assert (int(row["members"]), int(row["nonMembers"])) == (len(certain & members), len(certain - members))


@pytest.mark.parametrize("treaty", list(TREATIES))
def test_first_and_latest_parties(ask, data, treaty):
    dated = {iso: as_date(r["date"]) for iso, r in data.entries(treaty).items() if r["date"]}
    first = {iso for iso, d in dated.items() if dated and d == min(dated.values())}
    latest = {iso for iso, d in dated.items() if dated and d == max(dated.values())}
    assert {r["iso3"] for r in ask("first-parties", treaty=treaty)} == first
    assert {r["iso3"] for r in ask("latest-parties", treaty=treaty)} == latest


@pytest.mark.parametrize("treaty", list(TREATIES))
def test_consents_by_kind_and_accessions(ask, data, treaty):
    kinds = Counter(r["act"] for r in data.consents(treaty).values())
    assert {r["kind"]: int(r["states"]) for r in ask("consents-by-kind", treaty=treaty)} == kinds
    acceded = {iso: r["date"] for iso, r in data.consents(treaty).items() if r["act"] == "accession"}
    assert {r["iso3"]: r.get("acceded", "") for r in ask("parties-by-accession", treaty=treaty)} == acceded


@pytest.mark.parametrize("treaty", list(TREATIES))
def test_time_from_signature_to_consent(ask, data, treaty):
    signed = {iso: as_date(r["date"]) for iso, r in data.rows(treaty, "signature").items() if r["date"]}
    days = {
        iso: (as_date(r["date"]) - signed[iso]).days
        for iso, r in data.consents(treaty).items()
        if r["act"] != "accession" and r["date"] and iso in signed
    }
    rows = ask("signature-to-consent", treaty=treaty)
    assert {r["iso3"]: int(r["days"]) for r in rows} == days
    [summary] = ask("average-time-to-consent", treaty=treaty)
    assert int(summary["states"]) == len(days)
    if days:
        assert int(summary["shortest"]) == min(days.values())
        assert int(summary["longest"]) == max(days.values())
        assert float(summary["average"]) == pytest.approx(statistics.mean(days.values()))


@pytest.mark.parametrize("iso", ["FRA", "USA", "RUS", "ECU", "SRB", "IRL"])
def test_state_profile(ask, data, iso):
    rows = ask("state-profile", state=iso)
    acts = {(r["treaty"], r["act"], r["date"], r["status"]) for r in data.acts if r["party"] == iso}
    got = {
        (r["treatyCode"], r["what"], r.get("date", ""), r.get("status", "").lower())
        for r in rows
        if "treatyCode" in r and not r["what"].startswith("category: ")
    }
    assert got == acts
    categories = {r["what"].removeprefix("category: ") for r in rows if r["what"].startswith("category: ")}
    assert ("Party to the Convention on Cybercrime (ETS 185)" in categories) == (iso in ex.parties("ETS 185"))
    member_now = iso in data.members_on(TODAY)
    non_member = "Party to the Convention on Cybercrime (ETS 185) that is not a member of the Council of Europe"
    assert (non_member in categories) == (iso in ex.parties("ETS 185") and not member_now)
    membership = [m for m in data.memberships if m["iso3"] == iso]
    starts = {r.get("date") for r in rows if r["what"] == "council-of-europe-membership-start"}
    ends = {r.get("date") for r in rows if r["what"] == "council-of-europe-membership-end"}
    assert starts == {m["joined"] for m in membership if m["joined"]}
    assert ends == {m["left"] for m in membership if m["left"]}


@pytest.mark.parametrize("protocol", ["189", "224"])
def test_parties_missing_protocol(ask, data, protocol):
    expected = set(data.entries("185")) - set(data.entries(protocol))
    rows = ask("parties-missing-protocol", protocol=protocol)
    assert {r["iso3"] for r in rows} == expected
    signed, consented = data.rows(protocol, "signature"), data.consents(protocol)
    for row in rows:
        assert row["signedProtocol"] == ("true" if row["iso3"] in signed else "false")
        assert row["consentedToProtocol"] == ("true" if row["iso3"] in consented else "false")


def test_all_three(ask, data):
    parties = set.intersection(*(set(data.entries(t)) for t in TREATIES))
    bound = set.intersection(*(set(data.consents(t)) for t in TREATIES))
    assert {r["iso3"] for r in ask("parties-to-all-three")} == parties
    assert {r["iso3"] for r in ask("bound-by-all-three")} == bound
    assert bound, "three States have consented to the Second Protocol; at least one to all three"


def test_treaties(ask, data):
    rows = {r["code"]: r for r in ask("treaties")}
    assert set(rows) == set(data.treaties)
    for code, row in rows.items():
        assert row.get("opened", "") == data.treaties[code]["opened"]
        assert row.get("inForceFrom", "") == data.treaties[code]["entry_into_force"]
        assert int(row["signatories"]) == len(ex.signatories(code) | ex.predecessors(code))
        assert int(row["contractingParties"]) == len(ex.acts_of(ex.CONSENTS, code))
        assert int(row["parties"]) == len(ex.acts_of({"entry-into-force"}, code))


@pytest.mark.parametrize("treaty", list(TREATIES))
def test_acts_by_status_and_undated_acts(ask, data, treaty):
    acts = [r for r in data.acts if r["treaty"] == TREATIES[treaty]]
    # Reservations, declarations and designations of parties (party_statements.csv) are acts of parties too.
    reservations = [r for r in ex.rows("party_statements.csv") if r["treaty"] == TREATIES[treaty]]
    by_status = {r["status"].lower(): int(r["acts"]) for r in ask("acts-by-status", treaty=treaty)}
    assert by_status == Counter(r["status"] for r in acts + reservations)
    undated = {(r["iso3"], r["act"].split(" of ")[0].replace(" ", "-")) for r in ask("undated-acts", treaty=treaty)}
    statements = [r for r in ex.rows("party_statements.csv") if r["treaty"] == TREATIES[treaty] and not r["date"]]
    expected = {(r["party"], r["act"]) for r in acts if len(r["date"]) != 10}
    assert undated == expected | {(r["party"], r["kind"]) for r in statements}


@pytest.mark.parametrize("treaty", list(TREATIES))
@pytest.mark.parametrize("when", ["2010-01-01", "2023-01-01", "today"])
def test_parties_by_region(ask, data, treaty, when):
    expected = Counter(data.region(iso) for iso in data.parties_on(treaty, day(when)))
    assert {r["region"]: int(r["parties"]) for r in ask("parties-by-region", treaty=treaty, date=when)} == expected


@pytest.mark.parametrize("treaty", list(TREATIES))
def test_parties_by_subregion_and_outside_europe(ask, data, treaty):
    parties = set(data.entries(treaty))
    expected: dict[tuple[str, str], set[str]] = {}
    for iso in parties:
        expected.setdefault((data.region(iso), data.regions[iso]["subregion"]), set()).add(iso)
    rows = ask("parties-by-subregion", treaty=treaty)
    assert {(r["region"], r["subregion"]): set(r["states"].split()) for r in rows} == expected
    outside = {r["iso3"]: r["region"] for r in ask("parties-outside-europe", treaty=treaty)}
    assert outside == {iso: data.region(iso) for iso in parties if data.region(iso) != "Europe"}


@pytest.mark.parametrize("iso", ["FRA", "USA", "RUS", "JPN"])
def test_external_links_of_a_state(ask, data, iso):
    expected = {r["target"] for r in data.links if r["subject"] == f"state/{iso}" and r["target"]}
    assert {r["target"] for r in ask("external-links", state=iso)} == expected


def test_treaty_links(ask, data):
    expected = {(s, r["target"]) for r in data.links if (s := r["subject"]).startswith("treaty/") and r["target"]}
    slugs = {code: code.lower().replace(" ", "-") for code in data.treaties}
    assert {(f"treaty/{slugs[r['code']]}", r["target"]) for r in ask("treaty-links")} == expected


# ---- both engines give the same answers ----------------------------------------------------------


LISTS = {"states", "limits", "excludes", "limitedBy", "carriedOverTo", "provision"}  # GROUP_CONCAT columns


def normalise(rows: list[dict[str, str]]) -> list[tuple]:
    """Rows comparable across engines: numbers to 6 places; GROUP_CONCAT lists (order undefined) sorted."""

    def value(key: str, text: str) -> str:
        if key in LISTS:
            return " ".join(sorted(text.split()))
        try:
            return f"{float(text):.6f}"
        except ValueError:
            return text

    return sorted(tuple(sorted((k, value(k, v)) for k, v in row.items())) for row in rows)


@pytest.fixture(scope="module")
def rdflib_engine(build_dir):
    return RdflibEngine(build_dir / resources.GRAPH_FILE)


@pytest.mark.parametrize("name", sorted(p.stem for p in resources.PACKAGED.queries_dir.glob("*.rq")))
def test_engines_agree(engine, rdflib_engine, catalogue, data, name):
    query = catalogue[name]
    values = {"state": "FRA"} if "state" in {p.name for p in query.params} else {}
    text = query.bind(values, set(data.states))
    assert normalise(rows_of(engine, text)) == normalise(rows_of(rdflib_engine, text))
