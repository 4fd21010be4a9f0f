"""Security headers on every answer, whatever produced it (a view, an error, a static file).

Pages use nothing but their own stylesheet, their own images (the charts) and forms that post to
this server: the Content-Security-Policy allows exactly that and no script at all. Anything that is
not a page (RDF, results, error text) gets a policy that allows nothing, so that a browser that
renders it anyway (an SVG, an XML answer, an error echoing input) cannot run or load anything.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from flask import Flask, Response

FRAMING = "frame-ancestors 'none'"
# pygal's SVG styles itself with <style> elements (and carries no script: charts.py renders it without).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
OTHER_POLICY = "default-src 'none'; sandbox"
ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    # Query text travels in URLs (/query?..., /sparql?...): other sites are not told it.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
}
_STYLE = re.compile(rb"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """nosniff, referrer policy and framing on every answer; a CSP fitting its type unless a view set one."""
    for name, value in ALWAYS.items():
        response.headers.setdefault(name, value)
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = policy_for(response.mimetype)
    return response


def policy_for(mimetype: str) -> str:
    if mimetype in ("text/html", "application/xhtml+xml"):
        return page_policy()
    if mimetype == "image/svg+xml":
        return f"{SVG_POLICY}; {FRAMING}"
    return f"{OTHER_POLICY}; {FRAMING}"


def page_policy(styles: Iterable[str] = ()) -> str:
    """What a page may use: its stylesheet (and the given inline styles), its images, forms to itself."""
    style_src = " ".join(["'self'", *styles])
    return f"default-src 'none'; style-src {style_src}; img-src 'self'; form-action 'self'; base-uri 'none'; {FRAMING}"


def page_policy_for(html: bytes) -> str:
    """The page policy, also allowing the page's own <style> elements by their hash (the built
    ontology documentation is one standalone file, styled inline)."""
    return page_policy(style_hash(css) for css in _STYLE.findall(html))


def style_hash(css: bytes) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(css).digest()).decode()}'"
