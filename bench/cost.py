"""Cleaning cost per page: our whole per-page work against trafilatura and readability.

    python bench/cost.py [--dataset a,b] [--max-sites N] [--profile] [--json-out PATH]

On the pages of ../shared/corpus (the sites bench/extraction.py selects), in this one process,
site by site, each system over the same pages held in memory:

* ours, stage by stage, as the pipelines run them: ``parse`` (HTML to blocks), ``template``
  (one SiteModel per site observes every page, then cleans each: blocks, template, region),
  ``metadata`` (MetadataExtractor with the site's profile), ``dedup`` (one DedupIndex for the
  run: check, then add). Metadata and dedup are timed when their modules import.
* trafilatura default (``trafilatura.extract``) and readability-lxml (``Document.summary``
  turned to text), as bench/extraction.py runs them.

Prints ms/page of each and ours/trafilatura, ours/readability. ``--profile`` profiles our
stages once more under cProfile (not timed) and prints the top costs by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import os
import platform
import pstats
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import trafilatura
from extraction import CORPUS, quiet_logging, readability_text, select_sites, trafilatura_default
from profiling import cost_row

from newsspider.core.blocks import Page, PageParser
from newsspider.core.template import SiteModel, TemplateConfig

try:
    from newsspider.core.metadata import MetadataExtractor
    from newsspider.core.profile import SiteProfile
except ImportError as exc:  # another engineer's module, maybe not there yet
    MetadataExtractor = None  # type: ignore[assignment,misc]
    METADATA_MISSING = str(exc)
else:
    METADATA_MISSING = ""
try:
    from newsspider.core.dedup import DedupIndex
except ImportError as exc:
    DedupIndex = None  # type: ignore[assignment,misc]
    DEDUP_MISSING = str(exc)
else:
    DEDUP_MISSING = ""

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON_OUT = ROOT / "bench" / "results" / "cost.json"
STAGES = ("parse", "template", "metadata", "dedup")
ANCHORS: dict[str, Callable[[str | bytes], str]] = {
    "trafilatura": trafilatura_default,
    "readability": readability_text,
}


@dataclass(frozen=True)
class SourcePage:
    """A corpus page as the crawl would have it: bytes, declared charset, URL."""

    html: bytes
    encoding: str | None
    url: str

    def markup(self) -> str | bytes:
        """The anchors' input: text when the charset is known, else the bytes to sniff."""
        return self.html.decode(self.encoding, errors="replace") if self.encoding else self.html


@dataclass
class Clocks:
    """Seconds per system or stage, and pages done."""

    seconds: dict[str, float] = field(default_factory=dict)
    pages: int = 0

    def add(self, name: str, seconds: float) -> None:
        """Add `seconds` to `name`."""
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def ms_per_page(self) -> dict[str, float]:
        """Milliseconds per page of each system or stage."""
        return (
            {name: 1000 * s / self.pages for name, s in self.seconds.items()} if self.pages else {}
        )


class OurWork:
    """Our per-page work on one run's sites: parse, template, metadata, dedup, each timed."""

    def __init__(self, clocks: Clocks) -> None:
        self.clocks = clocks
        self.metadata = MetadataExtractor() if MetadataExtractor is not None else None
        self.dedup = DedupIndex() if DedupIndex is not None else None
        self.parser = PageParser()  # one for the run, as the spider has

    def site(self, pages: list[SourcePage]) -> list[str]:
        """Every page of one site through every stage; the article texts."""
        parsed: list[Page] = self._timed(
            "parse", lambda: [self.parser.parse(p.html, p.encoding) for p in pages]
        )
        texts: list[str] = self._timed("template", lambda: clean_site(parsed, pages))
        published: list[str | None] = [None] * len(pages)
        if self.metadata is not None:
            found = self._timed("metadata", lambda: self._metadata(parsed, pages, texts))
            texts, published = [text for text, _ in found], [date for _, date in found]
        if self.dedup is not None:
            self._timed("dedup", lambda: self._dedup(pages, texts, published))
        return texts

    def _timed(self, stage: str, work: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = work()
        self.clocks.add(stage, time.perf_counter() - started)
        return result

    def _metadata(
        self, parsed: list[Page], pages: list[SourcePage], texts: list[str]
    ) -> list[tuple[str, str | None]]:
        """(text without dateline, published) per page, the site's profile learning."""
        assert self.metadata is not None
        profile = SiteProfile()
        found = []
        for page, source, text in zip(parsed, pages, texts, strict=True):
            meta = self.metadata.extract(page, source.url, text, profile)
            found.append((text if meta.text is None else meta.text, meta.published))
        return found

    def _dedup(
        self, pages: list[SourcePage], texts: list[str], published: list[str | None]
    ) -> None:
        assert self.dedup is not None
        for source, text, date in zip(pages, texts, published, strict=True):
            self.dedup.add(source.url, self.dedup.check(source.url, text, date))


def clean_site(parsed: list[Page], pages: list[SourcePage]) -> list[str]:
    """One SiteModel observes every page of the site, then cleans each (as extraction.py)."""
    model = SiteModel(TemplateConfig())
    observed = [model.observe(page, source.url) for page, source in zip(parsed, pages, strict=True)]
    model.finalize()
    return [
        model.clean(obs, obs.page.meta.get("og:title") or obs.page.title).text for obs in observed
    ]


def load_sites(max_sites: int, datasets: set[str]) -> dict[str, list[SourcePage]]:
    """The selected sites' pages, read into memory before anything is timed."""
    return {
        key: [
            SourcePage((CORPUS / e["html_path"]).read_bytes(), e.get("encoding"), e["url"])
            for e in entries
        ]
        for key, entries in select_sites(CORPUS, datasets, max_sites).items()
    }


def measure(sites: dict[str, list[SourcePage]], log: logging.Logger) -> Clocks:
    """Time ours (by stage) and each anchor over every site, site by site.

    The first site is run once untimed first: one-time loading (dateparser's locales, the
    language model, trafilatura's own first-call setup) is not a per-page cost.
    """
    warm = next(iter(sites.values()), [])
    OurWork(Clocks()).site(warm)
    for extract in ANCHORS.values():
        for page in warm:
            extract(page.markup())
    clocks = Clocks()
    ours = OurWork(clocks)
    for done, pages in enumerate(sites.values(), start=1):
        ours.site(pages)
        inputs = [page.markup() for page in pages]
        for name, extract in ANCHORS.items():
            started = time.perf_counter()
            for markup in inputs:
                extract(markup)
            clocks.add(name, time.perf_counter() - started)
        clocks.pages += len(pages)
        if done % 20 == 0:
            log.info("%d/%d sites, %d pages", done, len(sites), clocks.pages)
    return clocks


def profile_ours(sites: dict[str, list[SourcePage]], top: int) -> dict[str, Any]:
    """Our stages once more under cProfile: the top costs by own time."""
    profiler = cProfile.Profile()
    ours = OurWork(Clocks())
    profiler.enable()
    for pages in sites.values():
        ours.site(pages)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)  # type: ignore[attr-defined]
    return {
        "total_s": round(total, 2),
        "top": [cost_row(key, value, total) for key, value in rows[:top]],
    }


