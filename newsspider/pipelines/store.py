"""Where the pipelines keep learned state: Redis, a directory, or memory."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from newsspider.core.state import (
    LocalStateStore,
    MemoryStateStore,
    RedisStateStore,
    StateError,
    StateStore,
)

T = TypeVar("T")

logger = logging.getLogger(__name__)


def state_store(crawler: Crawler) -> StateStore:
    """Redis when NEWSSPIDER_REDIS_URL is set (one store per crawler, shared by its
    components), else the directory NEWSSPIDER_STATE_DIR names, else memory for this run."""
    settings = crawler.settings
    redis_url = settings.get("NEWSSPIDER_REDIS_URL")
    if redis_url:
        store = getattr(crawler, "newsspider_redis_store", None)
        if store is None:
            store = RedisStateStore(redis_url, settings.get("NEWSSPIDER_REDIS_PREFIX"))
            crawler.newsspider_redis_store = store  # type: ignore[attr-defined]
        return store
    state_dir = settings.get("NEWSSPIDER_STATE_DIR")
    return LocalStateStore(state_dir) if state_dir else MemoryStateStore()


def load_state(
    store: StateStore,
    stats: StatsCollector,
    component: str,
    where: tuple[str, str],
    build: Callable[[dict[str, Any]], T],
    told: tuple[str, str],
) -> T | None:
    """The state saved under `where` (namespace, key) rebuilt by `build`, or None.

    None when nothing was saved, or when what was saved is unusable: that is counted
    (``<component>/state_invalid``) and logged as "<told[0]> unusable, <told[1]>" (what
    the state is, what the component does instead).
    """
    try:
        state = store.load(*where)
        loaded = None if state is None else build(state)
    except (StateError, ValueError) as exc:
        stats.inc_value(f"{component}/state_invalid")
        logger.error("%s unusable, %s: %s", *told, exc)
        return None
    if loaded is not None:
        stats.inc_value(f"{component}/state_loaded")
    return loaded
