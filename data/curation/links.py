"""Write data/links.csv and data/regions.csv from two public, sourced tables (run once, by hand).

- Wikidata IRIs: Our World in Data's country table, owid/owid-grapher
  packages/@ourworldindata/grapher/src/mapCharts/CountriesRegions.ts @ c7402d12 (column wikidata_uri).
- GeoNames ids and UN M49 regions: datasets/country-codes data/country-codes.csv @ caa72d1e
  (columns "Geoname ID" from geonames.org countryInfo.txt; "Region/Sub-region Code/Name" from UNSD M49).

Usage: python data/curation/links.py OWID_TS COUNTRY_CODES_CSV  (paths to those two files)
"""

import csv
import io
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent
OWID = (
    "owid/owid-grapher@c7402d12e25bd1d45f5bd7d66cfc083342a1ed96:"
    "packages/@ourworldindata/grapher/src/mapCharts/CountriesRegions.ts"
)
CC = "datasets/country-codes@caa72d1e0e5af8876c170bb36a9e4d64a01bba88:data/country-codes.csv"
EU_TABLE = "EU Publications Office Country authority table: IRI pattern .../authority/country/{ISO 3166-1 alpha-3}"
ISO_OBP = "ISO Online Browsing Platform: URL pattern https://www.iso.org/obp/ui/#iso:code:3166:{alpha-2}"
COE = (
    "Council of Europe Treaty Office (https://www.coe.int/en/web/conventions/full-list): "
    "URL pattern of its treaty pages"
)
DBPEDIA_NOTE = "DBpedia: no sourced table of DBpedia IRIs for States was at hand; not guessed from names"
HEADER = ["subject", "relation", "target", "label", "source", "note"]
# An empty target records that an identifier was looked for and not found; its source says where.
SEARCHED = "searched, not found: " + OWID.split(":")[0] + "; " + CC.split(":")[0]


def read_owid(path: str) -> dict[str, str]:
    text = Path(path).read_text(encoding="utf-8")
    body = text[text.index("`") + 1 : text.rindex("`")]
    return {r["iso_alpha3"]: r["wikidata_uri"] for r in csv.DictReader(io.StringIO(body)) if r["iso_alpha3"]}


def read_country_codes(path: str) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {r["ISO3166-1-Alpha-3"]: r for r in csv.DictReader(handle)}


def main(owid_path: str, cc_path: str) -> None:
    wikidata = read_owid(owid_path)
    codes = read_country_codes(cc_path)
    with open(DATA / "states.csv", encoding="utf-8", newline="") as handle:
        states = [r["iso3"] for r in csv.DictReader(handle)]
    import pycountry

    rows = []
    regions = []
    for iso3 in states:
        alpha2 = pycountry.countries.get(alpha_3=iso3).alpha_2
        subject = f"state/{iso3}"
        eu = f"http://publications.europa.eu/resource/authority/country/{iso3}"
        rows.append([subject, "skos:exactMatch", eu, "", EU_TABLE, ""])
        rows.append([subject, "rdfs:seeAlso", f"https://www.iso.org/obp/ui/#iso:code:3166:{alpha2}", "", ISO_OBP, ""])
        qid = wikidata.get(iso3, "")
        note = "" if qid else "no sourced Wikidata IRI"
        rows.append([subject, "skos:exactMatch", qid, "", OWID if qid else SEARCHED, note])
        geoname = codes.get(iso3, {}).get("Geoname ID", "")
        target = f"https://sws.geonames.org/{geoname}/" if geoname else ""
        note = "" if geoname else "no sourced GeoNames id"
        rows.append([subject, "skos:exactMatch", target, "", CC if geoname else SEARCHED, note])
        rows.append([subject, "skos:exactMatch", "", "", SEARCHED, DBPEDIA_NOTE])
        row = codes[iso3]
        region = [row["Region Code"], row["Region Name"], row["Sub-region Code"], row["Sub-region Name"]]
        regions.append([iso3, *region, CC])
    # Rows about treaties and EU acts were written by hand; State rows are regenerated here.
    with open(DATA / "links.csv", encoding="utf-8", newline="") as handle:
        kept = [r for r in csv.reader(handle) if r and not r[0].startswith("state/")]
    with open(DATA / "links.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(kept + rows)
    with open(DATA / "regions.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["iso3", "region_code", "region", "subregion_code", "subregion", "source"])
        writer.writerows(regions)


if __name__ == "__main__":
    main(*sys.argv[1:3])
