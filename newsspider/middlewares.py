"""Downloader middlewares that survive faulty servers and pages, and make every fault visible.

Each fault is counted in the crawl stats as ``newsspider/faults/<name>`` and logged once,
with its URL; the request is then dropped with :class:`FaultIgnored` (an ``IgnoreRequest``,
so Scrapy logs no traceback and the spider's errback knows it was reported). Retries come
first: a fault is reported when :class:`RetryAfterMiddleware` has given up.

Faults, with the level they are logged at:

- ``http_<status>``: a final status outside 2xx (INFO for 404 and 410, else WARNING);
- ``empty``: a 2xx with an empty or blank body (WARNING);
- ``binary``: binary bytes served as text, e.g. a file as ``text/html`` (WARNING);
- ``too_large``: a body past DOWNLOAD_MAXSIZE, sent or gunzipped (WARNING; Scrapy's own
  line when it cancels the download);
- ``truncated_gzip``, ``bad_gzip``: a gzip body cut short, or not gzip (WARNING);
- ``download_error/<exception>``: no response after the retries, e.g.
  ``DownloadTimeoutError``, ``ResponseDataLossError`` (WARNING);
- ``redirect_loop``, ``redirect_chain``: a redirect back into its own chain, or past
  REDIRECT_MAX_TIMES hops (WARNING);
- ``retry_after_too_long``: a 429/503 asking to wait longer than NEWSSPIDER_RETRY_AFTER_MAX
  (WARNING);
- ``not_xml``, ``not_feed``: an XML or RSS/Atom content type over another body; the page is
  still read as a page (INFO).

The spider counts the faults it sees in pages: ``bad_encoding`` (a charset declaration
overruled, see :mod:`newsspider.core.encoding`) and ``undecodable``; its errback counts
``download_error/<exception>`` for errors raised after a download.

Settings: NEWSSPIDER_FAULTS_ENABLED (both fault middlewares), NEWSSPIDER_RETRY_AFTER_MAX.
"""

from __future__ import annotations

import logging
import zlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urldefrag, urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached
from w3lib.url import safe_url_string

from newsspider.core.encoding import header_charset, looks_binary

logger = logging.getLogger(__name__)

PREFIX = "newsspider/faults/"
_QUIET_STATUSES = frozenset({404, 410})
_FEED_TYPES = (b"rss", b"atom")
_GZIP = (b"gzip", b"x-gzip")
_CHUNK = 256 * 1024
_TOLERATED_ZLIB = ("incorrect data check", "incorrect length check")  # as Scrapy's gunzip


class FaultIgnored(IgnoreRequest):
    """A request dropped for a fault that was counted and logged already."""

    def __init__(self, fault: str, url: str) -> None:
        super().__init__(f"{fault}: {url}")
        self.fault = fault


