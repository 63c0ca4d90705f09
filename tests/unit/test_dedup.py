from __future__ import annotations

import base64
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsspider.core.dedup import DedupConfig, DedupIndex, Verdict, text_fingerprint
from newsspider.core.neardup import NearConfig, NearDuplicateIndex, shingles, words
from newsspider.core.state import LocalStateStore, StateError
from newsspider.demo import DemoConfig, generate

A, B, C = "http://a.example/news/1.html", "http://b.example/story/7", "http://c.example/x/9"


@pytest.fixture(scope="module")
def stories() -> list[str]:
    """Long demo articles (seven paragraphs or more), all different stories."""
    portal = generate(DemoConfig(articles_per_site=40))
    texts = [a.text for s in portal.sites[:1] for a in s.articles if a.text.count("\n") >= 6]
    assert len(texts) >= 5
    return texts


def observe(index: DedupIndex, url: str, text: str, published: str | None = None) -> Verdict:
    verdict = index.check(url, text, published)
    index.add(url, verdict)
    return verdict


def rerun(index: DedupIndex) -> DedupIndex:
    """The index as the next run loads it: through JSON."""
    return DedupIndex.from_dict(json.loads(json.dumps(index.to_dict())), index.config)


def retold(text: str, lede: str) -> str:
    """A wire copy: a new headline line and a new first paragraph, the rest as is."""
    paragraphs = text.split("\n")
    return "\n".join(["Officials react as talks resume", lede, *paragraphs[1:]])


def test_first_sight_is_new_and_the_same_text_elsewhere_is_exact(stories: list[str]) -> None:
    index = DedupIndex()
    assert observe(index, A, stories[0]).kind == "new"
    verdict = index.check(B, "  " + stories[0].upper().replace(" ", "\n  "))
    assert (verdict.kind, verdict.duplicate_of, verdict.similarity) == ("exact", A, 1.0)
    assert verdict.is_duplicate and verdict.fingerprint == text_fingerprint(stories[0])


def test_same_canonical_url_again_is_a_url_duplicate(stories: list[str]) -> None:
    index = DedupIndex()
    observe(index, A, stories[0])
    verdict = observe(index, A, stories[0])
    assert (verdict.kind, verdict.duplicate_of) == ("url", A)
    assert len(index) == 1


def test_a_wire_copy_with_new_headline_and_lede_is_a_near_duplicate(stories: list[str]) -> None:
    index = DedupIndex()
    observe(index, A, stories[0])
    observe(index, C, stories[2])
    verdict = observe(index, B, retold(stories[0], stories[1].split("\n")[0]))
    assert verdict.kind == "near" and verdict.duplicate_of == A
    assert verdict.similarity is not None and verdict.similarity >= DedupConfig().near.threshold
    # the copy's own URL now resolves to the original, with the same kind
    record = index.resolve(B)
    assert record is not None and (record.duplicate_of, record.kind) == (A, "near")


def test_different_stories_are_not_duplicates(stories: list[str]) -> None:
    index = DedupIndex()
    kinds = [observe(index, f"http://a.example/{i}", text).kind for i, text in enumerate(stories)]
    assert kinds == ["new"] * len(stories)


def test_short_texts_are_deduplicated_exactly_only() -> None:
    index = DedupIndex()
    brief = "Talks resume on Monday in Geneva, officials said."
    observe(index, A, brief)
    assert index.check(B, brief).kind == "exact"
    assert index.check(C, brief + " More soon.").kind == "new"
    assert len(index.near) == 0


def test_an_edited_article_is_an_update_in_a_later_run_only(stories: list[str]) -> None:
    index = DedupIndex()
    observe(index, A, stories[0])
    paragraphs = stories[0].split("\n")
    paragraphs[3] = "Officials said on Tuesday that the inquiry would report before the summer."
    edited = "\n".join(paragraphs)
    assert index.check(A, edited).kind == "url"  # same run: another rendering, not an edit
    later = rerun(index)
    verdict = observe(later, A, edited)
    assert (verdict.kind, verdict.duplicate_of) == ("update", A)
    assert observe(later, A, edited).kind == "url"  # at most once per run
    assert rerun(later).check(A, edited).kind == "url"


def test_extraction_drift_is_not_an_update(stories: list[str]) -> None:
    index = DedupIndex()
    observe(index, A, stories[0])
    paragraphs = stories[0].split("\n")
    later = rerun(index)
    dropped = "\n".join(paragraphs[:2] + paragraphs[3:])  # a block cleaned away this time
    added = stories[0] + "\nBy Nadia Karam, Beirut bureau, with reporting from Amman"
    assert observe(later, A, dropped).kind == "url"
    assert rerun(later).check(A, added).kind == "url"


def test_by_default_the_first_copy_crawled_stays_the_only_one(stories: list[str]) -> None:
    index = DedupIndex()
    copy = retold(stories[0], stories[1].split("\n")[0])
    observe(index, B, copy, "2018-05-02T10:00:00+00:00")
    verdict = observe(index, A, stories[0], "2018-05-02T08:30:00+02:00")
    assert verdict.kind == "near" and verdict.duplicate_of == B


