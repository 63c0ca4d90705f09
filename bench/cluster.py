"""One worker against two on one Redis: pages per second and Redis memory per 1,000 articles.

    python bench/cluster.py [--articles 1000] [--runs 3] [--json-out FILE]

Serves the demo portal (``--articles`` per site) from its own process and starts a fresh
``redis-server`` (no persistence) on a free loopback port. Then alternates, ``--runs``
times: (1) one ``scrapy crawl news`` worker with NEWSSPIDER_REDIS_URL set, (2) two such
workers started together on the same Redis. Redis is flushed before each crawl. Reports per
crawl: pages (responses, all workers), articles written, wall seconds from the first start
to the last exit, pages per second, and Redis ``used_memory`` after the crawl minus before,
per 1,000 articles written; then the medians and the ratio two/one. On a 2-core machine the
two workers share the cores with the portal and Redis: the ratio shows what a second process
buys there, not what a second machine would.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import HOST, SETTINGS, Portal, accepts, free_port_block, read_stats  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON_OUT = ROOT / "bench" / "results" / "cluster.json"


class RedisServer:
    """redis-server on a free loopback port, in a temporary directory."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.port = free_port_block(1)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def __enter__(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed (apt-get install redis-server)")
        cmd = [binary, "--port", str(self.port), "--bind", HOST, "--save", "",
               "--appendonly", "no", "--dir", str(self.work)]  # fmt: skip
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not accepts(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def crawl(workers: int, portal: Portal, server: RedisServer, work: Path) -> dict[str, Any]:
    """Run `workers` workers on a flushed Redis to the end of the crawl; measure it."""
    client = redis.Redis.from_url(server.url)
    client.flushall()
    before = int(client.info("memory")["used_memory"])
    procs = []
    started = time.perf_counter()
    for n in range(workers):
        out = work / f"worker{n}"
        out.mkdir(parents=True)
        cmd = [sys.executable, "-m", "scrapy", "crawl", "news",
               "-a", "start_urls=" + ",".join(portal.start_urls),
               "-O", str(out / "items.jsonl"), "-s", f"LOG_FILE={out / 'crawl.log'}",
               "-s", f"NEWSSPIDER_REDIS_URL={server.url}",
               "-s", f"NEWSSPIDER_DUPLICATES_FEED={out / 'duplicates.jsonl'}"]  # fmt: skip
        for name, value in SETTINGS.items():
            cmd += ["-s", f"{name}={value}"]
        procs.append(subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL))
    codes = [proc.wait() for proc in procs]
    wall = time.perf_counter() - started
    used = int(client.info("memory")["used_memory"]) - before
    stats = [read_stats(work / f"worker{n}" / "crawl.log") for n in range(workers)]
    pages = sum(int(s.get("response_received_count", 0)) for s in stats)
    items = sum(int(s.get("item_scraped_count", 0)) for s in stats)
    return {
        "workers": workers,
        "returncodes": codes,
        "pages": pages,
        "articles": items,
        "pages_per_worker": [int(s.get("response_received_count", 0)) for s in stats],
        "wall_s": round(wall, 2),
        "pages_per_s": round(pages / wall, 2),
        "redis_used_mb": round(used / 2**20, 2),
        "redis_kb_per_1000_articles": round(used / 1024 / max(1, items) * 1000, 1),
        "redis_keys": client.dbsize(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=1000, help="articles per demo site")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json-out", type=Path, default=DEFAULT_JSON_OUT)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench_cluster_"))
    runs: list[dict[str, Any]] = []
    with Portal(args.articles, work / "portal.log") as portal, RedisServer(work) as server:
        for run in range(args.runs):
            for workers in (1, 2):
                result = crawl(workers, portal, server, work / f"run{run}-w{workers}")
                runs.append({"run": run, **result})
                print(json.dumps(runs[-1]), flush=True)
    median = {
        w: {
            key: statistics.median(r[key] for r in runs if r["workers"] == w)
            for key in ("pages", "articles", "wall_s", "pages_per_s", "redis_kb_per_1000_articles")
        }
        for w in (1, 2)
    }
    ratio = median[2]["pages_per_s"] / median[1]["pages_per_s"]
    print(f"machine: {os.cpu_count()} cores; {args.articles} articles per site, {args.runs} runs")
    print("workers  pages  articles  wall s  pages/s  Redis KB per 1000 articles")
    for w in (1, 2):
        m = median[w]
        print(
            f"{w:>7}  {m['pages']:>5.0f}  {m['articles']:>8.0f}  {m['wall_s']:>6.1f}  "
            f"{m['pages_per_s']:>7.1f}  {m['redis_kb_per_1000_articles']:>8.0f}"
        )
    print(f"two workers / one worker, pages per second: {ratio:.2f}")
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
                "articles_per_site": args.articles,
                "settings": SETTINGS,
                "runs": runs,
                "median": median,
                "ratio_two_over_one": round(ratio, 3),
            },
            indent=2,
        )
        + "\n"
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
