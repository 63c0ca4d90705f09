"""Per-site template model: learn what repeats across a site's pages, strip it, keep the article.

What the model counts, per site and per template cluster of that site:

* ``texts``: (place, text) pairs, a place being the block's structural path. The same text
  at the same place on other pages is template (menus, form labels, footers, "Source:"
  prefixes). The same words elsewhere on the page are not: an article may quote them.
* ``tails``: the same short text under the same last three elements on many pages, where
  the full paths differ (nested tables, per-page wrappers): template too.
* ``places``: per path, how many pages have it, how many blocks and characters it held.
  A place on most pages whose short text changes every time (a "Last Updated"
  stamp, a byline, a caption) is template by *place*, though its text never repeats.
* ``regions``: votes for the path of the subtree where page-unique, non-link text
  concentrates. The winning path is the article region of every page of the cluster, so a
  one-line brief is cut from the same place as a long feature. ``region_sigs`` votes for
  the region element's own tag and classes, for pages whose outer layout differs.
* ``item_places``/``teaser_places``: places of comment threads and of teaser strips
  (uniform repeated items) seen on other pages.

A page seen again (its canonical URL or its whole text) is not counted twice.

Counts are bounded by lossy counting (:mod:`newsspider.core.counting`); a page's own
observation is subtracted before it is judged.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from newsspider.core.blocks import Block, Page
from newsspider.core.counting import LossyCounter
from newsspider.core.memo import Memo
from newsspider.core.region import (
    StampedRun,
    Subtrees,
    best_node,
    container_of,
    in_subtrees,
    repeated_items,
    run_blocks,
    stamped_runs,
)

logger = logging.getLogger(__name__)

STATE_VERSION = 2  # 2: tails, region_sigs and teaser_places counters

# Why a block was dropped (stats names: template/dropped/<reason>).
TEMPLATE_TEXT = "template_text"
TEMPLATE_PLACE = "template_place"
LINKS = "links"
REPEATED_ITEMS = "repeated_items"
OUTSIDE_REGION = "outside_region"
HEADLINE = "headline"
PAGE_DUPLICATE = "page_duplicate"
CAPTION = "caption"
FURNITURE = "furniture"
MARKUP = "markup"

_DIGITS = re.compile(r"\d+")
_WIDE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"\w+")
# An HTML tag shown as text: an ad's or an embed's code pasted where its markup should be.
_TAG_TEXT = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_MARKUP_SHARE = 0.5
# A standfirst outside the region: how far above it to look (levels up, blocks back),
# and how long it must be. Beside the headline, it may sit a few containers above the
# body's own; the blocks between (byline, date, share buttons) are few.
_STANDFIRST_LEVELS = 4
_STANDFIRST_REACH = 10
_STANDFIRST_CHARS = 50
# The rest of a long article after the region: how far above it to look.
_CONTINUATION_LEVELS = 2
_TAIL_LEVELS = 3
_MASK63 = (1 << 63) - 1
_GOLDEN = 0x9E3779B97F4A7C15
# A site model remembers the hashes of this many paths/signatures and block texts of up to
# _HASH_KEY_CHARS characters (a site's recur on every page); forgotten at once when full.
_HASH_MEMORY = 4096
_HASH_KEY_CHARS = 300
_CONTINUATION_CHARS = 300
# Prose with links: a sentence-long block inside the region keeps its place there if this
# share of its text at least is not link text and article text follows it.
_LINKED_PROSE_SHARE = 0.3
# Content (weighted characters) the learned region must hold to be used where template
# text outweighs it.
_REGION_MIN_CONTENT = 100
# Captions: blocks this close below a figure element.
_FIGURE_TAGS = frozenset({"figure", "figcaption"})
_FIGURE_LEVELS = 4
# Subheadings: headings kept between two paragraphs though their place is template.
_HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# Elements that hold a page's or an article's furniture (links, credits, forms), not its text.
_FURNITURE_TAGS = frozenset({"footer", "nav", "form"})
# Elements that, inside the article region, hold a composition of their own (a gallery, a
# related story's card, an embedded post) unless a paragraph of prose lies in them.
_EMBED_TAGS = frozenset({"article"})


@dataclass(frozen=True)
class TemplateConfig:
    """Parameters of template learning, with their trade-offs.

    warmup_pages: pages a cluster learns from before it cleans any (more: better first
        pages, more items held at the start of a crawl).
    repeat_share: share of the other pages on which a (place, text) pair must recur to be
        template (lower: strips rarer labels, risks stripping recurring article lines).
    long_block_chars, long_block_share: a block this long is template only if it recurs on
        this share of the other pages, and on two at least (a long paragraph shared by a few
        pages is more likely a republished article than a template).
    link_ratio: blocks with at least this share of link text are navigation.
    sentence_chars: a block this long (a sentence) is template only if it recurs on two other
        pages at least (a series intro or a quote shared by two articles is not template).
    tail_share: a short text under the same last three elements on this share of the
        other pages is template though its full paths differ.
    teaser_share: a strip of uniform repeated items (headline and blurb, again and again)
        is dropped where its place holds such a strip on this share of the other pages.
    place_share, place_max_chars, place_max_per_page: a place on this share of pages whose
        blocks average at most this many characters (CJK counted triple) and this many a page
        is a template place (stamps, bylines, captions), whether its text repeats or not.
    region_share: the article region is the deepest path chosen by at least this share of
        the pages (higher: a broader, safer region; lower: a tighter one).
    junk_penalty: per character, how much template text counts against a subtree as the
        article region, page-unique text counting one for it (lower: wrappers that hold the
        article and some template win more often, and the page-unique lines beside it with
        them; at 1.0 a wrapper wins only if it adds more unique text than template text).
    vocab_share: class/id tokens on fewer pages than this share are per-page (post ids,
        per-article categories) and left out of paths.
    bucket_pages, max_entries: lossy counting window and hard cap per counter.
    max_seen_pages: page identities remembered per cluster, so a page seen again (a rerun,
        another URL) is not counted twice (8 bytes each in memory, about 20 in state).
    max_clusters, cluster_similarity: a site holds at most this many templates; a page
        whose shape matches no cluster this well starts a new one.
    """

    warmup_pages: int = 15
    repeat_share: float = 0.1
    long_block_chars: int = 200
    long_block_share: float = 0.3
    sentence_chars: int = 100
    link_ratio: float = 0.5
    place_share: float = 0.5
    place_max_chars: int = 60
    place_max_per_page: float = 2.0
    vocab_share: float = 0.7
    tail_share: float = 0.2
    teaser_share: float = 0.3
    region_share: float = 0.6
    junk_penalty: float = 1.0
    bucket_pages: int = 200
    max_entries: int = 50_000
    max_clusters: int = 6
    max_seen_pages: int = 20_000
    cluster_similarity: float = 0.4


@dataclass
class Cleaned:
    """The article text of one page and the account of what was dropped."""

    text: str
    kept: list[Block]
    dropped: list[tuple[str, Block]]
    region: str

    def reasons(self) -> Counter[str]:
        """Dropped blocks counted by reason."""
        return Counter(reason for reason, _ in self.dropped)


def stable_hash(text: str) -> int:
    """A 63-bit hash that is the same in every process (unlike ``hash()``)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def text_key(text: str) -> str:
    """The form of a block's text that repetition is counted on: case and digits folded.

    >>> text_key("Last Updated : GMT 09:03:51")
    'last updated : gmt 0:0:0'
    """
    return _DIGITS.sub("0", text.lower())[:300]


