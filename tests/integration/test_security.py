"""End to end: a crawl cannot be turned against the machine it runs on.

Real `scrapy crawl news` subprocesses against loopback sites: redirects and links into an
"internal service" on another loopback address, compression bombs, hostile state files.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import brotli
import pytest

from newsspider.core.blocks import parse_page
from newsspider.core.state import LocalStateStore
from newsspider.core.template import SiteModel, TemplateConfig
from tests.integration.conftest import FAST, ROOT, read_jsonl, run_crawl
from tests.integration.sites import article_html

Route = tuple[int, dict[str, str], bytes]
ARTICLES = 5
GIB = 1 << 30


class Loopback:
    """An HTTP server on a loopback address answering from `routes` (path -> status, headers,
    body). It counts every connection it accepts, so a test can show none was made."""

    def __init__(self, host: str, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = routes or {}
        self.connections = 0
        self.paths: list[str] = []
        self.server = ThreadingHTTPServer((host, 0), self._handler())
        owner = self

        def count(request: Any, client_address: Any) -> bool:
            owner.connections += 1
            return True

        self.server.verify_request = count  # type: ignore[method-assign]
        self.netloc = f"{host}:{self.server.server_address[1]}"
        self.url = f"http://{self.netloc}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                owner.paths.append(self.path)
                status, headers, body = owner.routes.get(self.path, (404, {}, b"not found"))
                self.send_response(status)
                headers = {"Content-Type": "text/html; charset=utf-8", **headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_GET  # noqa: N815

        return Handler

    def __enter__(self) -> Loopback:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def html(body: str) -> Route:
    return 200, {}, f"<html><body>{body}</body></html>".encode()


def redirect(location: str, status: int = 302) -> Route:
    return status, {"Location": location}, b""


def articles() -> dict[str, Route]:
    return {f"/a/{n}.html": (200, {}, article_html(n).encode()) for n in range(ARTICLES)}


def links(*urls: str) -> str:
    items = "".join(f"<li><a href='{u}'>link {i}</a></li>" for i, u in enumerate(urls))
    return f"<ul>{items}</ul>"


def crawl(
    tmp_path: Path, start_urls: list[str], *settings: str, measure: bool = False
) -> dict[str, Any]:
    """Crawl `start_urls`; the exit code, items, log, stats (and peak RSS with `measure`)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    out, log = tmp_path / "out.jsonl", tmp_path / "crawl.log"
    args = ["-a", "start_urls=" + ",".join(start_urls), "-O", str(out), "-s", f"LOG_FILE={log}"]
    args += [*FAST, *(a for s in settings for a in ("-s", s))]
    proc = run_peak_rss(args, tmp_path) if measure else run_crawl(args, tmp_path)
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    stats = {k: int(v) for k, v in re.findall(r"'([\w/.-]+)': (\d+)", text)}
    peak = re.search(r"PEAK_RSS_KB=(\d+)", proc.stderr)
    return {
        "proc": proc,
        "items": read_jsonl(out) if out.exists() else [],
        "log": text,
        "stats": stats,
        "peak_mib": int(peak.group(1)) / 1024 if peak else None,
    }


