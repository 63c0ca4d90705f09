"""The embedded demo news portal that `scrapy crawl news` uses by default.

Three news sites generated from a seed (an English site modelled on almaghribtoday.net, an
Arabic one served in windows-1256, and a modern English blog with JSON-LD and a comment
thread), served over loopback HTTP, with the gold data a perfect extractor should produce.
Pure standard library; no Scrapy imports here.
"""

from __future__ import annotations

from newsspider.demo.generator import DemoConfig, DemoPortal, generate
from newsspider.demo.server import DemoServer, RequestRecord, ServedSite
from newsspider.demo.site import DemoSite, Response

__all__ = [
    "DemoConfig",
    "DemoPortal",
    "DemoServer",
    "DemoSite",
    "RequestRecord",
    "Response",
    "ServedSite",
    "generate",
]
