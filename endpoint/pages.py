"""Pages for people: home, treaty, State, article and generic resource pages, read from the graph.

Every page is rendered on the server from Jinja templates and reads without JavaScript. Links go to
the local page of each resource; labels stand in for IRIs.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import Markup, escape
from rdflib import Graph, Literal, URIRef

from . import catalogue, charts, sparql
from .errors import HttpError, not_found
from .lookup import OWL, RDF_TYPE, SAFE_IRI, Lookup, Node, current_lookup, read_rows
from .negotiation import GRAPH_FORMATS, RESULT_FORMATS

bp = Blueprint("pages", __name__)


@bp.record_once
def read_labels_at_start(state) -> None:
    """Read labels, the class hierarchy and the terms in use when the app is made, not on the first visit."""
    with state.app.app_context():
        current_lookup().preload()


ELI = "http://data.europa.eu/eli/ontology#"
LINK_PREDICATES = (
    "http://www.w3.org/2004/02/skos/core#exactMatch",
    "http://www.w3.org/2004/02/skos/core#closeMatch",
    "http://www.w3.org/2000/01/rdf-schema#seeAlso",
    OWL + "sameAs",
)
LINK_KINDS = (
    ("wikidata.org", "Wikidata"),
    ("publications.europa.eu", "EU authority table"),
    ("dbpedia.org", "DBpedia"),
    ("geonames.org", "GeoNames"),
    ("coe.int", "Council of Europe"),
    ("europa.eu", "EUR-Lex / ELI"),
)
PARTY_COLUMNS = {
    "name": ("State", lambda p: p.name.casefold()),
    "iso3": ("ISO code", lambda p: p.iso3),
    "kind": ("Kind of consent", lambda p: p.kind),
    "consent": ("Consent deposited", lambda p: p.consent_date or "9999"),
    "in_force": ("In force from", lambda p: p.in_force or "9999"),
    "member": ("Council of Europe member", lambda p: not p.member),
}
INCOMING_LIMIT = 200
WEB_LINK = re.compile(r"^https?://\S+$")
NTRIPLES = next(fmt for fmt in GRAPH_FORMATS if fmt.name == "ntriples")


@bp.app_template_filter("node")
def render_node(node: Node | None) -> Markup:
    """An RDF term as HTML: a labelled link for an IRI, the text (with its language) for a literal."""
    if node is None:
        return Markup("")
    lookup = current_lookup()
    if node.is_iri:
        return link(lookup, node.value)
    if node.kind == "bnode":
        return Markup('<span class="muted">(anonymous node)</span>')
    text = escape(node.value)
    if WEB_LINK.match(node.value):
        return Markup(f'<a href="{text}">{text}</a>')
    if node.lang:
        lang = escape(node.lang)
        return Markup(f'<span lang="{lang}">{text}</span> <span class="lang">({lang})</span>')
    return text


def link(lookup: Lookup, iri: str, text: str | None = None) -> Markup:
    """A link to the IRI's local page; an IRI that is not a web address is shown, not linked."""
    label = escape(text or lookup.label(iri))
    target = lookup.href(iri)
    if not (target.startswith("/") or WEB_LINK.match(target)):
        return Markup(f'<span title="{escape(iri)}">{label}</span>')
    return Markup(f'<a href="{escape(target)}" title="{escape(iri)}">{label}</a>')


@bp.app_template_global("href")
def href(iri: str) -> str:
    return current_lookup().href(iri)


@bp.app_template_global("label")
def label(iri: str) -> str:
    return current_lookup().label(iri)


@bp.get("/")
def home() -> str:
    lookup = current_lookup()
    manifest = current_app.extensions.get("bkg_manifest", {})
    description = lookup.select(f"SELECT ?d WHERE {{ <{lookup.base}ontology> dcterms:description ?d }}")
    return render_template(
        "home.html",
        description=description[0]["d"].value if description else "",
        treaties=read_treaty_summaries(lookup),
        states=read_states(lookup),
        built_at=manifest.get("built_at", ""),
        triples=len(lookup.engine),
    )


