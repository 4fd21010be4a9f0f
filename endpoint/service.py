"""What the endpoint says about itself: a SPARQL Service Description and a VoID description.

Both are computed once per application from the engine (graph sizes, classes, outgoing links), so
they always describe the build that is being served.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, VOID, XSD

from budapest_kg.namespaces import BASE, BKG, ID, ONTOLOGY_GRAPH, bind_prefixes

from . import exports
from .exports import DCAT_VERSION
from .negotiation import GRAPH_FORMATS, RESULT_FORMATS, choose_format

bp = Blueprint("service", __name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID_PATH = "/.well-known/void"

# The W3C format IRIs (https://www.w3.org/ns/formats/) of what negotiation.py can produce.
FORMAT_IRIS = {
    "json": FORMATS.SPARQL_Results_JSON,
    "xml": FORMATS.SPARQL_Results_XML,
    "csv": FORMATS.SPARQL_Results_CSV,
    "tsv": FORMATS.SPARQL_Results_TSV,
    "turtle": FORMATS.Turtle,
    "ntriples": FORMATS["N-Triples"],
    "rdfxml": FORMATS.RDF_XML,
    "jsonld": FORMATS["JSON-LD"],
    "nquads": FORMATS["N-Quads"],
    "trig": FORMATS.TriG,
}
RDFLIB_FORMATS = {
    "turtle": "turtle",
    "ntriples": "nt",
    "rdfxml": "xml",
    "jsonld": "json-ld",
    "nquads": "nquads",
    "trig": "trig",
}

GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
CLASS_SIZES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
# Links: IRIs outside this dataset used as objects in the data (not the ontology, not rdf:type),
# counted per predicate and target site (scheme and host), so the answer stays small as links grow.
OUTGOING = f"""
SELECT ?p ?space (COUNT(*) AS ?n) WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(?g != <{ONTOLOGY_GRAPH}> && ?p != <{RDF.type}> && isIRI(?o) && !STRSTARTS(STR(?o), "{BASE}"))
  BIND(REPLACE(STR(?o), "^([a-z][a-z0-9+.-]*://[^/?#]*).*$", "$1/", "i") AS ?space)
}}
GROUP BY ?p ?space"""


def describe_service() -> Response:
    """The Service Description of /sparql, in the RDF format the client asks for (Turtle by default)."""
    graph = Graph()
    bind(graph)
    config = current_app.extensions["bkg_config"]
    endpoint = URIRef(request.base_url)
    service = BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if config.allowlist:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    for fmt in RESULT_FORMATS + GRAPH_FORMATS:
        graph.add((service, SD.resultFormat, FORMAT_IRIS[fmt.name]))
    limits = f"read-only; answers larger than {config.max_result_bytes} bytes are refused with 413 (never truncated)"
    if config.workers > 0:
        limits += f"; a query is stopped after {config.timeout:g} s (503)"
    if config.allowlist:
        limits += "; SERVICE only to " + " ".join(f"<{iri}>" for iri in sorted(config.allowlist))
    else:
        limits += "; SERVICE is refused (no endpoint is allow-listed)"
    graph.add((service, RDFS.comment, Literal(limits, lang="en")))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, VOID.triples, Literal(len(current_app.extensions["bkg_engine"]), datatype=XSD.integer)))
    graph.add((dataset, RDFS.seeAlso, URIRef(request.url_root.rstrip("/") + VOID_PATH)))
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, RDFS.comment, Literal("the union of the named graphs", lang="en")))
    for name, size in statistics()["graphs"].items():
        named, described = BNode(), BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(size, datatype=XSD.integer)))
    return send(graph)


@bp.get(VOID_PATH)
def void() -> Response:
    """VoID: triples per named graph, classes with their number of instances, links to other datasets."""
    graph = Graph()
    bind(graph)
    stats = statistics()
    dataset = URIRef(request.base_url + "#dataset")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add(
        (dataset, DCTERMS.title, Literal("budapest-kg: the Convention on Cybercrime and its Protocols", lang="en"))
    )
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(request.url_root.rstrip("/") + "/sparql")))
    graph.add((dataset, VOID.uriSpace, Literal(str(ID))))
    graph.add((dataset, VOID.vocabulary, URIRef(str(BKG))))
    graph.add((dataset, VOID.triples, Literal(sum(stats["graphs"].values()), datatype=XSD.integer)))
    manifest = current_app.extensions.get("bkg_manifest") or {}
    if manifest.get("version"):
        graph.add((dataset, DCAT_VERSION, Literal(manifest["version"])))
    if manifest.get("built_at"):
        graph.add((dataset, PROV.generatedAtTime, Literal(manifest["built_at"], datatype=XSD.dateTime)))
    # The downloads: VoID names each dump; their DCAT description (endpoint/exports.py) comes along.
    catalogue = exports.describe(request.url_root)
    graph.add((dataset, RDFS.seeAlso, exports.DATASET))
    for url in sorted(catalogue.objects(None, DCAT.downloadURL)):
        graph.add((dataset, VOID.dataDump, url))
    for triple in catalogue:
        graph.add(triple)
    for name, size in stats["graphs"].items():
        subset = URIRef(request.base_url + "#graph-" + name.rstrip("/").rsplit("/", 1)[-1])
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, URIRef(name)))
        graph.add((subset, VOID.triples, Literal(size, datatype=XSD.integer)))
    for cls, count in stats["classes"].items():
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(cls)))
        graph.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
    for (predicate, space), count in stats["links"].items():
        linkset, target = BNode(), BNode()
        graph.add((dataset, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, VOID.subjectsTarget, dataset))
        graph.add((linkset, VOID.objectsTarget, target))
        graph.add((linkset, VOID.linkPredicate, URIRef(predicate)))
        graph.add((linkset, VOID.triples, Literal(count, datatype=XSD.integer)))
        graph.add((target, RDF.type, VOID.Dataset))
        graph.add((target, VOID.uriSpace, Literal(space)))
    return send(graph)


def statistics() -> dict:
    """Graph sizes, class sizes and link counts, asked of the engine once and kept with the app."""
    cached = current_app.extensions.get("bkg_statistics")
    if cached is not None:
        return cached
    engine = current_app.extensions["bkg_engine"]
    graphs = {row["g"]: int(row["n"]) for row in rows(engine, GRAPH_SIZES)}
    classes = {row["c"]: int(row["n"]) for row in rows(engine, CLASS_SIZES) if "c" in row}
    links = {(row["p"], row["space"]): int(row["n"]) for row in rows(engine, OUTGOING)}
    cached = {
        "graphs": dict(sorted(graphs.items())),
        "classes": dict(sorted(classes.items())),
        "links": dict(sorted(links.items())),
    }
    current_app.extensions["bkg_statistics"] = cached
    return cached


def rows(engine, sparql: str) -> list[dict[str, str]]:
    data = json.loads(engine.query(sparql).payload)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def bind(graph: Graph) -> None:
    bind_prefixes(graph)
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", FORMATS)


def send(graph: Graph) -> Response:
    fmt = choose_format(GRAPH_FORMATS, request.accept_mimetypes, request.args.get("format"))
    body = graph.serialize(format=RDFLIB_FORMATS[fmt.name], encoding="utf-8")
    response = Response(body, mimetype=fmt.media_type)
    response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