_PEAK_RSS = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:]).returncode
print("PEAK_RSS_KB=%d" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def run_peak_rss(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`scrapy crawl news ARGS` under a parent that reports the crawl's peak RSS."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-c", _PEAK_RSS, sys.executable, "-m", "scrapy", "crawl", "news"]
    return subprocess.run(
        [*cmd, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=240, check=False
    )


def article_urls(site: Loopback) -> set[str]:
    return {f"{site.url}/a/{n}.html" for n in range(ARTICLES)}


# --- scope: redirects and links into an internal service ---------------------------------


@pytest.fixture
def internal() -> Iterator[Loopback]:
    """The "internal service": another loopback address the user never allowed."""
    routes = {path: html("secret admin page") for path in ("/", "/admin", "/sitemap.xml")}
    with Loopback("127.0.0.2", routes) as server:
        yield server


@pytest.fixture
def same_host_service() -> Iterator[Loopback]:
    """Another service on the start site's own address, on another port."""
    with Loopback("127.0.0.1", {"/admin": html("local admin")}) as server:
        yield server


def test_redirects_and_links_never_reach_an_internal_service(
    tmp_path: Path, internal: Loopback, same_host_service: Loopback
) -> None:
    port = internal.netloc.rsplit(":", 1)[1]
    hops: dict[str, str] = {
        "/go/internal": f"{internal.url}/from-redirect",
        "/go/chain2": f"{internal.url}/from-chain",
        "/go/other-port": f"{same_host_service.url}/admin",
        "/go/decimal": f"http://2130706434:{port}/from-decimal",  # 127.0.0.2 as one number
        "/go/mapped": f"http://[::ffff:127.0.0.2]:{port}/from-mapped",
        "/go/localhost": f"http://localhost:{port}/from-localhost",
        "/go/metadata": "http://169.254.169.254/latest/meta-data/",
    }
    with Loopback("127.0.0.1") as site:
        refresh = f"<meta http-equiv='refresh' content='0;url={internal.url}/from-refresh'>"
        site.routes.update(articles())
        site.routes.update({path: redirect(target) for path, target in hops.items()})
        site.routes["/go/chain"] = redirect("/go/chain2", 301)
        site.routes["/go/refresh"] = (200, {}, f"<html><head>{refresh}</head></html>".encode())
        site.routes["/"] = html(
            links(*(f"/a/{n}.html" for n in range(ARTICLES)), *hops, "/go/chain", "/go/refresh")
            + links(f"{internal.url}/admin", f"{same_host_service.url}/admin", hops["/go/metadata"])
        )
        entries = [*article_urls(site), f"{internal.url}/admin", f"{internal.url}/sitemap.xml"]
        site.routes["/sitemap.xml"] = (
            200,
            {"Content-Type": "application/xml"},
            (
                "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                + "".join(f"<url><loc>{u}</loc></url>" for u in entries)
                + "</urlset>"
            ).encode(),
        )
        site.routes["/feed.xml"] = (
            200,
            {"Content-Type": "application/rss+xml"},
            (
                "<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
                + "".join(f"<item><title>x</title><link>{u}</link></item>" for u in entries)
                + "</channel></rss>"
            ).encode(),
        )
        site.routes["/robots.txt"] = (
            200,
            {"Content-Type": "text/plain"},
            f"User-agent: *\nDisallow:\nSitemap: {internal.url}/sitemap.xml\n".encode(),
        )
        starts = [f"{site.url}/", f"{site.url}/sitemap.xml", f"{site.url}/feed.xml"]
        result = crawl(tmp_path, [*starts, f"{site.url}/robots.txt"])

    assert result["proc"].returncode == 0, result["proc"].stderr[-2000:]
    assert internal.connections == 0, internal.paths
    assert same_host_service.connections == 0, same_host_service.paths
    assert {item["url"] for item in result["items"]} == article_urls(site)
    # every redirect hop off the site was refused in the downloader, before connecting
    assert result["stats"]["newsspider/security/blocked/offsite"] == len(hops) + 1
    assert result["stats"]["newsspider/links/offsite"] > 0  # links, sitemap and feed entries
    assert (
        f"refused {internal.url}/from-redirect (offsite, redirected from {site.url}/go/internal)"
        in result["log"]
    )
    assert "Traceback" not in result["log"]


def test_page_limit_per_site(tmp_path: Path) -> None:
    with Loopback("127.0.0.1") as site:
        site.routes.update(articles())
        more = {f"/more/{n}.html": (200, {}, article_html(100 + n).encode()) for n in range(20)}
        site.routes.update(more)
        site.routes["/"] = html(links(*(f"/a/{n}.html" for n in range(ARTICLES)), *more))
        site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\n")
        result = crawl(tmp_path, [f"{site.url}/"], "NEWSSPIDER_MAX_PAGES_PER_SITE=8")

    assert result["proc"].returncode == 0
    assert len(site.paths) == 8  # robots.txt, the homepage and 6 pages
    # asked for: robots.txt, the start URL, 25 pages, and the pages' links to /about/ and /
    # (the start request is not recorded by the duplicate filter)
    requested = 1 + 1 + ARTICLES + 20 + 2
    assert result["stats"]["newsspider/security/blocked/page_limit"] == requested - 8
    assert result["log"].count("reached NEWSSPIDER_MAX_PAGES_PER_SITE (8)") == 1


# --- compression bombs --------------------------------------------------------------------


def gzip_bomb(size: int = GIB, prefix: bytes = b"") -> bytes:
    """`prefix` and then zeros up to `size` bytes, gzipped to about 1 MB.

    Gzip members concatenated are one valid stream (RFC 1952), so a 64 MiB member of zeros
    repeated makes a 1 GiB bomb in a fraction of a second.
    """
    member = 64 << 20
    compress = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = compress.compress(prefix + b"\0" * (member - len(prefix))) + compress.flush()
    compress = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = compress.compress(b"\0" * member) + compress.flush()
    return first + zeros * (size // member - 1)


def brotli_bomb(size: int = GIB) -> bytes:
    compressor = brotli.Compressor(quality=1)
    chunk = b"\0" * (1 << 20)
    return b"".join([compressor.process(chunk) for _ in range(size >> 20)] + [compressor.finish()])


def test_compression_bombs_are_refused_without_memory_blow_up(tmp_path: Path) -> None:
    sitemap_head = (
        b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
    )
    bombs: dict[str, Route] = {
        "/bomb/gzip.html": (200, {"Content-Encoding": "gzip"}, gzip_bomb()),
        "/bomb/br.html": (200, {"Content-Encoding": "br"}, brotli_bomb()),
        # a .gz sitemap file (no Content-Encoding): the spider gunzips it itself
        "/sitemap.xml.gz": (
            200,
            {"Content-Type": "application/x-gzip"},
            gzip_bomb(prefix=sitemap_head),
        ),
    }
    assert all(len(body) < 1.1 * (1 << 20) for _, _, body in bombs.values())
    with Loopback("127.0.0.1") as site:
        site.routes.update(articles())
        site.routes.update(bombs)
        pages = (f"/a/{n}.html" for n in range(ARTICLES))
        site.routes["/"] = html(links(*pages, "/bomb/gzip.html", "/bomb/br.html"))
        result = crawl(tmp_path, [f"{site.url}/", f"{site.url}/sitemap.xml.gz"], measure=True)
        baseline = crawl(tmp_path / "baseline", [f"{site.url}/a/0.html"], measure=True)

    assert result["proc"].returncode == 0, result["proc"].stderr[-2000:]
    assert {item["url"] for item in result["items"]} == article_urls(site)
    warnings = [line for line in result["log"].splitlines() if " WARNING: " in line]
    for path in ("/bomb/gzip.html", "/bomb/br.html"):  # refused, whoever reports it
        assert any(site.url + path in line for line in warnings), path
    assert result["stats"]["newsspider/errors/sitemap_too_large"] == 1
    # 3 GiB of zeros were offered; the crawl read at most DOWNLOAD_MAXSIZE (16 MiB) of a
    # page and NEWSSPIDER_MAX_SITEMAP_BYTES (50 MiB) of a sitemap
    assert result["peak_mib"] is not None and baseline["peak_mib"] is not None
    print(f"peak RSS: {result['peak_mib']:.0f} MiB with bombs, {baseline['peak_mib']:.0f} without")
    assert result["peak_mib"] < baseline["peak_mib"] + 200


# --- hostile state ------------------------------------------------------------------------


class _Payload:
    """Unpickling this creates the marker file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.marker), "w"))


def _learned_with_huge_count() -> bytes:
    model = SiteModel(TemplateConfig(warmup_pages=3))
    for n in range(4):
        model.observe(parse_page(article_html(n)), f"/a/{n}.html")
    model.finalize()
    document = model.to_dict()
    document["clusters"][0]["pages"] = 10**4000  # overflows float arithmetic when cleaning
    return json.dumps(document).encode()


HOSTILE: dict[str, Callable[[Path], tuple[bytes, bytes]]] = {
    # name: marker file -> (templates file, dedup file)
    "nested": lambda marker: (b"[" * 200_000, b'{"a":' * 200_000),
    "code": lambda marker: (
        pickle.dumps(_Payload(marker)),
        f"!!python/object/apply:os.system ['touch {marker}']".encode(),
    ),
    "numbers": lambda marker: (_learned_with_huge_count(), b"[1, 2, 3]"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_state_files_never_crash_the_crawl(tmp_path: Path, case: str) -> None:
    marker = tmp_path / "pwned"
    store = LocalStateStore(tmp_path / "state")
    with Loopback("127.0.0.1") as site:
        site.routes.update(articles())
        site.routes["/"] = html(links(*(f"/a/{n}.html" for n in range(ARTICLES))))
        templates, dedup = HOSTILE[case](marker)
        for path, raw in (
            (store.path("templates", site.netloc), templates),
            (store.path("dedup", "index"), dedup),
        ):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(raw)
        before = {p for p in tmp_path.rglob("*") if p.is_file()}
        result = crawl(tmp_path, [f"{site.url}/"], f"NEWSSPIDER_STATE_DIR={tmp_path / 'state'}")

    assert result["proc"].returncode == 0, result["proc"].stderr[-2000:]
    assert not marker.exists()
    assert {item["url"] for item in result["items"]} == article_urls(site)
    assert f"ERROR: template state of {site.netloc} unusable, learning afresh" in result["log"]
    assert "ERROR: dedup state unusable, starting afresh" in result["log"]
    assert result["stats"]["template/state_invalid"] == 1
    assert result["stats"]["dedup/state_invalid"] == 1
    assert "Traceback" not in result["log"]
    # the fresh state replaced the hostile files, and is readable
    assert SiteModel.from_dict(store.load("templates", site.netloc) or {}).pages == ARTICLES
    assert store.load("dedup", "index") is not None
    # nothing written outside the state and output dirs (and the feed, report and log asked for)
    written = {p for p in tmp_path.rglob("*") if p.is_file()} - before
    allowed = (tmp_path / "state", tmp_path / "output")
    strays = [
        p for p in written if not p.is_relative_to(allowed[0]) and not p.is_relative_to(allowed[1])
    ]
    assert sorted(p.name for p in strays) == ["crawl.log", "out.jsonl", "out.jsonl.report.json"]