# --- home -------------------------------------------------------------------------------------


@dataclass
class TreatySummary:
    iri: str
    name: str
    code: str
    parties: set[str] = field(default_factory=set)
    contracting: set[str] = field(default_factory=set)
    signatories: set[str] = field(default_factory=set)
    last_change: str = ""

    @property
    def signatories_only(self) -> int:
        return len(self.signatories - self.contracting)

    @property
    def contracting_not_party(self) -> int:
        return len(self.contracting - self.parties)


def read_treaty_summaries(lookup: Lookup) -> list[TreatySummary]:
    treaties = {
        row["t"].value: TreatySummary(row["t"].value, lookup.label(row["t"].value), row["code"].value)
        for row in lookup.select("SELECT ?t ?code WHERE { ?t a bkg:Treaty ; bkg:seriesNumber ?code }")
    }
    links = lookup.select(
        "SELECT ?s ?p ?t WHERE { VALUES ?p { bkg:isPartyTo bkg:isContractingStateOf bkg:isSignatoryOf } ?s ?p ?t }"
    )
    for row in links:
        summary = treaties.get(row["t"].value)
        if summary is None:
            continue
        bucket = {"isPartyTo": summary.parties, "isContractingStateOf": summary.contracting}.get(
            row["p"].value.rsplit("#", 1)[-1], summary.signatories
        )
        bucket.add(row["s"].value)
    for row in lookup.select("SELECT ?t (MAX(STR(?d)) AS ?last) WHERE { ?e bkg:treaty ?t ; bkg:date ?d } GROUP BY ?t"):
        if row["t"].value in treaties and "last" in row:
            treaties[row["t"].value].last_change = row["last"].value
    return sorted(treaties.values(), key=lambda t: series_key(t.code))


def read_states(lookup: Lookup) -> list[dict]:
    rows = lookup.select(
        "SELECT ?s ?iso (COUNT(DISTINCT ?t) AS ?n) WHERE { ?s a bkg:State . OPTIONAL { ?s bkg:iso3166Alpha3 ?iso }"
        " OPTIONAL { ?s bkg:isPartyTo ?t } } GROUP BY ?s ?iso"
    )
    states = [
        {
            "iri": r["s"].value,
            "name": lookup.label(r["s"].value),
            "iso3": r.get("iso", ""),
            "parties": int(r["n"].value),
        }
        for r in rows
    ]
    return sorted(states, key=lambda s: s["name"].casefold())


# --- resource pages ---------------------------------------------------------------------------


def render_resource(iri: str) -> str:
    """The HTML page for a resource, chosen by its type."""
    lookup = current_lookup()
    base = common(lookup, iri)
    types = base["all_types"]
    if lookup.vocab + "Treaty" in types:
        return treaty_page(lookup, iri, base)
    if lookup.vocab + "State" in types:
        return state_page(lookup, iri, base)
    if lookup.vocab + "Article" in types or ELI + "LegalResourceSubdivision" in types:
        return article_page(lookup, iri, base)
    return render_template("resource.html", **base)


def render_graph(iri: str, size: int) -> str:
    """The page of a named graph: what it holds and how to download it."""
    return render_template(
        "graph.html", iri=iri, title=iri.rsplit("/", 1)[-1], size=size, others=current_lookup().engine.graph_names()
    )


