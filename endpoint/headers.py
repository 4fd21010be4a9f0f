"""Security headers on every answer, whatever produced it (a view, an error, a static file).

Pages use nothing but their own stylesheet, their own images (the charts) and forms that post to
this server: the Content-Security-Policy allows exactly that and no script at all. Anything that is
not a page (RDF, results, error text) gets a policy that allows nothing, so that a browser that
renders it anyway (an SVG, an XML answer, an error echoing input) cannot run or load anything.
"""

from __future__ import annotations

from collections.abc import Mapping

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


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """nosniff, referrer policy and framing on every answer; a CSP fitting its type unless a view set one."""
    present = names_of(response)
    add_missing(response, ALWAYS, present)
    if "content-security-policy" not in present:
        response.headers.add("Content-Security-Policy", policy_for(response.mimetype))
    return response


def names_of(response: Response) -> set[str]:
    """The names of the headers the response has, lower-cased."""
    return {name.lower() for name, _ in response.headers.items()}


def add_missing(response: Response, labels: Mapping[str, str], present: set[str] | None = None) -> None:
    """Add each of the labels the response has no header of that name for (as setdefault would, name by
    name). One pass over the headers: werkzeug's setdefault reads them all again for every name, and these
    functions label every answer."""
    present = names_of(response) if present is None else present
    response.headers.extend([(name, value) for name, value in labels.items() if name.lower() not in present])


def policy_for(mimetype: str) -> str:
    if mimetype in ("text/html", "application/xhtml+xml"):
        return page_policy()
    if mimetype == "image/svg+xml":
        return f"{SVG_POLICY}; {FRAMING}"
    return f"{OTHER_POLICY}; {FRAMING}"


def page_policy() -> str:
    """What a page may use: its stylesheet, its images, forms to itself."""
    return f"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; {FRAMING}"
