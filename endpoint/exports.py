"""Downloads of the whole graph at stable addresses, and their DCAT description at /download/.

- /download/budapest-kg.nq      every named graph, as built (N-Quads)
- /download/budapest-kg.jsonld  every named graph, JSON-LD with the project's prefixes as context
- /download/budapest-kg.ttl     the union of the named graphs (Turtle has no graph names)

The N-Quads file is sent from the build as it is. The others are made from it on first request and
written to a folder of this process's own, then sent from there: no download is held in memory.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_file
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCAT

from budapest_kg import resources

from .base import build_base
from .descriptions import DOWNLOADS, STEM, describe_downloads
from .errors import not_found
from .negotiation import GRAPH_FORMATS, choose_format

bp = Blueprint("exports", __name__)
_lock = threading.Lock()


def make_context() -> dict[str, str]:
    """The JSON-LD context: the project's prefixes, under the build's base."""
    return build_base().prefixes()


def make_file(suffix: str) -> Path:
    """The download's file: the build's N-Quads, or a conversion made once per process from them."""
    source = (current_app.extensions["bkg_config"].build_dir / resources.GRAPH_FILE).resolve()
    if suffix == "nq":
        return source
    made = current_app.extensions.setdefault("bkg_downloads", {})
    with _lock:
        if suffix not in made:
            folder = Path(tempfile.mkdtemp(prefix="budapest-kg-downloads-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            target = folder / f"{STEM}.{suffix}"
            target.write_bytes(convert(source, suffix))
            made[suffix] = target
    return made[suffix]


def convert(source, suffix: str) -> bytes:
    """The N-Quads build as JSON-LD (every named graph) or Turtle (their union)."""
    dataset = Dataset()
    dataset.parse(source, format="nquads")
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
    # send_file streams the file (and adds charset=utf-8 to text/* types).
    return send_file(make_file(suffix), mimetype=found.media_type, as_attachment=True, download_name=f"{STEM}.{suffix}")


@bp.get("/download/")
def send_dcat() -> Response:
    fmt = choose_format(GRAPH_FORMATS, request.accept_mimetypes, request.args.get("format"))
    graph = describe_downloads(request.url_root)
    if fmt.name == "jsonld":
        body = graph.serialize(format="json-ld", context={**make_context(), "dcat": str(DCAT)}, encoding="utf-8")
    elif fmt.name in ("nquads", "trig"):
        body = graph.serialize(format="nt", encoding="utf-8")  # one graph: N-Triples is valid N-Quads and TriG
    else:
        body = graph.serialize(format={"ntriples": "nt", "rdfxml": "xml"}.get(fmt.name, fmt.name), encoding="utf-8")
    response = Response(body, mimetype=fmt.media_type)
    response.vary.add("Accept")
    return response