def common(lookup: Lookup, iri: str) -> dict:
    """What every resource page shows: label, IRI, types, statements both ways and provenance."""
    prov_graph = lookup.base + "graph/provenance"
    outgoing, provenance, seen = [], [], set()
    for row in lookup.select(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}"):
        statement = (row["p"], row["o"])
        if row["g"].value == prov_graph:
            provenance.append(statement)
        elif statement not in seen and not noise(iri, row["p"].value, row["o"]):
            seen.add(statement)
            outgoing.append(statement)
    outgoing.sort(key=lambda po: (lookup.label(po[0].value).casefold(), label_of(lookup, po[1]).casefold()))
    incoming = [
        (r["s"], r["p"])
        for r in lookup.select(
            f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> FILTER(?s != <{iri}>) }} ORDER BY ?p ?s"
            f" LIMIT {INCOMING_LIMIT + 1}"
        )
    ]
    types = {o.value for p, o in outgoing if p.value == RDF_TYPE and o.is_iri}
    definition = [o for p, o in outgoing if p.value.endswith(("#definition", "/description", "#comment"))]
    return {
        "iri": iri,
        "title": lookup.label(iri),
        "all_types": types,
        "types": lookup.most_specific(types),
        "definition": definition,
        "outgoing": outgoing,
        "incoming": incoming[:INCOMING_LIMIT],
        "incoming_more": len(incoming) > INCOMING_LIMIT,
        "provenance": provenance,
        "formats": [("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf")],
    }


def noise(iri: str, predicate: str, obj: Node) -> bool:
    """The reasoner's bookkeeping a reader does not need: self-sameAs and owl:Thing."""
    if predicate == OWL + "sameAs" and obj.value == iri:
        return True
    return predicate == RDF_TYPE and obj.value == OWL + "Thing"


def label_of(lookup: Lookup, node: Node) -> str:
    return lookup.label(node.value) if node.is_iri else node.value


# --- treaty -----------------------------------------------------------------------------------


@dataclass
class PartyRow:
    iri: str
    name: str
    iso3: str
    kind: str = ""
    consent_date: str = ""
    in_force: str = ""
    signed: str = ""
    member: bool = False
    is_party: bool = False


def treaty_page(lookup: Lookup, iri: str, base: dict) -> str:
    rows = read_contracting_states(lookup, iri)
    parties = [row for row in rows if row.is_party]
    sort, descending = sort_order(request.args.get("sort"), request.args.get("order"))
    parties.sort(key=PARTY_COLUMNS[sort][1], reverse=descending)
    contracting = {row.iri for row in rows}
    signed = lookup.select(
        f"SELECT ?s ?d WHERE {{ ?sig bkg:signatory ?s ; bkg:treaty <{iri}> OPTIONAL {{ ?sig bkg:date ?d }} }}"
    )
    events = lookup.select(
        f"SELECT ?e ?k ?d ?place WHERE {{ ?e a bkg:TreatyLevelEvent ; bkg:treaty <{iri}> ; a ?k ."
        " ?k rdfs:subClassOf bkg:TreatyLevelEvent FILTER(?k != bkg:TreatyLevelEvent)"
        " OPTIONAL { ?e bkg:date ?d } OPTIONAL { ?e bkg:place ?place } }"
        " ORDER BY ?d"
    )
    return render_template(
        "treaty.html",
        **base,
        events=events,
        parties=parties,
        pending=[row for row in rows if not row.is_party],
        signatories=sorted(
            ({"iri": r["s"].value, "date": r.get("d", "")} for r in signed if r["s"].value not in contracting),
            key=lambda s: lookup.label(s["iri"]).casefold(),
        ),
        columns=PARTY_COLUMNS,
        sort=sort,
        descending=descending,
        chart=charts.parties_over_time(parties),
        links=external_links(lookup, base),
        chart_url=f"/charts/parties/{lookup.href(iri).strip('/')}.svg",
        parts=read_parts(lookup, iri),
    )


@bp.get("/charts/parties/<path:rest>.svg")
def parties_chart(rest: str) -> Response:
    """The Parties-over-time chart of a treaty; drawn once per treaty, the graph does not change."""
    lookup = current_lookup()
    iri = lookup.base + rest
    if not SAFE_IRI.match(iri) or not lookup.ask(f"ASK {{ <{iri}> a bkg:Treaty }}"):
        raise not_found(f"no treaty <{iri}> in this graph")
    cache = current_app.extensions.setdefault("bkg_charts", {})
    if iri not in cache:
        parties = [row for row in read_contracting_states(lookup, iri) if row.is_party]
        cache[iri] = charts.render_svg(charts.parties_over_time(parties), lookup.label(iri))
    return Response(cache[iri], mimetype="image/svg+xml")


