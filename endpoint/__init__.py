"""The web application: SPARQL 1.1 Protocol and Linked Data over the built graph."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from budapest_kg import artefacts, namespaces
from budapest_kg import resources as build_files
from budapest_kg.catalogue import read_catalogue

from . import (
    admission,
    catalogue,
    conditional,
    exports,
    headers,
    health,
    home,
    ontology_docs,
    query_page,
    regimes,
    resources,
    service,
    sparql,
    treaty_chart,
    views,
)
from .cache import ResultCache
from .config import Config
from .engine import Engine, open_engine
from .errors import register_error_handlers
from .manifest import read_manifest, verify_build
from .request_class import ParsedOnce
from .runner import load_catalogue

BLUEPRINTS = (
    sparql, health, catalogue, exports, service, resources, home, treaty_chart, query_page, ontology_docs, regimes
)  # fmt: skip


def check_build(config: Config) -> dict:
    """What create_app checks before it starts any worker, without opening the build's store: the manifest
    (returned), the catalogue, and the build's graph and store, each file as the build wrote it (its
    recorded size and SHA-256), or, with `remote`, that the store holds the graphs. ManifestError,
    CatalogueError, FileNotFoundError or an EngineFault (StoreFailure …) names the problem.

    `serve` runs it in the process that forks the serving processes, which must not open the store (its
    background threads would not survive the fork). The files it hashes here are not hashed again by the
    processes forked from it while they are unchanged (artefacts.py): one verification per start."""
    manifest = read_manifest(config.build_dir / build_files.MANIFEST_FILE)
    read_catalogue(build_files.source_tree().queries_dir)
    if config.remote:
        remote = open_engine(config.engine, config.build_dir, timeout=config.timeout, remote=config.remote)
        close = getattr(remote, "close", None)
        if close is not None:
            close()
        return manifest
    graph = config.build_dir / build_files.GRAPH_FILE
    if not graph.is_file():
        raise FileNotFoundError(f"no build at {graph}: run 'budapest-kg build' first")
    verify_build(config.build_dir, manifest)
    return manifest


def create_app(config: Config | None = None, engine: Engine | None = None, serving: bool = False) -> Flask:
    """Application factory: read the build's manifest, load the build once into the engine, register the views.

    A corrupt manifest or a build that does not match it (ManifestError) or a broken catalogue query
    stops the start before any worker runs. `serving` (a serving process of `serve`): query workers fork
    from this process, and the site's tables are read in the background, not before the first answer.
    """
    config = config or Config.load()
    app = Flask(__name__)
    app.request_class = ParsedOnce
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.extensions["bkg_config"] = config
    manifest = read_manifest(config.build_dir / build_files.MANIFEST_FILE)
    verify_build(config.build_dir, manifest)
    app.extensions["bkg_manifest"] = manifest
    # IRIs are those the build minted: its recorded base, not whatever this process was started with.
    app.extensions["bkg_base"] = manifest.get("base_iri", namespaces.BASE)
    load_catalogue(app)
    app.extensions["bkg_engine"] = engine or open_engine(
        config.engine,
        config.build_dir,
        workers=config.workers,
        timeout=config.timeout,
        allowlist=config.allowlist,
        max_result_bytes=config.max_result_bytes,
        service_timeout=config.service_timeout,
        max_query_memory=config.max_query_memory,
        expected=artefacts.read_by_engine(manifest),
        fork=serving,
        remote=config.remote or None,
    )
    app.extensions["bkg_results"] = ResultCache(config.cache_bytes)
    gate = admission.Admission(config.query_slots, config.queue_size, config.queue_wait, config.client_share)
    admission.init_app(app, gate)
    if config.proxy_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_hops)
    register_error_handlers(app)
    headers.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    views.init_app(app, background=serving)
    conditional.init_app(app)
    return app
