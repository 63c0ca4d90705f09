"""Near-duplicate texts: word shingles, MinHash signatures, an LSH index (datasketch).

Two texts are near duplicates when the Jaccard similarity of their sets of word shingles
(runs of `shingle_size` words) reaches a threshold: a wire story republished under another
headline, with another lede or a few sentences edited, keeps most of its shingles. MinHash
estimates that similarity from fixed-size signatures; MinHashLSH finds the candidates
without comparing a text with every other.

    >>> index = NearDuplicateIndex(NearConfig(min_shingles=5))
    >>> story = "The central bank raised its key rate by half a point on Tuesday, citing "
    >>> story += "inflation that has stayed above target for a year and a weak currency."
    >>> index.insert(1, index.signature(story))
    >>> [key for key, _ in index.similar(index.signature("Markets fell. " + story))]
    [1]
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from datasketch import LeanMinHash, MinHash, MinHashLSH
from datasketch.storage import UnorderedStorage

_SCHEME = "affine32"
# Ideographic scripts are written without spaces: each character is a token there.
_IDEOGRAPHS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_IDEOGRAPHS}]|[^\W_{_IDEOGRAPHS}]+")
_SHINGLE_MULTIPLIER = np.uint32(0x9E3779B1)  # odd: the polynomial keeps word order

Signature = npt.NDArray[np.uint32]


@dataclass(frozen=True)
class NearConfig:
    """Parameters of near-duplicate detection (NEWSSPIDER_DEDUP_* settings).

    shingle_size: words per shingle. Shorter shingles match more (a shared stock phrase
    raises the similarity of unrelated articles); longer ones make a few edited words
    break many shingles, lowering the similarity of true copies.
    num_perm: MinHash permutations. The estimate's standard error is about
    sqrt(J(1-J)/num_perm) (0.04 at J=0.4 with 128; with 64, texts of true similarity 0.2
    were measured at 0.41); each permutation costs 4 bytes per text and some time.
    threshold: estimated Jaccard similarity from which two texts are the same story. The
    LSH (bands and rows chosen by datasketch for this threshold and `lsh_weights`) only
    proposes candidates; each candidate's estimate is checked against the threshold.
    lsh_weights: (false positive, false negative) weights of datasketch's band choice:
    weighting misses more gives more bands, so more memory and candidates to check, and
    fewer copies missed near the threshold.
    min_shingles: texts with fewer distinct shingles (about that many words) get no
    signature: in a brief or a templated story (results, weather) a few stock sentences
    are most of the text, so unrelated ones measured 0.3 to 0.6.
    max_size: signatures kept, the oldest inserted out first (wire copies appear within
    days of the original; memory is about 4 KB per signature with the defaults).
    seed: MinHash permutation seed; signatures of different seeds cannot be compared.
    """

    shingle_size: int = 4
    num_perm: int = 128
    threshold: float = 0.4
    lsh_weights: tuple[float, float] = (0.3, 0.7)
    min_shingles: int = 50
    max_size: int = 200_000
    seed: int = 1


def words(text: str) -> list[str]:
    """Case-folded word tokens; each ideograph (Chinese, Japanese) is a token of its own.

    >>> words("Rebels' offensive, day 2: 北京市")
    ['rebels', 'offensive', 'day', '2', '北', '京', '市']
    """
    return _TOKEN.findall(text.casefold())


def shingles(text: str, size: int) -> set[bytes]:
    """The set of `size`-word shingles of the text (one shingle if it is shorter).

    >>> sorted(shingles("a b c a b", 2))
    [b'a b', b'b c', b'c a']
    """
    tokens = words(text)
    if len(tokens) <= size:
        return {" ".join(tokens).encode("utf-8")} if tokens else set()
    return {" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


def shingle_hashes(tokens: Sequence[str], size: int) -> npt.NDArray[np.uint32]:
    """32-bit hashes of the distinct `size`-word shingles of a word sequence.

    Each word is hashed once (CRC-32) and a shingle's hash is a polynomial of its words'
    hashes, computed for all shingles at once: the same set as :func:`shingles`, hashed
    without a Python call per shingle. datasketch mixes every value (MurmurHash3's
    finalizer) before permuting it.
    """
    if not tokens:
        return np.zeros(0, dtype=np.uint32)
    hashed = np.fromiter(
        (zlib.crc32(token.encode("utf-8")) for token in tokens), dtype=np.uint32, count=len(tokens)
    )
    count = max(1, len(tokens) - size + 1)
    combined = np.zeros(count, dtype=np.uint32)
    for offset in range(min(size, len(tokens))):
        combined = combined * _SHINGLE_MULTIPLIER + hashed[offset : offset + count]
    unique: npt.NDArray[np.uint32] = np.unique(combined)
    return unique


class NearDuplicateIndex:
    """MinHash signatures of word shingles in a datasketch MinHashLSH, keyed by int ids.

    Keeps at most ``config.max_size`` signatures: the oldest inserted go first.
    """

    def __init__(self, config: NearConfig) -> None:
        self.config = config
        # Band keys compressed to 32-bit ints (datasketch's `hashfunc`): a collision only
        # adds a candidate, and every candidate is checked against the threshold.
        self._lsh = MinHashLSH(
            threshold=config.threshold,
            num_perm=config.num_perm,
            weights=config.lsh_weights,
            hashfunc=zlib.crc32,
        )
        self._lsh.hashtables = [_Buckets() for _ in range(self._lsh.b)]
        self._permutations = MinHash(config.num_perm, seed=config.seed).permutations
        self._signatures: dict[int, Signature] = {}

    @property
    def bands(self) -> tuple[int, int]:
        """(bands, rows per band) datasketch chose for the threshold."""
        return self._lsh.b, self._lsh.r

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, key: int) -> bool:
        return key in self._signatures

    def signature(self, text: str) -> Signature | None:
        """The MinHash signature of the text, or None when it has too few shingles."""
        return self.signature_of(words(text))

    def signature_of(self, tokens: Sequence[str]) -> Signature | None:
        """The MinHash signature of a word sequence's shingles (None if too few)."""
        hashes = shingle_hashes(tokens, self.config.shingle_size)
        if len(hashes) < self.config.min_shingles:
            return None
        minhash = MinHash(
            self.config.num_perm,
            seed=self.config.seed,
            hashfunc=_as_hash,
            permutations=self._permutations,
            scheme=_SCHEME,
        )
        minhash.update_batch(hashes)
        values: Signature = minhash.hashvalues.astype(np.uint32, copy=False)
        return values

    def similar(self, signature: Signature) -> list[tuple[int, float]]:
        """Indexed ids whose estimated similarity reaches the threshold, most similar first."""
        found = []
        for key in self._lsh.query(self._lean(signature)):
            sim = self.similarity(signature, self._signatures[key])
            if sim >= self.config.threshold:
                found.append((int(key), sim))
        found.sort(key=lambda pair: (-pair[1], pair[0]))
        return found

    def get(self, key: int) -> Signature | None:
        """The signature indexed under `key`, if any."""
        return self._signatures.get(key)

    @staticmethod
    def similarity(a: Signature, b: Signature) -> float:
        """Estimated Jaccard similarity of the sets behind two signatures."""
        return float(np.count_nonzero(a == b)) / len(a)

    def insert(self, key: int, signature: Signature) -> None:
        """Index `signature` under `key` (replacing an earlier one), evicting the oldest."""
        if key in self._signatures:
            self.remove(key)
        self._lsh.insert(key, self._lean(signature), check_duplication=False)
        self._signatures[key] = signature
        while len(self._signatures) > self.config.max_size:
            self.remove(next(iter(self._signatures)))

    def remove(self, key: int) -> None:
        """Forget `key` (no-op when absent)."""
        if self._signatures.pop(key, None) is not None:
            self._lsh.remove(key)

    def items(self) -> Iterator[tuple[int, Signature]]:
        """(id, signature) pairs, oldest first."""
        return iter(self._signatures.items())

    def _lean(self, signature: Signature) -> LeanMinHash:
        return LeanMinHash(seed=self.config.seed, hashvalues=signature, scheme=_SCHEME)


