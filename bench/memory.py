"""Memory growth: one site's template model and dedup index over 1k, 10k and 100k pages.

    python bench/memory.py [--sizes 1000,10000,100000] [--site levantledger] [--json-out PATH]

Article pages of one demo site (its layout, its newsroom's prose) are rendered in memory and
fed, in one stream, through what the pipelines do per page: ``parse_page``, then
``SiteModel.observe`` (page URL as identity) and ``clean`` once the model is warm (pages
held during warm-up are cleaned then), then ``DedupIndex.check`` + ``add`` on the cleaned text
when newsspider.core.dedup imports. The demo generator slows down past a few thousand
articles per site, so the stream is made of catalogs of ``--batch`` articles, each written
with its own random stream and article numbers: one site whose articles never repeat, its
template (menus, most-read, related lists) moving from one catalog to the next.

After each size: the process's RSS (now and peak), the serialized state of the model and the
index (``len(json.dumps(to_dict()))``) and the memory each holds when rebuilt from that state
(tracemalloc). The 100k run takes minutes; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsspider.core.blocks import Page, parse_page
from newsspider.core.template import Observation, SiteModel, TemplateConfig
from newsspider.demo.generator import FIRST_DAY, LAST_DAY, site_specs
from newsspider.demo.newsroom import Newsroom
from newsspider.demo.site import DemoSite

try:
    from newsspider.core.dedup import DedupConfig, DedupIndex
except ImportError as exc:  # another engineer's module, maybe not there yet
    DedupIndex = None  # type: ignore[assignment,misc]
    DEDUP_MISSING = str(exc)
else:
    DEDUP_MISSING = ""

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON_OUT = ROOT / "bench" / "results" / "memory.json"
BASE_URL = "http://127.0.0.1:8001"
NUMBER_STRIDE = 100_000  # article numbers of one catalog never reach the next's
MB = 1024 * 1024
TARGET_STATE_MB = 50  # template model + dedup index of a 100k-page site
TARGET_GROWTH_MB = 100  # RSS growth from 10k to 100k pages
PROGRESS_EVERY = 5000


@dataclass(frozen=True)
class SourcePage:
    """One rendered article page."""

    url: str
    body: bytes
    encoding: str
    published: str


def article_pages(site_key: str, batch: int, seed: int) -> Iterator[SourcePage]:
    """Endless article pages of one demo site, `batch` articles per catalog."""
    spec = next(s for s in site_specs() if s.key == site_key)
    for number in range(sys.maxsize):
        articles = Newsroom(seed).write(
            spec,
            batch,
            start=FIRST_DAY,
            end=LAST_DAY,
            first_number=spec.first_id + number * NUMBER_STRIDE,
            label=f"memory-{number}",
        )
        site = DemoSite(spec, articles, seed=seed + number)
        for article in site.articles:
            path = site.article_path(article)
            response = site.render(path, BASE_URL)
            yield SourcePage(
                BASE_URL + path,
                response.body,
                site.layout.encoding,
                article.published.isoformat(),
            )


def dedup_config(near_window: int) -> Any:
    """The default DedupConfig, with `near_window` signatures kept when it is not 0."""
    config = DedupConfig()
    if near_window:
        config = replace(config, near=replace(config.near, max_size=near_window))
    return config


class SiteStream:
    """One site's per-page work, as the pipelines do it: template, then dedup."""

    def __init__(self, dedup: bool, near_window: int = 0) -> None:
        self.model = SiteModel(TemplateConfig())
        self.index = None
        if dedup and DedupIndex is not None:
            self.index = DedupIndex(dedup_config(near_window))
        self.held: list[tuple[SourcePage, Observation]] = []
        self.pages = 0
        self.verdicts: dict[str, int] = {}

    def feed(self, source: SourcePage) -> None:
        """Observe one page; clean (and deduplicate) it and any held page that is ready."""
        page: Page = parse_page(source.body, source.encoding)
        obs = self.model.observe(page, source.url)
        self.pages += 1
        self.held.append((source, obs))
        if self.model.ready(obs):
            ready = [(s, o) for s, o in self.held if self.model.ready(o)]
            self.held = [(s, o) for s, o in self.held if not self.model.ready(o)]
            for waiting, observed in ready:
                self._clean(waiting, observed)

    def _clean(self, source: SourcePage, obs: Observation) -> None:
        text = self.model.clean(obs, obs.page.meta.get("og:title") or obs.page.title).text
        if self.index is not None:
            verdict = self.index.check(source.url, text, source.published)
            self.index.add(source.url, verdict)
            self.verdicts[verdict.kind] = self.verdicts.get(verdict.kind, 0) + 1


# -- measuring -----------------------------------------------------------------------------


def rss_mb() -> float:
    """Resident set size of this process now, in MB."""
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / MB


