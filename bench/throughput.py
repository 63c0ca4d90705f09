"""Crawl throughput: `scrapy crawl news` with every pipeline against a bare Scrapy spider.

    python bench/throughput.py [--articles 10000] [--runs 3] [--profile] [-s NAME=VALUE ...]

Serves the demo portal (three sites, ``--articles`` in all) on loopback from its own process
(``python -m newsspider.demo serve``), so the server's threads do not compete with a crawl for
its GIL, then alternates (a) ``scrapy runspider bench/bare_spider.py`` (follows in-site links,
yields raw page text, no pipelines) and (b) ``scrapy crawl news`` with every pipeline on, in
fresh state directories, ``--runs`` times each. Both get the same settings (SETTINGS below,
then ``-s``) and the project's others (ROBOTSTXT_OBEY and all). Prints pages per second of
each run, the medians and their ratio (b)/(a), and each crawl's peak RSS (``wait4`` on the
child); writes every figure to ``--json-out``. ``--profile`` adds one (b) crawl under cProfile
(not timed) and prints its top costs. Not part of the test suite: 10,000 articles take minutes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import pstats
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import scrapy
from profiling import cost_row

ROOT = Path(__file__).resolve().parents[1]
BARE_SPIDER = ROOT / "bench" / "bare_spider.py"
DEFAULT_JSON_OUT = ROOT / "bench" / "results" / "throughput.json"
SITES = 3  # the demo portal's sites, served on consecutive ports
HOST = "127.0.0.1"
SYSTEMS = {"bare": "(a) bare scrapy", "news": "(b) scrapy crawl news"}
# The same for both systems. DOWNLOAD_DELAY=0 is avoided on purpose: see bench/README.md.
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0.01",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}
_STAT = re.compile(r"^[ {]'([^']+)': ([-0-9.e]+),?$")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class CrawlRun:
    """One timed crawl: what it fetched, how long it took, what it held."""

    system: str
    run: int
    returncode: int
    pages: int  # responses received, robots.txt included
    items: int
    wall_s: float  # process start to exit: imports and shutdown included
    elapsed_s: float  # Scrapy's own elapsed_time_seconds (spider open to close)
    cpu_s: float  # the crawl process's user + system time
    server_cpu_s: float  # the portal process's, during this crawl
    peak_rss_mb: float
    finish_reason: str
    errors: int

    @property
    def pages_per_s(self) -> float:
        """Pages per wall-clock second, the headline figure."""
        return self.pages / self.wall_s if self.wall_s else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Every field plus the rates."""
        rates = {
            "pages_per_s": round(self.pages_per_s, 2),
            "pages_per_elapsed_s": round(self.pages / self.elapsed_s, 2) if self.elapsed_s else 0,
        }
        return {**asdict(self), **rates}


class Portal:
    """The demo portal served by ``python -m newsspider.demo serve`` in a child process."""

    def __init__(self, articles_per_site: int, log: Path) -> None:
        self.articles_per_site = articles_per_site
        self.log = log
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def start_urls(self) -> list[str]:
        """Every site's homepage."""
        return [f"http://{HOST}:{self.port + i}/" for i in range(SITES)]

    def __enter__(self) -> Portal:
        self.port = free_port_block(SITES)
        cmd = [sys.executable, "-m", "newsspider.demo", "serve", "--host", HOST,
               "--articles", str(self.articles_per_site), "--port", str(self.port)]  # fmt: skip
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 300
        for port in range(self.port, self.port + SITES):
            while not accepts(port):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"demo server did not start; see {self.log}")
                time.sleep(0.2)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    def cpu_seconds(self) -> float:
        """User + system seconds the server process has used so far."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def free_port_block(count: int) -> int:
    """A port P such that P .. P+count-1 are all free on loopback now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            first: int = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            held = []
            for port in range(first, first + count):
                sock = socket.socket()
                held.append(sock)
                sock.bind((HOST, port))
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()
        return first
    raise RuntimeError("no block of free ports")


