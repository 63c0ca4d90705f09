"""Incremental reruns: with NEWSSPIDER_STATE_DIR, fetch only what is new or changed.

Two thin adapters around :class:`newsspider.core.incremental.FetchRecord` (one record per
site, namespace ``incremental`` of the state store):

- :class:`IncrementalMiddleware` (downloader) owns the records: it sends known URLs'
  validators (If-None-Match / If-Modified-Since), turns a 304 into a clean skip
  (:class:`NotModified`, ``incremental/not_modified``), records the validators of 2xx
  responses, and marks an article done when the pipelines have handled it: emitted
  (``item_scraped``, so a killed run never claims an article it did not write) or dropped
  after dedup judged it. Records are saved at close and every
  NEWSSPIDER_INCREMENTAL_SAVE_INTERVAL seconds, so a killed run loses little.
- :class:`IncrementalSpiderMiddleware` drops links before they are scheduled (so Scrapy's
  request dedup never hides a later, dated link to the same URL): articles already handled
  that no sitemap ``<lastmod>`` or feed date lists as newer (``incremental/skipped_unchanged``)
  and listing pages known from before beyond NEWSSPIDER_INCREMENTAL_REVISIT_DEPTH links of a
  start URL (``incremental/skipped_listing``). It also records what each page was (article,
  listing, sitemap, feed) for the next run.

The spider passes a link's listing date in ``request.meta["listing_date"]`` and what a
response was in ``response.meta["page_kind"]``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.settings import BaseSettings
from twisted.internet.task import LoopingCall

from newsspider.core.incremental import SKIPS, FetchRecord, parse_date
from newsspider.core.state import StateStore
from newsspider.core.urls import site_of
from newsspider.items import ArticleItem
from newsspider.pipelines.store import load_state, state_store

logger = logging.getLogger(__name__)

NAMESPACE = "incremental"
LISTING_DATE = "listing_date"
SKIP_ANSWERED = "skip_answered"
PAGE_KIND = "page_kind"


class NotModified(IgnoreRequest):
    """A conditional request answered 304: the page is as it was, nothing to do."""


class IncrementalMiddleware:
    """Conditional requests, 304 handling and the per-site fetch records (see module)."""

    def __init__(
        self, crawler: Crawler, store: StateStore, max_entries: int, save_interval: float
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = store
        self.max_entries = max_entries
        self.save_interval = save_interval
        self.records: dict[str, FetchRecord] = {}
        # Listing dates seen this run, committed when their article is handled.
        self._listed: dict[str, datetime] = {}
        # URLs answered this run: a link back to a start URL (requested with dont_filter,
        # so unknown to Scrapy's request dedup) is not fetched twice.
        self._answered: set[str] = set()
        self._dirty: set[str] = set()
        self._timer: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        settings = crawler.settings
        if not settings.getbool("NEWSSPIDER_INCREMENTAL_ENABLED"):
            raise NotConfigured("NEWSSPIDER_INCREMENTAL_ENABLED is off")
        if not _persistent(settings):
            raise NotConfigured("incremental reruns need NEWSSPIDER_STATE_DIR")
        middleware = cls(
            crawler,
            state_store(crawler),
            settings.getint("NEWSSPIDER_INCREMENTAL_MAX_URLS"),
            settings.getfloat("NEWSSPIDER_INCREMENTAL_SAVE_INTERVAL"),
        )
        crawler.signals.connect(middleware._on_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware._on_closed, signal=signals.spider_closed)
        crawler.signals.connect(middleware._on_scraped, signal=signals.item_scraped)
        crawler.signals.connect(middleware._on_dropped, signal=signals.item_dropped)
        return middleware

    # -- downloader middleware -----------------------------------------------------------

    def process_request(self, request: Request) -> None:
        if not _tracked(request):
            return
        headers = self.record(request.url).conditional_headers(request.url)
        if headers:
            for name, value in headers.items():
                request.headers.setdefault(name, value)
            self.stats.inc_value("incremental/conditional")

    def process_response(self, request: Request, response: Response) -> Response:
        if not _tracked(request):
            return response
        now = int(time.time())
        record = self.record(response.url)
        self._answered.update((request.url, response.url))
        if response.status == 304:
            self.stats.inc_value("incremental/not_modified")
            record.touch(response.url, now)
            record.record_listed(response.url, _listing_date(request), now)
            self._dirty.add(site_of(response.url))
            logger.debug("not modified: %s", response.url)
            raise NotModified(f"not modified: {response.url}")
        if 200 <= response.status < 300:
            record.record_response(
                response.url,
                _header(response, b"ETag"),
                _header(response, b"Last-Modified"),
                now,
            )
        elif response.status in (404, 410):
            record.record_kind(response.url, "gone", now)
        else:
            return response
        self._dirty.add(site_of(response.url))
        return response

    # -- records -------------------------------------------------------------------------

    def record(self, url: str) -> FetchRecord:
        """The fetch record of `url`'s site, loaded on first use."""
        site = site_of(url)
        record = self.records.get(site)
        if record is None:
            record = self.records[site] = self._load(site)
        return record

    def note_page(self, url: str, kind: str, canonical: str | None, dated: bool) -> None:
        """What the spider found `url` to be: `canonical` when it showed an article,
        `dated` when it listed links with dates."""
        now = int(time.time())
        record = self.record(url)
        if canonical:
            record.record_article_page(url, canonical, now)
        else:
            record.record_kind(url, kind, now)
        if dated and kind == "sitemap":
            record.dated_sitemap = True
        self._dirty.add(site_of(url))

    def decide(self, request: Request, depth: int, revisit_depth: int, trust_sitemap: bool) -> str:
        """The record's decision for a link (see FetchRecord.decide); skips keep the URL
        in use."""
        record = self.record(request.url)
        listed = _listing_date(request)
        if listed is not None:
            self._listed[request.url] = max(listed, self._listed.get(request.url, listed))
        if request.url in self._answered:
            return SKIP_ANSWERED
        decision = record.decide(request.url, listed, depth, revisit_depth, trust_sitemap)
        if decision in SKIPS:
            record.touch(request.url, int(time.time()))
        return decision

    def _load(self, site: str) -> FetchRecord:
        told = (f"fetch record of {site}", "fetching everything")
        where = (NAMESPACE, site)
        record = load_state(self.store, self.stats, "incremental", where, self._build, told)
        if record is None:
            return FetchRecord(self.max_entries)
        logger.info("fetch record of %s loaded: %d URL(s)", site, len(record))
        return record

    def _build(self, state: dict[str, Any]) -> FetchRecord:
        return FetchRecord.from_dict(state, self.max_entries)

    def save(self) -> None:
        """Save the records changed since the last save."""
        for site in sorted(self._dirty):
            record = self.records[site]
            if record.evicted:
                self.stats.inc_value("incremental/evicted", record.evicted)
                record.evicted = 0
            self.store.save(NAMESPACE, site, record.to_dict())
        self._dirty.clear()

    # -- signals -------------------------------------------------------------------------

    def _on_opened(self) -> None:
        if self.save_interval > 0:
            self._timer = LoopingCall(self.save)
            self._timer.start(self.save_interval, now=False)

    def _on_closed(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self.save()
        logger.info(
            "fetch records saved for %d site(s): %d URL(s)",
            len(self.records),
            sum(len(r) for r in self.records.values()),
        )

    def _on_scraped(self, item: Any, response: Response | None) -> None:
        self._done(item, response, "emitted")

    def _on_dropped(self, item: Any, response: Response | None) -> None:
        # A fingerprint means dedup judged the item: its index knows it from now on, so a
        # duplicate fetched again would only be dropped again. Earlier drops are not done.
        if getattr(item, "fingerprint", None):
            self._done(item, response, "dropped")

    def _done(self, item: Any, response: Response | None, state: str) -> None:
        if not isinstance(item, ArticleItem):
            return
        canonical = item.canonical_url or item.url
        dates = [self._listed.get(canonical), self._listed.get(item.url)]
        if response is not None and response.request is not None:
            dates.append(_listing_date(response.request))
        listed = max((d for d in dates if d is not None), default=None)
        self.record(canonical).record_done(canonical, state, listed, int(time.time()))
        self._dirty.add(site_of(canonical))


class IncrementalSpiderMiddleware:
    """Drops links not worth fetching before they are scheduled (see module)."""

    def __init__(self, crawler: Crawler, revisit_depth: int, trust_sitemaps: bool) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.revisit_depth = revisit_depth
        self.trust_sitemaps = trust_sitemaps
        self._owner: IncrementalMiddleware | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalSpiderMiddleware:
        settings = crawler.settings
        if not settings.getbool("NEWSSPIDER_INCREMENTAL_ENABLED"):
            raise NotConfigured("NEWSSPIDER_INCREMENTAL_ENABLED is off")
        if not _persistent(settings):
            raise NotConfigured("incremental reruns need NEWSSPIDER_STATE_DIR")
        return cls(
            crawler,
            settings.getint("NEWSSPIDER_INCREMENTAL_REVISIT_DEPTH"),
            settings.getbool("NEWSSPIDER_INCREMENTAL_TRUST_SITEMAPS"),
        )

    @property
    def owner(self) -> IncrementalMiddleware | None:
        """The downloader middleware holding the records (None when it is not enabled)."""
        if self._owner is None:
            self._owner = self.crawler.get_downloader_middleware(IncrementalMiddleware)
        return self._owner

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for request_or_item in start:  # start URLs are always (conditionally) fetched
            yield request_or_item

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        page = _PageOutput()
        for output in result:
            if self._keep(response, output, page):
                yield output
        self._note(response, page)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        page = _PageOutput()
        async for output in result:
            if self._keep(response, output, page):
                yield output
        self._note(response, page)

    def _keep(self, response: Response, output: Any, page: _PageOutput) -> bool:
        if isinstance(output, ArticleItem):
            page.canonical = output.canonical_url or output.url
        if not isinstance(output, Request):
            return True
        page.dated = page.dated or LISTING_DATE in output.meta
        owner = self.owner
        if owner is None or output.dont_filter:
            return True
        depth = response.meta.get("depth", 0) + 1
        decision = owner.decide(output, depth, self.revisit_depth, self.trust_sitemaps)
        self.stats.inc_value(f"incremental/links/{decision}")
        if decision in SKIPS or decision == SKIP_ANSWERED:
            self.stats.inc_value("incremental/" + decision.replace("skip_", "skipped_"))
            logger.debug("incremental %s: %s", decision, output.url)
            return False
        return True

    def _note(self, response: Response, page: _PageOutput) -> None:
        owner = self.owner
        if owner is None or not 200 <= response.status < 300:
            return
        kind = response.meta.get(PAGE_KIND, "page")
        for url in {*response.meta.get("redirect_urls", ()), response.url}:
            owner.note_page(url, kind, page.canonical, page.dated)


@dataclass
class _PageOutput:
    """What one response's callback yielded, as far as the fetch record cares."""

    canonical: str | None = None  # the article it showed
    dated: bool = False  # links with listing dates (a dated sitemap or feed)


def _persistent(settings: BaseSettings) -> bool:
    """Whether state outlives the run (a state dir, or a cluster's Redis store)."""
    return bool(settings.get("NEWSSPIDER_STATE_DIR") or settings.get("NEWSSPIDER_REDIS_URL"))


def _tracked(request: Request) -> bool:
    """Requests of the crawl itself (not robots.txt fetched by Scrapy's middleware)."""
    return request.callback is not NO_CALLBACK and not request.meta.get("dont_obey_robotstxt")


def _listing_date(request: Request | None) -> datetime | None:
    value = request.meta.get(LISTING_DATE) if request is not None else None
    return parse_date(value) if isinstance(value, str) else None


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
