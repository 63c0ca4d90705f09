"""Machine-readable discovery files: robots.txt, sitemaps, RSS 2.0 and Atom feeds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape


@dataclass(frozen=True)
class FeedEntry:
    """One article as feeds and sitemaps list it."""

    url: str
    title: str
    summary: str
    published: datetime
    updated: datetime
    category: str
    authors: tuple[str, ...] = ()


def robots_txt(base_url: str) -> str:
    """A robots.txt that keeps crawlers out of /admin/ and points to the sitemap."""
    return f"User-agent: *\nDisallow: /admin/\nAllow: /\n\nSitemap: {base_url}/sitemap.xml\n"


def sitemap_xml(entries: Sequence[FeedEntry]) -> str:
    """A urlset sitemap with one <url> and its <lastmod> per entry."""
    urls = "".join(
        f"<url><loc>{escape(e.url)}</loc><lastmod>{e.updated.isoformat()}</lastmod></url>\n"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}</urlset>\n"
    )


def sitemap_index_xml(sitemaps: Sequence[tuple[str, datetime]]) -> str:
    """A sitemap index pointing to sub-sitemaps, each with its last modification."""
    items = "".join(
        f"<sitemap><loc>{escape(url)}</loc><lastmod>{when.isoformat()}</lastmod></sitemap>\n"
        for url, when in sitemaps
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{items}</sitemapindex>\n"
    )


def rss_xml(title: str, link: str, language: str, entries: Sequence[FeedEntry]) -> str:
    """An RSS 2.0 channel."""
    items = "".join(
        "<item>"
        f"<title>{escape(e.title)}</title><link>{escape(e.url)}</link>"
        f'<guid isPermaLink="true">{escape(e.url)}</guid>'
        f"<pubDate>{format_datetime(e.published)}</pubDate>"
        f"<category>{escape(e.category)}</category>"
        f"<description>{escape(e.summary)}</description>"
        "</item>\n"
        for e in entries
    )
    built = format_datetime(max((e.updated for e in entries), default=_EPOCH))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<description>{escape(title)}</description><language>{language}</language>"
        f"<lastBuildDate>{built}</lastBuildDate>\n{items}</channel>\n</rss>\n"
    )


def atom_xml(title: str, link: str, feed_url: str, entries: Sequence[FeedEntry]) -> str:
    """An Atom 1.0 feed."""
    items = "".join(
        "<entry>"
        f"<title>{escape(e.title)}</title>"
        f'<link rel="alternate" type="text/html" href="{escape(e.url)}"/>'
        f"<id>{escape(e.url)}</id>"
        f"<published>{e.published.isoformat()}</published>"
        f"<updated>{e.updated.isoformat()}</updated>"
        + "".join(f"<author><name>{escape(n)}</name></author>" for n in e.authors)
        + f'<category term="{escape(e.category)}"/>'
        f"<summary>{escape(e.summary)}</summary>"
        "</entry>\n"
        for e in entries
    )
    updated = max((e.updated for e in entries), default=_EPOCH).isoformat()
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n'
        f"<title>{escape(title)}</title>"
        f'<link rel="alternate" type="text/html" href="{escape(link)}"/>'
        f'<link rel="self" type="application/atom+xml" href="{escape(feed_url)}"/>'
        f"<author><name>{escape(title)}</name></author>"
        f"<id>{escape(feed_url)}</id><updated>{updated}</updated>\n{items}</feed>\n"
    )


_EPOCH = datetime.fromisoformat("2017-01-01T00:00:00+00:00")
