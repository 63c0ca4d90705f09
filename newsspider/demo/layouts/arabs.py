"""Arabs Today (العرب اليوم): an Arabic, right-to-left template served in windows-1256.

URLs: /ar/<id>-<percent-encoded Arabic slug>, the same with ?print=1, /ar/section/<section>[/N],
/ar/search?q=. The related list comes before the article in source order, paragraphs are
separated by <br> rather than wrapped in <p>.
Metadata: microdata datePublished/dateModified, og:title, a visible Arabic date and byline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import MappingProxyType
from urllib.parse import quote

from newsspider.demo.catalog import SiteCatalog
from newsspider.demo.layouts.common import (
    Page,
    PageView,
    arabic_date,
    attr,
    clock_stamp,
    esc,
    excerpt,
    inline_html,
    page_slice,
    slugify,
)
from newsspider.demo.model import Article, Image

NAME = "العرب اليوم"
AGENCIES_AR = MappingProxyType({"AFP": "أ ف ب", "Reuters": "رويترز", "AP": "أسوشيتد برس"})
TRACKING = "?utm_source=facebook&utm_medium=social"
PER_PAGE = 12
GONE = "/ar/1-%D8%AE%D8%A8%D8%B1"
TERMS = (
    "شروط النشر: عدم الإساءة للكاتب أو للأشخاص أو للمقدسات أو مهاجمة الأديان أو الذات الإلهية"
    " والابتعاد عن التحريض الطائفي والعنصري والشتائم."
)
ADDRESS = "بناية النخيل - رأس النبع _ خلف السفارة الفرنسية _بيروت - لبنان"
_ARTICLE = re.compile(r"/ar/(\d+)-[^/]*")
_SECTION = re.compile(r"/ar/section/([a-z-]+)(?:/(\d+))?")


class ArabsLayout:
    """An older Arabic portal template: side column first, <br>-separated body, tag links."""

    encoding = "windows-1256"

    def __init__(self, catalog: SiteCatalog) -> None:
        self.catalog = catalog
        self.spec = catalog.spec

    def article_path(self, article: Article) -> str:
        """/ar/<id>-<slug>, the Arabic slug percent-encoded as UTF-8."""
        return f"/ar/{article.number}-{quote(slugify(article.title, 6), safe='-')}"

    def image_path(self, article: Article, image: Image) -> str:
        """/ar/uploads/<yyyy>/<mm>/<name>"""
        return f"/ar/uploads/{article.published:%Y/%m}/{image.name}"

    def duplicate_paths(self, article: Article) -> list[str]:
        """The print view, and a tracking-parameter link for the "most read" articles."""
        paths = [self.article_path(article) + "?print=1"]
        if article in self.catalog.most_read(8):
            paths.append(self.article_path(article) + TRACKING)
        return paths

    def resolve(self, view: PageView) -> Page | None:
        """Route a path to a page, or None when the path is not one of this site's."""
        path = view.path
        if path in ("/", "/ar", "/ar/"):
            body = self._listing("آخر الأخبار", self.catalog.latest(20))
            links = [(GONE, "من الأرشيف"), *((f, f) for f in view.fault_links)]
            body += '<ul class="archive-links">'
            body += "".join(f'<li><a href="{attr(h)}">{esc(t)}</a></li>' for h, t in links)
            body += "</ul>"
            return Page(200, self._document(view, NAME, "", body))
        if match := _SECTION.fullmatch(path):
            return self._section(view, match[1], int(match[2] or 1))
        if match := _ARTICLE.fullmatch(path):
            if article := self.catalog.get(int(match[1])):
                if view.query.get("print") == "1":
                    return Page(200, self._print(view, article), article)
                return Page(200, self._article(view, article), article)
        if path == "/ar/search":
            query = view.query.get("q", "")
            found = self.catalog.search(query)[:20]
            body = self._listing(f"نتائج البحث عن: {query}", found)
            return Page(200, self._document(view, f"بحث: {query}", "", body))
        return None

    def not_found(self, view: PageView) -> Page:
        """A 404 with the site's chrome."""
        body = '<div class="not-found"><h1>الصفحة غير موجودة</h1></div>'
        return Page(404, self._document(view, "الصفحة غير موجودة", "", body))

    def _section(self, view: PageView, slug: str, page: int) -> Page | None:
        section = next((s for s in self.spec.sections if s.slug == slug), None)
        if section is None:
            return None
        sliced = page_slice(self.catalog.in_section(section.topic), page, PER_PAGE)
        if sliced is None:
            return None
        items, last = sliced
        pager = "".join(
            f'<li><a href="/ar/section/{slug}/{n}">{n}</a></li>' if n != page else f"<li>{n}</li>"
            for n in range(1, last + 1)
        )
        if page < last:
            pager += f'<li class="next"><a href="/ar/section/{slug}/{page + 1}">التالي</a></li>'
        body = self._listing(section.name, items) + f'<ul class="pager">{pager}</ul>'
        return Page(200, self._document(view, section.name, "", body))

    def _article(self, view: PageView, article: Article) -> str:
        url = view.url(self.article_path(article))
        section = self.spec.section(article.topic)
        head = (
            f'<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{attr(article.title)}">\n'
            f'<meta property="og:locale" content="ar_AR">\n'
            f'<link rel="canonical" href="{attr(url)}">\n'
        )
        if article.tags:
            head += f'<meta name="keywords" content="{attr("، ".join(article.tags))}">\n'
        meta = f'<meta itemprop="datePublished" content="{article.published.isoformat()}">'
        dates = f'<span class="news-date">{arabic_date(article.published)}</span>'
        if article.modified:
            meta += f'<meta itemprop="dateModified" content="{article.modified.isoformat()}">'
            dates += f'<span class="news-updated">آخر تحديث: {arabic_date(article.modified)}</span>'
        byline = "".join(f'<span class="author">بقلم: {esc(n)}</span>' for n in article.authors)
        image = ""
        if article.images:
            first = article.images[0]
            image = (
                f'<div class="news-image"><img src="{self.image_path(article, first)}" '
                f'alt="{attr(first.caption)}"><p class="caption">{esc(first.caption)}</p></div>'
            )
        tags = "".join(f'<a href="/ar/search?q={quote(t)}">{esc(t)}</a> ' for t in article.tags)
        tag_box = (
            f'<div class="news-tags"><span>الكلمات الدالة:</span> {tags}</div>' if tags else ""
        )
        main = f"""<ol class="breadcrumb"><li><a href="/">الرئيسية</a></li>
<li><a href="/ar/section/{section.slug}">{esc(section.name)}</a></li>
<li class="active">{esc(article.title)}</li></ol>
<div class="news-item news-{article.number}" itemscope itemtype="http://schema.org/NewsArticle">
{meta}
<h1 class="news-title" itemprop="headline">{esc(article.title)}</h1>
<div class="news-meta">{byline}{dates}</div>
{image}
<div class="news-text" itemprop="articleBody">
{self._body(article)}
</div>
{tag_box}
<div class="share-box"><span>شارك الخبر:</span>
<a href="https://www.facebook.com/sharer.php?u={attr(url)}">فيسبوك</a>
<a href="https://twitter.com/share?url={attr(url)}">تويتر</a>
<a href="{self.article_path(article)}?print=1">طباعة</a></div>
</div>
{self._comments()}"""
        return self._document(view, f"{article.title} - {NAME}", head, main, article)

    def _body(self, article: Article) -> str:
        parts = [f'<strong class="dateline">{esc(article.dateline)} - {NAME}</strong><br />']
        for index, block in enumerate(article.blocks):
            if block.kind == "h":
                parts.append(f'<h3 class="inner-title">{esc(block.text)}</h3>')
            else:
                target = self.catalog.get(block.link.target) if block.link else None
                href = self.article_path(target) if target else None
                parts.append(inline_html(block, href) + "<br />\n<br />")
            if article.read_also and article.read_also.after == index:
                if other := self.catalog.get(article.read_also.target):
                    parts.append(
                        f'<div class="read-more-box"><span>اقرأ أيضًا:</span> '
                        f'<a href="{self.article_path(other)}">{esc(other.title)}</a></div>'
                    )
        if article.source:
            agency = AGENCIES_AR.get(article.source, article.source)
            parts.append(f'<p class="news-source">المصدر: {esc(agency)}</p>')
        return "\n".join(parts)

    def _comments(self) -> str:
        rows = "".join(
            f'<div class="row"><label>{label}</label><input type="text" name="f{i}"></div>'
            for i, label in enumerate(("الاسم *", "البريد الإلكتروني *", "عنوان التعليق*"))
        )
        return f"""<div class="comments-box"><h3 class="box-title">التعليقات</h3>
<p class="no-comments">لا توجد تعليقات</p>
<form class="add-comment" method="post" action="/ar/comment">{rows}
<div class="row"><label>التعليق *</label><textarea name="body"></textarea></div>
<div class="row"><span>500</span><span> : حرف متبقي</span></div>
<div class="row"><span>الحقول الإلزامية *</span></div>
<div class="terms"><h4>شروط الاستخدام</h4><p>{TERMS}</p>
<label><input type="checkbox" name="agree"> أوافق على شروط الاستخدام</label></div>
<div class="row"><label>رمز الأمان*</label><input type="text" name="code"></div>
<button type="submit">إرسال</button></form></div>"""

    def _print(self, view: PageView, article: Article) -> str:
        url = view.url(self.article_path(article))
        return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>{esc(article.title)}</title><link rel="canonical" href="{attr(url)}"></head>
