"""Feed writing that survives a killed crawl, and the record of what each run wrote.

A crawl killed with SIGKILL must not lose or repeat an article on restart. Scrapy's
exporters leave lines in Python's buffer, so :class:`DurableJsonLinesExporter` hands every
line to the OS in one write (a reader never sees half a line) before the item counts as
written. The feed files themselves are then the record of what was emitted:
:func:`pending_feeds` lists those written since the dedup index was last saved, and the
dedup pipeline replays them when a run starts after a crash.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scrapy.exporters import JsonLinesItemExporter
from scrapy.settings import BaseSettings

from newsspider.core.state import StateStore

logger = logging.getLogger(__name__)

RUNS_NAMESPACE = "runs"
_PENDING_KEY = "pending_feeds"


class DurableJsonLinesExporter(JsonLinesItemExporter):
    """JSON Lines with one write and one flush per item."""

    def export_item(self, item: Any) -> None:
        super().export_item(item)
        self.file.flush()


def local_feed_paths(settings: BaseSettings) -> list[Path]:
    """The local files the run's FEEDS write to (other storages are not replayed)."""
    paths = []
    for uri in settings.getdict("FEEDS"):
        text = str(uri)
        if text.startswith("file://"):
            paths.append(Path(text[len("file://") :]))
        elif "://" not in text:
            paths.append(Path(text))
    return [p.resolve() for p in paths]


def pending_feeds(store: StateStore) -> list[Path]:
    """Feeds written by runs that ended without saving their dedup index."""
    document = store.load(RUNS_NAMESPACE, _PENDING_KEY) or {}
    feeds = document.get("feeds", [])
    return [Path(p) for p in feeds if isinstance(p, str)]


def set_pending_feeds(store: StateStore, feeds: list[Path]) -> None:
    """Record the feeds whose items the saved dedup index does not hold yet."""
    store.save(RUNS_NAMESPACE, _PENDING_KEY, {"feeds": sorted({str(p) for p in feeds})})


def read_feed(path: Path) -> Iterator[dict[str, Any]]:
    """Every whole JSON object in a feed file; a torn last line is skipped."""
    try:
        handle = path.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        logger.warning("cannot replay feed %s: %s", path, exc)
        return
    with handle:
        for number, line in enumerate(handle, 1):
            try:
                item = json.loads(line)
            except ValueError:
                logger.warning("skipping unreadable line %d of %s", number, path)
                continue
            if isinstance(item, dict):
                yield item
