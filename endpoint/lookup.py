"""Reading the graph for pages: SELECT rows as Python values, labels and the class hierarchy.

Everything goes through the Engine, so pages work the same over either engine. Labels, the class
hierarchy and the other small tables every page consults (the treaties' series numbers, the
membership periods, the roles' sub-properties) are read once per application, which serves one
build: the graph does not change while the server runs, and a new build gets a new application.
"""

from __future__ import annotations

import json
import re
from functools import cached_property
from typing import NamedTuple
from urllib.parse import quote

from flask import current_app
from rdflib.namespace import OWL

from .base import BuildBase
from .cache import ResultCache
from .negotiation import RESULT_FORMATS

# An IRI as RFC 3987 spells it (and safe between <> in a query): a scheme, then unreserved characters,
# delimiters, %XX escapes and the non-ASCII letters it allows; never a control character, a lone %,
# a space, a quote, a brace or angle bracket, nor the invisible bidirectional formatting marks.
_UCSCHAR = "\u00a0-\u200d\u2010-\u2029\u202f-\u2065\u206a-\ud7ff\uf900-\ufdcf\ufdf0-\uffef" + "".join(
    f"{chr(plane << 16)}-{chr((plane << 16) | 0xFFFD)}" for plane in range(1, 15)
)
IRI = re.compile(rf"[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:/?#@{_UCSCHAR}]|%[0-9A-Fa-f]{{2}})*")


def is_iri(text: str) -> bool:
    """Whether text is an absolute IRI that can be put between <> in a query as it is."""
    return IRI.fullmatch(text) is not None


def shown(text: str) -> str:
    """Text fit to quote in a message: control characters, spaces and the like percent-escaped."""
    return quote(text, safe=":/?#@!$&'()*+,;=~%")


class Node(NamedTuple):
    """One RDF term from a result row (a tuple: a page reads thousands, and a frozen dataclass is made
    field by field: 0.8 µs against 0.4 µs a Node, measured)."""

    value: str
    kind: str  # uri | literal | bnode
    lang: str = ""
    datatype: str = ""

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    def __str__(self) -> str:
        return self.value