def test_an_earlier_published_copy_supersedes_the_emitted_one(stories: list[str]) -> None:
    index = DedupIndex(DedupConfig(prefer_earliest=True))
    copy = retold(stories[0], stories[1].split("\n")[0])
    observe(index, B, copy, "2018-05-02T10:00:00+00:00")
    verdict = observe(index, A, stories[0], "2018-05-02T08:30:00+02:00")
    assert verdict.kind == "new" and verdict.superseded is not None
    assert verdict.superseded.to_dict()["url"] == B
    assert (verdict.superseded.duplicate_of, verdict.superseded.kind) == (A, "near")
    record = index.resolve(B)
    assert record is not None and (record.duplicate_of, record.kind) == (A, "near")
    # a later-published copy stays a duplicate
    assert index.check(C, copy, "2018-05-03").kind in ("exact", "near")


def test_variants_resolve_to_the_emitted_article(stories: list[str]) -> None:
    index = DedupIndex()
    assert index.resolve(A) is None
    observe(index, A, stories[0])
    observe(index, B, stories[0])
    own, alias = index.resolve(A), index.resolve(B)
    assert own is not None and (own.duplicate_of, own.kind, own.similarity) == (A, "url", 1.0)
    assert alias is not None and (alias.duplicate_of, alias.kind) == (A, "exact")


def test_state_round_trip_keeps_every_verdict(stories: list[str]) -> None:
    index = DedupIndex()
    observe(index, A, stories[0], "2018-01-02")
    observe(index, B, stories[1])
    observe(index, C, retold(stories[1], stories[2].split("\n")[0]))
    document = json.loads(json.dumps(index.to_dict()))
    loaded = DedupIndex.from_dict(document)
    assert len(loaded) == len(index) == 2
    assert len(loaded.near) == 2
    assert loaded.check(A, stories[0]).kind == "url"
    assert loaded.check("http://d.example/1", stories[1]).kind == "exact"
    near = loaded.check("http://d.example/2", retold(stories[0], stories[3].split("\n")[0]))
    assert (near.kind, near.duplicate_of) == ("near", A)
    alias = loaded.resolve(C)
    assert alias is not None and alias.kind == "near"
    assert loaded.to_dict() == document
    assert DedupIndex.from_dict(DedupIndex().to_dict()).to_dict() == DedupIndex().to_dict()


def test_state_goes_through_the_local_store(tmp_path: Path, stories: list[str]) -> None:
    index = DedupIndex()
    observe(index, A, stories[0])
    store = LocalStateStore(tmp_path)
    store.save("dedup", "index", index.to_dict())
    loaded = store.load("dedup", "index")
    assert loaded is not None and DedupIndex.from_dict(loaded).check(A, stories[0]).kind == "url"
    store.path("dedup", "index").write_text('{"version": 1, "articles": ', encoding="utf-8")
    with pytest.raises(StateError, match="corrupt state"):
        store.load("dedup", "index")


def _valid(stories: list[str]) -> dict[str, Any]:
    index = DedupIndex()
    observe(index, A, stories[0])
    observe(index, B, retold(stories[0], stories[1].split("\n")[0]))
    return json.loads(json.dumps(index.to_dict()))


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda d: d.update(version=99), "version"),
        (lambda d: d.pop("articles"), "invalid dedup state"),
        (lambda d: d["articles"].update(canonical="http://a"), "invalid dedup state"),
        (lambda d: d["articles"].update(published="!!not base64!!"), "base64"),
        (lambda d: d["articles"].update(core_len=""), "0 values where 1 expected"),
        (lambda d: d.update(fingerprint_ids=d["fingerprint_ids"][:-4]), "invalid dedup state"),
        (lambda d: d.update(aliases=[["http://b", 7, "near", 0.9]]), "out of range"),
        (lambda d: d.update(aliases=[["http://b", 0, "__import__('os')", 0.9]]), "kind"),
        (lambda d: d.update(merged=[[0, 0, "near", "x"]]), "invalid dedup state"),
        (lambda d: d["near"].update(ids="AAAAAAAAAAA="), "signature bytes"),
        (lambda d: d["near"].update(signatures=None), "string expected"),
        (lambda d: d.update(articles=[]), "object expected"),
    ],
)
def test_hostile_or_corrupt_state_is_a_clear_state_error(
    stories: list[str], mangle: Any, message: str
) -> None:
    document = _valid(stories)
    mangle(document)
    with pytest.raises(StateError, match=message):
        DedupIndex.from_dict(document)


def test_signatures_of_other_parameters_are_dropped_not_misread(stories: list[str]) -> None:
    document = _valid(stories)
    config = DedupConfig(near=replace(NearConfig(), num_perm=64))
    loaded = DedupIndex.from_dict(document, config)
    assert len(loaded) == 1 and len(loaded.near) == 0
    assert loaded.check(A, stories[0]).kind == "url"


