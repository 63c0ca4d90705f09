"""Scrapy settings for newsspider: every NEWSSPIDER_* default lives here, documented.

Override any of them with ``-s NAME=VALUE`` or in a scrapyd schedule call.
"""

from __future__ import annotations

BOT_NAME = "newsspider"
SPIDER_MODULES = ["newsspider.spiders"]
NEWSPIDER_MODULE = "newsspider.spiders"

# --- politeness for real sites -----------------------------------------------------------
USER_AGENT = "newsspider/0.1 (+https://github.com/newsspider/newsspider; news archiving crawler)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
# One huge page must not exhaust memory.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# Items held for template warm-up keep their responses "active" in the scraper; the default
# 5 MB would stop downloads while a site warms up (see newsspider.pipelines).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 256 * 1024 * 1024
LOG_LEVEL = "INFO"

# --- output ------------------------------------------------------------------------------
# FEEDS is deliberately not set here: `-O`/`-o` on the command line would be added to it
# instead of replacing it. NewsSpider.update_settings adds the default feed only when the
# command line gave none.
FEED_EXPORT_ENCODING = "utf-8"
NEWSSPIDER_OUTPUT_DIR = "output"
# Default feed path, relative to the working directory; %(name)s and %(time)s expand.
NEWSSPIDER_FEED_URI = "output/%(name)s/%(time)s.jsonl"
# A link to the newest run's feed, replaced at the end of every run ("" to disable).
NEWSSPIDER_LATEST_LINK = "output/articles.jsonl"

# --- state -------------------------------------------------------------------------------
# Where learned templates and dedup state persist between runs ("" keeps them in memory).
NEWSSPIDER_STATE_DIR = ""

# --- template learning -------------------------------------------------------------------
NEWSSPIDER_TEMPLATE_ENABLED = True
# A page is cleaned by a model learned from at least min(this, every page of its site in
# the crawl) pages; pages arriving earlier are held (not lost) until then.
NEWSSPIDER_TEMPLATE_WARMUP_PAGES = 15
# Per-site, per-counter bound on remembered entries (memory per site stays bounded).
NEWSSPIDER_TEMPLATE_MAX_ENTRIES = 50_000
# How often (seconds) held items are checked for release when the crawl runs dry.
NEWSSPIDER_WARMUP_CHECK_INTERVAL = 0.5
# Add a "debug" field to each item: dropped blocks with their reasons.
NEWSSPIDER_DEBUG = False

# --- dedup -------------------------------------------------------------------------------
NEWSSPIDER_DEDUP_ENABLED = True

ITEM_PIPELINES = {
    "newsspider.pipelines.TemplatePipeline": 100,
    "newsspider.pipelines.DedupPipeline": 300,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
