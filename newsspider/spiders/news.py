"""The `news` spider: discovery and fetching only.

Start URLs may be homepages, sitemaps or sitemap indexes, robots.txt files or RSS/Atom
feeds; which one is told from the response, not the URL. The spider stays on the sites
(netlocs) it was given, follows links, and yields an :class:`ArticleItem` for article
pages only. Cleaning, metadata and dedup are the pipelines' work.

With no start URLs it serves the embedded demo news site on loopback and crawls that.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.settings import BaseSettings
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from newsspider.cluster import cluster_settings
from newsspider.core.blocks import PageParser
from newsspider.core.encoding import Decoded, decode_html
from newsspider.core.pagekind import is_article
from newsspider.core.urls import canonical_url, site_of
from newsspider.incremental import LISTING_DATE, PAGE_KIND, NotModified
from newsspider.items import ArticleItem, output_fields
from newsspider.signals import request_failed, url_variant

logger = logging.getLogger(__name__)

_IGNORED_SUFFIXES = tuple("." + ext for ext in IGNORED_EXTENSIONS)
_XML_SNIFF = 512
# NEWSSPIDER_MAX_SITEMAP_BYTES and NEWSSPIDER_LINK_MEMORY when built without a crawler.
_MAX_XML_BYTES = 50 * 1024 * 1024
_LINK_MEMORY = 100_000


class NewsSpider(Spider):
    """Crawl news sites from homepages, sitemaps, robots.txt or feeds; yield articles."""

    name = "news"

    def __init__(self, start_urls: str | list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(start_urls, str):
            start_urls = start_urls.split(",")
        self.start_urls = [u.strip() for u in start_urls or [] if u.strip()]
        self.sites: set[str] = set()
        self._demo: Any = None
        self.max_xml_bytes = _MAX_XML_BYTES
        self.sitemaps_from_robots = False
        self.link_memory = _LINK_MEMORY
        # Page links already followed: absolute URL -> the shallowest depth it was found at.
        self._followed: OrderedDict[str, int] = OrderedDict()
        self._parser = PageParser()  # remembers the site's class/id tokens across pages

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Add the default feed unless the command line (`-o`/`-O`) or a setting gave one."""
        super().update_settings(settings)
        debug = settings.getbool("NEWSSPIDER_DEBUG")
        if not settings.get("FEED_EXPORT_FIELDS"):
            settings.set("FEED_EXPORT_FIELDS", output_fields(debug), priority="spider")
        if settings.get("NEWSSPIDER_REDIS_URL"):
            for name, value in cluster_settings(settings).items():
                settings.set(name, value, priority="spider")
        if settings.getdict("FEEDS"):
            return
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%S-%fZ")
        uri = settings.get("NEWSSPIDER_FEED_URI") % {"name": cls.name, "time": stamp}
        settings.set(
            "FEEDS",
            {uri: {"format": "jsonlines", "encoding": "utf-8", "store_empty": True}},
            priority="spider",
        )
        settings.set("NEWSSPIDER_DEFAULT_FEED", uri, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_xml_bytes = crawler.settings.getint("NEWSSPIDER_MAX_SITEMAP_BYTES")
        spider.sitemaps_from_robots = crawler.settings.getbool("NEWSSPIDER_SITEMAPS_FROM_ROBOTS")
        spider.link_memory = crawler.settings.getint("NEWSSPIDER_LINK_MEMORY")
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        crawler.signals.connect(spider._on_robots, signal=signals.robots_parsed)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        """Requests for the start URLs (or the demo site's homepages)."""
        if not self.start_urls and self.settings.get("NEWSSPIDER_REDIS_URL"):
            logger.info("no start URL given: waiting for start URLs pushed to Redis")
            return
        urls = self.start_urls or self._start_demo()
        for url in urls:
            self.sites.add(site_of(url))
        logger.info("crawling %d start URL(s) on %d site(s)", len(urls), len(self.sites))
        for url in urls:
            yield Request(url, callback=self.parse_start, errback=self.on_error, dont_filter=True)

    # -- responses -----------------------------------------------------------------------

    def parse_start(self, response: Response) -> Iterable[Any]:
        """A start URL: dispatch on what the response is (robots, sitemap, feed or page)."""
        kind = response.meta[PAGE_KIND] = _response_kind(response)
        self.crawler.stats.inc_value(f"newsspider/start/{kind}")
        logger.info("start URL %s is a %s", response.url, kind)
        if kind == "robots":
            return self._parse_robots(response)
        if kind == "sitemap":
            return self.parse_sitemap(response)
        if kind == "feed":
            return self.parse_feed(response)
        return self._parse_page(response)

    def parse(self, response: Response) -> Iterable[Any]:
        """An HTML page: follow its in-scope links; yield it if it is an article.

        A link may lead to a feed or a sitemap too: those are read as such.
        """
        kind = response.meta[PAGE_KIND] = _response_kind(response)
        if kind == "sitemap":
            return self.parse_sitemap(response)
        if kind == "feed":
            return self.parse_feed(response)
        return self._parse_page(response)

    def _parse_page(self, response: Response) -> Iterable[Any]:
        stats = self.crawler.stats
        if not isinstance(response, TextResponse):
            stats.inc_value("newsspider/skipped/not_text")
            logger.info("not a text page, skipped: %s", response.url)
            return
        decoded = decode_html(response.body, response.headers.get(b"Content-Type"))
        self._note_encoding(response.url, decoded)
        page = self._parser.parse(decoded.text)
        if not page.blocks:
            stats.inc_value("newsspider/skipped/empty")
            logger.info("empty page, skipped: %s", response.url)
            return
        depth = response.meta.get("depth", 0)
        for href, _ in page.links:
            request = self._follow(response, href, self.parse, depth=depth)
            if request is not None:
                yield request
        article, reason = is_article(page, response.url)
        stats.inc_value(f"newsspider/pages/{'article' if article else 'other'}")
        logger.debug("%s: %s (%s)", response.url, "article" if article else "not article", reason)
        if article:
            yield ArticleItem(
                url=response.url,
                canonical_url=self._canonical(response.url, page.canonical),
                site=site_of(response.url),
                crawled_at=datetime.now(UTC).isoformat(timespec="seconds"),
                page=page,
            )

    def _note_encoding(self, url: str, decoded: Decoded) -> None:
        """Count where the page's encoding came from; report a wrong or undecodable one."""
        stats = self.crawler.stats
        stats.inc_value(f"newsspider/encoding/{decoded.source}")
        if decoded.overruled:
            stats.inc_value("newsspider/faults/bad_encoding")
            logger.info(
                "fault bad_encoding: %s (declared %s, decoded as %s from %s)",
                url,
                decoded.declared,
                decoded.encoding,
                decoded.source,
            )
        if decoded.lossy:
            stats.inc_value("newsspider/faults/undecodable")
            logger.warning("fault undecodable: %s (bytes invalid in %s)", url, decoded.encoding)

    def parse_sitemap(self, response: Response) -> Iterable[Request]:
        """A sitemap or sitemap index: follow its in-scope entries, with their ``lastmod``
        in ``meta["listing_date"]``."""
        body = self._xml_body(response)
        try:
            sitemap = Sitemap(body)
        except (etree.XMLSyntaxError, ValueError, TypeError) as exc:
            self.crawler.stats.inc_value("newsspider/errors/bad_sitemap")
            logger.warning("unreadable sitemap %s: %s", response.url, exc)
            return
        index = sitemap.type == "sitemapindex"
        response.meta[PAGE_KIND] = "sitemapindex" if index else "sitemap"
        callback = self.parse_start if index else self.parse
        for entry in sitemap:
            loc = entry.get("loc")
            request = self._follow(response, loc, callback, entry.get("lastmod")) if loc else None
            if request is not None:
                yield request

    def parse_feed(self, response: Response) -> Iterable[Request]:
        """An RSS or Atom feed: follow the links of its entries, with their dates (Atom
        ``updated`` or ``published``, RSS ``pubDate``) in ``meta["listing_date"]``."""
        parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
        try:
            root = etree.fromstring(self._xml_body(response), parser=parser)
        except etree.XMLSyntaxError as exc:
            root = None
            logger.debug("feed parse error %s: %s", response.url, exc)
        if root is None:
            self.crawler.stats.inc_value("newsspider/errors/bad_feed")
            logger.warning("unreadable feed %s", response.url)
            return
        response.meta[PAGE_KIND] = "feed"
        for link, date in _feed_entries(root):
            request = self._follow(response, link, self.parse, date)
            if request is not None:
                yield request

    def _parse_robots(self, response: Response) -> Iterable[Request]:
        text = response.text if isinstance(response, TextResponse) else ""
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "sitemap" and value.strip():
                request = self._follow(response, value.strip(), self.parse_start)
                if request is not None:
                    yield request
        parts = urlsplit(response.url)
        yield Request(
            f"{parts.scheme}://{parts.netloc}/", callback=self.parse, errback=self.on_fetch_error
        )

    def on_error(self, failure: Failure) -> None:
        """Count and log a start URL that could not be fetched."""
        if isinstance(failure.value, NotModified):
            self._failed(failure)
            return  # unchanged since the last run: nothing new there
        self.on_fetch_error(failure)
        request = getattr(failure, "request", None)
        self.crawler.stats.inc_value("newsspider/errors/start_url")
        logger.error("start URL failed: %s (%s)", getattr(request, "url", "?"), failure.value)

    def on_fetch_error(self, failure: Failure) -> None:
        """Count and log a download error no middleware reported (one raised while a
        response was processed, or any with NEWSSPIDER_FAULTS_ENABLED off), without the
        traceback Scrapy would log. Dropped requests (IgnoreRequest) were counted already.
        """
        self._failed(failure)
        if isinstance(failure.value, IgnoreRequest):
            return
        url = getattr(getattr(failure, "request", None), "url", "?")
        name = type(failure.value).__name__
        self.crawler.stats.inc_value(f"newsspider/faults/download_error/{name}")
        logger.warning("fault download_error/%s: %s (%s)", name, url, failure.value)

    # -- helpers -------------------------------------------------------------------------

    def _failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        if request is not None:
            self.crawler.signals.send_catch_log(
                signal=request_failed, request=request, failure=failure
            )

    def _xml_body(self, response: Response) -> bytes:
        """A sitemap's or feed's body, gunzipped; b"" past NEWSSPIDER_MAX_SITEMAP_BYTES."""
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.max_xml_bytes)
            except OSError:
                return b""
            except ValueError:  # Scrapy's _DecompressionMaxSizeExceeded: a gzip bomb
                return self._too_large(response)
        if self.max_xml_bytes and len(body) > self.max_xml_bytes:
            return self._too_large(response)
        return body

    def _too_large(self, response: Response) -> bytes:
        self.crawler.stats.inc_value("newsspider/errors/sitemap_too_large")
        logger.warning(
            "sitemap or feed %s is larger than NEWSSPIDER_MAX_SITEMAP_BYTES (%d B), skipped",
            response.url,
            self.max_xml_bytes,
        )
        return b""

    def _follow(
        self,
        response: Response,
        href: str,
        callback: Any,
        listed: str | None = None,
        depth: int | None = None,
    ) -> Request | None:
        """A request for `href` if it is an in-scope web page, in its canonical form;
        `listed` is the date a sitemap or feed gives it.

        A page link (`depth` given: the linking page's) already followed from a page no
        deeper is not requested again: the scheduler's duplicate filter would drop it, after
        canonicalizing, scoping, fingerprinting and the incremental check all ran for it
        again (most links of a page are its menus and teasers, met on every page).
        """
        href = href.strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:", "data:")):
            return None
        try:
            url = response.urljoin(href)
        except ValueError:
            self.crawler.stats.inc_value("newsspider/links/malformed")
            return None
        if depth is not None and self.link_memory > 0:
            if self._followed.get(url, depth + 1) <= depth:
                self.crawler.stats.inc_value("newsspider/links/repeated")
                return None
            self._followed[url] = depth
            self._followed.move_to_end(url)
            if len(self._followed) > self.link_memory:
                self._followed.popitem(last=False)
        return self._request(url, callback, listed)

    def _request(self, url: str, callback: Any, listed: str | None = None) -> Request | None:
        """A request for the absolute `url` in its canonical form, if it is in scope."""
        try:
            canonical = canonical_url(url)
        except ValueError:
            self.crawler.stats.inc_value("newsspider/links/malformed")
            return None
        parts = urlsplit(canonical)
        if parts.scheme not in ("http", "https"):
            return None
        if parts.netloc not in self.sites:
            self.crawler.stats.inc_value("newsspider/links/offsite")
            return None
        if parts.path.lower().endswith(_IGNORED_SUFFIXES):
            return None
        if canonical != url:
            self.crawler.stats.inc_value("newsspider/links/canonicalized")
            self.crawler.signals.send_catch_log(signal=url_variant, url=url, canonical=canonical)
        meta = {"link_url": url}
        if listed and listed.strip():
            meta[LISTING_DATE] = listed.strip()
        return Request(canonical, callback=callback, errback=self.on_fetch_error, meta=meta)

    def _canonical(self, url: str, declared: str) -> str:
        """The page's declared canonical URL when it is on the same site, else ours."""
        if declared:
            try:
                candidate = canonical_url(urljoin(url, declared))
            except ValueError:
                candidate = ""
            if candidate and site_of(candidate) == site_of(url):
                return candidate
        return canonical_url(url)

    def _on_robots(self, robotparser: Any, request: Request) -> None:
        """Read the sitemaps a site's robots.txt names (fetched by RobotsTxtMiddleware)."""
        if not self.sitemaps_from_robots or self.crawler.engine is None:
            return
        for url in _robots_sitemaps(robotparser):
            sitemap = self._request(url, self.parse_start)
            if sitemap is not None:
                # After the links at hand: the crawl finds pages in the order it did before
                # sitemaps were read (a wire copy's original first), the sitemap adds the rest.
                sitemap = sitemap.replace(priority=-1)
                self.crawler.stats.inc_value("newsspider/sitemaps_from_robots")
                self.crawler.engine.crawl(sitemap)

    def _start_demo(self) -> list[str]:
        from newsspider.demo.server import DemoServer

        self._demo = DemoServer()
        self._demo.start()
        logger.info("no start_urls given: crawling the demo news site %s", self._demo.start_urls)
        return list(self._demo.start_urls)

    def _on_closed(self, spider: Spider, reason: str) -> None:
        if self._demo is not None:
            self._demo.stop()
            self._demo = None
        _link_latest_feed(self.crawler.settings)


