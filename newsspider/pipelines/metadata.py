"""The metadata pipeline: title, dates, authors, agency, dateline, language, tags, images."""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsspider.core.metadata import FIELDS, MetadataConfig, MetadataExtractor
from newsspider.core.profile import SiteProfile
from newsspider.core.state import StateStore
from newsspider.items import ArticleItem
from newsspider.pipelines.store import load_state, state_store

logger = logging.getLogger(__name__)

PROFILE_NAMESPACE = "metadata"


class MetadataPipeline:
    """Fills an article's metadata fields from its page: title, dates, authors, agency,
    dateline, language, section, tags and images (see :mod:`newsspider.core.metadata`).

    Runs after the TemplatePipeline (it reads the cleaned ``item.text`` and removes the
    dateline line from it) and before dedup (which drops ``item.page``). Fields an earlier
    stage already set are kept. Each site's learned title affixes, keywords and share images
    (its profile) stay in memory for the NEWSSPIDER_METADATA_MAX_SITES sites seen most
    recently, and are saved in the state store (NEWSSPIDER_STATE_DIR, or Redis in a cluster,
    where the last worker to close writes it) when they leave memory and at the end of the
    run, so that the next run cuts a site's title affixes from its first page.
    Stats: ``metadata/<field>/<source>`` for the source that filled a field,
    ``metadata/<field>/missing`` for a field left empty, ``metadata/state_loaded`` and
    ``metadata/state_invalid`` for saved profiles read.
    """

    def __init__(
        self,
        crawler: Crawler,
        config: MetadataConfig,
        max_sites: int,
        debug: bool,
        store: StateStore | None = None,
    ) -> None:
        self.stats = crawler.stats
        self.extractor = MetadataExtractor(config)
        self.max_sites = max(1, max_sites)
        self.debug = debug
        self.store = store
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
            state_store(crawler),
        )

    def close_spider(self) -> None:
        for site, profile in self.profiles.items():
            self._save(site, profile)
        if self.store is not None and self.profiles:
            logger.info("site profiles saved for %d site(s)", len(self.profiles))

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
            profile = self.profiles[site] = self._load(site)
            if len(self.profiles) > self.max_sites:
                self._save(*self.profiles.popitem(last=False))
                self.stats.inc_value("metadata/profiles_evicted")
        self.profiles.move_to_end(site)
        return profile

    def _load(self, site: str) -> SiteProfile:
        if self.store is None or not site:
            return SiteProfile()
        told = (f"site profile of {site}", "learning afresh")
        where = (PROFILE_NAMESPACE, site)
        profile = load_state(self.store, self.stats, "metadata", where, SiteProfile.from_dict, told)
        return SiteProfile() if profile is None else profile

    def _save(self, site: str, profile: SiteProfile) -> None:
        if self.store is not None and site and profile.pages:
            self.store.save(PROFILE_NAMESPACE, site, profile.to_dict())
