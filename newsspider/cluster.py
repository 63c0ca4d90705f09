"""Crawling with several workers on Redis: scrapy-redis plus what news crawling needs.

``-s NEWSSPIDER_REDIS_URL=redis://host:port/db`` switches a crawl to scrapy-redis (see
:meth:`newsspider.spiders.news.NewsSpider.update_settings`): every worker started with the
same URL and NEWSSPIDER_REDIS_CRAWL shares one request queue and one request-fingerprint
set, and (newsspider.pipelines) one template model per site and one dedup index.

scrapy-redis forgets a request once a worker pops it, so a worker that dies takes its
requests with it, and the shared fingerprint set keeps anyone from fetching them again.
:class:`ClusterScheduler` pops into an *in-flight* hash of the worker in the same Lua
script, and a request leaves that hash only when it is through: its page yielded nothing,
or the article it yielded was written or dropped. Each worker keeps a heartbeat key alive;
the others put back the in-flight requests of a worker whose heartbeat expired. The
article of such a request is emitted even if the dead worker had claimed it in the dedup
log *for that request* (log entries name the request that claimed them), since it never
reached that worker's feed.

Keys, under ``<NEWSSPIDER_REDIS_PREFIX>:crawl:<NEWSSPIDER_REDIS_CRAWL>:``: ``requests``
(scrapy-redis priority queue), ``dupefilter``, ``start_urls`` (a list anyone may push start
URLs to), ``sites``, ``workers``, ``worker:<id>`` (heartbeat), ``inflight:<id>``.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from typing import Any

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Response
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from newsspider.core.urls import site_of
from newsspider.items import ArticleItem
from newsspider.signals import request_failed

logger = logging.getLogger(__name__)

META_KEY = "newsspider_cluster"

# Pop the best request into this worker's in-flight hash, atomically.
_POP = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0)
if #found == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], ARGV[1], found[1])
return found[1]
"""

# Take over a dead worker's in-flight requests, unless its heartbeat came back.
_TAKE_OVER = """
if redis.call('EXISTS', KEYS[1]) == 1 then return {} end
local requests = redis.call('HGETALL', KEYS[2])
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return requests
"""


def crawl_key(settings: Any, name: str) -> str:
    """The Redis key `name` of this crawl (see the module docstring)."""
    prefix = settings.get("NEWSSPIDER_REDIS_PREFIX")
    return f"{prefix}:crawl:{settings.get('NEWSSPIDER_REDIS_CRAWL')}:{name}"


def cluster_settings(settings: Any) -> dict[str, Any]:
    """The Scrapy settings a Redis crawl needs (applied with "spider" priority, so the
    command line still wins)."""
    return {
        "SCHEDULER": "newsspider.cluster.ClusterScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_SERIALIZER": "newsspider.redisjson",  # JSON: pickle from Redis runs code
        "SCHEDULER_PERSIST": True,  # one worker finishing must not clear the others' queue
        "SCHEDULER_QUEUE_KEY": crawl_key(settings, "requests"),
        "SCHEDULER_DUPEFILTER_KEY": crawl_key(settings, "dupefilter"),
        "REDIS_URL": settings.get("NEWSSPIDER_REDIS_URL"),
    }


class ClusterScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler with in-flight tracking, take-over, heartbeats, shared
    start URLs and sites, and an idle rule that keeps a worker while others may still add
    requests. Stats: ``cluster/recovered`` (requests taken over), ``cluster/start_urls``.
    """

    crawler: Crawler
    _timer: LoopingCall | None
    _idle_since: float | None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterScheduler:
        scheduler: ClusterScheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        settings = crawler.settings
        scheduler.worker = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        scheduler.keys = {
            name: crawl_key(settings, name)
            for name in ("requests", "start_urls", "sites", "workers", "dupefilter")
        }
        scheduler.heartbeat_key = crawl_key(settings, f"worker:{scheduler.worker}")
        scheduler.inflight_key = crawl_key(settings, f"inflight:{scheduler.worker}")
        scheduler.ttl = max(2.0, settings.getfloat("NEWSSPIDER_REDIS_WORKER_TTL"))
        scheduler.max_idle = settings.getfloat("NEWSSPIDER_REDIS_MAX_IDLE")
        scheduler._tokens = 0
        scheduler._idle_since = None
        scheduler._timer = None
        # scrapy-redis's connection returns bytes (pickled requests); names and URLs are text.
        scheduler.text = redis.Redis.from_url(
            settings.get("NEWSSPIDER_REDIS_URL"), decode_responses=True, socket_timeout=30
        )
        scheduler._pop = scheduler.server.register_script(_POP)
        scheduler._take_over = scheduler.server.register_script(_TAKE_OVER)
        crawler.newsspider_cluster = scheduler  # type: ignore[attr-defined]
        for handler, signal in (
            (scheduler._on_idle, signals.spider_idle),
            (scheduler._on_item_done, signals.item_scraped),
            (scheduler._on_item_done, signals.item_dropped),
            (scheduler._on_item_done, signals.item_error),
            (scheduler._on_request_failed, request_failed),
        ):
            crawler.signals.connect(handler, signal=signal)
        return scheduler

    # -- life cycle ----------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        super().open(spider)
        self.text.sadd(self.keys["workers"], self.worker)
        self._beat()
        self._timer = LoopingCall(self._tick)
        self._timer.start(self.ttl / 3, now=False)
        logger.info(
            "cluster worker %s joined (%d request(s) queued, %d worker(s))",
            self.worker,
            len(self.queue),
            self.text.scard(self.keys["workers"]),
        )

    def close(self, reason: str) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self.text.delete(self.heartbeat_key)
        if reason != "finished":
            # Shut down early: leave the in-flight requests for the others to take over.
            logger.info("cluster worker %s left (%s)", self.worker, reason)
            return
        left = self.text.hlen(self.inflight_key)
        if left:
            # Every request popped should have been marked through by now.
            self.stats.set_value("cluster/inflight_left", left)
            logger.warning("%d request(s) never marked through", left)
        self.text.delete(self.inflight_key)
        self.text.srem(self.keys["workers"], self.worker)
        if not self._others_alive() and not len(self.queue):
            # The crawl is over: the next run under this crawl name starts afresh.
            self.text.delete(self.keys["dupefilter"], self.keys["sites"])
            logger.info("cluster crawl finished: request fingerprints cleared")

    # -- requests ------------------------------------------------------------------------

    def next_request(self) -> Request | None:
        self._tokens += 1
        token = str(self._tokens)
        encoded = self._pop(keys=[self.keys["requests"], self.inflight_key], args=[token])
        if not encoded:
            return None
        request: Request = self.queue._decode_request(encoded)
        record = dict(request.meta.get(META_KEY) or {})
        record["key"] = token
        record["origin"] = f"{self.worker}:{token}"
        request.meta[META_KEY] = record
        if site_of(request.url) not in self.spider.sites:
            self._refresh_sites()
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def done(self, record: dict[str, Any] | None) -> None:
        """The request behind `record` is through: forget it."""
        if record and record.get("key"):
            self.text.hdel(self.inflight_key, record["key"])

    def _on_request_failed(self, request: Request, **kwargs: Any) -> None:
        self.done(request.meta.get(META_KEY))

    def _on_item_done(self, item: Any, **kwargs: Any) -> None:
        if isinstance(item, ArticleItem):
            self.done(item.cluster)

    # -- heartbeat, take-over, shared start URLs and sites -------------------------------

    def _tick(self) -> None:
        self._beat()
        self._refresh_sites()
        self._recover()

    def _beat(self) -> None:
        self.text.set(self.heartbeat_key, str(time.time()), px=int(self.ttl * 1000))

    def _others_alive(self) -> list[str]:
        workers = self.text.smembers(self.keys["workers"]) - {self.worker}
        return [w for w in workers if self.text.exists(self._key(f"worker:{w}"))]

    def _recover(self) -> int:
        """Put back the in-flight requests of workers whose heartbeat expired."""
        recovered = 0
        for worker in self.text.smembers(self.keys["workers"]) - {self.worker}:
            keys = [
                self._key(f"worker:{worker}"),
                self._key(f"inflight:{worker}"),
                self.keys["workers"],
            ]
            taken = self._take_over(keys=keys, args=[worker])
            for token, encoded in zip(taken[::2], taken[1::2], strict=True):
                request = self.queue._decode_request(encoded)
                origin = f"{worker}:{token.decode() if isinstance(token, bytes) else token}"
                meta = {**request.meta, META_KEY: {"recovered": True, "from": origin}}
                self.queue.push(request.replace(dont_filter=True, meta=meta))
                recovered += 1
            if recovered:
                logger.warning(
                    "worker %s stopped beating: %d request(s) of it taken over",
                    worker,
                    recovered,
                )
        if recovered:
            self.stats.inc_value("cluster/recovered", recovered)
        return recovered

    def _refresh_sites(self) -> None:
        sites: set[str] = getattr(self.spider, "sites", set())
        if sites:
            self.text.sadd(self.keys["sites"], *sites)
        sites.update(self.text.smembers(self.keys["sites"]))

    def _key(self, name: str) -> str:
        return crawl_key(self.crawler.settings, name)

    def _start_urls(self) -> int:
        """Schedule the start URLs someone pushed to the crawl's ``start_urls`` list."""
        spider, count = self.spider, 0
        while (url := self.text.lpop(self.keys["start_urls"])) is not None:
            spider.sites.add(site_of(url))
            self._refresh_sites()
            request = Request(
                url, callback=spider.parse_start, errback=spider.on_error, dont_filter=True
            )
            self.crawler.engine.crawl(request)
            count += 1
        if count:
            self.stats.inc_value("cluster/start_urls", count)
            logger.info("%d start URL(s) taken from Redis", count)
        return count

    def _on_idle(self) -> None:
        """Stay while the crawl may still bring work; close when it cannot.

        Work may come from the shared queue, from start URLs pushed to Redis, from dead
        workers' requests, or from live workers whose pages in process may link to more
        pages: those are waited for up to NEWSSPIDER_REDIS_MAX_IDLE seconds (0: forever).
        """
        if self._start_urls() or self._recover() or len(self.queue):
            self._idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        waiting = now - self._idle_since
        patient = self.max_idle <= 0 or waiting < self.max_idle
        if waiting < self.ttl:
            raise DontCloseSpider  # a worker that just started may not have queued yet
        busy = [w for w in self._others_alive() if self.text.hlen(self._key(f"inflight:{w}"))]
        if busy and patient:
            raise DontCloseSpider  # their pages may link to more pages
        if not self.spider.sites and patient:
            raise DontCloseSpider  # no start URL yet: wait for one


