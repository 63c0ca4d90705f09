"""Compact containers for per-article state that grows with a crawl (the dedup index).

A Python ``dict`` of int to int costs about 100 bytes an entry and a ``str`` about 50
bytes more than its characters; at 100,000 articles that is most of the index. These keep
the same data in flat arrays: a few bytes an entry, lookups by binary search.

    >>> table = StringTable()
    >>> table.append("http://a.example/1"), table.append("http://a.example/2")
    (0, 1)
    >>> table[1], len(table)
    ('http://a.example/2', 2)
    >>> ids = IntMap()
    >>> ids.setdefault(2**63 + 5, 7), ids.get(2**63 + 5), ids.get(3)
    (7, 7, None)
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

_MERGE_EVERY = 4096  # recent entries held in a dict before they join the sorted arrays


class StringTable:
    """Strings appended one by one, numbered from 0: UTF-8 in one buffer, end offsets."""

    def __init__(self, strings: Iterable[str] = ()) -> None:
        self._buffer = bytearray()
        self._ends: array[int] = array("Q")
        for text in strings:
            self.append(text)

    def append(self, text: str) -> int:
        """Store `text`; its number."""
        self._buffer += text.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._buffer))
        return len(self._ends) - 1

    def __getitem__(self, number: int) -> str:
        if not 0 <= number < len(self._ends):
            raise IndexError(number)
        start = self._ends[number - 1] if number else 0
        return self._buffer[start : self._ends[number]].decode("utf-8", "surrogatepass")

    def __len__(self) -> int:
        return len(self._ends)

    def __iter__(self) -> Iterator[str]:
        return (self[number] for number in range(len(self)))


class IntMap:
    """A map of 64-bit unsigned keys to 32-bit unsigned values (about 12 bytes an entry).

    New entries wait in a small dict and join two sorted arrays every few thousand.
    """

    def __init__(self, pairs: Iterable[tuple[int, int]] = ()) -> None:
        self._keys: npt.NDArray[np.uint64] = np.zeros(0, dtype=np.uint64)
        self._values: npt.NDArray[np.uint32] = np.zeros(0, dtype=np.uint32)
        self._recent: dict[int, int] = {}
        for key, value in pairs:
            self[key] = value

    def get(self, key: int) -> int | None:
        """The value of `key`, or None."""
        value = self._recent.get(key)
        if value is not None:
            return value
        position = self._position(key)
        return None if position is None else int(self._values[position])

    def __setitem__(self, key: int, value: int) -> None:
        position = self._position(key)
        if position is not None:
            self._values[position] = value
            return
        self._recent[key] = value
        if len(self._recent) >= _MERGE_EVERY:
            self._merge()

    def setdefault(self, key: int, value: int) -> int:
        """The value of `key`, stored as `value` first when absent."""
        found = self.get(key)
        if found is None:
            self[key] = value
            return value
        return found

    def __len__(self) -> int:
        return len(self._keys) + len(self._recent)

    def items(self) -> Iterator[tuple[int, int]]:
        """(key, value) pairs, in no particular order."""
        self._merge()
        return zip(self._keys.tolist(), self._values.tolist(), strict=True)

    def _position(self, key: int) -> int | None:
        if not len(self._keys):
            return None
        position = int(np.searchsorted(self._keys, np.uint64(key)))
        if position < len(self._keys) and int(self._keys[position]) == key:
            return position
        return None

    def _merge(self) -> None:
        if not self._recent:
            return
        keys = np.concatenate([self._keys, np.fromiter(self._recent, np.uint64, len(self._recent))])
        values = np.concatenate(
            [self._values, np.fromiter(self._recent.values(), np.uint32, len(self._recent))]
        )
        order = np.argsort(keys, kind="stable")
        self._keys, self._values = keys[order], values[order]
        self._recent = {}


class LineStore:
    """Per article, a short list of 32-bit line hashes, its first `core` of them marked.

    All lists share one flat array; a list that grows moves to the end, and the array is
    rewritten without the space left behind once that is half of it.
    """

    def __init__(self) -> None:
        self._flat: array[int] = array("I")
        self._starts: array[int] = array("Q")
        self._counts: array[int] = array("H")
        self._core: array[int] = array("H")
        self._wasted = 0

    def append(self, lines: Iterable[int], core: int) -> None:
        """Store the next article's lines, the first `core` of them its core."""
        block = array("I", lines)
        self._starts.append(len(self._flat))
        self._counts.append(len(block))
        self._core.append(min(core, len(block)))
        self._flat.extend(block)

    def get(self, article: int) -> tuple[array[int], int]:
        """(line hashes, how many of the first are the core) of `article`."""
        start = self._starts[article]
        return self._flat[start : start + self._counts[article]], self._core[article]

    def replace(self, article: int, lines: Iterable[int], core: int) -> None:
        """Give `article` another list."""
        block = array("I", lines)
        start, count = self._starts[article], self._counts[article]
        if len(block) <= count:
            self._flat[start : start + len(block)] = block
            self._wasted += count - len(block)
        else:
            self._starts[article] = len(self._flat)
            self._flat.extend(block)
            self._wasted += count
        self._counts[article] = len(block)
        self._core[article] = min(core, len(block))
        if self._wasted * 2 > len(self._flat):
            self._compact()

    def __len__(self) -> int:
        return len(self._starts)

    def flat(self) -> tuple[array[int], array[int], array[int]]:
        """(every list end to end, their lengths, their core lengths), for serializing."""
        self._compact()
        return self._flat, self._counts, self._core

    @classmethod
    def from_flat(cls, flat: array[int], counts: array[int], core: array[int]) -> LineStore:
        """The store :meth:`flat` describes; ValueError when the parts do not fit."""
        if len(counts) != len(core) or sum(counts) != len(flat):
            raise ValueError("line counts do not match the line hashes")
        if any(c > n for c, n in zip(core, counts, strict=True)):
            raise ValueError("core line counts out of range")
        store = cls()
        store._flat, store._counts, store._core = flat, counts, core
        position = 0
        for count in counts:
            store._starts.append(position)
            position += count
        return store

    def _compact(self) -> None:
        if not self._wasted:
            return
        flat: array[int] = array("I")
        for article in range(len(self._starts)):
            start = self._starts[article]
            self._starts[article] = len(flat)
            flat.extend(self._flat[start : start + self._counts[article]])
        self._flat, self._wasted = flat, 0
