"""Duplicate articles: exact fingerprints, near duplicates (MinHash LSH) and the run-to-run index.

An article is known under its canonical URL. :class:`DedupIndex` tells, for a canonical URL
and the cleaned text, whether the article is new, the same URL again (``url``), the same text
under another URL (``exact``), the same story retold (``near``: a wire copy with another
headline or lede), or an article emitted by an earlier run whose content changed since
(``update``).

    >>> index = DedupIndex()
    >>> story = "Rebels and the army agreed on a ceasefire late on Monday. " * 8
    >>> index.check("http://a.example/1", story).kind
    'new'
    >>> index.add("http://a.example/1", index.check("http://a.example/1", story))
    >>> index.check("http://b.example/9", story.upper()).kind
    'exact'

State is JSON (never pickle) for :class:`~newsspider.core.state.StateStore`; line hashes
and signatures (a byte per MinHash permutation) are stored as base64 arrays and the LSH
tables are rebuilt on load. Per article the index holds about 450 bytes with the defaults
(signature and LSH entries ~270, URL ~70, line hashes, fingerprint, time).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import math
import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from newsspider.core.compact import IntMap, LineStore, StringTable
from newsspider.core.neardup import (
    NearConfig,
    NearDuplicateIndex,
    Signature,
    byte_signature,
    words,
)
from newsspider.core.state import StateError

logger = logging.getLogger(__name__)

STATE_VERSION = 2  # 1: per-article line lists, 32-bit signatures (still read)
KINDS = ("new", "url", "exact", "near", "update")
_DUPLICATE_KINDS = ("url", "exact", "near")
_MAX_LINES = 256  # line hashes kept per article (memory bound)
_MAX_CHAIN = 8  # superseded-article links followed when resolving


@dataclass(frozen=True)
class DedupConfig:
    """Parameters of duplicate detection (NEWSSPIDER_DEDUP_* settings).

    near: the near-duplicate detector's. min_line_words: words a line (paragraph) needs
    to count as evidence of an edit (see :class:`DedupIndex`). prefer_earliest: emit a
    copy published earlier than the one already emitted as well, recording the emitted
    one as its duplicate (off: the feed gets the first copy crawled, and only that).
    """

    near: NearConfig = NearConfig()
    min_line_words: int = 6
    prefer_earliest: bool = False


@dataclass(frozen=True)
class DuplicateRecord:
    """One line of the duplicates record: `url` shows the article at `duplicate_of`."""

    url: str
    duplicate_of: str
    kind: str
    similarity: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready fields."""
        sim = None if self.similarity is None else round(self.similarity, 4)
        return {"url": self.url, "duplicate_of": self.duplicate_of, "kind": self.kind,
                "similarity": sim}  # fmt: skip


@dataclass(frozen=True)
class _Probe:
    """What :meth:`DedupIndex.check` computed, for :meth:`DedupIndex.add` to store."""

    fingerprint: int
    lines: frozenset[int]
    signature: Signature | None
    published: int | None
    target: int | None = None  # article id the verdict is about


@dataclass(frozen=True)
class Verdict:
    """What an article is, given the index: ``kind`` is one of :data:`KINDS`.

    duplicate_of: the canonical URL of the emitted article this one duplicates (for
    ``update``: its earlier version). similarity: estimated Jaccard similarity of the
    texts (1.0 for exact; for url and update, None unless both texts have a signature).
    superseded: for a ``new`` article published before an already emitted copy of it,
    that copy, now recorded as a duplicate of this one. probe: what :meth:`DedupIndex.add`
    stores (internal).
    """

    kind: str
    duplicate_of: str | None = None
    similarity: float | None = None
    fingerprint: str = ""
    superseded: DuplicateRecord | None = None
    probe: _Probe | None = field(default=None, repr=False, compare=False)

    @property
    def is_duplicate(self) -> bool:
        """True for url, exact and near: the article is not emitted."""
        return self.kind in _DUPLICATE_KINDS


def fold_text(text: str) -> str:
    """Case and whitespace folded: ``' A \\n b '`` -> ``'a b'``."""
    return " ".join(text.split()).casefold()


def text_fingerprint(text: str) -> str:
    """SHA-1 hex digest of the folded text: equal for texts equal but for case and spacing.

    >>> text_fingerprint("Hello  World") == text_fingerprint("hello world\\n")
    True
    """
    return hashlib.sha1(fold_text(text).encode("utf-8")).hexdigest()


