"""The app's request class: Accept headers and base URLs parsed once per text give each request its own."""

from __future__ import annotations

import pytest
from budapest_kg.endpoint import request_class
from budapest_kg.endpoint.request_class import ParsedOnce
from werkzeug.datastructures import Accept, MIMEAccept
from werkzeug.http import parse_accept_header
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

HEADERS = [
    {"Accept": "application/sparql-results+json, text/turtle;q=0.9", "Accept-Encoding": "gzip, br"},
    {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Encoding": "zstd;q=1, gzip;q=0.5"},
    {"Accept": "text/csv"},
    {"Accept": "application/ld+json;q=0.1, " + "x/y;q=0.2, " * 200, "Accept-Encoding": "identity"},  # over MAX_CHARS
    {},
]


def both(headers: dict, base: str = "http://127.0.0.1:8000/", path: str = "/sparql") -> tuple[Request, Request]:
    environ = EnvironBuilder(path=path, base_url=base, headers=headers).get_environ()
    return ParsedOnce(environ), Request(environ)


@pytest.mark.parametrize("headers", HEADERS)
def test_each_request_gets_what_werkzeug_parses_for_it(headers):
    for _ in range(2):  # the second time from the memo
        ours, werkzeugs = both(headers)
        assert list(ours.accept_mimetypes) == list(werkzeugs.accept_mimetypes)
        assert isinstance(ours.accept_mimetypes, MIMEAccept)
        assert list(ours.accept_encodings) == list(werkzeugs.accept_encodings)
        assert ours.accept_mimetypes.best_match(["text/csv", "text/html"]) == werkzeugs.accept_mimetypes.best_match(
            ["text/csv", "text/html"]
        )
        assert ours.base_url == werkzeugs.base_url


def test_requests_with_other_headers_or_addresses_do_not_share_values():
    first, _ = both(HEADERS[0])
    second, _ = both(HEADERS[2], base="https://kg.example:8443/mount/", path="/queries/party-count")
    assert first.accept_mimetypes.best == "application/sparql-results+json"
    assert second.accept_mimetypes.best == "text/csv"
    assert second.accept_encodings == parse_accept_header(None, Accept)
    assert first.base_url == "http://127.0.0.1:8000/sparql"
    assert second.base_url == "https://kg.example:8443/mount/queries/party-count"


def test_the_memo_is_bounded():
    for number in range(request_class.ENTRIES + 50):
        both({"Accept": f"text/x-{number}"})
    assert request_class._accept.cache_info().currsize <= request_class.ENTRIES
