"""Metadata accuracy: the demo portal's gold, and publication dates on the shared corpus.

    python bench/metadata_eval.py [--keep DIR] [--no-baseline] [--no-corpus] [-s NAME=VALUE ...]

Demo: crawls the embedded portal with `scrapy crawl news` (a subprocess, from the repo root),
matches items to gold by canonical URL and prints per-field accuracy (title exact, dates by
day, lists exact), images that are not the article's own, datelines left in the text, and the
text's token F1 (../shared/eval/score.py) with metadata on and, as the baseline of the same
run, with NEWSSPIDER_METADATA_ENABLED=False.

Corpus: on ../shared/corpus pages whose markup declares a publication date (JSON-LD or a
date meta tag), the agreement (same day) of (a) our final `published` with that date, and
(b) of a visible-text-only extraction (no markup read) with it. (a) mostly reads the very
markup it is compared with; (b) is the independent figure. Also: language vs the corpus's,
and the text F1 of the offline template model's text before and after metadata took the
dateline and credit lines out of it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from newsspider.core.blocks import parse_page
from newsspider.core.datelines import dateline_of
from newsspider.core.dates import PUBLISHED_META, DateCandidate, choose
from newsspider.core.metadata import MetadataExtractor
from newsspider.core.profile import SiteProfile
from newsspider.core.structured import parse_json_ld
from newsspider.core.template import SiteModel, TemplateConfig
from newsspider.core.titles import visible_headline
from newsspider.core.zone import locate
from newsspider.demo import DemoServer

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DAY_FIELDS = ("published", "modified")
FIELDS = ("title", "published", "modified", "authors", "source", "dateline", "language",
          "section", "tags", "images")  # fmt: skip


def crawl(start_urls: list[str], out: Path, work: Path, extra: list[str]) -> float:
    """Run `scrapy crawl news` as a subprocess from the repo root; seconds it took."""
    cmd = [
        sys.executable, "-m", "scrapy", "crawl", "news", "-a", "start_urls=" + ",".join(start_urls),
        "-O", str(out), "-s", f"LOG_FILE={work / 'crawl.log'}", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "DOWNLOAD_DELAY=0.01", *[a for kv in extra for a in ("-s", kv)],
    ]  # fmt: skip
    t0 = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, check=True)
    return time.monotonic() - t0


def field_value(record: dict[str, Any], name: str) -> Any:
    """A field as compared: dates by day, everything else as is."""
    value = record.get(name)
    if name in DAY_FIELDS:
        return (value or "")[:10] or None
    if name in ("authors", "tags", "images"):
        return value or []
    return value


def score_demo(items: list[dict[str, Any]], gold: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-field accuracy over gold articles (a missing item counts wrong), and checks."""
    by_url = {i.get("canonical_url") or i["url"]: i for i in items}
    right: Counter[str] = Counter()
    wrong_examples: dict[str, list[str]] = defaultdict(list)
    foreign = thumbs = left = missing = 0
    for record in gold:
        item = by_url.get(record["url"])
        if item is None:
            missing += 1
            continue
        for name in FIELDS:
            got, want = field_value(item, name), field_value(record, name)
            right[name] += got == want
            if got != want and len(wrong_examples[name]) < 3:
                wrong_examples[name].append(f"{record['url']}: got {got!r} want {want!r}")
        own = {i["url"] for i in record["images"]}
        urls = [i["url"] for i in item.get("images") or []]
        foreign += sum(1 for u in urls if u not in own)
        thumbs += sum(1 for u in urls if "/thumbs/" in u or "-150x150" in u)
        first = (item.get("text") or "").split("\n", 1)[0]
        left += dateline_of(first) is not None and record["dateline"] in first
    total = len(gold)
    return {
        "articles": total,
        "missing": missing,
        "accuracy": {name: right[name] / total for name in FIELDS},
        "foreign_images": foreign,
        "related_thumbnails": thumbs,
        "datelines_left_in_text": left,
        "examples": dict(wrong_examples),
    }


