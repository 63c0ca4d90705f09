"""Al Maghrib Today: the English template modelled on the seed page.

URLs: /news/<section>/<id>/<slug>.html, /print/<id>, /section/<section>?page=N, /search?q=.
Metadata: only the visible "GMT hh:mm yyyy Weekday ,dd Month" stamp, og:title and og:image.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsspider.demo.catalog import SiteCatalog
from newsspider.demo.layouts.common import (
    Page,
    PageView,
    attr,
    clock_stamp,
    esc,
    excerpt,
    gmt_stamp,
    inline_html,
    page_slice,
    slug_line,
    slugify,
)
from newsspider.demo.model import Article, Image

BRAND = "Almaghrib Today, almaghrib today"
TRACKING = "?utm_source=twitter&utm_medium=social"
PER_PAGE = 10
GONE = "/news/politics/1/page-removed.html"
TERMS = (
    "Publishing Terms: Not to offend the author, or to persons or sanctities or attacking "
    "religions or divine self. And stay away from sectarian and racial incitement and insults."
)
ADDRESS = "بناية النخيل - رأس النبع _ خلف السفارة الفرنسية _بيروت - لبنان"
_ARTICLE = re.compile(r"/news/([a-z-]+)/(\d+)/[^/]+\.html")
_PRINT = re.compile(r"/print/(\d+)")
_SECTION = re.compile(r"/section/([a-z-]+)")


class MaghribLayout:
    """The seed's template family: brand lines everywhere, comment form twice, GMT stamps."""

    encoding = "utf-8"

    def __init__(self, catalog: SiteCatalog) -> None:
        self.catalog = catalog
        self.spec = catalog.spec

    # URL scheme -----------------------------------------------------------------------------

    def article_path(self, article: Article) -> str:
        """/news/<section>/<id>/<slug>.html"""
        section = self.spec.section(article.topic).slug
        return f"/news/{section}/{article.number}/{slugify(article.title, 8)}.html"

    def image_path(self, article: Article, image: Image) -> str:
        """/uploads/<yyyy>/<mm>/<name>"""
        return f"/uploads/{article.published:%Y/%m}/{image.name}"

    def duplicate_paths(self, article: Article) -> list[str]:
        """The print page, and a tracking-parameter link for the five trending articles."""
        paths = [f"/print/{article.number}"]
        if article in self.catalog.most_read(5):
            paths.append(self.article_path(article) + TRACKING)
        return paths

    def resolve(self, view: PageView) -> Page | None:
        """Route a path to a page, or None when the path is not one of this site's."""
        path = view.path
        if path in ("/", "/index.html"):
            return Page(200, self._home(view))
        if match := _ARTICLE.fullmatch(path):
            article = self.catalog.get(int(match[2]))
            if article and self.spec.section(article.topic).slug == match[1]:
                return Page(200, self._article(view, article), article)
        if match := _PRINT.fullmatch(path):
            if article := self.catalog.get(int(match[1])):
                return Page(200, self._print(view, article), article)
        if match := _SECTION.fullmatch(path):
            return self._section(view, match[1])
        if path == "/search":
            query = view.query.get("q", "")
            found = self.catalog.search(query)[:20]
            body = self._listing(view, f"Search results: {query}", found)
            return Page(200, self._document(view, f"Search: {query}", "", body))
        return None

    def not_found(self, view: PageView) -> Page:
        """A 404 in the site's own dress."""
        body = '<div class="error-page"><h1>Page not found</h1>'
        body += "<p>The page you requested does not exist or has been removed.</p></div>"
        body += self._listing(view, "Latest news", self.catalog.latest(5))
        return Page(404, self._document(view, "Page not found", "", body))

    # Pages ----------------------------------------------------------------------------------

    def _home(self, view: PageView) -> str:
        body = self._listing(view, "Latest news", self.catalog.latest(20))
        trending = "".join(
            f'<li><a href="{attr(self.article_path(a) + TRACKING)}">{esc(a.title)}</a></li>'
            for a in self.catalog.most_read(5)
        )
        body += f'<div class="trending-box"><h3>Trending</h3><ul>{trending}</ul></div>'
        picks = [(GONE, "Editor's pick: the week in review"), ("/search?q=Beirut", "Beirut")]
        picks += [(link, f"Archive {link.rsplit('/', 1)[-1]}") for link in view.fault_links]
        items = "".join(f'<li><a href="{attr(h)}">{esc(t)}</a></li>' for h, t in picks)
        body += f'<div class="editor-picks"><ul>{items}</ul></div>'
        return self._document(view, "Al Maghrib Today", "", body)

    def _section(self, view: PageView, slug: str) -> Page | None:
        section = next((s for s in self.spec.sections if s.slug == slug), None)
        if section is None:
            return None
        page = view.page_number()
        sliced = page_slice(self.catalog.in_section(section.topic), page, PER_PAGE)
        if sliced is None:
            return None
        items, last = sliced
        links = "".join(
            f'<a href="/section/{slug}?page={n}" class="page-link">{n}</a>'
            if n != page
            else f'<span class="current">{n}</span>'
            for n in range(1, last + 1)
        )
        if page < last:
            links += f'<a href="/section/{slug}?page={page + 1}" class="next">Next</a>'
        body = self._listing(view, section.name, items)
        body += f'<div class="pagination">{links}</div>'
        return Page(200, self._document(view, section.name, "", body))

    def _article(self, view: PageView, article: Article) -> str:
        url = view.url(self.article_path(article))
        head = f'<meta property="og:title" content="{attr(article.title)}">\n'
        if article.images:
            image_url = view.url(self.image_path(article, article.images[0]))
            head += f'<meta property="og:image" content="{attr(image_url)}">\n'
        head += f'<link rel="canonical" href="{attr(url)}">\n'
        section = self.spec.section(article.topic)
        updated = ""
        if article.modified:
            updated = f'<div class="article-updated">Updated {gmt_stamp(article.modified)}</div>'
        image = ""
        if article.images:
            first = article.images[0]
            image = (
                f'<div class="article-image"><img src="{self.image_path(article, first)}" '
                f'alt="{attr(first.caption)}" width="640" height="360">'
                f'<div class="image-caption">{esc(first.caption)}</div></div>'
            )
        main = f"""<div id="post-{article.number}" class="article-details article-{article.number}">
<div class="section-label"><a href="/section/{section.slug}">{esc(section.name)}</a></div>
<h1 class="article-title">{esc(article.title)}</h1>
<div class="article-date">{gmt_stamp(article.published)}</div>{updated}
<div class="brand-strip">{BRAND}</div>
<div class="share-tools"><span class="share-title">{BRAND} {esc(article.title)}</span>
<a class="fb" href="https://www.facebook.com/sharer/sharer.php?u={attr(url)}">Facebook</a>
<a class="tw" href="https://twitter.com/intent/tweet?url={attr(url)}">Twitter</a>
<a class="print" href="/print/{article.number}">Print</a></div>
{image}
<div class="article-text" id="article-text-{article.number}">
{self._body(article)}
</div>
<div class="article-keywords"><span>almaghribtoday</span> <span>almaghribtoday</span></div>
</div>
{self._comment_form(article, "desktop")}
{self._comment_form(article, "mobile")}
{self._related(view, article)}"""
        return self._document(
            view, f"{BRAND} {article.title}", head, main, slug_line(article.title)
        )

    def _body(self, article: Article) -> str:
        parts = [
            f'<p class="dateline"><strong>{esc(article.dateline)} - Al Maghrib Today</strong></p>'
        ]
        for index, block in enumerate(article.blocks):
            if block.kind == "h":
                parts.append(f'<h3 class="sub-title">- {esc(block.text)} -</h3>')
            else:
                target = self.catalog.get(block.link.target) if block.link else None
                href = self.article_path(target) if target else None
                parts.append(f"<p>{inline_html(block, href)}</p>")
            if article.read_also and article.read_also.after == index:
                other = self.catalog.get(article.read_also.target)
                if other:
                    parts.append(
                        f'<div class="read-also"><span>Read also:</span> '
                        f'<a href="{self.article_path(other)}">{esc(other.title)}</a></div>'
                    )
        if article.source:
            parts.append(f'<p class="article-source">Source: {esc(article.source)}</p>')
        return "\n".join(parts)

    def _comment_form(self, article: Article, variant: str) -> str:
        line = slug_line(article.title)
        return f"""<div class="comment-box comment-box-{variant}">
<form class="comment-form" action="/comments/add" method="post">
<input type="hidden" name="news_id" value="{article.number}">
<div class="form-row"><label>Name *</label><input type="text" name="name"></div>
<div class="form-row"><label>E-mail *</label><input type="email" name="email"></div>
<div class="form-row"><label>Comment Title*</label><input type="text" name="title"></div>
<div class="form-row"><label>Comment *</label><textarea name="comment"></textarea></div>
<div class="form-row chars"><span class="count">500</span><span>: Characters Left</span></div>
<div class="form-row"><span class="required">Mandatory *</span></div>
<div class="terms"><h4>Terms of use</h4><p>{TERMS}</p>
<label><input type="checkbox" name="agree"> I agree with the Terms of Use</label></div>
<div class="form-row"><label>Security Code*</label><img src="/static/captcha.png" alt="">
<span class="captcha-alt">{line} {line}</span><input type="text" name="code"></div>
<button type="submit">Send</button>
</form>
</div>"""

    def _related(self, view: PageView, article: Article) -> str:
        items = []
        for other in self.catalog.related(article, view.rng, 10):
            path, title = self.article_path(other), esc(other.title)
            items.append(
                f'<li class="related-item item-{other.number}"><a class="thumb" href="{path}">'
                f'<img src="/static/thumbs/{other.number}.jpg" alt=""></a>'
                f'<span class="related-brand">{BRAND} {title}</span>'
                f'<div class="date">{gmt_stamp(other.published)}</div>'
                f'<h4><a href="{path}">{title}</a></h4></li>'
            )
        return f'<div class="related-news"><ul>{"".join(items)}</ul></div>'

    def _print(self, view: PageView, article: Article) -> str:
        url = view.url(self.article_path(article))
        return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(article.title)}</title>
