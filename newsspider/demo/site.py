"""One demo site: turns a request target into a response, with faults and HTTP validators."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from email.utils import format_datetime
from types import MappingProxyType
from urllib.parse import parse_qsl, urlsplit

from newsspider.demo.catalog import SiteCatalog
from newsspider.demo.feeds import (
    FeedEntry,
    atom_xml,
    robots_txt,
    rss_xml,
    sitemap_index_xml,
    sitemap_xml,
)
from newsspider.demo.layouts import Page, PageView, layout_for
from newsspider.demo.layouts.common import excerpt
from newsspider.demo.model import Article, SiteSpec, derived_rng

FAULT_LINKS = ("/archive/empty", "/archive/blob", "/archive/loop")
FEED_PATHS = MappingProxyType({"rss": "/rss.xml", "atom": "/feed.atom"})
FEED_SIZE = 20
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
ADMIN_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Sign in</title></head><body>"
    "<h1>Administration</h1><form method='post'><input name='user'><input name='password' "
    "type='password'><button>Sign in</button></form></body></html>"
)


@dataclass(frozen=True)
class Response:
    """What a site answers: status, headers (without Content-Length) and body bytes."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The value of header `name` (case-insensitive), if present."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


def _last_modified(articles: Sequence[Article]) -> tuple[tuple[str, str], ...]:
    """A listing's Last-Modified header: when its newest entry last changed."""
    if not articles:
        return ()
    newest = max(a.last_change for a in articles).astimezone(UTC)
    return (("Last-Modified", format_datetime(newest, usegmt=True)),)


def _with_etag(response: Response) -> Response:
    """The response with an ETag (a digest of its body) unless it has one: listings, feeds
    and sitemaps change whenever an article is added or edited, so their digest does too."""
    if response.status != 200 or response.header("ETag") is not None:
        return response
    tag = hashlib.sha1(response.body).hexdigest()[:16]
    return Response(response.status, (*response.headers, ("ETag", f'"{tag}"')), response.body)


def _text(status: int, text: str, content_type: str, *extra: tuple[str, str]) -> Response:
    headers = (("Content-Type", f"{content_type}; charset=utf-8"), *extra)
    return Response(status, headers, text.encode("utf-8"))


