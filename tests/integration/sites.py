"""A minimal loopback news site of N article pages, for crawls of a chosen size."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

WORDS = (
    "council budget harvest river bridge museum doctors engineers winter market station "
    "ministry festival reform school court storm village airport factory"
).split()
PER_LISTING = 100


def paragraph(n: int, k: int) -> str:
    """A sentence unique to article n, paragraph k (words, not digits: digits are folded)."""
    picks = [WORDS[(n * 7 + k * 3 + i) % len(WORDS)] for i in range(8)]
    code = f"{WORDS[n % 20]} {WORDS[n // 20 % 20]} {WORDS[n // 400 % 20]} {WORDS[k % 20]}"
    return f"The {picks[0]} and the {picks[1]} met the {picks[2]} near the {picks[3]}, {code}."


def article_html(n: int) -> str:
    body = "".join(f"<p>{paragraph(n, k)}</p>" for k in range(3))
    return (
        f"<html><head><title>Story {n} | Small Site</title></head><body>"
        "<ul class='nav'><li><a href='/'>Home</a></li><li><a href='/about/'>About</a></li></ul>"
        f"<div class='main'><h1>Story {WORDS[n % 20]} headline</h1><div class='body'>{body}"
        "</div></div><div class='footer'>Copyright Small Site, all rights reserved.</div>"
        "</body></html>"
    )


def listing_html(page: int, total: int) -> str:
    first = page * PER_LISTING
    links = "".join(
        f"<li><a href='/a/{n}.html'>Story {n}</a></li>"
        for n in range(first, min(first + PER_LISTING, total))
    )
    more = f"<a href='/list/{page + 1}'>next</a>" if first + PER_LISTING < total else ""
    return f"<html><body><ul>{links}</ul>{more}</body></html>"


class SmallSite:
    """`with SmallSite(5) as site:` serves `site.url` with 5 articles at /a/<n>.html."""

    def __init__(self, articles: int) -> None:
        self.articles = articles
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        total = self.articles

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = self.path
                if path == "/" or path.startswith("/list/"):
                    page = 0 if path == "/" else int(path.rsplit("/", 1)[1])
                    return self._reply(200, listing_html(page, total))
                if path.startswith("/a/") and path.endswith(".html"):
                    n = int(path[3:-5])
                    if n < total:
                        return self._reply(200, article_html(n))
                return self._reply(404, "not found")

            def _reply(self, status: int, body: str) -> None:
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def __enter__(self) -> SmallSite:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
