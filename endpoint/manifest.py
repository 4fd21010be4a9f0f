"""The build's manifest (what was built, when, under which base), read once when the app is made."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from budapest_kg import artefacts

log = logging.getLogger(__name__)


class ManifestError(ValueError):
    """The build's manifest exists but cannot be read as one, or the build does not match it; the message
    names the file."""


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


def verify_build(build_dir: Path, manifest: dict) -> None:
    """Raise ManifestError when a file of the build is not what the build wrote (cut short, emptied, a
    line added): such a build is never served. A manifest that records no fingerprints (a build made
    before they were, or by hand) is served with a warning: `serve` builds such a build again first."""
    recorded = manifest.get(artefacts.KEY)
    if not recorded:
        if manifest:  # no manifest at all: a remote store served with no build folder
            log.warning("%s: the manifest records no fingerprints of the build's files; not checked", build_dir)
        return
    problems = artefacts.mismatches(build_dir, manifest)
    if problems:
        raise ManifestError(
            f"{build_dir}: the build does not match its manifest ({'; '.join(problems)}); it is not served:"
            " build it again (budapest-kg build)"
        )
