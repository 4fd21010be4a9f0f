"""Every category of parties equals the set computed from data/ in plain Python (tests/expected.py).

The categories are classes generated per treaty (id/treaty/{code}/category/{kind}); none mixes treaties,
and none is written by hand in the ontology.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from budapest_kg import resources

from . import expected as ex

TREATIES = [r["code"] for r in ex.rows("treaties.csv")]  # the Council of Europe's three and the UN Convention
RATIFICATION = {"ratification", "acceptance", "approval"}


@pytest.fixture(scope="module")
def store(build_dir):
    return ex.load_store(build_dir)


def members_of(store, cls: str) -> set[str]:
    iri = cls if cls.startswith("http") else ex.BKG + cls
    return {ex.iso(r["s"]) for r in ex.select(store, f"SELECT ?s WHERE {{ ?s a <{iri}> }}")}


def category(code: str, kind: str) -> str:
    return f"{ex.treaty(code)}/category/{kind}"


def linked(store, prop: str, code: str) -> set[str]:
    found = ex.select(store, f"SELECT ?s WHERE {{ ?s <{ex.BKG}{prop}> <{ex.treaty(code)}> }}")
    return {ex.iso(r["s"]) for r in found}


def union(sets) -> set[str]:
    return set().union(*sets)


def kind_of_consent(code: str) -> dict[str, str]:
    """Each party's latest consent, by kind (a later row wins: a re-accession after a denunciation)."""
    kinds = {}
    for r in ex.rows("acts.csv"):
        if r["treaty"] == code and r["act"] in ex.CONSENTS:
            kinds[r["party"]] = r["act"]
    return kinds


def expected_categories(code: str) -> dict[str, set[str]]:
    """Every generated category of one treaty, from data/ alone."""
    parties, contracting = ex.parties(code), ex.contracting(code)
    consented = ex.acts_of(ex.CONSENTS, code)
    kinds = kind_of_consent(code)
    all_kinds = ("ratification", "acceptance", "approval", "accession", "definitive-signature", "consent")
    by_kind = {k: {s for s in parties if kinds[s] == k} for k in all_kinds}
    found = {
        "signatory": ex.signatories(code),
        "signatory-only": ex.signatories(code) - consented,
        "contracting-party": contracting,
        "awaiting-entry-into-force": contracting - parties,
        "party": parties,
        "former-party": ex.acts_of({"entry-into-force"}, code) & ex.denounced_by(code, ex.TODAY),
        "party-by-ratification": by_kind["ratification"],
        "party-by-acceptance": by_kind["acceptance"],
        "party-by-approval": by_kind["approval"],
        "party-by-ratification-acceptance-or-approval": {s for s in parties if kinds[s] in RATIFICATION},
        "party-by-accession": by_kind["accession"],
        "party-by-succession": set(),
        "party-by-definitive-signature": by_kind["definitive-signature"],
        "party-by-unrecorded-kind": by_kind["consent"],
        "invited-not-acceded": ex.acts_of({"invitation-to-accede"}, code) - consented,
        "member-party": parties & ex.members(),
        "non-member-party": parties - ex.members(),
    }
    supplemented = next(r["supplements"] for r in ex.rows("treaties.csv") if r["code"] == code)
    if supplemented:
        found["party-to-supplemented-only"] = ex.parties(supplemented) - parties
    return found


@pytest.mark.parametrize("code", TREATIES)
def test_every_generated_category_holds_what_data_says(store, code):
    for kind, states in expected_categories(code).items():
        assert members_of(store, category(code, kind)) == states, kind


@pytest.mark.parametrize("code", TREATIES)
def test_signatory_contracting_party_and_party_per_treaty(store, code):
    assert linked(store, "isSignatoryOf", code) == ex.signatories(code) | ex.predecessors(code)
    assert linked(store, "isContractingPartyOf", code) == ex.contracting(code)
    assert linked(store, "isPartyTo", code) == ex.parties(code)
    assert linked(store, "isSignatoryOnlyOf", code) == ex.signatories(code) - ex.acts_of(ex.CONSENTS, code)


def test_the_generic_classes_are_the_unions_over_treaties(store):
    assert members_of(store, "Signatory") == union(ex.signatories(c) for c in TREATIES)
    assert members_of(store, "ContractingParty") == union(ex.contracting(c) for c in TREATIES)
    assert members_of(store, "Party") == union(ex.parties(c) for c in TREATIES)


def test_the_united_states_categories_are_per_treaty(store):
    """The United States signed and ratified the Convention and only signed the Second Protocol: a Party by
    ratification and a non-member Party of ETS 185, a signatory only of CETS 224 — never of ETS 185."""
    found = {
        r["c"] for r in ex.select(store, f"SELECT ?c WHERE {{ <{ex.ID}state/USA> a ?c . ?c <{ex.BKG}categoryOf> ?t }}")
    }
    expected = {
        category(code, kind)
        for code in TREATIES
        for kind, states in expected_categories(code).items()
        if "USA" in states
    }
    assert found == expected
    assert category("ETS 185", "party-by-ratification-acceptance-or-approval") in found
    assert category("ETS 185", "non-member-party") in found
    assert category("CETS 224", "signatory-only") in found
    assert category("ETS 185", "signatory-only") not in found