def line_hashes(lines: Sequence[Sequence[str]], min_words: int) -> frozenset[int]:
    """32-bit hashes of the lines (as word lists) of at least `min_words` words."""
    found = set()
    for tokens in lines:
        if len(tokens) >= min_words:
            digest = hashlib.blake2b(" ".join(tokens).encode("utf-8"), digest_size=4).digest()
            found.add(int.from_bytes(digest, "little"))
    return frozenset(found)


class DedupIndex:
    """Every article emitted so far: canonical URLs, text fingerprints, near-duplicate index.

    One instance is one run: an article is emitted as an ``update`` at most once per run.
    Call :meth:`check` for an article, act on the verdict, then :meth:`add` it.

    Update rule. The cleaned text of an unchanged page moves between runs as the template
    model learns (a caption or a repeated sentence kept once, dropped later), so a
    different fingerprint alone is not a change. An article is an update when it has a
    line never seen in any earlier version *and* lost a line of the version last emitted:
    an edit rewrites text, drift only adds or drops whole blocks. Lines count from
    `min_line_words` words. Pure additions or removals are not reported (a known limit).

    First copy. The first copy emitted is the representative of its duplicates. With
    ``prefer_earliest``, when a copy's publication time (``published``) is known and
    earlier than the emitted one's, it is emitted too and the later one is recorded as its
    duplicate (``superseded``).
    """

    def __init__(self, config: DedupConfig | None = None) -> None:
        self.config = config or DedupConfig()
        self.near = NearDuplicateIndex(self.config.near)
        # Per article (numbered from 0), in flat arrays: the index's size is mostly these.
        self._canonicals = StringTable()
        self._published: array[int] = array("q")
        self._lines = LineStore()  # line hashes, the last emitted version's (core) first
        self._by_url = IntMap()  # 64-bit hash of the canonical URL -> article
        self._by_fingerprint = IntMap()
        self._aliases: dict[str, tuple[int, str, float]] = {}
        self._merged: dict[int, tuple[int, str, float]] = {}
        self._run_start = 0  # articles from here on were emitted by this run
        self._updated: set[int] = set()  # and these earlier ones, as updates

    def __len__(self) -> int:
        """Articles emitted (first copies), all runs together."""
        return len(self._canonicals)

    # -- verdicts --------------------------------------------------------------------

    def check(self, canonical_url: str, text: str, published: str | None = None) -> Verdict:
        """What the article at `canonical_url` with cleaned `text` is; nothing is stored.

        `published` (ISO 8601) lets an earlier-published copy take over as the first copy.
        """
        hexdigest = text_fingerprint(text)
        lines = [words(line) for line in text.split("\n")]
        probe = _Probe(
            fingerprint=int(hexdigest[:16], 16),
            lines=line_hashes(lines, self.config.min_line_words),
            signature=self.near.signature_of([token for line in lines for token in line]),
            published=_epoch(published),
        )
        verdict = self._check_url(canonical_url, probe) or self._check_text(
            canonical_url, text, probe
        )
        return Verdict(
            verdict.kind,
            verdict.duplicate_of,
            verdict.similarity,
            hexdigest,
            verdict.superseded,
            verdict.probe or probe,
        )

    def resolve(self, canonical_url: str) -> DuplicateRecord | None:
        """What another URL of `canonical_url` duplicates, if that article is known.

        The returned record's `url` is `canonical_url`; callers put the variant's there.
        """
        own = self._article_at(canonical_url)
        if own is not None:
            return self._record(canonical_url, own, "url", 1.0)
        alias = self._aliases.get(canonical_url)
        if alias is not None:
            return self._record(canonical_url, *alias)
        return None

    def settled(self, canonical_url: str) -> bool:
        """Whether the verdict on `canonical_url` no longer depends on its text: a known
        duplicate of another article, or an article this run emitted already (an update
        is looked for once a run). Its page need not be cleaned to be judged."""
        own = self._article_at(canonical_url)
        if own is None:
            return canonical_url in self._aliases
        return own in self._merged or self._emitted_now(own)

    def _check_url(self, canonical_url: str, probe: _Probe) -> Verdict | None:
        own = self._article_at(canonical_url)
        if own is None:
            record = self.resolve(canonical_url)
            return None if record is None else _duplicate(record, probe)
        if own in self._merged:
            return _duplicate(self._record(canonical_url, own, "url", 1.0), probe)
        similarity = self._similarity(own, probe)
        same = Verdict("url", canonical_url, similarity, probe=_with_target(probe, own))
        if self._by_fingerprint.get(probe.fingerprint) == own or self._emitted_now(own):
            return same
        if self._edited(own, probe.lines):
            return Verdict("update", canonical_url, similarity, probe=_with_target(probe, own))
        return same

    def _check_text(self, canonical_url: str, text: str, probe: _Probe) -> Verdict:
        target, kind, similarity = None, "exact", 1.0
        if text.strip():
            target = self._by_fingerprint.get(probe.fingerprint)
        if target is None and probe.signature is not None:
            best = self.near.similar(probe.signature)
            if best:
                (target, similarity), kind = best[0], "near"
        if target is None:
            return Verdict("new", probe=probe)
        first, kind, similarity = self._follow(target, kind, similarity)
        if self.config.prefer_earliest and _earlier(probe.published, self._published[first]):
            superseded = DuplicateRecord(self._canonicals[first], canonical_url, kind, similarity)
            return Verdict("new", similarity=similarity, superseded=superseded, probe=probe)
        return Verdict(kind, self._canonicals[first], similarity, probe=_with_target(probe, first))

    def _edited(self, article: int, lines: frozenset[int]) -> bool:
        known, core_len = self._lines.get(article)
        core = set(known[:core_len])
        return bool(lines - set(known)) and bool(core - lines)

    def _article_at(self, canonical_url: str) -> int | None:
        article = self._by_url.get(_url_key(canonical_url))
        if article is None or self._canonicals[article] != canonical_url:
            return None  # a 64-bit hash collision (about 1 in 10^9 at 100k URLs): unknown
        return article

    def _emitted_now(self, article: int) -> bool:
        return article >= self._run_start or article in self._updated

    def _similarity(self, article: int, probe: _Probe) -> float | None:
        old = self.near.get(article)
        if old is None or probe.signature is None:
            return None
        return self.near.similarity(old, probe.signature)

    def _record(self, url: str, article: int, kind: str, similarity: float) -> DuplicateRecord:
        first, kind, similarity = self._follow(article, kind, similarity)
        return DuplicateRecord(url, self._canonicals[first], kind, similarity)

    def _follow(self, article: int, kind: str, similarity: float) -> tuple[int, str, float]:
        """Follow superseded links from `article` to the first copy now representing it."""
        for _ in range(_MAX_CHAIN):
            link = self._merged.get(article)
            if link is None:
                break
            article, link_kind, link_sim = link
            kind = _weaker(kind, link_kind)
            similarity = min(similarity, link_sim)
        return article, kind, similarity

    # -- recording -------------------------------------------------------------------

    def add(self, canonical_url: str, verdict: Verdict) -> None:
        """Record the article `verdict` was given for (every kind: duplicates too)."""
        probe = verdict.probe
        if probe is None:
            raise ValueError("add() needs a verdict from check()")
        if verdict.kind == "new":
            article = self._new_article(canonical_url, probe)
            if verdict.superseded is not None:
                self._supersede(verdict.superseded, article)
        elif verdict.kind in ("update", "url") and probe.target is not None:
            self._new_version(probe.target, probe, emitted=verdict.kind == "update")
        elif verdict.is_duplicate and probe.target is not None:
            if self._article_at(canonical_url) is None:
                link = (probe.target, verdict.kind, verdict.similarity or 1.0)
                self._aliases.setdefault(canonical_url, link)

    def _new_article(self, canonical_url: str, probe: _Probe) -> int:
        article = self._canonicals.append(canonical_url)
        self._published.append(_NO_TIME if probe.published is None else probe.published)
        self._lines.append(sorted(probe.lines)[:_MAX_LINES], _MAX_LINES)
        self._by_url.setdefault(_url_key(canonical_url), article)
        self._aliases.pop(canonical_url, None)
        self._by_fingerprint.setdefault(probe.fingerprint, article)
        if probe.signature is not None:
            self.near.insert(article, probe.signature)
        return article

    def _new_version(self, article: int, probe: _Probe, emitted: bool) -> None:
        """Another text of a known article: a rendering of it (url) or its edit (update)."""
        self._by_fingerprint.setdefault(probe.fingerprint, article)
        known, core_len = self._lines.get(article)
        core = list(known[:core_len])
        seen = set(known)
        if emitted:
            core = sorted(probe.lines)
            self._by_fingerprint[probe.fingerprint] = article
            if probe.signature is not None:
                self.near.insert(article, probe.signature)
            if article < self._run_start:
                self._updated.add(article)
        extra = sorted((seen | probe.lines) - set(core))
        self._lines.replace(article, (core + extra)[:_MAX_LINES], len(core))

    def _supersede(self, superseded: DuplicateRecord, article: int) -> None:
        earlier = self._article_at(superseded.url)
        if earlier is None:
            raise ValueError(f"superseded article {superseded.url!r} is not in the index")
        self._merged[earlier] = (article, superseded.kind, superseded.similarity or 1.0)
        self.near.remove(earlier)

    # -- state -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The index as a JSON document (arrays as base64 of little-endian integers)."""
        config = self.config.near
        near_ids, near_sigs = array("I"), []
        for key, signature in self.near.items():
            near_ids.append(key)
            near_sigs.append(signature)
        signatures = np.concatenate(near_sigs) if near_sigs else np.zeros(0, np.uint8)
        fingerprints, fingerprint_ids = array("Q"), array("I")
        for key, article in self._by_fingerprint.items():
            fingerprints.append(key)
            fingerprint_ids.append(article)
        lines, line_counts, core_len = self._lines.flat()
        return {
            "version": STATE_VERSION,
            "articles": {
                "canonical": list(self._canonicals),
                "published": _b64(self._published),
                "core_len": _b64(core_len),
                "line_counts": _b64(line_counts),
                "lines": _b64(lines),
            },
            "fingerprints": _b64(fingerprints),
            "fingerprint_ids": _b64(fingerprint_ids),
            "aliases": [[url, *alias] for url, alias in self._aliases.items()],
            "merged": [[key, *link] for key, link in self._merged.items()],
            "near": {
                "shingle_size": config.shingle_size,
                "num_perm": config.num_perm,
                "seed": config.seed,
                "ids": _b64(near_ids),
                "signatures": base64.b64encode(signatures.tobytes()).decode(),
            },
        }

    @classmethod
    def from_dict(cls, document: dict[str, Any], config: DedupConfig | None = None) -> DedupIndex:
        """Rebuild an index from :meth:`to_dict`'s document (this version's or version 1's);
        StateError if it is not one."""
        index = cls(config)
        try:
            _Loader(index, document).load()
        except (KeyError, TypeError, ValueError, IndexError, OverflowError) as exc:
            if isinstance(exc, StateError):
                raise
            raise StateError(f"invalid dedup state: {exc!r}") from exc
        return index


