"""A loopback news site that misbehaves on purpose, for the fault-tolerance crawl test.

Its listing (``/``) links to a dozen ordinary articles served in every way a real server gets
charsets, markup and transfer wrong, and to pages that are faults and nothing else: empty,
binary, too large, truncated, slow, reset, HTTP errors, redirect loops, a sitemap that is not
XML, a feed that is HTML. :data:`ARTICLES` lists the pages a crawl must emit with their exact
text; :data:`FAULTS` maps each fault page to the stats counter the crawl must show for it.

    with FaultServer() as site:
        site.url            # 'http://127.0.0.1:PORT/'
        site.requests       # [(path, user agent), ...] in the order they came
"""

from __future__ import annotations

import gzip
import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

SLOW_SECONDS = 3.0
HUGE_BYTES = 20 * 1024 * 1024
DEEP_NESTING = 5000
LONG_CHAIN = 30

_SUBJECTS = (
    "الحكومة", "وزارة المالية", "نقابة الأطباء", "جامعة القاهرة", "هيئة الموانئ",
    "وزارة الزراعة", "شركة الكهرباء", "غرفة التجارة", "لجنة الانتخابات", "البلدية",
)  # fmt: skip
_VERBS = ("أعلنت", "ناقشت", "أقرت", "رفضت", "درست", "اقترحت", "دعمت", "راجعت", "أرجأت", "نشرت")
_OBJECTS = (
    "خطة جديدة لتطوير النقل العام", "ميزانية العام المقبل", "مشروع قانون الاستثمار",
    "برنامجا لدعم المزارعين", "تقريرا عن أسعار الغذاء", "اتفاقا مع النقابات",
    "مشروعا لتحلية المياه", "إصلاحات في نظام التعليم", "خطة لإعادة بناء الجسور",
    "قواعد جديدة للتجارة",
)  # fmt: skip
_PLACES = (
    "في العاصمة", "في المدن الساحلية", "في الجنوب", "في الأرياف", "في المناطق الشمالية",
    "في الموانئ", "في الأحياء القديمة", "في المحافظات الشرقية", "على الحدود", "في الضواحي",
)  # fmt: skip
_CLAIMS = (
    "التنفيذ سيبدأ قريبا", "التكلفة ستكون أعلى من المتوقع", "السكان ينتظرون النتائج",
    "الخبراء يطالبون بمزيد من الشفافية", "المشاورات ستستمر أسبوعا آخر",
    "المعارضين يشككون في جدوى القرار", "التمويل مضمون حتى نهاية العام",
    "الوضع يتحسن ببطء", "الأرقام الرسمية لم تنشر بعد", "الاجتماع المقبل سيحسم الأمر",
)  # fmt: skip


_WORDS = (
    "council budget harvest river bridge museum doctors engineers winter market station "
    "ministry festival reform school court storm village airport factory teachers nurses "
    "railway harbour library garden stadium hospital orchestra farmers"
).split()


def arabic_paragraph(n: int, k: int) -> str:
    """A sentence of Arabic article n, paragraph k; every letter is in ISO-8859-6."""
    rnd = random.Random(n * 131 + k)
    first, second = rnd.sample(_CLAIMS, 2)
    subject, verb, thing, place, source = (
        rnd.choice(words) for words in (_SUBJECTS, _VERBS, _OBJECTS, _PLACES, _SUBJECTS)
    )
    return f"{subject} {verb} {thing} {place}، وقال مسؤولون إن {first} وإن {second} بحسب {source}."


def english_paragraph(n: int, k: int) -> str:
    """A sentence of English article n, paragraph k."""
    w = random.Random(n * 131 + k).sample(_WORDS, 8)
    return (
        f"The {w[0]} and the {w[1]} met the {w[2]} near the {w[3]} on a {w[4]} day,"
        f" while the {w[5]} watched the {w[6]} and the {w[7]}."
    )


@dataclass(frozen=True)
class Article:
    """An article the crawl must emit, with the text it must have."""

    path: str
    title: str
    paragraphs: tuple[str, ...]
    lang: str

    @property
    def text(self) -> str:
        """The expected ``text`` field: paragraphs, one a line."""
        return "\n".join(self.paragraphs)


