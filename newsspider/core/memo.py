"""A bounded memo of a pure function: what the core remembers across pages.

A site's pages repeat their class attributes, paths, template lines and credit lines, so
the results of pure functions of them are worth keeping; but a crawl meets unbounded
variety, so a memo holds at most `size` results and forgets them all at once when full
(cheaper than LRU bookkeeping on every call, and a site's recurring keys come back at once).

    >>> calls = []
    >>> double = Memo(lambda n: calls.append(n) or 2 * n, size=2)
    >>> double(1), double(1), double(2), double(3), double(1), calls
    (2, 2, 4, 6, 2, [1, 2, 3, 1])
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """``compute(key)``, remembered for up to `size` keys (0: none); ``entries`` may be
    read directly in a hot loop (a missing key there is not an answer: call the memo)."""

    def __init__(self, compute: Callable[[K], V], size: int) -> None:
        self.compute = compute
        self.size = size
        self.entries: dict[K, V] = {}

    def __call__(self, key: K) -> V:
        entries = self.entries
        if key in entries:
            return entries[key]
        value = self.compute(key)
        if self.size:
            if len(entries) >= self.size:
                entries.clear()
            entries[key] = value
        return value
