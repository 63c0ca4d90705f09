"""The article's own images, with their captions: not logos, avatars, pixels or teasers.

An image counts when it sits in the article subtree (headline and body) outside any list of
links, or when the markup names it (JSON-LD ``image``, ``og:image``) and it is not the
site's default share image. Its caption is the ``figcaption`` (or a caption-like block) of
the element holding it, else its ``alt`` text.

    >>> from newsspider.core.blocks import parse_page
    >>> from newsspider.core.zone import locate
    >>> page = parse_page('<div><h1>Big news today</h1><figure><img src="/a.jpg" alt="A">'
    ...     '<figcaption>The harbour at dawn</figcaption></figure><p>Body text here.</p></div>'
    ...     '<ul><li><a href="/o"><img src="/o.jpg">Other</a></li></ul>')
    >>> zone = locate(page, "Body text here.", "Big news today")
    >>> article_images(page, zone, "http://x.org/n/1", [])
    [('http://x.org/a.jpg', 'The harbour at dawn', 'page')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urljoin

from w3lib.url import safe_url_string

from newsspider.core.blocks import Page
from newsspider.core.zone import ArticleZone

# Image URLs and element names that are never the article's picture.
_NOT_PICTURE = re.compile(
    r"logo|avatar|gravatar|icon|sprite|pixel|spacer|blank\.gif|1x1|tracking|beacon|emoji|"
    r"badge|captcha|placeholder|loader|share|social|button|banner|advert|/ads?/",
    re.I,
)
# The same pattern without re.I, for lower-cased ASCII text: its words are all lower case,
# and re.I's Unicode case folding costs several times the search itself.
_NOT_PICTURE_LOWER = re.compile(_NOT_PICTURE.pattern)
_CAPTION_TOKENS = re.compile(r"caption|legend|credit|figcaption|wp-caption")
_MAX_CAPTION_CHARS = 400
_MAX_IMAGES = 20
# Blocks after the headline within which a picture outside the article subtree may lead it.
_LEAD_REACH = 6


def article_images(
    page: Page, zone: ArticleZone, url: str, named: Sequence[tuple[str, str, str]]
) -> list[tuple[str, str, str]]:
    """(absolute URL, caption, source) of the article's images, page order first.

    `named` are (url, caption, source) images the markup names (JSON-LD, og:image); they
    come after the page's own and fill in captions the page lacks.
    """
    found: dict[str, tuple[str, str]] = {}
    place = _Placement(page, zone)
    resolved: dict[str, str | None] = {}  # src -> absolute: og:image often repeats one
    for owner, src, alt in page.images:
        if not place.is_article_picture(owner):
            continue  # first: resolving every thumbnail's URL costs more than this
        if _not_picture(src) or _not_picture(alt):
            continue  # and a logo's or an icon's is never needed
        if src not in resolved:
            resolved[src] = _absolute(url, src)
        absolute = resolved[src]
        if absolute is None or absolute in found:
            continue
        found[absolute] = (_caption(page, owner) or alt.strip(), "page")
    for src, caption, source in named:
        if _not_picture(src):
            continue
        absolute = resolved[src] if src in resolved else _absolute(url, src)
        if absolute is None:
            continue
        if absolute in found:
            kept, how = found[absolute]
            found[absolute] = (kept or caption, how)
        else:
            found[absolute] = (caption, source)
    return [(u, c, s) for u, (c, s) in list(found.items())[:_MAX_IMAGES]]


def _absolute(base: str, src: str) -> str | None:
    src = src.strip()
    if not src or src.startswith(("data:", "javascript:", "about:")):
        return None
    try:
        absolute = safe_url_string(urljoin(base, src))  # spaces and non-ASCII escaped
    except ValueError:
        return None
    return absolute if absolute.startswith(("http://", "https://")) else None


def _not_picture(text: str) -> bool:
    """Whether an image URL, alt text or class token names no article picture: the answer
    of ``_NOT_PICTURE.search``, read from the lower-cased text when it is ASCII (where
    lower-casing is all that re.I does).

    >>> _not_picture("/img/Site-LOGO.png"), _not_picture("/img/harbour.jpg")
    (True, False)
    """
    if text.isascii():
        return _NOT_PICTURE_LOWER.search(text.lower()) is not None
    return _NOT_PICTURE.search(text) is not None


class _Placement:
    """Where a page's images sit relative to its article zone, with what one image's answer
    teaches about the next (images share ancestors) kept for the page."""

    def __init__(self, page: Page, zone: ArticleZone) -> None:
        self.page = page
        self.zone = zone
        self._clean: dict[int, bool] = {}  # node -> no chrome between it and the zone root
        self._inside = zone.subtree
        self._lead = _lead_nodes(page, zone.headline)  # nodes just below the headline

    def is_article_picture(self, owner: int) -> bool:
        """In the article subtree (or just below the headline), not in a list item, not in
        an element named like chrome (logo, share, related, comment...)."""
        if owner < 0:
            return False
        lead = self._lead
        if owner not in self._inside and not lead[0] < owner <= lead[1]:
            return False
        return self._chrome_free(owner)

    def _chrome_free(self, node: int) -> bool:
        """No list item or chrome-named element from `node` up to the zone root (excluded)."""
        page, root, clean = self.page, self.zone.root, self._clean
        path: list[int] = []
        free = True
        while node >= 0 and node != root:
            known = clean.get(node)
            if known is not None:
                free = known
                break
            path.append(node)
            if _is_chrome(page.tags[node], page.tokens[node]):
                free = False
                break
            node = page.parents[node]
        for seen in path:  # each has the same answer: it lies on the chain just walked
            clean[seen] = free
        return free


def _lead_nodes(page: Page, headline: int) -> tuple[int, int]:
    """(low, high): an image's owner node lies in one of the _LEAD_REACH blocks after the
    headline block when low < owner <= high ((0, 0) without a headline).

    The blocks an image may lead are those after the headline up to _LEAD_REACH on; the
    first block whose node is the owner's or later is the first whose running maximum of
    nodes is, so the owner must pass the headline's running maximum and not the last lead
    block's: two numbers per page, not a search per image.

    >>> from newsspider.core.blocks import parse_page
    >>> page = parse_page("<h1>Head</h1><div><img src='/a.jpg'><p>One</p></div><p>Two</p>")
    >>> _lead_nodes(page, 0), [owner for owner, _, _ in page.images]
    ((2, 5), [3])
    """
    blocks = page.blocks
    if headline < 0 or not blocks:
        return 0, 0
    last = min(headline + _LEAD_REACH, len(blocks) - 1)
    reach = max(b.node for b in blocks[: headline + 1])
    return reach, max([reach] + [b.node for b in blocks[headline + 1 : last + 1]])


def _is_chrome(tag: str, tokens: tuple[str, ...]) -> bool:
    if tag == "li" or any(map(_not_picture, tokens)):
        return True
    return any(t.startswith((".related", ".comment", "#comment")) for t in tokens)


def _caption(page: Page, owner: int) -> str:
    """The caption block inside the element that holds the image, if any."""
    for block in page.blocks:
        if block.node < owner or block.link_ratio > 0.5:
            continue
        chain = page.ancestors(block.node)
        if owner not in chain:
            if block.node > owner:
                break
            continue
        node = block.node
        is_caption = page.tags[node] == "figcaption" or any(
            map(_CAPTION_TOKENS.search, page.tokens[node])
        )
        if is_caption and len(block.text) <= _MAX_CAPTION_CHARS:
            return block.text
    return ""
