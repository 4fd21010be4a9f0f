"""What the endpoint says about itself: a SPARQL Service Description, VoID, and DCAT for the downloads.

All are computed from the engine (graph sizes, classes, outgoing links) and name things under the
build's recorded base, so they always describe the build that is being served.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Response, current_app, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID, XSD

from budapest_kg.void_statistics import CLASS_SIZES, outgoing_links

from .answer import compact_jsonld
from .base import build_base
from .negotiation import GRAPH_FORMATS, RESULT_FORMATS, choose_format
from .scratch_graph import release
from .versions import SPDX, describe_file, describe_version, file_name, version

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID_PATH = "/.well-known/void"
STEM = "budapest-kg"  # the downloads' file name
TITLE = "budapest-kg: the Convention on Cybercrime and its Protocols"

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
RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld"}
# A description is one graph: formats for datasets (N-Quads, TriG) are not offered (406 names these).
DESCRIPTION_FORMATS = tuple(fmt for fmt in GRAPH_FORMATS if fmt.name in RDFLIB_FORMATS)

GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@dataclass(frozen=True)
class Download:
    suffix: str
    media_type: str
    title: str


DOWNLOADS = (
    Download("nq", "application/n-quads", "The whole graph, every named graph (N-Quads)"),
    Download("jsonld", "application/ld+json", "The whole graph, every named graph (JSON-LD with a context)"),
    Download("ttl", "text/turtle", "The union of the named graphs (Turtle)"),
)


def describe_service() -> Graph:
    """The Service Description of /sparql (request.base_url)."""
    graph = new_graph()
    config = current_app.extensions["bkg_config"]
    # Blank nodes with fixed labels: the same description is the same bytes, so its ETag holds between
    # requests (fresh labels made every answer new to a cache).
    service = BNode("service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(request.base_url)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if config.allowlist:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    for fmt in RESULT_FORMATS + GRAPH_FORMATS:
        graph.add((service, SD.resultFormat, FORMAT_IRIS[fmt.name]))
    graph.add((service, RDFS.comment, Literal(describe_limits(config), lang="en")))
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, VOID.triples, Literal(len(current_app.extensions["bkg_engine"]), datatype=XSD.integer)))
    graph.add((dataset, RDFS.seeAlso, URIRef(request.url_root.rstrip("/") + VOID_PATH)))
    add_graphs(graph, dataset)
    return graph


def add_graphs(graph: Graph, dataset: BNode) -> None:
    """The default graph (the union) and each named graph with its size, in SD terms."""
    default = BNode("default-graph")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, RDFS.comment, Literal("the union of the named graphs", lang="en")))
    for number, (name, size) in enumerate(statistics()["graphs"].items(), start=1):
        named, described = BNode(f"named-graph-{number}"), BNode(f"graph-{number}")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(size, datatype=XSD.integer)))


def describe_limits(config) -> str:
    limits = f"read-only; answers larger than {config.max_result_bytes} bytes are refused with 413 (never truncated)"
    if config.time_limited:
        limits += f"; a query is stopped after {config.timeout:g} s (503)"
    if config.allowlist:
        return limits + "; SERVICE only to " + " ".join(f"<{iri}>" for iri in sorted(config.allowlist))
    return limits + "; SERVICE is refused (no endpoint is allow-listed)"


def describe_void() -> Graph:
    """VoID (at request.base_url): triples per named graph, classes and their sizes, links to other datasets."""
    graph = new_graph()
    stats = statistics()
    names = build_base()
    dataset = URIRef(request.base_url + "#dataset")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(request.url_root.rstrip("/") + "/sparql")))
    graph.add((dataset, VOID.uriSpace, Literal(str(names.id))))
    graph.add((dataset, VOID.vocabulary, URIRef(str(names.bkg))))
    graph.add((dataset, VOID.triples, Literal(sum(stats["graphs"].values()), datatype=XSD.integer)))
    describe_version(graph, dataset)
    # The downloads: VoID names each dump; their DCAT description comes along.
    catalogue = describe_downloads(request.url_root)
    graph.add((dataset, RDFS.seeAlso, names.dataset))
    for url in sorted(catalogue.objects(None, DCAT.downloadURL)):
        graph.add((dataset, VOID.dataDump, url))
    for triple in catalogue:
        graph.add(triple)
    release(catalogue)
    for name, size in stats["graphs"].items():
        subset = URIRef(request.base_url + "#graph-" + name.rstrip("/").rsplit("/", 1)[-1])
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, URIRef(name)))
        graph.add((subset, VOID.triples, Literal(size, datatype=XSD.integer)))
    add_class_partitions(graph, dataset, stats["classes"])
    add_linksets(graph, dataset, stats["links"])
    return graph


def add_class_partitions(graph: Graph, dataset: URIRef, classes: dict[str, int]) -> None:
    for cls, count in classes.items():
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(cls)))
        graph.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))


def add_linksets(graph: Graph, dataset: URIRef, links: dict) -> None:
    for (predicate, space), count in links.items():
        linkset, target = BNode(), BNode()
        graph.add((dataset, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, VOID.subjectsTarget, dataset))
        graph.add((linkset, VOID.objectsTarget, target))
        graph.add((linkset, VOID.linkPredicate, URIRef(predicate)))
        graph.add((linkset, VOID.triples, Literal(count, datatype=XSD.integer)))
        graph.add((target, RDF.type, VOID.Dataset))
        graph.add((target, VOID.uriSpace, Literal(space)))


def describe_downloads(root: str) -> Graph:
    """DCAT: the dataset and one distribution per download, with absolute addresses under root."""
    graph = new_graph()
    graph.bind("dcat", DCAT)
    dataset = build_base().dataset
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    manifest = current_app.extensions.get("bkg_manifest") or {}
    if manifest.get("built_at"):
        graph.add((dataset, DCTERMS.modified, Literal(manifest["built_at"], datatype=XSD.dateTime)))
    describe_version(graph, dataset)
    for d in DOWNLOADS:
        url = URIRef(f"{root}download/{STEM}.{d.suffix}")
        distribution = URIRef(f"{dataset}/distribution/{d.suffix}")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(d.title, lang="en")))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.accessURL, url))
        if version():  # the same file under the build's version: the name it keeps once downloaded
            graph.add((distribution, DCAT.downloadURL, URIRef(f"{root}download/{file_name(STEM, d.suffix)}")))
        describe_file(graph, distribution, d.suffix)
        media = URIRef(f"https://www.iana.org/assignments/media-types/{d.media_type}")
        graph.add((distribution, DCAT.mediaType, media))
        graph.add((distribution, DCTERMS["format"], Literal(d.media_type)))
    return graph


def statistics() -> dict:
    """Graph sizes, class sizes and link counts, asked of the engine once and kept with the app."""
    cached = current_app.extensions.get("bkg_statistics")
    if cached is not None:
        return cached
    engine = current_app.extensions["bkg_engine"]
    names = build_base()
    graphs = {row["g"]: int(row["n"]) for row in rows(engine, GRAPH_SIZES)}
    counted = (current_app.extensions.get("bkg_manifest") or {}).get("statistics")
    if counted:  # counted by the build (rdflib's engine takes seconds over the links query)
        classes = counted["classes"]
        links = {(predicate, space): n for predicate, space, n in counted["links"]}
    else:
        outgoing = outgoing_links(str(names.graph.ontology), str(RDF.type), str(names.base))
        classes = {row["c"]: int(row["n"]) for row in rows(engine, CLASS_SIZES) if "c" in row}
        links = {(row["p"], row["space"]): int(row["n"]) for row in rows(engine, outgoing)}
    cached = {
        "graphs": dict(sorted(graphs.items())),
        "classes": dict(sorted(classes.items())),
        "links": dict(sorted(links.items())),
    }
    current_app.extensions["bkg_statistics"] = cached
    return cached


def rows(engine, sparql: str) -> list[dict[str, str]]:
    data = json.loads(engine.query(sparql, capped=False).payload)  # the site's own query: no client limits
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def new_graph() -> Graph:
    """An empty graph with the project's prefixes (under the build's base) and the description vocabularies."""
    graph = Graph()
    for prefix, namespace in build_base().prefixes().items():
        graph.bind(prefix, namespace, override=True)
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", FORMATS)
    graph.bind("spdx", SPDX)
    return graph


def send(graph: Graph) -> Response:
    """The description in the RDF format the client asks for (Turtle by default)."""
    fmt = choose_format(DESCRIPTION_FORMATS, request.accept_mimetypes, request.args.get("format"))
    try:
        if fmt.name == "jsonld":
            body = compact_jsonld(graph, {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix})
        else:
            body = graph.serialize(format=RDFLIB_FORMATS[fmt.name], encoding="utf-8")
    finally:
        release(graph)
    response = Response(body, mimetype=fmt.media_type)
    response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
