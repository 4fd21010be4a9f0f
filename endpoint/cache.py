"""The one cache of a serving process, bounded by the bytes it holds, not by its number of entries.

It keeps query answers under the normalized query text, the dataset and the format; compressed bodies
under their content's hash and the encoding; and what the pages asked the engine, Linked Data answers
and charts (endpoint/lookup.py). The graph changes only with a build: each app has its own cache, and a
new build is served by a new app (a HUP respawns the processes), so no answer outlives its build.

Least recently used entries go first once the budget (BKG_CACHE_BYTES) is spent; 0 keeps nothing. A key
weighs as much as its value (1,600 unique long /id/ paths took a server whose page cache was bounded at
4,096 entries from 121 to 452 MB, for good), and a value too large to share the budget (over an eighth
of it) is made and returned but not kept, so that one answer can never push out everything else.
"""

from __future__ import annotations

import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from .guard import INERT
from .memo import per_text

# The OrderedDict's own bookkeeping per entry, beyond the key and value objects (sys.getsizeof counts
# their headers): 66 bytes measured with tracemalloc over 20,000 entries; rounded up.
ENTRY_OVERHEAD = 100


class ResultCache:
    """An LRU map to bytes (or short strings) whose keys and values, added up, stay within `budget` bytes."""

    def __init__(self, budget: int):
        self.budget = budget
        self.used = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[Hashable, bytes | str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | str | None:
        if not self.budget:
            return None
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return value

    def get_or_make(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """The value kept for key, or make()'s, kept when it fits."""
        value = self.get(key)
        if value is None:
            value = make()  # outside the lock: a slow make() does not hold up the others
            self.put(key, value)
        return value

    def put(self, key: Hashable, value: bytes | str) -> None:
        if not self.budget:  # off: nothing to weigh
            return
        cost = entry_cost(key, value)
        if cost > self.budget // 8:  # also when the cache is off (budget 0)
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= entry_cost(key, old)
            self._entries[key] = value
            self.used += cost
            while self.used > self.budget:
                old_key, dropped = self._entries.popitem(last=False)
                self.used -= entry_cost(old_key, dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.used = 0

    @property
    def size(self) -> int:
        """Bytes held now (keys, values and their bookkeeping)."""
        with self._lock:
            return self.used

    def __len__(self) -> int:
        return len(self._entries)


def entry_cost(key: Hashable, value: bytes | str) -> int:
    """What an entry weighs: its key (each part of a tuple), its value and the bookkeeping."""
    return weigh(key) + sys.getsizeof(value) + ENTRY_OVERHEAD


def weigh(key: Hashable) -> int:
    if isinstance(key, tuple):
        return sys.getsizeof(key) + sum(weigh(part) for part in key)
    return sys.getsizeof(key)


_SPACE = re.compile(r"\s+")


@per_text
def normalize(sparql: str) -> str:
    """The query with runs of whitespace outside IRIs and strings made one space and comments dropped.

    Two texts normalize alike only when they are the same query. Text with a backslash is only stripped:
    an escape outside a string (a local name like ex:a\\#b) could hide a comment sign from this scan.
    """
    if "\\" in sparql:
        return sparql.strip()
    out, code, last = [], [], 0
    for match in INERT.finditer(sparql):
        code.append(sparql[last : match.start()])
        token = match.group()
        if token.startswith("#"):
            code.append(" ")
        else:
            out += [_SPACE.sub(" ", "".join(code)), token]
            code = []
        last = match.end()
    code.append(sparql[last:])
    out.append(_SPACE.sub(" ", "".join(code)))
    return "".join(out).strip()
