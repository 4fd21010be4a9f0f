"""Links to other open data (data/links.csv) and UN M49 regions (data/regions.csv), as their own graph.

Links use skos:exactMatch or rdfs:seeAlso, never owl:sameAs: owlrl would copy every triple across
an owl:sameAs, and a mistaken external identifier would then corrupt the graph itself. A row whose
target is empty records that no identifier could be sourced; it gives no triple.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from budapest_kg.iris import region_iri, state_iri
from budapest_kg.namespaces import ID, SCHEMA

from .graphs import new_graph
from .table import DataError, Problem, Table

RELATIONS = {"skos:exactMatch": SKOS.exactMatch, "rdfs:seeAlso": RDFS.seeAlso}
SUBJECT = re.compile(r"^(state/[A-Z]{3}|treaty/[a-z]+-[a-z0-9-]+)$")
TARGET = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
LINK_COLUMNS = ("subject", "relation", "target", "label", "source", "note")
REGION_COLUMNS = ("iso3", "region_code", "region", "subregion_code", "subregion", "source")


@dataclass(frozen=True)
class Link:
    subject: str  # relative to ID: state/FRA, treaty/ets-185
    relation: str
    target: str  # empty when no identifier could be sourced
    label: str
    source: str
    note: str
    line: int


@dataclass(frozen=True)
class Region:
    iso3: str
    region_code: str
    region: str
    subregion_code: str
    subregion: str
    source: str
    line: int


def read_links(path: Path, subjects: set[str], problems: list[Problem]) -> list[Link]:
    """Rows of links.csv; every problem is recorded as file:line: column: message."""
    links = []
    for line, row in Table(path, LINK_COLUMNS, problems).rows():
        bad = len(problems)
        if not SUBJECT.match(row["subject"]) or row["subject"] not in subjects:
            problems.append(Problem(path, line, f"{row['subject']!r} is not a State or treaty of the graph", "subject"))
        if row["relation"] not in RELATIONS:
            allowed = ", ".join(RELATIONS)
            problems.append(Problem(path, line, f"{row['relation']!r} is not one of {allowed}", "relation"))
        if row["target"] and not TARGET.match(row["target"]):
            problems.append(Problem(path, line, f"{row['target']!r} is not an absolute http(s) IRI", "target"))
        if row["target"] and not row["source"]:
            problems.append(Problem(path, line, "a link needs its source", "source"))
        if not row["target"] and not row["note"]:
            problems.append(Problem(path, line, "a row without a target must say why in the note", "note"))
        if len(problems) == bad:
            links.append(Link(line=line, **{c: row[c] for c in LINK_COLUMNS}))
    return links


def read_regions(path: Path, states: set[str], problems: list[Problem]) -> list[Region]:
    regions = []
    for line, row in Table(path, REGION_COLUMNS, problems).rows():
        if row["iso3"] not in states:
            problems.append(Problem(path, line, f"unknown State {row['iso3']!r} (not in states.csv)", "iso3"))
            continue
        for column in ("region_code", "subregion_code"):
            if row[column] and not row[column].isdigit():
                problems.append(Problem(path, line, f"{row[column]!r} is not a UN M49 code", column))
        regions.append(Region(line=line, **{c: row[c] for c in REGION_COLUMNS}))
    return regions


def map_links(links: list[Link], regions: list[Region]) -> Graph:
    """The links graph: external identifiers, and each State's UN M49 region and sub-region."""
    graph = new_graph()
    for link in links:
        if not link.target:
            continue
        target = URIRef(link.target)
        graph.add((ID[link.subject], RELATIONS[link.relation], target))
        if link.label:
            graph.add((target, RDFS.label, Literal(link.label, lang="en")))
    for region in regions:
        state = state_iri(region.iso3)
        parent = None
        for code, name in ((region.region_code, region.region), (region.subregion_code, region.subregion)):
            if not code:
                continue
            node = region_iri(code)
            graph.add((node, RDF.type, SCHEMA.Place))
            graph.add((node, RDFS.label, Literal(name, lang="en")))
            graph.add((node, SKOS.notation, Literal(f"{int(code):03d}")))
            if parent is not None:
                graph.add((node, SCHEMA.containedInPlace, parent))
            graph.add((state, SCHEMA.containedInPlace, node))
            parent = node
    return graph


def make_links(data_dir: Path, states: set[str], treaty_slugs: set[str]) -> Graph:
    """Read links.csv and regions.csv in data_dir and map them; DataError listing every problem."""
    problems: list[Problem] = []
    subjects = {f"state/{s}" for s in states} | {f"treaty/{t}" for t in treaty_slugs}
    links = read_links(data_dir / "links.csv", subjects, problems)
    regions = read_regions(data_dir / "regions.csv", states, problems)
    if problems:
        raise DataError(problems)
    return map_links(links, regions)
