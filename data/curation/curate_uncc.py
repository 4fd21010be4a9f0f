"""Add the UN Convention against Cybercrime to data/ from researched tables (run by hand; re-runnable).

Usage: python data/curation/curate_uncc.py RESEARCH_DIR COUNTRY_CODES_CSV

- RESEARCH_DIR holds participants.csv (one row per participant: name, ISO code, kind, signature and
  consent dates, source, note) and treaty.csv (treaty-level facts with sources), curated from the UN
  Treaty Collection's status file (XVIII-16.en.xml), the Dutch treaty database (verdragen.nl, treaty
  013891) and named news reports; it is not part of this repository, the tables written here are the
  project's copy of its facts, each row with its own public source.
- COUNTRY_CODES_CSV is datasets/country-codes data/country-codes.csv at commit caa72d1e (the table
  curation/links.py used): the UN's names of its Member and observer States (column "UNTERM English
  Short"), their UN M49 regions, GeoNames ids and Wikidata items.

What it writes (rows about the UN treaty are replaced, everything else is kept):
- states.csv, regions.csv, links.csv: every UN Member State and observer State (UNTERM) not yet
  there, so that "States in neither regime" has its denominator; the Cook Islands and Niue (UNTERM
  "**": not UN members) are left out;
- treaties.csv, treaty_facts.csv, treaty_rules.csv, acts.csv, organisations.csv, links.csv: the treaty,
  its facts, its rules as data (the depositary; entry into force on the ninetieth day after the fortieth
  instrument, a regional economic integration organisation's not counted in addition to its members'),
  each participant's signature in acts.csv's 1.0 columns (party: a State's ISO code, or the id of an
  international organisation: the European Union signs as one, never as a State; a day the source does
  not give as earliest and latest), the organisations it names (the UN, its Secretary-General as
  depositary, the General Assembly that adopted it, the European Union as a participant).
Rows without a real public source are dropped (the research's Canada row rests on an AI-written digest
only). Nothing is guessed: an unknown day stays empty, an unknown status date too.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pycountry

DATA = Path(__file__).resolve().parent.parent
TREATY = "UNTC XVIII-16"
SUBJECT = "treaty/untc-xviii-16"
UNTC_XML = "https://treaties.un.org/doc/Publication/MTDSG/Volume%20II/Chapter%20XVIII/XVIII-16.en.xml"
UNTC_PAGE = "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-16&chapter=18&clang=_en"
VERDRAGEN = "https://verdragen.nl/nl/Verdrag/Details/013891_p.html"
CC = "datasets/country-codes@caa72d1e0e5af8876c170bb36a9e4d64a01bba88:data/country-codes.csv"
EU_TABLE = "EU Publications Office Country authority table: IRI pattern .../authority/country/{ISO 3166-1 alpha-3}"
ISO_OBP = "ISO Online Browsing Platform: URL pattern https://www.iso.org/obp/ui/#iso:code:3166:{alpha-2}"
DBPEDIA_NOTE = "DBpedia: no sourced table of DBpedia IRIs for States was at hand; not guessed from names"
HANOI = ("2025-10-25", "2025-10-26")  # the signing ceremony (UNTC: "in Hanoi, from 25 to 26 October 2025")
# UN Members missing the UNTERM column in that copy of the table (it has their other columns).
UN_MEMBERS_WITHOUT_UNTERM = {"CIV": "Côte d'Ivoire", "TUR": "Türkiye"}
DROPPED = {"Canada": "only a secondary AI-written news digest says Canada signed (July 2026); no real source seen"}

ORGANISATIONS = [
    ("united-nations", "international-organisation", "United Nations", "Organisation des Nations Unies", "",
     "verified", UNTC_XML + " (Multilateral Treaties Deposited with the Secretary-General)"),
    ("united-nations-secretary-general", "post", "Secretary-General of the United Nations",
     "Secrétaire général de l'Organisation des Nations Unies", "united-nations", "verified",
     UNTC_XML + " (the UN Treaty Collection keeps the treaty's status among the Multilateral Treaties Deposited "
     "with the Secretary-General)"),
    ("united-nations-general-assembly", "organ", "General Assembly of the United Nations",
     "Assemblée générale des Nations Unies", "united-nations", "verified",
     UNTC_XML + " ('adopted on 24 December 2024 by Resolution 79/243 at the 55th plenary meeting of the General "
     "Assembly of the United Nations')"),
    ("european-union", "international-organisation", "European Union", "Union européenne", "", "verified",
     UNTC_XML + " (a participant: 'European Union, 25 Oct 2025'; a regional economic integration organization "
     "under art. 64 and 65(1))"),
]  # fmt: skip


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows({column: row.get(column, "") for column in header} for row in rows)


def un_name(row: dict[str, str]) -> str:
    """The UN's short name without its article and marks: 'Iran (Islamic Republic of)', 'Viet Nam'."""
    name = row["UNTERM English Short"].replace("*", "").strip()
    return name.removesuffix(" (the)").strip()


