"""Item pipelines: thin adapters from Scrapy items to newsspider.core, in the order they run.

1. :class:`TemplatePipeline` learns each site's template and cleans the article text.
2. :class:`MetadataPipeline` fills the metadata fields and removes the dateline from the text.
3. :class:`DedupPipeline` drops articles already emitted under another URL or text.
4. :class:`ValidationPipeline` drops (and counts) any record that breaks the output schema.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urldefrag

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall

from newsspider.core.blocks import Page
from newsspider.core.cluster import SharedDedup, merge_site_model
from newsspider.core.dedup import DedupConfig, DedupIndex, DuplicateRecord, Verdict
from newsspider.core.dedup import text_fingerprint as dedup_fingerprint
from newsspider.core.metadata import FIELDS, MetadataConfig, MetadataExtractor
from newsspider.core.neardup import NearConfig
from newsspider.core.profile import SiteProfile
from newsspider.core.state import (
    LocalStateStore,
    MemoryStateStore,
    RedisStateStore,
    StateError,
    StateStore,
    is_shared,
)
from newsspider.core.template import Observation, SiteModel, TemplateConfig
from newsspider.feeds import local_feed_paths, pending_feeds, read_feed, set_pending_feeds
from newsspider.items import ArticleItem
from newsspider.schema import ArticleValidator, article_record
from newsspider.signals import url_variant

logger = logging.getLogger(__name__)

TEMPLATE_NAMESPACE = "templates"


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


def identity(item: ArticleItem) -> str:
    """The name a page is learned and deduplicated under: its canonical URL."""
    return item.canonical_url or item.url


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
        self, crawler: Crawler, config: DedupConfig, store: StateStore, feed_path: str
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.store = store
        self.feed_path = feed_path
        self.index = DedupIndex(config)
        self.shared: SharedDedup | None = None
        self._feed: TextIO | None = None
        self._recorded: set[str] = set()
        self._pending: dict[str, list[str]] = defaultdict(list)

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
        pipeline = cls(crawler, config, state_store(crawler), feed_path)
        crawler.signals.connect(pipeline._on_variant, signal=url_variant)
        return pipeline

    def open_spider(self) -> None:
        if is_shared(self.store):
            # A cluster's record of what was emitted is the shared log, not local feeds.
            self.shared = SharedDedup(DedupIndex(self.config), self.store)  # type: ignore[arg-type]
            self.shared.open()
            self.index = self.shared.index
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
        try:
            state = self.store.load(self.NAMESPACE, self.KEY)
            if state is not None:
                index = DedupIndex.from_dict(state, self.config)
                self.stats.inc_value("dedup/state_loaded")
                logger.info("dedup index loaded: %d articles", len(index))
                return index
        except (StateError, ValueError) as exc:
            self.stats.inc_value("dedup/state_invalid")
            logger.error("dedup state unusable, starting afresh: %s", exc)
        return DedupIndex(self.config)


def text_fingerprint(text: str) -> str:
    """Digest of the text with case and whitespace folded: equal for equal articles."""
    return dedup_fingerprint(text)


class MetadataPipeline:
    """Fills an article's metadata fields from its page: title, dates, authors, agency,
    dateline, language, section, tags and images (see :mod:`newsspider.core.metadata`).

    Runs after the TemplatePipeline (it reads the cleaned ``item.text`` and removes the
    dateline line from it) and before dedup (which drops ``item.page``). Fields an earlier
    stage already set are kept. Each site's learned title affixes, keywords and share images
    stay in memory, for the NEWSSPIDER_METADATA_MAX_SITES sites seen most recently.
    Stats: ``metadata/<field>/<source>`` for the source that filled a field,
    ``metadata/<field>/missing`` for a field left empty.
    """

    def __init__(
        self, crawler: Crawler, config: MetadataConfig, max_sites: int, debug: bool
    ) -> None:
        self.stats = crawler.stats
        self.extractor = MetadataExtractor(config)
        self.max_sites = max(1, max_sites)
        self.debug = debug
        self.profiles: OrderedDict[str, SiteProfile] = OrderedDict()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MetadataPipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSSPIDER_METADATA_ENABLED"):
            raise NotConfigured("NEWSSPIDER_METADATA_ENABLED is off")
        config = MetadataConfig(
            near_blocks=settings.getint("NEWSSPIDER_METADATA_NEAR_BLOCKS"),
            min_year=settings.getint("NEWSSPIDER_METADATA_MIN_YEAR"),
        )
        return cls(
            crawler,
            config,
            settings.getint("NEWSSPIDER_METADATA_MAX_SITES"),
            settings.getbool("NEWSSPIDER_DEBUG"),
        )

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or item.page is None:
            return item
        meta = self.extractor.extract(item.page, item.url, item.text, self._profile(item))
        if item.text is not None:
            item.text = meta.text
        for name in FIELDS:
            if not getattr(item, name):
                setattr(item, name, getattr(meta, name))
            source = meta.sources.get(name) if getattr(meta, name) else None
            self.stats.inc_value(f"metadata/{name}/{source or 'missing'}")
        if self.debug:
            item.debug = dict(item.debug or {})
            item.debug["metadata"] = meta.debug()
        return item

    def _profile(self, item: ArticleItem) -> SiteProfile:
        """The site's profile, most recently used last; the least recent goes past the cap."""
        site = item.site or ""
        profile = self.profiles.get(site)
        if profile is None:
            profile = self.profiles[site] = SiteProfile()
            if len(self.profiles) > self.max_sites:
                self.profiles.popitem(last=False)
                self.stats.inc_value("metadata/profiles_evicted")
        self.profiles.move_to_end(site)
        return profile


class ValidationPipeline:
    """Validates every article against the output schema (:mod:`newsspider.schema`) just
    before it is written; an invalid one is logged (ERROR, with what is wrong), counted
    (``validation/invalid``, ``validation/invalid/<field>``) and dropped, never written
    broken. A record must also serialize to strict JSON in UTF-8, so a feed line always
    parses. Runs last (900). NEWSSPIDER_VALIDATION_ENABLED turns it off.
    """

    def __init__(self, crawler: Crawler, validator: ArticleValidator, debug: bool) -> None:
        self.stats = crawler.stats
        self.validator = validator
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSSPIDER_VALIDATION_ENABLED"):
            raise NotConfigured("NEWSSPIDER_VALIDATION_ENABLED is off")
        return cls(crawler, ArticleValidator(), settings.getbool("NEWSSPIDER_DEBUG"))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        record = article_record(item, self.debug)
        errors = self.validator.errors(record)
        try:
            json.dumps(record, ensure_ascii=False, allow_nan=False).encode("utf-8")
        except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
            errors.append(f"(record): not serializable as UTF-8 JSON: {exc}")
        if not errors:
            self.stats.inc_value("validation/valid")
            return item
        self.stats.inc_value("validation/invalid")
        for field_name in sorted({error.split(":", 1)[0].split(".", 1)[0] for error in errors}):
            self.stats.inc_value(f"validation/invalid/{field_name}")
        raise DropItem(f"invalid record {item.url}: {'; '.join(errors[:5])}", log_level="ERROR")