class _Hashes:
    """`stable_hash` of a site's paths and signatures, and of its block texts' keys,
    remembered: they recur on every page of the site. Bounded: keys of up to
    `_HASH_KEY_CHARS` characters, `_HASH_MEMORY` of each kind, forgotten at once when full
    (about 2.5 MB at most)."""

    def __init__(self) -> None:
        self.keys: Memo[str, int] = Memo(stable_hash, _HASH_MEMORY)
        self.texts: Memo[str, int] = Memo(_text_hash, _HASH_MEMORY)

    def key(self, key: str) -> int:
        """``stable_hash(key)``."""
        return self.keys(key) if len(key) <= _HASH_KEY_CHARS else stable_hash(key)

    def text(self, text: str) -> int:
        """``stable_hash(text_key(text))``."""
        return self.texts(text) if len(text) <= _HASH_KEY_CHARS else _text_hash(text)


def _text_hash(text: str) -> int:
    return stable_hash(text_key(text))


def visual_length(text: str) -> int:
    """Length with CJK characters counted triple, as they carry a word each."""
    if text.isascii():  # a flag Python keeps on the string: no scan
        return len(text)
    return len(text) + 2 * len(_WIDE.findall(text))


@dataclass
class _Analysis:
    """A page's keys under one cluster's vocabulary."""

    node_keys: list[int]
    node_sigs: list[int]
    block_places: list[int]
    block_texts: list[int]
    block_tails: list[int]
    items: set[int]
    teasers: dict[int, int]
    linked: set[int]
    runs: list[StampedRun]
    block_sizes: list[int]  # visual lengths
    captions: set[int] = field(default_factory=set)


@dataclass
class Observation:
    """A page as the site model saw it; hand it back to :meth:`SiteModel.clean`."""

    page: Page
    cluster: int
    shape: frozenset[int]
    analysis: _Analysis | None = None
    counted: bool = True
    # The block reasons its region vote used, with the cluster and its page count then, and
    # the region weights and best_node() of those: clean() reuses them while no other page
    # was counted.
    classified: (
        tuple[_Cluster, int, list[str | None], list[float], tuple[int, list[float]]] | None
    ) = field(default=None, repr=False)