def _article(path: str, n: int, lang: str) -> Article:
    if lang == "ar":
        paras = tuple(arabic_paragraph(n, k) for k in range(4))
        rnd = random.Random(n)
        title = f"{rnd.choice(_SUBJECTS)} {rnd.choice(_VERBS)} {rnd.choice(_OBJECTS)}"
        return Article(path, title, paras, lang)
    paras = tuple(english_paragraph(n, k) for k in range(4))
    return Article(path, f"Story {n} about the {paras[0].split()[1]}", paras, lang)


ARTICLES: dict[str, Article] = {
    a.path: a
    for a in (
        _article("/news/plain-en.html", 1, "en"),
        _article("/news/plain-ar.html", 2, "ar"),
        _article("/news/second-en.html", 3, "en"),
        _article("/charset/no-header-meta-utf8.html", 4, "ar"),
        _article("/charset/undeclared-utf8.html", 5, "ar"),
        _article("/charset/cp1256-meta.html", 6, "ar"),
        _article("/charset/iso-8859-6-meta.html", 7, "ar"),
        _article("/charset/utf8-bom.html", 8, "ar"),
        _article("/charset/latin1-header-utf8-body.html", 9, "ar"),
        _article("/charset/utf8-header-cp1256-body.html", 10, "ar"),
        _article("/charset/latin1-header-cp1256-meta.html", 11, "ar"),
        _article("/charset/bogus-header.html", 12, "ar"),
        _article("/markup/unclosed.html", 13, "en"),
        _article("/markup/deep.html", 14, "en"),
        _article("/markup/malformed-links.html", 15, "en"),
        _article("/gzip/article.html", 16, "en"),
        _article("/news/after-redirects.html", 17, "en"),
        _article("/flaky/503-once.html", 18, "ar"),
    )
}

# Fault page -> the stats counter a crawl must show for it.
FAULTS: dict[str, str] = {
    "/fault/empty.html": "newsspider/faults/empty",
    "/fault/binary.html": "newsspider/faults/binary",
    "/fault/huge.html": "newsspider/faults/too_large",
    "/fault/huge-unannounced.html": "newsspider/faults/too_large",
    "/fault/gzip-bomb.html": "newsspider/faults/too_large",
    "/fault/gzip-truncated.html": "newsspider/faults/truncated_gzip",
    "/fault/gzip-invalid.html": "newsspider/faults/bad_gzip",
    "/fault/truncated.html": "newsspider/faults/download_error/ResponseDataLossError",
    "/fault/slow.html": "newsspider/faults/download_error/DownloadTimeoutError",
    "/fault/reset.html": "newsspider/faults/download_error/DownloadFailedError",
    "/fault/404.html": "newsspider/faults/http_404",
    "/fault/410.html": "newsspider/faults/http_410",
    "/fault/429.html": "newsspider/faults/http_429",
    "/fault/429-long-wait.html": "newsspider/faults/retry_after_too_long",
    "/fault/500.html": "newsspider/faults/http_500",
    "/fault/503.html": "newsspider/faults/http_503",
    "/redirect/loop-a": "newsspider/faults/redirect_loop",
    "/redirect/self": "newsspider/faults/redirect_loop",
    "/redirect/long/0": "newsspider/faults/redirect_chain",
    "/sitemap.xml": "newsspider/faults/not_xml",
    "/feed.xml": "newsspider/faults/not_feed",
}
# Linked from the listing but disallowed by robots.txt: must never be requested.
PRIVATE = "/private/secret.html"
_LINKED = [*ARTICLES, *(p for p in FAULTS if p != "/sitemap.xml"), "/redirect/chain/0", PRIVATE]
_ARTICLE_OF = {"/redirect/chain/3": "/news/after-redirects.html"}


# -- page bodies ---------------------------------------------------------------------------


def article_html(article: Article, head: str = "", body_wrap: tuple[str, str] = ("", "")) -> str:
    """The site's article template around `article`; `head` goes first in <head>."""
    paras = "".join(f"<p>{p}</p>" for p in article.paragraphs)
    rtl = ' dir="rtl"' if article.lang == "ar" else ""
    return (
        f'<!DOCTYPE html><html lang="{article.lang}"{rtl}><head>{head}'
        f"<title>{article.title} | Fault News</title></head><body>"
        "<ul class='nav'><li><a href='/'>Home</a></li><li><a href='/about/'>About</a></li></ul>"
        f"{body_wrap[0]}<div class='main'><h1>{article.title}</h1><div class='body'>{paras}"
        f"</div></div>{body_wrap[1]}"
        "<div class='footer'>Copyright Fault News, all rights reserved.</div></body></html>"
    )


