"""Hostile servers and pages: a real crawl of the fault site, and the fault middlewares,
retry pacing and output validation on their own."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    DropItem,
    IgnoreRequest,
    NotConfigured,
)
from scrapy.http import HtmlResponse, Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from newsspider import settings as project_settings
from newsspider.items import ArticleItem, output_fields
from newsspider.middlewares import (
    FaultIgnored,
    FaultMiddleware,
    RawFaultMiddleware,
    RetryAfterMiddleware,
    retry_after_seconds,
)
from newsspider.pipelines import ValidationPipeline
from newsspider.schema import ARTICLE_SCHEMA
from newsspider.spiders.news import NewsSpider

from .conftest import FAST, run_crawl
from .faultserver import ARTICLES, FAULTS, PRIVATE, FaultServer

PROJECT = {
    name: getattr(project_settings, name)
    for name in dir(project_settings)
    if name.startswith(("NEWSSPIDER_", "RETRY_", "REDIRECT_", "DOWNLOAD_"))
}
URL = "http://news.example/a.html"
# Scrapy itself logs a download cancelled past DOWNLOAD_MAXSIZE; the middleware only counts.
SCRAPY_LOGGED = {"/fault/huge.html", "/fault/huge-unannounced.html"}


# -- the crawl ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One crawl of the fault site, shared by the tests that read its output."""
    work = tmp_path_factory.mktemp("fault_crawl")
    out, log_file = work / "out.jsonl", work / "crawl.log"
    with FaultServer() as site:
        proc = run_crawl(
            ["-a", f"start_urls={site.url},{site.url}robots.txt", "-O", str(out),
             "-s", f"LOG_FILE={log_file}", "-s", "DOWNLOAD_TIMEOUT=1.5", *FAST],
            cwd=work,
            timeout=120,
        )  # fmt: skip
        requests = site.requests
    log = log_file.read_text(encoding="utf-8")
    stats = {k: int(v) for k, v in re.findall(r"^[{ ]'([^']+)': (\d+)[,}]?$", log, re.M)}
    return {"proc": proc, "out": out, "log": log, "stats": stats, "requests": requests}


def test_crawl_exits_cleanly(crawl: dict[str, Any]) -> None:
    assert crawl["proc"].returncode == 0, crawl["log"][-3000:]
    assert "Traceback" not in crawl["log"] and "Traceback" not in crawl["proc"].stderr
    assert "'finish_reason': 'finished'" in crawl["log"]


def test_every_servable_article_is_emitted_with_exact_text(crawl: dict[str, Any]) -> None:
    raw = crawl["out"].read_bytes()
    lines = raw.decode("utf-8").splitlines()  # strict: the feed is valid UTF-8
    items = [json.loads(line) for line in lines]
    assert all(isinstance(item, dict) for item in items)
    by_path = {item["url"].split("/", 3)[3]: item for item in items}
    assert sorted(by_path) == sorted(path.lstrip("/") for path in ARTICLES)
    for path, article in ARTICLES.items():
        item = by_path[path.lstrip("/")]
        assert item["text"] == article.text, path
        assert (item["title"], item["language"]) == (article.title, article.lang), path
        assert "\ufffd" not in json.dumps(item, ensure_ascii=False), path
    assert crawl["stats"]["validation/valid"] == len(items)
    assert "validation/invalid" not in crawl["stats"]


def test_every_fault_is_counted_and_logged_once(crawl: dict[str, Any]) -> None:
    stats, log = crawl["stats"], crawl["log"]
    missing = {path: counter for path, counter in FAULTS.items() if counter not in stats}
    assert not missing
    for path, counter in FAULTS.items():
        fault = counter.removeprefix("newsspider/faults/")
        mention = re.compile(re.escape(path) + r"(?![\w/-])")
        lines = [line for line in log.splitlines() if mention.search(line)]
        if path in SCRAPY_LOGGED:
            assert any("larger than download max size" in line for line in lines), path
        else:
            assert sum(f"fault {fault}: " in line for line in lines) == 1, (path, lines)
    assert stats["newsspider/faults/bad_encoding"] == 4  # the four lying charset headers
    assert "newsspider/faults/undecodable" not in stats
    assert stats["newsspider/links/malformed"] >= 1  # http://[::1 on the malformed-links page
    assert stats["urllength/request_ignored_count"] >= 1  # the 100,000-character href


