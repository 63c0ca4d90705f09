"""Where a site files an article: its section (breadcrumbs, meta, URL) and its tags.

>>> from newsspider.core.blocks import parse_page
>>> page = parse_page('<nav><a href="/section/sports">Sports</a></nav><h1>Derby</h1>')
>>> url_section(page, "http://x.org/news/sports/123/derby-day.html")
'Sports'
>>> split_keywords("عمان، الطاقة ,  oil")
['عمان', 'الطاقة', 'oil']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, count, repeat
from urllib.parse import urlsplit

from newsspider.core.blocks import Page
from newsspider.core.memo import Memo
from newsspider.core.structured import JsonLd
from newsspider.core.zone import ArticleZone, words_key

_BREADCRUMB = re.compile(r"breadcrumb|crumbs?\b|crumb-|\.path$|trail")
_CRUMB_SPLIT = re.compile(r"\s+[›»>/|→]\s+|\s*[›»→]\s*")
_TAG_BOX = re.compile(r"tags?\b|tags-|tag-list|tagged|keywords|topics|subjects|labels")
_TAG_LINK = re.compile(r"tag|topic|keyword|subject|label|search|[?&](?:q|s)=", re.I)
_TAG_LABEL = re.compile(r"^\s*(?:tags?|tagged|keywords|topics|الكلمات الدالة|وسوم)\s*:?\s*", re.I)
_KEYWORD_SPLIT = re.compile(r"\s*[,;،]\s*")
_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,30}$")
_MAX_SECTION_WORDS = 5
_MAX_TAG_CHARS = 60


def split_keywords(text: str) -> list[str]:
    """Keywords of a ``keywords`` meta value, split on commas (Arabic ones too)."""
    return [k for k in _KEYWORD_SPLIT.split(text.strip()) if k]


def clean_tags(
    tags: Iterable[str], title: str, stop: Sequence[str], site_keyword: Callable[[str], bool]
) -> list[str]:
    """Tags without the headline, the site's name, site-wide keywords, or duplicates.

    `stop` holds word keys that name the site (its declared name and title affixes): a tag
    that makes up at least half of one of them is the site's name, not a tag.
    """
    title_key = words_key(title).replace(" ", "")
    kept: dict[str, str] = {}
    for tag in tags:
        tag = " ".join(tag.split())
        key = words_key(tag)
        if not key or len(tag) > _MAX_TAG_CHARS or key.replace(" ", "") == title_key:
            continue
        if key in kept:
            continue
        if site_keyword(key) or any(_names(key, s) for s in stop):
            continue
        kept[key] = tag
    return list(kept.values())


def _names(key: str, site: str) -> bool:
    squeezed, site = key.replace(" ", ""), site.replace(" ", "")
    return bool(site) and squeezed in site and 2 * len(squeezed) >= len(site)


def breadcrumb_section(
    page: Page, zone: ArticleZone, title: str, marks: Marks | None = None
) -> str | None:
    """The last breadcrumb before the article itself, past the home link.

    `marks` are the page's :class:`Marks`, when the caller has read them.
    """
    marked = _marked_nodes(page, (marks or Marks.of(page)).breadcrumb)
    if marked is None:
        return None  # no breadcrumb element, so no crumbs
    crumbs: list[str] = []
    for block in page.blocks:
        if marked[block.node]:
            crumbs += [c.strip() for c in _CRUMB_SPLIT.split(block.text) if c.strip()]
    if not crumbs:
        return None
    # Only a crumb's own text can be a home link's: spares splitting every link of the page.
    texts = set(crumbs)
    homes = {text for href, text in page.links if text in texts and _path(href) in ("", "/")}
    title_key = words_key(title)
    named = [
        c
        for c in crumbs
        if c not in homes and words_key(c) != title_key and 0 < len(c.split()) <= _MAX_SECTION_WORDS
    ]
    return named[-1] if named else None


def json_ld_breadcrumb(ld: JsonLd, title: str) -> str | None:
    """The last item of a BreadcrumbList before the article itself."""
    for _, obj in ld.of_types(frozenset({"breadcrumblist"})):
        items = obj.get("itemListElement")
        if not isinstance(items, list):
            continue
        names = [ld.text(i.get("name") or i.get("item")) for i in items if isinstance(i, dict)]
        names = [n for n in names[1:] if n and words_key(n) != words_key(title)]
        if names and not names[-1].startswith("http"):
            return names[-1]
    return None


def url_section(page: Page, url: str) -> str | None:
    """The section a URL path names, as the site's own links name it ("sports" -> "Sports")."""
    segments = [s for s in _path(url).split("/") if s][:-1]
    slugs = [s.lower() for s in segments if _SLUG.match(s.lower())]
    if not slugs:
        return None
    named: dict[str, str] = {}
    links = page.links
    # Only a link holding a slug can end in one: spares splitting every link of the page.
    for index in _holding(links, slugs):
        href, text = links[index]
        if not text or len(text.split()) > _MAX_SECTION_WORDS:
            continue  # a headline or a picture, not a section's name
        parts = [p for p in _path(href).lower().split("/") if p]
        if parts:
            named.setdefault(parts[-1], text)
    for slug in slugs:
        if slug in named:
            return named[slug]
    return None


