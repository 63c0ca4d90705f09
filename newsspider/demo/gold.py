"""Gold data: what a perfect extractor outputs for the portal, and which URLs are duplicates."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsspider.demo.model import Article
from newsspider.demo.site import DemoSite


def gold_record(site: DemoSite, article: Article, base_url: str) -> dict[str, Any]:
    """The gold fields of one unique article, with absolute URLs."""
    layout = site.layout
    return {
        "url": base_url + layout.article_path(article),
        "site": urlsplit(base_url).netloc,
        "title": article.title,
        "text": article.text,
        "published": article.published.isoformat(),
        "modified": article.modified.isoformat() if article.modified else None,
        "authors": list(article.authors),
        "source": article.source,
        "dateline": article.dateline,
        "language": article.language,
        "section": site.spec.section(article.topic).name,
        "tags": list(article.tags),
        "images": [
            {"url": base_url + layout.image_path(article, image), "caption": image.caption}
            for image in article.images
        ],
    }


def gold_records(sites: Sequence[DemoSite], base_urls: Mapping[str, str]) -> list[dict[str, Any]]:
    """One record per unique article of every site; wire copies are left to duplicates."""
    return [
        gold_record(site, article, base_urls[site.key])
        for site in sites
        for article in site.articles
        if article.wire_of is None
    ]


def duplicate_records(
    sites: Sequence[DemoSite], base_urls: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Every linked URL that shows an article already in the gold, and which one.

    kind "url": the same article under another URL (print, AMP, tracking or reply parameters).
    kind "near": a wire copy republished with another headline and lede, and its variants.
    `duplicate_of` is always the URL of a gold record.
    """
    by_key = {site.key: site for site in sites}
    records: list[dict[str, Any]] = []
    for site in sites:
        base = base_urls[site.key]
        for article in site.articles:
            kind, original = "url", base + site.article_path(article)
            if article.wire_of is not None:
                origin_site = by_key[article.wire_of.site]
                origin = origin_site.catalog.get(article.wire_of.number)
                if origin is None:
                    continue
                kind = "near"
                original = base_urls[origin_site.key] + origin_site.article_path(origin)
                records.append(_duplicate(base + site.article_path(article), original, kind))
            for path in site.layout.duplicate_paths(article):
                records.append(_duplicate(base + path, original, kind))
    return records


def _duplicate(url: str, original: str, kind: str) -> dict[str, Any]:
    return {"url": url, "duplicate_of": original, "kind": kind}


def write_gold(
    directory: Path, records: Sequence[Mapping[str, Any]], duplicates: Sequence[Mapping[str, Any]]
) -> Path:
    """Write gold.jsonl, duplicates.jsonl and one text/<n>.txt per article into `directory`.

    Each gold.jsonl line carries `gold_path`, relative to `directory`, so that
    `score.py DIR/gold.jsonl predictions.jsonl` finds the texts. Returns gold.jsonl's path.
    """
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "text").mkdir(exist_ok=True)
    index = directory / "gold.jsonl"
    with index.open("w", encoding="utf-8") as out:
        for number, record in enumerate(records, 1):
            gold_path = f"text/{number}.txt"
            (directory / gold_path).write_text(record["text"], encoding="utf-8")
            out.write(json.dumps({**record, "gold_path": gold_path}, ensure_ascii=False) + "\n")
    with (directory / "duplicates.jsonl").open("w", encoding="utf-8") as out:
        for duplicate in duplicates:
            out.write(json.dumps(duplicate, ensure_ascii=False) + "\n")
    return index