def test_retries_honour_retry_after(crawl: dict[str, Any]) -> None:
    hits = [path for path, _ in crawl["requests"]]
    assert hits.count("/flaky/503-once.html") == 2  # a retry helped: the article is emitted
    assert hits.count("/fault/503.html") == hits.count("/fault/429.html") == 3
    assert hits.count("/fault/429-long-wait.html") == 1  # an hour's wait: not retried
    assert hits.count("/fault/404.html") == 1
    assert crawl["stats"]["newsspider/retry_after/waited"] >= 3


def test_crawl_is_polite(crawl: dict[str, Any]) -> None:
    requests = crawl["requests"]
    assert requests[0][0] == "/robots.txt"
    assert PRIVATE not in {path for path, _ in requests}  # disallowed by robots.txt
    assert {agent for _, agent in requests} == {project_settings.USER_AGENT}
    assert "newsspider" in project_settings.USER_AGENT
    assert project_settings.ROBOTSTXT_OBEY and project_settings.AUTOTHROTTLE_ENABLED
    assert project_settings.CONCURRENT_REQUESTS_PER_DOMAIN <= 4
    assert project_settings.DOWNLOAD_MAXSIZE <= 16 * 1024 * 1024


# -- middlewares on their own ---------------------------------------------------------------


def crawler_for(**settings: Any) -> Any:
    crawler = get_crawler(NewsSpider, settings_dict={**PROJECT, **settings})
    crawler.stats.open_spider()
    crawler.spider = NewsSpider.from_crawler(crawler)
    return crawler


def response(status: int = 200, body: bytes = b"<p>x</p>", **headers: str) -> Response:
    heads = {k.replace("_", "-"): v for k, v in headers.items()}
    return HtmlResponse(URL, status=status, body=body, headers=heads, request=Request(URL))


def stats_of(middleware: Any) -> dict[str, Any]:
    return dict(middleware.stats.get_stats())


def test_fault_middleware_drops_counted_faults() -> None:
    mw = build_from_crawler(FaultMiddleware, crawler_for())
    for resp, fault in [
        (response(404), "http_404"),
        (response(200, b"  \n"), "empty"),
        (response(200, bytes(range(256)) * 4), "binary"),
    ]:
        with pytest.raises(FaultIgnored):
            mw.process_response(Request(URL), resp)
        assert stats_of(mw)[f"newsspider/faults/{fault}"] == 1
    ok = response()
    assert mw.process_response(Request(URL), ok) is ok


def test_fault_middleware_passes_statuses_the_request_handles() -> None:
    mw = build_from_crawler(FaultMiddleware, crawler_for())
    request = Request(URL, meta={"handle_httpstatus_list": [410]})
    gone = response(410)
    assert mw.process_response(request, gone) is gone
    assert stats_of(mw)["newsspider/faults/http_410"] == 1


def test_fault_middleware_turns_download_errors_into_counted_drops() -> None:
    mw = build_from_crawler(FaultMiddleware, crawler_for())
    assert mw.process_exception(Request(URL), IgnoreRequest()) is None
    for exc, fault in [
        (DownloadTimeoutError("took too long"), "download_error/DownloadTimeoutError"),
        (DownloadCancelledError(), "too_large"),
    ]:
        with pytest.raises(FaultIgnored):
            mw.process_exception(Request(URL), exc)
        assert stats_of(mw)[f"newsspider/faults/{fault}"] == 1


def test_fault_middlewares_can_be_turned_off() -> None:
    crawler = crawler_for(NEWSSPIDER_FAULTS_ENABLED=False)
    for cls in (FaultMiddleware, RawFaultMiddleware):
        with pytest.raises(NotConfigured):
            build_from_crawler(cls, crawler)


def test_raw_fault_middleware_stops_loops_chains_and_broken_gzip() -> None:
    mw = build_from_crawler(RawFaultMiddleware, crawler_for(REDIRECT_MAX_TIMES=3))
    loop = Request(URL, meta={"redirect_urls": ["http://news.example/b"], "redirect_times": 1})
    chain = Request(URL, meta={"redirect_times": 3})
    zipped = gzip.compress(b"<p>hello</p>" * 1000)
    cases = [
        (loop, response(302, b"", Location="/b#top"), "redirect_loop"),
        (chain, response(302, b"", Location="/next"), "redirect_chain"),
        (Request(URL), response(200, zipped[:40], Content_Encoding="gzip"), "truncated_gzip"),
        (Request(URL), response(200, b"\x1f\x8bjunk", Content_Encoding="gzip"), "bad_gzip"),
    ]
    for request, resp, fault in cases:
        with pytest.raises(FaultIgnored):
            mw.process_response(request, resp)
        assert stats_of(mw)[f"newsspider/faults/{fault}"] == 1
    fine = response(200, zipped, Content_Encoding="gzip")
    assert mw.process_response(Request(URL), fine) is fine
    hop = response(302, b"", Location="/c")
    assert mw.process_response(Request(URL), hop) is hop


