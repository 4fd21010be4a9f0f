"""Downloads of the whole graph at stable addresses, and their DCAT description at /download/.

- /download/budapest-kg.nq      every named graph, as built (N-Quads)
- /download/budapest-kg.jsonld  every named graph, JSON-LD with the project's prefixes as context
- /download/budapest-kg.ttl     the union of the named graphs (Turtle has no graph names)

Each is also served under the build's version, /download/budapest-kg-<version>.nq (the name a
downloaded file keeps), so a file can be traced to the build it came from; the stable names always
give the build being served.

The N-Quads are the build's file. The others are made from it on first request and written to a
folder of this process's own; a server over a remote store (serve --remote) with no build folder
writes the N-Quads there too, made from the store graph by graph. Each answer is read from its file:
no download is kept in memory between requests (their compressed forms go to the byte-bounded cache).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCAT

from budapest_kg import resources

from .base import build_base
from .descriptions import DOWNLOADS, STEM, describe_downloads
from .errors import not_found
from .negotiation import GRAPH_FORMATS, Format, choose_format
from .scratch_graph import release, scratch_graph
from .versions import SPDX, file_name, version

bp = Blueprint("exports", __name__)
_lock = threading.Lock()


def make_context() -> dict[str, str]:
    """The JSON-LD context: the project's prefixes, under the build's base."""
    return build_base().prefixes()


def make_file(suffix: str) -> Path:
    """The download's file: the build's N-Quads, or one made once per process."""
    source = current_app.extensions["bkg_config"].build_dir / resources.GRAPH_FILE
    if suffix == "nq" and source.is_file():
        return source
    made = current_app.extensions.setdefault("bkg_downloads", {})
    with _lock:
        if suffix not in made:
            if "folder" not in made:
                made["folder"] = Path(tempfile.mkdtemp(prefix="budapest-kg-downloads-"))
                atexit.register(shutil.rmtree, made["folder"], ignore_errors=True)
            target = made["folder"] / f"{STEM}.{suffix}"
            if source.is_file():
                nquads = source.read_bytes()
            else:
                nquads = made["nq"].read_bytes() if "nq" in made else read_nquads()
            target.write_bytes(nquads if suffix == "nq" else convert(nquads, suffix))
            made[suffix] = target
    return made[suffix]


def read_nquads() -> bytes:
    """Every named graph of the engine as N-Quads (blank nodes kept apart per graph)."""
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
    try:
        dataset.parse(data=nquads, format="nquads")
        if suffix == "jsonld":
            return dataset.serialize(format="json-ld", context=make_context(), encoding="utf-8")
        with scratch_graph() as union:
            for prefix, namespace in make_context().items():
                union.bind(prefix, namespace, override=True)
            for graph in dataset.graphs():
                if graph.identifier != DATASET_DEFAULT_GRAPH_ID:
                    for triple in graph:
                        union.add(triple)
            return union.serialize(format="turtle", encoding="utf-8")
    finally:
        release(dataset)


@bp.get(f"/download/{STEM}.<suffix>")
def send_download(suffix: str) -> Response:
    found = next((d for d in DOWNLOADS if d.suffix == suffix), None)
    if found is None:
        choices = ", ".join(f"{STEM}.{d.suffix}" for d in DOWNLOADS)
        raise not_found(f"no download {STEM}.{suffix}; available: {choices} (described at /download/)")
    response = Response(make_file(suffix).read_bytes(), mimetype=found.media_type)
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
    try:
        body = serialize_dcat(graph, fmt)
    finally:
        release(graph)
    response = Response(body, mimetype=fmt.media_type)
    response.vary.add("Accept")
    return response


def serialize_dcat(graph: Graph, fmt: Format) -> bytes:
    if fmt.name == "jsonld":
        return graph.serialize(
            format="json-ld", context={**make_context(), "dcat": str(DCAT), "spdx": str(SPDX)}, encoding="utf-8"
        )
    if fmt.name in ("nquads", "trig"):
        return graph.serialize(format="nt", encoding="utf-8")  # one graph: N-Triples is valid N-Quads and TriG
    return graph.serialize(format={"ntriples": "nt", "rdfxml": "xml"}.get(fmt.name, fmt.name), encoding="utf-8")
