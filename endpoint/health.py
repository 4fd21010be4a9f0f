"""Liveness and the build's manifest."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    engine = current_app.extensions["bkg_engine"]
    manifest = current_app.extensions["bkg_manifest"]
    return jsonify(status="ok", engine=engine.name, triples=len(engine), graphs=engine.graph_names(), build=manifest)


def read_manifest(path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
