"""Where the article sits on a parsed page: its headline block, its body blocks, their subtree.

The template pipeline has already chosen the body (the cleaned text); this module finds those
lines again among the page's blocks, so that metadata can prefer what lies in or near the
article (its date line, its byline, its images) over what lies in lists of other articles.

    >>> from newsspider.core.blocks import parse_page
    >>> page = parse_page('<ul><li><a href="/o">Other story</a></li></ul><div><h1>Big news</h1>'
    ...     '<p>Monday</p><div class="txt"><p>Body one.</p><p>Body two.</p></div></div>')
    >>> zone = locate(page, "Body one.\\nBody two.", "Big news")
    >>> zone.headline, zone.body, page.tags[zone.root]
    (1, (3, 4), 'div')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import compress, count, repeat

from newsspider.core.blocks import Block, Page
from newsspider.core.region import best_node, subtree_end

_WORD = re.compile(r"\w+")
# Share of the body's characters the article subtree must hold.
_BODY_SHARE = 0.9
# Levels the subtree may grow upwards to take the headline in.
_HEADLINE_CLIMB = 4
_HEADINGS = ("h1", "h2", "h3")
# A heading this many blocks before the body, at most, can be the headline.
_HEADLINE_REACH = 25


@dataclass(frozen=True)
class ArticleZone:
    """Block indexes of the headline (-1: none) and body, and the node holding them (-1)."""

    headline: int
    body: tuple[int, ...]
    root: int
    root_end: int = -1
    """One past the last node of the root's subtree (nodes are numbered in document order)."""

    @property
    def start(self) -> int:
        """First block of the article: the headline, else the body's first (-1: unknown)."""
        if self.headline >= 0:
            return self.headline
        return self.body[0] if self.body else -1

    @property
    def body_start(self) -> int:
        """First body block (-1: no body found)."""
        return self.body[0] if self.body else -1

    @property
    def subtree(self) -> range:
        """The node numbers of the article subtree (none when no subtree was found)."""
        return range(self.root, self.root_end) if self.root >= 0 else range(0)

    def contains(self, page: Page, node: int) -> bool:
        """Whether `node` lies in the article subtree (False when no subtree was found)."""
        return self.root >= 0 and self.root <= node < self.root_end

    def distance(self, index: int) -> int:
        """Blocks between `index` and the article's start (headline, else body)."""
        start = self.start
        return abs(index - start) if start >= 0 else index


def words_key(text: str) -> str:
    """Text compared loosely: lower case, word characters only.

    >>> words_key("Syria: 'Talks' resume!")
    'syria talks resume'
    """
    return " ".join(_WORD.findall(text.lower()))


def locate(page: Page, text: str, title: str) -> ArticleZone:
    """The article zone of `page`, from its cleaned `text` and its `title`."""
    lines = {line.strip() for line in text.splitlines() if line.strip()}
    body = tuple(b.index for b in page.blocks if b.text in lines)
    root = _body_root(page, body)
    headline = _headline(page, title, body)
    if headline >= 0 and root >= 0:
        root = _climb_to(page, root, page.blocks[headline].node)
    return ArticleZone(headline, body, root, subtree_end(page, root) if root >= 0 else -1)


def _body_root(page: Page, body: tuple[int, ...]) -> int:
    """The deepest node whose subtree holds most of the body's characters."""
    if not body:
        return -1
    lengths = [0.0] * len(page.blocks)
    for index in body:
        lengths[index] = len(page.blocks[index].text)
    _, held = best_node(page, lengths)  # every node's share of the body, summed up the tree
    total = sum(lengths)
    # Two nodes holding most of the body cannot be disjoint: those that hold enough lie on
    # one chain, and the deepest of them comes last in document order.
    enough = _BODY_SHARE * total
    return max(compress(count(), map(enough.__le__, held)), default=-1)


def _climb_to(page: Page, root: int, node: int) -> int:
    """`root`, or its nearest ancestor (a few levels up at most) that also holds `node`."""
    inside = set(page.ancestors(node))
    candidate = root
    for _ in range(_HEADLINE_CLIMB + 1):
        if candidate < 0:
            break
        if candidate in inside:
            return candidate
        candidate = page.parents[candidate]
    return root


def _headline(page: Page, title: str, body: tuple[int, ...]) -> int:
    """The block showing the headline: the title's words in a heading near the body."""
    key = words_key(title)
    start = body[0] if body else len(page.blocks)
    best, best_rank = -1, (9, 0)
    for block in _showing(page.blocks, key):
        if block.link_ratio > 0.5:
            continue
        tag = page.tags[block.node]
        if not key and (tag != "h1" or block.index > start):
            continue
        heading = _HEADINGS.index(tag) if tag in _HEADINGS else len(_HEADINGS)
        rank = (heading, abs(start - block.index))
        if rank < best_rank:
            best, best_rank = block.index, rank
    if best >= 0 and best < start - _HEADLINE_REACH and not key:
        return -1
    return best


def _showing(blocks: list[Block], key: str) -> list[Block]:
    """The `blocks` whose words are `key` (all of them when `key` is "").

    A block whose words are the key holds its longest word: one C-level scan of the lower-
    cased texts for it first, words_key only for the blocks that hold it.

    >>> blocks = [Block("Big news", 0, 0, 0), Block("Big, News!", 1, 0, 1), Block("News", 2, 0, 2)]
    >>> [b.index for b in _showing(blocks, "big news")], len(_showing(blocks, ""))
    ([0, 1], 3)
    """
    if not key:
        return blocks
    longest = max(key.split(" "), key=len)
    texts = [block.text for block in blocks]
    holding = compress(blocks, map(str.__contains__, map(str.lower, texts), repeat(longest)))
    return [block for block in holding if words_key(block.text) == key]
