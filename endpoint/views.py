"""What every page shares: RDF terms as HTML, the statements of a resource, its parts and its links.

The page modules (home, treaty, state, article, pages, query_page) build on these; none of them
imports another page module for its helpers.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass

from flask import Flask
from markupsafe import Markup, escape
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from budapest_kg.namespaces import ELI

from .faults import EngineFault
from .lookup import Lookup, Node, current_lookup, lookup_of
from .versions import version

log = logging.getLogger(__name__)
# A group of more than OPEN_GROUP values is shown collapsed, with its count; at most GROUP_LIMIT are listed.
OPEN_GROUP = 10
GROUP_LIMIT = 300
WEB_LINK = re.compile(r"^https?://\S+$")
NUMBER = re.compile(r"(\d+)")
# A web address inside a sentence: up to a space, without a closing bracket or stop that ends the sentence.
URL_IN_TEXT = re.compile(r"(https?://[^\s<>\"']+[^\s<>\"'.,;:)\]])")
# Rows hold IRIs as plain strings, and an rdflib term never equals a str: compare with these.
TYPE, SAME_AS, THING, IS_PART_OF = str(RDF.type), str(OWL.sameAs), str(OWL.Thing), str(ELI.is_part_of)
LINK_PREDICATES = frozenset(str(p) for p in (SKOS.exactMatch, SKOS.closeMatch, RDFS.seeAlso, OWL.sameAs))
LINK_KINDS = (
    ("wikidata.org", "Wikidata"),
    ("publications.europa.eu", "EU authority table"),
    ("dbpedia.org", "DBpedia"),
    ("geonames.org", "GeoNames"),
    ("coe.int", "Council of Europe"),
    ("europa.eu", "EUR-Lex / ELI"),
)
# The site's tables are read in the background once every query worker is ready, or after this long anyway.
PRELOAD_WAIT_SECONDS = 30
RDF_FORMATS = [("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf")]


def init_app(app: Flask, background: bool = False) -> None:
    """Register the template helpers and read labels, classes and terms in use before the first visit;
    `background`: meanwhile the app answers (a serving process: its first query need not wait)."""
    # Bound to this app's Lookup: a page calls them hundreds of times, and current_lookup() goes through
    # Flask's context proxies each time.
    app.add_template_filter(lambda node: render_node(node, lookup_of(app)), "node")
    app.add_template_filter(render_source, "source")
    app.add_template_global(lambda iri: lookup_of(app).href(iri), "href")
    app.add_template_global(lambda iri: lookup_of(app).label(iri), "label")
    app.add_template_global(version, "data_version")
    if background:
        threading.Thread(target=preload, args=(app,), name="bkg-preload", daemon=True).start()
    else:
        with app.app_context():
            current_lookup().preload()


def preload(app: Flask) -> None:
    # Once all the query workers are ready: the first of them answers the first query meanwhile.
    started = getattr(app.extensions["bkg_engine"], "wait_started", None)
    if started is not None:
        started(PRELOAD_WAIT_SECONDS)
    with app.app_context():
        try:
            current_lookup().preload()
        except EngineFault:  # the first page that needs the tables asks again, and reports the fault
            log.warning("could not read the site's tables ahead of the first page", exc_info=True)
    # What the process holds for its life (the app, the build's tables) is moved out of the cyclic
    # garbage collector's sight: its full collections then walk only what requests left behind. Each
    # walked about 60,000 objects, 35-50 ms of CPU about every 1.5 s under the soak, with every thread of
    # the process stopped, /health's too (see scratch_graph.py for the garbage that made them frequent).
    gc.freeze()


def render_node(node: Node | None, lookup: Lookup | None = None) -> Markup:
    """An RDF term as HTML: a labelled link for an IRI, the text for a literal (its language named unless English)."""
    if node is None:
        return Markup("")
    if node.is_iri:
        return link(lookup or current_lookup(), node.value)
    if node.kind == "bnode":
        return Markup('<span class="muted">(anonymous node)</span>')
    text = escape(node.value)
    if WEB_LINK.match(node.value):
        return Markup(f'<a class="url" href="{text}">{text}</a>')
    if node.lang and node.lang != "en":
        # The site is in English: only another language is named, and quietly.
        lang = escape(node.lang)
        return Markup(f'<span lang="{lang}">{text}</span> <span class="lang">{lang}</span>')
    return text


def render_source(text: str) -> Markup:
    """A source note as HTML: its web addresses become links, the rest stays text."""
    pieces = []
    for piece in URL_IN_TEXT.split(text or ""):
        if URL_IN_TEXT.fullmatch(piece):
            pieces.append(Markup('<a class="url" href="{0}">{0}</a>').format(piece))
        else:
            pieces.append(escape(piece))
    return Markup("").join(pieces)


def link(lookup: Lookup, iri: str, text: str | None = None) -> Markup:
    """A link to the IRI's local page; an IRI that is not a web address is shown, not linked."""
    shown = escape(text or lookup.label(iri))
    target, title = lookup.href(iri), escape(iri)
    if not (target.startswith("/") or WEB_LINK.match(target)):
        return Markup(f'<span title="{title}">{shown}</span>')
    return Markup(f'<a href="{title if target == iri else escape(target)}" title="{title}">{shown}</a>')


