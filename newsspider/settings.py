"""Scrapy settings for newsspider: every NEWSSPIDER_* default lives here, documented.

Override any of them with ``-s NAME=VALUE`` or in a scrapyd schedule call.
"""

from __future__ import annotations

BOT_NAME = "newsspider"
SPIDER_MODULES = ["newsspider.spiders"]
NEWSPIDER_MODULE = "newsspider.spiders"

# --- politeness for real sites -----------------------------------------------------------
# An honest User-Agent naming the project, robots.txt obeyed (tests/integration/test_faults.py
# checks both), AutoThrottle adapting the delay to each server's latency, at most 4
# requests in flight per site, retries paced by Retry-After (newsspider.middlewares).
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
# One huge page must not exhaust memory; Scrapy applies it to the decompressed body too, so a
# gzip or brotli bomb stops here.
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
# Add a "debug" field to each item: dropped blocks with their reasons, metadata sources.
NEWSSPIDER_DEBUG = False

# --- metadata ----------------------------------------------------------------------------
# Fill title, dates, authors, agency, dateline, language, section, tags and images.
NEWSSPIDER_METADATA_ENABLED = True
# Blocks after the headline searched for the byline, dateline and date stamp (more: finds
# stamps further down, risks a neighbouring teaser's date).
NEWSSPIDER_METADATA_NEAR_BLOCKS = 12
# Dates before this year are placeholders (1970, 1900), never publication dates.
NEWSSPIDER_METADATA_MIN_YEAR = 1995
# Sites whose learned title affixes, keywords and share images stay in memory (the least
# recently crawled site is forgotten first).
NEWSSPIDER_METADATA_MAX_SITES = 1000

# --- dedup -------------------------------------------------------------------------------
# Drop articles already emitted (this run or, with NEWSSPIDER_STATE_DIR, an earlier one)
# under the same canonical URL, the same text, or a near-identical text (a wire copy with a
# new headline or lede); an article emitted before whose text changed comes again with
# "update": true. Figures below: bench/dedup_bench.py (see bench/README.md).
NEWSSPIDER_DEDUP_ENABLED = True
# Where every dropped duplicate is recorded, one JSON object a line (url, duplicate_of,
# kind: url/exact/near, similarity); appended to, never overwritten ("" to only count).
NEWSSPIDER_DUPLICATES_FEED = "output/duplicates.jsonl"
# Near duplicates: estimated Jaccard similarity of the texts' word shingles from which two
# articles are one story. Lower finds more rewritten copies and risks merging two
# articles on one event; 0.4 measured precision 1.000 / recall 0.97 on the labelled pairs.
NEWSSPIDER_DEDUP_THRESHOLD = 0.4
# Words per shingle (shorter: stock phrases make unrelated texts look alike; longer: a few
# edited words hide a copy).
NEWSSPIDER_DEDUP_SHINGLE_SIZE = 4
# MinHash permutations: similarity error about 0.04 at 128; index memory and state grow
# by 4 bytes per permutation and article.
NEWSSPIDER_DEDUP_NUM_PERM = 128
# Texts with fewer distinct shingles (about this many words) are deduplicated exactly only:
# in briefs and templated stories a few stock sentences make unrelated texts look alike.
NEWSSPIDER_DEDUP_MIN_SHINGLES = 50
# Articles kept in the near-duplicate index (about 4 KB each in memory), the oldest
# forgotten first; canonical URLs and fingerprints are kept for every article.
NEWSSPIDER_DEDUP_NEAR_WINDOW = 200_000
# Emit a copy published earlier than the one already emitted too, recording the emitted
# one as its duplicate (off: the main feed gets the first copy crawled, and only that).
NEWSSPIDER_DEDUP_PREFER_EARLIEST = False

