"""Where the pipelines keep learned state: Redis, a directory, or memory."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

from newsspider.core.state import (
    LocalStateStore,
    MemoryStateStore,
    RedisStateStore,
    StateStore,
)

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
