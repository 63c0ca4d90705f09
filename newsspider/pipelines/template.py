"""The template pipeline: learns each site's template, sets ``item.text``."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall

from newsspider.core.blocks import Page
from newsspider.core.cluster import merge_site_model
from newsspider.core.state import (
    StateError,
    StateStore,
    is_shared,
)
from newsspider.core.template import Observation, SiteModel, TemplateConfig
from newsspider.items import ArticleItem, identity
from newsspider.pipelines.store import load_state, state_store

logger = logging.getLogger(__name__)


TEMPLATE_NAMESPACE = "templates"


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

    In a cluster (a shared store, NEWSSPIDER_REDIS_URL) each site's model is merged into
    the shared one every NEWSSPIDER_REDIS_SYNC_PAGES pages learned and at close (see
    :func:`newsspider.core.cluster.merge_site_model`); a site still warming here adopts the
    shared model as soon as another worker has learned it (checked at most every
    NEWSSPIDER_REDIS_SYNC_SECONDS).
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
        self.shared = is_shared(store)
        self.sync_pages = max(1, crawler.settings.getint("NEWSSPIDER_REDIS_SYNC_PAGES"))
        self.sync_seconds = crawler.settings.getfloat("NEWSSPIDER_REDIS_SYNC_SECONDS")
        self.unsynced: dict[str, list[tuple[Page, str]]] = defaultdict(list)
        self._pulled: dict[str, float] = {}

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
            if self.shared:
                self._sync(site, final=True)
            else:
                self.store.save(TEMPLATE_NAMESPACE, site, model.to_dict())
        logger.info("template models saved for %d site(s)", len(self.models))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or item.page is None or not item.site:
            return item
        settled = getattr(self.crawler, "newsspider_dedup_settled", None)
        if settled is not None and settled(item):
            # A print, AMP or comment-page copy of an article emitted in this run: dedup
            # drops it whatever its text, so it is neither learned from nor cleaned.
            item.settled, item.page = True, None
            self.stats.inc_value("template/skipped_settled")
            return item
        site = item.site
        model = self._model(site)
        obs = model.observe(item.page, identity(item))
        if model.ready(obs):
            self._release_ready(site)
            cleaned = self._clean(item, model, obs)
            if self.shared and len(self.unsynced[site]) >= self.sync_pages:
                self._sync(site)
            return cleaned
        held = _Held(item, obs, Deferred())
        self.held[site].append(held)
        self.stats.inc_value("template/held")
        if self.shared and self._pulled.get(site, 0.0) + self.sync_seconds <= time.monotonic():
            self._sync(site)
        return await maybe_deferred_to_future(held.deferred)

    def site_states(self) -> dict[str, dict[str, Any]]:
        """Per site: "warming" or "learned", pages learned from, items held."""
        return {
            site: {
                "state": "warming" if model.warming else "learned",
                "pages": model.pages,
                "clusters": len(model.clusters),
                "held": len(self.held.get(site, [])),
            }
            for site, model in self.models.items()
        }

    # -- models --------------------------------------------------------------------------

    def _model(self, site: str) -> SiteModel:
        model = self.models.get(site)
        if model is None:
            model = self.models[site] = self._load(site)
        return model

    def _load(self, site: str) -> SiteModel:
        where = (TEMPLATE_NAMESPACE, site)
        told = (f"template state of {site}", "learning afresh")
        model = load_state(self.store, self.stats, "template", where, self._from_state, told)
        if model is None:
            return SiteModel(self.config)
        logger.info("template of %s loaded (%d pages learned)", site, model.pages)
        return model

    def _from_state(self, state: dict[str, Any]) -> SiteModel:
        return SiteModel.from_dict(state, self.config)

    def _sync(self, site: str, final: bool = False) -> None:
        """Merge what this worker learned of `site` into the shared model and adopt it
        (`final`: this worker's crawl is over, let the shared model learn from whatever
        pages it has, as :meth:`SiteModel.finalize` does)."""
        self._pulled[site] = time.monotonic()
        pages = self.unsynced.pop(site, [])
        try:
            merged = merge_site_model(self.store, site, self.config, pages, final)  # type: ignore[arg-type]
        except StateError as exc:
            self.stats.inc_value("template/shared/errors")
            logger.error("template of %s not shared: %s", site, exc)
            return
        self.stats.inc_value("template/shared/merged" if pages else "template/shared/pulled")
        if merged is None:
            return
        self.models[site] = merged
        for held in self.held.get(site, []):
            held.obs = merged.observe(held.item.page, identity(held.item))
        self._release_ready(site)

    def _clean(self, item: ArticleItem, model: SiteModel, obs: Observation) -> ArticleItem:
        page = obs.page
        if self.shared:
            self.unsynced[item.site or ""].append((page, identity(item)))
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
            if self.shared:
                self._sync(site)  # another worker may have learned the site meanwhile
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
