"""The build's manifest (what was built, when, under which base), read once when the app is made."""

from __future__ import annotations

import json
from pathlib import Path


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
