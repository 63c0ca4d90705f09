"""The embedded demo portal: generation, pages, gold data and the loopback server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest

from newsspider.demo import DemoConfig, DemoPortal, DemoServer, generate

BASES = {
    "almaghrib": "http://127.0.0.1:8001",
    "arabstoday": "http://127.0.0.1:8002",
    "levantledger": "http://127.0.0.1:8003",
}
SCORER = Path(__file__).resolve().parents[3] / "shared" / "eval" / "score.py"
TEMPLATE_STRINGS = (
    "Name *",
    "Comment Title*",
    ": Characters Left",
    "Mandatory *",
    "I agree with the Terms of Use",
    "Security Code*",
    "Maintained and developed by Arabs Today Group SAL.",
    "All rights reserved to Arab Today Media Group 2025",
    "Almaghrib Today, almaghrib today",
    "Al Maghrib Today",
    "العرب اليوم",
    "Source: ",
    "المصدر:",
    "Read also",
    "اقرأ أيضًا",
    "Read more:",
    "Leave a Reply",
    "says:",
)


@pytest.fixture(scope="module")
def portal() -> DemoPortal:
    return generate(DemoConfig())


@pytest.fixture(scope="module")
def gold(portal: DemoPortal) -> list[dict]:
    return portal.gold(BASES)


@pytest.fixture(scope="module")
def server():
    with DemoServer(DemoConfig(articles_per_site=30)) as running:
        yield running


def _page(portal: DemoPortal, url: str) -> tuple[int, dict[str, str], str]:
    """Render an absolute URL of the portal; status, headers and decoded HTML."""
    key = next(k for k, base in BASES.items() if url.startswith(base))
    response = portal.render(key, url[len(BASES[key]) :], BASES[key])
    charset = (response.header("Content-Type") or "").rsplit("charset=", 1)[-1]
    return response.status, dict(response.headers), response.body.decode(charset)


def _visible(html: str) -> str:
    doc = lxml.html.fromstring(html)
    for node in doc.xpath("//script|//style|//head"):
        node.drop_tree()
    return " ".join(doc.text_content().split())


def _fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_same_seed_renders_identical_bytes(portal: DemoPortal, gold: list[dict]) -> None:
    again = generate(DemoConfig())
    paths = ["/", "/sitemap.xml", "/rss.xml", "/section/politics?page=2"]
    paths += [record["url"][len(BASES["almaghrib"]) :] for record in gold[:5]]
    for path in paths:
        first = portal.render("almaghrib", path, BASES["almaghrib"])
        assert first == again.render("almaghrib", path, BASES["almaghrib"])
    assert again.gold(BASES) == gold
    other = generate(DemoConfig(seed=8)).gold(BASES)
    assert [r["title"] for r in other] != [r["title"] for r in gold]


def test_portal_has_200_unique_articles_on_three_sites(gold: list[dict]) -> None:
    sites = Counter(record["site"] for record in gold)
    assert len(gold) >= 200 and len(sites) >= 3
    assert min(sites.values()) >= 60
    assert len({record["url"] for record in gold}) == len(gold)
    assert len({record["title"] for record in gold}) == len(gold)
    briefs = [r for r in gold if len(re.findall(r"[.!?](?:\s|$)", r["text"])) <= 2]
    assert len(briefs) >= 0.05 * len(gold)
    assert {r["language"] for r in gold} == {"en", "ar"}
    assert all(datetime.fromisoformat(r["published"]).tzinfo for r in gold)


def test_arabic_pages_are_windows_1256(portal: DemoPortal, gold: list[dict]) -> None:
    record = next(r for r in gold if r["language"] == "ar")
    path = record["url"][len(BASES["arabstoday"]) :]
    response = portal.render("arabstoday", path, BASES["arabstoday"])
    assert response.header("Content-Type") == "text/html; charset=windows-1256"
    with pytest.raises(UnicodeDecodeError):
        response.body.decode("utf-8")
    html = response.body.decode("windows-1256")
    assert '<html lang="ar" dir="rtl">' in html
    assert 'content="text/html; charset=windows-1256"' in html
    assert record["title"] in html and record["text"].split("\n")[0] in html
    assert f"{record['dateline']} - العرب اليوم" in html


def test_gold_text_is_on_the_page_and_free_of_template(
    portal: DemoPortal, gold: list[dict]
) -> None:
    for record in gold:
        status, _, html = _page(portal, record["url"])
        assert status == 200
        visible = _visible(html)
        h1 = lxml.html.fromstring(html).xpath("//h1")[0].text_content()
        assert h1 == record["title"]
        for line in record["text"].split("\n"):
            assert " ".join(line.split()) in visible, (record["url"], line)
        for template in TEMPLATE_STRINGS:
            assert template not in record["text"], (record["url"], template)
        assert record["title"] not in record["text"]
        for image in record["images"]:
            assert image["caption"] not in record["text"].split("\n")


def test_each_page_has_its_own_related_list_and_clock(portal: DemoPortal) -> None:
    site = portal.site("almaghrib")
    pages = []
    for article in site.articles[:2]:
        html = site.render(site.article_path(article), BASES["almaghrib"]).body.decode()
        doc = lxml.html.fromstring(html)
        pages.append(
            (
                doc.xpath('//div[@class="related-news"]//h4/a/@href'),
                doc.xpath('//div[@class="top-strip"]/div[@class="update-time"]/text()'),
            )
        )
    (related_a, clock_a), (related_b, clock_b) = pages
    assert len(related_a) == 10 and related_a != related_b
    assert clock_a != clock_b


def test_metadata_sources_agree_with_gold(portal: DemoPortal, gold: list[dict]) -> None:
    by_site: dict[str, dict] = {}
    for record in gold:
        by_site.setdefault(record["site"], record)
    maghrib, arabs, ledger = (by_site[base.split("//")[1]] for base in BASES.values())
    html = _page(portal, maghrib["url"])[2]
    stamp = lxml.html.fromstring(html).xpath('//div[@class="article-date"]/text()')[0]
    published = datetime.fromisoformat(maghrib["published"])
    assert stamp.startswith(f"GMT {published:%H:%M} {published.year} ")
    html = _page(portal, arabs["url"])[2]
    assert f'itemprop="datePublished" content="{arabs["published"]}"' in html
    html = _page(portal, ledger["url"])[2]
    doc = lxml.html.fromstring(html)
    data = json.loads(doc.xpath('//script[@type="application/ld+json"]/text()')[0])
    assert data["@type"] == "NewsArticle" and data["headline"] == ledger["title"]
    assert data["datePublished"] == ledger["published"]
    assert doc.xpath("//link[@rel='canonical']/@href") == [ledger["url"]]


def test_duplicates_point_to_gold_articles(portal: DemoPortal, gold: list[dict]) -> None:
    urls = {record["url"]: record for record in gold}
    duplicates = portal.duplicates(BASES)
    kinds = Counter(d["kind"] for d in duplicates)
    assert kinds["url"] > 300
    near_pages = {d["url"] for d in duplicates if d["kind"] == "near" and "/amp/" not in d["url"]}
    assert len({u for u in near_pages if "?" not in u}) == 6
    for duplicate in duplicates:
        assert duplicate["duplicate_of"] in urls
    for duplicate in [d for d in duplicates if d["kind"] == "url"][:40]:
        status, _, html = _page(portal, duplicate["url"])
        doc = lxml.html.fromstring(html)
        assert status == 200
        assert doc.xpath("//link[@rel='canonical']/@href") == [duplicate["duplicate_of"]]
        assert doc.xpath("//h1")[0].text_content() == urls[duplicate["duplicate_of"]]["title"]


def test_wire_copies_change_headline_and_lede_only(portal: DemoPortal, gold: list[dict]) -> None:
    urls = {record["url"]: record for record in gold}
    maghrib, ledger = portal.site("almaghrib"), portal.site("levantledger")
    copies = [a for a in ledger.articles if a.wire_of is not None]
    assert len(copies) == 6
    for copy in copies:
        source = maghrib.catalog.get(copy.wire_of.number)
        original = urls[BASES["almaghrib"] + maghrib.article_path(source)]
        assert original["source"] == "AFP" and copy.title != original["title"]
        lede, *rest = original["text"].split("\n")
        copy_lede, *copy_rest = copy.text.split("\n")
        assert copy_rest == rest and copy_lede != lede
        assert BASES["levantledger"] + ledger.article_path(copy) not in urls


def test_day_two_adds_ten_articles_and_edits_three(gold: list[dict]) -> None:
    day2 = generate(DemoConfig(day=2))
    after = {record["url"]: record for record in day2.gold(BASES)}
    before = {record["url"]: record for record in gold}
    assert len(set(after) - set(before)) == 10 and not set(before) - set(after)
    edited = [url for url in before if before[url]["text"] != after[url]["text"]]
    assert len(edited) == 3
    for url in edited:
        assert after[url]["modified"] is not None
        assert after[url]["modified"] > after[url]["published"]
        key = next(k for k, base in BASES.items() if url.startswith(base))
        sitemap = day2.render(key, "/sitemap.xml", BASES[key]).body.decode()
        if "<sitemapindex" in sitemap:
            sitemap = "".join(
                day2.render(key, p, BASES[key]).body.decode()
                for p in ("/sitemap-posts-1.xml", "/sitemap-posts-2.xml")
            )
        modified = datetime.fromisoformat(after[url]["modified"]).isoformat()
        assert f"<loc>{url}</loc><lastmod>{modified}</lastmod>" in sitemap
    unchanged = [u for u in before if u not in edited]
    assert all(before[u] == after[u] for u in unchanged)


def test_faults_fail_once_then_recover() -> None:
    site = generate(DemoConfig(articles_per_site=20, faults=True)).site("almaghrib")
    base = BASES["almaghrib"]
    assert site.render(site.flaky_path, base, attempt=1).status == 500
    assert site.render(site.flaky_path, base, attempt=2).status == 200
    busy = site.render(site.busy_path, base, attempt=1)
    assert busy.status == 503 and busy.header("Retry-After") == "1"
    assert site.render("/archive/empty", base).body == b""
    assert site.render("/archive/loop", base).header("Location") == base + "/archive/loop/again"
    assert "/archive/blob" in site.render("/", base).body.decode()


def test_server_serves_every_kind_of_page(server: DemoServer) -> None:
    assert len(server.start_urls) == 3
    assert len({url.split("/")[2] for url in server.start_urls}) == 3
    maghrib, arabs, ledger = server.start_urls
    status, headers, body = _fetch(maghrib)
    assert status == 200 and b"Almaghrib Today" in body
    status, _, body = _fetch(maghrib + "robots.txt")
    assert b"Disallow: /admin/" in body and f"Sitemap: {maghrib}sitemap.xml".encode() in body
    status, _, body = _fetch(maghrib + "rss.xml")
    assert status == 200 and body.count(b"<item>") == 20
    status, _, body = _fetch(ledger + "feed.atom")
    assert status == 200 and body.count(b"<entry>") == 20
    status, _, body = _fetch(ledger + "sitemap.xml")
    assert body.count(b"<sitemap>") == 2
    status, _, body = _fetch(arabs + "sitemap.xml")
    assert body.count(b"<url>") == 30
    assert _fetch(maghrib + "news/politics/1/page-removed.html")[0] == 404
    record = server.gold()[0]
    status, headers, body = _fetch(record["url"])
    assert status == 200 and record["title"].encode() in body
    assert int(headers["Content-Length"]) == len(body)


def test_server_answers_conditional_get_and_head(server: DemoServer) -> None:
    url = server.gold()[1]["url"]
    status, headers, _ = _fetch(url)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert _fetch(url, **{"If-None-Match": headers["ETag"]})[0] == 304
    assert _fetch(url, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert _fetch(url, **{"If-None-Match": '"stale"'})[0] == 200
    head = urllib.request.Request(url, method="HEAD")
    with urllib.request.urlopen(head, timeout=5) as reply:
        assert reply.status == 200 and reply.read() == b""
        assert int(reply.headers["Content-Length"]) > 1000
    assert ("HEAD", 200) in {(r.method, r.status) for r in server.requests()}


def test_written_gold_scores_perfectly(server: DemoServer, tmp_path: Path) -> None:
    index = server.write_gold(tmp_path)
    lines = [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(server.gold())
    assert all((tmp_path / line["gold_path"]).is_file() for line in lines)
    assert (tmp_path / "duplicates.jsonl").is_file()
    if not SCORER.is_file():
        pytest.skip("shared scorer not available")
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text(
        "".join(json.dumps({"url": r["url"], "text": r["text"]}) + "\n" for r in lines),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(SCORER), str(index), str(predictions), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout)["overall"]["f1"] == 1.0