def test_the_near_index_keeps_the_newest_signatures(stories: list[str]) -> None:
    index = NearDuplicateIndex(replace(NearConfig(), max_size=2))
    for key, text in enumerate(stories[:3]):
        signature = index.signature(text)
        assert signature is not None
        index.insert(key, signature)
    assert len(index) == 2 and 0 not in index and 2 in index
    first = index.signature(stories[0])
    assert first is not None and index.similar(first) == []


def test_words_and_shingles() -> None:
    assert words("Don't stop: 北京市, 2018!") == ["don", "t", "stop", "北", "京", "市", "2018"]
    assert shingles("A b c d", 2) == {b"a b", b"b c", b"c d"}
    assert shingles("one two", 4) == {b"one two"}
    assert shingles("  ", 4) == set()


def _version_1(index: DedupIndex, texts: list[str]) -> dict[str, Any]:
    """`index`'s state as version 1 wrote it: a line list per article, 32-bit signatures.

    `texts` are the indexed articles' texts, in order: version 1 kept the MinHash values
    themselves, recomputed here the way it computed them.
    """
    from datasketch import MinHash

    from newsspider.core.neardup import shingle_hashes

    document = json.loads(json.dumps(index.to_dict()))
    articles = document["articles"]
    counts = np.frombuffer(base64.b64decode(articles.pop("line_counts")), "<u2")
    lines = np.frombuffer(base64.b64decode(articles["lines"]), "<u4")
    ends = np.cumsum(counts)
    articles["lines"] = [
        base64.b64encode(lines[end - count : end].astype("<u4").tobytes()).decode()
        for count, end in zip(counts, ends, strict=True)
    ]
    config = index.config.near
    values = []
    for text in texts:
        minhash = MinHash(config.num_perm, seed=config.seed, hashfunc=int, scheme="affine32")
        minhash.update_batch(shingle_hashes(words(text), config.shingle_size))
        values.append(minhash.hashvalues.astype("<u4"))
    document["near"]["signatures"] = base64.b64encode(np.concatenate(values).tobytes()).decode()
    document["version"] = 1
    return document


def test_version_1_state_is_read_with_the_same_verdicts(stories: list[str]) -> None:
    index = DedupIndex()
    observe(index, A, stories[0])
    observe(index, B, stories[1])
    loaded = DedupIndex.from_dict(_version_1(index, stories[:2]))
    assert loaded.to_dict() == index.to_dict()
    assert loaded.check(A, stories[0]).kind == "url"
    copy = loaded.check(C, retold(stories[1], stories[2].split("\n")[0]))
    assert (copy.kind, copy.duplicate_of) == ("near", B)


def test_an_edit_is_an_update_once_per_run_also_after_a_reload(stories: list[str]) -> None:
    index = DedupIndex()
    observe(index, A, stories[0])
    paragraphs = stories[0].split("\n")
    edited = "\n".join([paragraphs[0], "A new paragraph tells what the minister said today.",
                        *paragraphs[2:]])  # fmt: skip
    assert observe(index, A, edited).kind == "url"  # emitted this run: not again
    loaded = rerun(index)
    assert observe(loaded, A, edited + "\nAnd one more line of several new words here.").kind == (
        "update"
    )
    assert observe(loaded, A, edited).kind == "url"


def test_the_near_index_holds_many_signatures_compactly() -> None:
    config = NearConfig(min_shingles=5)
    index = NearDuplicateIndex(config)
    rng = np.random.default_rng(1)
    vocabulary = [f"w{i}" for i in range(4000)]
    texts = [" ".join(rng.choice(vocabulary, 60)) for _ in range(5000)]
    for key, text in enumerate(texts):
        signature = index.signature(text)
        assert signature is not None and signature.dtype == np.uint8
        index.insert(key, signature)
    for key in (0, 1234, 4999):  # sealed and unsorted rows alike
        probe = index.signature(texts[key] + " and a few words more")
        assert probe is not None and [k for k, _ in index.similar(probe)][:1] == [key]
    index.remove(1234)
    probe = index.signature(texts[1234])
    assert probe is not None and 1234 not in dict(index.similar(probe)) and len(index) == 4999
    assert [key for key, _ in index.items()][:3] == [0, 1, 2]


def test_settled_urls_are_those_judged_whatever_their_text(stories: list[str]) -> None:
    index = DedupIndex()
    assert not index.settled(A)
    observe(index, A, stories[0])
    assert index.settled(A)  # emitted this run: another rendering is a url duplicate
    observe(index, B, retold(stories[0], "A new first paragraph for the wire copy here."))
    assert index.settled(B)  # recorded as a near duplicate of A
    later = rerun(index)
    assert not later.settled(A)  # a later run looks for an update: the text matters
    assert later.settled(B)
    edited = stories[0].replace("a", "o")
    assert observe(later, A, edited).kind == "update"
    assert later.settled(A)
