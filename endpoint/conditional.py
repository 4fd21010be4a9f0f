"""HTTP caching and compression for every answer: ETag, Cache-Control, Vary, 304, Content-Encoding.

The data changes only with a build, so a successful GET or HEAD may be reused for `max_age` seconds
(BKG_MAX_AGE) and revalidated after that with If-None-Match. The ETag is strong: a hash of the bytes
sent (so it changes with the build, the negotiated format and the encoding, and with nothing else).
Answers over ~1 KB are compressed with the best encoding the client accepts (zstd, br, gzip); a
compressed body is kept in the result cache under its content's hash, so the whole graph's download
is compressed once per process, not once per request.
"""

from __future__ import annotations

import gzip
import hashlib

import brotli
import zstandard
from flask import Flask, Request, Response, current_app, request

from .cache import ResultCache

MIN_COMPRESS_BYTES = 1024
# Server's preference among encodings a client accepts equally: zstd and brotli compress SPARQL JSON
# and N-Quads about as well as gzip -9 at a fraction of its time, at these levels.
ENCODINGS = ("zstd", "br", "gzip")
UNCACHED_PATHS = ("/health",)  # says which process answered: the bytes differ per process
VARY = ("Accept", "Accept-Encoding")

_zstd = zstandard.ZstdCompressor(level=3)


def init_app(app: Flask) -> None:
    app.after_request(finish)


def finish(response: Response, req: Request | None = None) -> Response:
    """Compress, then label the answer for caches; 304 when the client already holds these bytes."""
    req = req or request
    if response.direct_passthrough or response.is_streamed:
        return response
    response.vary.update(VARY)  # one rewrite of the header, not one per name
    if req.path in UNCACHED_PATHS or response.status_code != 200:
        response.headers.setdefault("Cache-Control", "no-store")
        compress(response, req)
        return response
    body = response.get_data()
    if req.method not in ("GET", "HEAD"):  # no ETag: the hash only names a compressed copy, if one is made
        compress(response, req, body)
        return response
    digest = hashlib.blake2b(body, digest_size=12).hexdigest()
    encoding = compress(response, req, body, digest)
    response.set_etag(f"{digest}-{encoding}" if encoding else digest)
    max_age = current_app.extensions["bkg_config"].max_age
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    if req.if_none_match.contains_weak(response.get_etag()[0]):
        response.status_code = 304
        response.set_data(b"")
        response.headers.pop("Content-Encoding", None)
        response.headers.pop("Content-Length", None)
    return response


def choose_encoding(req: Request) -> str | None:
    """The encoding the client prefers among ours (q-values first, then our order); None for identity."""
    accepted = req.accept_encodings
    best, best_q = None, 0.0
    for name in ENCODINGS:
        quality = accepted[name]  # werkzeug matches "*" too
        if quality > best_q:
            best, best_q = name, quality
    return best


def compress(response: Response, req: Request, body: bytes | None = None, digest: str | None = None) -> str | None:
    """Compress the response in place when it is worth it and the client accepts it; the encoding used."""
    if "Content-Encoding" in response.headers or not req.accept_encodings:
        return None
    body = response.get_data() if body is None else body
    if len(body) < MIN_COMPRESS_BYTES or not compressible(response.mimetype or ""):
        return None
    encoding = choose_encoding(req)
    if encoding is None:
        return None
    cache: ResultCache = current_app.extensions["bkg_results"]
    key = ("encoded", digest or hashlib.blake2b(body, digest_size=12).hexdigest(), encoding)
    packed = cache.get(key)
    if packed is None:
        packed = encode(body, encoding)
        cache.put(key, packed)
    response.set_data(packed)
    response.headers["Content-Encoding"] = encoding
    return encoding


def encode(body: bytes, encoding: str) -> bytes:
    if encoding == "zstd":
        return _zstd.compress(body)
    if encoding == "br":
        return brotli.compress(body, quality=5)
    return gzip.compress(body, compresslevel=6, mtime=0)


def compressible(mimetype: str) -> bool:
    """Text and RDF/SPARQL serialisations; not images or archives, which are compressed already."""
    if mimetype.startswith("text/"):
        return True
    return mimetype.startswith("application/") and (
        mimetype.endswith(("json", "xml", "javascript", "n-quads", "n-triples", "trig", "turtle"))
    )