def sort_order(sort: str | None, order: str | None) -> tuple[str, bool]:
    return (sort if sort in PARTY_COLUMNS else "in_force"), order == "desc"


def read_contracting_states(lookup: Lookup, treaty: str) -> list[PartyRow]:
    """Every State that consented to the treaty, with its consent, entry into force and signature.

    Several small queries rather than one with many OPTIONALs: rdflib's engine takes seconds on that.
    """
    t = f"<{treaty}>"
    by_state: dict[str, PartyRow] = {}
    for row in lookup.select(
        f"SELECT ?s ?iso ?member WHERE {{ ?s bkg:isContractingStateOf {t} OPTIONAL {{ ?s bkg:iso3166Alpha3 ?iso }}"
        " OPTIONAL { ?s bkg:isCouncilOfEuropeMember ?member } }"
    ):
        iri = row["s"].value
        party = by_state.setdefault(iri, PartyRow(iri, lookup.label(iri), str(row.get("iso", ""))))
        party.member = party.member or str(row.get("member", "")) in ("true", "1")
    for row in lookup.select(f"SELECT ?s WHERE {{ ?s bkg:isPartyTo {t} }}"):
        if row["s"].value in by_state:
            by_state[row["s"].value].is_party = True
    kinds: dict[str, set[str]] = defaultdict(set)
    consent = lookup.vocab + "ConsentToBeBound"
    for row in lookup.select(
        f"SELECT ?s ?kind ?d WHERE {{ ?c bkg:consentingState ?s ; bkg:treaty {t} ; a ?kind"
        " OPTIONAL { ?c bkg:date ?d } }"
    ):
        party = by_state.get(row["s"].value)
        if party is None:
            continue
        party.consent_date = party.consent_date or str(row.get("d", ""))
        kind = row["kind"].value
        if kind == consent or consent in lookup.superclasses.get(kind, ()):
            kinds[party.iri].add(kind)
    for link, attribute in (("boundState", "in_force"), ("signatory", "signed")):
        for row in lookup.select(f"SELECT ?s ?d WHERE {{ ?e bkg:{link} ?s ; bkg:treaty {t} ; bkg:date ?d }}"):
            party = by_state.get(row["s"].value)
            if party is not None and not getattr(party, attribute):
                setattr(party, attribute, row["d"].value)
    for iri, party in by_state.items():
        specific = lookup.most_specific(kinds[iri])
        party.kind = lookup.label(specific[0]) if specific else ""
    return list(by_state.values())


def read_parts(lookup: Lookup, whole: str) -> list[dict]:
    """The article structure under a treaty or article, as a tree of {iri, label, children}."""
    if ELI + "is_part_of" not in lookup.in_use:
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
    """Treaties in the order of the series (ETS 185, ETS 189, CETS 224): by number, not by letters."""
    digits = re.findall(r"\d+", code)
    return (int(digits[-1]) if digits else 0, code)


def treaty_key(lookup: Lookup, treaty: str) -> tuple:
    codes = lookup.select(f"SELECT ?code WHERE {{ <{treaty}> bkg:seriesNumber ?code }}")
    return series_key(codes[0]["code"].value if codes else lookup.label(treaty))


def natural_key(text: str) -> tuple:
    """Sort "Article 10" after "Article 9"."""
    return tuple(int(piece) if piece.isdigit() else piece.casefold() for piece in re.split(r"(\d+)", text))


# --- State ------------------------------------------------------------------------------------


