"""The web application: SPARQL 1.1 Protocol and Linked Data over the built graph."""

from __future__ import annotations

from flask import Flask

from budapest_kg import namespaces
from budapest_kg import resources as build_files

from . import catalogue, exports, health, ontology_docs, pages, resources, service, sparql
from .config import Config
from .engine import Engine, open_engine
from .errors import register_error_handlers


def create_app(config: Config | None = None, engine: Engine | None = None) -> Flask:
    """Application factory: load the build once into the engine and register the blueprints."""
    config = config or Config.load()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.extensions["bkg_config"] = config
    app.extensions["bkg_engine"] = engine or open_engine(
        config.engine,
        config.build_dir,
        workers=config.workers,
        timeout=config.timeout,
        allowlist=config.allowlist,
        max_result_bytes=config.max_result_bytes,
        service_timeout=config.service_timeout,
    )
    manifest = health.read_manifest(config.build_dir / build_files.MANIFEST_FILE)
    app.extensions["bkg_manifest"] = manifest
    # IRIs are those the build minted: its recorded base, not whatever this process was started with.
    app.extensions["bkg_base"] = manifest.get("base_iri", namespaces.BASE)
    register_error_handlers(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(catalogue.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(service.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(ontology_docs.bp)
    return app
