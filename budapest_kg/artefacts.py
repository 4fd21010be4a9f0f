"""A build's artefacts and their fingerprints: what the builder records in the manifest, what serve checks.

Every file of a build except the manifest is recorded with its size and SHA-256. A file cut short,
emptied or with a line added no longer matches, and the build is not served (the endpoint refuses it;
``serve`` and ``query`` build again first).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .resources import MANIFEST_FILE

KEY = "artefacts"  # where the manifest holds them: {relative path: {"bytes": n, "sha256": hex}}
_CHUNK = 1 << 20


def fingerprint(path: Path) -> dict:
    """The file's size and SHA-256, read in chunks (a build's graph may be large)."""
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return {"bytes": size, "sha256": sha.hexdigest()}


def record(folder: Path) -> dict[str, dict]:
    """The fingerprint of every file in the build folder but the manifest, by path relative to it."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST_FILE)
    return {path.relative_to(folder).as_posix(): fingerprint(path) for path in files}


def mismatch(path: Path, recorded: dict) -> str | None:
    """What differs between the file and its recorded fingerprint; None when they match."""
    try:
        found = fingerprint(path)
    except FileNotFoundError:
        return f"{path.name} is missing"
    except OSError as exc:
        return f"{path.name} cannot be read ({exc.strerror})"
    if found["bytes"] != recorded.get("bytes"):
        return f"{path.name} has {found['bytes']} bytes, the build wrote {recorded.get('bytes')}"
    if found["sha256"] != recorded.get("sha256"):
        return f"{path.name} has SHA-256 {found['sha256'][:16]}…, the build wrote {str(recorded.get('sha256'))[:16]}…"
    return None


def mismatches(folder: Path, manifest: dict) -> list[str]:
    """Every recorded artefact that the folder no longer holds as written; ["..."] when none is recorded."""
    recorded = manifest.get(KEY)
    if not isinstance(recorded, dict) or not recorded:
        return ["the manifest records no fingerprints of the build's files (a build made before they were)"]
    found = [mismatch(folder / name, fingerprint) for name, fingerprint in sorted(recorded.items())]
    return [problem for problem in found if problem]