def un_states(codes: dict[str, dict[str, str]]) -> dict[str, str]:
    """ISO3 -> the UN's name, for the UN Member States and observer States (not the '**' associated States)."""
    found = {iso3: un_name(row) for iso3, row in codes.items() if row["UNTERM English Short"]}
    found = {iso3: name for iso3, name in found.items() if "**" not in codes[iso3]["UNTERM English Short"]}
    return found | UN_MEMBERS_WITHOUT_UNTERM


def add_states(codes: dict[str, dict[str, str]], needed: set[str]) -> list[str]:
    """Add to states.csv, regions.csv and links.csv every State of the UN and every participant missing."""
    header, states = read(DATA / "states.csv")
    known = {r["iso3"] for r in states}
    names = un_states(codes)
    new = sorted((set(names) | needed) - known)
    states += [{"iso3": iso3, "name": names[iso3]} for iso3 in new]
    write(DATA / "states.csv", header, sorted(states, key=lambda r: r["iso3"]))
    header, regions = read(DATA / "regions.csv")
    for iso3 in new:
        row = codes[iso3]
        regions.append(
            dict(iso3=iso3, region_code=row["Region Code"], region=row["Region Name"],
                 subregion_code=row["Sub-region Code"], subregion=row["Sub-region Name"], source=CC)
        )  # fmt: skip
    write(DATA / "regions.csv", header, sorted(regions, key=lambda r: r["iso3"]))
    header, links = read(DATA / "links.csv")
    for iso3 in new:
        links += state_links(iso3, codes[iso3])
    write(DATA / "links.csv", header, links)
    return new


def state_links(iso3: str, row: dict[str, str]) -> list[dict[str, str]]:
    subject = f"state/{iso3}"
    alpha2 = pycountry.countries.get(alpha_3=iso3).alpha_2
    qid = row["wikidata_id"].rsplit("/", 1)[-1] if row["wikidata_id"] else ""
    links = [
        dict(subject=subject, relation="skos:exactMatch",
             target=f"http://publications.europa.eu/resource/authority/country/{iso3}", source=EU_TABLE),
        dict(subject=subject, relation="rdfs:seeAlso", target=f"https://www.iso.org/obp/ui/#iso:code:3166:{alpha2}",
             source=ISO_OBP),
    ]  # fmt: skip
    if qid.startswith("Q"):
        links.append(dict(subject=subject, relation="skos:exactMatch", target=f"http://www.wikidata.org/entity/{qid}",
                          source=CC + " (column wikidata_id)"))  # fmt: skip
    if row["Geoname ID"]:
        links.append(dict(subject=subject, relation="skos:exactMatch",
                          target=f"https://sws.geonames.org/{row['Geoname ID']}/", source=CC))  # fmt: skip
    links.append(dict(subject=subject, relation="skos:exactMatch", target="", source=f"searched, not found: {CC}",
                      note=DBPEDIA_NOTE))  # fmt: skip
    return links


def participants(research: Path) -> list[dict[str, str]]:
    _, rows = read(research / "participants.csv")
    kept = []
    for row in rows:
        if row["participant"] in DROPPED:
            print(f"dropped {row['participant']}: {DROPPED[row['participant']]}", file=sys.stderr)
            continue
        kept.append(row)
    return kept


def status_of(row: dict[str, str]) -> str:
    """Seen in the cited source, except a day the source gives only as the ceremony's first day."""
    return "unverified" if "not an explicit" in row["note"] else "verified"


