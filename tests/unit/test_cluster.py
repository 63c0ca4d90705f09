"""Shared learning (newsspider.core.cluster) on an in-memory shared store and on Redis."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from newsspider.core.blocks import parse_page
from newsspider.core.cluster import (
    DEDUP_LOG,
    DEDUP_NAMESPACE,
    SharedDedup,
    merge_site_model,
    pack_text,
    unpack_text,
)
from newsspider.core.dedup import DedupIndex
from newsspider.core.state import LogTrimmed, MemoryStateStore, RedisStateStore, StateError
from newsspider.core.template import SiteModel, TemplateConfig

from ..redisserver import redis_server

STORY = " ".join(f"word{i} about the floods in the north" for i in range(40))


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


WORDS = "river bank mayor storm harvest council bridge school rail market port drought".split()


def words(n: int, count: int) -> str:
    rng = random.Random(n)
    return " ".join(rng.choice(WORDS) for _ in range(count))


def page(n: int, menu: str = "Home News Sports Contact") -> str:
    body, more = words(n, 60), words(n + 1000, 50)
    return (
        f"<html><body><nav><ul><li>{menu}</li></ul></nav>"
        f"<div class='post'><h1>{words(n + 2000, 6)}</h1><p>{body}.</p><p>{more}.</p></div>"
        f"<footer><p>All rights reserved, Example News</p></footer></body></html>"
    )


class RacingStore(MemoryStateStore):
    """A shared memory store that runs `before_append` once, just before an append: another
    worker's claim landing between a worker's check and its append."""

    def __init__(self) -> None:
        super().__init__(shared=True)
        self.before_append: Callable[[], object] | None = None

    def log_append_if(
        self, namespace: str, key: str, entries: list[dict[str, Any]], length: int
    ) -> bool:
        hook, self.before_append = self.before_append, None
        if hook is not None:
            hook()
        return super().log_append_if(namespace, key, entries, length)


def test_a_claim_landing_between_check_and_append_wins() -> None:
    store = RacingStore()
    a, b = SharedDedup(DedupIndex(), store), SharedDedup(DedupIndex(), store)
    a.open()
    b.open()
    store.before_append = lambda: a.claim("http://x/1", STORY)
    # b checked against an empty index ("new"), but a appended first: b's append is
    # refused, b reads a's entry and decides again.
    assert b.claim("http://y/copy", STORY).kind == "exact"
    assert b.retries == 1
    assert len(a.index) == len(b.index) == 1
    assert b.claim("http://x/2", STORY + " and a second story").kind in ("near", "exact")
    a.catch_up()
    assert a.cursor == b.cursor == 3


def test_replayed_log_gives_the_same_index() -> None:
    store = MemoryStateStore(shared=True)
    writer = SharedDedup(DedupIndex(), store)
    writer.open()
    for n in range(5):
        writer.claim(f"http://x/{n}", f"{STORY} {n} " + "unique words " * n)
    writer.snapshot()
    writer.claim("http://x/late", "A different story about an election in the south. " * 20)
    late = SharedDedup(DedupIndex(), store)
    late.open()  # snapshot at 5, then one log entry
    assert late.cursor == writer.cursor == 6
    assert late.index.to_dict() == writer.index.to_dict()


def test_log_entry_text_round_trips_and_bad_entries_are_skipped() -> None:
    text = "نص عربي مع English " * 30
    assert unpack_text(pack_text(text)) == text
    with pytest.raises(ValueError):
        unpack_text("not base64 zlib")
    store = MemoryStateStore(shared=True)
    store.log_append_if(DEDUP_NAMESPACE, DEDUP_LOG, [{"u": "http://x/1", "t": "%%%"}], 0)
    reader = SharedDedup(DedupIndex(), store)
    reader.open()
    assert reader.cursor == 1 and len(reader.index) == 0


def test_merged_template_counts_each_workers_pages_once() -> None:
    config = TemplateConfig(warmup_pages=4)
    store = MemoryStateStore(shared=True)
    workers = [SiteModel(config), SiteModel(config)]
    learned: list[list[tuple[object, str]]] = [[], []]
    for n in range(12):
        model = workers[n % 2]
        parsed = parse_page(page(n))
        obs = model.observe(parsed, f"http://x/{n}")
        learned[n % 2].append((parsed, f"http://x/{n}"))
        if n >= 8:
            assert model.ready(obs)
    first = merge_site_model(store, "x", config, learned[0])  # type: ignore[arg-type]
    second = merge_site_model(store, "x", config, learned[1])  # type: ignore[arg-type]
    assert first is not None and second is not None
    assert first.pages == 6 and second.pages == 12
    again = merge_site_model(store, "x", config, learned[1])  # type: ignore[arg-type]
    assert again is not None and again.pages == 12  # identities: nothing counted twice
    pulled = merge_site_model(store, "x", config, [])
    assert pulled is not None and pulled.pages == 12
    assert merge_site_model(store, "elsewhere", config, []) is None
    fresh = parse_page(page(99))
    cleaned = pulled.clean(pulled.observe(fresh, "http://x/99"))
    assert words(99, 60) in cleaned.text
    assert "All rights reserved" not in cleaned.text and "Home News" not in cleaned.text


def test_redis_guarded_writes(redis_url: str) -> None:
    store = RedisStateStore(redis_url, prefix="t1")
    assert store.load_versioned("templates", "a:1") == (None, 0)
    assert store.save_if("templates", "a:1", {"n": 1}, 0)
    assert not store.save_if("templates", "a:1", {"n": 2}, 0)  # someone saved meanwhile
    assert store.load_versioned("templates", "a:1") == ({"n": 1}, 1)
    store.save("templates", "a:1", {"n": 3})
    assert store.load_versioned("templates", "a:1") == ({"n": 3}, 2)
    assert store.log_append_if("dedup", "log", [{"i": 0}, {"i": 1}], 0)
    assert not store.log_append_if("dedup", "log", [{"i": 9}], 1)
    assert store.log_read("dedup", "log", 1) == [{"i": 1}]


@pytest.fixture(params=["memory", "redis"])
def shared_store(request: pytest.FixtureRequest, redis_url: str) -> Callable[[], Any]:
    """A factory of handles on one fresh shared store (each call: another worker's)."""
    if request.param == "memory":
        store = MemoryStateStore(shared=True)
        return lambda: store
    prefix = f"trim{random.randrange(10**9)}"
    return lambda: RedisStateStore(redis_url, prefix=prefix)


def test_a_trimmed_log_keeps_its_positions(shared_store: Callable[[], Any]) -> None:
    store = shared_store()
    assert store.log_append_if("dedup", "log", [{"i": i} for i in range(5)], 0)
    assert store.log_trim("dedup", "log", 3) == 3
    with pytest.raises(LogTrimmed) as trimmed:
        store.log_read("dedup", "log", 2)
    assert trimmed.value.first == 3
    assert store.log_read("dedup", "log", 3) == [{"i": 3}, {"i": 4}]
    assert not store.log_append_if("dedup", "log", [{"i": 5}], 2)
    assert store.log_append_if("dedup", "log", [{"i": 5}], 5)
    assert store.log_trim("dedup", "log", 99) == 6  # never past the end
    assert store.log_trim("dedup", "log", 1) == 6
    assert store.log_read("dedup", "log", 6) == []


def test_the_dedup_log_is_trimmed_behind_snapshots(shared_store: Callable[[], Any]) -> None:
    a = SharedDedup(DedupIndex(), shared_store(), snapshot_every=4, keep=2)
    behind = SharedDedup(DedupIndex(), shared_store(), snapshot_every=4, keep=2)
    a.open()
    behind.open()
    texts = [words(n, 300) for n in range(10)]
    assert [a.claim(f"http://x/{n}", text).kind for n, text in enumerate(texts)] == ["new"] * 10
    assert a.snapshot_cursor == 8
    with pytest.raises(LogTrimmed):
        a.store.log_read(DEDUP_NAMESPACE, DEDUP_LOG, 5)  # kept from 8 - 2 = 6 on
    assert behind.claim("http://y/3", texts[3]).kind == "exact"  # read the snapshot, then on
    assert behind.reloads == 1 and len(behind.index) == 10
    late = SharedDedup(DedupIndex(), shared_store())
    late.open()
    assert late.cursor == 11 and len(late.index) == 10
    assert late.claim("http://z/9", texts[9]).kind == "exact"


def test_a_trimmed_log_without_a_usable_snapshot_is_an_error_not_a_crash(
    shared_store: Callable[[], Any], caplog: pytest.LogCaptureFixture
) -> None:
    a = SharedDedup(DedupIndex(), shared_store(), snapshot_every=3, keep=0)
    a.open()
    for n in range(4):
        a.claim(f"http://x/{n}", words(n, 300))
    a.store.save(DEDUP_NAMESPACE, "snapshot", {"cursor": "x"})
    late = SharedDedup(DedupIndex(), shared_store())
    late.open()
    assert late.cursor == 4 and len(late.index) == 1  # the fourth, after the trimmed three
    assert "articles before 3 are not known" in caplog.text


def test_two_redis_workers_never_both_emit(redis_url: str) -> None:
    a = SharedDedup(DedupIndex(), RedisStateStore(redis_url, prefix="t2"))
    b = SharedDedup(DedupIndex(), RedisStateStore(redis_url, prefix="t2"))
    a.open()
    b.open()
    kinds = []
    for n in range(20):
        text = words(n, 300)
        kinds.append(a.claim(f"http://x/{n}", text).kind)
        kinds.append(b.claim(f"http://x/{n}?amp=1", text).kind)
    assert kinds.count("new") == 20
    assert set(kinds) == {"new", "exact"}


def test_unreachable_redis_is_a_clear_error(tmp_path: Path) -> None:
    from ..redisserver import free_port

    with pytest.raises(StateError, match="cannot reach Redis"):
        RedisStateStore(f"redis://127.0.0.1:{free_port()}/0")
