"""The fetch record: what a rerun fetches, skips or asks conditionally, and its state."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from newsspider.core.incremental import (
    CHANGED,
    LISTING,
    NEW,
    NOT_DONE,
    SKIP_GONE,
    SKIP_LISTING,
    SKIP_UNCHANGED,
    FetchRecord,
    parse_date,
)

SITE = "http://news.example"
ARTICLE = SITE + "/2018/12/29/story/"
PRINT = SITE + "/print/7"
SECTION = SITE + "/world/"
PAGE_2 = SITE + "/world/?page=2"
SITEMAP = SITE + "/sitemap.xml"
LAST_MODIFIED = "Sat, 29 Dec 2018 10:00:00 GMT"


def day_one() -> FetchRecord:
    """A record as the first run leaves it: an article emitted (and its print page seen),
    a section with its second page, a sitemap, a removed page."""
    record = FetchRecord(max_entries=100)
    record.record_response(ARTICLE, '"v1"', LAST_MODIFIED, now=100)
    record.record_article_page(ARTICLE, ARTICLE, now=100)
    record.record_response(PRINT, '"v1"', LAST_MODIFIED, now=101)
    record.record_article_page(PRINT, ARTICLE, now=101)
    record.record_done(ARTICLE, "emitted", parse_date("2018-12-29T10:00:00+00:00"), now=102)
    for url in (SECTION, PAGE_2):
        record.record_response(url, '"list"', None, now=103)
        record.record_kind(url, "page", now=103)
    record.record_response(SITEMAP, None, LAST_MODIFIED, now=104)
    record.record_kind(SITEMAP, "sitemap", now=104)
    record.record_kind(SITE + "/gone", "gone", now=105)
    return record


def rerun(record: FetchRecord) -> FetchRecord:
    """The record as the next run loads it: through JSON."""
    return FetchRecord.from_dict(json.loads(json.dumps(record.to_dict())), record.max_entries)


def test_an_emitted_article_is_skipped_unless_a_listing_dates_it_newer() -> None:
    record = rerun(day_one())
    assert record.decide(ARTICLE, None, depth=1, revisit_depth=1) == SKIP_UNCHANGED
    same = parse_date("2018-12-29T10:00:00Z")
    assert record.decide(ARTICLE, same, depth=1, revisit_depth=1) == SKIP_UNCHANGED
    edited = parse_date("2019-01-01T09:30:00+00:00")
    assert record.decide(ARTICLE, edited, depth=1, revisit_depth=1) == CHANGED


def test_variants_of_an_emitted_article_are_skipped_too() -> None:
    record = rerun(day_one())
    assert record.decide(PRINT, None, depth=3, revisit_depth=1) == SKIP_UNCHANGED


def test_an_article_never_handled_is_fetched_again() -> None:
    """A run killed while the article was held for warm-up: it was never written."""
    record = FetchRecord(max_entries=10)
    record.record_response(ARTICLE, '"v1"', None, now=1)
    record.record_article_page(ARTICLE, ARTICLE, now=1)
    assert rerun(record).decide(ARTICLE, None, depth=1, revisit_depth=1) == NOT_DONE


def test_listings_are_revisited_near_start_urls_only() -> None:
    record = rerun(day_one())
    assert record.decide(SECTION, None, depth=1, revisit_depth=1) == LISTING
    assert record.decide(PAGE_2, None, depth=2, revisit_depth=1) == SKIP_LISTING
    assert record.decide(SITEMAP, None, depth=5, revisit_depth=0) == LISTING
    assert record.decide(SITE + "/new-page", None, depth=9, revisit_depth=0) == NEW
    assert record.decide(SITE + "/gone", None, depth=1, revisit_depth=1) == SKIP_GONE
    assert record.decide(SITE + "/gone", None, depth=0, revisit_depth=1) == LISTING


def test_a_dated_sitemap_makes_listing_revisits_unneeded() -> None:
    record = day_one()
    record.dated_sitemap = True
    record = rerun(record)
    assert record.decide(SECTION, None, depth=1, revisit_depth=1, trust_sitemap=True) == (
        SKIP_LISTING
    )
    assert record.decide(SECTION, None, depth=1, revisit_depth=1) == LISTING
    assert record.decide(SITE + "/", None, depth=0, revisit_depth=1, trust_sitemap=True) == NEW


def test_conditional_headers_for_known_pages_except_robots_and_indexes() -> None:
    record = rerun(day_one())
    assert record.conditional_headers(ARTICLE) == {
        "If-None-Match": '"v1"',
        "If-Modified-Since": LAST_MODIFIED,
    }
    assert record.conditional_headers(SITEMAP) == {"If-Modified-Since": LAST_MODIFIED}
    assert record.conditional_headers(SITE + "/unknown") == {}
    record.record_response(SITE + "/robots.txt", '"r"', None, now=200)
    record.record_kind(SITE + "/robots.txt", "robots", now=200)
    assert record.conditional_headers(SITE + "/robots.txt") == {}


def test_baseline_falls_back_to_last_modified_then_fetch_time() -> None:
    record = FetchRecord(max_entries=10)
    record.record_response(ARTICLE, None, LAST_MODIFIED, now=1)
    record.record_done(ARTICLE, "dropped", None, now=1)
    entry = record.get(ARTICLE)
    assert entry is not None
    assert record.baseline(entry) == datetime(2018, 12, 29, 10, tzinfo=UTC)
    other = SITE + "/other"
    record.record_done(other, "emitted", None, now=1_600_000_000)
    entry = record.get(other)
    assert entry is not None
    assert record.baseline(entry) == datetime.fromtimestamp(1_600_000_000, UTC)


def test_the_record_is_bounded_least_recently_used_first() -> None:
    record = FetchRecord(max_entries=3)
    for n in range(3):
        record.record_kind(f"{SITE}/{n}", "page", now=n)
    record.touch(f"{SITE}/0", now=10)
    record.record_kind(f"{SITE}/3", "page", now=11)
    assert list(record.entries) == [f"{SITE}/2", f"{SITE}/0", f"{SITE}/3"]
    assert record.evicted == 1
    assert len(FetchRecord.from_dict(record.to_dict(), max_entries=2)) == 2


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"version": 2, "entries": []}, "newer release"),
        ({"entries": []}, "no version"),
        ({"version": 1, "entries": {}}, "not a list"),
        ({"version": 1, "entries": [["u", "page", None]]}, "list of 7"),
        ({"version": 1, "entries": [["u", "zip", None, None, None, None, None, 0]]}, "bad"),
        ({"version": 1, "entries": [["u", "page", 5, None, None, None, None, 0]]}, "strings"),
    ],
)
def test_unreadable_state_says_why(document: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FetchRecord.from_dict(document, max_entries=10)


def test_listing_dates_parse_from_sitemaps_feeds_and_http() -> None:
    assert parse_date("2019-01-01T09:30:00Z") == datetime(2019, 1, 1, 9, 30, tzinfo=UTC)
    assert parse_date("Tue, 01 Jan 2019 09:30:00 +0000") == datetime(2019, 1, 1, 9, 30, tzinfo=UTC)
    assert parse_date("2019-01-01") == datetime(2019, 1, 1, tzinfo=UTC)
    assert parse_date("") is None and parse_date("soon") is None
