"""Template warm-up holds a site's first pages without losing one, small site or large."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import FAST, read_jsonl, run_crawl
from .sites import SmallSite, paragraph


def crawl(site: SmallSite, work: Path, *extra: str, run: int = 1) -> tuple[list[dict], str]:
    out, log_file = work / f"out{run}.jsonl", work / f"log{run}"
    proc = run_crawl(
        [
            "-a",
            f"start_urls={site.url}",
            "-O",
            str(out),
            "-s",
            f"LOG_FILE={log_file}",
            "-s",
            f"NEWSSPIDER_STATE_DIR={work / 'state'}",
            *FAST,
            *extra,
        ],  # fmt: skip
        cwd=work,
        timeout=600,
    )
    log = log_file.read_text(encoding="utf-8")
    assert proc.returncode == 0, log[-3000:]
    return read_jsonl(out), log


def check_clean(items: list[dict], total: int) -> None:
    numbers = sorted(int(re.search(r"/a/(\d+)\.html", i["url"]).group(1)) for i in items)
    assert numbers == list(range(total))
    for item in items:
        n = int(re.search(r"/a/(\d+)\.html", item["url"]).group(1))
        assert item["text"].split("\n") == [paragraph(n, k) for k in range(3)], item["url"]


def test_five_page_site_loses_no_page(tmp_path: Path) -> None:
    with SmallSite(5) as site:
        items, log = crawl(site, tmp_path)
    check_clean(items, 5)
    assert "'template/held': 5" in log  # fewer pages than the warm-up: all held, none lost


def test_rerun_with_saved_state_starts_warm(tmp_path: Path) -> None:
    with SmallSite(8) as site:
        crawl(site, tmp_path)
        # Dedup and incremental fetching off: a rerun would otherwise rightly fetch and emit
        # nothing new; the text cleaned by the saved model is what is checked.
        off = ["-s", "NEWSSPIDER_DEDUP_ENABLED=False", "-s", "NEWSSPIDER_INCREMENTAL_ENABLED=False"]
        items, log = crawl(site, tmp_path, *off, run=2)
    assert "'template/state_loaded': 1" in log
    assert "template/held" not in log  # the saved model cleans from the first page on
    check_clean(items, 8)


def test_five_thousand_page_site(tmp_path: Path) -> None:
    with SmallSite(5000) as site:
        items, log = crawl(site, tmp_path, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16")
    check_clean(items, 5000)
    held = int(re.search(r"'template/held': (\d+)", log).group(1))
    assert 14 <= held < 100  # the first warm-up pages wait (the 15th frees them), not the site
