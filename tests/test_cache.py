"""The one cache is bounded by the bytes it holds, keys included (issue 16, hole 4)."""

from __future__ import annotations

import sys

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.cache import ResultCache
from budapest_kg.endpoint.config import Config


def held(cache: ResultCache) -> int:
    """What the entries weigh, counted here independently of the cache's own bookkeeping."""
    return sum(weigh(k) + sys.getsizeof(v) for k, v in cache._entries.items())


def weigh(key) -> int:
    return sys.getsizeof(key) + (sum(weigh(part) for part in key) if isinstance(key, tuple) else 0)


def test_least_recently_used_entries_leave_first_when_the_bytes_run_out():
    cache = ResultCache(10_000)
    for i in range(100):
        cache.get_or_make(f"k{i}", lambda: b"v" * 500)
    assert held(cache) <= cache.size <= 10_000
    assert "k99" in cache._entries
    assert "k0" not in cache._entries
    cache.get_or_make(next(iter(cache._entries)), lambda: pytest.fail("kept, not made again"))
    assert list(cache._entries)[-1] != "k99"  # the one just used is now the most recent


def test_keys_weigh_too():
    cache = ResultCache(100_000)
    for i in range(1000):
        cache.put("k" * 1000 + str(i), b"")
    assert cache.size <= 100_000
    assert len(cache) < 100


def test_an_answer_too_large_to_share_the_budget_is_returned_but_not_kept():
    cache = ResultCache(80_000)
    cache.put("small", b"x")
    assert cache.get_or_make("big", lambda: b"y" * 20_000) == b"y" * 20_000
    assert "big" not in cache._entries
    assert "small" in cache._entries


def test_many_unique_long_paths_cannot_grow_the_cache_past_its_bytes(build_dir):
    """The issue's reproduction: 1,600 unique long /id/ paths (each a 404 whose lookups are cached)."""
    budget = 1_000_000
    app = create_app(Config.load(build_dir=build_dir, workers=0, cache_bytes=budget))
    client = app.test_client()
    assert client.get("/id/treaty/ets-185", headers={"Accept": "text/html"}).status_code == 200
    for i in range(1600):
        response = client.get(f"/id/{'x' * 2000}{i}", headers={"Accept": "text/turtle"})
        assert response.status_code == 404
    cache = app.extensions["bkg_lookup"].cache
    assert cache is app.extensions["bkg_results"]  # one cache: the pages' lookups and the query answers
    assert held(cache) <= cache.size <= budget
    assert len(cache) < 1600  # bounded by entries (4,096 of them) it would have kept every one, 3 MB of keys