def act_rows(rows: list[dict[str, str]], header: list[str]) -> list[dict[str, str]]:
    """One signature row per participant (a consent row where the research has one); the party is a State's
    ISO code or, for the European Union, its id in organisations.csv."""
    missing = {"party", "earliest", "latest"} - set(header)
    if missing:
        raise SystemExit(f"acts.csv lacks the 1.0 columns {sorted(missing)}")
    out = []
    for row in rows:
        who = row["iso3"] or ("european-union" if row["participant"] == "European Union" else "")
        if not who:
            print(f"no party for {row['participant']!r}: skipped", file=sys.stderr)
            continue
        date = row["signature_date"]
        act = dict(treaty=TREATY, party=who, act="signature", date=date, status=status_of(row), source=row["source"],
                   source_as_of=row["source_as_of"], note=act_note(row))  # fmt: skip
        if not date and "Hanoi" in row["note"] + row["source"]:
            act["earliest"], act["latest"] = HANOI  # signed at the Hanoi ceremony, day not given
        out.append(act)
        if row["consent_date"]:
            out.append({**act, "act": row["consent_kind"], "date": row["consent_date"]})
    return out


def act_note(row: dict[str, str]) -> str:
    """The research note without its pointers to the research's own tools."""
    note = row["note"].replace("org:EU. ", "").replace(" and by the regional breakdown check in NOTES.md", "")
    parts = [p.strip() for p in note.split(". ")]
    parts = [p for p in parts if "find_string" not in p and "stored excerpt" not in p and "UNTC excerpt" not in p]
    text = ". ".join(p.rstrip(".") for p in parts if p)
    if not row["source_as_of"]:
        text += ("; " if text else "") + "the copy seen shows no status date (source_as_of left empty)"
    return text


def replace_rows(name: str, rows: list[dict[str, str]], key: str = "treaty") -> None:
    header, existing = read(DATA / name)
    kept = [r for r in existing if r.get(key) != TREATY and r.get(key) != SUBJECT]
    write(DATA / name, header, kept + rows)


def treaty_row(facts: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The treaty's row. Its `organisation` stays empty: that column makes member categories (Party that is, or is
    not, a member of it) and the UN's membership is not in the graph, so every future Party would be "not a
    member"; the UN is reached through the organs that adopted it and keep it (adopted_by, the depositary)."""
    title = facts["official_title"][0]
    return dict(
        code=TREATY, series="UNTC", number="XVIII-16", short_title="United Nations Convention against Cybercrime",
        title_en=title, title_fr="", organisation="", adopted="2024-12-24",
        adopted_by="united-nations-general-assembly", adopted_session="", opened="2025-10-25", opened_place="Hanoi",
        entry_into_force="", status="verified",
        source=f"{UNTC_XML} (title; 'New York, 24 December 2024'; adopted by Resolution 79/243; open for signature "
        "in Hanoi from 25 to 26 October 2025, then at United Nations Headquarters until 31 December 2026; "
        "not in force: no Parties listed); French title not seen",
        supplements="",
    )  # fmt: skip


def fact_rows(facts: dict[str, tuple[str, str]]) -> list[dict[str, str]]:
    """(fact, value, status, status_detail, source) from treaty.csv, the ones a source stands behind; the
    depositary and the entry-into-force rule are rules (RULES), not facts."""
    wanted = [
        ("official_title_en", "official_title", "verified", "verified"),
        ("treaty_series_number", "untc_mtdsg_no", "verified",
         "UN Treaty Collection, chapter XVIII (Penal Matters), no. 16"),
        ("adoption", "adoption_instrument", "verified", "verified"),
        ("adoption_mode", "adoption_mode", "verified", "verified (secondary source)"),
        ("open_to", "open_for_signature_to", "verified", "verified"),
        ("opening_for_signature_hanoi", "signature_opening_1_dates", "verified",
         "Hanoi, Viet Nam, 25 to 26 October 2025"),
        ("opening_for_signature_new_york", "signature_opening_2_until", "verified",
         "then at United Nations Headquarters, New York, until 31 December 2026"),
        ("signature_article", "signature_article", "verified", "verified"),
        ("depositary_notification", "depositary_notification_opening_for_signature", "verified", "verified"),
        ("signatories_at_hanoi", "hanoi_signatories_count", "verified", "verified"),
        ("reio_signature_condition", "reio_signature_condition", "unverified", "secondary source; article not seen"),
        ("eu_signature_authorised", "eu_council_decision_signature_adopted", "verified",
         "the Council decision's number and CELEX were not seen in a source: not recorded"),
        ("eu_commission_proposals", "eu_commission_proposals_date", "verified", "verified"),
        ("eu_conclusion_proposal", "eu_conclusion_proposal_com", "verified", "verified"),
    ]  # fmt: skip
    rows = []
    for fact, key, status, detail in wanted:
        value, source = facts[key]
        value = VALUES.get(fact, value)
        rows.append(dict(treaty=TREATY, fact=fact, value=value, status=status, status_detail=detail, source=source))
    return rows