def _response_kind(response: Response) -> str:
    """What a start URL turned out to be: robots, sitemap, feed or page."""
    head = _xml_head(response).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    ctype = (response.headers.get(b"Content-Type") or b"").lower()
    if b"text/plain" in ctype and (b"user-agent" in head or b"sitemap:" in head):
        return "robots"
    return "page"


def _feed_entries(root: Any) -> list[tuple[str, str | None]]:
    """(link, date) of every RSS item and Atom entry; the date is None when absent."""
    entries: list[tuple[str, str | None]] = []
    for item in root.xpath("//*[local-name()='item']"):
        links = item.xpath("*[local-name()='link']/text()")
        dates = item.xpath("*[local-name()='pubDate' or local-name()='date']/text()")
        if links:
            entries.append((str(links[0]).strip(), str(dates[0]) if dates else None))
    for entry in root.xpath("//*[local-name()='entry']"):
        links = entry.xpath("*[local-name()='link'][not(@rel) or @rel='alternate']/@href")
        dates = entry.xpath("*[local-name()='updated']/text()")
        dates = dates or entry.xpath("*[local-name()='published']/text()")
        if links:
            entries.append((str(links[0]).strip(), str(dates[0]) if dates else None))
    return entries


def _robots_sitemaps(robotparser: Any) -> list[str]:
    """The Sitemap URLs of a parsed robots.txt (Protego's or the standard library's)."""
    parser = getattr(robotparser, "rp", None)
    found = getattr(parser, "sitemaps", None)
    site_maps = getattr(parser, "site_maps", None)
    if found is None and callable(site_maps):
        found = site_maps()
    return [str(url) for url in found or ()]


def _xml_head(response: Response) -> bytes:
    """The body's first bytes, gunzipped if it is gzip (only those bytes are inflated)."""
    body = response.body
    if body[:2] == b"\x1f\x8b":
        try:
            return zlib.decompressobj(wbits=31).decompress(body, _XML_SNIFF)
        except zlib.error:
            return b""
    return body[:_XML_SNIFF]


def _link_latest_feed(settings: BaseSettings) -> None:
    """Point NEWSSPIDER_LATEST_LINK at this run's default feed (runs never overwrite)."""
    feed, link = settings.get("NEWSSPIDER_DEFAULT_FEED"), settings.get("NEWSSPIDER_LATEST_LINK")
    if not feed or not link or not Path(feed).exists():
        return
    link_path, target = Path(link), Path(feed).resolve()
    tmp = link_path.with_name(link_path.name + ".tmp")
    try:
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(os.path.relpath(target, link_path.parent.resolve()))
        tmp.replace(link_path)
    except (OSError, ValueError) as exc:
        logger.warning("could not link %s to %s: %s", link, feed, exc)