def accepts(port: int) -> bool:
    """Whether something listens on HOST:port."""
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def crawl_command(system: str, start_urls: list[str], work: Path, extra: list[str]) -> list[str]:
    """The scrapy command line of one system; its output, log and state go under `work`."""
    if system == "bare":
        cmd = [sys.executable, "-m", "scrapy", "runspider", str(BARE_SPIDER)]
    else:
        cmd = [sys.executable, "-m", "scrapy", "crawl", "news",
               "-s", f"NEWSSPIDER_STATE_DIR={work / 'state'}",
               "-s", f"NEWSSPIDER_DUPLICATES_FEED={work / 'duplicates.jsonl'}"]  # fmt: skip
    cmd += ["-a", "start_urls=" + ",".join(start_urls), "-O", str(work / "items.jsonl")]
    cmd += ["-s", f"LOG_FILE={work / 'crawl.log'}", "-s", "LOG_LEVEL=INFO"]
    for name, value in [*SETTINGS.items(), *(kv.split("=", 1) for kv in extra)]:
        cmd += ["-s", f"{name}={value}"]
    return cmd


def run_crawl(system: str, run: int, portal: Portal, work: Path, extra: list[str]) -> CrawlRun:
    """Run one crawl to its end in a fresh `work` folder and measure it."""
    work.mkdir(parents=True)
    cmd = crawl_command(system, portal.start_urls, work, extra)
    server_before = portal.cpu_seconds()
    started = time.perf_counter()
    with (work / "stderr.txt").open("wb") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    stats = read_stats(work / "crawl.log")
    (work / "items.jsonl").unlink(missing_ok=True)  # the bare feed is ~1 GB at 10k articles
    return CrawlRun(
        system=system,
        run=run,
        returncode=proc.returncode,
        pages=int(stats.get("response_received_count", 0)),
        items=int(stats.get("item_scraped_count", 0)),
        wall_s=round(wall, 3),
        elapsed_s=round(stats.get("elapsed_time_seconds", 0.0), 3),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        server_cpu_s=round(portal.cpu_seconds() - server_before, 2),
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
        finish_reason=str(stats.get("finish_reason", "?")),
        errors=int(stats.get("log_count/ERROR", 0)),
    )


def read_stats(log: Path) -> dict[str, Any]:
    """The numeric stats (and finish_reason) Scrapy dumped at the end of its log."""
    stats: dict[str, Any] = {}
    if not log.exists():
        return stats
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    starts = [i for i, line in enumerate(lines) if "Dumping Scrapy stats:" in line]
    for line in lines[starts[-1] + 1 :] if starts else []:
        if not line.startswith((" ", "{")):
            break
        if "'finish_reason'" in line:
            stats["finish_reason"] = line.split(":", 1)[1].strip(" ,'}")
        elif match := _STAT.match(line.rstrip("}")):
            stats[match[1]] = float(match[2])
    return stats


def check(run: CrawlRun, articles: int) -> str | None:
    """Why a run cannot be counted, or None: it must finish and fetch most of the portal."""
    if run.returncode != 0 or run.finish_reason != "finished":
        return f"exit {run.returncode}, finish_reason {run.finish_reason}"
    if run.pages < articles:
        return f"only {run.pages} pages fetched for {articles} articles"
    if run.system == "news" and run.items < 0.9 * articles:
        return f"only {run.items} items for {articles} articles"
    return None


# -- summary and profile -------------------------------------------------------------------


