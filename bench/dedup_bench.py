"""Near-duplicate detection measured: labelled pairs, shingle/threshold sweep, cost and size.

    python bench/dedup_bench.py                 # everything (a few minutes)
    python bench/dedup_bench.py --quick         # smaller sweep and 10k-article cost only
    python bench/dedup_bench.py --sizes 10000,100000 --json-out bench/results/dedup.json

The labelled set (documents and pairs, all of them labelled):

* demo: every article of the demo portal (gold text), wire copies included; a wire copy and
  its original are a positive pair.
* corpus: the gold texts of ../shared/corpus (read in place). Lines found on three or more
  pages of a site are dropped first: they are template text the template cleaner removes
  before dedup sees a page. Pages whose texts share half of the shorter one's lines are a
  natural positive pair (the same page captured twice, two versions of one story). Every
  text of at least --min-words words also gets a perturbed copy (a positive pair with it):
  a new lede and/or headline line taken from another page, a few sentences edited (words
  replaced), one or two dropped, sometimes an agency credit added.
* every other pair is a negative: same-site pairs are the hard ones, the rest random.

Precision and recall are over pairs: a pair is predicted when the detector (LSH candidates
checked against the threshold) returns one text for the other. Pairs with a text too short
for near detection (fewer than min_shingles shingles) are out of its scope and counted
apart. The cost part indexes synthetic articles written by the demo newsroom's prose
generator and reports microseconds per article (check + add) and bytes per article, in
memory (tracemalloc) and as serialized JSON state.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import platform
import random
import re
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from newsspider.core.blocks import parse_page
from newsspider.core.dedup import DedupConfig, DedupIndex
from newsspider.core.neardup import NearConfig, NearDuplicateIndex, shingles, words
from newsspider.demo import DemoConfig, generate
from newsspider.demo.model import CITIES, TOPICS
from newsspider.demo.prose_en import EnglishWriter

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CREDITS = ("(AFP)", "— Agence France-Presse", "Reuters contributed to this report.", "(AP)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
_IDEOGRAPH = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CLIP_TOKEN = re.compile(rf"[{_IDEOGRAPH}]|[^\s{_IDEOGRAPH}]+")
_IDEOGRAPH_GAP = re.compile(rf"(?<=[{_IDEOGRAPH}]) (?=[{_IDEOGRAPH}])")

Pair = tuple[int, int]


@dataclass
class Doc:
    """One text of the labelled set."""

    text: str
    site: str
    origin: str  # "demo", "corpus" or "perturbed"
    lang: str = "en"


@dataclass
class LabelledSet:
    """Documents and their positive pairs; every other pair is a negative."""

    docs: list[Doc] = field(default_factory=list)
    positives: set[Pair] = field(default_factory=set)
    kinds: dict[Pair, str] = field(default_factory=dict)

    def add(self, doc: Doc) -> int:
        self.docs.append(doc)
        return len(self.docs) - 1

    def pair(self, a: int, b: int, kind: str) -> None:
        key = (min(a, b), max(a, b))
        self.positives.add(key)
        self.kinds.setdefault(key, kind)


# -- the labelled set ----------------------------------------------------------------------


def demo_docs(labelled: LabelledSet) -> None:
    """Every demo article (gold text); each wire copy paired with its original."""
    portal = generate(DemoConfig())
    ids: dict[tuple[str, int], int] = {}
    for site in portal.sites:
        for article in site.articles:
            ids[(site.key, article.number)] = labelled.add(Doc(article.text, site.key, "demo"))
    for site in portal.sites:
        for article in site.articles:
            if article.wire_of is not None:
                original = ids[(article.wire_of.site, article.wire_of.number)]
                labelled.pair(ids[(site.key, article.number)], original, "demo wire copy")


def corpus_docs(labelled: LabelledSet, min_words: int, rng: random.Random) -> None:
    """Corpus gold texts without site-repeated lines, natural pairs, perturbed copies."""
    rows = [json.loads(line) for line in (CORPUS / "index.jsonl").open(encoding="utf-8")]
    by_site: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for row in rows:
        text = (CORPUS / row["gold_path"]).read_text(encoding="utf-8")
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        by_site[row["site"]].append((row["lang"], lines))
    first = len(labelled.docs)
    for site, pages in by_site.items():
        seen = Counter(line for _, lines in pages for line in set(lines))
        for lang, lines in pages:
            kept = "\n".join(line for line in lines if seen[line] < 3)
            labelled.add(Doc(kept, site, "corpus", lang))
    originals = list(range(first, len(labelled.docs)))
    for a, b in natural_pairs(labelled, originals):
        labelled.pair(a, b, "corpus natural")
    by_lang: dict[str, list[int]] = defaultdict(list)
    for doc_id in originals:
        by_lang[labelled.docs[doc_id].lang].append(doc_id)
    for doc_id in originals:
        doc = labelled.docs[doc_id]
        if len(words(doc.text)) < min_words:
            continue
        donors = [labelled.docs[rng.choice(by_lang[doc.lang])] for _ in range(2)]
        copy = labelled.add(Doc(perturb(doc.text, donors, rng), doc.site, "perturbed", doc.lang))
        labelled.pair(doc_id, copy, "corpus perturbed")
    _close_groups(labelled)


def natural_pairs(labelled: LabelledSet, ids: Sequence[int]) -> list[Pair]:
    """Corpus texts that are the same text: at least half of both align in order.

    Independent of the detector: candidates share three 8-word sequences, and the label
    comes from difflib's alignment: words matched in runs of 8 or more (copied text, not
    common words falling in line) * 2 / words of both >= 0.5.
    """
    tokens = {i: words(labelled.docs[i].text) for i in ids}
    postings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for doc_id, toks in tokens.items():
        for gram in {tuple(toks[j : j + 8]) for j in range(max(1, len(toks) - 7))}:
            postings[gram].append(doc_id)
    shared: Counter[Pair] = Counter()
    for docs in postings.values():
        if 1 < len(docs) < 20:
            shared.update(itertools.combinations(sorted(docs), 2))
    found = []
    for (a, b), count in shared.items():
        if count < 3:
            continue
        matcher = difflib.SequenceMatcher(None, tokens[a], tokens[b], autojunk=False)
        matched = sum(m.size for m in matcher.get_matching_blocks() if m.size >= 8)
        if 2 * matched / (len(tokens[a]) + len(tokens[b])) >= 0.5:
            found.append((a, b))
    return found


def _close_groups(labelled: LabelledSet) -> None:
    """Pairs are transitive: a copy of one of two duplicates duplicates the other too."""
    parent = list(range(len(labelled.docs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in list(labelled.positives):
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for doc_id in range(len(labelled.docs)):
        groups[root(doc_id)].append(doc_id)
    for members in groups.values():
        for a, b in itertools.combinations(members, 2):
            labelled.pair(a, b, "corpus natural")


def perturb(text: str, donors: Sequence[Doc], rng: random.Random) -> str:
    """The story retold: another lede and/or headline, a few sentences edited or dropped.

    Lede and headline come from other texts of the same language (the first sentence of
    one, the first words of another's first line); an edit replaces a fifth of a
    sentence's words with words of a donor. Strength is drawn: light (headline, one edit),
    medium (lede, sometimes headline, two edits, one sentence dropped), heavy (lede,
    headline, three edits, two dropped, an agency credit appended).
    """
    paragraphs = [p for p in text.split("\n") if p.strip()]
    strength = rng.choice(("light", "medium", "heavy"))
    if strength != "light" and len(paragraphs) > 1:
        paragraphs[0] = _clip(_sentences(donors[0].text)[0], 40)
    if strength != "medium" or rng.random() < 0.5:
        paragraphs.insert(0, _clip(donors[1].text.split("\n")[0], 12))
    sentences = [s for p in paragraphs for s in _sentences(p)]
    vocabulary = _CLIP_TOKEN.findall(donors[0].text) or ["news"]
    edits = {"light": 1, "medium": 2, "heavy": 3}[strength]
    for index in rng.sample(range(len(sentences)), min(edits, len(sentences))):
        tokens = _CLIP_TOKEN.findall(sentences[index]) or ["news"]
        for _ in range(max(1, len(tokens) // 5)):
            tokens[rng.randrange(len(tokens))] = rng.choice(vocabulary)
        sentences[index] = _IDEOGRAPH_GAP.sub("", " ".join(tokens))
    for _ in range({"light": 0, "medium": 1, "heavy": 2}[strength]):
        if len(sentences) > 3:
            sentences.pop(rng.randrange(1, len(sentences)))
    if strength == "heavy" or rng.random() < 0.3:
        sentences.append(rng.choice(CREDITS))
    return "\n".join(sentences)


def _sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(paragraph) if s.strip()] or [paragraph]


def _clip(text: str, count: int) -> str:
    """The first `count` words of a text (an ideograph counts as a word)."""
    kept = [m.group() for m in itertools.islice(_CLIP_TOKEN.finditer(text), count)]
    return _IDEOGRAPH_GAP.sub("", " ".join(kept))


def build_labelled_set(min_words: int, seed: int) -> LabelledSet:
    labelled = LabelledSet()
    demo_docs(labelled)
    if (CORPUS / "index.jsonl").exists():
        corpus_docs(labelled, min_words, random.Random(seed))
    else:
        print(f"(no corpus at {CORPUS}: demo pairs only)")
    return labelled


# -- measuring the detector ----------------------------------------------------------------


@dataclass
class Scores:
    """Pair counts of one configuration."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    fp_same_site: int = 0
    out_of_scope: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def detect(labelled: LabelledSet, config: NearConfig) -> tuple[set[Pair], set[int]]:
    """Predicted pairs and the ids of texts with a signature (in the detector's scope)."""
    near = NearDuplicateIndex(replace(config, max_size=len(labelled.docs) + 1))
    signatures = {}
    for doc_id, doc in enumerate(labelled.docs):
        signature = near.signature(doc.text)
        if signature is not None:
            signatures[doc_id] = signature
            near.insert(doc_id, signature)
    predicted = set()
    for doc_id, signature in signatures.items():
        for other, _ in near.similar(signature):
            if other != doc_id:
                predicted.add((min(doc_id, other), max(doc_id, other)))
    return predicted, set(signatures)


def score(labelled: LabelledSet, config: NearConfig) -> Scores:
    predicted, scope = detect(labelled, config)
    scores = Scores()
    for pair in labelled.positives:
        if pair[0] not in scope or pair[1] not in scope:
            scores.out_of_scope += 1
        elif pair in predicted:
            scores.tp += 1
        else:
            scores.fn += 1
            scores.by_kind[labelled.kinds[pair]] += 1
    for a, b in predicted - labelled.positives:
        scores.fp += 1
        scores.fp_same_site += labelled.docs[a].site == labelled.docs[b].site
    return scores


def jaccard_profile(labelled: LabelledSet, size: int, min_shingles: int) -> dict[str, Any]:
    """True Jaccard of positives vs the most similar negatives, for one shingle size."""
    sets = [shingles(doc.text, size) for doc in labelled.docs]
    scope = {i for i, s in enumerate(sets) if len(s) >= min_shingles}
    probe = NearConfig(shingle_size=size, num_perm=256, threshold=0.15, min_shingles=min_shingles)
    candidates, _ = detect(labelled, probe)

    def jaccard(pair: Pair) -> float:
        a, b = sets[pair[0]], sets[pair[1]]
        return len(a & b) / len(a | b) if a | b else 0.0

    positives = sorted(jaccard(p) for p in labelled.positives if p[0] in scope and p[1] in scope)
    negatives = sorted((jaccard(p) for p in candidates - labelled.positives), reverse=True)
    best = max(
        (t / 100 for t in range(10, 95, 5)),
        key=lambda t: _f1(
            sum(j >= t for j in positives), len(positives), sum(j >= t for j in negatives)
        ),  # fmt: skip
    )
    return {
        "shingle_size": size,
        "positive_p05": _quantile(positives, 0.05),
        "positive_min": positives[0] if positives else None,
        "negative_max": negatives[0] if negatives else 0.0,
        "negatives_over_0.3": sum(j >= 0.3 for j in negatives),
        "best_threshold": best,
        "errors_at_best": len(positives)
        - sum(j >= best for j in positives)
        + sum(j >= best for j in negatives),
    }


def _f1(tp: int, positives: int, fp: int) -> float:
    return 2 * tp / (positives + tp + fp) if positives + tp + fp else 0.0


def _quantile(values: Sequence[float], q: float) -> float | None:
    return values[int(q * (len(values) - 1))] if values else None


# -- cost and size -------------------------------------------------------------------------


def synthetic_articles(count: int, seed: int) -> Iterable[tuple[str, str]]:
    """(canonical URL, text) of `count` articles written by the demo's English prose."""
    rng = random.Random(seed)
    writer = EnglishWriter(rng)
    for number in range(count):
        topic, city = rng.choice(TOPICS), rng.choice(CITIES)
        paragraphs = [writer.lede(topic, city)]
        for _ in range(rng.randint(4, 12)):
            paragraphs.append(" ".join(writer.sentence(topic, city) for _ in range(2)))
        slug = "-".join(writer.headline(topic, city).lower().split()[:8])
        url = f"https://news{number % 50}.example.com/{topic}/2019/{number}/{slug}.html"
        yield url, "\n".join(paragraphs)


def cost(count: int, config: DedupConfig, seed: int) -> dict[str, Any]:
    """Check+add time per article, then in-memory and serialized bytes per article."""
    articles = list(synthetic_articles(count, seed))
    index = DedupIndex(config)
    started = time.perf_counter()
    kinds: Counter[str] = Counter()
    for url, text in articles:
        verdict = index.check(url, text)
        index.add(url, verdict)
        kinds[verdict.kind] += 1
    per_article_us = (time.perf_counter() - started) / count * 1e6
    started = time.perf_counter()
    document = json.dumps(index.to_dict(), separators=(",", ":"))
    save_s = time.perf_counter() - started
    parsed = json.loads(document)
    started = time.perf_counter()
    DedupIndex.from_dict(parsed, config)
    load_s = time.perf_counter() - started
    loaded, in_memory = _traced_load(json.loads(document), config)
    without_near = json.loads(document)
    without_near["near"].update(ids="", signatures="")
    _, base_memory = _traced_load(without_near, config)
    urls_and_text = sum(len(url) for url, _ in articles)
    del articles
    return {
        "articles": count,
        "verdicts": dict(kinds),
        "check_add_us_per_article": round(per_article_us, 1),
        "state_bytes_per_article": round(len(document.encode()) / count, 1),
        "memory_bytes_per_article": round(in_memory / count, 1),
        "memory_near_bytes_per_article": round((in_memory - base_memory) / count, 1),
        "near_indexed": len(loaded.near),
        "mean_url_chars": round(urls_and_text / count, 1),
        "save_s": round(save_s, 2),
        "load_s": round(load_s, 2),
        "lsh_bands_rows": list(loaded.near.bands),
    }


def parse_cost_us(pages: int = 300) -> float:
    """Baseline measured in the same run: microseconds to parse one demo article page."""
    portal = generate(DemoConfig())
    base = "http://127.0.0.1:8001"
    site = portal.sites[0]
    bodies = [site.render(site.article_path(a), base).body for a in site.articles[:pages]]
    started = time.perf_counter()
    for body in bodies:
        parse_page(body, "utf-8")
    return (time.perf_counter() - started) / len(bodies) * 1e6


def _traced_load(document: dict[str, Any], config: DedupConfig) -> tuple[DedupIndex, int]:
    """An index loaded from state and the bytes it holds (tracemalloc)."""
    tracemalloc.start()
    index = DedupIndex.from_dict(document, config)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return index, held


# -- report --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sweep, 10k-article cost only")
    ap.add_argument("--sizes", default="", help="article counts for the cost (10000,100000)")
    ap.add_argument("--min-words", type=int, default=150, help="corpus texts perturbed")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args(argv)
    default = NearConfig()
    sizes = [int(s) for s in args.sizes.split(",") if s] or (
        [10_000] if args.quick else [10_000, 100_000]
    )
    results: dict[str, Any] = {"default_config": _config_dict(default)}

    labelled = build_labelled_set(args.min_words, args.seed)
    pairs = len(labelled.docs) * (len(labelled.docs) - 1) // 2
    same_site = sum(n * (n - 1) // 2 for n in Counter(d.site for d in labelled.docs).values())
    kinds = Counter(labelled.kinds[p] for p in labelled.positives)
    print(
        f"labelled set: {len(labelled.docs)} texts "
        f"({dict(Counter(d.origin for d in labelled.docs))}), {pairs} pairs: "
        f"{len(labelled.positives)} positive {dict(kinds)}, {pairs - len(labelled.positives)} "
        f"negative (same-site, hard: {same_site - len(labelled.positives)})"
    )
    results["labelled_set"] = {
        "texts": len(labelled.docs), "pairs": pairs, "positives": dict(kinds),
        "negatives": pairs - len(labelled.positives),
        "hard_negatives": same_site - len(labelled.positives),
    }  # fmt: skip

    print("\nshingle size: true Jaccard of positives vs the most similar negatives")
    print("  k  pos p05  pos min  neg max  neg>=0.3  best t  errors@best")
    profiles = []
    for size in (3, 4, 5) if args.quick else (2, 3, 4, 5, 6, 7):
        p = jaccard_profile(labelled, size, default.min_shingles)
        profiles.append(p)
        print(
            f"  {size}  {p['positive_p05']:.3f}    {p['positive_min']:.3f}    "
            f"{p['negative_max']:.3f}    {p['negatives_over_0.3']:5d}    "
            f"{p['best_threshold']:.2f}   {p['errors_at_best']}"
        )
    results["shingle_profiles"] = profiles

    print("\ndetector (MinHash LSH + check), precision / recall over in-scope pairs")
    print("  k  perm  thresh  bands x rows  P      R      TP    FP (same site)  FN  scope-out")
    grid = []
    thresholds = (0.4, 0.5, 0.6) if args.quick else (0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
    perms = (128,) if args.quick else (64, 128, 256)
    for size, num_perm, threshold in itertools.product((3, 4, 5), perms, thresholds):
        config = replace(default, shingle_size=size, num_perm=num_perm, threshold=threshold)
        s = score(labelled, config)
        bands = NearDuplicateIndex(config).bands
        marker = "  <- default" if config == default else ""
        print(
            f"  {size}  {num_perm:4d}  {threshold:.2f}    {bands[0]:3d} x {bands[1]:<3d}    "
            f"{s.precision:.3f}  {s.recall:.3f}  {s.tp:5d} {s.fp:4d} ({s.fp_same_site:4d})"
            f"  {s.fn:4d}  {s.out_of_scope}{marker}"
        )
        grid.append({**_config_dict(config), "bands": bands, "precision": s.precision,
                     "recall": s.recall, "tp": s.tp, "fp": s.fp, "fn": s.fn,
                     "fp_same_site": s.fp_same_site, "out_of_scope": s.out_of_scope,
                     "fn_by_kind": dict(s.by_kind)})  # fmt: skip
    results["grid"] = grid
    final = score(labelled, default)
    print(
        f"\nDEFAULT shingle {default.shingle_size}, {default.num_perm} permutations, threshold "
        f"{default.threshold}: precision {final.precision:.3f}, recall {final.recall:.3f} "
        f"(TP {final.tp}, FP {final.fp}, FN {final.fn} {dict(final.by_kind)}; "
        f"{final.out_of_scope} positive pairs with a text under {default.min_shingles} "
        "shingles are left to exact dedup)"
    )

    parse_us = parse_cost_us()
    results["parse_page_us"] = round(parse_us, 1)
    print(
        "\ncost and size with the default config (synthetic articles); baseline: parsing a "
        f"demo article page takes {parse_us:.0f} us here"
    )
    results["cost"] = []
    for count in sizes:
        c = cost(count, DedupConfig(near=default), args.seed)
        results["cost"].append(c)
        print(
            f"  {count:>7d} articles: check+add {c['check_add_us_per_article']:.0f} us/article, "
            f"memory {c['memory_bytes_per_article']:.0f} B/article (near-duplicate index "
            f"{c['memory_near_bytes_per_article']:.0f}), state "
            f"{c['state_bytes_per_article']:.0f} B/article (save {c['save_s']} s, load "
            f"{c['load_s']} s), verdicts {c['verdicts']}; dedup/parse = "
            f"{c['check_add_us_per_article'] / parse_us:.2f}"
        )
    results["machine"] = {
        "python": platform.python_version(), "cpu": platform.processor() or platform.machine(),
        "numpy": np.__version__, "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }  # fmt: skip
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


def _config_dict(config: NearConfig) -> dict[str, Any]:
    return {
        "shingle_size": config.shingle_size, "num_perm": config.num_perm,
        "threshold": config.threshold, "min_shingles": config.min_shingles,
    }  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
