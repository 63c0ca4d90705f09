"""The Levant Ledger: a modern English news blog (WordPress-like) with a comment thread.

URLs: /<yyyy>/<mm>/<dd>/<slug>/, /amp/<yyyy>/<mm>/<dd>/<slug>/, /<section>/[page/N/],
/tag/<slug>/[page/N/], /author/<slug>/, /page/N/, /?s=, /about/.
Metadata: JSON-LD NewsArticle, og:* and article:* meta, <time datetime>, "By" bylines.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from urllib.parse import quote

from newsspider.demo.catalog import SiteCatalog
from newsspider.demo.layouts.common import (
    Page,
    PageView,
    attr,
    esc,
    excerpt,
    long_date,
    page_slice,
    slugify,
)
from newsspider.demo.layouts.ledger_parts import body_html, comments_html, json_ld
from newsspider.demo.model import Article, Image

NAME = "The Levant Ledger"
PER_PAGE = 10
GONE = "/2016/05/01/an-old-story-that-was-removed/"
_ARTICLE = re.compile(r"(/amp)?(/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/)")
_HOME_PAGE = re.compile(r"/page/(\d+)/")
_LISTING = re.compile(r"/(?:(tag|author)/)?([a-z0-9-]+)/(?:page/(\d+)/)?")


class LedgerLayout:
    """A theme with a standfirst outside the content div, share buttons inside it, comments."""

    encoding = "utf-8"

    def __init__(self, catalog: SiteCatalog) -> None:
        self.catalog = catalog
        self.spec = catalog.spec
        self._by_path = {self.article_path(a): a for a in catalog.articles}
        self._tags = {slugify(t): t for t in catalog.tags()}
        self._authors = {slugify(n): n for n in catalog.authors()}

    def article_path(self, article: Article) -> str:
        """/<yyyy>/<mm>/<dd>/<slug>/"""
        return f"/{article.published:%Y/%m/%d}/{slugify(article.title)}/"

    def image_path(self, article: Article, image: Image) -> str:
        """/wp-content/uploads/<yyyy>/<mm>/<name>"""
        return f"/wp-content/uploads/{article.published:%Y/%m}/{image.name}"

    def fbclid(self, article: Article) -> str:
        """The click id a social network appended to a shared link."""
        digest = hashlib.sha1(self.article_path(article).encode("utf-8")).hexdigest()
        return "IwAR" + digest[:22]

    def duplicate_paths(self, article: Article) -> list[str]:
        """The AMP page, the comment reply links, and click-id links for "popular" articles."""
        path = self.article_path(article)
        paths = ["/amp" + path]
        paths += [f"{path}?replytocom={c.number}" for c in article.comments]
        if article in self.catalog.most_read(4):
            paths.append(f"{path}?fbclid={self.fbclid(article)}")
        return paths

    def resolve(self, view: PageView) -> Page | None:
        """Route a path to a page, or None when the path is not one of this site's."""
        path = view.path
        if path == "/":
            if "s" in view.query:
                found = self.catalog.search(view.query["s"])[:20]
                heading = f"Search results for: {view.query['s']}"
                return Page(200, self._document(view, heading, "", self._listing(heading, found)))
            return self._paged(view, NAME, self.catalog.articles, "/", 1)
        if match := _ARTICLE.fullmatch(path):
            article = self._by_path.get(match[2])
            if article is None:
                return None
            if match[1]:
                return Page(200, self._amp(view, article), article)
            return Page(200, self._article(view, article), article)
        if path == "/about/":
            about = "<h1>About us</h1><p>The Levant Ledger is an independent newsroom.</p>"
            return Page(200, self._document(view, "About us", "", about))
        if match := _HOME_PAGE.fullmatch(path):
            return self._paged(view, NAME, self.catalog.articles, "/", int(match[1]))
        if match := _LISTING.fullmatch(path):
            return self._listing_page(view, match[1], match[2], int(match[3] or 1))
        return None

    def not_found(self, view: PageView) -> Page:
        """A themed 404."""
        body = '<section class="error-404"><h1 class="page-title">Oops! That page can’t be found.'
        body += "</h1><p>It looks like nothing was found at this location.</p></section>"
        return Page(404, self._document(view, "Page not found", "", body))

    def _listing_page(self, view: PageView, kind: str | None, slug: str, page: int) -> Page | None:
        if kind is None:
            section = next((s for s in self.spec.sections if s.slug == slug), None)
            if section is None:
                return None
            items = self.catalog.in_section(section.topic)
            return self._paged(view, section.name, items, f"/{slug}/", page)
        if kind == "tag" and slug in self._tags:
            tag = self._tags[slug]
            return self._paged(view, f"Tag: {tag}", self.catalog.tagged(tag), f"/tag/{slug}/", page)
        if kind == "author" and slug in self._authors:
            name = self._authors[slug]
            items = self.catalog.by_author(name)
            return self._paged(view, f"Author: {name}", items, f"/author/{slug}/", page)
        return None

    def _paged(
        self, view: PageView, heading: str, items: Sequence[Article], base: str, page: int
    ) -> Page | None:
        sliced = page_slice(items, page, PER_PAGE)
        if sliced is None:
            return None
        shown, last = sliced
        nav = ""
        if page > 1:
            previous = base if page == 2 else f"{base}page/{page - 1}/"
            nav += f'<a class="prev page-numbers" href="{previous}">« Newer posts</a>'
        if page < last:
            nav += f'<a class="next page-numbers" href="{base}page/{page + 1}/">Older posts »</a>'
        body = self._listing(heading, shown) + f'<nav class="pagination">{nav}</nav>'
        return Page(200, self._document(view, heading, "", body))

    def _article(self, view: PageView, article: Article) -> str:
        path = self.article_path(article)
        url = view.url(path)
        section = self.spec.section(article.topic)
        head = self._meta(view, article, url)
        byline = ""
        if article.authors:
            names = " and ".join(
                f'<span class="author vcard"><a class="url fn n" href="/author/{slugify(n)}/">'
                f"{esc(n)}</a></span>"
                for n in article.authors
            )
            byline = f'<span class="byline">By {names}</span> '
        times = (
            f'<time class="entry-date published" datetime="{article.published.isoformat()}">'
            f"{long_date(article.published)}</time>"
        )
        if article.modified:
            times += (
                f' <time class="updated" datetime="{article.modified.isoformat()}">'
                f"Updated {long_date(article.modified)}</time>"
            )
        tag_classes = " ".join(f"tag-{slugify(t)}" for t in article.tags)
        tags = ", ".join(
            f'<a href="/tag/{slugify(t)}/" rel="tag">{esc(t)}</a>' for t in article.tags
        )
        older, newer = self.catalog.neighbours(article)
        post_nav = "".join(
            f'<div class="nav-{cls}"><a href="{self.article_path(a)}" rel="{cls}">'
            f'<span class="meta-nav">{label}</span> {esc(a.title)}</a></div>'
            for cls, label, a in (("previous", "Previous", older), ("next", "Next", newer))
            if a is not None
        )
        standfirst = article.blocks[0].text
        main = f"""<article id="post-{article.number}" class="post-{article.number} post type-post \
status-publish format-standard hentry category-{section.slug} {tag_classes}">
<header class="entry-header">
<span class="cat-links"><a href="/{section.slug}/" rel="category tag">{esc(section.name)}</a></span>
<h1 class="entry-title">{esc(article.title)}</h1>
<p class="standfirst">{esc(standfirst)}</p>
<div class="entry-meta">{byline}<span class="dateline">{esc(article.dateline.upper())}</span>
<span class="posted-on">{times}</span></div>
</header>
{body_html(self, article, url)}
<footer class="entry-footer"><span class="tags-links">Tagged {tags}</span></footer>
</article>
<nav class="navigation post-navigation"><h2 class="screen-reader-text">Post navigation</h2>
<div class="nav-links">{post_nav}</div></nav>
{self._related(view, article)}
{comments_html(article, path)}"""
        return self._document(view, f"{article.title} – {NAME}", head, main)

    def _meta(self, view: PageView, article: Article, url: str) -> str:
        section = self.spec.section(article.topic)
        lines = [
            f'<link rel="canonical" href="{attr(url)}">',
            f'<link rel="amphtml" href="{attr(view.url("/amp" + self.article_path(article)))}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{attr(article.title)}">',
            f'<meta property="og:url" content="{attr(url)}">',
            f'<meta property="og:site_name" content="{NAME}">',
            f'<meta property="og:description" content="{attr(excerpt(article))}">',
            f'<meta property="article:published_time" content="{article.published.isoformat()}">',
            f'<meta property="article:section" content="{attr(section.name)}">',
        ]
        if article.modified:
            modified = article.modified.isoformat()
            lines.append(f'<meta property="article:modified_time" content="{modified}">')
        lines += [f'<meta property="article:tag" content="{attr(t)}">' for t in article.tags]
        lines += [f'<meta name="author" content="{attr(n)}">' for n in article.authors]
        for image in article.images[:1]:
            image_url = view.url(self.image_path(article, image))
            lines.append(f'<meta property="og:image" content="{attr(image_url)}">')
        data = json_ld(self, view, article, url, NAME)
        text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
        lines.append(f'<script type="application/ld+json">\n{text}\n</script>')
        return "\n".join(lines) + "\n"

    def _related(self, view: PageView, article: Article) -> str:
        items = "".join(
            f'<li><a href="{self.article_path(a)}"><img src="/wp-content/uploads/'
            f'{a.published:%Y/%m}/{a.number}-150x150.jpg" alt="">{esc(a.title)}</a></li>'
            for a in self.catalog.related(article, view.rng, 3)
        )
        return f'<section class="related-posts"><h3>Related</h3><ul>{items}</ul></section>'

    def _amp(self, view: PageView, article: Article) -> str:
        url = view.url(self.article_path(article))
        byline = f"<p class='byline'>By {esc(' and '.join(article.authors))}</p>"
        paragraphs = "".join(
            f"<h2>{esc(b.text)}</h2>" if b.kind == "h" else f"<p>{esc(b.text)}</p>"
            for b in article.blocks
        )
        return f"""<!doctype html>
<html amp lang="en"><head><meta charset="utf-8"><title>{esc(article.title)}</title>
<link rel="canonical" href="{attr(url)}">
<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">
<script async src="https://cdn.ampproject.org/v0.js"></script></head>
<body><header class="amp-header"><a href="/">{NAME}</a></header>
<article class="amp-article"><h1>{esc(article.title)}</h1>{byline if article.authors else ""}
<time datetime="{article.published.isoformat()}">{long_date(article.published)}</time>
{paragraphs}</article><footer>© 2025 {NAME}</footer></body></html>"""

    def _listing(self, heading: str, articles: Sequence[Article]) -> str:
        cards = "".join(
            f'<article class="card post-{a.number}"><h2 class="entry-title">'
            f'<a href="{self.article_path(a)}" rel="bookmark">{esc(a.title)}</a></h2>'
            f'<time datetime="{a.published.isoformat()}">{long_date(a.published)}</time>'
            f'<div class="entry-summary"><p>{esc(excerpt(a))}</p></div></article>'
            for a in articles
        )
        header = f'<header class="page-header"><h1 class="page-title">{esc(heading)}</h1></header>'
        return header + cards

    def _document(self, view: PageView, title: str, head: str, main: str) -> str:
        menu = "".join(
            f'<li class="menu-item menu-item-type-taxonomy menu-item-{i + 101}">'
            f'<a href="/{s.slug}/">{esc(s.name)}</a></li>'
            for i, s in enumerate(self.spec.sections)
        )
        recent = "".join(
            f'<li><a href="{self.article_path(a)}">{esc(a.title)}</a></li>'
            for a in self.catalog.latest(5)
        )
        popular = "".join(
            f'<li><a href="{self.article_path(a)}?fbclid={self.fbclid(a)}">{esc(a.title)}</a></li>'
            for a in self.catalog.most_read(4)
        )
        cloud = " ".join(
            f'<a href="/tag/{slugify(t)}/" class="tag-cloud-link">{esc(t)}</a>'
            for t in self.catalog.tags()[:12]
        )
        extra = "".join(
            f'<li><a href="{attr(link)}">{esc(link)}</a></li>' for link in view.fault_links
        )
        return f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{head}<link rel="alternate" type="application/atom+xml" title="{NAME} » Feed" href="/feed.atom">
