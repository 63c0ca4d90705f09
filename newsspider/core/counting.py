"""Bounded frequency counting for per-site models (lossy counting, Manku & Motwani 2002).

A site may send a million pages; counting every paragraph ever seen would grow without
end. Lossy counting keeps every key whose true count exceeds ``epsilon * n`` (n: pages
observed) and undercounts any key by at most ``epsilon * n``, in ``O(1/epsilon * log(epsilon
n))`` entries. A page is one "item" of the stream: :meth:`LossyCounter.end_page` closes it.

    >>> counter = LossyCounter(bucket_pages=2)
    >>> for page in (["menu", "a"], ["menu", "b"], ["menu", "c"], ["menu", "d"]):
    ...     for key in page:
    ...         counter.add(key)
    ...     counter.end_page()
    >>> counter.count("menu"), counter.count("a"), len(counter)
    (4, 0, 1)
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class LossyCounter(Generic[K]):
    """Counts keys per page with bounded memory; values may carry extra running sums.

    Each entry is ``[count, delta, *sums]``: ``count`` pages that had the key, ``delta``
    the most it may have been undercounted, ``sums`` caller-defined totals (e.g. characters).
    Every ``bucket_pages`` pages, entries with ``count + delta <= bucket`` are dropped.
    ``max_entries`` is a hard cap on top: past it, the rarest entries go first.
    """

    def __init__(self, bucket_pages: int = 200, max_entries: int = 50_000) -> None:
        self.bucket_pages = max(1, bucket_pages)
        self.max_entries = max(1, max_entries)
        self.pages = 0
        self.entries: dict[K, list[int]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[K]:
        return iter(self.entries)

    def add(self, key: K, *sums: int) -> None:
        """Count `key` once for the current page, adding `sums` to its running totals."""
        entry = self.entries.get(key)
        if entry is None:
            self.entries[key] = [1, self.pages // self.bucket_pages, *sums]
            return
        entry[0] += 1
        for i, value in enumerate(sums, start=2):
            entry[i] += value

    def add_all(self, keys: Iterable[K]) -> None:
        """Count each of `keys` once for the current page (no sums): ``add`` in a loop."""
        entries = self.entries
        delta = self.pages // self.bucket_pages
        for key in keys:
            entry = entries.get(key)
            if entry is None:
                entries[key] = [1, delta]
            else:
                entry[0] += 1

    def add_tallies(self, pairs: Iterable[tuple[K, int]]) -> None:
        """Count each key of `pairs` once for the current page, with two sums: how many of
        `pairs` hold it and their values' total (``add(key, n, total)`` per key, in one pass).
        """
        entries = self.entries
        delta = self.pages // self.bucket_pages
        counted: set[K] = set()
        for key, value in pairs:
            entry = entries.get(key)
            if entry is None:
                entries[key] = [1, delta, 1, value]
                counted.add(key)
                continue
            if key not in counted:
                counted.add(key)
                entry[0] += 1
            entry[2] += 1
            entry[3] += value

    def count(self, key: K) -> int:
        """Pages counted for `key` (0 if unknown or pruned)."""
        entry = self.entries.get(key)
        return entry[0] if entry else 0

    def get(self, key: K) -> list[int] | None:
        """The raw entry ``[count, delta, *sums]`` or None."""
        return self.entries.get(key)

    def end_page(self) -> None:
        """Close the current page; prune at bucket boundaries and over the hard cap."""
        self.pages += 1
        if self.pages % self.bucket_pages == 0:
            bucket = self.pages // self.bucket_pages
            self.entries = {k: e for k, e in self.entries.items() if e[0] + e[1] > bucket}
        if len(self.entries) > self.max_entries:
            keep = sorted(self.entries.items(), key=lambda kv: kv[1][0], reverse=True)
            self.entries = dict(keep[: self.max_entries * 3 // 4])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state (keys must be ints or strings)."""
        return {"pages": self.pages, "entries": [[k, *e] for k, e in self.entries.items()]}

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], bucket_pages: int = 200, max_entries: int = 50_000
    ) -> LossyCounter[Any]:
        """Rebuild a counter saved by :meth:`to_dict`; raises ValueError on bad data."""
        counter: LossyCounter[Any] = cls(bucket_pages, max_entries)
        try:
            counter.pages = int(data["pages"])
            if counter.pages < 0:
                raise ValueError(f"bad page count {counter.pages}")
            for row in data["entries"]:
                key, values = row[0], [int(v) for v in row[1:]]
                if not isinstance(key, (int, str)) or len(values) < 2:
                    raise ValueError(f"bad counter row {row!r}")
                counter.entries[key] = values
        except (KeyError, TypeError) as exc:
            raise ValueError(f"bad counter state: {exc}") from exc
        return counter