def test_no_category_mixes_treaties(store):
    rows = ex.select(store, f"SELECT ?c ?t ?s WHERE {{ ?c <{ex.BKG}categoryOf> ?t . ?s a ?c }}")
    treaties = {}
    for row in rows:
        treaties.setdefault(row["c"], set()).add(row["t"])
    assert all(len(t) == 1 for t in treaties.values())
    for row in rows:
        treaty, state = row["t"], row["s"]
        if row["c"].endswith("/party-to-supplemented-only"):
            continue  # its members are Parties to the supplemented treaty, not to this one
        participation = f"{ex.ID}participation/{treaty.rsplit('/', 1)[-1]}/{ex.iso(state)}"
        assert store.query(f"ASK {{ <{participation}> <{ex.BKG}participant> <{state}> }}",
                           use_default_graph_as_union=True), (row["c"], state)  # fmt: skip


def test_categories_are_generated_from_the_treaties_table_not_written_by_hand(store):
    ontology = "\n".join(p.read_text(encoding="utf-8") for p in resources.PACKAGED.ontology_dir.glob("*.ttl"))
    assert "id/treaty/" not in ontology  # no class of the ontology names a treaty IRI
    kinds = {r["c"].rsplit("/", 1)[-1] for r in ex.select(store, f"SELECT ?c WHERE {{ ?c <{ex.BKG}categoryOf> ?t }}")}
    assert {
        "party",
        "signatory-only",
        "party-by-ratification-acceptance-or-approval",
        "party-by-unrecorded-kind",
    } <= kinds
    for code in TREATIES:
        generated = ex.select(store, f"SELECT ?c WHERE {{ ?c <{ex.BKG}categoryOf> <{ex.treaty(code)}> }}")
        assert len(generated) >= 15


def test_consents_of_unknown_kind_fall_in_a_category_of_their_own(store):
    unknown = {s for s, k in kind_of_consent("ETS 189").items() if k == "consent"} & ex.parties("ETS 189")
    assert unknown  # eight ETS 189 consents whose kind the sources do not give
    assert members_of(store, category("ETS 189", "party-by-unrecorded-kind")) == unknown


def test_obligations_each_party_bears_net_of_its_reservations(store):
    found = ex.select(store, f"SELECT ?s ?o WHERE {{ ?s <{ex.BKG}bearsObligation> ?o }}")
    excluded = ex.reserved_norms()["excluded"]
    expected = {
        (state, obligation)
        for code in TREATIES
        for state in ex.parties(code)
        for obligation in ex.obligations(code) - excluded.get((state, code), set())
    }
    assert {(ex.iso(r["s"]), r["o"]) for r in found} == expected
    assert expected  # the Convention imposes obligations on its Parties
    # Hungary does not apply Art. 9(2)(b) (persons appearing to be minors): it bears the rest of Art. 9.
    assert ("HUN", ex.norm_of("ETS 185", "Art. 9(2)(b)")) not in expected
    assert ("HUN", ex.norm_of("ETS 185", "Art. 9")) in expected


def test_reserved_obligations(store):
    found = ex.select(store, f"SELECT ?s ?o WHERE {{ ?s <{ex.BKG}hasReservedObligation> ?o }}")
    assert {(ex.iso(r["s"]), r["o"]) for r in found} == ex.reserved_obligations()
    assert ex.reserved_obligations()  # Japan's reservation under CETS 224 Art. 7(9)(a) is recorded


def test_categories_are_inferred_not_asserted(store):
    for kind in ("signatory-only", "party-by-accession", "invited-not-acceded", "non-member-party"):
        asserted = store.query(
            f"ASK {{ GRAPH <https://w3id.org/budapest-kg/graph/data> {{ ?s a <{category('ETS 185', kind)}> }} }}"
        )
        assert not bool(asserted), kind


def readme_queries() -> list[str]:
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = text.split("## Categories", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`(SELECT [^`]+)`", section)


def test_every_category_query_in_the_readme_runs_and_answers(store):
    queries = readme_queries()
    assert len(queries) >= 11
    for query in queries:
        found = ex.select(store, f"PREFIX bkg: <{ex.BKG}>\nPREFIX id: <{ex.ID}>\n{query}")
        assert found, query


def test_protocols_supplement_the_convention_and_only_its_parties_join_them(store):
    found = ex.select(store, f"SELECT ?p ?c WHERE {{ ?p <{ex.BKG}openOnlyToPartiesOf> ?c ; <{ex.BKG}supplements> ?c }}")
    assert {(r["p"], r["c"]) for r in found} == {
        (ex.treaty(r["code"]), ex.treaty(r["supplements"])) for r in ex.rows("treaties.csv") if r["supplements"]
    }
    for row in found:
        protocol, convention = row["p"].rsplit("/", 1)[-1], row["c"].rsplit("/", 1)[-1]
        joined = linked(store, "isContractingPartyOf", protocol.upper().replace("-", " "))
        assert joined <= linked(store, "isPartyTo", convention.upper().replace("-", " "))
