"""Every fact has a source and a verification status; the seed's claims and the conflicts are data."""

from __future__ import annotations

import csv

import pytest

from budapest_kg import resources

from . import expected as ex

DATA = "https://w3id.org/budapest-kg/graph/data"
PROVENANCE = "https://w3id.org/budapest-kg/graph/provenance"


@pytest.fixture(scope="module")
def store(build_dir):
    return ex.load_store(build_dir)


def test_every_resource_in_the_data_graph_has_provenance(store):
    missing = ex.select(
        store,
        f"""PREFIX bkg: <{ex.BKG}>
        SELECT DISTINCT ?s WHERE {{
          GRAPH <{DATA}> {{ ?s ?p ?o }}
          FILTER NOT EXISTS {{ GRAPH <{PROVENANCE}> {{
            ?record bkg:describes ?s ; bkg:verificationStatus ?status ; bkg:sourceNote ?source }} }}
          # What is generated from a treaty's row (its categories) or minted for a claimant is stated by
          # the record of the row it comes from.
          FILTER NOT EXISTS {{ ?s bkg:categoryOf ?treaty }}
          FILTER NOT EXISTS {{ ?s a bkg:SourceDocument }}
        }}""",
    )
    assert missing == []
    subjects = ex.select(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{DATA}> {{ ?s ?p ?o }} }}")
    assert int(subjects[0]["n"]) > 500


def test_provenance_is_about_records_not_about_things(store):
    """PROV would otherwise say the Convention was derived from a web page."""
    things = ex.select(
        store,
        f"""SELECT ?s WHERE {{ ?s <http://www.w3.org/ns/prov#wasDerivedFrom> ?page .
            # A record, or a claim (what a source says is derived from that source), not a thing.
            FILTER NOT EXISTS {{ VALUES ?information {{ <{ex.BKG}Record> <{ex.BKG}Claim> }} ?s a ?information }} }}""",
    )
    assert things == []
    records = ex.select(store, f"SELECT (COUNT(?r) AS ?n) WHERE {{ ?r a <{ex.BKG}Record> }}")
    assert int(records[0]["n"]) > 500


def test_every_row_of_every_table_names_its_source():
    for path in sorted(resources.PACKAGED.data_dir.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if "source" not in (reader.fieldnames or []):
                continue
            empty = [reader.line_num for row in reader if not row["source"].strip()]
        assert empty == [], f"{path.name}: rows without a source on lines {empty}"


def test_unverified_acts_are_listed_by_the_unverified_facts_query(store):
    query = (resources.PACKAGED.queries_dir / "unverified-facts.rq").read_text(encoding="utf-8")
    listed = {r["resource"] for r in ex.select(store, query)}
    consent = ex.CONSENTS
    numbers: dict[tuple[str, str, str], int] = {}
    expected_listed, verified = set(), set()
    for row in ex.rows("acts.csv"):
        kind = "consent" if row["act"] in consent else row["act"]
        key = (row["treaty"], row["party"], kind)
        numbers[key] = numbers.get(key, 0) + 1
        iri = f"{ex.ID}event/{ex.slug(row['treaty'])}/{row['party']}/{kind}/{numbers[key]}"
        if row["status"] in ("unverified", "derived"):
            expected_listed.add(iri)
        elif row["act"] == "signature":
            verified.add(iri)
    assert expected_listed <= listed
    assert not verified & listed


def test_every_conflict_in_claims_csv_is_listed_with_all_its_claims(store):
    query = (resources.PACKAGED.queries_dir / "data-conflicts.rq").read_text(encoding="utf-8")
    listed = {(r["conflict"].rsplit("/", 1)[-1], r["claim"].rsplit("/", 1)[-1]) for r in ex.select(store, query)}
    expected = {(r["conflict"], r["claim"]) for r in ex.rows("claims.csv") if r["conflict"]}
    assert listed == expected
    conflicts = {c for c, _ in expected}
    assert {"ets-185-party-count", "CHL-consent-date-ets-185", "TUR-joined-council-of-europe", "ets-189-party-count",
            "HUN-signature-date-cets-224", "CRI-consent-cets-224"} <= conflicts  # fmt: skip


def test_seed_claims_point_at_the_seed_article(store):
    found = ex.select(
        store,
        f"SELECT ?c WHERE {{ ?c <{ex.BKG}claimedIn> <{ex.ID}source/seed> }}",
    )
    assert {r["c"].rsplit("/", 1)[-1] for r in found} == {
        r["claim"] for r in ex.rows("claims.csv") if r["claimant"] == "seed"
    }


def test_the_seeds_eleven_wrongly_listed_parties_are_not_parties(store):
    wrong = {
        r["about"].split(";")[0].split("/")[1]
        for r in ex.rows("claims.csv")
        if r["claim"].startswith("sources-") and r["claim"].endswith("-not-party")
    }
    assert len(wrong) == 11
    assert not wrong & ex.parties("ETS 185")
    party = f"{ex.treaty('ETS 185')}/category/party"
    parties = {ex.iso(r["s"]) for r in ex.select(store, f"SELECT ?s WHERE {{ ?s a <{party}> }}")}
    assert not wrong & parties
