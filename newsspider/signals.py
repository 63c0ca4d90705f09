"""Signals newsspider sends besides Scrapy's own; connect with ``crawler.signals.connect``."""

from __future__ import annotations

url_variant = object()
"""A link was not followed as found because its canonical form differs (tracking, print or
AMP parameters, fragment...): the spider requests the canonical URL instead.

Sent by :class:`~newsspider.spiders.news.NewsSpider` once per link occurrence, with
keyword arguments ``url`` (the absolute link as found) and ``canonical`` (the URL
requested). :class:`~newsspider.pipelines.DedupPipeline` records each distinct variant as a
duplicate of the article its canonical URL turns out to be.
"""

request_failed = object()
"""A request ended in its errback: its download failed for good (after retries), was
refused by a middleware (scope, robots.txt, page limit), or was answered 304 (unchanged).

Sent by :class:`~newsspider.spiders.news.NewsSpider` with keyword arguments ``request`` and
``failure``. :class:`~newsspider.cluster.ClusterScheduler` marks the request through.
"""
