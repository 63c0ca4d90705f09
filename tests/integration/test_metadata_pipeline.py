"""MetadataPipeline: the adapter on its own, and the metadata of a real demo crawl."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newsspider import settings as project_settings
from newsspider.core.blocks import parse_page
from newsspider.demo import DemoServer
from newsspider.items import ArticleItem
from newsspider.pipelines import MetadataPipeline

PAGE = """<html lang="en"><head><title>Rains return to Cairo | Daily</title>
<meta property="article:published_time" content="2018-01-22T09:22:00Z"></head><body>
<div class="story"><h1>Rains return to Cairo</h1><p>By Ann Lee</p>
<p>CAIRO (AFP) - Heavy rain fell on the capital on Monday, flooding streets.</p></div>
</body></html>"""
TEXT = "CAIRO (AFP) - Heavy rain fell on the capital on Monday, flooding streets."


PROJECT = {
    name: getattr(project_settings, name)
    for name in dir(project_settings)
    if name.startswith("NEWSSPIDER_METADATA_") or name == "NEWSSPIDER_DEBUG"
}


def pipeline(**settings: Any) -> MetadataPipeline:
    crawler = get_crawler(settings_dict={**PROJECT, "NEWSSPIDER_METADATA_MAX_SITES": 2, **settings})
    crawler.stats.open_spider()
    return build_from_crawler(MetadataPipeline, crawler)


def item(site: str = "daily.example") -> ArticleItem:
    return ArticleItem(url="http://daily.example/n/1", site=site, text=TEXT, page=parse_page(PAGE))


def test_fills_fields_counts_sources_and_cleans_the_text() -> None:
    pipe = pipeline(NEWSSPIDER_DEBUG=True)
    out = pipe.process_item(item())
    assert (out.title, out.published, out.authors) == (
        "Rains return to Cairo",
        "2018-01-22T09:22:00+00:00",
        ["Ann Lee"],
    )
    assert (out.source, out.dateline, out.language) == ("AFP", "Cairo", "en")
    assert out.text == "Heavy rain fell on the capital on Monday, flooding streets."
    stats = pipe.stats.get_stats()
    assert stats["metadata/published/meta"] == 1
    assert stats["metadata/dateline/text_prefix"] == 1
    assert stats["metadata/tags/missing"] == 1
    assert out.debug["metadata"]["sources"]["title"] == "h1"


def test_keeps_fields_already_set_and_skips_items_without_page() -> None:
    pipe = pipeline()
    given = item()
    given.title = "Set by the spider"
    assert pipe.process_item(given).title == "Set by the spider"
    bare = ArticleItem(url="http://daily.example/n/2", text="x")
    assert pipe.process_item(bare).title is None
    assert pipe.process_item({"not": "an article"}) == {"not": "an article"}
    assert given.debug is None


def test_site_profiles_are_bounded() -> None:
    pipe = pipeline()
    for n in range(4):
        pipe.process_item(item(site=f"site{n}.example"))
    assert list(pipe.profiles) == ["site2.example", "site3.example"]
    assert pipe.stats.get_value("metadata/profiles_evicted") == 2


def titled(n: int) -> ArticleItem:
    html = (
        f"<html><head><title>Story number {n} of the week - Daily Example</title></head>"
        f"<body><p>Body text of story {n}, long enough to be the article's prose.</p></body></html>"
    )
    return ArticleItem(
        url=f"http://daily.example/n/{n}", site="daily.example", page=parse_page(html)
    )


def test_site_profiles_persist_so_a_rerun_cuts_title_affixes_at_once(tmp_path: Any) -> None:
    first = pipeline(NEWSSPIDER_STATE_DIR=str(tmp_path))
    titles = [first.process_item(titled(n)).title for n in range(5)]
    assert titles[0] == "Story number 0 of the week - Daily Example"  # not yet learned
    assert titles[-1] == "Story number 4 of the week"
    first.close_spider()
    rerun = pipeline(NEWSSPIDER_STATE_DIR=str(tmp_path))
    assert rerun.process_item(titled(9)).title == "Story number 9 of the week"
    assert rerun.stats.get_value("metadata/state_loaded") == 1
    (tmp_path / "metadata").mkdir(exist_ok=True)
    for path in (tmp_path / "metadata").iterdir():
        path.write_text('{"version": -1}')
    broken = pipeline(NEWSSPIDER_STATE_DIR=str(tmp_path))
    assert broken.process_item(titled(9)).title == "Story number 9 of the week - Daily Example"
    assert broken.stats.get_value("metadata/state_invalid") == 1


def test_disabled_by_setting() -> None:
    crawler = get_crawler(settings_dict={**PROJECT, "NEWSSPIDER_METADATA_ENABLED": False})
    with pytest.raises(NotConfigured):
        build_from_crawler(MetadataPipeline, crawler)


def test_demo_crawl_metadata_matches_gold(demo: DemoServer, demo_crawl: dict[str, Any]) -> None:
    items = {i.get("canonical_url") or i["url"]: i for i in demo_crawl["items"]}
    # Crawl order decides which copy of a wire story is emitted; a copy's metadata is its
    # own page's, so only stories emitted under their gold URL are compared.
    story = {d["url"]: d["duplicate_of"] for d in demo.duplicates() if d["kind"] == "near"}
    represented = {story[url] for url in items if url in story}
    gold = [record for record in demo.gold() if record["url"] in items]
    assert len(gold) + len(represented) >= len(demo.gold())
    right = dict.fromkeys(("title", "published", "authors", "source", "dateline", "language"), 0)
    for record in gold:
        got = items[record["url"]]
        right["title"] += got["title"] == record["title"]
        right["published"] += (got["published"] or "")[:10] == record["published"][:10]
        for name in ("authors", "source", "dateline", "language"):
            right[name] += got[name] == record[name]
        own = {image["url"] for image in record["images"]}
        assert all(image["url"] in own for image in got["images"]), record["url"]
        assert not got["text"].startswith(record["dateline"] + " -"), record["url"]
    for name, count in right.items():
        assert count / len(gold) >= 0.98, (name, count, len(gold))
