"""Build the demo portal from a seed: three news sites, their articles and their gold data.

>>> portal = generate(DemoConfig(seed=7, articles_per_site=20))
>>> [site.key for site in portal.sites]
['almaghrib', 'arabstoday', 'levantledger']
>>> portal.render("almaghrib", "/robots.txt", "http://127.0.0.1:8001").status
200
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta, timezone
from types import MappingProxyType
from typing import Any

from newsspider.demo.gold import duplicate_records, gold_records
from newsspider.demo.model import (
    Article,
    DeskPolicy,
    Section,
    SiteSpec,
    day_start,
    derived_rng,
)
from newsspider.demo.newsroom import Newsroom
from newsspider.demo.site import DemoSite, Response

logger = logging.getLogger(__name__)

WIRE_COPIES = 6
DAY2_NEW = MappingProxyType({"almaghrib": 4, "arabstoday": 3, "levantledger": 3})
FIRST_DAY = day_start(2017, 1, 1)
LAST_DAY = day_start(2018, 12, 29)
DAY2_START = day_start(2018, 12, 30)
DAY2_END = day_start(2019, 1, 1)
EDIT_TIME = day_start(2019, 1, 1) + timedelta(hours=9)


@dataclass(frozen=True)
class DemoConfig:
    """What the portal is built from.

    seed: every article, page and list derives from it. articles_per_site: articles each site
    publishes on day 1 (the third site's count includes its wire copies). day: 1, or 2 for the
    next day's state (10 new articles across sites, 3 articles edited). faults: mix in pages
    that fail (500 once, 503 once, empty, binary, redirect loop).
    """

    seed: int = 7
    articles_per_site: int = 110
    day: int = 1
    faults: bool = False


def site_specs() -> tuple[SiteSpec, ...]:
    """The three sites of the portal, in serving order."""
    return (
        SiteSpec(
            key="almaghrib",
            name="Al Maghrib Today",
            language="en",
            layout="maghrib",
            sections=(
                Section("politics", "politics", "Politics"),
                Section("economy", "economy", "Economy"),
                Section("sports", "sports", "Sports"),
                Section("technology", "technology", "Technology"),
                Section("culture", "culture", "Culture"),
            ),
            first_id=20113,
            desk=DeskPolicy(sentences=(1, 2), agency_rate=0.65),
            feed="rss",
        ),
        SiteSpec(
            key="arabstoday",
            name="العرب اليوم",
            language="ar",
            layout="arabs",
            sections=(
                Section("politics", "politics", "سياسة"),
                Section("economy", "economy", "اقتصاد"),
                Section("sports", "sports", "رياضة"),
                Section("technology", "technology", "تكنولوجيا"),
                Section("culture", "culture", "ثقافة وفنون"),
            ),
            first_id=40217,
            tz=timezone(timedelta(hours=2)),
            desk=DeskPolicy(
                sentences=(2, 3), agency_rate=0.5, byline_rate=0.4, tags=True, modified_rate=0.15
            ),
        ),
        SiteSpec(
            key="levantledger",
            name="The Levant Ledger",
            language="en",
            layout="ledger",
            sections=(
                Section("politics", "world", "World"),
                Section("economy", "business", "Business"),
                Section("sports", "sport", "Sport"),
                Section("technology", "tech", "Tech"),
                Section("culture", "culture", "Culture"),
            ),
            first_id=4051,
            desk=DeskPolicy(
                sentences=(1, 3),
                agency_rate=0.3,
                byline_rate=0.85,
                co_author_rate=0.15,
                tags=True,
                comments=True,
                modified_rate=0.25,
                second_image_rate=0.2,
            ),
            feed="atom",
            sitemap_index=True,
        ),
    )


class DemoPortal:
    """The generated portal: its sites, page rendering, and the gold data for a crawl."""

    def __init__(self, config: DemoConfig, sites: tuple[DemoSite, ...]) -> None:
        self.config = config
        self.sites = sites

    def site(self, key: str) -> DemoSite:
        """The site called `key`."""
        for site in self.sites:
            if site.key == key:
                return site
        raise KeyError(key)

    def render(self, site_key: str, target: str, base_url: str, attempt: int = 1) -> Response:
        """Render `target` (path and query) of one site served at `base_url` (no trailing /)."""
        return self.site(site_key).render(target, base_url, attempt)

    def gold(self, base_urls: Mapping[str, str]) -> list[dict[str, Any]]:
        """The unique articles as a perfect extractor outputs them; base URL per site key."""
        return gold_records(self.sites, base_urls)

    def duplicates(self, base_urls: Mapping[str, str]) -> list[dict[str, Any]]:
        """Linked URLs that duplicate a gold article: {url, duplicate_of, kind}."""
        return duplicate_records(self.sites, base_urls)

    def base_urls(self, host: str = "127.0.0.1", first_port: int = 8001) -> dict[str, str]:
        """Base URLs when the sites are served on consecutive ports from `first_port`."""
        return {site.key: f"http://{host}:{first_port + i}" for i, site in enumerate(self.sites)}


def generate(config: DemoConfig | None = None) -> DemoPortal:
    """Build the portal described by `config` (the default config when None)."""
    config = config or DemoConfig()
    specs = site_specs()
    newsroom = Newsroom(config.seed)
    articles: dict[str, list[Article]] = {}
    for spec in specs:
        count = config.articles_per_site
        if spec.layout == "ledger":
            count -= min(WIRE_COPIES, count // 2)
        articles[spec.key] = newsroom.write(
            spec, count, start=FIRST_DAY, end=LAST_DAY, first_number=spec.first_id, label="day1"
        )
    ledger = specs[2]
    copies = newsroom.wire_copies(
        articles[specs[0].key],
        ledger,
        min(WIRE_COPIES, config.articles_per_site // 2),
        _next_number(articles[ledger.key]),
    )
    articles[ledger.key] += copies
    if config.day >= 2:
        _second_day(config.seed, newsroom, specs, articles)
    sites = tuple(
        DemoSite(spec, articles[spec.key], seed=config.seed, faults=config.faults) for spec in specs
    )
    logger.debug("demo portal: %s", {s.key: len(s.articles) for s in sites})
    return DemoPortal(config, sites)


def _next_number(articles: list[Article]) -> int:
    return max(a.number for a in articles) + 11


def _second_day(
    seed: int, newsroom: Newsroom, specs: tuple[SiteSpec, ...], articles: dict[str, list[Article]]
) -> None:
    """Day 2: new articles on every site, and one older article per site edited."""
    wire_sources = {(a.wire_of.site, a.wire_of.number) for a in articles[specs[2].key] if a.wire_of}
    for spec in specs:
        existing = articles[spec.key]
        fresh = newsroom.write(
            spec,
            DAY2_NEW[spec.key],
            start=DAY2_START,
            end=DAY2_END,
            first_number=_next_number(existing),
            label="day2",
            link_pool=existing,
        )
        rng = derived_rng(seed, spec.key, "day2-edit")
        editable = [
            a
            for a in existing
            if a.wire_of is None
            and (a.site, a.number) not in wire_sources
            and sum(i > 0 and b.kind == "p" and b.link is None for i, b in enumerate(a.blocks))
        ]
        victim = rng.choice(editable)
        when = EDIT_TIME + timedelta(minutes=rng.randrange(120))
        edited = newsroom.edit(victim, when)
        articles[spec.key] = [edited if a is victim else a for a in existing] + fresh
