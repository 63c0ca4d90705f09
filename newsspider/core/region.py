"""Where on a page the article sits: subtree scores and repeated-item (comment) structure.

Both work on a parsed :class:`~newsspider.core.blocks.Page` and know nothing of sites; the
template model combines them with what it learned across a site's pages.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from newsspider.core.blocks import Page

_DIGIT = re.compile(r"\d")
# A list ordinal opening a line ("1. Become a better citizen", "2) Plan"): not a stamp.
_ORDINAL = re.compile(r"^\W*\d{1,2}[.)]\s")
# A comment or teaser item: at least this many sibling items of one kind...
MIN_ITEMS = 3
# ...most of them holding a short digit-bearing line (a time, a date, "3 hours ago").
_STAMP_CHARS = 60
_ITEM_SHARE = 0.6
# A comment's lines: name, stamp, its paragraphs, and on many forums its tools (avatar,
# reply-to, votes, share links) with them; a layout column sharing a class holds more.
_MAX_ITEM_LINES = 24
# Items without stamps are uniform when this share of them hold the same number of lines.
_UNIFORM_SHARE = 0.7
# A list of links: this share of its items hold a link, links are this share of its text.
_LINKED_ITEM_SHARE = 0.8
_LINK_LIST_RATIO = 0.35
# ...and its items are headline-sized, not paragraphs (a roundup's paragraphs cite sources).
_LINK_ITEM_CHARS = 100
# A gallery: this share of a run's items hold an image and a single line (its caption).
_GALLERY_SHARE = 0.8
# Tokens that alternate between siblings of one kind (zebra striping, nesting depth).
_ALTERNATING = re.compile(r"odd|even|alt|first|last|active|depth|level|parent|child")


def best_node(page: Page, weights: Sequence[float]) -> tuple[int, list[float]]:
    """The node whose subtree has the highest summed block weight, and every node's sum.

    Ties go to the deeper node, so a container is chosen only when it adds content.

    >>> from newsspider.core.blocks import parse_page
    >>> page = parse_page("<body><div><p>aaa</p></div><div><p>bb</p><p>cc</p></div></body>")
    >>> node, scores = best_node(page, [3, -1, -1])
    >>> page.tags[node], scores[node]
    ('p', 3.0)
    """
    scores = [0.0] * len(page.tags)
    for block, weight in zip(page.blocks, weights, strict=True):
        scores[block.node] += weight
    # A child comes after its parent in document order: summing children into parents
    # from the last node back fills every subtree in one pass.
    parents = page.parents
    for node in range(len(scores) - 1, 0, -1):
        parent = parents[node]
        if parent >= 0:
            scores[parent] += scores[node]
    top = max(scores, default=0.0)
    if top <= 0:
        return -1, scores
    return len(scores) - 1 - scores[::-1].index(top), scores  # the last of the best


def container_of(page: Page, node: int) -> int:
    """`node` if blocks of several elements lie under it, else its parent: the place of an
    article is the element that holds its paragraphs, not its longest paragraph.

    >>> from newsspider.core.blocks import parse_page
    >>> page = parse_page("<body><div><p>aaa</p><p>bb</p></div></body>")
    >>> [page.tags[container_of(page, n)] for n in (3, 2)]  # a <p>, the <div>
    ['div', 'div']
    """
    parents = page.parents
    end = node + 1
    # Descendants of a node follow it in document order, each after its own parent.
    while end < len(parents) and node <= parents[end] < end:
        end += 1
    if any(node < block.node < end for block in page.blocks):
        return node
    return parents[node] if parents[node] >= 0 else node


def subtree_end(page: Page, root: int) -> int:
    """One past the last node of `root`'s subtree: nodes are numbered in document order, so
    a subtree is the run of nodes after its root whose parents lie within it.

    >>> from newsspider.core.blocks import parse_page
    >>> page = parse_page("<div><p>a</p><ul><li>b</li></ul></div><p>c</p>")
    >>> page.tags, subtree_end(page, 2), subtree_end(page, 4)
    (['html', 'body', 'div', 'p', 'ul', 'li', 'p'], 6, 6)
    """
    parents = page.parents
    end = root + 1
    while end < len(parents) and parents[end] >= root:
        end += 1
    return end


def in_subtrees(page: Page, roots: set[int]) -> list[bool]:
    """For each block, whether it lies under one of the `roots` nodes."""
    under = [False] * len(page.tags)
    for root in sorted(roots):  # an ancestor first: a root inside it is marked already
        if root < 0 or under[root]:
            continue
        end = subtree_end(page, root)
        under[root:end] = [True] * (end - root)
    return [under[block.node] for block in page.blocks]


@dataclass(frozen=True)
class Subtrees:
    """Per node (indexed like ``page.tags``): the blocks of its subtree, as one range.

    Blocks are in document order, so a subtree's blocks are contiguous: ``first``/``last``
    bound them (-1 when it has none); ``lines``, ``chars`` and ``links`` count them, their
    characters and their link characters; ``stamped`` says whether one is a short line
    with digits; ``children`` lists, per parent, the children holding blocks, in document
    order; ``kinds``, per parent with three or more of them, their groups of one kind
    (see :func:`_sibling_kinds`).
    """

    first: list[int]
    last: list[int]
    lines: list[int]
    chars: list[int]
    links: list[int]
    stamped: list[bool]
    children: dict[int, list[int]]
    kinds: dict[int, list[list[int]]]

    @classmethod
    def of(cls, page: Page) -> Subtrees:
        """One pass over the blocks, one back over the nodes."""
        parents = page.parents
        count = len(parents)
        first, last = [-1] * count, [-1] * count
        lines, chars, links = [0] * count, [0] * count, [0] * count
        stamped = [False] * count
        for block in page.blocks:
            text = block.text
            node = block.node
            if first[node] < 0:
                first[node] = block.index
            last[node] = block.index
            lines[node] += 1
            chars[node] += len(text)
            links[node] += block.link_chars
            if (  # most lines have no digit: _is_stamp's first test, without the call
                len(text) <= _STAMP_CHARS
                and not stamped[node]
                and _DIGIT.search(text) is not None
                and _is_stamp(text)
            ):
                stamped[node] = True
        # Children come after their parent in document order: fold them in from the end.
        for node in range(count - 1, 0, -1):
            start = first[node]
            if start < 0:
                continue
            parent = parents[node]
            if parent < 0:
                continue
            if first[parent] < 0 or start < first[parent]:
                first[parent] = start
            if last[node] > last[parent]:
                last[parent] = last[node]
            lines[parent] += lines[node]
            chars[parent] += chars[node]
            links[parent] += links[node]
            if stamped[node]:
                stamped[parent] = True
        children: dict[int, list[int]] = defaultdict(list)
        for node, parent in enumerate(parents):
            if first[node] >= 0 and parent >= 0:
                children[parent].append(node)
        kinds = {
            parent: _sibling_kinds(page, siblings)
            for parent, siblings in children.items()
            if len(siblings) >= MIN_ITEMS
        }
        return cls(first, last, lines, chars, links, stamped, children, kinds)


def _is_stamp(text: str) -> bool:
    """Whether a short line carries a time, a date or a count: digits other than the
    ordinal of a numbered heading.

    >>> _is_stamp("Posted by Ann at 6:41 AM"), _is_stamp("2. Build your network")
    (True, False)
    """
    if _DIGIT.search(text) is None:  # most lines: no digit at all
        return False
    return _DIGIT.search(_ORDINAL.sub("", text, count=1)) is not None


@dataclass(frozen=True)
class StampedRun:
    """A flat comment thread: its blocks, and the blocks after it in its container."""

    blocks: range
    tail: range


@dataclass(frozen=True)
class RepeatedItems:
    """Runs of sibling items found on one page.

    ``stamped``: blocks of comment-like items (each holds a short stamp with digits).
    ``uniform``: item nodes of runs without stamps whose items hold the same number of
    lines (a teaser strip: headline and description, again and again). Alone these are
    not enough to drop anything, as an article can be built of such items too; the
    template model drops them where a site has them on many pages.
    ``linked``: blocks of link lists (most items hold a link, a third of the text or more
    is link text, items are headline-sized): "more news" lists whose items add a source
    or a time to the link, so that no single item is mostly link.
    ``captions``: blocks of galleries, unbroken runs whose items each hold an image and
    one line of text: the image's caption, however long, not a paragraph of the article.
    (Pictures spread between paragraphs are not a gallery: their captions are left to
    the figure rule.)
    """

    stamped: set[int]
    uniform: list[int]
    linked: set[int]
    captions: set[int]


def repeated_items(page: Page, sub: Subtrees) -> RepeatedItems:
    """Comment-like and uniform repeated items, found by structure alone.

    A comment thread (or a teaser list) is a run of sibling elements of one kind, each
    holding several lines of which one is a short stamp with digits: a time, a date,
    "3 hours ago", in whatever language. Article paragraphs repeat too, but each is one line.
    """
    max_chars = page.text_length // 4
    stamped: set[int] = set()
    uniform: list[int] = []
    linked: set[int] = set()
    captions: set[int] = set()
    pictured = _pictured(page)
    for group in (group for groups in sub.kinds.values() for group in groups):
        if _is_link_list(sub, group):
            for item in group:
                linked.update(range(sub.first[item], sub.last[item] + 1))
            continue
        shown = [n for n in group if pictured[n] and sub.lines[n] == 1]
        if (
            len(shown) >= MIN_ITEMS
            and len(shown) >= _GALLERY_SHARE * len(group)
            and _adjacent(sub, shown)
        ):
            captions.update(sub.first[n] for n in shown)
            continue
        # A comment is a few lines; a big item is a layout column that shares a class.
        sized = [n for n in group if 2 <= sub.lines[n] <= _MAX_ITEM_LINES]
        if len(sized) < MIN_ITEMS or len(sized) < _ITEM_SHARE * len(group):
            continue
        items = [n for n in sized if sub.chars[n] <= max_chars and sub.stamped[n]]
        if len(items) >= MIN_ITEMS and len(items) >= _ITEM_SHARE * len(group):
            for item in items:
                stamped.update(range(sub.first[item], sub.last[item] + 1))
            continue
        shapes = Counter(sub.lines[n] for n in sized)
        if shapes.most_common(1)[0][1] >= _UNIFORM_SHARE * len(sized):
            uniform.extend(sized)
    return RepeatedItems(stamped, uniform, linked, captions)


def _adjacent(sub: Subtrees, items: list[int]) -> bool:
    """Whether items follow each other with no other text between them."""
    return all(sub.first[b] == sub.last[a] + 1 for a, b in zip(items, items[1:], strict=False))


def _pictured(page: Page) -> list[bool]:
    """Per node, whether an image lies in its subtree."""
    pictured = [False] * len(page.tags)
    for owner, _, _ in page.images:
        if owner >= 0:
            pictured[owner] = True
    for node in range(len(pictured) - 1, 0, -1):
        parent = page.parents[node]
        if pictured[node] and parent >= 0:
            pictured[parent] = True
    return pictured


def _is_link_list(sub: Subtrees, group: list[int]) -> bool:
    """Whether a run of sibling items is a list of links: most items hold one, links make a
    good share of its text, and its items are headline-sized."""
    linked = 0
    link_chars = 0
    for item in group:
        if sub.lines[item] > _MAX_ITEM_LINES:
            return False
        chars = sub.links[item]
        linked += chars > 0
        link_chars += chars
    total = sum(sub.chars[item] for item in group)
    return (
        linked >= _LINKED_ITEM_SHARE * len(group)
        and link_chars >= _LINK_LIST_RATIO * total
        and total <= _LINK_ITEM_CHARS * len(group)
    )


def repeated_item_blocks(page: Page, sub: Subtrees) -> set[int]:
    """Indexes of blocks inside comment-like repeated items (see :func:`repeated_items`)."""
    return repeated_items(page, sub).stamped


def stamped_runs(page: Page, sub: Subtrees) -> list[StampedRun]:
    """Flat comment threads: siblings headed or closed by a recurring stamp.

    Some threads have no item elements: under one parent, a short stamped child ("Posted
    by X at 6:41 AM", a ``<dt>`` with author and date) recurs, with the comment's own
    children between. Three or more such stamps, interleaved with other children, mark the
    run from the first stamp to one item past the last. Whether it is a thread depends on
    its tail (see :func:`run_blocks`): a thread closes its container, while cards embedded
    in an article are followed by more article.
    """
    runs: list[StampedRun] = []
    for parent, kids in sub.children.items():
        if len(kids) >= 2 * MIN_ITEMS:
            runs.extend(_stamped_runs(sub, kids, sub.kinds[parent]))
    return runs


def run_blocks(page: Page, runs: Sequence[StampedRun], content: Sequence[bool]) -> set[int]:
    """Blocks of the runs whose tail holds no content (`content`: may be article text)."""
    found: set[int] = set()
    for run in runs:
        if not any(content[i] and len(page.blocks[i].text) >= 80 for i in run.tail):
            found.update(run.blocks)
    return found


def _stamped_runs(sub: Subtrees, kids: list[int], kinds: list[list[int]]) -> list[StampedRun]:
    position_of = {node: position for position, node in enumerate(kids)}
    stamped = {
        position
        for position, node in enumerate(kids)
        if sub.chars[node] <= 2 * _STAMP_CHARS and sub.stamped[node]
    }
    runs: list[StampedRun] = []
    for group in kinds:
        members = sorted(position_of[n] for n in group)
        positions = [p for p in members if p in stamped]
        if len(positions) < MIN_ITEMS or len(positions) < 0.8 * len(members):
            continue
        # Gaps between all the run's heads, stamped or not: a head whose stamp is longer
        # than a stamp (a long name before the date) still parts two comments.
        positions = members
        gaps = sorted(b - a for a, b in zip(positions, positions[1:], strict=False))
        median = gaps[len(gaps) // 2]
        if median < 2 or gaps[-1] > 4 * median:
            continue
        end = min(positions[-1] + median, len(kids))
        tail = range(sub.first[kids[end]], sub.last[kids[-1]] + 1) if end < len(kids) else range(0)
        runs.append(
            StampedRun(range(sub.first[kids[positions[0]]], sub.last[kids[end - 1]] + 1), tail)
        )
    return runs


def _sibling_kinds(page: Page, siblings: list[int]) -> list[list[int]]:
    """Siblings grouped by kind: tag plus the class/id tokens that three or more share.

    Tokens unique to one item (``by-jeff``, ``comment-4711``) or alternating between items
    (``odd``/``even``) do not split a run of items of one kind; siblings that share no
    token keep all of theirs (a header, an article and a sidebar are not one kind).
    """
    items = [page.tokens[node] for node in siblings]
    shared: dict[str, int] = {}
    for item in items:
        for token in item:
            shared[token] = shared.get(token, 0) + 1
    kept = {t for t, n in shared.items() if n >= MIN_ITEMS and not _ALTERNATING.search(t)}
    kinds: dict[tuple[str, tuple[str, ...]], list[int]] = defaultdict(list)
    tags = page.tags
    for node, tokens in zip(siblings, items, strict=True):
        tag = tags[node]
        if kept and tokens:  # (most runs share no token: each item keeps all of its own)
            tokens = tuple([t for t in tokens if t in kept]) or tokens
        kinds[(tag, tokens)].append(node)
    return [g for g in kinds.values() if len(g) >= MIN_ITEMS]