def summarize(runs: list[CrawlRun]) -> dict[str, Any]:
    """Median pages/s and peak RSS per system, and the ratio (b)/(a) of the medians."""
    summary: dict[str, Any] = {}
    for system in SYSTEMS:
        mine = [r for r in runs if r.system == system]
        if not mine:
            continue
        summary[system] = {
            "runs": len(mine),
            "median_pages_per_s": round(statistics.median(r.pages_per_s for r in mine), 2),
            "median_pages": statistics.median(r.pages for r in mine),
            "median_items": statistics.median(r.items for r in mine),
            "median_wall_s": round(statistics.median(r.wall_s for r in mine), 2),
            "median_peak_rss_mb": statistics.median(r.peak_rss_mb for r in mine),
            "max_peak_rss_mb": max(r.peak_rss_mb for r in mine),
            "median_cpu_ms_per_page": round(
                statistics.median(1000 * r.cpu_s / r.pages for r in mine), 2
            ),
            "median_cpu_share": round(statistics.median(r.cpu_s / r.wall_s for r in mine), 2),
            "median_server_cpu_share": round(
                statistics.median(r.server_cpu_s / r.wall_s for r in mine), 2
            ),
        }
    if "bare" in summary and "news" in summary:
        bare, news = (summary[s]["median_pages_per_s"] for s in ("bare", "news"))
        summary["ratio"] = round(news / bare, 3) if bare else math.nan
        # What the ratio would be if both were CPU-bound on one core: less sensitive to the
        # machine's other load than wall-clock rates.
        bare_cpu, news_cpu = (summary[s]["median_cpu_ms_per_page"] for s in ("bare", "news"))
        summary["cpu_ratio"] = round(bare_cpu / news_cpu, 3) if news_cpu else math.nan
    return summary


def profile_crawl(portal: Portal, work: Path, extra: list[str], top: int) -> dict[str, Any]:
    """One (b) crawl under cProfile (slower, not timed): its top costs."""
    work.mkdir(parents=True)
    out = work / "crawl.prof"
    cmd = crawl_command("news", portal.start_urls, work, extra)
    cmd[1:1] = ["-m", "cProfile", "-o", str(out)]
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return read_profile(out, top)


def read_profile(path: Path, top: int) -> dict[str, Any]:
    """Top costs of a cProfile file: functions by own time, and ours by cumulative time.

    Own time alone scatters a crawl's cost over thousands of small functions; the
    cumulative time of the project's own functions shows which stage it belongs to.
    """
    profile = pstats.Stats(str(path))
    total = profile.total_tt  # type: ignore[attr-defined]
    rows = profile.stats.items()  # type: ignore[attr-defined]
    by_own = sorted(rows, key=lambda kv: kv[1][2], reverse=True)[:top]
    ours = [kv for kv in rows if "/newsspider/" in kv[0][0]]
    by_cumulative = sorted(ours, key=lambda kv: kv[1][3], reverse=True)[: 2 * top]
    return {
        "total_s": round(total, 2),
        "file": str(path),
        "top": [cost_row(key, value, total) for key, value in by_own],
        "ours_cumulative": [cost_row(key, value, total) for key, value in by_cumulative],
    }


# -- report --------------------------------------------------------------------------------