def text_f1(index: Path, out: Path) -> float:
    """Mean-over-sites token F1 of `text` by ../shared/eval/score.py."""
    return float(_scorer().score(index, out)["overall"]["f1"])


def _scorer() -> Any:
    """../shared/eval/score.py, the project's text metric."""
    if str(SHARED / "eval") not in sys.path:
        sys.path.insert(0, str(SHARED / "eval"))
    import score  # noqa: PLC0415

    return score


def tokens(text: str) -> Counter[str]:
    """Tokens as score.py counts them."""
    return _scorer().tokens(text)


def prf(pred: Counter[str], gold: Counter[str]) -> tuple[float, float, float]:
    """Token precision, recall and F1 as score.py computes them."""
    return _scorer().prf(pred, gold)


def run_demo(work: Path, extra: list[str], baseline: bool) -> dict[str, Any]:
    """Crawl the demo with metadata on (and off, for the text baseline); score both."""
    with DemoServer() as demo:
        index = demo.write_gold(work / "gold")
        out = work / "out.jsonl"
        seconds = crawl(demo.start_urls, out, work, extra)
        base_out = work / "baseline.jsonl"
        if baseline:
            crawl(demo.start_urls, base_out, work, [*extra, "NEWSSPIDER_METADATA_ENABLED=False"])
    items = [json.loads(line) for line in out.open(encoding="utf-8")]
    gold = [json.loads(line) for line in index.open(encoding="utf-8")]
    result = score_demo(items, gold)
    result["seconds"] = seconds
    result["text_f1"] = text_f1(index, out)
    if baseline:
        result["text_f1_baseline"] = text_f1(index, base_out)
    return result


def declared_date(page: Any, url: str, extractor: MetadataExtractor) -> DateCandidate | None:
    """The publication date the page's markup declares (JSON-LD, date meta tags)."""
    ld = parse_json_ld(page.json_ld)
    article = ld.article(url, page.meta.get("og:title") or page.title)
    found = extractor.dates.markup(page, ld, article, "datePublished", PUBLISHED_META)
    return choose(found)


def visible_only(page: Any, text: str, language: str | None, ex: MetadataExtractor) -> str | None:
    """The day the visible text near the headline gives, no markup read (headline from h1)."""
    zone = locate(page, text, visible_headline(page) or page.title)
    stamps = ex.dates.parser.near_article(page, zone, language, ex.config.near_blocks)
    published = [s for _, s in stamps if not s.update]
    return published[0].moment.date().isoformat() if published else None


def near_day(a: str, b: str) -> bool:
    """Days at most one apart (a stamp in local time vs markup in UTC)."""
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days) <= 1


def score_site(entries: list[dict[str, Any]], corpus: Path, ex: MetadataExtractor) -> Counter[str]:
    """Date and language agreement counts of one corpus site (template learned offline)."""
    pages = [parse_page((corpus / e["html_path"]).read_bytes(), e.get("encoding")) for e in entries]
    model, profile = SiteModel(TemplateConfig()), SiteProfile()
    observed = [model.observe(p) for p in pages]
    model.finalize()
    counts: Counter[str] = Counter()
    for entry, page, obs in zip(entries, pages, observed, strict=True):
        text = model.clean(obs, page.meta.get("og:title") or page.title).text
        meta = ex.extract(page, entry["url"], text, profile)
        gold = tokens((corpus / entry["gold_path"]).read_text("utf-8", errors="replace"))
        counts["f1_before"] += prf(tokens(text), gold)[2]
        counts["f1_after"] += prf(tokens(meta.text or ""), gold)[2]
        counts["pages"] += 1
        counts["language_right"] += meta.language == entry.get("lang")
        declared = declared_date(page, entry["url"], ex)
        if declared is None:
            counts["published_without_markup"] += meta.published is not None
            continue
        counts["declared"] += 1
        counts["a_same_day"] += (meta.published or "")[:10] == declared.day
        seen = visible_only(page, text, meta.language, ex)
        counts["b_found"] += seen is not None
        counts["b_same_day"] += seen == declared.day
        counts["b_within_1_day"] += seen is not None and near_day(seen, declared.day)
    return counts


