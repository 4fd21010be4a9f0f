"""HTTP caching and compression: strong ETags per representation, 304, Cache-Control, Vary, encodings,
and the byte-bounded result cache (Flask's test client: no socket adds anything here)."""

from __future__ import annotations

import gzip
import json
import urllib.parse

import brotli
import pytest
import zstandard
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.cache import ResultCache, normalize
from budapest_kg.endpoint.config import Config

from budapest_kg.namespaces import LINKS_GRAPH

DECODE = {"gzip": gzip.decompress, "br": brotli.decompress, "zstd": zstandard.ZstdDecompressor().decompress}
BIG_QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 300"
PAGES = [
    "/sparql?" + urllib.parse.urlencode({"query": BIG_QUERY}),
    "/queries/parties",
    "/id/state/FRA",
    "/id/treaty/ets-185",
    f"/graph/{str(LINKS_GRAPH).rsplit('/', 1)[-1]}",
    "/download/budapest-kg.nq",
    "/ontology",
    "/",
]


@pytest.fixture(scope="module")
def app(build_dir):
    return create_app(Config.load(build_dir=build_dir, workers=0, max_age=123))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_kind_is_labelled_for_caches_and_revalidates_to_304(client, path):
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"')  # strong: not W/"..."
    assert first.headers["Cache-Control"] == "public, max-age=123"
    assert {v.strip() for v in first.headers["Vary"].split(",")} >= {"Accept", "Accept-Encoding"}
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    other = client.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200
    assert other.data == first.data


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
@pytest.mark.parametrize("path", PAGES)
def test_answers_are_compressed_as_asked_and_decompress_to_the_same_bytes(client, path, encoding):
    plain = client.get(path)
    packed = client.get(path, headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding
    assert DECODE[encoding](packed.data) == plain.data
    assert len(packed.data) < len(plain.data)
    assert packed.headers["ETag"] != plain.headers["ETag"]  # one ETag per representation


def test_the_client_preference_decides_the_encoding(client):
    path = PAGES[0]
    assert client.get(path, headers={"Accept-Encoding": "gzip;q=1, br;q=0.5"}).headers["Content-Encoding"] == "gzip"
    assert client.get(path, headers={"Accept-Encoding": "zstd;q=0, br;q=0"}).headers.get("Content-Encoding") is None
    assert "Content-Encoding" not in client.get(path, headers={"Accept-Encoding": "identity"}).headers


def test_small_answers_are_not_compressed(client):
    response = client.get("/sparql?query=ASK%7B%7D", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert json.loads(response.data) == {"head": {}, "boolean": True}


def test_each_negotiated_format_has_its_own_etag(client):
    path = PAGES[0]
    tags = {
        media: client.get(path, headers={"Accept": media}).headers["ETag"]
        for media in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv")
    }
    assert len(set(tags.values())) == 3
    json_tag = tags["application/sparql-results+json"]
    xml = client.get(path, headers={"Accept": "application/sparql-results+xml", "If-None-Match": json_tag})
    assert xml.status_code == 200  # the JSON's tag does not validate the XML


def test_errors_and_health_are_not_cached(client):
    assert client.get("/sparql?query=SELEKT").headers["Cache-Control"] == "no-store"
    assert client.get("/id/state/XXX").headers["Cache-Control"] == "no-store"
    health = client.get("/health")
    assert health.headers["Cache-Control"] == "no-store"
    assert "ETag" not in health.headers


def count_query(extra: str = "") -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}{extra}"


def test_a_repeated_query_is_answered_from_the_result_cache(app, client):
    results: ResultCache = app.extensions["bkg_results"]
    first = client.post("/sparql", data={"query": count_query()})
    hits = results.hits
    # Same query: other whitespace, a comment, another request shape.
    variant = "  SELECT (COUNT(*)  AS ?n)\n\tWHERE {\n ?s ?p ?o # every triple\n}\n"
    second = client.post("/sparql", data={"query": variant})
    third = client.get("/sparql?" + urllib.parse.urlencode({"query": count_query()}))
    assert results.hits >= hits + 2
    assert first.data == second.data == third.data
    n = int(json.loads(first.data)["results"]["bindings"][0]["n"]["value"])
    assert n == len(app.extensions["bkg_engine"])


def test_queries_that_differ_inside_strings_are_not_confused(client):
    def answer(literal: str) -> str:
        query = f'SELECT ?x WHERE {{ BIND("{literal}" AS ?x) }}'
        return json.loads(client.post("/sparql", data={"query": query}).data)["results"]["bindings"][0]["x"]["value"]

    assert answer("a  b") == "a  b"
    assert answer("a b") == "a b"
    assert answer("a # b") == "a # b"


def test_a_cache_of_zero_bytes_keeps_nothing(build_dir):
    app = create_app(Config.load(build_dir=build_dir, workers=0, cache_bytes=0))
    client = app.test_client()
    for _ in range(3):
        assert client.post("/sparql", data={"query": count_query()}).status_code == 200
    results: ResultCache = app.extensions["bkg_results"]
    assert results.hits == 0
    assert len(results) == 0


def test_the_cache_stays_within_its_byte_budget():
    cache = ResultCache(10_000)
    for i in range(200):
        cache.put(("q", i), bytes(500))
        assert cache.used <= 10_000
    assert cache.get(("q", 199)) == bytes(500)  # the newest stays
    assert cache.get(("q", 0)) is None  # the oldest went first
    cache.put("too big", bytes(20_000))
    assert cache.get("too big") is None


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ("SELECT  *\nWHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o }", True),
        ("ASK { ?s ?p ?o } # note", "ASK { ?s ?p ?o }", True),
        ('ASK { ?s ?p "a  b" }', 'ASK { ?s ?p "a b" }', False),
        ("ASK { <http://x/a#b> ?p ?o }", "ASK { <http://x/a> ?p ?o }", False),
        ("ASK { ?s ?p 'it''s' }", "ASK { ?s ?p 'it' }", False),
    ],
)
def test_normalization_merges_only_the_same_query(left, right, same):
    assert (normalize(left) == normalize(right)) is same
