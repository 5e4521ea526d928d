"""The one cache policy of the engines: a dict that empties itself when it is full.

Review tables repeat their values (不适用, 100%, 明显 …), so the engines remember results per key;
a bound keeps a long-running app or a million-row review from growing without end. Emptying the
whole dict (instead of evicting one entry at a time) keeps the hits as fast as a plain dict's.

Example:
    >>> cache = BoundedCache(limit=2)
    >>> cache.put("a", 1), cache.put("b", 2), cache.get("a")
    (1, 2, 1)
    >>> cache.put("c", 3), sorted(cache)
    (3, ['c'])
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(dict[K, V]):
    """A memo of at most ``limit`` entries (read it like a dict, fill it with :meth:`put`)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def put(self, key: K, value: V) -> V:
        """Remember ``value`` under ``key`` (emptying the cache first when it is full); returns it."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value