def run_corpus(corpus: Path, max_sites: int) -> Counter[str]:
    """Corpus date and language agreement, summed over sites."""
    sites: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in (corpus / "index.jsonl").open(encoding="utf-8"):
        entry = json.loads(line)
        sites[entry["site"]].append(entry)
    extractor = MetadataExtractor()
    total: Counter[str] = Counter()
    for key in sorted(sites)[: max_sites or None]:
        counts = score_site(sites[key], corpus, extractor)
        # Text F1 is averaged per site, then over sites (as shared/eval/score.py does).
        total["sites"] += 1
        total["site_f1_before"] += counts.pop("f1_before") / counts["pages"]
        total["site_f1_after"] += counts.pop("f1_after") / counts["pages"]
        total += counts
    return total


def print_demo(result: dict[str, Any]) -> None:
    print(f"demo: {result['articles']} gold articles, {result['missing']} not crawled, "
          f"crawl {result['seconds']:.1f} s")  # fmt: skip
    for name, value in result["accuracy"].items():
        print(f"  {name:10s} {value:.3f}")
    print(f"  images not the article's own: {result['foreign_images']} "
          f"(related thumbnails: {result['related_thumbnails']})")  # fmt: skip
    print(f"  datelines left in text: {result['datelines_left_in_text']}")
    line = f"  text F1 {result['text_f1']:.3f}"
    if "text_f1_baseline" in result:
        line += f" (metadata off, same run: {result['text_f1_baseline']:.3f})"
    print(line)
    for name, examples in result["examples"].items():
        for example in examples:
            print(f"    wrong {name}: {example}")


def print_corpus(c: Counter[str]) -> None:
    declared = c["declared"] or 1
    print(f"corpus: {c['pages']} pages, {c['declared']} declare a publication date in markup")
    print(f"  (a) final published, same day as declared:   {c['a_same_day'] / declared:.3f}")
    print(f"  (b) visible text only, found a date:         {c['b_found'] / declared:.3f}")
    print(f"      visible text only, same day as declared: {c['b_same_day'] / declared:.3f}"
          f" (of those found: {c['b_same_day'] / (c['b_found'] or 1):.3f},"
          f" within a day: {c['b_within_1_day'] / (c['b_found'] or 1):.3f})")  # fmt: skip
    undeclared = c["pages"] - c["declared"]
    print(f"  pages without markup date given a published date: "
          f"{c['published_without_markup']} of {undeclared}")  # fmt: skip
    print(f"  language = corpus lang: {c['language_right'] / (c['pages'] or 1):.3f}")
    sites = c["sites"] or 1
    print(f"  text F1 (template model offline), mean over sites: before metadata "
          f"{c['site_f1_before'] / sites:.4f}, after (dateline, credits removed) "
          f"{c['site_f1_after'] / sites:.4f}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--keep", type=Path, help="keep crawl output and gold in this folder")
    ap.add_argument("--no-baseline", action="store_true", help="skip the metadata-off crawl")
    ap.add_argument("--no-demo", action="store_true")
    ap.add_argument("--no-corpus", action="store_true")
    ap.add_argument("--max-sites", type=int, default=0, help="corpus sites (0: all)")
    ap.add_argument("--json-out", type=Path, default=ROOT / "bench" / "results" / "metadata.json")
    ap.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args(argv)
    report: dict[str, Any] = {}
    if not args.no_demo:
        work = args.keep or Path(tempfile.mkdtemp(prefix="metadata_eval_"))
        work.mkdir(parents=True, exist_ok=True)
        report["demo"] = run_demo(work, args.set, not args.no_baseline)
        print_demo(report["demo"])
    if not args.no_corpus:
        t0 = time.monotonic()
        counts = run_corpus(SHARED / "corpus", args.max_sites)
        report["corpus"] = dict(counts) | {"seconds": time.monotonic() - t0}
        print_corpus(counts)
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
