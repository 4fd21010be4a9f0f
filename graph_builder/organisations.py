"""The European Union's member States: read eu_membership.csv, map them.

The EU takes part in the UN Convention against Cybercrime as a regional economic integration
organisation (an international organisation of organisations.csv, read with the others by ``sources``),
so the cross-regime questions ask where its member States stand. Its memberships are W3C ORG
memberships of the EU (``org:Membership`` with ``org:organization``), never Council of Europe
memberships, and carry no period (the sourced list of members gives no dates): rule
``10_memberships`` derives ``bkg:isMemberOf`` only from dated periods, so nothing asking about a
membership on a day can mistake them for one. Problems are collected with file:line like the other
tables; pure mapping, no I/O in the mapper.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal
from rdflib.namespace import RDF, RDFS

from budapest_kg.iris import organisation_iri, state_iri
from budapest_kg.namespaces import ID, ORG

from .mapped import Mapped, record_provenance
from .table import STATUSES, Problem, Table

EU = "european-union"


@dataclass(frozen=True)
class EuMembership:
    iso3: str
    status: str
    source: str
    note: str
    line: int


def read_eu_memberships(path: Path, known: set[str], organisations: set[str], problems: list[Problem]) -> list:
    if not path.is_file():
        return []
    table = Table(path, ("iso3", "status", "source", "note"), problems)
    if EU not in organisations:
        table.report(0, f"EU memberships need the organisation {EU!r} in organisations.csv")
    found, seen = [], {}
    for line, row in table.rows():
        iso3 = row["iso3"]
        if iso3 not in known:
            table.report(line, f"unknown State {iso3!r} (not in states.csv)", "iso3")
        elif iso3 in seen:
            table.report(line, f"duplicate member {iso3} (first on line {seen[iso3]})", "iso3")
        seen.setdefault(iso3, line)
        status = table.choice(line, row, "status", STATUSES)
        found.append(EuMembership(iso3, status, table.required(line, row, "source"), row["note"], line))
    return found


def map_eu_membership(membership: EuMembership, out: Mapped) -> None:
    node = ID[f"membership/{EU}/{membership.iso3}"]
    g = out.data
    g.add((node, RDF.type, ORG.Membership))
    g.add((node, ORG.member, state_iri(membership.iso3)))
    g.add((node, ORG.organization, organisation_iri(EU)))
    g.add((node, RDFS.label, Literal(f"European Union membership of {membership.iso3}", lang="en")))
    record_provenance(node, membership.status, membership.source, out, note=membership.note)