<link rel="canonical" href="{attr(url)}"><meta name="robots" content="noindex"></head>
<body class="print-page" onload="window.print()">
<div class="print-logo"><img src="/static/images/logo.png" alt="{BRAND}"></div>
<h1>{esc(article.title)}</h1><div class="date">{gmt_stamp(article.published)}</div>
<div class="print-text">{self._body(article)}</div>
<div class="print-footer">All rights reserved to Arab Today Media Group 2025 ©</div>
</body></html>"""

    # Shared pieces --------------------------------------------------------------------------

    def _listing(self, view: PageView, heading: str, articles: Sequence[Article]) -> str:
        boxes = []
        for article in articles:
            path = self.article_path(article)
            boxes.append(
                f'<div class="news-box news-{article.number}"><a href="{path}" class="thumb">'
                f'<img src="/static/thumbs/{article.number}.jpg" alt=""></a>'
                f'<h3><a href="{path}">{esc(article.title)}</a></h3>'
                f'<div class="date">{gmt_stamp(article.published)}</div>'
                f'<p class="summary">{esc(excerpt(article))}</p></div>'
            )
        title = f'<h2 class="block-title">{esc(heading)}</h2>'
        return f'<div class="news-list">{title}{"".join(boxes)}</div>'

    def _document(
        self, view: PageView, title: str, head: str, main: str, seo: str = "almaghribtoday"
    ) -> str:
        clock = clock_stamp(view.rng)
        menu = "".join(
            f'<li><a href="/section/{s.slug}">{esc(s.name)}</a></li>' for s in self.spec.sections
        )
        most_read = "".join(
            f'<li><div class="date">{gmt_stamp(a.published)}</div>'
            f'<a href="{self.article_path(a)}">{esc(a.title)}</a></li>'
            for a in self.catalog.most_read()
        )
        footer = (
            "<p>Maintained and developed by Arabs Today Group SAL.</p>\n"
            "<p>All rights reserved to Arab Today Media Group 2025 ©</p>"
        )
        social = " ".join(
            f'<a href="{href}" title="Almaghrib Today {name}">Almaghrib Today {name},'
            f"almaghrib today {name.lower()}</a>"
            for href, name in (
                ("https://www.facebook.com/almaghribtoday", "Facebook"),
                ("https://twitter.com/almaghribtoday", "Twitter"),
                ("/rss.xml", "Rss"),
                ("https://www.youtube.com/almaghribtoday", "Youtube"),
                ("https://www.youtube.com/user/almaghribtoday", "Youtube"),
            )
        )
        return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
<meta name="keywords" content="{attr(seo)}, {BRAND}">
{head}<link rel="alternate" type="application/rss+xml" title="Al Maghrib Today" href="/rss.xml">
<link rel="stylesheet" href="/static/css/style.css?v=3">
</head>
<body class="inner-page">
<div class="top-strip"><h2 class="seo-title">{esc(seo)}</h2>
<div class="update-time">Last Updated : {clock}</div></div>
<header id="header"><div class="logo">
<a href="/"><img src="/static/images/logo.png" alt="{BRAND}"></a>
<span class="logo-text">{BRAND}</span><span class="logo-text">{BRAND}</span></div>
<ul class="header-menu"><li><a href="/">Home</a></li><li><a href="/rss.xml">RSS</a></li>
<li><a href="/search?q=Cairo">Search</a></li></ul></header>
<nav class="section-menu"><ul>{menu}</ul></nav>
<div class="ticker-bar"><span class="update-time">Last Updated : {clock}</span>
<span class="ticker-title">{BRAND}</span></div>
<div class="container main-container">
<div class="right-col">
{main}
</div>
<div class="left-col"><div class="most-read"><ul>{most_read}</ul></div></div>
</div>
<div class="social-bar"><span>{BRAND}</span> {social}</div>
<footer id="footer"><div class="footer-links"><a href="/">Home</a> <a href="/admin/">Admin</a></div>
{footer}</footer>
<div class="mobile-footer">{footer}</div>
<div class="site-tags">.almaghribtoday .almaghribtoday .almaghribtoday .almaghribtoday</div>
<div class="site-tags">almaghribtoday almaghribtoday almaghribtoday</div>
<div class="site-tags">almaghribtoday</div>
<address class="address">{ADDRESS}</address>
<div class="seo-footer">almaghribtoday, Almaghribtoday, Almaghribtoday</div>
</body>
</html>
"""