def test_gzip_bomb_is_refused_before_it_is_unpacked() -> None:
    mw = build_from_crawler(RawFaultMiddleware, crawler_for(DOWNLOAD_MAXSIZE=1000))
    bomb = response(200, gzip.compress(b" " * 100_000), Content_Encoding="gzip")
    with pytest.raises(FaultIgnored):
        mw.process_response(Request(URL), bomb)
    assert stats_of(mw)["newsspider/faults/too_large"] == 1


def test_retry_after_waits_then_retries_or_gives_up_on_long_waits() -> None:
    mw = build_from_crawler(RetryAfterMiddleware, crawler_for(NEWSSPIDER_RETRY_AFTER_MAX=5))
    retried = asyncio.run(mw.process_response(Request(URL), response(503, Retry_After="0.01")))
    assert isinstance(retried, Request) and retried.meta["retry_times"] == 1
    plain = asyncio.run(mw.process_response(Request(URL), response(500)))
    assert isinstance(plain, Request)
    with pytest.raises(FaultIgnored):
        asyncio.run(mw.process_response(Request(URL), response(429, Retry_After="3600")))
    stats = mw.crawler.stats.get_stats()
    assert stats["newsspider/faults/retry_after_too_long"] == 1
    assert stats["retry/count"] == 2


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(b"3", 3.0), ("  0 ", 0.0), ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0), ("-1", None), ("", None)],
)
def test_retry_after_seconds(value: str | bytes, seconds: float | None) -> None:
    assert retry_after_seconds(value) == seconds


def test_spider_errback_counts_errors_no_middleware_reported() -> None:
    spider = crawler_for().spider
    failure = Failure(DownloadTimeoutError("slow"))
    failure.request = Request(URL)  # type: ignore[attr-defined]
    spider.on_fetch_error(failure)
    spider.on_fetch_error(Failure(FaultIgnored("empty", URL)))  # counted where it was raised
    stats = spider.crawler.stats.get_stats()
    assert stats == {**stats, "newsspider/faults/download_error/DownloadTimeoutError": 1}
    assert not any("empty" in key for key in stats)


# -- output validation ----------------------------------------------------------------------


def valid_item(**fields: Any) -> ArticleItem:
    base: dict[str, Any] = {
        "url": URL, "canonical_url": URL, "site": "news.example", "title": "Rains return",
        "text": "Heavy rain fell.\nStreets flooded.", "published": "2018-01-22T09:22:00+00:00",
        "authors": ["Ann Lee"], "language": "en", "fingerprint": "a" * 40,
        "images": [{"url": "http://news.example/i.jpg", "caption": "Rain"}],
        "crawled_at": "2024-05-01T10:00:00+00:00",
    }  # fmt: skip
    return ArticleItem(**{**base, **fields})


def test_schema_documents_every_exported_field() -> None:
    assert set(ARTICLE_SCHEMA["properties"]) == set(output_fields(debug=True))


def test_validation_passes_valid_items_and_drops_broken_ones() -> None:
    pipe = build_from_crawler(ValidationPipeline, crawler_for())
    assert pipe.process_item(valid_item()) is not None
    broken = [
        valid_item(url="not a url"),
        valid_item(text="lone surrogate \ud800"),
        valid_item(published="22 January"),
        valid_item(authors=[None]),
        valid_item(language="english"),
        valid_item(crawled_at=None),
    ]
    for item in broken:
        with pytest.raises(DropItem):
            pipe.process_item(item)
    stats = pipe.stats.get_stats()
    assert (stats["validation/valid"], stats["validation/invalid"]) == (1, len(broken))
    assert stats["validation/invalid/url"] == stats["validation/invalid/text"] == 1
    debug = build_from_crawler(ValidationPipeline, crawler_for(NEWSSPIDER_DEBUG=True))
    with pytest.raises(DropItem):  # NaN is not JSON
        debug.process_item(valid_item(debug={"x": float("nan")}))


def test_validation_can_be_turned_off() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(ValidationPipeline, crawler_for(NEWSSPIDER_VALIDATION_ENABLED=False))
