"""Request dedup for one run, never persisted.

Scrapy's RFPDupeFilter writes the fingerprints it has seen to JOBDIR. After a crash that
file names pages whose items were still held for template warm-up, so a resumed crawl
would never fetch them again and those articles would be lost. Emitted articles are
known to the dedup index (state dir) instead; everything else is fetched again.
"""

from __future__ import annotations

from typing import Any

from scrapy.dupefilters import RFPDupeFilter


class RunDupeFilter(RFPDupeFilter):
    """RFPDupeFilter that keeps its fingerprints in memory even with JOBDIR set."""

    def __init__(self, path: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(None, *args, **kwargs)
