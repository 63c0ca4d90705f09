"""The dedup pipeline: one record per article, every duplicate recorded."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urldefrag

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newsspider.core.cluster import SharedDedup
from newsspider.core.dedup import DedupConfig, DedupIndex, DuplicateRecord, Verdict
from newsspider.core.dedup import text_fingerprint as dedup_fingerprint
from newsspider.core.neardup import NearConfig
from newsspider.core.state import StateStore, is_shared
from newsspider.feeds import local_feed_paths, pending_feeds, read_feed, set_pending_feeds
from newsspider.items import ArticleItem, identity
from newsspider.pipelines.store import load_state, state_store
from newsspider.signals import url_variant

logger = logging.getLogger(__name__)


class DedupPipeline:
    """Emits each article once: drops URL, exact and near duplicates, records every one.

    Sets ``item.fingerprint``. The index persists under NEWSSPIDER_STATE_DIR (namespace
    ``dedup``), so a rerun emits only new articles and updates (``item.update``, with
    ``modified`` set to the crawl time when the page gave none). Every duplicate dropped is
    appended to NEWSSPIDER_DUPLICATES_FEED (JSON Lines: url, duplicate_of, kind,
    similarity), unless its URL is the emitted article's canonical URL itself (a rerun).
    A record's ``duplicate_of`` may later be recorded itself, as a duplicate of a copy
    published earlier but found later (``dedup/superseded``): follow the chain.

    Links the spider requested in their canonical form instead (:data:`url_variant`) are
    recorded too, once each per run, as duplicates of whatever their canonical URL turns
    out to be: at once when it is known, else when its page comes through this pipeline.
    A variant whose canonical page yields no article (a listing with tracking parameters)
    is not a duplicate of any article: it is only counted (``dedup/variants/unresolved``).
    """

    NAMESPACE = "dedup"
    KEY = "index"

    def __init__(
        self,
        crawler: Crawler,
        config: DedupConfig,
        store: StateStore,
        feed_path: str,
        log_limits: tuple[int, int] = (0, 10_000),
    ) -> None:
        self.crawler = crawler
        self.log_limits = log_limits  # shared log: (snapshot every, entries kept before it)
        self.stats = crawler.stats
        self.config = config
        self.store = store
        self.feed_path = feed_path
        self.shared: SharedDedup | None = None
        self._index = DedupIndex(config)
        self._feed: TextIO | None = None
        self._recorded: set[str] = set()
        self._pending: dict[str, list[str]] = defaultdict(list)

    @property
    def index(self) -> DedupIndex:
        """The index verdicts come from: in a cluster the shared one (which a worker left
        behind the trimmed log replaces by the snapshot's)."""
        return self.shared.index if self.shared is not None else self._index

    @index.setter
    def index(self, index: DedupIndex) -> None:
        self._index = index

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSSPIDER_DEDUP_ENABLED"):
            raise NotConfigured("NEWSSPIDER_DEDUP_ENABLED is off")
        near = NearConfig(
            shingle_size=settings.getint("NEWSSPIDER_DEDUP_SHINGLE_SIZE"),
            num_perm=settings.getint("NEWSSPIDER_DEDUP_NUM_PERM"),
            threshold=settings.getfloat("NEWSSPIDER_DEDUP_THRESHOLD"),
            min_shingles=settings.getint("NEWSSPIDER_DEDUP_MIN_SHINGLES"),
            max_size=settings.getint("NEWSSPIDER_DEDUP_NEAR_WINDOW"),
        )
        config = DedupConfig(
            near=near, prefer_earliest=settings.getbool("NEWSSPIDER_DEDUP_PREFER_EARLIEST")
        )
        feed_path = settings.get("NEWSSPIDER_DUPLICATES_FEED") or ""
        log_limits = (
            settings.getint("NEWSSPIDER_REDIS_SNAPSHOT_ENTRIES"),
            settings.getint("NEWSSPIDER_REDIS_LOG_KEEP"),
        )
        pipeline = cls(crawler, config, state_store(crawler), feed_path, log_limits)
        crawler.signals.connect(pipeline._on_variant, signal=url_variant)
        crawler.newsspider_dedup_settled = pipeline.settled  # type: ignore[attr-defined]
        return pipeline

    def open_spider(self) -> None:
        if is_shared(self.store):
            # A cluster's record of what was emitted is the shared log, not local feeds.
            self.shared = SharedDedup(
                DedupIndex(self.config),
                self.store,  # type: ignore[arg-type]
                *self.log_limits,
            )
            self.shared.open()
            logger.info("shared dedup index: %d articles", len(self.index))
        else:
            self.index = self._load()
            self._replay_unsaved_runs()
        if not self.feed_path:
            logger.warning("NEWSSPIDER_DUPLICATES_FEED is empty: duplicates are only counted")

    def close_spider(self) -> None:
        unresolved = sum(len(urls) for urls in self._pending.values())
        if unresolved:
            self.stats.inc_value("dedup/variants/unresolved", unresolved)
        if self.shared is not None:
            self.shared.snapshot()
            self.stats.set_value("dedup/shared/retries", self.shared.retries)
            self.stats.set_value("dedup/shared/reloads", self.shared.reloads)
        else:
            self.store.save(self.NAMESPACE, self.KEY, self.index.to_dict())
            set_pending_feeds(self.store, [])
        if self._feed is not None:
            self._feed.close()
            self._feed = None
        logger.info(
            "dedup index saved: %d articles (%d near-duplicate signatures); %d variant "
            "link(s) led to no article",
            len(self.index),
            len(self.index.near),
            unresolved,
        )

    def _replay_unsaved_runs(self) -> None:
        """Add what killed runs wrote to the index: their feeds are the record of it.

        The index is saved when a run closes; a run killed before that leaves its feed
        (written a whole line at a time, see newsspider.feeds) listed as pending. This
        run's feeds are listed too, until it closes.
        """
        feeds = pending_feeds(self.store)
        replayed = 0
        for path in feeds:
            for record in read_feed(path):
                url = record.get("canonical_url") or record.get("url")
                if isinstance(url, str) and url:
                    text, published = record.get("text"), record.get("published")
                    verdict = self.index.check(
                        url,
                        text if isinstance(text, str) else "",
                        published if isinstance(published, str) else None,
                    )
                    self.index.add(url, verdict)
                    replayed += 1
        if replayed:
            self.stats.inc_value("dedup/replayed", replayed)
            logger.warning(
                "an earlier run ended without saving its dedup index: %d article(s) "
                "replayed from %d feed(s)", replayed, len(feeds),
            )  # fmt: skip
        set_pending_feeds(self.store, feeds + local_feed_paths(self.crawler.settings))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        canonical = identity(item)
        found = self.index.resolve(canonical) if item.settled else None
        if found is not None:
            self._resolve_variants(canonical)
            # Judged by URL before cleaning: the texts were not compared.
            similarity = None if found.kind == "url" else found.similarity
            self.stats.inc_value("dedup/settled")
            self.stats.inc_value(f"dedup/{found.kind}")
            self._drop(item, Verdict(found.kind, found.duplicate_of, similarity))
        if self.shared is not None:
            origin = (item.cluster or {}).get("origin")
            verdict = self.shared.claim(canonical, item.text or "", item.published, origin)
        else:
            verdict = self.index.check(canonical, item.text or "", item.published)
            self.index.add(canonical, verdict)
        item.fingerprint = verdict.fingerprint
        item.page = None
        self._resolve_variants(canonical)
        if verdict.is_duplicate and self._lost_claim(item, canonical, verdict):
            self.stats.inc_value("dedup/recovered")
            logger.info("re-emitting %s: its worker died before writing it", canonical)
        elif verdict.is_duplicate:
            self._drop(item, verdict)
        if verdict.superseded is not None:
            self.stats.inc_value("dedup/superseded")
            self._write(verdict.superseded)
        if verdict.kind == "update":
            item.update = True
            item.modified = item.modified or item.crawled_at
        self.stats.inc_value(f"dedup/{verdict.kind}")
        return item

    def settled(self, item: ArticleItem) -> bool:
        """Whether the item's verdict is known before its page is cleaned (see
        :meth:`DedupIndex.settled`). A request taken over from a dead worker is never
        settled: its article may have been claimed and not written."""
        if item.cluster and item.cluster.get("recovered"):
            return False
        return self.index.settled(identity(item))

    def _lost_claim(self, item: ArticleItem, canonical: str, verdict: Verdict) -> bool:
        """Whether this article was claimed by a worker that died before writing it: its
        request came back from the dead worker's in-flight list (newsspider.cluster), so
        that worker never saw its item through to the feed, and the claim in the log is
        that very request's."""
        taken_from = (item.cluster or {}).get("from")
        if self.shared is None or not taken_from or verdict.kind != "url":
            return False
        return verdict.duplicate_of == canonical and self.shared.claimed_by(canonical) == taken_from

    def _drop(self, item: ArticleItem, verdict: Verdict) -> None:
        self.stats.inc_value(f"dedup/dropped/{verdict.kind}")
        if item.url == verdict.duplicate_of:
            # The canonical URL itself again (a rerun, or another rendering came first):
            # the feed has it already, there is no other URL to record.
            self.stats.inc_value("dedup/seen_again")
            raise DropItem("already emitted", log_level="DEBUG")
        duplicate_of = verdict.duplicate_of or item.canonical_url or item.url
        self._write(DuplicateRecord(item.url, duplicate_of, verdict.kind, verdict.similarity))
        raise DropItem(f"{verdict.kind} duplicate of {verdict.duplicate_of}", log_level="DEBUG")

    # -- URL variants --------------------------------------------------------------------

    def _on_variant(self, url: str, canonical: str) -> None:
        if url in self._recorded or urldefrag(url)[0] == canonical:
            return  # seen, or a fragment of the page: not another URL
        self._recorded.add(url)
        found = self.index.resolve(canonical)
        if found is None:
            self._pending[canonical].append(url)
        else:
            self._write_variant(url, found)

    def _resolve_variants(self, canonical: str) -> None:
        urls = self._pending.pop(canonical, [])
        found = self.index.resolve(canonical) if urls else None
        if found is not None:
            for url in urls:
                self._write_variant(url, found)

    def _write_variant(self, url: str, found: DuplicateRecord) -> None:
        self.stats.inc_value("dedup/variants")
        self._write(DuplicateRecord(url, found.duplicate_of, found.kind, found.similarity))

    # -- output and state ----------------------------------------------------------------

    def _write(self, record: DuplicateRecord) -> None:
        """Append one record to the duplicates feed, flushed at once."""
        self._recorded.add(record.url)
        self.stats.inc_value("dedup/recorded")
        if not self.feed_path:
            return
        if self._feed is None:
            path = Path(self.feed_path)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._feed = path.open("a", encoding="utf-8")
        self._feed.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        self._feed.flush()

    def _load(self) -> DedupIndex:
        where = (self.NAMESPACE, self.KEY)
        told = ("dedup state", "starting afresh")
        index = load_state(self.store, self.stats, "dedup", where, self._from_state, told)
        if index is None:
            return DedupIndex(self.config)
        logger.info("dedup index loaded: %d articles", len(index))
        return index

    def _from_state(self, state: dict[str, Any]) -> DedupIndex:
        return DedupIndex.from_dict(state, self.config)


def text_fingerprint(text: str) -> str:
    """Digest of the text with case and whitespace folded: equal for equal articles."""
    return dedup_fingerprint(text)
