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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from datasketch import MinHash
from datasketch.lsh import _optimal_param

_SCHEME = "affine32"
# Ideographic scripts are written without spaces: each character is a token there.
_IDEOGRAPHS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_IDEOGRAPHS}]|[^\W_{_IDEOGRAPHS}]+")
_SHINGLE_MULTIPLIER = np.uint32(0x9E3779B1)  # odd: the polynomial keeps word order

Signature = npt.NDArray[np.uint8]


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
    days of the original; memory is about 270 bytes per signature with the defaults).
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
    # map() over C functions: no Python frame per word (str.encode's default is UTF-8).
    hashed = np.fromiter(
        map(zlib.crc32, map(str.encode, tokens)), dtype=np.uint32, count=len(tokens)
    )
    count = max(1, len(tokens) - size + 1)
    combined = np.zeros(count, dtype=np.uint32)
    for offset in range(min(size, len(tokens))):
        combined = combined * _SHINGLE_MULTIPLIER + hashed[offset : offset + count]
    unique: npt.NDArray[np.uint32] = np.unique(combined)
    return unique


class NearDuplicateIndex:
    """Byte signatures in a compact LSH index, keyed by small non-negative int ids.

    Keeps at most ``config.max_size`` signatures: the oldest inserted go first. Each
    signature takes ``num_perm`` bytes and each LSH band entry 4 bytes (about 260 bytes a
    text with the defaults, against 3 to 4 KB in datasketch's in-memory tables); see
    :func:`byte_signature` and :class:`_Segment`.
    """

    def __init__(self, config: NearConfig) -> None:
        self.config = config
        self._bands, self._rows = _optimal_param(
            config.threshold, config.num_perm, *config.lsh_weights
        )
        self._permutations = MinHash(config.num_perm, seed=config.seed).permutations
        # Matches from which the estimate reaches the threshold (see similarity()).
        self._segments: list[_Segment] = []
        self._where = np.full(0, -1, dtype=np.int64)  # id -> global row, -1 when absent
        self._next_row = 0  # global row of the next insert
        self._count = 0

    @property
    def bands(self) -> tuple[int, int]:
        """(bands, rows per band) of the LSH, as datasketch chooses them for the threshold."""
        return self._bands, self._rows

    def __len__(self) -> int:
        return self._count

    def __contains__(self, key: int) -> bool:
        return 0 <= key < len(self._where) and self._where[key] >= 0

    def signature(self, text: str) -> Signature | None:
        """The signature of the text, or None when it has too few shingles."""
        return self.signature_of(words(text))

    def signature_of(self, tokens: Sequence[str]) -> Signature | None:
        """The signature of a word sequence's shingles (None if too few)."""
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
        minhash.update_batch(hashes.tolist())  # Python ints: datasketch iterates them
        return byte_signature(minhash.hashvalues)

    def similar(self, signature: Signature) -> list[tuple[int, float]]:
        """Indexed ids whose estimated similarity reaches the threshold, most similar first."""
        keys = self._band_keys(signature[None, :])[0]
        found: dict[int, float] = {}
        for segment in self._segments:
            rows = segment.candidates(keys)
            if not len(rows):
                continue
            matches = np.count_nonzero(segment.signatures[rows] == signature, axis=1)
            for row, count in zip(rows.tolist(), matches.tolist(), strict=True):
                sim = _estimate(count, len(signature))
                key = int(segment.ids[row])
                if sim >= self.config.threshold and key != _FREE:
                    found[key] = sim
        return sorted(found.items(), key=lambda pair: (-pair[1], pair[0]))

    def get(self, key: int) -> Signature | None:
        """The signature indexed under `key`, if any."""
        place = self._place(key)
        if place is None:
            return None
        segment, row = place
        signature: Signature = segment.signatures[row].copy()
        return signature

    @staticmethod
    def similarity(a: Signature, b: Signature) -> float:
        """Estimated Jaccard similarity of the sets behind two signatures."""
        return _estimate(int(np.count_nonzero(a == b)), len(a))

    def insert(self, key: int, signature: Signature) -> None:
        """Index `signature` under `key` (replacing an earlier one), evicting the oldest."""
        if key < 0:
            raise ValueError(f"near-duplicate ids are non-negative, not {key}")
        signature = _as_byte_signature(signature, self.config.num_perm)
        self.remove(key)
        if not self._segments or self._segments[-1].full:
            self._segments.append(_Segment(self._next_row, self.config.num_perm, self._bands))
        if key >= len(self._where):
            grown = np.full(max(key + 1, 2 * len(self._where), 1024), -1, dtype=np.int64)
            grown[: len(self._where)] = self._where
            self._where = grown
        self._segments[-1].append(key, signature, self._band_keys(signature[None, :])[0])
        self._where[key] = self._next_row
        self._next_row += 1
        self._count += 1
        while self._count > self.config.max_size:
            self.remove(self._oldest())

    def remove(self, key: int) -> None:
        """Forget `key` (no-op when absent)."""
        place = self._place(key)
        if place is None:
            return
        segment, row = place
        segment.free(row)
        self._where[key] = -1
        self._count -= 1
        if segment.live == 0 and segment is not self._segments[-1]:
            self._segments.remove(segment)

    def items(self) -> Iterator[tuple[int, Signature]]:
        """(id, signature) pairs, oldest first."""
        for segment in list(self._segments):
            for row in range(segment.size):
                key = int(segment.ids[row])
                if key != _FREE:
                    yield key, segment.signatures[row].copy()

    def _oldest(self) -> int:
        for segment in self._segments:
            key = segment.first_live()
            if key is not None:
                return key
        raise KeyError("empty index")

    def _place(self, key: int) -> tuple[_Segment, int] | None:
        if not 0 <= key < len(self._where):
            return None
        row = int(self._where[key])
        if row < 0:
            return None
        for segment in self._segments:
            if segment.start <= row < segment.start + segment.size:
                return segment, row - segment.start
        return None

    def _band_keys(self, signatures: Signature) -> npt.NDArray[np.uint16]:
        """16-bit keys of each band of each signature (rows of a 2-D array).

        A band's bytes are folded into one 64-bit number, mixed with the band's number
        (so equal bytes in two bands do not share a bucket) and cut to 16 bits: unequal
        bands with equal keys only add a candidate, and every candidate is checked.
        """
        bands = signatures[:, : self._bands * self._rows].reshape(
            len(signatures), self._bands, self._rows
        )
        folded = np.zeros(bands.shape[:2], dtype=np.uint64)
        for row in range(self._rows):
            folded = folded * _FOLD + bands[:, :, row].astype(np.uint64)
        folded ^= _BAND_SALT[: self._bands]
        folded *= _MIX64
        keys: npt.NDArray[np.uint16] = (folded >> np.uint64(48)).astype(np.uint16)
        return keys


