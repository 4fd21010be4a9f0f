"""What the mappers write into, and the helpers every mapper uses: typed date literals, dates known
within bounds, and provenance.

Facts go into the data graph; where each fact came from and how sure we are of it go into the
provenance graph, about the record that states them ({thing}/record), not about the thing: a treaty
is not "derived from" the web page that describes it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from budapest_kg.iris import record_iri
from budapest_kg.namespaces import BKG

from .graphs import new_graph
from .timing import Window

STATUS = {"verified": BKG.Verified, "unverified": BKG.Unverified, "derived": BKG.Derived}
URL = re.compile(r"https?://[^\s;,()'\"<>{}|\\^`\[\]]+")


@dataclass
class Mapped:
    """The triples of one build, by named graph."""

    data: Graph = field(default_factory=new_graph)
    provenance: Graph = field(default_factory=new_graph)


@lru_cache(maxsize=65536)
def date_literal(value: dt.date) -> Literal:
    """The day as an xsd:date literal (cached: days repeat, and rdflib parses each literal it makes)."""
    return Literal(value.isoformat(), datatype=XSD.date)


# Terms of rdflib's own namespaces, looked up once: each look-up of RDF.type makes a new URIRef.
TYPE, LABEL, DERIVED_FROM = RDF.type, RDFS.label, PROV.wasDerivedFrom


@lru_cache(maxsize=4096)
def source_terms(source: str) -> tuple[Literal, tuple[URIRef, ...]]:
    """The source note as a literal and the URLs it names (cached: many records share a source)."""
    return Literal(source), tuple(URIRef(url.rstrip(".,")) for url in sorted(set(URL.findall(source))))


@lru_cache(maxsize=4096)
def plain_literal(text: str) -> Literal:
    """A plain literal, cached for texts that repeat (the day a source was read)."""
    return Literal(text)


def record_provenance(node: URIRef, status: str, source: str, out: Mapped, as_of: str = "", note: str = "") -> None:
    """State, in the record about node, where its facts came from, as of when and how sure we are of them."""
    add = out.provenance.add
    record = record_iri(node)
    note_literal, urls = source_terms(source)
    add((record, TYPE, RECORD))
    add((record, DESCRIBES, node))
    add((record, VERIFICATION_STATUS, STATUS[status]))
    add((record, SOURCE_NOTE, note_literal))
    for url in urls:
        add((record, DERIVED_FROM, url))
    if as_of:
        add((record, SOURCE_AS_OF, plain_literal(as_of)))
    if note:
        add((record, EDITORIAL_NOTE, Literal(note)))


RECORD, DESCRIBES, VERIFICATION_STATUS = BKG.Record, BKG.describes, BKG.verificationStatus
SOURCE_NOTE, SOURCE_AS_OF, EDITORIAL_NOTE = BKG.sourceNote, BKG.sourceAsOf, BKG.editorialNote


# The properties that state a dated aspect of a resource: the day (when known), and its bounds.
DATE = (BKG.date, BKG.earliestDate, BKG.latestDate)
EFFECT = (BKG.effectiveDate, BKG.effectiveEarliest, BKG.effectiveLatest)
START = (BKG.startDate, BKG.startEarliest, BKG.startLatest)
END = (BKG.endDate, BKG.endEarliest, BKG.endLatest)
SIGNED = (BKG.signedOn, BKG.signedEarliest, BKG.signedLatest)


def add_window(graph: Graph, node: URIRef, window: Window, properties: tuple = DATE, precision: bool = False) -> None:
    """State what is known of a day: the day itself when known, and always the bounds that are known.

    precision adds bkg:datePrecision (day, month or bounds) when anything is known.
    """
    day, earliest, latest = properties
    if window.exact:
        graph.add((node, day, date_literal(window.exact)))
    if window.earliest:
        graph.add((node, earliest, date_literal(window.earliest)))
    if window.latest:
        graph.add((node, latest, date_literal(window.latest)))
    if precision and (window.earliest or window.latest):
        kind = BKG.DayKnown if window.exact else BKG.MonthKnown if window.is_month else BKG.BoundsKnown
        graph.add((node, BKG.datePrecision, kind))