class ClusterDownloaderMiddleware:
    """Marks a request through when its download failed for good (runs last of the
    downloader middlewares' exception handlers, after retries declined it), for requests
    without the spider's errback (which sends :data:`~newsspider.signals.request_failed`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterDownloaderMiddleware:
        if not crawler.settings.get("NEWSSPIDER_REDIS_URL"):
            raise NotConfigured("NEWSSPIDER_REDIS_URL is not set")
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        scheduler = getattr(self.crawler, "newsspider_cluster", None)
        if scheduler is not None:
            scheduler.done(request.meta.get(META_KEY))


class ClusterSpiderMiddleware:
    """Marks requests through when their page yields no article, and hands the in-flight
    record to the article otherwise (the scheduler forgets it once the item is written or
    dropped). Only with NEWSSPIDER_REDIS_URL."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterSpiderMiddleware:
        if not crawler.settings.get("NEWSSPIDER_REDIS_URL"):
            raise NotConfigured("NEWSSPIDER_REDIS_URL is not set")
        return cls(crawler)

    async def process_spider_output_async(self, response: Response, result: Any) -> Any:
        through = _Through(self, response.meta.get(META_KEY))
        async for output in result:
            yield through.hand(output)
        through.end()

    def process_spider_output(self, response: Response, result: Any) -> Any:
        through = _Through(self, response.meta.get(META_KEY))
        for output in result:
            yield through.hand(output)
        through.end()

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        self._done(response.meta.get(META_KEY))

    def _done(self, record: dict[str, Any] | None) -> None:
        scheduler = getattr(self.crawler, "newsspider_cluster", None)
        if scheduler is not None:
            scheduler.done(record)


class _Through:
    """One response's output on its way out: articles get the in-flight record; a page
    that yielded none is through when its output ends."""

    def __init__(self, middleware: ClusterSpiderMiddleware, record: dict[str, Any] | None):
        self.middleware = middleware
        self.record = record
        self.articles = 0

    def hand(self, output: Any) -> Any:
        if isinstance(output, ArticleItem) and self.record:
            output.cluster = dict(self.record)
            self.articles += 1
        return output

    def end(self) -> None:
        if not self.articles:
            self.middleware._done(self.record)
