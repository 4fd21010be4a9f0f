"""A build's version: the day it was built and a short hash of what it contains.

The content hash is the SHA-256 of build/graph.nq, which serialise() writes deterministically (lines
sorted, blank nodes named canonically), so the same graph always gets the same hash, the hash is the
checksum of the N-Quads download, and two builds of the same inputs on one day share a version.
"""

from __future__ import annotations

import hashlib
import re

VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$")


def content_hash(nquads: str | bytes) -> str:
    return hashlib.sha256(nquads if isinstance(nquads, bytes) else nquads.encode("utf-8")).hexdigest()


def make_version(built_at: str, digest: str) -> str:
    """'2025-06-01-1a2b3c4d': the build's UTC date, then the first 8 hex digits of its content hash."""
    return f"{built_at[:10]}-{digest[:8]}"


def stamp(manifest: dict, nquads: str | bytes) -> dict:
    """The manifest with the build's version and content hash first."""
    digest = content_hash(nquads)
    return {"version": make_version(manifest["built_at"], digest), "content_hash": digest, **manifest}