class DemoSite:
    """A site of the portal: its catalog, its layout, and the request routing around them."""

    def __init__(
        self, spec: SiteSpec, articles: Sequence[Article], *, seed: int, faults: bool = False
    ) -> None:
        self.spec = spec
        self.catalog = SiteCatalog(spec, articles, seed)
        self.layout = layout_for(spec.layout, self.catalog)
        self._seed = seed
        self._faults = faults
        newest = self.catalog.articles
        with_faults = faults and len(newest) > 4
        self.flaky_path = self.layout.article_path(newest[2]) if with_faults else None
        self.busy_path = self.layout.article_path(newest[4]) if with_faults else None

    @property
    def key(self) -> str:
        """The site's short name, e.g. "almaghrib"."""
        return self.spec.key

    @property
    def name(self) -> str:
        """The site's display name."""
        return self.spec.name

    @property
    def articles(self) -> tuple[Article, ...]:
        """Every article the site publishes (wire copies included), newest first."""
        return self.catalog.articles

    def article_path(self, article: Article) -> str:
        """The canonical path of one of the site's articles."""
        return self.layout.article_path(article)

    def render(self, target: str, base_url: str, attempt: int = 1) -> Response:
        """Answer a GET for `target` (path and query) on a site served at `base_url`.

        `attempt` counts the requests for this exact target so far (1 for the first); the
        fault pages use it to fail once and then recover.
        """
        parts = urlsplit(target)
        path = parts.path or "/"
        fault = self._fault(path, base_url, attempt)
        if fault is not None:
            return fault
        special = self._special(path, base_url)
        if special is not None:
            return _with_etag(special)
        view = PageView(
            base_url=base_url,
            path=path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            rng=derived_rng(self._seed, self.key, target),
            fault_links=FAULT_LINKS if self._faults else (),
        )
        return _with_etag(self._html(self.layout.resolve(view) or self.layout.not_found(view)))

    def _html(self, page: Page) -> Response:
        headers = [("Content-Type", f"text/html; charset={self.layout.encoding}")]
        if page.article is not None and page.status == 200:
            changed = page.article.last_change.astimezone(UTC)
            headers.append(("Last-Modified", format_datetime(changed, usegmt=True)))
            headers.append(("ETag", f'"{page.article.version}"'))
        return Response(page.status, tuple(headers), page.html.encode(self.layout.encoding))

    def _special(self, path: str, base_url: str) -> Response | None:
        """robots.txt, sitemaps, the feed, the admin area and static files."""
        if path == "/robots.txt":
            return _text(200, robots_txt(base_url), "text/plain")
        if path == "/sitemap.xml" or path.startswith("/sitemap-posts-"):
            return self._sitemap(path, base_url)
        if self.spec.feed and path == FEED_PATHS[self.spec.feed]:
            latest = self.catalog.latest(FEED_SIZE)
            entries = self._entries(base_url, latest)
            changed = _last_modified(latest)
            if self.spec.feed == "rss":
                xml = rss_xml(self.name, base_url + "/", self.spec.language, entries)
                return _text(200, xml, "application/rss+xml", *changed)
            xml = atom_xml(self.name, base_url + "/", base_url + path, entries)
            return _text(200, xml, "application/atom+xml", *changed)
        if path == "/admin" or path.startswith("/admin/"):
            return _text(200, ADMIN_PAGE, "text/html")
        if path.endswith((".jpg", ".png", ".gif", ".svg", ".ico")):
            return Response(200, (("Content-Type", "image/gif"),), PIXEL)
        if path.endswith(".css"):
            return _text(200, "body{font-family:sans-serif}\n", "text/css")
        return None

    def _sitemap(self, path: str, base_url: str) -> Response | None:
        articles = sorted(self.catalog.articles, key=lambda a: (a.published, a.number))
        if not self.spec.sitemap_index:
            if path != "/sitemap.xml":
                return None
            xml = sitemap_xml(self._entries(base_url, articles))
            return _text(200, xml, "application/xml", *_last_modified(articles))
        half = len(articles) // 2
        parts = {"/sitemap-posts-1.xml": articles[:half], "/sitemap-posts-2.xml": articles[half:]}
        if path == "/sitemap.xml":
            index = [
                (base_url + p, max(a.last_change for a in chunk))
                for p, chunk in parts.items()
                if chunk
            ]
            xml = sitemap_index_xml(index)
            return _text(200, xml, "application/xml", *_last_modified(articles))
        if path in parts:
            xml = sitemap_xml(self._entries(base_url, parts[path]))
            return _text(200, xml, "application/xml", *_last_modified(parts[path]))
        return None

    def _entries(self, base_url: str, articles: Sequence[Article]) -> list[FeedEntry]:
        return [
            FeedEntry(
                url=base_url + self.article_path(a),
                title=a.title,
                summary=excerpt(a),
                published=a.published,
                updated=a.last_change,
                category=self.spec.section(a.topic).name,
                authors=a.authors,
            )
            for a in articles
        ]

    def _fault(self, path: str, base_url: str, attempt: int) -> Response | None:
        """The faulty pages mixed in when the portal is built with faults=True."""
        if not self._faults:
            return None
        if path == self.flaky_path and attempt == 1:
            return _text(500, "<h1>500 Internal Server Error</h1>", "text/html")
        if path == self.busy_path and attempt == 1:
            return _text(503, "<h1>503 Service Unavailable</h1>", "text/html", ("Retry-After", "1"))
        if path == "/archive/empty":
            return Response(200, (("Content-Type", "text/html; charset=utf-8"),), b"")
        if path == "/archive/blob":
            blob = b"".join(
                hashlib.sha256(f"{self._seed}/{self.key}/{n}".encode()).digest() for n in range(64)
            )
            return Response(200, (("Content-Type", "text/html"),), b"\x00\x89PNG" + blob)
        if path in ("/archive/loop", "/archive/loop/again"):
            target = "/archive/loop/again" if path == "/archive/loop" else "/archive/loop"
            return _text(302, "", "text/html", ("Location", base_url + target))
        return None