def peak_rss_mb() -> float:
    """The most this process has held resident so far, in MB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def held_mb(rebuild: Any, state: dict[str, Any]) -> float:
    """Memory (MB) held by the object `rebuild(state)` returns, traced while it is built."""
    gc.collect()
    tracemalloc.start()
    rebuilt = rebuild(state)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del rebuilt
    return held / MB


def checkpoint(stream: SiteStream, seconds: float) -> dict[str, Any]:
    """RSS first (nothing extra allocated yet), then state sizes and rebuilt memory."""
    gc.collect()
    row: dict[str, Any] = {
        "pages": stream.pages,
        "seconds": round(seconds, 1),
        "rss_mb": round(rss_mb(), 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    template = stream.model.to_dict()
    row["template_state_mb"] = round(len(json.dumps(template)) / MB, 2)
    row["template_entries"] = sum(
        len(cluster[name]["entries"]) for cluster in template["clusters"]
        for name in ("texts", "places", "regions", "shape", "item_places")
    ) + sum(len(cluster["seen"]) for cluster in template["clusters"])  # fmt: skip
    row["template_clusters"] = len(template["clusters"])
    row["template_memory_mb"] = round(held_mb(SiteModel.from_dict, template), 2)
    del template
    if stream.index is not None:
        index = stream.index.to_dict()
        row["dedup_state_mb"] = round(len(json.dumps(index)) / MB, 2)
        row["dedup_articles"] = len(stream.index)
        row["dedup_near_indexed"] = len(stream.index.near)
        config = stream.index.config
        row["dedup_memory_mb"] = round(
            held_mb(lambda state: DedupIndex.from_dict(state, config), index), 2
        )
        row["verdicts"] = dict(stream.verdicts)
        del index
    row["state_mb"] = round(row["template_state_mb"] + row.get("dedup_state_mb", 0.0), 2)
    row["memory_mb"] = round(row["template_memory_mb"] + row.get("dedup_memory_mb", 0.0), 2)
    return row


def run(args: argparse.Namespace, sizes: list[int]) -> list[dict[str, Any]]:
    """Feed pages until each size in turn, measuring at each; progress on stderr."""
    stream = SiteStream(not args.no_dedup, args.near_window)
    rows = [{"pages": 0, "rss_mb": round(rss_mb(), 1), "peak_rss_mb": round(peak_rss_mb(), 1)}]
    pages = article_pages(args.site, args.batch, args.seed)
    started = time.perf_counter()
    for size in sorted(sizes):
        while stream.pages < size:
            stream.feed(next(pages))
            if stream.pages % PROGRESS_EVERY == 0:
                rate = stream.pages / (time.perf_counter() - started)
                print(f"{stream.pages} pages, {rate:.0f} pages/s, RSS {rss_mb():.0f} MB",
                      file=sys.stderr)  # fmt: skip
        rows.append(checkpoint(stream, time.perf_counter() - started))
        print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


# -- report --------------------------------------------------------------------------------


def verdicts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The issue's two targets, checked on the rows at 10k and 100k pages when measured."""
    by_pages = {row["pages"]: row for row in rows}
    found: dict[str, Any] = {}
    if 100_000 in by_pages:
        big = by_pages[100_000]
        found["state_mb_100k"] = big["state_mb"]
        found["memory_mb_100k"] = big["memory_mb"]
        found["under_50mb"] = (
            big["state_mb"] < TARGET_STATE_MB and big["memory_mb"] < TARGET_STATE_MB
        )
        if 10_000 in by_pages:
            growth = big["rss_mb"] - by_pages[10_000]["rss_mb"]
            found["rss_growth_10k_100k_mb"] = round(growth, 1)
            found["growth_under_100mb"] = growth < TARGET_GROWTH_MB
    return found


def report(rows: list[dict[str, Any]], found: dict[str, Any]) -> str:
    """The table this run prints."""
    lines = [
        f"{'pages':>7} {'secs':>6} {'RSS':>7} {'peak':>7} | {'template':>17} | {'dedup':>17} | "
        f"{'both':>15}",
        f"{'':>7} {'':>6} {'MB':>7} {'MB':>7} | {'state MB':>8} {'mem MB':>8} | "
        f"{'state MB':>8} {'mem MB':>8} | {'state':>7} {'mem':>7}",
    ]
    for row in rows[1:]:
        lines.append(
            f"{row['pages']:7d} {row['seconds']:6.0f} {row['rss_mb']:7.1f} "
            f"{row['peak_rss_mb']:7.1f} | "
            f"{row['template_state_mb']:8.2f} {row['template_memory_mb']:8.2f} | "
            f"{row.get('dedup_state_mb', 0):8.2f} {row.get('dedup_memory_mb', 0):8.2f} | "
            f"{row['state_mb']:7.2f} {row['memory_mb']:7.2f}"
        )
    lines.append(f"RSS before the first page: {rows[0]['rss_mb']} MB")
    if "under_50mb" in found:
        lines.append(
            f"100k pages: template + dedup state {found['state_mb_100k']} MB, in memory "
            f"{found['memory_mb_100k']} MB (target < {TARGET_STATE_MB}): "
            f"{'met' if found['under_50mb'] else 'NOT MET'}"
        )
    if "growth_under_100mb" in found:
        lines.append(
            f"RSS growth 10k -> 100k pages: {found['rss_growth_10k_100k_mb']} MB "
            f"(target < {TARGET_GROWTH_MB}): {'met' if found['growth_under_100mb'] else 'NOT MET'}"
        )
    if DEDUP_MISSING:
        lines.append(f"dedup NOT MEASURED: {DEDUP_MISSING}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="1000,10000,100000", help="pages at which to measure")
    ap.add_argument("--site", default="levantledger", choices=[s.key for s in site_specs()])
    ap.add_argument("--batch", type=int, default=2000, help="articles per demo catalog")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-dedup", action="store_true", help="template model only")
    ap.add_argument(
        "--near-window", type=int, default=0, help="DedupConfig.max_near (0: its default)"
    )
    ap.add_argument("--json-out", type=Path, default=DEFAULT_JSON_OUT, help="where to write")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, write the JSON result."""
    args = parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size]
    rows = run(args, sizes)
    found = verdicts(rows)
    print(report(rows, found))
    result = {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "args": {
            "site": args.site,
            "batch": args.batch,
            "seed": args.seed,
            "dedup": not args.no_dedup and DedupIndex is not None,
        },  # fmt: skip
        "dedup_config": asdict(dedup_config(args.near_window)) if DedupIndex is not None else None,
        "rows": rows,
        "targets": found,
    }
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"written: {args.json_out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
