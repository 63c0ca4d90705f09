"""The article record newsspider writes: one JSON object a line."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class ArticleItem:
    """One article page, cleaned of its site's template.

    Fields a page does not give stay ``None`` (or empty lists); nothing is guessed.
    """

    url: str
    """The URL the page was fetched from (after redirects)."""
    canonical_url: str | None = None
    """Canonical form: ``rel=canonical``/``og:url`` on the same site, else the URL with
    tracking parameters, fragments and default ports removed and the query sorted."""
    site: str | None = None
    """The site the article belongs to: the netloc (host and port) it was fetched from."""
    title: str | None = None
    """The headline, without the site name."""
    text: str | None = None
    """The article body: paragraphs separated by newlines; no headline, template, captions,
    comments or related-article lists."""
    published: str | None = None
    """Publication time, ISO 8601 (with timezone where the page gives one)."""
    modified: str | None = None
    """Last modification time, ISO 8601."""
    authors: list[str] = field(default_factory=list)
    """Author names, without "By" and without agencies."""
    language: str | None = None
    """ISO 639-1 code of the text."""
    section: str | None = None
    """The site section (from breadcrumbs, meta or URL)."""
    source: str | None = None
    """The news agency credited (AFP, Reuters, AP...)."""
    dateline: str | None = None
    """The place the story was filed from, e.g. "Beirut"."""
    images: list[dict[str, str]] = field(default_factory=list)
    """The article's own images: ``{"url": ..., "caption": ...}``."""
    tags: list[str] = field(default_factory=list)
    """Tags or keywords the site gives the article."""
    fingerprint: str | None = None
    """Hex digest of the normalized cleaned text: equal for equal articles."""
    update: bool = False
    """True when this article was emitted by an earlier run and its content changed since."""
    crawled_at: str | None = None
    """When the page was fetched, ISO 8601 UTC."""
    debug: dict[str, Any] | None = None
    """Only with NEWSSPIDER_DEBUG: dropped blocks and their reasons, metadata sources."""
    page: Any = field(default=None, repr=False, compare=False)
    """The parsed page, for the pipelines; never exported."""
    settled: bool = field(default=False, repr=False, compare=False)
    """Set when the pipelines knew before cleaning that this page repeats an article
    already judged (see DedupPipeline.settled); never exported."""
    cluster: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    """In a cluster: the in-flight record of the request behind the item (``key``, and
    ``recovered`` when a dead worker's request was taken over); never exported."""


def output_fields(debug: bool = False) -> list[str]:
    """Field names written to feeds, in schema order."""
    hidden = {"page", "cluster", "settled"}
    if not debug:
        hidden.add("debug")
    return [f.name for f in fields(ArticleItem) if f.name not in hidden]


def identity(item: ArticleItem) -> str:
    """The name a page is learned and deduplicated under: its canonical URL."""
    return item.canonical_url or item.url