def _listing() -> bytes:
    links = "".join(f"<li><a href='{p}'>{p}</a></li>" for p in _LINKED)
    return f"<html><body><h1>Fault News</h1><ul>{links}</ul></body></html>".encode()


_META_UTF8 = '<meta charset="utf-8">'
_META_1256 = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
_HTML = "text/html"
_UNANNOUNCED = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n"  # no Content-Length


def _charset_page(path: str) -> tuple[str, bytes]:
    """(Content-Type, body) of one of the /charset/ articles."""
    a = ARTICLES[path]
    pages: dict[str, tuple[str, str, str]] = {  # content type, <head> start, body encoding
        "/charset/no-header-meta-utf8.html": (_HTML, _META_UTF8, "utf-8"),
        "/charset/undeclared-utf8.html": (_HTML, "", "utf-8"),
        "/charset/cp1256-meta.html": (_HTML, _META_1256, "cp1256"),
        "/charset/iso-8859-6-meta.html": (_HTML, '<meta charset="ISO-8859-6">', "iso-8859-6"),
        "/charset/utf8-bom.html": (_HTML, "", "utf-8-sig"),
        "/charset/latin1-header-utf8-body.html": (
            "text/html; charset=iso-8859-1", _META_UTF8, "utf-8"),
        "/charset/utf8-header-cp1256-body.html": (
            "text/html; charset=utf-8", _META_1256, "cp1256"),
        "/charset/latin1-header-cp1256-meta.html": (
            "text/html; charset=ISO-8859-1", _META_1256, "cp1256"),
        "/charset/bogus-header.html": (
            "text/html; charset=x-no-such-charset", _META_UTF8, "utf-8"),
    }  # fmt: skip
    ctype, head, encoding = pages[path]
    return ctype, article_html(a, head).encode(encoding)


def _markup_page(path: str) -> bytes:
    a = ARTICLES[path]
    if path == "/markup/deep.html":
        deep = "<div class='ad'>" * DEEP_NESTING + "Advertisement" + "</div>" * DEEP_NESTING
        return article_html(a, _META_UTF8, (deep, "")).encode()
    if path == "/markup/unclosed.html":  # no </p>, unclosed inline tags, stray end tags
        html = article_html(a, _META_UTF8).replace("</p>", "").replace("</li>", "")
        html = html.replace("<h1>", "</td></table><h1>").replace("<p>", "<p><span><i>", 2)
        return html.replace("<title>", "<title><b>").encode()
    bad = (
        "http://[::1", "javascript:alert(1)", "http://", "http:///x", "//", "%zz%", "\x00",
        "http://127.0.0.1:99999/x", "mailto:", "data:text/html,<p>", "http://exa mple.com/",
        "/" + "x" * 100_000, "?" + "q=" * 5000, "/ünïcødé/خبر.html", "#top",
    )  # fmt: skip
    links = "".join(f"<li><a href='{h}'>l</a></li>" for h in bad)
    return article_html(a, _META_UTF8, (f"<ul class='links'>{links}</ul>", "")).encode()


def _binary() -> bytes:
    return random.Random(8).randbytes(64 * 1024)


# -- server --------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # the test reads the crawl's log, not the server's

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.server.record(self.path, self.headers.get("User-Agent", ""))
        route = self.server.route(self.path)
        if route is None:
            self.reply(404, b"<html><body>not found</body></html>")
        else:
            route(self)

    def reply(self, status: int, body: bytes, ctype: str = _HTML, **headers: str) -> None:
        """Send a complete response."""
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        """A 302 to `location`."""
        self.reply(302, b"", Location=location)

    def reset(self) -> None:
        """Half a status line, then a TCP reset."""
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Ty")
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def raw(self, head: bytes, body: bytes) -> None:
        """Send `head` and `body` as they are, then close."""
        self.wfile.write(head + b"\r\n" + body)
        self.wfile.flush()
        self.close_connection = True


