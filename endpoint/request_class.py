"""The app's request class: what nearly every request parses from its headers, parsed once per text.

Clients send the same few Accept and Accept-Encoding headers to the same addresses again and again,
and werkzeug parses them anew for each request: measured on a plain /sparql POST, ~20 us for the two
Accept headers and ~15 us for the base URL (the query's base IRI and the result cache's key), of the
~0.3 ms of Python a light query costs in all. The parsed values are werkzeug's own, made by werkzeug's
own functions, and immutable (an Accept is an immutable list; a URL a string), so one value serves
every request that sends the same text. Bounded: ENTRIES values of each kind, least recently used
first out, of texts up to MAX_CHARS (a longer one is parsed for its request alone).
"""

from __future__ import annotations

from functools import lru_cache

from flask import Request
from werkzeug.datastructures import Accept, MIMEAccept
from werkzeug.http import parse_accept_header
from werkzeug.sansio.utils import get_current_url
from werkzeug.utils import cached_property

MAX_CHARS = 1024
ENTRIES = 256


class ParsedOnce(Request):
    """Flask's request, with its Accept headers and base URL taken from a bounded memo."""

    @cached_property
    def accept_mimetypes(self) -> MIMEAccept:
        return accept(self.headers.get("Accept"), MIMEAccept)

    @cached_property
    def accept_encodings(self) -> Accept:
        return accept(self.headers.get("Accept-Encoding"), Accept)

    @cached_property
    def base_url(self) -> str:
        parts = (self.scheme, self.host, self.root_path, self.path)
        if sum(map(len, parts)) > MAX_CHARS:
            return get_current_url(*parts)
        return _current_url(*parts)


def accept(value: str | None, kind: type[Accept]) -> Accept:
    """The header's value parsed as werkzeug parses it (an empty Accept when there is none)."""
    if value is None or len(value) > MAX_CHARS:
        return parse_accept_header(value, kind)
    return _accept(value, kind)


_accept = lru_cache(maxsize=ENTRIES)(parse_accept_header)
_current_url = lru_cache(maxsize=ENTRIES)(get_current_url)
