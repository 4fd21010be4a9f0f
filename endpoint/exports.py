"""Downloads of the whole graph at stable addresses, and their DCAT description at /download/.

- /download/budapest-kg.nq      every named graph, as built (N-Quads)
- /download/budapest-kg.jsonld  every named graph, JSON-LD with the project's prefixes as context
- /download/budapest-kg.ttl     the union of the named graphs (Turtle has no graph names)

Each is also served under the build's version, /download/budapest-kg-<version>.nq (the name a
downloaded file keeps), so a file can be traced to the build it came from; the stable names always
give the build being served.

Files other than N-Quads are made from build/graph.nq on first request and kept in memory: the
build is read-only while the server runs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, request
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, XSD

from budapest_kg import resources
from budapest_kg.namespaces import BASE, PREFIXES, bind_prefixes

from .errors import not_found
from .negotiation import GRAPH_FORMATS, choose_format

bp = Blueprint("exports", __name__)
DATASET = URIRef(BASE + "dataset")
STEM = "budapest-kg"
# SPDX checksums, as DCAT 3 uses them for a distribution's file (https://www.w3.org/TR/vocab-dcat-3/#Property:distribution_checksum)
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; rdflib's DCAT namespace predates it


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
_lock = threading.Lock()


def context() -> dict[str, str]:
    """The JSON-LD context: the project's prefixes."""
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def make_file(suffix: str) -> bytes:
    """The download's bytes, made once per process from build/graph.nq."""
    cache = current_app.extensions.setdefault("bkg_downloads", {})
    if suffix in cache:
        return cache[suffix]
    source = current_app.extensions["bkg_config"].build_dir / resources.GRAPH_FILE
    with _lock:
        if suffix not in cache:
            if suffix == "nq":
                cache[suffix] = source.read_bytes()
            else:
                dataset = Dataset()
                dataset.parse(source, format="nquads")
                if suffix == "jsonld":
                    cache[suffix] = dataset.serialize(format="json-ld", context=context(), encoding="utf-8")
                else:
                    union = Graph()
                    bind_prefixes(union)
                    for graph in dataset.graphs():
                        if graph.identifier != DATASET_DEFAULT_GRAPH_ID:
                            for triple in graph:
                                union.add(triple)
                    cache[suffix] = union.serialize(format="turtle", encoding="utf-8")
    return cache[suffix]


def version() -> str:
    """The served build's version ('' for a build made before builds had versions)."""
    return str((current_app.extensions.get("bkg_manifest") or {}).get("version", ""))


def file_name(suffix: str) -> str:
    return f"{STEM}-{version()}.{suffix}" if version() else f"{STEM}.{suffix}"


@bp.get(f"/download/{STEM}.<suffix>")
def download(suffix: str) -> Response:
    found = next((d for d in DOWNLOADS if d.suffix == suffix), None)
    if found is None:
        choices = ", ".join(f"{STEM}.{d.suffix}" for d in DOWNLOADS)
        raise not_found(f"no download {STEM}.{suffix}; available: {choices} (described at /download/)")
    response = Response(make_file(suffix), mimetype=found.media_type)
    if found.media_type.startswith("text/"):
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(suffix)}"'
    return response


@bp.get(f"/download/{STEM}-<wanted>.<suffix>")
def download_version(wanted: str, suffix: str) -> Response:
    """The download named with the build's version; 404 naming the served version for any other."""
    if not version() or wanted != version():
        served = f"version {version()}: /download/{file_name(suffix)}" if version() else "no versioned build"
        raise not_found(f"this server holds {served}; /download/{STEM}.{suffix} is always the served build")
    return download(suffix)


def describe(root: str) -> Graph:
    """DCAT: the dataset and one distribution per download, with absolute addresses under root."""
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("dcat", DCAT)
    graph.add((DATASET, RDF.type, DCAT.Dataset))
    title = "budapest-kg: the Convention on Cybercrime and its protocols"
    graph.add((DATASET, DCTERMS.title, Literal(title, lang="en")))
    manifest = current_app.extensions.get("bkg_manifest") or {}
    if manifest.get("built_at"):
        graph.add((DATASET, DCTERMS.modified, Literal(manifest["built_at"], datatype=XSD.dateTime)))
        graph.add((DATASET, PROV.generatedAtTime, Literal(manifest["built_at"], datatype=XSD.dateTime)))
    describe_version(graph, manifest)
    for d in DOWNLOADS:
        url = URIRef(f"{root}download/{STEM}.{d.suffix}")
        distribution = URIRef(f"{BASE}dataset/distribution/{d.suffix}")
        graph.add((DATASET, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(d.title, lang="en")))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.accessURL, url))
        if version():
            graph.add((distribution, DCAT.downloadURL, URIRef(f"{root}download/{file_name(d.suffix)}")))
        if d.suffix == "nq" and manifest.get("content_hash"):
            graph.add((distribution, SPDX.checksum, checksum(graph, manifest["content_hash"])))
        graph.add(
            (distribution, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{d.media_type}"))
        )
        graph.add((distribution, DCTERMS["format"], Literal(d.media_type)))
    return graph


def checksum(graph: Graph, value: str) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, SPDX.Checksum))
    graph.add((node, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    graph.add((node, SPDX.checksumValue, Literal(value, datatype=XSD.hexBinary)))
    return node


def describe_version(graph: Graph, manifest: dict) -> None:
    """dcat:version, and the inputs it was built from with their hash (data/, ontology/, the checks)."""
    if manifest.get("version"):
        graph.add((DATASET, DCAT_VERSION, Literal(manifest["version"])))
    if manifest.get("input_hash"):
        inputs = BNode()
        graph.add((DATASET, PROV.wasDerivedFrom, inputs))
        graph.add((inputs, RDF.type, PROV.Entity))
        graph.add((inputs, RDFS.label, Literal("the build's inputs: data/, ontology/ and the checks", lang="en")))
        graph.add((inputs, SPDX.checksum, checksum(graph, manifest["input_hash"])))


@bp.get("/download/")
def catalogue() -> Response:
    fmt = choose_format(GRAPH_FORMATS, request.accept_mimetypes, request.args.get("format"))
    graph = describe(request.url_root)
    if fmt.name == "jsonld":
        body = graph.serialize(
            format="json-ld", context={**context(), "dcat": str(DCAT), "spdx": str(SPDX)}, encoding="utf-8"
        )
    elif fmt.name in ("nquads", "trig"):
        body = graph.serialize(format="nt", encoding="utf-8")  # one graph: N-Triples is valid N-Quads and TriG
    else:
        body = graph.serialize(format={"ntriples": "nt", "rdfxml": "xml"}.get(fmt.name, fmt.name), encoding="utf-8")
    response = Response(body, mimetype=fmt.media_type)
    response.vary.add("Accept")
    return response
