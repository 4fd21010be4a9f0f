"""Downloads of the whole graph at stable addresses, and their DCAT description at /download/.

- /download/budapest-kg.nq      every named graph, as built (N-Quads)
- /download/budapest-kg.jsonld  every named graph, JSON-LD with the project's prefixes as context
- /download/budapest-kg.ttl     the union of the named graphs (Turtle has no graph names)

Each is also served under the build's version, /download/budapest-kg-<version>.nq (the name a
downloaded file keeps), so a file can be traced to the build it came from; the stable names always
give the build being served.

Files other than N-Quads are made from build/graph.nq on first request and kept in memory: the
build is read-only while the server runs. A server over a remote store (serve --remote) with no
build folder makes the N-Quads from the store, graph by graph.
"""

from __future__ import annotations

import threading

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCAT

from budapest_kg import resources

from .base import build_base
from .descriptions import DOWNLOADS, STEM, describe_downloads
from .errors import not_found
from .negotiation import GRAPH_FORMATS, choose_format
from .versions import SPDX, file_name, version

bp = Blueprint("exports", __name__)
_lock = threading.Lock()


def make_context() -> dict[str, str]:
    """The JSON-LD context: the project's prefixes, under the build's base."""
    return build_base().prefixes()


def make_file(suffix: str) -> bytes:
    """The download's bytes, made once per process from build/graph.nq."""
    cache = current_app.extensions.setdefault("bkg_downloads", {})
    if suffix in cache:
        return cache[suffix]
    with _lock:
        if "nq" not in cache:
            cache["nq"] = read_nquads()
        if suffix not in cache:
            cache[suffix] = convert(cache["nq"], suffix)
    return cache[suffix]


def read_nquads() -> bytes:
    """build/graph.nq; without one, every named graph of the engine (blank nodes kept apart per graph)."""
    source = current_app.extensions["bkg_config"].build_dir / resources.GRAPH_FILE
    if source.is_file():
        return source.read_bytes()
    engine = current_app.extensions["bkg_engine"]
    quads = []
    for name in engine.graph_names():
        answer = engine.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}", capped=False)
        for triple in ox.parse(answer.payload, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=True):
            quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, ox.NamedNode(name)))
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def convert(nquads: bytes, suffix: str) -> bytes:
    """The N-Quads as JSON-LD (every named graph) or Turtle (their union)."""
    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    if suffix == "jsonld":
        return dataset.serialize(format="json-ld", context=make_context(), encoding="utf-8")
    union = Graph()
    for prefix, namespace in make_context().items():
        union.bind(prefix, namespace, override=True)
    for graph in dataset.graphs():
        if graph.identifier != DATASET_DEFAULT_GRAPH_ID:
            for triple in graph:
                union.add(triple)
    return union.serialize(format="turtle", encoding="utf-8")


@bp.get(f"/download/{STEM}.<suffix>")
def send_download(suffix: str) -> Response:
    found = next((d for d in DOWNLOADS if d.suffix == suffix), None)
    if found is None:
        choices = ", ".join(f"{STEM}.{d.suffix}" for d in DOWNLOADS)
        raise not_found(f"no download {STEM}.{suffix}; available: {choices} (described at /download/)")
    response = Response(make_file(suffix), mimetype=found.media_type)
    if found.media_type.startswith("text/"):
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(STEM, suffix)}"'
    return response


@bp.get(f"/download/{STEM}-<wanted>.<suffix>")
def send_versioned_download(wanted: str, suffix: str) -> Response:
    """The download named with the build's version; 404 naming the served version for any other."""
    if not version() or wanted != version():
        served = f"version {version()}: /download/{file_name(STEM, suffix)}" if version() else "no versioned build"
        raise not_found(f"this server holds {served}; /download/{STEM}.{suffix} is always the served build")
    return send_download(suffix)


@bp.get("/download/")
def send_dcat() -> Response:
    fmt = choose_format(GRAPH_FORMATS, request.accept_mimetypes, request.args.get("format"))
    graph = describe_downloads(request.url_root)
    if fmt.name == "jsonld":
        body = graph.serialize(
            format="json-ld", context={**make_context(), "dcat": str(DCAT), "spdx": str(SPDX)}, encoding="utf-8"
        )
    elif fmt.name in ("nquads", "trig"):
        body = graph.serialize(format="nt", encoding="utf-8")  # one graph: N-Triples is valid N-Quads and TriG
    else:
        body = graph.serialize(format={"ntriples": "nt", "rdfxml": "xml"}.get(fmt.name, fmt.name), encoding="utf-8")
    response = Response(body, mimetype=fmt.media_type)
    response.vary.add("Accept")
    return response
