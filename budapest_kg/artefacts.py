"""A build's artefacts and their fingerprints: what the builder records in the manifest, what serve checks.

Every file of a build except the manifest is recorded with its size and SHA-256, the on-disk store's
(build/store/: RocksDB's tables, MANIFEST, CURRENT, OPTIONS) included; only RocksDB's diagnostic log
and lock file are left out, which hold no data. A file cut short, emptied or with a line added no
longer matches, and the build is not served (the endpoint refuses it; ``serve`` and ``query`` build
again first). Opening the store read-only leaves its files as they are (checked: same hashes after).

A file is hashed once per start: a file found as recorded is remembered by its identity (device, inode,
size, modification and change time), and checking it again in this process, or in the processes forked
from it afterwards (the serving processes, their query workers), only compares that identity. Writing
to a file changes its change time, which no program can set back; replacing it changes its inode. A
process started afresh (a forkserver's replacement worker, a `spawn` start) remembers nothing and hashes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .resources import GRAPH_FILE, MANIFEST_FILE, STORE_DIR

KEY = "artefacts"  # where the manifest holds them: {relative path: {"bytes": n, "sha256": hex}}
# The SHA-256 of each file found as recorded, by its identity when it was hashed (see above).
_VERIFIED: dict[tuple[int, ...], str] = {}


def fingerprint(path: Path) -> dict:
    """The file's size and SHA-256 (hashlib reads it in large blocks, without the GIL: a build's graph may be large)."""
    return hashed(path)[0]


def hashed(path: Path) -> tuple[dict, tuple[int, ...] | None]:
    """The file's fingerprint, and its identity while it was read (None when it changed meanwhile)."""
    with open(path, "rb") as handle:
        before = identity(os.fstat(handle.fileno()))
        sha = hashlib.file_digest(handle, "sha256")
        size = handle.tell()
        after = identity(os.fstat(handle.fileno()))
    return {"bytes": size, "sha256": sha.hexdigest()}, (after if after == before and after[2] == size else None)


def identity(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def verified_before(path: Path, recorded: dict) -> bool:
    """Whether this very file, unchanged since, was hashed in this process (or before it forked) and matched."""
    if not _VERIFIED:
        return False
    try:
        known = identity(os.stat(path))
    except OSError:
        return False
    return known[2] == recorded.get("bytes") and _VERIFIED.get(known) == recorded.get("sha256")


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
    if verified_before(path, recorded):
        return None
    try:
        found, stable = hashed(path)
    except FileNotFoundError:
        return f"{shown(path)} is missing"
    except OSError as exc:
        return f"{shown(path)} cannot be read ({exc.strerror})"
    if found["bytes"] != recorded.get("bytes"):
        return f"{shown(path)} has {found['bytes']} bytes, the build wrote {recorded.get('bytes')}"
    if found["sha256"] != recorded.get("sha256"):
        return f"{shown(path)} has SHA-256 {found['sha256'][:16]}…, the build wrote {str(recorded.get('sha256'))[:16]}…"
    if stable is not None:
        _VERIFIED[stable] = found["sha256"]
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