# Values restated without the research's reasoning (its notes are not part of this repository).
VALUES = {
    "opening_for_signature_new_york": "in Hanoi from 25 to 26 October 2025, then at United Nations Headquarters in "
    "New York until 31 December 2026",
    "signatories_at_hanoi": "72 signatories in Hanoi, the European Union among them (the UN's count)",
}

RULES = [
    dict(rule="depositary", agent="united-nations-secretary-general", status="verified",
         source=UNTC_XML + " (status kept among the Multilateral Treaties Deposited with the Secretary-General; "
         "the depositary article was not seen)"),
    dict(rule="entry-into-force", article="Art. 65(1)", consents="40", member_consents="0", period="P90D",
         condition="regional-organisation-not-additional", status="verified",
         source=UNTC_XML + " (art. 65(1): 'on the ninetieth day after the date of deposit of the fortieth instrument "
         "... any instrument deposited by a regional economic integration organization shall not be counted as "
         "additional to those deposited by member States of that organization')"),
]  # fmt: skip


def treaty_links() -> list[dict[str, str]]:
    return [
        dict(subject=SUBJECT, relation="rdfs:seeAlso", target=UNTC_PAGE,
             label="UN Treaty Collection: status of the United Nations Convention against Cybercrime",
             source="UN Treaty Collection: URL pattern of its status pages (ViewDetails.aspx?src=TREATY&mtdsg_no=…)"),
        dict(subject=SUBJECT, relation="rdfs:seeAlso", target=UNTC_XML,
             label="UN Treaty Collection: status of chapter XVIII no. 16 (XML)", source=UNTC_XML),
        dict(subject=SUBJECT, relation="rdfs:seeAlso", target="https://www.unodc.org/unodc/en/cybercrime/convention/home.html",
             label="UNODC: the United Nations Convention against Cybercrime",
             source="https://www.unodc.org/unodc/en/cybercrime/convention/home.html"),
        dict(subject=SUBJECT, relation="skos:exactMatch", target="",
             source="searched and not found in the sources consulted for data/ (see data/README.md)",
             note="Wikidata: no sourced QID for the Convention at hand; not guessed"),
        dict(subject=SUBJECT, relation="skos:exactMatch", target="",
             source="searched and not found in the sources consulted for data/ (see data/README.md)",
             note="DBpedia: no sourced resource for the Convention at hand; not guessed"),
        dict(subject=SUBJECT, relation="rdfs:seeAlso", target="",
             source="searched and not found in the sources consulted for data/ (see data/README.md)",
             note="EUR-Lex: the Council decision of 13 October 2025 authorising the EU's signature; its number and "
             "CELEX were seen only in a secondary, machine-written digest: not recorded"),
    ]  # fmt: skip


def add_organisations() -> None:
    path = DATA / "organisations.csv"
    header = ["id", "kind", "name_en", "name_fr", "part_of", "status", "source"]
    rows = read(path)[1] if path.is_file() else []
    ids = {o[0] for o in ORGANISATIONS}
    rows = [r for r in rows if r["id"] not in ids] + [dict(zip(header, o, strict=True)) for o in ORGANISATIONS]
    write(path, read(path)[0] if path.is_file() else header, rows)


def main(research: str, country_codes: str) -> None:
    with open(country_codes, encoding="utf-8", newline="") as handle:
        codes = {r["ISO3166-1-Alpha-3"]: r for r in csv.DictReader(handle)}
    people = participants(Path(research))
    _, treaty = read(Path(research) / "treaty.csv")
    facts = {r["fact"]: (r["value"], r["source"]) for r in treaty}
    new = add_states(codes, {p["iso3"] for p in people if p["iso3"]})
    print(f"{len(new)} States added: {' '.join(new)}", file=sys.stderr)
    add_organisations()
    header, _ = read(DATA / "treaties.csv")
    replace_rows("treaties.csv", [treaty_row(facts)], key="code")
    replace_rows("treaty_facts.csv", fact_rows(facts))
    replace_rows("treaty_rules.csv", [{"treaty": TREATY, **rule} for rule in RULES])
    header, _ = read(DATA / "acts.csv")
    acts = act_rows(people, header)
    replace_rows("acts.csv", acts)
    print(f"{len(acts)} acts of {TREATY}", file=sys.stderr)
    header, links = read(DATA / "links.csv")
    write(DATA / "links.csv", header, [r for r in links if r["subject"] != SUBJECT] + treaty_links())


if __name__ == "__main__":
    main(*sys.argv[1:3])
