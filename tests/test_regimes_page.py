"""The regimes page and its map: counts, the Budapest Parties that signed the UN Convention (each with its
source and status date) and those that did not, the groups by region, the map with its alt text, and
every State page showing its standing under all four instruments. Expected values come from data/.
"""

from __future__ import annotations

import html
import re
from collections import Counter

import pytest
from budapest_kg.endpoint import regime_map

from . import expected as ex

UN = "UNTC XVIII-16"
BUDAPEST = "ETS 185"


@pytest.fixture(scope="module")
def client(apps):
    return apps.app("oxigraph").test_client()


@pytest.fixture(scope="module")
def page(client) -> str:
    answer = client.get("/regimes")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def section(page: str, element_id: str, end: str = "</table>") -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index(end, start)]


def text(fragment: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", fragment).split()))


def names() -> dict[str, str]:
    return {r["iso3"]: r["name"] for r in ex.rows("states.csv")}


def organisations() -> set[str]:
    return {r["id"] for r in ex.rows("organisations.csv") if r["kind"] == "international-organisation"}


def un_participants() -> set[str]:
    """States that signed or consented to the UN Convention (an organisation that did is shown apart)."""
    return (ex.signatories(UN) | ex.contracting(UN)) - organisations()


def signers(code: str) -> set[str]:
    """States that signed, as the graph counts them: a State that no longer exists (SCG) signed too."""
    return (ex.signatories(code) | ex.predecessors(code)) - organisations()


def shown_day(act: dict[str, str]) -> str:
    """The day of a signature, or the days it lies between (not before the treaty opened for signature)."""
    if act["date"]:
        return act["date"]
    opened = ex.treaty_row(act["treaty"])["opened"]
    return f"between {max(act['earliest'], opened)} and {act['latest']}" if act["latest"] else "day not recorded"


def groups() -> dict[str, str]:
    regions = {r["iso3"] for r in ex.rows("regions.csv")}
    parties, un = ex.parties(BUDAPEST), un_participants()
    return {
        iso3: ("both" if iso3 in un else "budapest-only")
        if iso3 in parties
        else ("un-only" if iso3 in un else "neither")
        for iso3 in regions
    }


def test_the_counts_side_by_side(page):
    rows = {text(m).split(" ")[0]: text(m) for m in re.findall(r"<tr>.*?</tr>", section(page, "counts"), re.S)}
    signed = next(text(m) for m in re.findall(r"<tr>.*?</tr>", section(page, "counts"), re.S) if "signed" in text(m))
    assert signed.split()[-2:] == [str(len(signers(BUDAPEST))), str(len(signers(UN)))]
    assert rows
    assert "European Union" in text(section(page, "organisations", "</p>"))  # an organisation, not counted above


def test_whether_each_treaty_is_in_force_is_derived_from_its_rule(page):
    """The UN Convention counts the States' instruments against the forty its rule needs; not the EU's."""
    [rule] = [r for r in ex.rows("treaty_rules.csv") if r["treaty"] == UN and r["rule"] == "entry-into-force"]
    counted = len(ex.acts_of(ex.CONSENTS, UN) - organisations())
    cell = text(section(page, "un-in-force", "</td>").split(">", 1)[1])
    if counted < int(rule["consents"]):
        assert cell == f"not in force: by its rule, {counted} of the {rule['consents']} consents it needs are counted"
    else:
        assert cell.startswith("from ")
    budapest = ex.treaty_row(BUDAPEST)["entry_into_force"]
    assert f"since {budapest}" in text(section(page, "counts"))


def test_budapest_parties_that_signed_with_source_and_status_date_and_those_that_did_not(page):
    parties, acts = ex.parties(BUDAPEST), {r["party"]: r for r in ex.rows("acts.csv")
                                           if r["treaty"] == UN and r["act"] == "signature"}  # fmt: skip
    signed = sorted(parties & set(acts), key=lambda s: names()[s].casefold())
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", section(page, "signed"), re.S)
    assert [text(r).split(" ")[0] for r in rows] == [names()[s].split(" ")[0] for s in signed]
    for iso3, row in zip(signed, rows, strict=True):
        act, shown = acts[iso3], text(row)
        assert shown_day(act) in shown
        assert act["source"].split(" ")[0] in html.unescape(row)
        assert (act["source_as_of"] or "not shown by the copy seen") in shown
    not_signed = text(section(page, "not-signed", "</details>"))
    assert f"The {len(parties - set(acts))} Budapest Parties that did not sign" in not_signed
    for iso3 in parties - set(acts):
        assert names()[iso3] in not_signed
    lead = (
        f"{len(signed)} signed the United Nations Convention against Cybercrime and {len(parties - set(acts))} did not"
    )
    assert lead in text(page)


def test_the_groups_by_region_and_the_map_alt_text(page):
    expected = Counter(groups().values())
    total = text(re.search(r"<tr><th scope=\"row\">All regions</th>.*?</tr>", page, re.S).group(0))
    assert total.split()[2:] == [str(expected[g]) for g in ("both", "budapest-only", "un-only", "neither")] + [
        str(sum(expected.values()))
    ]
    alt = html.unescape(re.search(r'<img src="/charts/regimes.svg" alt="([^"]+)"', page).group(1))
    assert alt == regime_map.alt_text(expected)
    assert f"{expected['both']} States are Parties to the Budapest Convention and signed" in alt


def test_un_participants_outside_budapest_are_listed(page):
    outside = un_participants() - ex.parties(BUDAPEST)
    listed = re.findall(r"<tr><th scope=\"row\">(.*?)</th>", section(page, "outside"))
    assert sorted(text(n) for n in listed) == sorted(names()[s] for s in outside)


def test_the_map_is_an_svg_with_a_shape_per_country_coloured_by_group(client):
    answer = client.get("/charts/regimes.svg")
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml"
    svg = answer.get_data(as_text=True)
    assert svg.lstrip().startswith("<svg")
    assert len(re.findall(r"<path", svg)) >= len(regime_map.countries()["objects"]["countries"]["geometries"])
    used = Counter(groups().values())
    for group, colour in regime_map.COLOURS.items():
        if group in used:
            assert colour.lower() in svg.lower(), group
    assert "<script" not in svg


def test_the_spec_colours_each_state_by_its_group():
    spec = regime_map.spec({"FRA": "both", "USA": "budapest-only", "CHN": "un-only", "IND": "neither"})
    values = {v["id"]: v["group"] for v in spec["transform"][0]["from"]["data"]["values"]}
    assert values == {"250": regime_map.GROUP_LABELS["both"], "840": regime_map.GROUP_LABELS["budapest-only"],
                      "156": regime_map.GROUP_LABELS["un-only"], "356": regime_map.GROUP_LABELS["neither"]}  # fmt: skip


@pytest.mark.parametrize("iso3", ["FRA", "CHN", "USA", "IRL"])
def test_a_state_page_shows_its_standing_under_all_four_instruments(client, iso3):
    answer = client.get(f"/id/state/{iso3}", headers={"Accept": "text/html"})
    assert answer.status_code == 200
    status = text(section(answer.get_data(as_text=True), "status", "</ul>"))
    for row in ex.rows("treaties.csv"):
        assert row["short_title"] in status or row["title_en"] in status, row["code"]
    if iso3 in ex.signatories(UN):
        un_line = status[status.index("United Nations Convention against Cybercrime") :]
        assert "Signatory" in un_line.split(".")[0]


def test_the_page_is_in_the_sites_navigation(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/regimes"' in home


def test_the_eu_member_states_under_the_two_conventions(page):
    members = {r["iso3"] for r in ex.rows("eu_membership.csv")}
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", section(page, "eu-members"), re.S)
    listed = [text(re.search(r"<a [^>]*>(.*?)</a>", r).group(1)) for r in rows]
    assert sorted(listed) == sorted(names()[m] for m in members)
    signed = members & ex.signatories(UN)
    assert f"Of its {len(members)} member States, {len(signed)} signed the UN Convention" in text(page)
    assert f"{len(members & ex.parties(BUDAPEST))} are Parties to the Budapest Convention" in text(page)


def test_the_un_conventions_facts_and_rules_with_their_sources(page):
    facts = {r["fact"]: r for r in ex.rows("treaty_facts.csv") if r["treaty"] == UN}
    rules = {r["rule"]: r for r in ex.rows("treaty_rules.csv") if r["treaty"] == UN}
    raw = html.unescape(section(page, "un-facts", "</dl>"))
    shown = text(raw)
    for fact in ("adoption", "opening_for_signature_new_york"):
        assert facts[fact]["value"].rstrip(".") in shown, fact
        assert facts[fact]["source"].split(" ")[0] in raw
    depositary = next(o for o in ex.rows("organisations.csv") if o["id"] == rules["depositary"]["agent"])
    assert f"Depositary ({UN}) The depositary is the {depositary['name_en']}" in shown
    entry = rules["entry-into-force"]
    days = entry["period"].removeprefix("P").removesuffix("D")
    assert f"Enters into force on the {days}th day after the date on which {entry['consents']} States" in shown
    assert "regional economic integration organisation is not counted in addition" in shown
    for rule in rules.values():
        assert rule["source"].split(" ")[0] in raw
