"""Serve the demo portal over loopback HTTP: one server (and one port, one netloc) per site.

>>> with DemoServer(DemoConfig(articles_per_site=20)) as server:  # doctest: +SKIP
...     server.start_urls
['http://127.0.0.1:41123/', 'http://127.0.0.1:41124/', 'http://127.0.0.1:41125/']
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC
from email.message import Message
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from newsspider.demo.generator import DemoConfig, DemoPortal, generate
from newsspider.demo.gold import write_gold
from newsspider.demo.site import Response

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServedSite:
    """A site as served: its key and name, language, base URL and netloc."""

    key: str
    name: str
    language: str
    base_url: str

    @property
    def netloc(self) -> str:
        """host:port, the `site` value of the gold records."""
        return self.base_url.split("://", 1)[1]


@dataclass(frozen=True)
class RequestRecord:
    """One request the servers answered."""

    site: str
    method: str
    target: str
    status: int


def is_not_modified(response: Response, request_headers: Message) -> bool:
    """Whether a conditional GET can be answered 304 (If-None-Match wins over the date)."""
    etag, last = response.header("ETag"), response.header("Last-Modified")
    if response.status != 200 or (etag is None and last is None):
        return False
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag is not None and ("*" in tags or etag in tags)
    if_modified_since = request_headers.get("If-Modified-Since")
    if not if_modified_since or last is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return parsedate_to_datetime(last) <= since


class _SiteServer(ThreadingHTTPServer):
    """One site's HTTP server; counts attempts per target for the fail-once fault pages."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        portal: DemoPortal,
        site_key: str,
        journal: list[RequestRecord],
        lock: threading.Lock,
    ) -> None:
        super().__init__(address, _Handler)
        self.portal = portal
        self.site_key = site_key
        self.base_url = f"http://{address[0]}:{self.server_address[1]}"
        self.journal = journal
        self.lock = lock
        self._attempts: Counter[str] = Counter()

    def next_attempt(self, target: str) -> int:
        """Count one more request for `target` and return the count."""
        with self.lock:
            self._attempts[target] += 1
            return self._attempts[target]

    def record(self, method: str, target: str, status: int) -> None:
        """Add a request to the shared journal."""
        with self.lock:
            self.journal.append(RequestRecord(self.site_key, method, target, status))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY a keep-alive client
    # waits out its delayed ACK (~40 ms) on every response.
    disable_nagle_algorithm = True
    server: _SiteServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep the terminal quiet: requests go to DEBUG logging."""
        logger.debug("%s %s", self.server.site_key, format % args)

    def _respond(self, send_body: bool) -> None:
        server = self.server
        attempt = server.next_attempt(self.path)
        response = server.portal.render(server.site_key, self.path, server.base_url, attempt)
        status = 304 if is_not_modified(response, self.headers) else response.status
        server.record(self.command, self.path, status)
        self.send_response(status)
        for name, value in response.headers:
            if status != 304 or name in ("ETag", "Last-Modified"):
                self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if send_body and status != 304:
            self.wfile.write(response.body)


class DemoServer:
    """The demo portal served on loopback, one port per site; a context manager.

    port=0 lets the OS pick every port; a non-zero port serves site i on port + i.
    """

    def __init__(
        self, config: DemoConfig | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.config = config or DemoConfig()
        self.portal = generate(self.config)
        self._host = host
        self._port = port
        self._servers: list[_SiteServer] = []
        self._threads: list[threading.Thread] = []
        self._journal: list[RequestRecord] = []
        self._lock = threading.Lock()

    def start(self) -> DemoServer:
        """Start serving every site in daemon threads (a no-op when already started)."""
        if self._servers:
            return self
        for index, site in enumerate(self.portal.sites):
            port = self._port + index if self._port else 0
            server = _SiteServer(
                (self._host, port), self.portal, site.key, self._journal, self._lock
            )
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"demo-{site.key}",
                daemon=True,
            )
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)
        logger.info("demo portal serving %s", ", ".join(self.start_urls))
        return self

    def stop(self) -> None:
        """Stop every site's server and wait for its thread."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_urls(self) -> dict[str, str]:
        """Site key -> "http://127.0.0.1:PORT" (no trailing slash)."""
        if not self._servers:
            raise RuntimeError("DemoServer is not started")
        return {server.site_key: server.base_url for server in self._servers}

    @property
    def start_urls(self) -> list[str]:
        """Every site's homepage URL."""
        return [url + "/" for url in self.base_urls.values()]

    @property
    def sites(self) -> list[ServedSite]:
        """The served sites, in portal order."""
        urls = self.base_urls
        return [ServedSite(s.key, s.name, s.spec.language, urls[s.key]) for s in self.portal.sites]

    def gold(self) -> list[dict[str, Any]]:
        """The unique articles as a perfect extractor outputs them, with served URLs."""
        return self.portal.gold(self.base_urls)

    def duplicates(self) -> list[dict[str, Any]]:
        """Served URLs duplicating a gold article: {url, duplicate_of, kind "url"|"near"}."""
        return self.portal.duplicates(self.base_urls)

    def write_gold(self, directory: Path) -> Path:
        """Write gold.jsonl (+ text/<n>.txt, duplicates.jsonl) into `directory`; its path."""
        return write_gold(Path(directory), self.gold(), self.duplicates())

    def requests(self, site: str | None = None) -> list[RequestRecord]:
        """The requests answered so far, optionally only those of one site key."""
        with self._lock:
            return [r for r in self._journal if site is None or r.site == site]
