"""A byte-bounded cache of answers, per serving process: the graph changes only with a build.

Answers are kept under the normalized query text, the dataset and the format; compressed bodies under
their content's hash and the encoding. Least recently used entries go first once the budget
(BKG_CACHE_BYTES) is spent; 0 keeps nothing. Each app has its own cache, and a new build is served
by a new app (a HUP respawns the processes), so no answer outlives its build.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable

from .guard import INERT

ENTRY_OVERHEAD = 100  # bytes counted per entry besides its value, so tiny entries cannot grow unbounded


class ResultCache:
    """An LRU map to bytes (or short strings) whose values, added up, stay within `budget` bytes."""

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

    def put(self, key: Hashable, value: bytes | str) -> None:
        size = len(value) + ENTRY_OVERHEAD
        if size > self.budget:  # also when the cache is off (budget 0)
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= len(old) + ENTRY_OVERHEAD
            self._entries[key] = value
            self.used += size
            while self.used > self.budget:
                _, dropped = self._entries.popitem(last=False)
                self.used -= len(dropped) + ENTRY_OVERHEAD

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.used = 0

    def __len__(self) -> int:
        return len(self._entries)


_SPACE = re.compile(r"\s+")


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