# --- scheduled crawls --------------------------------------------------------------------
# Crash resume (with JOBDIR and NEWSSPIDER_STATE_DIR): feeds are written a whole line and a
# flush per item, and replayed into the dedup index after a killed run; request dedup is
# kept per run (a persisted one would skip pages whose items were still held).
FEED_EXPORTERS = {
    "jsonlines": "newsspider.feeds.DurableJsonLinesExporter",
    "jsonl": "newsspider.feeds.DurableJsonLinesExporter",
}
DUPEFILTER_CLASS = "newsspider.dupefilter.RunDupeFilter"
# Incremental reruns (newsspider.incremental; needs NEWSSPIDER_STATE_DIR or a Redis store):
# a rerun does not fetch articles already emitted unless a sitemap <lastmod> or a feed
# date lists them as newer, sends ETag / Last-Modified validators for every other page it
# knows (a 304 is counted as incremental/not_modified and skipped), and revisits known
# listing pages only near the start URLs. Changed articles come again with "update": true.
NEWSSPIDER_INCREMENTAL_ENABLED = True
# Known listing pages (sections, tags, pagination, search) within this many links of a start
# URL are fetched again (conditionally) on a rerun; deeper ones only when new. Start URLs,
# sitemaps and feeds always are. 1 revisits the sections a homepage links to; raise it for
# sites without a sitemap, where new articles are found only through listings.
NEWSSPIDER_INCREMENTAL_REVISIT_DEPTH = 1
# On a site whose sitemap dates its articles (<lastmod>), the sitemap lists every new and
# changed article: known listings are then not revisited at all (only start URLs, sitemaps
# and feeds). Off: NEWSSPIDER_INCREMENTAL_REVISIT_DEPTH applies to every site.
NEWSSPIDER_INCREMENTAL_TRUST_SITEMAPS = True
# URLs remembered per site (about 150 bytes each in the state file), the least recently
# used forgotten first: a forgotten article is fetched again and dropped by dedup.
NEWSSPIDER_INCREMENTAL_MAX_URLS = 200_000
# Seconds between saves of the fetch records while crawling (also saved at the end), so a
# killed run refetches at most this long's worth of pages; 0 saves only at the end.
NEWSSPIDER_INCREMENTAL_SAVE_INTERVAL = 60.0
# Read the sitemaps robots.txt names (Scrapy fetches robots.txt anyway): their <lastmod>
# lets a rerun see which articles changed without fetching them.
NEWSSPIDER_SITEMAPS_FROM_ROBOTS = True
# ProgressLog replaces Scrapy's LogStats (one line every LOGSTATS_INTERVAL seconds) with
# articles, duplicates and template state; RunReport writes <feed>.report.json per run.
NEWSSPIDER_RUN_REPORT = True
EXTENSIONS = {
    "scrapy.extensions.logstats.LogStats": None,
    "newsspider.extensions.ProgressLog": 0,
    "newsspider.extensions.RunReport": 0,
}

# --- security and limits (see README, "Security") ---------------------------------------
# Every request, redirect hops included, must stay on the start URLs' sites and resolve to a
# public address; a start URL's own host allows the exact address it resolves to (a start
# URL on 127.0.0.1 allows 127.0.0.1, not 127.0.0.2). Networks listed here (CIDR strings,
# e.g. ["10.20.0.0/16"]) are allowed too: list only ranges that hold sites you crawl, never
# 169.254.0.0/16 (cloud metadata).
NEWSSPIDER_ALLOWED_PRIVATE_NETWORKS: list[str] = []
# Requests per site (host and port) in one run, redirect hops and robots.txt included, so a
# crawler trap (endless calendar, faceted search) cannot make a run endless: at 1-4 pages a
# second per site, 3 to 14 hours. Raise it for a first full archive crawl. 0: no limit.
NEWSSPIDER_MAX_PAGES_PER_SITE = 50_000
# Largest sitemap or feed read after gunzipping a .gz file: the sitemaps.org protocol's own
# limit (50 MB uncompressed); a gzip bomb posing as a sitemap stops there.
NEWSSPIDER_MAX_SITEMAP_BYTES = 50 * 1024 * 1024
# Page links remembered as followed (about 150 bytes each), the least recently met
# forgotten first: a link met again from a page no deeper is not requested again (Scrapy's
# duplicate filter would drop it after the work of building it). 0: remember none.
NEWSSPIDER_LINK_MEMORY = 100_000
# Links followed from a start URL: articles sit a few links from a homepage, section,
# sitemap or feed; 100 leaves room for 100 pages of pagination and stops link chains that
# never end. Scrapy's default is 0 (no limit).
DEPTH_LIMIT = 100
# Before robots.txt (100), so a refused host gets no robots.txt request either; every
# redirect hop is a new request that passes here again.
DOWNLOADER_MIDDLEWARES = {
    "newsspider.security.ScopeMiddleware": 60,
    "newsspider.security.PageLimitMiddleware": 70,
    # Faults (newsspider.middlewares): RawFaultMiddleware sees redirects and gzip bodies
    # before RedirectMiddleware (600) and HttpCompressionMiddleware (590) act on them;
    # RetryAfterMiddleware replaces Scrapy's RetryMiddleware (550); FaultMiddleware (540)
    # reports what the retries left.
    "newsspider.middlewares.RawFaultMiddleware": 610,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsspider.middlewares.RetryAfterMiddleware": 550,
    "newsspider.middlewares.FaultMiddleware": 540,
    "newsspider.cluster.ClusterDownloaderMiddleware": 1,
    # Incremental reruns (newsspider.incremental): between RetryAfterMiddleware (550) and
    # FaultMiddleware (540), so a 304 is a clean skip, not a fault.
    "newsspider.incremental.IncrementalMiddleware": 545,
}
SPIDER_MIDDLEWARES = {
    "newsspider.cluster.ClusterSpiderMiddleware": 1,
    # After DepthMiddleware (900): drops links a rerun need not fetch before they are
    # scheduled.
    "newsspider.incremental.IncrementalSpiderMiddleware": 850,
}