<body class="print"><h1>{esc(article.title)}</h1>
<p class="date">{arabic_date(article.published)}</p>
<div class="text">{self._body(article)}</div>
<p class="copy">جميع الحقوق محفوظة لمجموعة العرب اليوم الإعلامية 2025 ©</p></body></html>"""

    def _listing(self, heading: str, articles: Sequence[Article]) -> str:
        items = "".join(
            f'<li class="item"><a href="{self.article_path(a)}">{esc(a.title)}</a>'
            f'<span class="time">{arabic_date(a.published)}</span>'
            f'<p class="brief">{esc(excerpt(a))}</p></li>'
            for a in articles
        )
        return (
            f'<div class="list-box"><h2 class="box-title">{esc(heading)}</h2><ul>{items}</ul></div>'
        )

    def _document(
        self, view: PageView, title: str, head: str, main: str, article: Article | None = None
    ) -> str:
        nav = "".join(
            f'<li><a href="/ar/section/{s.slug}">{esc(s.name)}</a></li>' for s in self.spec.sections
        )
        breaking = "".join(
            f'<a href="{self.article_path(a)}">{esc(a.title)}</a> ' for a in self.catalog.latest(5)
        )
        related = "".join(
            f'<li><a href="{self.article_path(a)}">{esc(a.title)}</a>'
            f'<span class="time">{arabic_date(a.published)}</span></li>'
            for a in self.catalog.related(article, view.rng, 8)
        )
        most_read = "".join(
            f'<li><a href="{attr(self.article_path(a) + TRACKING)}">{esc(a.title)}</a></li>'
            for a in self.catalog.most_read(8)
        )
        return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>{esc(title)}</title>
<meta property="og:site_name" content="{NAME}">
{head}<link rel="stylesheet" href="/ar/static/main.css">
</head>
<body class="rtl">
<div id="wrapper">
<div class="topbar"><span class="clock">آخر تحديث: {clock_stamp(view.rng)}</span>
<ul class="top-links"><li><a href="/">الرئيسية</a></li>
<li><a href="/ar/search?q={quote("لبنان")}">بحث</a></li></ul></div>
<div class="masthead"><a href="/" class="logo"><img src="/ar/static/logo.gif" alt="{NAME}"></a>
<div class="ad-slot">إعلان</div></div>
<ul class="nav-sections">{nav}</ul>
<div class="breaking"><strong>عاجل</strong> {breaking}</div>
<div class="page-body">
<aside class="col-side">
<div class="box related-box"><h3 class="box-title">أخبار ذات صلة</h3><ul>{related}</ul></div>
<div class="box most-read"><h3 class="box-title">الأكثر قراءة</h3><ol>{most_read}</ol></div>
</aside>
<div class="col-main">
{main}
</div>
</div>
<footer class="footer"><ul class="footer-nav">{nav}</ul>
<p>جميع الحقوق محفوظة لمجموعة العرب اليوم الإعلامية 2025 ©</p>
<p>تطوير وصيانة مجموعة العرب اليوم ش.م.ل.</p>
<p class="address">{ADDRESS}</p><a href="/admin/">دخول المحررين</a></footer>
</div>
</body>
</html>
"""
