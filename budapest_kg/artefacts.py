"""A build's artefacts and their fingerprints: what the builder records in the manifest, what serve checks.

Every file of a build except the manifest is recorded with its size and SHA-256, the on-disk store's
(build/store/: RocksDB's tables, MANIFEST, CURRENT, OPTIONS) included; only RocksDB's diagnostic log
and lock file are left out, which hold no data. A file cut short, emptied or with a line added no
longer matches, and the build is not served (the endpoint refuses it; ``serve`` and ``query`` build
again first). Opening the store read-only leaves its files as they are (checked: same hashes after).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .resources import GRAPH_FILE, MANIFEST_FILE, STORE_DIR

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
    files = sorted(p for p in folder.rglob("*") if p.is_file() and is_recorded(p.relative_to(folder).as_posix()))
    return {path.relative_to(folder).as_posix(): fingerprint(path) for path in files}


def is_recorded(name: str) -> bool:
    """Whether a build's file is fingerprinted: all but the manifest and the store's log and lock."""
    if name == MANIFEST_FILE:
        return False
    store, _, inside = name.partition("/")
    return not (store == STORE_DIR and (inside == "LOCK" or inside.startswith("LOG")))


def read_by_engine(manifest: dict) -> dict[str, dict]:
    """The recorded fingerprints of the files a query engine reads: the graph and the store."""
    recorded = manifest.get(KEY) or {}
    return {name: fp for name, fp in recorded.items() if name == GRAPH_FILE or name.startswith(f"{STORE_DIR}/")}


def mismatch(path: Path, recorded: dict) -> str | None:
    """What differs between the file and its recorded fingerprint; None when they match."""
    try:
        found = fingerprint(path)
    except FileNotFoundError:
        return f"{shown(path)} is missing"
    except OSError as exc:
        return f"{shown(path)} cannot be read ({exc.strerror})"
    if found["bytes"] != recorded.get("bytes"):
        return f"{shown(path)} has {found['bytes']} bytes, the build wrote {recorded.get('bytes')}"
    if found["sha256"] != recorded.get("sha256"):
        return f"{shown(path)} has SHA-256 {found['sha256'][:16]}…, the build wrote {str(recorded.get('sha256'))[:16]}…"
    return None


def shown(path: Path) -> str:
    """A build file's name as the manifest gives it (store/000009.sst, graph.nq)."""
    return f"{path.parent.name}/{path.name}" if path.parent.name == STORE_DIR else path.name


def mismatches(folder: Path, manifest: dict) -> list[str]:
    """Every recorded artefact that the folder no longer holds as written; ["..."] when none is recorded."""
    recorded = manifest.get(KEY)
    if not isinstance(recorded, dict) or not recorded:
        return ["the manifest records no fingerprints of the build's files (a build made before they were)"]
    return check(folder, recorded)


def check(folder: Path, recorded: dict[str, dict]) -> list[str]:
    """What differs between the folder's files and these recorded fingerprints (by relative path)."""
    found = [mismatch(folder / name, fingerprint) for name, fingerprint in sorted(recorded.items())]
    return [problem for problem in found if problem]
