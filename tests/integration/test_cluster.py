"""Issue 9: several `scrapy crawl news` workers on one real redis-server share one crawl."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from newsspider.demo import DemoServer

from ..redisserver import redis_server
from .conftest import FAST, ROOT, read_jsonl

WORKER_TTL = "3"


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with redis_server(tmp_path) as url:
        yield url


def start_worker(
    work: Path, name: str, start_urls: list[str], redis_url: str
) -> subprocess.Popen[str]:
    """A `scrapy crawl news` worker writing work/<name>.jsonl and work/<name>.log."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    urls = ["-a", "start_urls=" + ",".join(start_urls)] if start_urls else []
    cmd = [
        sys.executable, "-m", "scrapy", "crawl", "news", *urls,
        "-O", str(work / f"{name}.jsonl"), "-s", f"LOG_FILE={work / f'{name}.log'}",
        "-s", f"NEWSSPIDER_REDIS_URL={redis_url}",
        "-s", f"NEWSSPIDER_REDIS_WORKER_TTL={WORKER_TTL}",
        "-s", f"NEWSSPIDER_DUPLICATES_FEED={work / f'{name}-duplicates.jsonl'}", *FAST,
    ]  # fmt: skip
    return subprocess.Popen(cmd, cwd=work, env=env, text=True, stderr=subprocess.PIPE)


def stories(demo: DemoServer, items: list[dict[str, Any]]) -> Counter[str]:
    """How many items each gold story got (either copy of a wire story stands for it)."""
    story = {d["url"]: d["duplicate_of"] for d in demo.duplicates() if d["kind"] == "near"}
    return Counter(story.get(i["canonical_url"], i["canonical_url"]) for i in items)


def mean_f1(demo: DemoServer, items: list[dict[str, Any]]) -> float:
    """Token F1 of `text` against the gold text, mean over gold articles (missing: 0)."""
    story = {d["url"]: d["duplicate_of"] for d in demo.duplicates() if d["kind"] == "near"}
    texts = {story.get(i["canonical_url"], i["canonical_url"]): i["text"] for i in items}
    scores = []
    for gold in demo.gold():
        got, want = tokens(texts.get(gold["url"], "")), tokens(gold["text"])
        common = sum((got & want).values())
        precision = common / max(1, sum(got.values()))
        recall = common / max(1, sum(want.values()))
        scores.append(2 * precision * recall / (precision + recall) if common else 0.0)
    return sum(scores) / len(scores)


def tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def stat(log: str, name: str) -> int:
    found = re.search(rf"'{re.escape(name)}': (\d+)", log)
    return int(found.group(1)) if found else 0


def test_two_workers_share_the_crawl(
    demo: DemoServer, demo_crawl: dict[str, Any], redis_url: str, tmp_path: Path
) -> None:
    # Neither worker is given start URLs: they join the crawl and take the start URLs
    # pushed to its Redis list, as a cluster is fed from outside.
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    workers = [start_worker(tmp_path, name, [], redis_url) for name in ("a", "b")]
    client.rpush("newsspider:crawl:news:start_urls", *demo.start_urls)
    for worker in workers:
        _, stderr = worker.communicate(timeout=400)
        assert worker.returncode == 0, stderr[-2000:]
    logs = [(tmp_path / f"{name}.log").read_text(encoding="utf-8") for name in ("a", "b")]
    for log in logs:
        assert "Traceback" not in log and "ERROR" not in log
        # Both did a real share of the work, and learned from each other.
        assert stat(log, "downloader/response_count") > 150, log[-3000:]
        assert stat(log, "template/shared/merged") > 0
        assert stat(log, "cluster/inflight_left") == 0  # every request seen through
    items = read_jsonl(tmp_path / "a.jsonl") + read_jsonl(tmp_path / "b.jsonl")
    counts = stories(demo, items)
    gold = {g["url"] for g in demo.gold()}
    assert set(counts) == gold, (sorted(gold - set(counts))[:5], sorted(set(counts) - gold)[:5])
    assert all(n == 1 for n in counts.values()), counts.most_common(3)
    single, shared = mean_f1(demo, demo_crawl["items"]), mean_f1(demo, items)
    assert shared >= single - 0.01, (shared, single)
    assert stat(logs[0], "cluster/start_urls") + stat(logs[1], "cluster/start_urls") == 3
    # The learned state is in Redis, under the documented keys.
    keys = set(client.keys("newsspider:*"))
    assert "newsspider:log:dedup:log" in keys
    assert {f"newsspider:state:templates:{url.split('/')[2]}" for url in demo.start_urls} <= keys
    assert client.llen("newsspider:log:dedup:log") >= len(gold)


def test_a_killed_workers_pages_are_taken_over(
    demo: DemoServer, redis_url: str, tmp_path: Path
) -> None:
    a = start_worker(tmp_path, "a", demo.start_urls, redis_url)
    b = start_worker(tmp_path, "b", demo.start_urls, redis_url)
    feed_a = tmp_path / "a.jsonl"
    deadline = time.monotonic() + 240
    while not (feed_a.exists() and len(feed_a.read_bytes().splitlines()) >= 40):
        assert a.poll() is None and time.monotonic() < deadline, "worker a never got going"
        time.sleep(0.2)
    os.kill(a.pid, signal.SIGKILL)
    a.wait(timeout=30)
    _, stderr = b.communicate(timeout=400)
    assert b.returncode == 0, stderr[-2000:]
    log_b = (tmp_path / "b.log").read_text(encoding="utf-8")
    assert "Traceback" not in log_b
    assert stat(log_b, "cluster/recovered") > 0, "b never took over a's requests"
    items = read_jsonl(feed_a) + read_jsonl(tmp_path / "b.jsonl")
    counts = stories(demo, items)
    gold = {g["url"] for g in demo.gold()}
    assert gold <= set(counts), sorted(gold - set(counts))[:5]
    # A kill between a's feed write and its in-flight update (one Redis call) would
    # repeat that one article; nothing else may be repeated.
    assert sum(n - 1 for n in counts.values()) <= 1, counts.most_common(3)