@dataclass
class _Cluster:
    config: TemplateConfig
    pages: int = 0
    vocab: frozenset[str] | None = None
    pending: list[Observation] = field(default_factory=list)
    texts: LossyCounter[int] = field(init=False)
    tails: LossyCounter[int] = field(init=False)
    places: LossyCounter[int] = field(init=False)
    regions: LossyCounter[int] = field(init=False)
    region_sigs: LossyCounter[int] = field(init=False)
    shape: LossyCounter[int] = field(init=False)
    item_places: LossyCounter[int] = field(init=False)
    teaser_places: LossyCounter[int] = field(init=False)
    seen: dict[int, None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        cfg = self.config
        self.texts = LossyCounter(cfg.bucket_pages, cfg.max_entries)
        self.tails = LossyCounter(cfg.bucket_pages, cfg.max_entries)
        self.places = LossyCounter(cfg.bucket_pages, cfg.max_entries)
        self.regions = LossyCounter(cfg.bucket_pages, 5000)
        self.region_sigs = LossyCounter(cfg.bucket_pages, 5000)
        self.shape = LossyCounter(cfg.bucket_pages, 5000)
        self.item_places = LossyCounter(cfg.bucket_pages, 5000)
        self.teaser_places = LossyCounter(cfg.bucket_pages, 5000)

    def remember(self, key: int, limit: int) -> None:
        """Note a page identity as counted; forget the oldest past `limit`."""
        self.seen[key] = None
        while len(self.seen) > limit:
            del self.seen[next(iter(self.seen))]

    def similarity(self, shape: frozenset[int]) -> float:
        """Jaccard similarity of a page shape with the paths common in this cluster."""
        if not self.pages:
            return 0.0
        common = {k for k in self.shape if self.shape.count(k) * 2 >= self.pages}
        union = len(common | shape)
        return len(common & shape) / union if union else 0.0

    def region_key(self, share: float) -> int | None:
        """The deepest path that holds the article on at least `share` of the voting pages.

        A page votes for the path of its best subtree and for every ancestor of it, so pages
        that disagree on depth (a paragraph here, its container there) still agree above.
        """
        return _deepest(self.regions, share)

    def region_sig(self, share: float) -> int | None:
        """The same as :meth:`region_key` on the region element's own tag and classes."""
        return _deepest(self.region_sigs, share)


class SiteModel:
    """The template model of one site (a netloc): one or more template clusters."""

    def __init__(self, config: TemplateConfig | None = None) -> None:
        self.config = config or TemplateConfig()
        self.clusters: list[_Cluster] = []
        self._hashes = _Hashes()

    # -- learning ------------------------------------------------------------------------

    def observe(self, page: Page, identity: str = "") -> Observation:
        """Learn from `page`; the returned observation is cleanable once :meth:`ready`.

        `identity` (the page's canonical URL) keeps a page seen again, by a later run or
        under another URL, from being counted twice: its own paragraphs would then look
        repeated. So does its text: one page served under several URLs is counted once.
        Identities are remembered per cluster, the oldest forgotten past ``max_seen_pages``.
        """
        shape = _shape(page, self._hashes)
        seen_keys = [_content_key(page)]
        if identity:
            seen_keys.append(stable_hash(identity))
        # A page seen before goes back to the cluster that learned it: learned during a
        # cluster's warm-up, it may not look enough like the cluster's final shape to be
        # put there again, and a new cluster would learn it a second time from few pages.
        known = next(
            (i for i, c in enumerate(self.clusters) if any(k in c.seen for k in seen_keys)),
            None,
        )
        index = self._cluster_for(shape) if known is None else known
        cluster = self.clusters[index]
        obs = Observation(page, index, shape)
        if known is not None:
            obs.counted = False
            if cluster.vocab is not None:
                obs.analysis = self._analysis(page, cluster.vocab)
                return obs
        for key in seen_keys:
            cluster.remember(key, self.config.max_seen_pages)
        if cluster.vocab is None:
            cluster.pending.append(obs)
            if len(cluster.pending) >= self.config.warmup_pages:
                self._freeze(cluster)
        else:
            obs.analysis = self._analysis(page, cluster.vocab)
            self._count(cluster, obs)
            self._vote(cluster, obs)
        return obs

    def _analysis(self, page: Page, vocab: frozenset[str]) -> _Analysis:
        return _analyze(page, vocab, self.config.long_block_chars, self._hashes)

    def ready(self, obs: Observation) -> bool:
        """Whether the cluster of `obs` has learned enough to clean it."""
        return obs.analysis is not None

    def finalize(self) -> None:
        """Learn from whatever pages are pending (the crawl has no more of this site)."""
        for cluster in self.clusters:
            if cluster.vocab is None and cluster.pending:
                self._freeze(cluster)

    @property
    def pages(self) -> int:
        """Pages learned from, over all clusters."""
        return sum(c.pages for c in self.clusters)

    @property
    def warming(self) -> bool:
        """True while some cluster still waits for its first pages."""
        return not self.clusters or any(c.vocab is None for c in self.clusters)

    def _cluster_for(self, shape: frozenset[int]) -> int:
        if not self.clusters:
            self.clusters.append(_Cluster(self.config))
            return 0
        if self.clusters[0].vocab is None:
            return 0
        scored = [
            (c.similarity(shape), i) for i, c in enumerate(self.clusters) if c.vocab is not None
        ]
        pending = [i for i, c in enumerate(self.clusters) if c.vocab is None]
        best_sim, best = max(scored)
        if best_sim >= self.config.cluster_similarity:
            return best
        if pending:
            return pending[0]
        if len(self.clusters) < self.config.max_clusters:
            logger.info(
                "new template cluster %d (best similarity %.2f)", len(self.clusters), best_sim
            )
            self.clusters.append(_Cluster(self.config))
            return len(self.clusters) - 1
        return best

    def _freeze(self, cluster: _Cluster) -> None:
        pending, cluster.pending = cluster.pending, []
        counted = [o for o in pending if o.counted]
        cluster.vocab = _vocabulary([o.page for o in counted], self.config.vocab_share)
        for obs in pending:
            obs.analysis = self._analysis(obs.page, cluster.vocab)
        for obs in counted:
            self._count(cluster, obs)
        for obs in counted:
            self._vote(cluster, obs)

    def _count(self, cluster: _Cluster, obs: Observation) -> None:
        analysis = obs.analysis
        assert analysis is not None
        texts = cluster.texts
        texts.add_all(dict.fromkeys(analysis.block_texts))  # once each, in page order
        cluster.tails.add_all(set(analysis.block_tails) - {0})
        # Per place: its blocks and their characters.
        cluster.places.add_tallies(zip(analysis.block_places, analysis.block_sizes, strict=True))
        cluster.shape.add_all(obs.shape)
        cluster.item_places.add_all({analysis.block_places[i] for i in analysis.items})
        cluster.teaser_places.add_all(set(analysis.teasers.values()))
        cluster.pages += 1
        for counter in (
            texts,
            cluster.tails,
            cluster.places,
            cluster.shape,
            cluster.item_places,
            cluster.teaser_places,
        ):
            counter.end_page()

    def _vote(self, cluster: _Cluster, obs: Observation) -> None:
        analysis = obs.analysis
        assert analysis is not None
        reasons = self._classify(cluster, obs)
        weights = _weights(obs.page, reasons, analysis.block_sizes, self.config.junk_penalty)
        best = best_node(obs.page, weights)
        obs.classified = (cluster, cluster.pages, reasons, weights, best)
        node = best[0]
        chain = obs.page.ancestors(container_of(obs.page, node)) if node >= 0 else []
        for depth, ancestor in enumerate(reversed(chain)):
            cluster.regions.add(analysis.node_keys[ancestor], depth)
            if analysis.node_sigs[ancestor]:
                cluster.region_sigs.add(analysis.node_sigs[ancestor], depth)
        cluster.regions.end_page()
        cluster.region_sigs.end_page()

    # -- cleaning ------------------------------------------------------------------------

    def clean(self, obs: Observation, title: str = "") -> Cleaned:
        """The article text of an observed page, with every dropped block and its reason."""
        if obs.analysis is None:
            raise ValueError("page not learned yet: call finalize() or wait for ready()")
        cluster = self.clusters[obs.cluster]
        page = obs.page
        voted, obs.classified = obs.classified, None
        if voted is not None and voted[0] is cluster and voted[1] == cluster.pages:
            reasons = list(voted[2])  # classified on the same counts: the same reasons
        else:
            reasons, voted = self._classify(cluster, obs), None
        subheadings = _subheadings(page, reasons)
        for index in subheadings:
            reasons[index] = None
        if voted is None or subheadings:
            weights = _weights(page, reasons, obs.analysis.block_sizes, self.config.junk_penalty)
            best, scores = best_node(page, weights)
        else:  # the same reasons as the vote's: the same weights and scores
            weights, (best, scores) = voted[3], voted[4]
        roots, source = self._region_roots(cluster, obs, weights, scores)
        if not roots:
            roots = {container_of(page, best)} if best >= 0 else set()
        inside = in_subtrees(page, roots)
        for index in _standfirst(page, reasons, inside, roots):
            inside[index] = True
        for index in _continuation(page, reasons, inside, roots):
            inside[index] = True
        last_content = _last_content(reasons, inside)
        prose = _prose_holders(page, obs.analysis.block_sizes, self.config.sentence_chars)
        headline = _title_words(title or page.title)
        kept: list[Block] = []
        dropped: list[tuple[str, Block]] = []
        seen: set[str] = set()
        for block, reason, within in zip(page.blocks, reasons, inside, strict=True):
            if (
                reason == LINKS
                and within
                and block.index < last_content
                and _is_linked_prose(block, self.config.sentence_chars)
            ):
                reason = None
            if reason is None and not within:
                reason = OUTSIDE_REGION
            if reason is None and headline and _is_headline(block.text, headline):
                reason = HEADLINE
            if reason is None and (
                block.index in obs.analysis.captions or _in_figure(page, block.node)
            ):
                reason = CAPTION
            if reason is None and _in_furniture(page, block.node, roots, scores, prose):
                reason = FURNITURE
            if reason is None:
                folded = text_key(block.text)
                if folded in seen:
                    reason = PAGE_DUPLICATE
                else:
                    seen.add(folded)
            if reason is None:
                kept.append(block)
            else:
                dropped.append((reason, block))
        return Cleaned("\n".join(b.text for b in kept), kept, dropped, source)

    def _region_roots(
        self, cluster: _Cluster, obs: Observation, weights: list[float], scores: list[float]
    ) -> tuple[set[int], str]:
        """The page's nodes at the site's learned region, and where they come from.

        The learned path holds the article even where this page's template text outweighs
        it (a brief beside a long form), as long as it holds some content. Where the path
        is missing, nodes with the region element's own tag and classes stand in. Empty
        when neither is found: the caller falls back on the page's own best node.
        """
        analysis = obs.analysis
        assert analysis is not None
        page = obs.page
        keys = analysis.node_keys
        region_key = cluster.region_key(self.config.region_share)
        matching = {n for n, key in enumerate(keys) if key == region_key}
        roots = {n for n in matching if scores[n] > 0}
        if not roots and matching:
            within = in_subtrees(page, matching)
            content = sum(w for w, i in zip(weights, within, strict=True) if i and w > 0)
            if content >= _REGION_MIN_CONTENT:
                roots = matching
        if roots:
            return roots, "learned"
        if not matching:
            # The region's element elsewhere: a page whose outer layout differs.
            sig = cluster.region_sig(self.config.region_share)
            sigs = analysis.node_sigs
            roots = {n for n, key in enumerate(sigs) if sig and key == sig and scores[n] > 0}
            if roots:
                return roots, "learned_element"
        return set(), "page"

    def _classify(self, cluster: _Cluster, obs: Observation) -> list[str | None]:
        """Per block: the template reason it must go for, or None if it may be content."""
        analysis = obs.analysis
        assert analysis is not None
        cfg = self.config
        others = max(cluster.pages - 1, 0)
        repeat_min = max(1, round(cfg.repeat_share * others))
        tail_min = max(2, round(cfg.tail_share * others))
        long_chars, sentence_chars, link_ratio = (
            cfg.long_block_chars,
            cfg.sentence_chars,
            cfg.link_ratio,
        )
        long_min = max(2, round(cfg.long_block_share * others))
        sentence_min = max(2, repeat_min)
        text_counts, tail_counts = cluster.texts.entries, cluster.tails.entries  # hot loop
        teasers = analysis.teasers
        by_place: dict[int, str | None] = {}
        reasons: list[str | None] = []
        for block, place, text, tail in zip(
            obs.page.blocks,
            analysis.block_places,
            analysis.block_texts,
            analysis.block_tails,
            strict=True,
        ):
            entry = text_counts.get(text)
            recurs = entry[0] - 1 if entry else -1
            size = len(block.text)
            long = size >= long_chars
            needed = long_min if long else sentence_min if size >= sentence_chars else repeat_min
            if recurs >= needed:
                reasons.append(TEMPLATE_TEXT)
                continue
            entry = None if long else tail_counts.get(tail)
            if entry and entry[0] - 1 >= tail_min:
                reasons.append(TEMPLATE_TEXT)
            elif _is_markup(block.text):
                reasons.append(MARKUP)
            elif block.link_ratio >= link_ratio or block.index in analysis.linked:
                # A block of a link list ("Headline【Source】12:05" items) is navigation
                # even where its own link share is under the ratio.
                reasons.append(LINKS)
            elif block.index in analysis.items:
                reasons.append(REPEATED_ITEMS)
            else:
                if place not in by_place:  # a page's blocks share few places
                    by_place[place] = self._place_reason(cluster, place, others)
                reason = by_place[place]
                # A teaser strip's item goes as one, whatever its place.
                if reason != REPEATED_ITEMS and block.index in teasers:
                    if self._is_teaser(cluster, teasers[block.index], others):
                        reason = REPEATED_ITEMS
                reasons.append(reason)
        for index in run_blocks(obs.page, analysis.runs, [r is None for r in reasons]):
            if reasons[index] is None:
                reasons[index] = REPEATED_ITEMS
        return reasons

    def _place_reason(self, cluster: _Cluster, place: int, others: int) -> str | None:
        """Why a block at `place` must go, if for its place alone (checked after its text)."""
        if self._is_item_place(cluster, place):
            return REPEATED_ITEMS
        return TEMPLATE_PLACE if self._is_template_place(cluster, place, others) else None

    def _is_item_place(self, cluster: _Cluster, place: int) -> bool:
        """A place that held comment-like items on other pages (a thread of one or two)."""
        marked = cluster.item_places.count(place)
        return marked >= 2 and marked >= 0.5 * cluster.places.count(place)

    def _is_teaser(self, cluster: _Cluster, item_place: int | None, others: int) -> bool:
        """An item of a uniform run whose place holds such runs on many of the site's pages."""
        if item_place is None:
            return False
        recurs = cluster.teaser_places.count(item_place) - 1
        return recurs >= 2 and recurs >= self.config.teaser_share * others

    def _is_template_place(self, cluster: _Cluster, place: int, others: int) -> bool:
        cfg = self.config
        entry = cluster.places.get(place)
        if entry is None or others < 2:
            return False
        pages, _, blocks, chars = entry
        return (
            pages - 1 >= cfg.place_share * others
            and chars <= cfg.place_max_chars * blocks
            and blocks <= cfg.place_max_per_page * pages
        )

    # -- persistence ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state of the learned clusters (pending pages are not saved)."""
        return {
            "version": STATE_VERSION,
            "clusters": [
                {
                    "pages": c.pages,
                    "vocab": sorted(c.vocab),
                    "texts": c.texts.to_dict(),
                    "tails": c.tails.to_dict(),
                    "places": c.places.to_dict(),
                    "regions": c.regions.to_dict(),
                    "region_sigs": c.region_sigs.to_dict(),
                    "shape": c.shape.to_dict(),
                    "item_places": c.item_places.to_dict(),
                    "teaser_places": c.teaser_places.to_dict(),
                    "seen": list(c.seen),
                }
                for c in self.clusters
                if c.vocab is not None
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], config: TemplateConfig | None = None) -> SiteModel:
        """Rebuild a model saved by :meth:`to_dict`; ValueError if the state is not ours."""
        model = cls(config)
        cfg = model.config
        if not isinstance(data, dict):
            raise ValueError(f"template state is not a JSON object: {type(data).__name__}")
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported template state version: {data.get('version')!r}")
        try:
            for raw in data["clusters"]:
                cluster = _Cluster(cfg, pages=int(raw["pages"]))
                cluster.vocab = frozenset(str(t) for t in raw["vocab"])
                for name in _COUNTER_SUMS:  # each counter, capped as __post_init__ made it
                    cap = getattr(cluster, name).max_entries
                    counter = LossyCounter.from_dict(raw[name], cfg.bucket_pages, cap)
                    setattr(cluster, name, counter)
                cluster.seen = dict.fromkeys(int(k) for k in raw["seen"])
                _check_widths(cluster)
                model.clusters.append(cluster)
        except (KeyError, IndexError, TypeError, OverflowError) as exc:
            raise ValueError(f"bad template state: {exc!r}") from exc
        return model


# Running sums each counter's entries carry after [count, delta] (see _count and _vote).
_COUNTER_SUMS = {
    "texts": 0,
    "tails": 0,
    "places": 2,
    "regions": 1,
    "region_sigs": 1,
    "shape": 0,
    "item_places": 0,
    "teaser_places": 0,
}


def _check_widths(cluster: _Cluster) -> None:
    """ValueError unless every entry has the values its counter adds (a hostile state file)."""
    for name, sums in _COUNTER_SUMS.items():
        counter: LossyCounter[Any] = getattr(cluster, name)
        if any(len(entry) != 2 + sums for entry in counter.entries.values()):
            raise ValueError(f"bad template state: {name} entries need {2 + sums} values")


def _deepest(votes: LossyCounter[int], share: float) -> int | None:
    """The key voted by at least `share` of the pages with the greatest mean depth.

    The document root is never the answer: pages that agree on nothing deeper (body classes
    or layouts that differ) have no site region, and each page's own best subtree is used.
    """
    needed = share * votes.pages
    best, best_depth = None, -1.0
    for key in votes:
        count, _, depth_sum = votes.entries[key]
        if count >= needed and count and depth_sum >= count and depth_sum / count > best_depth:
            best, best_depth = key, depth_sum / count
    return best


def _content_key(page: Page) -> int:
    """A page's identity by its text: the same page under another URL has the same."""
    return stable_hash("\n".join(b.text for b in page.blocks))


def _shape(page: Page, hashes: _Hashes) -> frozenset[int]:
    """Tag-only paths of the nodes that hold text: what a template looks like, classes aside."""
    paths: list[str] = []
    for tag, parent in zip(page.tags, page.parents, strict=True):
        paths.append(f"{paths[parent]}/{tag}" if parent >= 0 else "/" + tag)
    return frozenset([hashes.key(path) for path in {paths[b.node] for b in page.blocks}])


def _vocabulary(pages: list[Page], share: float) -> frozenset[str]:
    """Class/id tokens present on at least `share` of the pages (and on two, if two exist)."""
    df: Counter[str] = Counter()
    for page in pages:
        df.update({t for tokens in page.tokens for t in tokens})
    needed = max(min(2, len(pages)), share * len(pages))
    return frozenset(t for t, n in df.items() if n >= needed)


def _analyze(page: Page, vocab: frozenset[str], tail_chars: int, hashes: _Hashes) -> _Analysis:
    """A page's keys under `vocab`; blocks of `tail_chars` or more get no tail key."""
    node_keys, sig_hashes, node_sigs = _node_hashes(page, vocab, hashes)
    blocks = page.blocks
    places = [node_keys[b.node] for b in blocks]
    known, text_hash = hashes.texts.entries, hashes.text
    text_hashes = [known.get(b.text) or text_hash(b.text) for b in blocks]
    # One 63-bit key per (place, text) pair, mixed from their hashes, the same in every
    # process: cheaper than hashing their joined strings again.
    texts = [((p * _GOLDEN) ^ h) & _MASK63 for p, h in zip(places, text_hashes, strict=True)]
    sub = Subtrees.of(page)
    found = repeated_items(page, sub)
    teasers = {
        index: node_keys[item]
        for item in found.uniform
        for index in range(sub.first[item], sub.last[item] + 1)
    }
    return _Analysis(
        node_keys,
        node_sigs,
        places,
        texts,
        _tail_keys(page, sig_hashes, text_hashes, tail_chars),
        found.stamped,
        teasers,
        found.linked,
        stamped_runs(page, sub),
        [visual_length(b.text) for b in blocks],
        found.captions,
    )


def _node_hashes(
    page: Page, vocab: frozenset[str], hashes: _Hashes
) -> tuple[list[int], list[int], list[int]]:
    """Per node: the hash of its path, of its own tag and classes (`vocab` tokens only), and
    the latter again where classes make it more than a bare tag (0 where they do not)."""
    keys: list[str] = []
    sigs: list[str] = []
    suffixes: dict[tuple[str, ...], str] = {}  # a page repeats its class attributes
    for tag, tokens, parent in zip(page.tags, page.tokens, page.parents, strict=True):
        if tokens:
            suffix = suffixes.get(tokens)
            if suffix is None:
                suffix = suffixes[tokens] = "".join([t for t in tokens if t in vocab])
            sig = tag + suffix
        else:
            sig = tag
        sigs.append(sig)
        keys.append(f"{keys[parent]}/{sig}" if parent >= 0 else sig)
    known, key_hash = hashes.keys.entries, hashes.key
    sig_hashes = [known.get(sig) or key_hash(sig) for sig in sigs]
    # A bare tag says nothing of the region element's identity: no signature.
    node_sigs = [
        h if sig != tag else 0 for h, sig, tag in zip(sig_hashes, sigs, page.tags, strict=True)
    ]
    return [known.get(k) or key_hash(k) for k in keys], sig_hashes, node_sigs


def _tail_keys(page: Page, sig_hashes: list[int], texts: list[int], tail_chars: int) -> list[int]:
    """Per block, the key of its text (`texts`: hashed) under its element and the two above
    it (tag and classes each); 0 for blocks of `tail_chars` or more."""
    parents = page.parents
    keys = []
    for block, key in zip(page.blocks, texts, strict=True):
        if len(block.text) >= tail_chars:
            keys.append(0)
            continue
        node = block.node
        key = ((sig_hashes[node] * _GOLDEN) ^ key) & _MASK63  # mixed as a (place, text) pair
        for _ in range(_TAIL_LEVELS - 1):
            node = parents[node]
            if node < 0:
                break
            key = ((sig_hashes[node] * _GOLDEN) ^ key) & _MASK63
        keys.append(key)
    return keys


def _weights(
    page: Page, reasons: list[str | None], sizes: list[int], penalty: float
) -> list[float]:
    """Region weights: page-unique non-link text (`sizes`: visual lengths) counts for,
    template text against."""
    return [
        float(size - block.link_chars) if reason is None else -penalty * len(block.text)
        for block, reason, size in zip(page.blocks, reasons, sizes, strict=True)
    ]


def _standfirst(
    page: Page, reasons: list[str | None], inside: list[bool], roots: set[int]
) -> list[int]:
    """Prose just before the region, within four levels above it: a standfirst or lede.

    Themes often put the standfirst in the header beside the headline, outside the body's
    container. Walking back from the region's first block, template blocks are passed
    over; the walk stops at the first content block that is not prose (or after two), and
    ten blocks back at most: what lies further is the page's header, not the article's.
    """
    start = next((i for i, within in enumerate(inside) if within), -1)
    if start <= 0:
        return []
    anchor = _region_anchor(page, start, roots, _STANDFIRST_LEVELS)
    found: list[int] = []
    for index in range(start - 1, -1, -1):
        block = page.blocks[index]
        if anchor not in page.ancestors(block.node) or start - index > _STANDFIRST_REACH:
            break
        if reasons[index] is not None:
            continue
        if len(block.text) < _STANDFIRST_CHARS or block.link_ratio > 0.2:
            break
        found.append(index)
        if len(found) == 2:
            break
    return found


def _region_anchor(page: Page, index: int, roots: set[int], levels: int) -> int:
    """The node `levels` above the region root holding block `index` (or the document
    root): how far from the region a standfirst or a continuation may stand."""
    chain = page.ancestors(page.blocks[index].node)
    root = next((n for n in chain if n in roots), chain[0])
    above = page.ancestors(root)
    return above[min(levels, len(above) - 1)]


def _in_furniture(
    page: Page, node: int, roots: set[int], scores: list[float], prose: set[int]
) -> bool:
    """Whether a block sits in a ``<footer>``, ``<nav>`` or ``<form>`` inside the article
    region: the article's own footer (tags, credits), a poll, a comment form; or in an
    ``<article>`` there that holds no paragraph of prose (`prose`: the nodes that do): a
    gallery's or a related story's card embedded in the article.

    Such an element holding half of the region's weight or more is the page's wrapper (an
    ASP.NET form around the whole page), not furniture.
    """
    furniture: list[int] = []
    while node >= 0 and node not in roots:
        tag = page.tags[node]
        if tag in _FURNITURE_TAGS or (tag in _EMBED_TAGS and node not in prose):
            furniture.append(node)
        parent = page.parents[node]
        if parent < 0:
            break
        node = parent
    limit = 0.5 * max(scores[node], 0.0) if node >= 0 else 0.0
    return any(scores[f] < limit for f in furniture)


def _prose_holders(page: Page, sizes: list[int], sentence_chars: int) -> set[int]:
    """Nodes with a paragraph (a ``<p>`` of a sentence or more, `sizes`: visual lengths)
    in their subtree."""
    found: set[int] = set()
    for block, size in zip(page.blocks, sizes, strict=True):
        if size < sentence_chars or page.tags[block.node] != "p":
            continue
        node = block.node
        while node >= 0 and node not in found:
            found.add(node)
            node = page.parents[node]
    return found


def _in_figure(page: Page, node: int) -> bool:
    """Whether a block sits in a ``<figure>``/``<figcaption>``: a caption or credit."""
    for _ in range(_FIGURE_LEVELS):
        if node < 0:
            return False
        if page.tags[node] in _FIGURE_TAGS:
            return True
        node = page.parents[node]
    return False


def _continuation(
    page: Page, reasons: list[str | None], inside: list[bool], roots: set[int]
) -> list[int]:
    """Prose right after the region, within two levels above it: the rest of a long article.

    A theme may split a long post in two containers ("read more" parts), of which short
    pages only have the first: the site's region then is the first. Walking on from the
    region's last block, content blocks are taken until the first template block; short
    lines at the end of the run are left out, and a run of less than a paragraph or two
    is not taken at all.
    """
    end = next((i for i in range(len(inside) - 1, -1, -1) if inside[i]), -1)
    if end < 0 or end + 1 >= len(inside):
        return []
    anchor = _region_anchor(page, end, roots, _CONTINUATION_LEVELS)
    found: list[int] = []
    for index in range(end + 1, len(page.blocks)):
        block = page.blocks[index]
        if inside[index] or reasons[index] is not None or block.link_ratio > 0.2:
            break
        if anchor not in page.ancestors(block.node):
            break
        found.append(index)
    while found and len(page.blocks[found[-1]].text) < _STANDFIRST_CHARS:
        found.pop()
    if sum(len(page.blocks[i].text) for i in found) < _CONTINUATION_CHARS:
        return []
    return found


def _subheadings(page: Page, reasons: list[str | None]) -> list[int]:
    """Headings dropped for their place that stand between two paragraphs: an article's
    subheadings, whose place recurs on the site's pages because most articles have some,
    not a template's label (those sit beside stamps, links and other labels)."""
    found = []
    blocks = page.blocks
    for index, reason in enumerate(reasons):
        if reason != TEMPLATE_PLACE or not 0 < index < len(blocks) - 1:
            continue
        if page.tags[blocks[index].node] not in _HEADING_TAGS:
            continue
        before, after = blocks[index - 1], blocks[index + 1]
        if (
            reasons[index - 1] is None
            and reasons[index + 1] is None
            and min(len(before.text), len(after.text)) >= _STANDFIRST_CHARS
        ):
            found.append(index)
    return found


def _is_linked_prose(block: Block, sentence_chars: int) -> bool:
    """Whether a block mostly of link text is still prose: a sentence or more, with a good
    share of its own words outside the links ("As noted in <our story on the judgment>, the
    patents <asserted against Apple> include...").

    Inside the article region, and with article text after it, such a block is the article
    citing its sources, not a "read also" box (those close the article or stand alone).

    >>> _is_linked_prose(Block("Nancy Folbre is an economics professor at the University of "
    ...     "Massachusetts, Amherst. She edited a book.", 0, 60), 100)
    True
    >>> _is_linked_prose(Block("Google may launch a new phone next week, sources say", 0, 52), 100)
    False
    """
    size = len(block.text)
    return size >= sentence_chars and size - block.link_chars >= _LINKED_PROSE_SHARE * size


def _last_content(reasons: list[str | None], inside: list[bool]) -> int:
    """Index of the region's last block that may be content (-1 if none)."""
    for index in range(len(reasons) - 1, -1, -1):
        if reasons[index] is None and inside[index]:
            return index
    return -1


def _is_markup(text: str) -> bool:
    """Whether a block's text is mostly HTML tags: code a page shows as text (an ad's
    escaped snippet), not prose, whatever the site.

    >>> _is_markup('<a href="http://ads.example/click"><img src="/b.gif"></a>')
    True
    >>> _is_markup("Use <b> for bold, says the style guide of the newsroom.")
    False
    """
    if "<" not in text:
        return False
    tags = sum(len(tag) for tag in _TAG_TEXT.findall(text))
    return tags >= _MARKUP_SHARE * len(text)


def _title_words(title: str) -> set[str]:
    return set(_WORD.findall(title.lower()))


def _is_headline(text: str, title_words: set[str]) -> bool:
    """A short block that is the page title, or that echoes it whole inside a label.

    "Syria regime enters IS-held town" (the headline, with the site name left out of the
    title) and "2 thoughts on “Syria regime enters IS-held town”" both go; a lede that
    shares some of the headline's words stays.
    """
    if len(text) > 300:
        return False
    words = _WORD.findall(text.lower())
    if not words:
        return False
    if len(words) >= 0.4 * len(title_words):
        inside = len([w for w in words if w in title_words])
        if inside >= 0.9 * len(words):
            return True
    covered = len(title_words.intersection(words))
    return (
        len(title_words) >= 4
        and covered >= 0.9 * len(title_words)
        and len(words) <= 2 * len(title_words) + 6
    )