Route = Callable[[_Handler], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.hits: Counter[str] = Counter()
        self.routes = _routes(self.base)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # aborted transfers (the huge page, resets) are the point, not errors

    def record(self, path: str, agent: str) -> None:
        with self.lock:
            self.requests.append((path, agent))
            self.hits[path] += 1

    def route(self, path: str) -> Route | None:
        if path.startswith("/redirect/long/"):
            n = int(path.rsplit("/", 1)[1])
            return lambda h: h.redirect(f"/redirect/long/{n + 1}")
        if path.startswith("/redirect/chain/"):
            n = int(path.rsplit("/", 1)[1])
            nxt = _ARTICLE_OF.get(f"/redirect/chain/{n + 1}", f"/redirect/chain/{n + 1}")
            return lambda h: h.redirect(self.base + nxt if n % 2 else nxt)
        if path == "/flaky/503-once.html" and self.hits[path] == 1:
            return lambda h: h.reply(503, b"busy", Retry_After="1")
        if path in ARTICLES and path not in self.routes:
            return lambda h: h.reply(200, article_html(ARTICLES[path], _META_UTF8).encode(),
                                     "text/html; charset=utf-8")  # fmt: skip
        return self.routes.get(path)


def _routes(base: str) -> dict[str, Route]:
    huge = b"<html><body>" + b"<p>filler</p>" * (HUGE_BYTES // 13) + b"</body></html>"
    bomb = gzip.compress(b"<html><body>" + b" " * HUGE_BYTES, 9)
    zipped = gzip.compress(article_html(ARTICLES["/gzip/article.html"], _META_UTF8).encode())
    routes: dict[str, Route] = {
        "/": lambda h: h.reply(200, _listing()),
        "/about/": lambda h: h.reply(200, b"<html><body><p>About Fault News.</p></body></html>"),
        "/robots.txt": lambda h: h.reply(
            200, f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap.xml\n".encode(),
            "text/plain"),
        "/sitemap.xml": lambda h: h.reply(200, b"<html><body>Page not found</body></html>",
                                          "application/xml"),
        "/feed.xml": lambda h: h.reply(200, _listing(), "application/rss+xml"),
        "/fault/empty.html": lambda h: h.reply(200, b""),
        "/fault/binary.html": lambda h: h.reply(200, _binary()),
        "/fault/huge.html": lambda h: h.reply(200, huge),
        "/fault/huge-unannounced.html": lambda h: h.raw(_UNANNOUNCED, huge),
        "/fault/gzip-bomb.html": lambda h: h.reply(200, bomb, Content_Encoding="gzip"),
        "/gzip/article.html": lambda h: h.reply(200, zipped, Content_Encoding="gzip"),
        "/fault/gzip-truncated.html": lambda h: h.reply(
            200, zipped[: len(zipped) // 2], Content_Encoding="gzip"),
        "/fault/gzip-invalid.html": lambda h: h.reply(
            200, b"\x1f\x8b\x08 this is not gzip", Content_Encoding="gzip"),
        "/fault/truncated.html": lambda h: h.raw(
            b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20000\r\n",
            b"<html><body><p>cut short"),
        "/fault/slow.html": _slow,
        "/fault/reset.html": lambda h: h.reset(),
        "/fault/429.html": lambda h: h.reply(429, b"slow down", Retry_After="1"),
        "/fault/429-long-wait.html": lambda h: h.reply(429, b"later", Retry_After="3600"),
        "/fault/503.html": lambda h: h.reply(
            503, b"maintenance", Retry_After=time.strftime(
                "%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 1))),
        "/redirect/loop-a": lambda h: h.redirect("/redirect/loop-b"),
        "/redirect/loop-b": lambda h: h.redirect(base + "/redirect/loop-a"),
        "/redirect/self": lambda h: h.redirect("/redirect/self"),
    }  # fmt: skip
    for status in (404, 410, 500):
        routes[f"/fault/{status}.html"] = lambda h, s=status: h.reply(s, b"error")
    for path in ARTICLES:
        if path.startswith("/charset/"):
            ctype, body = _charset_page(path)
            routes[path] = lambda h, c=ctype, b=body: h.reply(200, b, c)
        elif path.startswith("/markup/"):
            markup = _markup_page(path)
            routes[path] = lambda h, b=markup: h.reply(200, b)
    return routes


def _slow(handler: _Handler) -> None:
    time.sleep(SLOW_SECONDS)
    handler.reply(200, article_html(ARTICLES["/news/plain-en.html"]).encode())


class FaultServer:
    """The fault site on a free loopback port: ``with FaultServer() as site: site.url``."""

    def __init__(self) -> None:
        self.server = _Server()
        self.url = self.server.base + "/"

    @property
    def requests(self) -> list[tuple[str, str]]:
        """(path, User-Agent) of every request served so far."""
        with self.server.lock:
            return list(self.server.requests)

    def __enter__(self) -> FaultServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