def report(runs: list[CrawlRun], summary: dict[str, Any]) -> str:
    """The table this run prints: pages/s per run, medians, peak RSS, ratio."""
    count = max((r.run for r in runs), default=0)
    head = " ".join(f"{'run ' + str(i):>8}" for i in range(1, count + 1))
    lines = [f"{'system':24} {head} | {'median':>8} {'pages':>6} {'items':>6} {'RSS MB':>7}"]
    for system, label in SYSTEMS.items():
        if system not in summary:
            continue
        mine = {r.run: r for r in runs if r.system == system}
        cells = " ".join(
            f"{mine[i].pages_per_s:8.1f}" if i in mine else f"{'-':>8}" for i in range(1, count + 1)
        )
        row = summary[system]
        lines.append(
            f"{label:24} {cells} | {row['median_pages_per_s']:8.1f} {row['median_pages']:6.0f} "
            f"{row['median_items']:6.0f} {row['max_peak_rss_mb']:7.0f}"
        )
    if "ratio" in summary:
        lines.append(f"ratio (b)/(a) of median pages/s: {summary['ratio']:.3f} (target >= 0.8)")
    if "cpu_ratio" in summary:
        cpu = " vs ".join(
            f"{summary[s]['median_cpu_ms_per_page']:.1f}" for s in SYSTEMS if s in summary
        )
        lines.append(
            f"crawl CPU ms/page (a) vs (b): {cpu}; "
            f"ratio if CPU-bound, (a)/(b): {summary['cpu_ratio']:.3f}"
        )
    shares = ", ".join(
        f"{s} crawl {row['median_cpu_share']:.0%} server {row['median_server_cpu_share']:.0%}"
        for s, row in summary.items()
        if s in SYSTEMS
    )
    lines.append(f"CPU use per wall second: {shares}; {os.cpu_count()} CPUs")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--articles", type=int, default=10_000, help="articles in the portal")
    ap.add_argument("--runs", type=int, default=3, help="runs of each system, alternating")
    ap.add_argument("--profile", action="store_true", help="add one crawl under cProfile")
    ap.add_argument("--top", type=int, default=5, help="profile rows to report")
    ap.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a Scrapy setting for both systems (after the defaults)")  # fmt: skip
    ap.add_argument("--keep", type=Path, help="keep logs and state in this new folder")
    ap.add_argument("--json-out", type=Path, default=DEFAULT_JSON_OUT, help="where to write")
    return ap.parse_args(argv)


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Serve the portal and run the crawls, alternating; the runs and what went wrong."""
    per_site = math.ceil(args.articles / SITES)
    runs: list[CrawlRun] = []
    problems: list[str] = []
    profile = None
    with Portal(per_site, work / "server.log") as portal:
        print(f"portal: {SITES} x {per_site} articles at {portal.start_urls}", file=sys.stderr)
        for run in range(1, args.runs + 1):
            for system in SYSTEMS:
                result = run_crawl(system, run, portal, work / f"{system}-{run}", args.set)
                print(f"{system} run {run}: {result.to_dict()}", file=sys.stderr)
                problem = check(result, per_site * SITES)
                if problem:
                    problems.append(f"{system} run {run}: {problem} (see {work})")
                else:
                    runs.append(result)
        if args.profile:
            profile = profile_crawl(portal, work / "profile", args.set, args.top)
    return {"articles": per_site * SITES, "runs": runs, "problems": problems, "profile": profile}


def print_profile(profile: dict[str, Any]) -> None:
    """The profiled crawl's top costs, one a line."""
    print(f"\nprofile of one (b) crawl, {profile['total_s']} s; top costs by own time:")
    for row in profile["top"]:
        share = f"{row['own_share']:.1%}"
        print(f"  {row['own_s']:7.2f} s {share:>6} {row['calls']:>9} calls  {row['function']}")
    print("our functions by cumulative time:")
    for row in profile["ours_cumulative"]:
        share = f"{row['cumulative_share']:.1%}"
        print(
            f"  {row['cumulative_s']:7.2f} s {share:>6} {row['calls']:>9} calls  {row['function']}"
        )


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, write the JSON result."""
    args = parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="throughput_"))
    work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    measured = measure(args, work)
    runs, problems, profile = measured["runs"], measured["problems"], measured["profile"]
    summary = summarize(runs)
    print(report(runs, summary))
    if profile:
        print_profile(profile)
    for problem in problems:
        print("NOT COUNTED:", problem)
    result = {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "python": platform.python_version(),
        "scrapy": scrapy.__version__,
        "articles": measured["articles"],
        "settings": {**SETTINGS, **dict(kv.split("=", 1) for kv in args.set)},
        "summary": summary,
        "runs": [r.to_dict() for r in runs],
        "not_counted": problems,
        "profile": profile,
    }
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"written: {args.json_out}", file=sys.stderr)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if problems or "ratio" not in summary else 0


if __name__ == "__main__":
    sys.exit(main())
