"""What the mappers write into, and the helpers every mapper uses: typed date literals and provenance.

Facts go into the data graph; where each fact came from and how sure we are of it go into the
provenance graph, about the same nodes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, XSD

from budapest_kg.namespaces import BKG, bind_prefixes

STATUS = {"verified": BKG.Verified, "unverified": BKG.Unverified, "derived": BKG.Derived}
URL = re.compile(r"https?://[^\s;,()'\"<>{}|\\^`\[\]]+")


@dataclass
class Mapped:
    """The triples of one build, by named graph."""

    data: Graph = field(default_factory=Graph)
    provenance: Graph = field(default_factory=Graph)

    def __post_init__(self) -> None:
        bind_prefixes(self.data)
        bind_prefixes(self.provenance)


def date_literal(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def record_provenance(node: URIRef, status: str, source: str, out: Mapped, as_of: str = "", note: str = "") -> None:
    """State where a fact came from, when the source was seen and how sure we are of it."""
    prov = out.provenance
    prov.add((node, BKG.verificationStatus, STATUS[status]))
    prov.add((node, BKG.sourceNote, Literal(source)))
    for url in sorted(set(URL.findall(source))):
        prov.add((node, PROV.wasDerivedFrom, URIRef(url.rstrip(".,"))))
    if as_of:
        prov.add((node, BKG.sourceAsOf, Literal(as_of)))
    if note:
        prov.add((node, BKG.editorialNote, Literal(note)))