def report_fault(
    stats: StatsCollector, fault: str, url: str, level: int = logging.WARNING, detail: str = ""
) -> FaultIgnored:
    """Count and log `fault` for `url`; return the exception that drops the request."""
    stats.inc_value(PREFIX + fault)
    logger.log(level, "fault %s: %s%s", fault, url, f" ({detail})" if detail else "")
    return FaultIgnored(fault, url)


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delay or HTTP date), None if unreadable.

    >>> retry_after_seconds(b"120"), retry_after_seconds("soon")
    (120.0, None)
    >>> now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now)
    30.0
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, waiting as long as a retried response's ``Retry-After``
    asks first (429 and 503 send it). A wait over NEWSSPIDER_RETRY_AFTER_MAX seconds is not
    retried at all: hammering a server that asked for an hour's rest helps no one. 0 ignores
    ``Retry-After`` (plain RetryMiddleware). Stats: ``newsspider/retry_after/waited``.
    """

    def __init__(self, settings: BaseSettings, max_wait: float = 0.0) -> None:
        super().__init__(settings)
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        settings = crawler.settings
        middleware = cls(settings, settings.getfloat("NEWSSPIDER_RETRY_AFTER_MAX"))
        middleware.crawler = crawler
        return middleware

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        header = response.headers.get(b"Retry-After")
        if (
            not self.max_wait
            or header is None
            or response.status not in self.retry_http_codes
            or request.meta.get("dont_retry", False)
        ):
            return super().process_response(request, response)
        wait = retry_after_seconds(header)
        stats = self.crawler.stats
        assert stats is not None
        if wait is not None and wait > self.max_wait:
            raise report_fault(stats, "retry_after_too_long", request.url, detail=f"{wait:.0f} s")
        retries_left = request.meta.get("retry_times", 0) < request.meta.get(
            "max_retry_times", self.max_retry_times
        )
        if wait and retries_left:
            stats.inc_value("newsspider/retry_after/waited")
            logger.debug("waiting %.1f s (Retry-After) to retry %s", wait, request.url)
            await sleep(wait)
        return super().process_response(request, response)


class FaultMiddleware:
    """Reports what reaches the spider broken, after redirects, decompression and retries:
    HTTP errors, empty and binary bodies, downloads that failed or grew too large, and
    XML or feed content types over other bodies.

    Runs below RetryAfterMiddleware (priority 540), so a fault is what the retries left.
    Statuses the request or spider accepts (``handle_httpstatus_list``,
    HTTPERROR_ALLOWED_CODES) are counted and passed on; robots.txt fetches are left to
    RobotsTxtMiddleware except their download errors, which would log a traceback.
    """

    def __init__(self, stats: StatsCollector, allowed: frozenset[int], allow_all: bool) -> None:
        self.stats = stats
        self.allowed = allowed
        self.allow_all = allow_all

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FaultMiddleware:
        settings = crawler.settings
        if not settings.getbool("NEWSSPIDER_FAULTS_ENABLED"):
            raise NotConfigured("NEWSSPIDER_FAULTS_ENABLED is off")
        assert crawler.stats is not None
        allowed = frozenset(int(c) for c in settings.getlist("HTTPERROR_ALLOWED_CODES"))
        return cls(crawler.stats, allowed, settings.getbool("HTTPERROR_ALLOW_ALL"))

    def process_response(self, request: Request, response: Response) -> Response:
        if _is_robots(request):
            return response
        if not 200 <= response.status < 300:
            return self._bad_status(request, response)
        if request.method == "HEAD":
            return response
        if not response.body or response.body.isspace():
            raise report_fault(self.stats, "empty", response.url)
        ctype = response.headers.get(b"Content-Type") or b""
        if isinstance(response, TextResponse) and _looks_binary(response.body, ctype):
            raise report_fault(self.stats, "binary", response.url, detail=ctype.decode("latin-1"))
        mismatch = _xml_mismatch(ctype.lower(), response.body)
        if mismatch:
            report_fault(self.stats, mismatch, response.url, logging.INFO, "read as a page")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return  # a decision (robots.txt, offsite, a fault) its maker counted
        if isinstance(exception, DownloadCancelledError):
            # Scrapy cancels a download past DOWNLOAD_MAXSIZE, and has logged it already.
            raise report_fault(self.stats, "too_large", request.url, logging.DEBUG)
        name = type(exception).__name__
        raise report_fault(self.stats, f"download_error/{name}", request.url, detail=str(exception))

    def _bad_status(self, request: Request, response: Response) -> Response:
        status = response.status
        level = logging.INFO if status in _QUIET_STATUSES else logging.WARNING
        retries = request.meta.get("retry_times", 0)
        detail = f"after {retries + 1} attempts" if retries else ""
        fault = report_fault(self.stats, f"http_{status}", response.url, level, detail)
        if self._accepted(request, status):
            return response
        raise fault

    def _accepted(self, request: Request, status: int) -> bool:
        meta = request.meta
        return (
            self.allow_all
            or meta.get("handle_httpstatus_all", False)
            or status in self.allowed
            or status in meta.get("handle_httpstatus_list", ())
        )


class RawFaultMiddleware:
    """Reports faults seen in the raw response, before RedirectMiddleware and
    HttpCompressionMiddleware act on it (priority 610): redirect loops, redirect chains
    longer than REDIRECT_MAX_TIMES (Scrapy would drop both silently), and gzip bodies that
    are cut short, not gzip, or unpack past DOWNLOAD_MAXSIZE (Scrapy would emit a truncated
    page, log a traceback, or unpack up to the limit first).
    """

    def __init__(self, stats: StatsCollector, max_redirects: int, max_size: int) -> None:
        self.stats = stats
        self.max_redirects = max_redirects
        self.max_size = max_size

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RawFaultMiddleware:
        settings = crawler.settings
        if not settings.getbool("NEWSSPIDER_FAULTS_ENABLED"):
            raise NotConfigured("NEWSSPIDER_FAULTS_ENABLED is off")
        assert crawler.stats is not None
        redirects = settings.getint("REDIRECT_MAX_TIMES")
        if not settings.getbool("REDIRECT_ENABLED"):
            redirects = 0
        return cls(crawler.stats, redirects, settings.getint("DOWNLOAD_MAXSIZE"))

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if location is not None and 300 <= response.status < 400:
            self._check_redirect(request, response, location)
        encodings = response.headers.getlist(b"Content-Encoding")
        if len(encodings) == 1 and encodings[0].strip().lower() in _GZIP and response.body:
            max_size = request.meta.get("download_maxsize", self.max_size)
            fault = gzip_fault(response.body, max_size)
            if fault:
                raise report_fault(self.stats, fault, response.url)
        return response

    def _check_redirect(self, request: Request, response: Response, location: bytes) -> None:
        meta = request.meta
        if (
            not self.max_redirects
            or meta.get("dont_redirect", False)
            or meta.get("handle_httpstatus_all", False)
            or response.status in meta.get("handle_httpstatus_list", ())
        ):
            return
        target = urldefrag(urljoin(request.url, safe_url_string(location)))[0]
        chain = [*meta.get("redirect_urls", ()), request.url]
        if target in {urldefrag(url)[0] for url in chain}:
            raise report_fault(self.stats, "redirect_loop", chain[0], detail=f"back to {target}")
        if meta.get("redirect_times", 0) >= self.max_redirects:
            hops = f"over {self.max_redirects} redirects"
            raise report_fault(self.stats, "redirect_chain", chain[0], detail=hops)


def gzip_fault(body: bytes, max_size: int = 0) -> str | None:
    """What is wrong with a gzip body, if anything: ``too_large`` past `max_size` bytes
    unpacked (0: no limit), ``truncated_gzip``, ``bad_gzip``. Bad checksums are tolerated,
    as Scrapy does. Unpacks in chunks: memory stays small whatever the body claims.

    >>> import gzip
    >>> data = gzip.compress(b"<p>hello</p>" * 100)
    >>> gzip_fault(data), gzip_fault(data[:20]), gzip_fault(b"junk"), gzip_fault(data, 100)
    (None, 'truncated_gzip', 'bad_gzip', 'too_large')
    """
    size, data = 0, body
    while data:
        inflater = zlib.decompressobj(31)
        try:
            while not inflater.eof:
                chunk = inflater.decompress(data, _CHUNK)
                size += len(chunk)
                if max_size and size > max_size:
                    return "too_large"
                data = inflater.unconsumed_tail
                if not chunk and not data:
                    return "truncated_gzip"
        except zlib.error as exc:
            return None if str(exc).endswith(_TOLERATED_ZLIB) else "bad_gzip"
        data = inflater.unused_data
        if not data.startswith(b"\x1f\x8b"):
            return None  # trailing bytes after the last member: ignored, as gzip does
    return None


def _is_robots(request: Request) -> bool:
    return bool(request.meta.get("dont_obey_robotstxt")) and (
        urlparse_cached(request).path == "/robots.txt"
    )


def _looks_binary(body: bytes, ctype: bytes) -> bool:
    charset = (header_charset(ctype) or "").lower().replace("-", "")
    return not charset.startswith(("utf16", "utf32")) and looks_binary(body)


def _xml_mismatch(ctype: bytes, body: bytes) -> str | None:
    """``not_feed``/``not_xml`` when an RSS-Atom / XML content type is over another body."""
    if b"xml" not in ctype or b"xhtml" in ctype or body[:2] == b"\x1f\x8b":
        return None
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(t in ctype for t in _FEED_TYPES):
        found = any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))
        return None if found else "not_feed"
    return None if head.startswith(b"<") and b"<html" not in head else "not_xml"
