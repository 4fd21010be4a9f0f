"""Liveness and the build's manifest."""

from __future__ import annotations

import os

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/health")
def report_health():
    engine = current_app.extensions["bkg_engine"]
    manifest = current_app.extensions["bkg_manifest"]
    return jsonify(
        status="ok",
        version=manifest.get("version", ""),
        engine=engine.name,
        triples=len(engine),
        graphs=engine.graph_names(),
        build=manifest,
        process=os.getpid(),  # which serving process answered (one of several)
    )
