"""HTTP authentication for publish: Basic, Digest, or whichever the server asks for.

Apart from publish.py so that httpx is imported only when something is published.
"""

from __future__ import annotations

import httpx


class AnyAuth(httpx.Auth):
    """Basic or Digest, whichever the server asks for in its first 401; then that scheme for the rest."""

    requires_request_body = True

    def __init__(self, user: str, password: str):
        self.schemes = {"basic": httpx.BasicAuth(user, password), "digest": httpx.DigestAuth(user, password)}
        self.chosen: httpx.Auth | None = None

    def auth_flow(self, request):
        if self.chosen is not None:
            yield from self.chosen.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        scheme = response.headers.get("www-authenticate", "basic").split(" ", 1)[0].lower()
        self.chosen = self.schemes["digest" if scheme == "digest" else "basic"]
        yield from self.chosen.auth_flow(request)


def make_auth(user: str | None, password: str | None, scheme: str = "auto") -> httpx.Auth | None:
    """The authentication for a scheme of publish.AUTH_SCHEMES (checked there); None without a user."""
    if not user:
        return None
    if scheme == "basic":
        return httpx.BasicAuth(user, password or "")
    if scheme == "digest":
        return httpx.DigestAuth(user, password or "")
    return AnyAuth(user, password or "")
