"""Giving the graph's facts back to Wikidata: QuickStatements (version 1, tab-separated) per State act.

On the treaty's item, one statement per act, as Wikidata's WikiProject International relations adds
them from the UN Treaty Collection (https://www.wikidata.org/wiki/Wikidata_talk:WikiProject_International_relations):

- a signature: ``signatory`` (P1891) -> the State;
- a consent to be bound: ``ratified by`` (P6193) -> the State. Its property proposal
  (https://www.wikidata.org/wiki/Wikidata:Property_proposal/ratified_by) and its aliases make it cover
  ratification, acceptance, approval and accession alike;
- qualifier ``point in time`` (P585): the act's date, day precision (``+2001-11-23T00:00:00Z/11``);
- reference ``reference URL`` (S854): the first address in the act's source.

The kind of consent (ratification, acceptance, approval, accession) is left out: no qualifier for it is
established on Wikidata (the project's talk page above asks for one), and an invented one would be
worse than none. Entries into force are not exported either: no Wikidata property for a State's entry
into force was found documented. Only acts marked `verified` are exported, and only for States whose
Wikidata item data/links.csv records; every act left out is listed with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from budapest_kg.iris import party_iri

from .acts import CONSENT_KINDS
from .links import read_links
from .sources import Sources, read_sources
from .table import DataError, Problem

SIGNATORY = "P1891"
RATIFIED_BY = "P6193"
POINT_IN_TIME = "P585"
REFERENCE_URL = "S854"
QID = re.compile(r"^Q[1-9]\d*$")
WIKIDATA_ENTITY = re.compile(r"^https?://www\.wikidata\.org/entity/(Q[1-9]\d*)$")
URL = re.compile(r"https?://[^\s\"<>;,]+")


class NoTreatyItem(Exception):
    """No Wikidata item is known for the treaty: none is sourced in links.csv and none was given."""


@dataclass
class Export:
    lines: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)


def wikidata_items(data_dir: Path, sources: Sources) -> dict[str, str]:
    """Subject ('state/FRA', 'treaty/ets-185') -> its Wikidata item, from links.csv's skos:exactMatch rows."""
    problems: list = []
    subjects = {f"state/{s.iso3}" for s in sources.states} | {f"treaty/{t.slug}" for t in sources.treaties}
    links = read_links(data_dir / "links.csv", subjects, problems)
    if problems:
        raise DataError(problems)
    items = {}
    for link in links:
        found = WIKIDATA_ENTITY.match(link.target)
        if found and link.relation == "skos:exactMatch":
            items[link.subject] = found.group(1)
    return items


def export_wikidata(data_dir: Path, treaty_code: str, item: str | None) -> Export:
    """QuickStatements for the treaty's verified signatures and consents.

    `item` is the treaty's Wikidata item; None takes it from links.csv, and NoTreatyItem when it has none.
    DataError when data/ is invalid.
    """
    sources = read_sources(data_dir)
    items = wikidata_items(data_dir, sources)
    treaty = next((t for t in sources.treaties if t.code == treaty_code), None)
    if treaty is None:
        raise DataError([Problem(data_dir / "treaties.csv", 0, f"no treaty {treaty_code}")])
    item = item or items.get(f"treaty/{treaty.slug}")
    if item is None:
        raise NoTreatyItem(treaty_code)
    out = Export()
    for act in sources.acts:
        if act.treaty != treaty_code or (act.act != "signature" and act.act not in CONSENT_KINDS):
            continue
        what = f"{act.party} {act.act} {act.given or '(no date)'} (acts.csv:{act.line})"
        url = URL.search(act.source)
        subject = subject_of(act.party)
        if act.status != "verified":
            out.skipped.append(f"{what}: status {act.status}; only verified acts are given to Wikidata")
        elif subject not in items:
            out.skipped.append(f"{what}: links.csv has no Wikidata item for {act.party}")
        elif url is None:
            out.skipped.append(f"{what}: its source has no address to cite")
        else:
            out.lines.append(statement(item, act, items[subject], cited(url.group(0))))
    return out


def subject_of(party: str) -> str:
    """links.csv's subject for a party: 'state/FRA', 'organisation/european-union'."""
    return str(party_iri(party)).rsplit("/id/", 1)[1]


def cited(url: str) -> str:
    """The address without the punctuation that closes the sentence or bracket around it."""
    url = url.rstrip(".")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def statement(treaty: str, act, state: str, url: str) -> str:
    fields = [treaty, SIGNATORY if act.act == "signature" else RATIFIED_BY, state]
    if act.date:
        fields += [POINT_IN_TIME, f"+{act.date.isoformat()}T00:00:00Z/11"]
    elif len(act.given) == 7:  # a month only: Wikidata's precision 10
        fields += [POINT_IN_TIME, f"+{act.given}-00T00:00:00Z/10"]
    fields += [REFERENCE_URL, f'"{url}"']
    return "\t".join(fields)
