"""End to end: `scrapy crawl news` on the demo portal, checked against its gold."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from newsspider.demo import DemoServer

from .conftest import read_jsonl, run_crawl

SCORER = Path(__file__).resolve().parents[3] / "shared" / "eval"
TEMPLATE_LINES = [
    "Last Updated",
    "Characters Left",
    "Publishing Terms",
    "I agree with the Terms of Use",
    "Security Code",
    "Maintained and developed by Arabs Today Group SAL",
    "All rights reserved to Arab Today Media Group",
    "بناية النخيل",
    "Leave a Reply",
    "Your email address will not be published",
]


def key(item: dict[str, Any]) -> str:
    return item.get("canonical_url") or item["url"]


def test_crawl_finishes_cleanly(demo_crawl: dict[str, Any]) -> None:
    assert demo_crawl["proc"].returncode == 0, demo_crawl["proc"].stderr[-2000:]
    assert "Traceback" not in demo_crawl["log"]
    assert "ERROR" not in demo_crawl["log"]


def test_every_gold_article_once_and_no_listing(
    demo: DemoServer, demo_crawl: dict[str, Any]
) -> None:
    gold = {g["url"] for g in demo.gold()}
    # Crawl order decides which copy of a wire story comes first: either stands for it.
    story = {d["url"]: d["duplicate_of"] for d in demo.duplicates() if d["kind"] == "near"}
    counts = Counter(story.get(key(i), key(i)) for i in demo_crawl["items"])
    assert gold <= set(counts), sorted(gold - set(counts))[:5]
    assert all(n == 1 for n in counts.values()), counts.most_common(3)
    # Anything else would be a listing, search, tag or service page.
    assert set(counts) == gold, sorted(set(counts) - gold)[:5]


def test_no_template_line_in_any_text(demo_crawl: dict[str, Any]) -> None:
    for item in demo_crawl["items"]:
        for line in TEMPLATE_LINES:
            assert line not in item["text"], (item["url"], line)


def test_related_headlines_are_not_in_text(demo: DemoServer, demo_crawl: dict[str, Any]) -> None:
    titles = {g["url"]: g["title"] for g in demo.gold()}
    for item in demo_crawl["items"]:
        own = titles.get(key(item))
        others = [t for u, t in titles.items() if u != key(item) and t != own]
        leaked = [t for t in others if t in item["text"]]
        assert not leaked, (item["url"], leaked[:2])


def test_arabic_text_is_decoded(demo: DemoServer, demo_crawl: dict[str, Any]) -> None:
    arabic = {g["url"]: g for g in demo.gold() if g["language"] == "ar"}
    items = {key(i): i for i in demo_crawl["items"]}
    assert arabic
    for url, gold in arabic.items():
        text = items[url]["text"]
        assert "\ufffd" not in text
        first = gold["text"].split("\n")[0]
        assert first[:40] in text


def test_text_f1_against_gold(demo: DemoServer, demo_crawl: dict[str, Any], tmp_path: Path) -> None:
    if not SCORER.exists():
        pytest.skip("shared/eval/score.py not present")
    sys.path.insert(0, str(SCORER))
    from score import score  # noqa: PLC0415

    index = demo.write_gold(tmp_path)
    # Crawl order decides which copy of a wire story is emitted: a copy stands for its
    # story (scored against the story's gold text) when the original was not emitted.
    story = {d["url"]: d["duplicate_of"] for d in demo.duplicates() if d["kind"] == "near"}
    items = demo_crawl["items"]
    emitted = {key(i) for i in items}
    scored = tmp_path / "scored.jsonl"
    with scored.open("w", encoding="utf-8") as out:
        for item in items:
            original = story.get(key(item))
            if original and original not in emitted:
                item = {**item, "url": original, "canonical_url": original}
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    result = score(index, scored)["overall"]
    assert result["missing"] == 0
    assert result["f1"] >= 0.98, result


def test_template_decisions_are_counted(demo_crawl: dict[str, Any]) -> None:
    log = demo_crawl["log"]
    # Print, AMP and comment-page copies of articles already emitted are not cleaned.
    stats = ("template/dropped/template_text", "template/blocks/kept", "dedup/dropped/url")
    for stat in (*stats, "template/skipped_settled", "dedup/settled"):
        assert f"'{stat}'" in log


def test_no_arguments_crawls_the_embedded_demo(tmp_path: Path) -> None:
    proc = run_crawl(["-s", "LOG_FILE=crawl.log", "-s", "DOWNLOAD_DELAY=0.01"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    latest = tmp_path / "output" / "articles.jsonl"
    runs = list((tmp_path / "output" / "news").glob("*.jsonl"))
    assert latest.is_symlink() and len(runs) == 1
    items = read_jsonl(latest)
    assert len(items) >= 324
    raw = latest.read_bytes().decode("utf-8")
    assert "العرب" in raw  # non-ASCII written as is, not \u-escaped
    assert {"url", "canonical_url", "site", "title", "text", "crawled_at"} <= set(items[0])
    assert "page" not in items[0]


def test_command_line_feed_replaces_the_default(tmp_path: Path, demo: DemoServer) -> None:
    out = tmp_path / "mine.jsonl"
    proc = run_crawl(
        [
            "-a",
            f"start_urls={demo.start_urls[0]}",
            "-O",
            str(out),
            "-s",
            "LOG_FILE=crawl.log",
            "-s",
            "DOWNLOAD_DELAY=0.01",
            "-s",
            "CLOSESPIDER_ITEMCOUNT=5",
        ],  # fmt: skip
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert read_jsonl(out)
    assert not (tmp_path / "output" / "news").exists()  # no default feed beside -O
