"""What a pure function found for a query text, remembered for the next request with the same text.

Clients (and the site) send the same query texts again and again, and the scans over a text the
server makes before any engine sees it cost more than the query itself on light queries: measured on
the 3.6 KB `parties` query, normalizing it for the result cache took ~0.10 ms, its nesting depth
~0.05 ms and the FROM/SERVICE scan ~0.08 ms. Only texts up to MAX_CHARS are remembered, ENTRIES per
function, the least recently used going first: an entry holds the text and at most a text as long
(normalize's), so a function's memo stays under ~2 MB of ASCII text (8 MB at worst, 4 bytes a character).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

MAX_CHARS = 4096
ENTRIES = 256

T = TypeVar("T")


def per_text(function: Callable[[str], T]) -> Callable[[str], T]:
    """function, with its results for texts up to MAX_CHARS remembered (it must depend on the text alone)."""
    remembered = functools.lru_cache(maxsize=ENTRIES)(function)

    @functools.wraps(function)
    def call(text: str) -> T:
        return remembered(text) if len(text) <= MAX_CHARS else function(text)

    return call
