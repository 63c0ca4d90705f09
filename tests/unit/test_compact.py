from __future__ import annotations

from array import array

import pytest

from newsspider.core.compact import IntMap, LineStore, StringTable


def test_strings_come_back_by_number() -> None:
    table = StringTable(["http://a.example/é", ""])
    assert table.append("http://b.example/\udcff") == 2  # a lone surrogate survives
    assert list(table) == ["http://a.example/é", "", "http://b.example/\udcff"]
    with pytest.raises(IndexError):
        table[3]


def test_int_map_keeps_the_last_value_across_merges() -> None:
    ids = IntMap()
    for key in range(10_000):
        ids[key * 7919 % 2**64] = key
    ids[7919] = 5
    assert ids.setdefault(7919, 9) == 5 and ids.get(2 * 7919) == 2 and ids.get(1) is None
    assert len(ids) == 10_000 and dict(ids.items())[7919] == 5
    assert IntMap([(2**64 - 1, 3)]).get(2**64 - 1) == 3


def test_line_lists_grow_shrink_and_serialize() -> None:
    store = LineStore()
    store.append([1, 2, 3], core=3)
    store.append([4], core=1)
    store.replace(0, [1, 2, 3, 5, 6], core=2)  # moves to the end
    store.replace(1, [], core=0)
    assert store.get(0) == (array("I", [1, 2, 3, 5, 6]), 2) and store.get(1) == (array("I"), 0)
    copy = LineStore.from_flat(*store.flat())
    assert [copy.get(i) for i in range(2)] == [store.get(i) for i in range(2)]
    with pytest.raises(ValueError, match="do not match"):
        LineStore.from_flat(array("I", [1]), array("H", [2]), array("H", [0]))