def read_statements(
    lookup: Lookup, iri: str, hidden_incoming: Callable[[set[str]], Collection[str]] | None = None
) -> dict:
    """What every resource page shows: label, IRI, types, statements both ways (grouped) and provenance.

    hidden_incoming, given the resource's types, names the properties whose incoming statements a page
    shows in lists of its own: they are neither read nor grouped."""
    provenance_graph = str(lookup.names.graph.provenance)
    outgoing, provenance, seen = [], [], set()
    for row in lookup.select(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}"):
        statement = (row["p"], row["o"])
        if row["g"].value == provenance_graph:
            provenance.append(statement)
        elif statement not in seen and not is_noise(iri, row["p"].value, row["o"]):
            seen.add(statement)
            outgoing.append(statement)
    # Where the facts about a thing come from is stated about its record (bkg:describes), not the thing.
    for row in lookup.select(
        f"SELECT ?p ?o WHERE {{ GRAPH <{provenance_graph}> {{ ?record bkg:describes <{iri}> ; ?p ?o }}"
        f" FILTER(?p NOT IN (bkg:describes, rdf:type)) }}"
    ):
        provenance.append((row["p"], row["o"]))
    outgoing.sort(key=lambda po: (lookup.label(po[0].value).casefold(), label_of(lookup, po[1]).casefold()))
    types = {o.value for p, o in outgoing if p.value == TYPE and o.is_iri}
    definition = [o for p, o in outgoing if p.value.endswith(("#definition", "/description", "#comment"))]
    return {
        "iri": iri,
        "title": lookup.label(iri),
        "all_types": types,
        "types": lookup.most_specific(types),
        "definition": definition,
        "outgoing": outgoing,
        "outgoing_groups": group_outgoing(lookup, outgoing),
        "incoming_groups": read_incoming(lookup, iri, hidden_incoming(types) if hidden_incoming else ()),
        "provenance": provenance,
        "formats": RDF_FORMATS,
    }


@dataclass
class Group:
    """The values of one property of a resource (or the resources that point to it by that property)."""

    property: str
    label: str
    values: list[Node]
    count: int

    @property
    def collapsed(self) -> bool:
        return self.count > OPEN_GROUP

    @property
    def more(self) -> int:
        """How many values the page does not list (the RDF download has them all)."""
        return self.count - len(self.values)


def group_outgoing(lookup: Lookup, statements: list[tuple[Node, Node]]) -> list[Group]:
    values: dict[str, list[Node]] = defaultdict(list)
    for p, o in statements:
        values[p.value].append(o)
    groups = [Group(p, lookup.label(p), sort_nodes(lookup, v), len(v)) for p, v in values.items()]
    return sorted(groups, key=lambda g: g.label.casefold())


def read_incoming(lookup: Lookup, iri: str, hidden: Collection[str] = ()) -> list[Group]:
    """What refers to the resource, by property, each group sorted by label; at most GROUP_LIMIT listed per
    group; none by the hidden properties.

    Two queries for all the groups up to GROUP_LIMIT (their counts, then their members together), and one
    more per larger group (its first GROUP_LIMIT), rather than one per property: a treaty has twenty."""
    counts = lookup.select(
        f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p <{iri}> FILTER(?s != <{iri}>) }} GROUP BY ?p"
    )
    # rdflib: one row of 0
    sizes = {row["p"].value: int(row["n"].value) for row in counts if "p" in row and row["p"].value not in hidden}
    members: dict[str, list[Node]] = defaultdict(list)
    small = [p for p, n in sizes.items() if n <= GROUP_LIMIT]
    if small:
        values = " ".join(f"<{p}>" for p in small)
        for row in lookup.select(
            f"SELECT DISTINCT ?p ?s WHERE {{ VALUES ?p {{ {values} }} ?s ?p <{iri}> FILTER(?s != <{iri}>) }}"
        ):
            members[row["p"].value].append(row["s"])
    for predicate in (p for p, n in sizes.items() if n > GROUP_LIMIT):
        subjects = lookup.select(
            f"SELECT DISTINCT ?s WHERE {{ ?s <{predicate}> <{iri}> FILTER(?s != <{iri}>) }} LIMIT {GROUP_LIMIT}"
        )
        members[predicate] = [r["s"] for r in subjects]
    groups = [Group(p, lookup.label(p), sort_nodes(lookup, members[p]), n) for p, n in sizes.items()]
    return sorted(groups, key=lambda g: g.label.casefold())


