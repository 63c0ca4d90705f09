"""Extensions for scheduled crawls: a progress line a minute and a report per run."""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.logstats import LogStats

logger = logging.getLogger(__name__)

_ERROR_PREFIXES = ("downloader/exception_type_count/", "spider_exceptions/", "newsspider/errors/")
_FAULT_PREFIX = "newsspider/faults/"


def template_states(crawler: Crawler) -> dict[str, dict[str, Any]]:
    """Per site: "warming" or "learned", and pages learned from (empty without templates)."""
    engine = crawler.engine
    manager = getattr(getattr(engine, "scraper", None), "itemproc", None)
    for component in getattr(manager, "middlewares", ()):
        site_states = getattr(component, "site_states", None)
        if callable(site_states):
            return dict(site_states())
    return {}


class ProgressLog(LogStats):
    """Scrapy's LogStats line, extended: articles, duplicates and template state of sites.

    Replaces ``scrapy.extensions.logstats.LogStats`` (same LOGSTATS_INTERVAL setting).
    """

    def __init__(self, crawler: Crawler, interval: float) -> None:
        super().__init__(crawler.stats, interval)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLog:
        interval = crawler.settings.getfloat("LOGSTATS_INTERVAL")
        if not interval:
            raise NotConfigured("LOGSTATS_INTERVAL is 0")
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def log(self, spider: Spider) -> None:
        self.calculate_stats()
        states = Counter(s["state"] for s in template_states(self.crawler).values())
        duplicates = sum(
            v for k, v in self.stats.get_stats().items() if k.startswith("dedup/dropped/")
        )
        logger.info(
            "Crawled %d pages (at %d pages/min), %d articles (at %d/min), %d duplicates; "
            "templates: %d site(s) learned, %d warming",
            self.pages, self.prate, self.items, self.irate, duplicates,
            states["learned"], states["warming"],
            extra={"spider": spider},
        )  # fmt: skip


class RunReport:
    """At the end of every run, one JSON report next to the feed and one summary log line.

    The report goes beside the first local feed file (``<feed>.report.json``), else to
    NEWSSPIDER_OUTPUT_DIR/report-<timestamp>.json.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunReport:
        if not crawler.settings.getbool("NEWSSPIDER_RUN_REPORT"):
            raise NotConfigured("NEWSSPIDER_RUN_REPORT is off")
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        report = self.report(reason)
        path = self._path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            logger.error("could not write the run report %s: %s", path, exc)
            return
        articles = report["articles"]
        logger.info(
            "Run %s in %.0f s: %d pages (and %d not modified), %d articles (%d new, %d "
            "updated), %d duplicates, %d errors; report %s",
            reason, report["duration_seconds"] or 0, report["pages_fetched"],
            report["incremental"].get("not_modified", 0),
            articles["written"], articles["new"], articles["updated"],
            sum(report["duplicates"].values()), sum(report["errors"].values()), path,
        )  # fmt: skip

    def report(self, reason: str) -> dict[str, Any]:
        """The run's figures, from Scrapy's stats and the template pipeline."""
        stats = self.crawler.stats.get_stats()
        start, finish = stats.get("start_time"), stats.get("finish_time") or datetime.now(UTC)
        errors = {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith(_ERROR_PREFIXES)}
        errors.update(
            {k[len(_FAULT_PREFIX) :]: v for k, v in stats.items() if k.startswith(_FAULT_PREFIX)}
        )
        return {
            "finish_reason": reason,
            "started": start.isoformat() if start else None,
            "finished": finish.isoformat(),
            "duration_seconds": (finish - start).total_seconds() if start else None,
            "pages_fetched": stats.get("response_received_count", 0),
            # Incremental reruns: 304 answers (requests made, not counted as pages above)
            # and links not fetched because nothing said they changed.
            "incremental": {
                k.split("/", 1)[1]: v
                for k, v in stats.items()
                if k.startswith("incremental/") and not k.startswith("incremental/links/")
            },
            "articles": {
                "written": stats.get("item_scraped_count", 0),
                "new": stats.get("dedup/new", stats.get("dedup/unique", 0)),
                "updated": stats.get("dedup/update", 0),
                "unchanged": stats.get("dedup/dropped/unchanged", 0),
            },
            "duplicates": {
                k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("dedup/dropped/")
            },
            "errors": errors,
            "templates": template_states(self.crawler),
        }

    def _path(self) -> Path:
        for uri in self.crawler.settings.getdict("FEEDS"):
            text = str(uri)
            if "://" not in text or text.startswith("file://"):
                return Path(text.removeprefix("file://") + ".report.json")
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
        return Path(self.crawler.settings.get("NEWSSPIDER_OUTPUT_DIR")) / f"report-{stamp}.json"