_NO_TIME = -(2**63)
_BIG_ENDIAN = sys.byteorder == "big"  # state arrays are little-endian


class _Loader:
    """Validates a state document field by field while filling an empty index.

    Version 1 kept each article's line hashes as a base64 string of its own and 32-bit
    MinHash values; they are read into this version's flat lines and byte signatures
    (:func:`~newsspider.core.neardup.byte_signature` of the same values).
    """

    def __init__(self, index: DedupIndex, document: dict[str, Any]) -> None:
        self.index = index
        self.doc = document
        self.version = document.get("version")

    def load(self) -> None:
        if self.version not in (1, STATE_VERSION):
            raise StateError(f"unknown dedup state version {self.version!r}")
        index = self.index
        articles = _mapping(self.doc["articles"])
        canonicals = _strings(articles["canonical"])
        count = len(canonicals)
        published = _unb64(articles["published"], "q", count)
        core_len = _unb64(articles["core_len"], "H", count)
        if self.version == 1:
            blocks = [_unb64(block, "I") for block in _sequence(articles["lines"], count)]
            line_counts = array("H", [len(block) for block in blocks])
            lines = array("I", [line for block in blocks for line in block])
        else:
            line_counts = _unb64(articles["line_counts"], "H", count)
            lines = _unb64(articles["lines"], "I")
        try:
            index._lines = LineStore.from_flat(lines, line_counts, core_len)
        except ValueError as exc:
            raise StateError(f"invalid dedup state: {exc}") from exc
        index._canonicals = StringTable(canonicals)
        index._published = published
        index._by_url = IntMap()
        for article, url in enumerate(canonicals):
            index._by_url.setdefault(_url_key(url), article)
        keys = _unb64(self.doc["fingerprints"], "Q")
        ids = _ids(_unb64(self.doc["fingerprint_ids"], "I", len(keys)), count)
        index._by_fingerprint = IntMap(zip(keys, ids, strict=True))
        index._aliases = {
            _str(url): (_id(target, count), _kind(kind), float(sim))
            for url, target, kind, sim in _sequence(self.doc["aliases"])
        }
        index._merged = {
            _id(key, count): (_id(target, count), _kind(kind), float(sim))
            for key, target, kind, sim in _sequence(self.doc["merged"])
        }
        index._run_start = count
        self._load_near(_mapping(self.doc["near"]), count)

    def _load_near(self, near: dict[str, Any], count: int) -> None:
        config = self.index.config.near
        stored = (near["shingle_size"], near["num_perm"], near["seed"])
        if stored != (config.shingle_size, config.num_perm, config.seed):
            logger.warning(
                "dedup state has signatures of (shingle size, permutations, seed) %s, not %s: "
                "near-duplicate index starts empty",
                stored,
                (config.shingle_size, config.num_perm, config.seed),
            )
            return
        ids = _ids(_unb64(near["ids"], "I"), count)
        try:
            raw = base64.b64decode(_str(near["signatures"]), validate=True)
        except binascii.Error as exc:
            raise StateError(f"invalid dedup state: bad base64 ({exc})") from exc
        width = 4 if self.version == 1 else 1
        if len(raw) != width * config.num_perm * len(ids):
            raise StateError("invalid dedup state: signature bytes do not match ids")
        if self.version == 1:
            values = np.frombuffer(raw, dtype="<u4").reshape(len(ids), config.num_perm)
            matrix = byte_signature(values)
        else:
            matrix = np.frombuffer(raw, dtype=np.uint8).reshape(len(ids), config.num_perm)
        for key, signature in zip(ids, matrix, strict=True):
            self.index.near.insert(key, signature.copy())