def byte_signature(hashvalues: npt.NDArray[Any]) -> Signature:
    """One byte of each MinHash value: its top byte after a multiplicative mix.

    b-bit MinHash (Li and König): two texts' bytes agree when their minima do, and by
    chance 1 time in 256 otherwise, so the share of agreeing bytes p estimates the
    Jaccard similarity as (p - 1/256) / (1 - 1/256); the estimate's spread is that of
    the full 32-bit values within a few percent, at a quarter of the memory.
    """
    mixed = (hashvalues.astype(np.uint64) * _MIX32) & np.uint64(0xFFFFFFFF)
    values: Signature = (mixed >> np.uint64(24)).astype(np.uint8)
    return values


def _as_byte_signature(signature: npt.NDArray[Any], num_perm: int) -> Signature:
    if signature.shape != (num_perm,):
        raise ValueError(f"signature of {signature.shape} values, {num_perm} expected")
    if signature.dtype != np.uint8:
        raise ValueError(f"byte signature expected, got {signature.dtype}")
    return signature


def _estimate(matches: int, num_perm: int) -> float:
    """Jaccard similarity estimated from the bytes of two signatures that agree."""
    share = matches / num_perm
    return max(0.0, (share - _CHANCE) / (1.0 - _CHANCE))


class _Segment:
    """Up to 65,536 consecutive inserts: their byte signatures and LSH band entries.

    A band entry is a 32-bit number, the band's 16-bit key above the row's 16-bit offset
    in the segment, in one sorted array per band: a lookup is a binary search per band.
    The newest rows (up to ``_TAIL``) are searched by comparing keys directly and merged
    into the sorted arrays in batches. Removed rows keep their place (id ``_FREE``) until
    the whole segment is free and dropped.
    """

    def __init__(self, start: int, num_perm: int, bands: int) -> None:
        self.start = start
        self.size = 0
        self.live = 0
        self.signatures: Signature = np.zeros((_GROW, num_perm), dtype=np.uint8)
        self.ids = np.full(_GROW, _FREE, dtype=np.uint32)
        self.sorted: list[npt.NDArray[np.uint32]] = [
            np.zeros(0, dtype=np.uint32) for _ in range(bands)
        ]
        self.tail_keys = np.zeros((_TAIL, bands), dtype=np.uint16)
        self.tail = 0  # rows at the end not yet in the sorted arrays
        self._first = 0  # no live row before this one

    @property
    def full(self) -> bool:
        return self.size >= _SEGMENT_ROWS

    def append(self, key: int, signature: Signature, band_keys: npt.NDArray[np.uint16]) -> None:
        if self.size == len(self.ids):
            grow = min(self.size + _GROW, _SEGMENT_ROWS)  # in steps: doubling wastes up to half
            self.signatures = np.resize(self.signatures, (grow, self.signatures.shape[1]))
            self.ids = np.concatenate([self.ids, np.full(grow - self.size, _FREE, np.uint32)])
        self.signatures[self.size] = signature
        self.ids[self.size] = key
        self.tail_keys[self.tail] = band_keys
        self.size += 1
        self.live += 1
        self.tail += 1
        if self.tail == _TAIL or self.full:
            self._merge_tail()
        if self.full:  # sealed: give back the spare capacity
            self.signatures = self.signatures[: self.size].copy()
            self.ids = self.ids[: self.size].copy()
            self.tail_keys = np.zeros((0, len(self.sorted)), dtype=np.uint16)

    def free(self, row: int) -> None:
        self.ids[row] = _FREE
        self.live -= 1

    def first_live(self) -> int | None:
        """The id of the oldest row still indexed, if any."""
        while self._first < self.size and self.ids[self._first] == _FREE:
            self._first += 1
        return int(self.ids[self._first]) if self._first < self.size else None

    def candidates(self, keys: npt.NDArray[np.uint16]) -> npt.NDArray[np.intp]:
        """Rows (offsets in the segment) sharing a band key with `keys`."""
        found: list[npt.NDArray[Any]] = []
        wide = keys.astype(np.uint32) << np.uint32(16)
        for band, entries in enumerate(self.sorted):
            if len(entries):
                low = wide[band]
                lo = np.searchsorted(entries, low, side="left")
                hi = np.searchsorted(entries, low | np.uint32(0xFFFF), side="right")
                if hi > lo:
                    found.append(entries[lo:hi] & np.uint32(0xFFFF))
        if self.tail:
            first = self.size - self.tail
            hits = np.flatnonzero((self.tail_keys[: self.tail] == keys).any(axis=1))
            found.append(hits + first)
        if not found:
            return np.zeros(0, dtype=np.intp)
        return np.unique(np.concatenate(found).astype(np.intp))

    def _merge_tail(self) -> None:
        first = self.size - self.tail
        offsets = np.arange(first, self.size, dtype=np.uint32)
        for band in range(len(self.sorted)):
            entries = (
                self.tail_keys[: self.tail, band].astype(np.uint32) << np.uint32(16)
            ) | offsets
            merged = np.concatenate([self.sorted[band], entries])
            merged.sort(kind="stable")  # two sorted runs: a linear merge
            self.sorted[band] = merged
        self.tail = 0


_FREE = 0xFFFFFFFF  # id of a removed row
_SEGMENT_ROWS = 1 << 16
_GROW = 4096
_TAIL = 1024
_CHANCE = 1 / 256  # two unequal minima with equal bytes
_MIX32 = np.uint64(0x9E3779B1)
_MIX64 = np.uint64(0x9E3779B97F4A7C15)
_FOLD = np.uint64(0x100000001B3)
_BAND_SALT = np.arange(1, 257, dtype=np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)


def _as_hash(value: int) -> int:
    """The hash function MinHash is given: shingles arrive already hashed."""
    return value