<link rel="stylesheet" id="newsline-style-css" href="/wp-content/themes/newsline/style.css?ver=2.4">
</head>
<body class="wp-singular single-post">
<a class="skip-link screen-reader-text" href="#main">Skip to content</a>
<div id="page" class="site">
<header id="masthead" class="site-header"><div class="site-branding">
<a href="/" class="custom-logo-link" rel="home">
<img src="/wp-content/themes/newsline/logo.svg" alt="{NAME}"></a>
<p class="site-description">Independent news from the Levant and beyond</p></div>
<nav id="site-navigation" class="main-navigation">
<ul id="primary-menu" class="menu">{menu}</ul></nav>
<form role="search" method="get" class="search-form" action="/"><label>Search for:
<input type="search" class="search-field" name="s"></label></form>
</header>
<div id="content" class="site-content">
<main id="main" class="site-main">
{main}
</main>
<aside id="secondary" class="widget-area">
<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2>
<ul>{recent}</ul></section>
<section class="widget widget_popular"><h2 class="widget-title">Popular</h2>
<ul>{popular}</ul></section>
<section class="widget widget_tag_cloud"><h2 class="widget-title">Topics</h2>
<div class="tagcloud">{cloud}</div></section>
<section class="widget"><h2 class="widget-title">Search</h2>
<ul><li><a href="/?s={quote("talks")}">talks</a></li>{extra}</ul></section>
</aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info">© 2025 {NAME}.
<a href="/about/">About</a> · <a href="{GONE}">From the archive</a> · <a href="/admin/">Log in</a>
<span class="sep"> | </span>Proudly powered by WordPress | Theme: Newsline.</div></footer>
</div>
</body>
</html>
"""