def _holding(links: Sequence[tuple[str, str]], words: Sequence[str]) -> list[int]:
    """Indexes, in page order, of the `links` whose lower-cased href holds one of `words`.

    One C-level scan of the hrefs per word, not a Python test per link.

    >>> _holding([("/Sports/1", ""), ("/world", ""), ("/x?s=sports", ""), ("/news", "")],
    ...          ["sports", "news"])
    [0, 2, 3]
    """
    lowered = [href.lower() for href, _ in links]
    found: set[int] = set()
    for word in words:
        found.update(compress(count(), map(str.__contains__, lowered, repeat(word))))
    return sorted(found)


def visible_tags(page: Page, zone: ArticleZone, marks: Marks | None = None) -> list[str]:
    """Link texts of a tag box ("Tags: a, b") in or after the article.

    `marks` are the page's :class:`Marks`, when the caller has read them.
    """
    marked = _marked_nodes(page, (marks or Marks.of(page)).tag_box)
    for block in page.blocks:
        if block.link_chars == 0 or not zone.contains(page, block.node):
            continue
        if not (marked is not None and marked[block.node]) and not _TAG_LABEL.match(block.text):
            continue
        text = _TAG_LABEL.sub("", block.text)
        tags = [t for href, t in page.links if t and t in text and _TAG_LINK.search(href)]
        if tags:
            return sorted(dict.fromkeys(tags), key=text.find)
    return []


@dataclass(frozen=True)
class Marks:
    """The class/id tokens of a page that name a breadcrumb trail and a tag box."""

    breadcrumb: frozenset[str]
    tag_box: frozenset[str]

    @classmethod
    def of(cls, page: Page) -> Marks:
        """The marks of `page`, read afresh."""
        return MarkReader(0).read(page)


class MarkReader:
    """Reads pages' :class:`Marks`, remembering what each element's tokens name: a site's
    pages repeat them. At most `max_entries` token sets are remembered (all forgotten when
    full; 0: none).

    >>> from newsspider.core.blocks import parse_page
    >>> page = parse_page('<ol class="breadcrumb"><li>Home</li></ol><div id="tags">a</div>')
    >>> MarkReader().read(page)
    Marks(breadcrumb=frozenset({'.breadcrumb'}), tag_box=frozenset({'#tags'}))
    """

    def __init__(self, max_entries: int = 20_000) -> None:
        self._names = Memo(_mark_names, max_entries)

    def read(self, page: Page) -> Marks:
        """The marks of `page`."""
        breadcrumb: set[str] = set()
        tag_box: set[str] = set()
        known = self._names.entries  # read directly: a page has ~90 token sets, most known
        for tokens in set(page.tokens):
            names = known.get(tokens) or self._names(tokens)
            if names[0]:
                breadcrumb.update(names[0])
            if names[1]:
                tag_box.update(names[1])
        return Marks(frozenset(breadcrumb), frozenset(tag_box))


def _mark_names(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """An element's tokens that name a breadcrumb trail, and those that name a tag box."""
    return (
        tuple(t for t in tokens if _BREADCRUMB.search(t)),
        tuple(t for t in tokens if _TAG_BOX.search(t)),
    )


def _marked_nodes(page: Page, hits: frozenset[str]) -> list[bool] | None:
    """Per node: whether it or one of its ancestors has one of the class/id tokens `hits`;
    None when there are none (no node is marked)."""
    if not hits:
        return None
    marked: list[bool] = []
    for parent, tokens in zip(page.parents, page.tokens, strict=True):
        inherited = parent >= 0 and marked[parent]
        marked.append(inherited or not hits.isdisjoint(tokens))
    return marked


def _path(url: str) -> str:
    """The path of a URL, or "" for one too malformed to split (``http://[::1``)."""
    try:
        return urlsplit(url).path
    except ValueError:
        return ""
