from __future__ import annotations

from newsspider.core.memo import Memo


def test_memo_computes_once_per_key_and_forgets_all_when_full() -> None:
    calls: list[str] = []

    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    memo = Memo(upper, size=2)
    assert [memo("a"), memo("a"), memo("b")] == ["A", "A", "B"]
    assert calls == ["a", "b"] and len(memo.entries) == 2
    assert memo("c") == "C" and memo.entries == {"c": "C"}  # full: forgotten, then kept
    assert memo("a") == "A" and calls == ["a", "b", "c", "a"]


def test_memo_of_size_zero_remembers_nothing() -> None:
    memo: Memo[int, int] = Memo(lambda n: n + 1, size=0)
    assert memo(1) == 2 and memo.entries == {}