def state_page(lookup: Lookup, iri: str, base: dict) -> str:
    categories = sorted(
        (t for t in base["all_types"] if t.startswith(lookup.vocab) and t != lookup.vocab + "State"),
        key=lambda t: lookup.label(t).casefold(),
    )
    membership = lookup.select(
        f"SELECT ?m ?start ?end WHERE {{ ?m org:member <{iri}> ; a bkg:CouncilOfEuropeMembership ."
        " OPTIONAL { ?m bkg:startDate ?start } OPTIONAL { ?m bkg:endDate ?end } }"
    )
    obligations = lookup.vocab + "Obligation" in lookup.in_use and lookup.select(
        # Who bears an obligation is inferred (bkg:bearsObligation), so a direct link is enough.
        f"SELECT DISTINCT ?ob ?t WHERE {{ {{ <{iri}> ?p ?ob }} UNION {{ ?ob ?p <{iri}> }} ?ob a bkg:Obligation"
        " OPTIONAL { ?t bkg:imposesObligation ?ob } }"
    )
    return render_template(
        "state.html",
        **base,
        categories=categories,
        membership=membership,
        acts=read_acts(lookup, iri),
        links=external_links(lookup, base),
        obligations=obligations,
    )


def external_links(lookup: Lookup, base: dict) -> list[dict]:
    """The resource's links to other datasets (Wikidata, the EU authority tables, DBpedia, ...)."""
    links = [
        {"kind": link_kind(o.value), "iri": o.value, "via": lookup.label(p.value)}
        for p, o in base["outgoing"]
        if p.value in LINK_PREDICATES and o.is_iri and not lookup.is_local(o.value)
    ]
    return sorted(links, key=lambda x: (x["kind"], x["iri"]))


def link_kind(iri: str) -> str:
    host = iri.split("/")[2] if iri.count("/") >= 2 else iri
    for needle, name in LINK_KINDS:
        if host.endswith(needle):
            return name
    return host


def read_acts(lookup: Lookup, state: str) -> list[dict]:
    """The State's acts, grouped by treaty, each group in date order: a timeline per treaty."""
    prov_graph = lookup.base + "graph/provenance"
    rows = lookup.select(
        f"SELECT ?e ?t ?k ?d ?status WHERE {{ ?e bkg:actor <{state}> ; bkg:treaty ?t ; a ?k FILTER(isIRI(?k))"
        f" OPTIONAL {{ ?e bkg:date ?d }} OPTIONAL {{ GRAPH <{prov_graph}> {{ ?e bkg:verificationStatus ?status }} }} }}"
    )
    events: dict[str, dict] = {}
    kinds: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        event = events.setdefault(
            row["e"].value,
            {"iri": row["e"].value, "treaty": row["t"].value, "date": str(row.get("d", "")), "status": None},
        )
        if "status" in row:
            event["status"] = row["status"].value
        kinds[row["e"].value].add(row["k"].value)
    groups: dict[str, list[dict]] = defaultdict(list)
    for iri, event in events.items():
        specific = [k for k in lookup.most_specific(kinds[iri]) if k.startswith(lookup.vocab)]
        event["kind"] = lookup.label(specific[0]) if specific else lookup.label(iri)
        groups[event["treaty"]].append(event)
    return [
        {"treaty": treaty, "events": sorted(items, key=lambda e: e["date"] or "9999")}
        for treaty, items in sorted(groups.items(), key=lambda kv: treaty_key(lookup, kv[0]))
    ]


# --- article ----------------------------------------------------------------------------------


