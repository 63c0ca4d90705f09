"""The baseline of bench/throughput.py: a bare Scrapy spider that does no cleaning.

    scrapy runspider bench/bare_spider.py -a start_urls=http://127.0.0.1:8001/,... -O out.jsonl

It follows every in-site link (same host and port as a start URL) and yields each HTML
page's URL and raw text, nothing else: the fastest a Scrapy crawl of the same site can go
with the same settings. Our item pipelines are switched off for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS

_IGNORED_SUFFIXES = tuple("." + ext for ext in IGNORED_EXTENSIONS)


class BareSpider(Spider):
    """Follow in-site links, yield ``{"url", "text"}`` per page."""

    name = "bare"
    # runspider inside the project loads its settings: keep everything but our pipelines.
    custom_settings = {"ITEM_PIPELINES": {}}

    def __init__(self, start_urls: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [u.strip() for u in start_urls.split(",") if u.strip()]
        self.sites = {urlsplit(u).netloc for u in self.start_urls}

    def parse(self, response: Response) -> Iterator[Any]:
        """Yield the page, then a request per in-site link."""
        if not isinstance(response, TextResponse):
            return
        yield {"url": response.url, "text": response.text}
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            parts = urlsplit(url)
            if (
                parts.scheme in ("http", "https")
                and parts.netloc in self.sites
                and not parts.path.lower().endswith(_IGNORED_SUFFIXES)
            ):
                yield Request(url, callback=self.parse)