def sort_nodes(lookup: Lookup, nodes: list[Node]) -> list[Node]:
    return sorted(nodes, key=lambda node: natural_key(label_of(lookup, node)))


def is_noise(iri: str, predicate: str, obj: Node) -> bool:
    """The reasoner's bookkeeping a reader does not need: self-sameAs and owl:Thing."""
    if predicate == SAME_AS and obj.value == iri:
        return True
    return predicate == TYPE and obj.value == THING


def label_of(lookup: Lookup, node: Node) -> str:
    return lookup.label(node.value) if node.is_iri else node.value


def describe_inline(lookup: Lookup, iri: str) -> dict:
    """A linked resource with its own statements, to show inline."""
    rows = lookup.select(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}")
    statements = [(r["p"], r["o"]) for r in rows if not is_noise(iri, r["p"].value, r["o"])]
    statements.sort(key=lambda po: (lookup.label(po[0].value).casefold(), label_of(lookup, po[1]).casefold()))
    return {"iri": iri, "statements": statements}


def read_external_links(lookup: Lookup, statements: dict) -> list[dict]:
    """The resource's links to other datasets (Wikidata, the EU authority tables, DBpedia, ...)."""
    links = [
        {"kind": name_link_kind(o.value), "iri": o.value, "via": lookup.label(p.value)}
        for p, o in statements["outgoing"]
        if p.value in LINK_PREDICATES and o.is_iri and not lookup.is_local(o.value)
    ]
    return sorted(links, key=lambda x: (x["kind"], x["iri"]))


def name_link_kind(iri: str) -> str:
    host = iri.split("/")[2] if iri.count("/") >= 2 else iri
    for needle, name in LINK_KINDS:
        if host.endswith(needle):
            return name
    return host


def read_parts(lookup: Lookup, whole: str) -> list[dict]:
    """The article structure under a treaty or article, as a tree of {iri, label, children}."""
    if IS_PART_OF not in lookup.in_use:
        return []
    rows = lookup.select(
        f"SELECT ?part ?parent ?number ?title WHERE {{ ?part eli:is_part_of+ <{whole}> ; eli:is_part_of ?parent ."
        " OPTIONAL { ?part eli:number|eli:id_local ?number }"
        " OPTIONAL { ?part eli:title|dcterms:title ?title FILTER(LANG(?title) IN ('en', '')) } }"
    )
    nodes: dict[str, dict] = {}
    parents: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        iri = row["part"].value
        node = nodes.setdefault(iri, {"iri": iri, "number": "", "title": "", "children": []})
        node["number"] = node["number"] or str(row.get("number", ""))
        node["title"] = node["title"] or str(row.get("title", ""))
        parents[iri].add(row["parent"].value)
    for iri, node in nodes.items():
        node["label"] = lookup.label(iri)
        # A part may also be stated part of its grandparents; hang it under its nearest parent only.
        nearest = [p for p in parents[iri] if p in nodes and not any(p in parents.get(q, ()) for q in parents[iri])]
        if nearest:
            nodes[nearest[0]]["children"].append(node)
    top = [n for iri, n in nodes.items() if not any(p in nodes for p in parents[iri])]
    for node in top:
        order_parts(node)
    return sorted(top, key=part_key)


def order_parts(node: dict) -> float:
    """Put parts in the order of the text: articles are numbered through the treaty, so a chapter,
    section or title (numbered I, II, ... or not at all) comes where its first article comes."""
    firsts = [order_parts(child) for child in node["children"]]
    node["children"].sort(key=part_key)
    own = float(node["number"]) if node["number"].isdigit() else float("inf")
    node["first"] = min([own, *firsts])
    return node["first"]


def part_key(node: dict) -> tuple:
    return (node["first"], natural_key(node["label"]))


def series_key(code: str) -> tuple:
    """The Council of Europe's treaties in the order of their series (ETS 185, ETS 189, CETS 224: by number,
    not by letters), then the others (the UN Convention, UNTC XVIII-16) by code."""
    found = re.fullmatch(r"C?ETS (\d+)", code)
    return (0, int(found.group(1)), code) if found else (1, 0, code)


def treaty_key(lookup: Lookup, treaty: str) -> tuple:
    code = lookup.series_codes.get(treaty)
    return series_key(code if code is not None else lookup.label(treaty))


def natural_key(text: str) -> tuple:
    """Sort "Article 10" after "Article 9"."""
    pieces = NUMBER.split(text)
    if len(pieces) == 1:  # no number: most labels (measured 0.8 against 1.4 µs a label)
        return (text.casefold(),)
    return tuple(int(piece) if piece.isdigit() else piece.casefold() for piece in pieces)