# --- faults ------------------------------------------------------------------------------
# Count every fault (HTTP errors, empty, binary or oversized bodies, broken gzip, download
# errors, redirect loops) as newsspider/faults/<name>, log it once with its URL, and drop
# the request without a traceback (see newsspider.middlewares for the list).
NEWSSPIDER_FAULTS_ENABLED = True
# Longest Retry-After (seconds) a 429 or 503 is retried after; a longer one is not retried
# (newsspider/faults/retry_after_too_long). 0: ignore Retry-After, retry at once.
NEWSSPIDER_RETRY_AFTER_MAX = 60
# The fault middleware logs a give-up once, as a counted fault; Scrapy's own line would
# repeat it at ERROR.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"
# Validate every record against newsspider/schema.py before it is written; an invalid one
# is logged, counted (validation/invalid) and dropped.
NEWSSPIDER_VALIDATION_ENABLED = True

# --- Cluster (several workers on Redis; newsspider.cluster) ---------------------------------
# Set to redis://host:port/db to crawl with every worker started with the same URL and
# crawl name: scrapy-redis's shared queue and request fingerprints, plus shared template
# models and dedup index (the Redis store replaces NEWSSPIDER_STATE_DIR). Empty: one process.
NEWSSPIDER_REDIS_URL = ""
# Prefix of every Redis key newsspider writes.
NEWSSPIDER_REDIS_PREFIX = "newsspider"
# Name of the crawl the workers share (its queue and fingerprints); templates and the
# dedup index are shared across crawl names.
NEWSSPIDER_REDIS_CRAWL = "news"
# Seconds a worker's heartbeat lives: a worker silent that long is taken for dead and its
# in-flight requests are taken over by the others.
NEWSSPIDER_REDIS_WORKER_TTL = 10.0
# Seconds an idle worker waits for work (start URLs, other workers' links); 0: forever.
NEWSSPIDER_REDIS_MAX_IDLE = 30.0
# A worker merges a site's template into the shared model every this many pages learned...
NEWSSPIDER_REDIS_SYNC_PAGES = 25
# ...and, while the site is still warming here, looks at most this often (seconds) for a
# model another worker has learned.
NEWSSPIDER_REDIS_SYNC_SECONDS = 2.0
# The shared dedup log (one entry per article judged, its text compressed: about 3 KB)
# would grow without end. A worker saves a snapshot of the dedup index every this many
# entries (and when it closes)...
NEWSSPIDER_REDIS_SNAPSHOT_ENTRIES = 20_000
# ...and the entries more than this many before the latest snapshot are trimmed. A worker
# that far behind (or starting) reads the snapshot instead of replaying them.
NEWSSPIDER_REDIS_LOG_KEEP = 10_000

ITEM_PIPELINES = {
    "newsspider.pipelines.TemplatePipeline": 100,
    "newsspider.pipelines.MetadataPipeline": 200,
    "newsspider.pipelines.DedupPipeline": 300,
    "newsspider.pipelines.ValidationPipeline": 900,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
