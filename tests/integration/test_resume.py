"""Crash resume: SIGKILL a crawl at random moments, restart it, lose and repeat nothing."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from .conftest import FAST, ROOT, read_jsonl, run_crawl
from .sites import SmallSite

ARTICLES = 300


def start_crawl(site: SmallSite, work: Path, run: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    args = [
        sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"start_urls={site.url}",
        "-s", f"JOBDIR={work / 'job'}", "-s", f"NEWSSPIDER_STATE_DIR={work / 'state'}",
        "-s", f"LOG_FILE={work / f'log{run}'}", *FAST,
    ]  # fmt: skip
    return subprocess.Popen(args, cwd=work, env=env)


def wait_for_lines(
    feeds: Path, before: set[Path], lines: int, proc: subprocess.Popen[bytes]
) -> None:
    """Return once this run's feed holds `lines` lines (or the run ended, or 60 s passed)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        new = set(feeds.glob("*.jsonl")) - before if feeds.exists() else set()
        if new and sum(1 for _ in next(iter(new)).open("rb")) >= lines:
            return
        time.sleep(0.05)


def test_killed_crawls_resume_without_loss_or_repeat(tmp_path: Path) -> None:
    chance = random.Random(20261125)
    feeds = tmp_path / "output" / "news"
    with SmallSite(ARTICLES) as site:
        for run in range(3):
            before = set(feeds.glob("*.jsonl")) if feeds.exists() else set()
            proc = start_crawl(site, tmp_path, run)
            # Kill points: after a random number of articles written by this run.
            wait_for_lines(feeds, before, chance.randint(5, 90), proc)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        proc = run_crawl(
            ["-a", f"start_urls={site.url}", "-s", f"JOBDIR={tmp_path / 'job'}",
             "-s", f"NEWSSPIDER_STATE_DIR={tmp_path / 'state'}", "-s", "LOG_FILE=final", *FAST],
            cwd=tmp_path,
        )  # fmt: skip
    assert proc.returncode == 0, (tmp_path / "final").read_text()[-3000:]
    runs = sorted(feeds.glob("*.jsonl"))
    assert len(runs) == 4
    written = [item for feed in runs for item in read_jsonl(feed)]
    counts = Counter(int(re.search(r"/a/(\d+)\.html", i["url"]).group(1)) for i in written)
    assert sorted(counts) == list(range(ARTICLES)), sorted(set(range(ARTICLES)) - set(counts))
    assert max(counts.values()) == 1, [n for n, c in counts.items() if c > 1][:10]
    assert all(read_jsonl(feed) for feed in runs[:3]), "a run was killed before it wrote"
