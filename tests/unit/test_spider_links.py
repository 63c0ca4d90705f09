"""The news spider's link following, without a crawl: which links of a page become requests."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newsspider import settings as project_settings
from newsspider.spiders.news import NewsSpider

MENU = '<ul><li><a href="/world/">World</a></li><li><a href="/sport/">Sport</a></li></ul>'


def make_spider(**settings: object) -> NewsSpider:
    defaults = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    crawler = get_crawler(NewsSpider, {**defaults, "FEEDS": {}, **settings})
    spider = NewsSpider.from_crawler(crawler, start_urls="http://news.example/")
    spider.sites.add("news.example")
    return spider


def followed(spider: NewsSpider, url: str, depth: int, links: str = MENU) -> list[str]:
    body = f"<html><body><nav>{links}</nav><p>Some words on the page.</p></body></html>"
    request = Request(url, meta={"depth": depth})
    response = HtmlResponse(url, body=body.encode(), encoding="utf-8", request=request)
    return [r.url for r in spider._parse_page(response) if isinstance(r, Request)]


def test_a_link_met_again_from_a_page_no_deeper_is_not_requested_again() -> None:
    spider = make_spider()
    menu = ["http://news.example/world/", "http://news.example/sport/"]
    assert followed(spider, "http://news.example/", 0) == menu
    assert followed(spider, "http://news.example/world/", 1) == []
    assert followed(spider, "http://news.example/sport/", 0) == []
    more = MENU + '<a href="/world/#top">World</a><a href="/culture/">Culture</a>'
    assert followed(spider, "http://news.example/sport/", 1, more) == [
        "http://news.example/world/",  # another spelling of a link: requested, the filter decides
        "http://news.example/culture/",
    ]
    assert spider.crawler.stats.get_value("newsspider/links/repeated") == 6


def test_a_link_met_from_a_shallower_page_is_requested_again() -> None:
    spider = make_spider()
    assert len(followed(spider, "http://news.example/a/", 3)) == 2
    assert len(followed(spider, "http://news.example/b/", 1)) == 2  # depth limits may differ
    assert followed(spider, "http://news.example/c/", 2) == []


def test_memory_is_bounded_and_can_be_turned_off() -> None:
    spider = make_spider(NEWSSPIDER_LINK_MEMORY=1)
    assert len(followed(spider, "http://news.example/", 0)) == 2
    assert len(followed(spider, "http://news.example/x/", 0)) == 2  # each pushed the other out
    assert len(spider._followed) == 1
    two = make_spider(NEWSSPIDER_LINK_MEMORY=2)
    assert len(followed(two, "http://news.example/", 0)) == 2
    assert followed(two, "http://news.example/x/", 0) == []
    off = make_spider(NEWSSPIDER_LINK_MEMORY=0)
    for _ in range(2):
        assert len(followed(off, "http://news.example/", 0)) == 2
