"""Is a page an article, or a listing (home, section, tag, search, archive) to crawl through?

Markup decides when it speaks (``og:type``, JSON-LD ``@type``); otherwise the text does: an
article has a run of prose in one container, a listing has links and teasers. Listing-like
URLs (the site root, ``/tag/``, ``?page=2``) need the markup's word to count as articles.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsspider.core.blocks import Page
from newsspider.core.template import visual_length

_ARTICLE_TYPES = re.compile(
    r"(News|Blog|Reportage|Analysis|Opinion|Review|Satirical)?Article$|^BlogPosting$|^LiveBlogPosting$"
)  # noqa: E501
_LISTING_PATH = re.compile(
    r"/(tags?|categor(y|ies)|sections?|topics?|search|archives?|authors?|page|feed|rss|index)"
    r"(/|\.html?$|$)",
    re.I,
)
# HTML5 sections that hold no article text, whatever the page.
_NOT_CONTENT = frozenset({"footer", "nav", "aside"})
_LISTING_QUERY = re.compile(r"(^|&)(page|p|q|s|query|search|tag|cat|category)=", re.I)
# Pages every site has that are not news: about, contact, legal, account pages.
_SERVICE_PATH = re.compile(
    r"/(about|about-us|contact|contact-us|privacy|privacy-policy|terms|terms-of-use|tos|legal"
    r"|imprint|impressum|faq|help|login|logout|register|signup|subscribe|newsletter|advertise"
    r"|careers|jobs|sitemap|cookies?|cookie-policy|disclaimer)(/|\.\w+$|$)",
    re.I,
)


@dataclass(frozen=True)
class ArticleTest:
    """Thresholds of the text test.

    A prose block has `prose_block_chars` or more with at most `max_link_ratio` link text;
    an article has `story_chars` of prose under one parent, or `container_chars` that do
    not sit in a run of `teaser_items` sibling items pairing a headline link with prose (a
    listing's teasers; teasers in a sidebar beside a short article do not count).
    """

    prose_block_chars: int = 80
    max_link_ratio: float = 0.3
    container_chars: int = 80
    story_chars: int = 400
    teaser_items: int = 4


def markup_kind(page: Page) -> str | None:
    """``"article"`` or ``"listing"`` when the page's own markup says so, else None."""
    og_type = page.meta.get("og:type", "").lower()
    if og_type == "article":
        return "article"
    for raw in page.json_ld:
        for kind in _ld_types(raw):
            if _ARTICLE_TYPES.search(kind):
                return "article"
    if og_type in ("website", "profile") and _looks_like_listing_url(page.canonical):
        return "listing"
    return None


def is_article(page: Page, url: str, test: ArticleTest | None = None) -> tuple[bool, str]:
    """Whether `page` (fetched from `url`) is an article, and the reason, for the logs."""
    test = test or ArticleTest()
    kind = markup_kind(page)
    if kind is not None:
        return kind == "article", f"markup:{kind}"
    if _looks_like_listing_url(url):
        return False, "listing-url"
    prose = _largest_prose_container(page, test, set())
    if prose >= test.story_chars:
        return True, "prose"
    teasers = _teaser_items(page, test.teaser_items)
    own = _largest_prose_container(page, test, teasers) if teasers else prose
    if own >= test.container_chars:
        return True, "short-prose"
    if teasers:
        return False, f"teasers:{len(teasers)}"
    return False, f"little-prose:{prose}"


def _teaser_items(page: Page, minimum: int) -> set[int]:
    """Sibling elements (`minimum` or more of a kind) each holding a headline link and
    prose: a listing's teasers."""
    parents = page.parents
    flags: dict[int, int] = defaultdict(int)  # bit 1: headline link, bit 2: prose
    for block in page.blocks:
        if block.link_ratio >= 0.8 and len(block.text.split()) >= 3:
            bit = 1
        elif len(block.text) >= 60 and block.link_ratio < 0.3:
            bit = 2
        else:
            continue
        node = block.node
        while node >= 0:
            flags[node] |= bit
            node = parents[node]
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for node, bits in flags.items():
        if bits == 3 and parents[node] >= 0:
            groups[(parents[node], page.tags[node])].append(node)
    found: set[int] = set()
    for members in groups.values():
        if len(members) >= minimum:
            found.update(members)
    return found


def _largest_prose_container(page: Page, test: ArticleTest, teasers: set[int]) -> int:
    """Characters of prose (long, link-poor blocks) under the parent holding the most,
    leaving out prose inside `teasers` items and in footers, navigation and asides.
    CJK characters count triple: a short Chinese brief is as long as an English one."""
    by_parent: dict[int, int] = defaultdict(int)
    for block in page.blocks:
        size = visual_length(block.text)
        if size < test.prose_block_chars or block.link_ratio > test.max_link_ratio:
            continue
        chain = page.ancestors(block.node)
        if any(page.tags[n] in _NOT_CONTENT for n in chain):
            continue
        if teasers and any(n in teasers for n in chain):
            continue
        by_parent[page.parents[block.node]] += size - block.link_chars
    return max(by_parent.values(), default=0)


def _looks_like_listing_url(url: str) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    path = parts.path or "/"
    return path in ("/", "") or bool(
        _LISTING_PATH.search(path)
        or _SERVICE_PATH.search(path)
        or _LISTING_QUERY.search(parts.query)
    )


def _ld_types(raw: str) -> list[str]:
    """Every ``@type`` in a JSON-LD script (``@graph`` and lists included)."""
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    found: list[str] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            kind = node.get("@type")
            if isinstance(kind, str):
                found.append(kind)
            elif isinstance(kind, list):
                found.extend(k for k in kind if isinstance(k, str))
            graph = node.get("@graph")
            if graph is not None:
                stack.append(graph)
    return found