# -- report --------------------------------------------------------------------------------


def summarize(clocks: Clocks) -> dict[str, Any]:
    """ms/page of each stage and system, ours in all, and ours over each anchor."""
    ms = clocks.ms_per_page()
    ours = sum(ms.get(stage, 0.0) for stage in STAGES)
    summary: dict[str, Any] = {
        "pages": clocks.pages,
        "ms_per_page": {name: round(value, 3) for name, value in ms.items()},
        "ours_ms_per_page": round(ours, 3),
        "stages_timed": [stage for stage in STAGES if stage in ms],
        "not_timed": {
            name: why
            for name, why in (("metadata", METADATA_MISSING), ("dedup", DEDUP_MISSING))
            if why
        },
    }
    for name in ANCHORS:
        if ms.get(name):
            summary[f"ours_over_{name}"] = round(ours / ms[name], 3)
    return summary


def report(summary: dict[str, Any]) -> str:
    """The lines this run prints."""
    ms = summary["ms_per_page"]
    stages = " + ".join(f"{stage} {ms[stage]:.2f}" for stage in summary["stages_timed"])
    lines = [
        f"pages: {summary['pages']} (one process, {os.cpu_count()} CPUs)",
        f"ours ms/page: {summary['ours_ms_per_page']:.2f} = {stages}",
    ]
    for name in ANCHORS:
        if name in ms:
            ratio = summary.get(f"ours_over_{name}", float("nan"))
            lines.append(f"{name} ms/page: {ms[name]:.2f}; ours/{name} = {ratio:.3f}")
    lines.append("target: ours/trafilatura <= 0.333")
    for name, why in summary["not_timed"].items():
        lines.append(f"{name} NOT TIMED: {why}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--dataset", default="", help="comma-separated datasets (default: all)")
    ap.add_argument("--max-sites", type=int, default=0, help="at most N sites per dataset")
    ap.add_argument("--profile", action="store_true", help="profile our stages once more")
    ap.add_argument("--top", type=int, default=5, help="profile rows to report")
    ap.add_argument("--json-out", type=Path, default=DEFAULT_JSON_OUT, help="where to write")
    ap.add_argument("-v", "--verbose", action="store_true", help="log progress")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Time everything, print, write the JSON result."""
    args = parse_args(argv)
    quiet_logging(args.verbose)
    log = logging.getLogger("bench.cost")
    sites = load_sites(args.max_sites, {d for d in args.dataset.split(",") if d})
    load_before = os.getloadavg()
    summary = summarize(measure(sites, log))
    print(report(summary))
    profile = profile_ours(sites, args.top) if args.profile else None
    if profile:
        print(f"\nprofile of our stages, {profile['total_s']} s, top costs by own time:")
        for row in profile["top"]:
            share = f"{row['own_share']:.1%}"
            print(f"  {row['own_s']:7.2f} s {share:>6} {row['calls']:>9} calls  {row['function']}")
    result = {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "python": platform.python_version(),
        "versions": {
            "trafilatura": trafilatura.__version__,
            "readability-lxml": importlib_metadata.version("readability-lxml"),
        },
        "args": {"dataset": args.dataset, "max_sites": args.max_sites},
        "sites": len(sites),
        **summary,
        "profile": profile,
    }
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"written: {args.json_out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