class Lookup:
    """SELECT queries over the engine, returning rows of Node by variable name."""

    def __init__(self, engine, base: str, cache: ResultCache):
        self.engine = engine
        self.base = base
        self.names = BuildBase(base)
        self.bkg = self.names.bkg
        self.prefixes = self.names.prefixes()
        self.cache = cache  # the app's one cache, bounded in bytes
        # href() runs for every link of a page: the namespaces it tests as plain strings, made once.
        self._local = (str(self.names.id), str(self.names.graph))
        self._terms = str(self.bkg)
        self._ontology = str(self.names.ontology)

    def select(self, body: str) -> list[dict[str, Node]]:
        """Run a SELECT (the project's prefixes are declared) and return its rows."""
        return read_rows(self.run(body))

    def ask(self, body: str) -> bool:
        return bool(json.loads(self.run(body)).get("boolean"))

    def run(self, body: str) -> bytes:
        """SPARQL JSON for a query (the project's prefixes declared as used)."""
        return self.remember(
            body, lambda: self.engine.query(self.prologue(body) + body, capped=False).serialize(RESULT_FORMATS[0])
        )

    def remember(self, key: str, compute) -> bytes:
        """compute() once per key, kept in a cache bounded in bytes: the graph does not change while the server runs."""
        return self.cache.get_or_make(("page", key), compute)

    def prologue(self, body: str) -> str:
        """PREFIX lines for the prefixes the body uses (fewer lines parse faster)."""
        return "".join(f"PREFIX {name}: <{ns}>\n" for name, ns in self.prefixes.items() if f"{name}:" in body)

    @cached_property
    def labels(self) -> dict[str, str]:
        """Every labelled IRI's label: English first, then untagged, then any other language."""
        rank = {"en": 0, "": 1}
        best: dict[str, tuple[int, str]] = {}
        rows = self.select(
            "SELECT ?s ?l WHERE { { ?s rdfs:label ?l } UNION { ?s skos:prefLabel ?l } FILTER(isIRI(?s)) }"
        )
        for row in rows:
            label = row["l"]
            score = (rank.get(label.lang, 2), label.value)
            current = best.get(row["s"].value)
            if current is None or score < current:
                best[row["s"].value] = score
        return {iri: score[1] for iri, score in best.items()}

    @cached_property
    def superclasses(self) -> dict[str, set[str]]:
        """Each class's strict superclasses (the closure is already materialised by the build)."""
        out: dict[str, set[str]] = {}
        for row in self.select(
            "SELECT ?a ?b WHERE { ?a rdfs:subClassOf ?b FILTER(isIRI(?a) && isIRI(?b) && ?a != ?b) }"
        ):
            out.setdefault(row["a"].value, set()).add(row["b"].value)
        return out

    @cached_property
    def in_use(self) -> set[str]:
        """Classes with instances and properties with statements: pages skip queries that cannot match."""
        rows = self.select("SELECT DISTINCT ?c WHERE { { ?x a ?c } UNION { ?x ?c ?y } }")
        return {row["c"].value for row in rows}

    @cached_property
    def series_codes(self) -> dict[str, str]:
        """Each treaty's series number (ETS 185, CETS 224, UNTC XVIII-16): pages order treaties by it."""
        rows = self.select("SELECT ?t ?code WHERE { ?t bkg:seriesNumber ?code }")
        codes: dict[str, str] = {}
        for row in rows:
            codes.setdefault(row["t"].value, row["code"].value)
        return codes

    @cached_property
    def memberships(self) -> dict[str, list[tuple[str, str]]]:
        """Each Council of Europe member's periods of membership, (from, until; '' while it lasts)."""
        found: dict[str, list[tuple[str, str]]] = {}
        for row in self.select(
            "SELECT ?s ?start ?end WHERE { ?m a bkg:Membership ; org:member ?s ; org:memberDuring ?p ."
            " ?p bkg:startDate ?start OPTIONAL { ?p bkg:endDate ?end } }"
        ):
            found.setdefault(row["s"].value, []).append((row["start"].value, str(row.get("end", ""))))
        return found

    @cached_property
    def role_properties(self) -> frozenset[str]:
        """The properties that link a party to a treaty as contracting party or signatory (and theirs)."""
        rows = self.select(
            "SELECT DISTINCT ?p WHERE { VALUES ?role { bkg:isContractingPartyOf bkg:isSignatoryOf }"
            " ?p rdfs:subPropertyOf* ?role }"
        )
        return frozenset(row["p"].value for row in rows)

    def preload(self) -> int:
        """Read the tables every page uses (labels, class hierarchy, terms in use); their total size. The
        others are read by the first page that needs them (a remote store may refuse one, e.g. Virtuoso
        the property path of role_properties: that page fails, not the start)."""
        return len(self.labels) + len(self.superclasses) + len(self.in_use)

    def most_specific(self, classes: set[str]) -> list[str]:
        """The classes that no other class in the set specialises, in a stable order."""
        keep = [c for c in classes if not any(c in self.superclasses.get(o, ()) for o in classes if o != c)]
        return sorted(c for c in keep if c != str(OWL.Thing))

    def href(self, iri: str) -> str:
        """Where a person opens an IRI: its local page when it is under the base, else the IRI itself."""
        if iri.startswith(self._local):
            return "/" + iri[len(self.base) :]
        if iri.startswith(self._terms) and len(iri) > len(self._terms):
            return "/term/" + iri[len(self._terms) :]
        if iri == self._ontology:
            return "/ontology"
        return iri

    def is_local(self, iri: str) -> bool:
        return self.href(iri) != iri

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or self.compact(iri)

    def compact(self, iri: str) -> str:
        """A readable short name for an unlabelled IRI: its prefixed name or its last segment."""
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri


def read_rows(json_bytes: bytes) -> list[dict[str, Node]]:
    """SPARQL JSON results to rows of Node; unbound variables are absent from a row."""
    rows = []
    make = tuple.__new__  # Node(...) without its generated __new__: a treaty page makes thousands
    for binding in json.loads(json_bytes).get("results", {}).get("bindings", []):
        row = {}
        for name, term in binding.items():
            kind = term["type"]
            if kind == "typed-literal":
                kind = "literal"
            row[name] = make(Node, (term["value"], kind, term.get("xml:lang", ""), term.get("datatype", "")))
        rows.append(row)
    return rows


def current_lookup() -> Lookup:
    """The application's Lookup, created on first use."""
    return lookup_of(current_app)


def lookup_of(app) -> Lookup:
    """The app's Lookup, created on first use."""
    extensions = app.extensions
    if "bkg_lookup" not in extensions:
        extensions["bkg_lookup"] = Lookup(extensions["bkg_engine"], extensions["bkg_base"], extensions["bkg_results"])
    return extensions["bkg_lookup"]
