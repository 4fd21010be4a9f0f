"""The web application: SPARQL 1.1 Protocol and Linked Data over the built graph."""

from __future__ import annotations

from flask import Flask

from budapest_kg import namespaces
from budapest_kg import resources as build_files

from . import (
    catalogue,
    exports,
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
from .config import Config
from .engine import Engine, open_engine
from .errors import register_error_handlers
from .manifest import read_manifest
from .runner import load_catalogue

BLUEPRINTS = (
    sparql, health, catalogue, exports, service, resources, home, treaty_chart, query_page, ontology_docs, regimes
)  # fmt: skip


def create_app(config: Config | None = None, engine: Engine | None = None) -> Flask:
    """Application factory: read the build's manifest, load the build once into the engine, register the views.

    A corrupt manifest (ManifestError) or a broken catalogue query stops the start before any worker runs.
    """
    config = config or Config.load()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.extensions["bkg_config"] = config
    manifest = read_manifest(config.build_dir / build_files.MANIFEST_FILE)
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
        remote=config.remote or None,
    )
    register_error_handlers(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    views.init_app(app)
    return app
