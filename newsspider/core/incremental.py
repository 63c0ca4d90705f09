"""What a rerun needs to know about each URL fetched before: the per-site fetch record.

A scheduled crawl fetches the same sites every hour. With the record of the earlier runs a
rerun fetches only what may have changed:

- an article page already handled (emitted, or dropped as a duplicate) is not requested
  again unless a sitemap ``<lastmod>`` or a feed date lists it as newer than what was
  fetched (:meth:`FetchRecord.decide`);
- any other page known from before is requested with its validators
  (:meth:`FetchRecord.conditional_headers`), so an unchanged one costs a 304;
- listing pages known from before (sections, tags, pagination) are revisited only within
  ``revisit_depth`` links of a start URL; sitemaps and feeds always are.

    >>> record = FetchRecord(max_entries=100)
    >>> record.record_response("http://a.example/n/1", etag='"v1"', last_modified=None, now=5)
    >>> record.record_article_page("http://a.example/n/1", "http://a.example/n/1", now=5)
    >>> record.decide("http://a.example/n/1", None, depth=1, revisit_depth=1)
    'not_done'
    >>> record.record_done("http://a.example/n/1", "emitted", None, now=6)
    >>> record.decide("http://a.example/n/1", None, depth=1, revisit_depth=1)
    'skip_unchanged'
    >>> record.decide("http://a.example/n/1", parse_date("2031-01-01"), depth=1, revisit_depth=1)
    'changed'
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

VERSION = 1
KINDS = ("page", "gone", "sitemap", "sitemapindex", "feed", "robots")
DONE_STATES = ("emitted", "dropped")
# Pages whose 304 would hide what they point to (a sitemap index's sub-sitemaps may change
# while the index does not): fetched in full every time.
_UNCONDITIONAL = frozenset({"robots", "sitemapindex"})
_ALWAYS_REVISITED = frozenset({"sitemap", "sitemapindex", "feed", "robots"})

# Decisions of FetchRecord.decide.
NEW, CHANGED, NOT_DONE, LISTING = "new", "changed", "not_done", "listing"
SKIP_UNCHANGED, SKIP_LISTING, SKIP_GONE = "skip_unchanged", "skip_listing", "skip_gone"
SKIPS = frozenset({SKIP_UNCHANGED, SKIP_LISTING, SKIP_GONE})


@dataclass
class PageEntry:
    """What is known about one URL.

    kind: what the URL turned out to be (one of KINDS; article pages are "page" with
    ``article`` set). etag, last_modified: the validators the server sent, as sent.
    listed: the newest listing date (sitemap lastmod, feed date) of the article as it was
    handled, ISO 8601. article: the canonical URL of the article the page shows (itself,
    or the article a print/AMP/comment variant stands for). done: on an article's canonical
    URL, "emitted" or "dropped" once the pipelines handled it. seen: unix time of the last
    update.
    """

    kind: str = "page"
    etag: str | None = None
    last_modified: str | None = None
    listed: str | None = None
    article: str | None = None
    done: str | None = None
    seen: int = 0

    def to_list(self) -> list[Any]:
        """Compact form for JSON."""
        return [
            self.kind,
            self.etag,
            self.last_modified,
            self.listed,
            self.article,
            self.done,
            self.seen,
        ]

    @classmethod
    def from_list(cls, data: Any) -> PageEntry:
        """The entry :meth:`to_list` wrote; ValueError for anything else."""
        if not isinstance(data, list) or len(data) != 7:
            raise ValueError("fetch record entry is not a list of 7")
        kind, etag, last_modified, listed, article, done, seen = data
        if kind not in KINDS or done not in (None, *DONE_STATES):
            raise ValueError(f"bad fetch record entry {data[:1]!r}")
        for value in (etag, last_modified, listed, article):
            if value is not None and not isinstance(value, str):
                raise ValueError("fetch record strings are not strings")
        if not isinstance(seen, int) or isinstance(seen, bool):
            raise ValueError("fetch record time is not an integer")
        return cls(kind, etag, last_modified, listed, article, done, seen)


class FetchRecord:
    """One site's URLs fetched by earlier runs, bounded to `max_entries` URLs.

    Past the bound the URLs used least recently are forgotten: a forgotten article is
    fetched again and recognised by the dedup index, so the bound costs fetches, not output.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max(1, max_entries)
        self.entries: OrderedDict[str, PageEntry] = OrderedDict()
        self.evicted = 0
        self.dated_sitemap = False
        """Whether the site's sitemap dates its articles (lastmod): then it lists every new
        and changed article, and known listings need no revisit (see :meth:`decide`)."""

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, url: str) -> PageEntry | None:
        """The entry of `url`, if known."""
        return self.entries.get(url)

    # -- decisions -----------------------------------------------------------------------

    def decide(
        self,
        url: str,
        listed: datetime | None,
        depth: int,
        revisit_depth: int,
        trust_sitemap: bool = False,
    ) -> str:
        """Whether a link to `url` found `depth` links from a start URL is worth fetching.

        `listed` is the date a sitemap or feed gives the link. Known listing pages are
        revisited within `revisit_depth` links of a start URL, or (with `trust_sitemap`, on
        a site with a dated sitemap) not at all: the sitemap finds what they would. Returns
        NEW, CHANGED,
        NOT_DONE or LISTING (fetch) or SKIP_UNCHANGED, SKIP_LISTING, SKIP_GONE (do not: a
        page that answered 404 or 410 is asked again only as a start URL).
        """
        entry = self.entries.get(url)
        if entry is None:
            return NEW
        if entry.kind in _ALWAYS_REVISITED:
            return LISTING
        if entry.kind == "gone":
            return LISTING if depth == 0 else SKIP_GONE
        if entry.article is None:
            if trust_sitemap and self.dated_sitemap:
                revisit_depth = 0
            return LISTING if depth <= revisit_depth else SKIP_LISTING
        article = self.entries.get(entry.article)
        if article is None or article.done is None:
            return NOT_DONE
        if listed is not None and listed > self.baseline(entry, article):
            return CHANGED
        return SKIP_UNCHANGED

    def baseline(self, entry: PageEntry, article: PageEntry | None = None) -> datetime:
        """The time a listing date must pass to say the article changed: the newest of its
        recorded listing date and Last-Modified, else when it was fetched."""
        candidates = [
            parse_date(value)
            for e in (entry, article)
            if e is not None
            for value in (e.listed, e.last_modified)
            if value
        ]
        known = [c for c in candidates if c is not None]
        if known:
            return max(known)
        seen = max(entry.seen, article.seen if article is not None else 0)
        return datetime.fromtimestamp(seen, UTC)

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for a known URL (none for robots.txt and
        sitemap indexes, whose 304 would hide changes below them)."""
        entry = self.entries.get(url)
        if entry is None or entry.kind in _UNCONDITIONAL or entry.kind == "gone":
            return {}
        headers = {}
        if entry.etag:
            headers["If-None-Match"] = entry.etag
        if entry.last_modified:
            headers["If-Modified-Since"] = entry.last_modified
        return headers

    # -- recording -----------------------------------------------------------------------

    def record_response(
        self, url: str, etag: str | None, last_modified: str | None, now: int
    ) -> None:
        """A 2xx response for `url` with its validators."""
        entry = self._entry(url, now)
        entry.etag, entry.last_modified = etag, last_modified
        if entry.kind == "gone":
            entry.kind = "page"

    def record_kind(self, url: str, kind: str, now: int) -> None:
        """What `url` turned out to be (one of KINDS)."""
        if kind not in KINDS:
            raise ValueError(f"unknown page kind {kind!r}")
        self._entry(url, now).kind = kind

    def record_article_page(self, url: str, canonical: str, now: int) -> None:
        """`url` showed the article known as `canonical` (itself or a variant of it)."""
        entry = self._entry(url, now)
        entry.kind, entry.article = "page", canonical
        if url != canonical:
            self._entry(canonical, now).article = canonical

    def record_done(self, canonical: str, state: str, listed: datetime | None, now: int) -> None:
        """The pipelines handled the article (`state` "emitted" or "dropped"), as listed on
        `listed`."""
        if state not in DONE_STATES:
            raise ValueError(f"unknown done state {state!r}")
        entry = self._entry(canonical, now)
        entry.article, entry.done = canonical, state
        self.record_listed(canonical, listed, now)

    def record_listed(self, url: str, listed: datetime | None, now: int) -> None:
        """A listing date verified to match what was fetched (kept if newer)."""
        if listed is None:
            return
        entry = self._entry(url, now)
        current = parse_date(entry.listed) if entry.listed else None
        if current is None or listed > current:
            entry.listed = listed.isoformat()

    def touch(self, url: str, now: int) -> None:
        """`url` is still in use: keep it from being forgotten first."""
        entry = self.entries.get(url)
        if entry is not None:
            entry.seen = now
            self.entries.move_to_end(url)

    def _entry(self, url: str, now: int) -> PageEntry:
        entry = self.entries.get(url)
        if entry is None:
            entry = self.entries[url] = PageEntry()
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
                self.evicted += 1
        else:
            self.entries.move_to_end(url)
        entry.seen = now
        return entry

    # -- state ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state, least recently used first."""
        return {
            "version": VERSION,
            "dated_sitemap": self.dated_sitemap,
            "entries": [[url, *entry.to_list()] for url, entry in self.entries.items()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], max_entries: int) -> FetchRecord:
        """The record :meth:`to_dict` wrote; ValueError for a newer version or bad data."""
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise ValueError("fetch record has no version")
        if version > VERSION:
            raise ValueError(
                f"fetch record version {version} was written by a newer release "
                f"(this one reads up to {VERSION})"
            )
        rows = data.get("entries")
        if not isinstance(rows, list):
            raise ValueError("fetch record entries are not a list")
        record = cls(max_entries)
        record.dated_sitemap = data.get("dated_sitemap") is True
        for row in rows[-record.max_entries :]:
            if not isinstance(row, list) or not row or not isinstance(row[0], str):
                raise ValueError("fetch record row is not [url, ...]")
            record.entries[row[0]] = PageEntry.from_list(row[1:])
        return record


def parse_date(text: str) -> datetime | None:
    """A sitemap, feed or HTTP date as an aware datetime (UTC when no zone), else None.

    >>> parse_date("2018-12-30T09:15:00+02:00").isoformat()
    '2018-12-30T09:15:00+02:00'
    >>> parse_date("Sun, 30 Dec 2018 07:15:00 GMT").isoformat()
    '2018-12-30T07:15:00+00:00'
    >>> parse_date("2018-12-30").isoformat(), parse_date("yesterday")
    ('2018-12-30T00:00:00+00:00', None)
    """
    text = text.strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
