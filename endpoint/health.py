"""Liveness and the build's manifest."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    engine = current_app.extensions["bkg_engine"]
    manifest = current_app.extensions["bkg_manifest"]
    return jsonify(
        status="ok",
        version=manifest.get("version", ""),
        engine=engine.name,
        triples=len(engine),
        graphs=engine.graph_names(),
        build=manifest,
    )


class ManifestError(ValueError):
    """The build's manifest exists but cannot be read as one; the message names the file."""


def read_manifest(path: Path) -> dict:
    """The build's manifest; {} when the build has none; ManifestError when it is corrupt."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read the build's manifest: {exc}") from exc
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise ManifestError(f"{path}: the build's manifest is not valid JSON ({exc}); rebuild") from exc
    if not isinstance(manifest, dict):
        raise ManifestError(f"{path}: the build's manifest is not a JSON object; rebuild")
    return manifest
