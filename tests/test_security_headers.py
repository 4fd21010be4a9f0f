"""Security headers on every answer: pages, RDF, results, errors, static files (issue 16, hole 10)."""

from __future__ import annotations

import re

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config


@pytest.fixture(scope="module")
def client(build_dir):
    return create_app(Config.load(build_dir=build_dir, workers=0)).test_client()


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as {directive: sources}."""
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


PAGES = ["/", "/id/treaty/ets-185", "/id/state/FRA", "/term/Party", "/query", "/query?example=party-count", "/queries"]
OTHERS = [
    ("GET", "/sparql?query=ASK%7B%7D", {}),  # results
    ("GET", "/sparql", {}),  # the Service Description
    ("GET", "/id/state/FRA", {"Accept": "text/turtle"}),
    ("GET", "/.well-known/void", {}),
    ("GET", "/health", {}),
    ("GET", "/static/site.css", {}),
    ("GET", "/download/", {}),
    ("GET", "/sparql?query=SELECT", {}),  # 400
    ("GET", "/id/%3Cscript%3Ealert(1)%3C/script%3E", {}),  # 404 echoing the input
    ("PUT", "/sparql", {}),  # 405
    ("GET", "/sparql?query=ASK%7B%7D&format=pdf", {}),  # 406
    ("GET", "/sparql?query=ASK%7B%7D", {"Accept": "application/json"}),
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_allow_only_their_stylesheet_images_and_forms(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy == {
        "default-src": ["'none'"],  # hence no script, font, frame, connection or object of any kind
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    page = response.get_data(as_text=True)
    assert "<script" not in page.lower()
    assert not re.search(r"\sstyle=|\son[a-z]+=", page)  # no inline style or handler the policy would block


@pytest.mark.parametrize(("method", "path", "headers"), OTHERS)
def test_everything_else_may_load_and_run_nothing(client, method, path, headers):
    response = client.open(path, method=method, headers=headers)
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "sandbox" in policy or response.mimetype == "text/css"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_an_error_echoing_input_is_plain_text_that_no_browser_sniffs(client):
    response = client.get("/id/%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in directives(response.headers["Content-Security-Policy"])


def test_an_error_page_for_a_browser_escapes_the_input_and_runs_nothing(client):
    response = client.get("/id/%3Cscript%3Ealert(1)%3C/script%3E", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<script" not in response.get_data(as_text=True).lower()
    assert directives(response.headers["Content-Security-Policy"])["default-src"] == ["'none'"]


def test_the_chart_svg_may_style_itself_but_run_nothing(client):
    """pygal writes its configuration as an inline script even with no JavaScript: the policy blocks it."""
    response = client.get("/charts/parties/id/treaty/ets-185.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy == {"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "frame-ancestors": ["'none'"]}


def test_the_ontology_page_keeps_none_of_the_built_documents_inline_style(client, build_dir):
    """The built ontology.html styles itself inline; the page shows its body inside the site's look."""
    assert "<style>" in (build_dir / "ontology.html").read_text(encoding="utf-8")
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "<style" not in response.get_data(as_text=True)
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