def article_page(lookup: Lookup, iri: str, base: dict) -> str:
    ancestors = lookup.select(
        f"SELECT ?a (COUNT(?mid) AS ?depth) WHERE {{ <{iri}> eli:is_part_of+ ?a . ?a eli:is_part_of* ?mid }}"
        " GROUP BY ?a"
    )
    # Norms and clauses point at the article (or it at them); reservations made point at a clause.
    linked = (
        "SELECT DISTINCT ?x WHERE {{ ?x a ?c VALUES ?c {{ {classes} }} {{ ?x ?p <{iri}> }} UNION {{ <{iri}> ?p ?x }} }}"
    )
    obligations = lookup.select(linked.format(classes="bkg:Obligation bkg:Permission", iri=iri))
    clauses = lookup.select(linked.format(classes="bkg:ReservationClause", iri=iri))
    reservations = lookup.select(
        f"SELECT DISTINCT ?x WHERE {{ ?x a bkg:Reservation {{ ?x ?p <{iri}> }} UNION"
        f" {{ ?x bkg:underClause ?clause . {{ ?clause ?q <{iri}> }} UNION {{ <{iri}> ?q ?clause }} }} }}"
    )
    return render_template(
        "article.html",
        **base,
        # The outermost whole first: it is part of the fewest things.
        ancestors=[r["a"].value for r in sorted(ancestors, key=lambda r: int(r["depth"].value))],
        parts=read_parts(lookup, iri),
        text=[(p, o) for p, o in base["outgoing"] if o.kind == "literal"],
        obligations=[describe(lookup, r["x"].value) for r in obligations],
        reservations=[describe(lookup, r["x"].value) for r in reservations],
        clauses=[describe(lookup, r["x"].value) for r in clauses],
        reservation_rules=[(p, o) for p, o in base["outgoing"] if "eservation" in p.value],
    )


def describe(lookup: Lookup, iri: str) -> dict:
    """A linked resource with its own statements, to show inline."""
    rows = lookup.select(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}")
    statements = [(r["p"], r["o"]) for r in rows if not noise(iri, r["p"].value, r["o"])]
    statements.sort(key=lambda po: (lookup.label(po[0].value).casefold(), label_of(lookup, po[1]).casefold()))
    return {"iri": iri, "statements": statements}


# --- query page -------------------------------------------------------------------------------


@bp.route("/query", methods=["GET", "POST"])
def query_page():
    """The editor: a catalogue query (its parameters at their defaults) or the visitor's own, run here."""
    examples = sorted(catalogue.catalogue().values(), key=lambda q: q.summary.casefold())
    chosen = catalogue.catalogue().get(request.values.get("example", ""))
    text = request.values.get("query", "")
    if not text and chosen:
        text = chosen.bind({}, catalogue.known_states())
    result, error, status = None, "", 200
    if text.strip() and (request.values.get("run") or chosen):
        try:
            result = run_query(current_lookup(), text)
        except HttpError as exc:  # malformed, refused, too slow or too large: said in the page
            error, status = exc.detail, exc.status
    downloads = []
    if result is not None:
        formats = GRAPH_FORMATS if result["kind"] == "graph" else RESULT_FORMATS
        downloads = [(fmt.name, "/sparql?" + urlencode({"query": text, "format": fmt.name})) for fmt in formats]
    page = render_template(
        "query.html", catalogue=examples, chosen=chosen, text=text, result=result, error=error, downloads=downloads
    )
    return page, status


def run_query(lookup: Lookup, text: str) -> dict:
    """Run any query for the page: a table of rows, a yes/no, or a table of triples."""
    # The SPARQL view's runner: the same refusals and limits as /sparql, as HTTP errors.
    answer = sparql.run(text, None, None)
    if answer.kind == "graph":
        graph = Graph().parse(data=answer.serialize(NTRIPLES).decode("utf-8"), format="nt")
        rows = [{"subject": as_node(s), "predicate": as_node(p), "object": as_node(o)} for s, p, o in sorted(graph)]
        return {"kind": "graph", "columns": ["subject", "predicate", "object"], "rows": rows}
    json_bytes = answer.serialize(RESULT_FORMATS[0])
    document = json.loads(json_bytes)
    if answer.kind == "boolean":
        return {"kind": "boolean", "value": bool(document.get("boolean"))}
    return {"kind": "bindings", "columns": document["head"].get("vars", []), "rows": read_rows(json_bytes)}


def as_node(term) -> Node:
    if isinstance(term, URIRef):
        return Node(str(term), "uri")
    if isinstance(term, Literal):
        return Node(str(term), "literal", term.language or "", str(term.datatype or ""))
    return Node(str(term), "bnode")
