"""The web application: SPARQL 1.1 Protocol and Linked Data over the built graph."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from budapest_kg import namespaces
from budapest_kg import resources as build_files

from . import (
    admission,
    catalogue,
    exports,
    headers,
    health,
    home,
    ontology_docs,
    query_page,
    resources,
    service,
    sparql,
    treaty_chart,
    views,
)
from .config import Config
from .engine import Engine, open_engine
from .errors import register_error_handlers
from .manifest import graph_fingerprint, read_manifest, verify_build
from .runner import load_catalogue

BLUEPRINTS = (sparql, health, catalogue, exports, service, resources, home, treaty_chart, query_page, ontology_docs)


def create_app(config: Config | None = None, engine: Engine | None = None) -> Flask:
    """Application factory: read the build's manifest, load the build once into the engine, register the views.

    A corrupt manifest or a build that does not match it (ManifestError) or a broken catalogue query
    stops the start before any worker runs.
    """
    config = config or Config.load()
    app = Flask(__name__)
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
        expected=graph_fingerprint(manifest, build_files.GRAPH_FILE),
    )
    gate = admission.Admission(config.query_slots, config.queue_size, config.queue_wait, config.client_share)
    admission.init_app(app, gate)
    if config.proxy_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_hops)
    register_error_handlers(app)
    headers.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    views.init_app(app)
    return app
