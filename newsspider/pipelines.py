"""Item pipelines: thin adapters from Scrapy items to newsspider.core, in the order they run.

1. :class:`TemplatePipeline` learns each site's template and cleans the article text.
2. :class:`DedupPipeline` drops articles already emitted under another URL or text.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall

from newsspider.core.blocks import normalize_text
from newsspider.core.state import LocalStateStore, MemoryStateStore, StateError, StateStore
from newsspider.core.template import Observation, SiteModel, TemplateConfig
from newsspider.items import ArticleItem

logger = logging.getLogger(__name__)

TEMPLATE_NAMESPACE = "templates"


def state_store(crawler: Crawler) -> StateStore:
    """The store NEWSSPIDER_STATE_DIR names, or memory for this run only."""
    state_dir = crawler.settings.get("NEWSSPIDER_STATE_DIR")
    return LocalStateStore(state_dir) if state_dir else MemoryStateStore()


@dataclass
class _Held:
    item: ArticleItem
    obs: Observation
    deferred: Deferred[ArticleItem]


class TemplatePipeline:
    """Learns each site's template from its pages and sets ``item.text`` to the article.

    Until a site's model has seen NEWSSPIDER_TEMPLATE_WARMUP_PAGES pages (or every page the
    crawl has of it), its items are held. Held items keep Scrapy's engine from going idle,
    so a timer checks whether the crawl has run dry and then releases them: no item is lost
    or held past the end of the crawl.
    """

    def __init__(
        self,
        crawler: Crawler,
        config: TemplateConfig,
        store: StateStore,
        check_interval: float,
        debug: bool,
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.store = store
        self.check_interval = check_interval
        self.debug = debug
        self.models: dict[str, SiteModel] = {}
        self.held: dict[str, list[_Held]] = defaultdict(list)
        self._dry_ticks = 0
        self._timer: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TemplatePipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSSPIDER_TEMPLATE_ENABLED"):
            raise NotConfigured("NEWSSPIDER_TEMPLATE_ENABLED is off")
        config = TemplateConfig(
            warmup_pages=settings.getint("NEWSSPIDER_TEMPLATE_WARMUP_PAGES"),
            max_entries=settings.getint("NEWSSPIDER_TEMPLATE_MAX_ENTRIES"),
        )
        pipeline = cls(
            crawler,
            config,
            state_store(crawler),
            settings.getfloat("NEWSSPIDER_WARMUP_CHECK_INTERVAL"),
            settings.getbool("NEWSSPIDER_DEBUG"),
        )
        crawler.signals.connect(pipeline._on_idle, signal=signals.spider_idle)
        return pipeline

    def open_spider(self) -> None:
        self._timer = LoopingCall(self._check_dry)
        self._timer.start(self.check_interval, now=False)

    def close_spider(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self._release_all("close")
        for site, model in self.models.items():
            self.store.save(TEMPLATE_NAMESPACE, site, model.to_dict())
        logger.info("template models saved for %d site(s)", len(self.models))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or item.page is None or not item.site:
            return item
        model = self._model(item.site)
        obs = model.observe(item.page)
        if model.ready(obs):
            self._release_ready(item.site)
            return self._clean(item, model, obs)
        held = _Held(item, obs, Deferred())
        self.held[item.site].append(held)
        self.stats.inc_value("template/held")
        return await maybe_deferred_to_future(held.deferred)

    # -- models --------------------------------------------------------------------------

    def _model(self, site: str) -> SiteModel:
        model = self.models.get(site)
        if model is None:
            model = self.models[site] = self._load(site)
        return model

    def _load(self, site: str) -> SiteModel:
        try:
            state = self.store.load(TEMPLATE_NAMESPACE, site)
            if state is not None:
                model = SiteModel.from_dict(state, self.config)
                self.stats.inc_value("template/state_loaded")
                logger.info("template of %s loaded (%d pages learned)", site, model.pages)
                return model
        except (StateError, ValueError) as exc:
            self.stats.inc_value("template/state_invalid")
            logger.error("template state of %s unusable, learning afresh: %s", site, exc)
        return SiteModel(self.config)

    def _clean(self, item: ArticleItem, model: SiteModel, obs: Observation) -> ArticleItem:
        page = obs.page
        title = item.title or page.meta.get("og:title") or page.title
        cleaned = model.clean(obs, title)
        item.text = cleaned.text
        self.stats.inc_value("template/blocks/kept", len(cleaned.kept))
        for reason, count in cleaned.reasons().items():
            self.stats.inc_value(f"template/dropped/{reason}", count)
        self.stats.inc_value(f"template/region/{cleaned.region}")
        if self.debug:
            item.debug = dict(item.debug or {})
            item.debug["template"] = {
                "region": cleaned.region,
                "cluster": obs.cluster,
                "dropped": [[reason, block.text[:120]] for reason, block in cleaned.dropped],
            }
        return item

    # -- releasing held items ------------------------------------------------------------

    def _release_ready(self, site: str) -> None:
        model = self.models[site]
        waiting = self.held.get(site, [])
        ready = [h for h in waiting if model.ready(h.obs)]
        if not ready:
            return
        self.held[site] = [h for h in waiting if not model.ready(h.obs)]
        for held in ready:
            held.deferred.callback(self._clean(held.item, model, held.obs))

    def _release_all(self, why: str) -> None:
        for site in list(self.held):
            if not self.held[site]:
                continue
            self.stats.inc_value(f"template/released_{why}", len(self.held[site]))
            logger.info(
                "%s: learning from the %d page(s) at hand (%s)",
                site,
                self.models[site].pages + len(self.held[site]),
                why,
            )
            self.models[site].finalize()
            self._release_ready(site)

    def _check_dry(self) -> None:
        """Release held items once the crawl cannot bring more pages (checked twice)."""
        if not any(self.held.values()):
            self._dry_ticks = 0
            return
        self._dry_ticks = self._dry_ticks + 1 if self._crawl_is_dry() else 0
        if self._dry_ticks >= 2:
            self._dry_ticks = 0
            self._release_all("crawl_dry")

    def _crawl_is_dry(self) -> bool:
        # Scrapy has no public "idle but for my items" test; these are the engine's own checks
        # (ExecutionEngine.spider_is_idle) minus the scraper's count of items in process.
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        scraper_slot = engine.scraper.slot if engine is not None else None
        if engine is None or slot is None or scraper_slot is None:
            return False
        if slot.closing is not None:
            return True  # closing (CLOSESPIDER_*, Ctrl-C) waits for held items to finish
        if engine.downloader.active:
            return False
        if scraper_slot.needs_backout():
            return True
        if getattr(engine, "_start", None) is not None or slot.scheduler.has_pending_requests():
            return False
        held = sum(len(h) for h in self.held.values())
        return not scraper_slot.queue and scraper_slot.itemproc_size <= held

    def _on_idle(self) -> None:
        self._release_all("idle")


class DedupPipeline:
    """Drops an article already emitted in this run under its canonical URL or its text."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.urls: dict[str, str] = {}
        self.texts: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        if not crawler.settings.getbool("NEWSSPIDER_DEDUP_ENABLED"):
            raise NotConfigured("NEWSSPIDER_DEDUP_ENABLED is off")
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        item.page = None
        item.fingerprint = text_fingerprint(item.text or "")
        key = item.canonical_url or item.url
        first = self.urls.get(key)
        if first is not None:
            self.stats.inc_value("dedup/dropped/url")
            raise DropItem(f"duplicate of {first} (url)")
        first = self.texts.get(item.fingerprint)
        if first is not None and item.text:
            self.stats.inc_value("dedup/dropped/exact")
            raise DropItem(f"duplicate of {first} (exact)")
        self.urls[key] = item.url
        self.texts[item.fingerprint] = item.url
        self.stats.inc_value("dedup/unique")
        return item


def text_fingerprint(text: str) -> str:
    """Digest of the text with case and whitespace folded: equal for equal articles."""
    return hashlib.sha1(normalize_text(text).lower().encode("utf-8")).hexdigest()
