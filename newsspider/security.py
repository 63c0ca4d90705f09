"""Downloader middlewares that keep a crawl on its sites and off the machine's own network.

A crawler runs unattended and reads whatever the web sends it. These middlewares make sure a
page, a redirect, a sitemap or a feed cannot turn it against the machine it runs on:

* :class:`ScopeMiddleware` refuses, before anything is sent, every request (redirect hops
  included) that leaves the crawl's sites or whose host resolves to a loopback, private,
  link-local, multicast, reserved or unspecified address the user did not allow.
* :class:`PageLimitMiddleware` stops requesting a site's pages past
  NEWSSPIDER_MAX_PAGES_PER_SITE in one run, so a crawler trap (an endless calendar,
  faceted search) cannot keep a scheduled crawl running forever.

Address rules are pure and live in :mod:`newsspider.core.netpolicy`.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable, Collection, Sequence
from ipaddress import ip_address
from typing import Any, NoReturn, cast
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.reactor import is_reactor_installed
from twisted.internet.defer import Deferred

from newsspider.core.netpolicy import AddressPolicy, IPAddress, address_category, host_address
from newsspider.core.urls import site_of

logger = logging.getLogger(__name__)

BLOCKED = "newsspider/security/blocked/"

Resolver = Callable[[str], Awaitable[Sequence[IPAddress]]]


def downloader_resolver(timeout: float) -> Resolver:
    """Resolve a host name as the downloader will when it connects, without blocking.

    With a Twisted reactor (this project's setting) the name goes to the reactor's
    resolver, Scrapy's DNS_RESOLVER: a lookup in the reactor's thread pool, bounded by
    DNS_TIMEOUT and cached in Scrapy's DNS cache. The downloader then connects to that same
    cached address, so a DNS answer that changes between the check and the connection
    (DNS rebinding) finds no second lookup to change. Without a reactor, every address
    ``getaddrinfo`` returns is checked, in asyncio's executor.
    """

    async def resolve(host: str) -> Sequence[IPAddress]:
        if is_reactor_installed():
            from twisted.internet import reactor

            found: Deferred[str] = cast(Any, reactor).resolve(host, timeout=(timeout,))
            address: str = await maybe_deferred_to_future(found)
            return [ip_address(address)]
        loop = asyncio.get_running_loop()
        lookup = loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        infos = await asyncio.wait_for(lookup, timeout)
        return [ip_address(str(info[4][0])) for info in infos]

    return resolve


class ScopeMiddleware:
    """Refuses requests that leave the crawl's sites or lead to an address not allowed.

    Before a request is sent (every redirect hop comes back through ``process_request`` as
    a new request), it must:

    1. use http or https;
    2. be on one of the spider's sites, the host and port of its start URLs
       (``spider.sites``; for other spiders, the sites of ``spider.start_urls``);
    3. have a host whose address is public, or allowed: a start URL's host allows exactly
       the addresses it resolves to the first time (a start URL on 127.0.0.1 allows
       127.0.0.1, not 127.0.0.2), and NEWSSPIDER_ALLOWED_PRIVATE_NETWORKS lists more.

    After the download, the address actually connected to (``response.ip_address``) is
    judged again, so a DNS answer that changed after the check never reaches the spider.
    Requests through a proxy skip that second check (the peer is the proxy).

    A refused request raises IgnoreRequest, counts in ``newsspider/security/blocked/<reason>``
    (reasons: scheme, offsite, and the address categories of
    :func:`~newsspider.core.netpolicy.address_category`: loopback, private, link_local,
    multicast, reserved, unspecified) and logs one WARNING with its URL.
    """

    def __init__(self, crawler: Crawler, policy: AddressPolicy, resolve: Resolver) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.policy = policy
        self.resolve = resolve
        self._start_hosts: frozenset[str] = frozenset()
        self._resolved_start_hosts: set[str] = set()
        self._start_url_sites: frozenset[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        settings = crawler.settings
        policy = AddressPolicy.from_strings(settings.getlist("NEWSSPIDER_ALLOWED_PRIVATE_NETWORKS"))
        if policy.networks:
            logger.info("private networks allowed: %s", ", ".join(map(str, policy.networks)))
        return cls(crawler, policy, downloader_resolver(settings.getfloat("DNS_TIMEOUT")))

    async def process_request(self, request: Request) -> None:
        """Refuse `request` (IgnoreRequest) unless it is in scope and its address allowed."""
        parts = urlparse_cached(request)
        if parts.scheme not in ("http", "https"):
            self._refuse(request, "scheme")
        sites = self._sites()
        if sites and _site(request) not in sites:
            self._refuse(request, "offsite")
        host = parts.hostname or ""
        for address in await self._addresses(host):
            reason = self.policy.refusal(address)
            if reason is not None:
                self._refuse(request, reason, address)

    def process_response(self, request: Request, response: Response) -> Response:
        """Refuse a response from an address not allowed (the DNS answer changed)."""
        address = response.ip_address
        if address is not None and not request.meta.get("proxy"):
            reason = self.policy.refusal(address)
            if reason is not None:
                self._refuse(request, reason, address, connected=True)
        return response

    def _sites(self) -> Collection[str]:
        spider: Any = self.crawler.spider
        sites: Collection[str] | None = getattr(spider, "sites", None)
        if sites is None:
            if self._start_url_sites is None:
                urls = getattr(spider, "start_urls", ())
                self._start_url_sites = frozenset(site_of(url) for url in urls)
            sites = self._start_url_sites
        if sites and not self._start_hosts:
            self._start_hosts = frozenset(urlsplit("//" + site).hostname or "" for site in sites)
        return sites

    async def _addresses(self, host: str) -> Sequence[IPAddress]:
        literal = host_address(host)
        addresses = [literal] if literal is not None else await self.resolve(host)
        if host in self._start_hosts and host not in self._resolved_start_hosts:
            self._resolved_start_hosts.add(host)
            own = [a for a in addresses if address_category(a) is not None]
            if own:
                self.policy = self.policy.allowing(own)
                logger.info(
                    "start site host %s is at %s: allowed for this crawl",
                    host,
                    ", ".join(f"{a} ({address_category(a)})" for a in own),
                )
        return addresses

    def _refuse(
        self,
        request: Request,
        reason: str,
        address: IPAddress | None = None,
        connected: bool = False,
    ) -> NoReturn:
        self.stats.inc_value(BLOCKED + reason)
        if address is None:
            detail = reason
        elif connected:
            detail = f"connected to {reason} address {address}"
        else:
            detail = f"{reason} address {address}"
        origin = request.meta.get("redirect_urls")
        via = f", redirected from {origin[0]}" if origin else ""
        logger.warning("refused %s (%s%s)", request.url, detail, via)
        raise IgnoreRequest(f"refused ({detail}): {request.url}")


class PageLimitMiddleware:
    """Stops requesting a site's pages past NEWSSPIDER_MAX_PAGES_PER_SITE in one run.

    Every request about to be sent counts for its site (netloc), redirect hops and
    robots.txt included; retries of a request do not. Past the limit, the site's requests
    are refused (``newsspider/security/blocked/page_limit``), with one WARNING per site.
    0 disables the limit.
    """

    def __init__(self, crawler: Crawler, max_pages: int) -> None:
        self.stats = crawler.stats
        self.max_pages = max_pages
        self.counts: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageLimitMiddleware:
        max_pages = crawler.settings.getint("NEWSSPIDER_MAX_PAGES_PER_SITE")
        if max_pages <= 0:
            raise NotConfigured("NEWSSPIDER_MAX_PAGES_PER_SITE is 0: no page limit")
        return cls(crawler, max_pages)

    def process_request(self, request: Request) -> None:
        """Count `request` for its site; IgnoreRequest once the site is over its limit."""
        if request.meta.get("retry_times"):
            return
        site = _site(request)
        count = self.counts.get(site, 0)
        if count < self.max_pages:
            self.counts[site] = count + 1
            return
        self.stats.inc_value(BLOCKED + "page_limit")
        if count == self.max_pages:
            self.counts[site] = count + 1  # warn once per site
            logger.warning(
                "%s reached NEWSSPIDER_MAX_PAGES_PER_SITE (%d): its further requests are "
                "refused in this run, first %s",
                site,
                self.max_pages,
                request.url,
            )
        else:
            logger.debug("page limit of %s: refused %s", site, request.url)
        raise IgnoreRequest(f"page limit of {site} reached: {request.url}")


def _site(request: Request) -> str:
    """The request's site as the spider names sites (host and port), else its raw netloc."""
    try:
        return site_of(request.url)
    except ValueError:  # a URL canonical_url cannot read is no start site either
        return urlparse_cached(request).netloc
