"""One-off curation of the researched article, treaty-fact and reservation tables into data/.

Kept for the record, like curate.py: the curated tables in data/ are the truth from then on. The
sources' free-text status cells ("en_verified;fr_unverified", "verified (secondary sources)") become
one of verified / unverified, with the original kept in status_detail. Run from the repository root:

    python data/curation/curate_texts.py SOURCES_DIR   (the folder of researched source tables)
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from curate import write  # same folder: both scripts write tables the same way

CATEGORY = {
    "definitions": "definitions",
    "substantive criminal law offence": "offence",
    "ancillary liability/sanctions": "ancillary-liability",
    "procedural power": "procedural-power",
    "conditions and safeguards": "safeguards",
    "jurisdiction": "jurisdiction",
    "international co-operation": "co-operation",
    "final clause": "final-clause",
}
ARTICLE = re.compile(r"Art\. (\d+)")

# Rows whose source cell is empty were written from memory and are marked so.
RECALL = "UNVERIFIED-RECALL (no source seen; to verify against the treaty's text)"


def english_status(status: str) -> str:
    """The status of the English heading and the structure: verified only when seen in the final text."""
    first = status.split(";")[0].strip()
    if first.startswith(("verified", "en_verified(final text")) or first in ("verified", "en_verified"):
        return "verified"
    return "unverified"


def fact_status(status: str) -> str:
    return "verified" if status.startswith("verified") else "unverified"


def curate_articles(sources: Path, number: str) -> list[dict[str, str]]:
    rows = []
    with open(sources / f"articles_{number}.csv", newline="", encoding="utf-8") as handle:
        for src in csv.DictReader(handle):
            if src["unit_type"] == "treaty":
                continue  # the treaty itself is in treaties.csv
            category = src["category"].strip()
            if category.startswith("general provision"):
                category = "general"
            rows.append(
                {
                    "treaty": src["treaty"],
                    "unit": src["unit_type"],
                    "number": src["number"],
                    "heading_en": src["heading_en"],
                    "heading_fr": src["heading_fr"],
                    "parent": "" if src["parent"] == src["treaty"] else src["parent"],
                    "category": CATEGORY.get(category, category),
                    "obligation": src["obligation"],
                    "conduct_or_power": src["conduct_or_power"],
                    "status": english_status(src["status"]),
                    "status_detail": src["status"],
                    "source": src["source"] or RECALL,
                }
            )
    return rows


def curate_facts(sources: Path) -> list[dict[str, str]]:
    rows = []
    with open(sources / "treaty_facts.csv", newline="", encoding="utf-8") as handle:
        for src in csv.DictReader(handle):
            rows.append(
                {
                    "treaty": src["treaty"],
                    "fact": src["fact"],
                    "value": src["value"],
                    "status": fact_status(src["status"]),
                    "status_detail": src["status"],
                    "source": src["source"] or RECALL,
                }
            )
    return rows


def provision_articles(treaty: str, provision: str) -> str:
    """Which articles a provision lies in: '4', '7;8;14', or 'ETS 185:22' for a Convention article."""
    if provision.startswith("Convention Art."):
        return ";".join(f"ETS 185:{n}" for n in ARTICLE.findall(provision))
    return ";".join(dict.fromkeys(ARTICLE.findall(provision)))


def curate_reservations(sources: Path) -> list[dict[str, str]]:
    rows = []
    with open(sources / "reservations_declarations.csv", newline="", encoding="utf-8") as handle:
        for src in csv.DictReader(handle):
            rows.append(
                {
                    "treaty": src["treaty"],
                    "provision": src["provision"],
                    "articles": provision_articles(src["treaty"], src["provision"]),
                    "kind": src["kind"],
                    "granted_by": src["article_granting_it"],
                    "description": src["description"],
                    "status": fact_status(src["status"]),
                    "source": src["source"] or RECALL,
                }
            )
    return rows


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit(f"usage: {argv[0]} SOURCES_DIR (the folder of researched source tables)")
    sources = Path(argv[1])
    out = Path("data")
    for number in ("185", "189", "224"):
        write(out / f"articles_{number}.csv", curate_articles(sources, number))
    write(out / "treaty_facts.csv", curate_facts(sources))
    write(out / "reservations_declarations.csv", curate_reservations(sources))


if __name__ == "__main__":
    main(sys.argv)