def _duplicate(record: DuplicateRecord, probe: _Probe) -> Verdict:
    return Verdict(record.kind, record.duplicate_of, record.similarity, probe=probe)


def _with_target(probe: _Probe, article: int) -> _Probe:
    return _Probe(probe.fingerprint, probe.lines, probe.signature, probe.published, article)


def _weaker(a: str, b: str) -> str:
    """The kind of a chain of duplicate links: near beats exact beats url."""
    order = ("url", "exact", "near")
    return max(a, b, key=order.index)


def _url_key(url: str) -> int:
    """64-bit hash of a canonical URL, the key articles are found by."""
    return int.from_bytes(
        hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little"
    )


def _earlier(published: int | None, than: int) -> bool:
    """Whether a known publication time comes strictly before a known other one."""
    return published is not None and than != _NO_TIME and published < than


def _epoch(published: str | None) -> int | None:
    """Seconds since the epoch of an ISO 8601 time (UTC when it has no zone), else None."""
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return math.floor(moment.timestamp())


def _b64(values: array[int]) -> str:
    if _BIG_ENDIAN:
        values = array(values.typecode, values)
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def _unb64(text: Any, typecode: str, count: int | None = None) -> array[int]:
    values = array(typecode)
    try:
        raw = base64.b64decode(_str(text), validate=True)
    except binascii.Error as exc:
        raise StateError(f"invalid dedup state: bad base64 ({exc})") from exc
    if len(raw) % values.itemsize:
        raise StateError("invalid dedup state: truncated array")
    values.frombytes(raw)
    if _BIG_ENDIAN:
        values.byteswap()
    if count is not None and len(values) != count:
        raise StateError(f"invalid dedup state: {len(values)} values where {count} expected")
    return values


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StateError("invalid dedup state: object expected")
    return value


def _sequence(value: Any, count: int | None = None) -> Sequence[Any]:
    if not isinstance(value, list) or (count is not None and len(value) != count):
        raise StateError("invalid dedup state: list of the wrong shape")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise StateError("invalid dedup state: string expected")
    return value


def _strings(value: Any) -> list[str]:
    return [_str(v) for v in _sequence(value)]


def _id(value: Any, count: int) -> int:
    if not isinstance(value, int) or not 0 <= value < count:
        raise StateError(f"invalid dedup state: article id {value!r} out of range")
    return value


def _ids(values: Iterable[int], count: int) -> list[int]:
    return [_id(v, count) for v in values]


def _kind(value: Any) -> str:
    if value not in _DUPLICATE_KINDS:
        raise StateError(f"invalid dedup state: kind {value!r}")
    return str(value)