class _Buckets(UnorderedStorage):  # type: ignore[misc]
    """One LSH band's buckets: a bare id for a one-article bucket, a tuple for more.

    datasketch's in-memory storage keeps a set per bucket (about 220 bytes); almost every
    bucket holds one article, so this saves most of the index's memory. Same interface.
    """

    def __init__(self) -> None:
        self._buckets: dict[int, int | tuple[int, ...]] = {}

    def keys(self) -> Iterable[int]:
        return self._buckets.keys()

    def get(self, key: int) -> tuple[int, ...]:
        found = self._buckets.get(key, ())
        return found if isinstance(found, tuple) else (found,)

    def insert(self, key: int, *vals: int, **kwargs: Any) -> None:
        if key not in self._buckets and len(vals) == 1:
            self._buckets[key] = vals[0]
            return
        merged = sorted(set(self.get(key)).union(vals))
        self._buckets[key] = merged[0] if len(merged) == 1 else tuple(merged)

    def remove(self, *keys: int, **kwargs: Any) -> None:
        for key in keys:
            self._buckets.pop(key, None)

    def remove_val(self, key: int, val: int, **kwargs: Any) -> None:
        rest = tuple(v for v in self.get(key) if v != val)
        if not rest:
            self._buckets.pop(key, None)
        else:
            self._buckets[key] = rest[0] if len(rest) == 1 else rest

    def size(self) -> int:
        return len(self._buckets)

    def itemcounts(self, **kwargs: Any) -> dict[int, int]:
        return {key: len(self.get(key)) for key in self._buckets}

    def has_key(self, key: int) -> bool:
        return key in self._buckets


def _as_hash(value: int) -> int:
    """The hash function MinHash is given: shingles arrive already hashed."""
    return value
