"""Article metadata from a parsed page: title, dates, authors, agency, dateline, language,
section, tags and images, each from the most specific source that gives it.

Every field records the source that won (``Metadata.sources``), and the candidates it beat
where there were several (``Metadata.candidates``), so a wrong value can be traced. Per-site
knowledge (title affixes, site-wide keywords, default share images) lives in a
:class:`~newsspider.core.profile.SiteProfile` the caller keeps, one per site.

    >>> from newsspider.core.blocks import parse_page
    >>> page = parse_page('<html lang="en"><head><title>Rains return | Daily</title>'
    ...     '<meta property="article:published_time" content="2018-01-22T09:22:00Z"></head>'
    ...     '<body><h1>Rains return</h1><p>By Ann Lee</p><p>CAIRO (AFP) - Heavy rain fell on the'
    ...     ' capital on Monday, flooding streets in several districts.</p></body></html>')
    >>> text = "CAIRO (AFP) - Heavy rain fell on the capital on Monday, flooding streets in several districts."
    >>> meta = MetadataExtractor().extract(page, "http://daily.example/n/1", text)
    >>> meta.title, meta.published, meta.authors, meta.source, meta.dateline, meta.language
    ('Rains return', '2018-01-22T09:22:00+00:00', ['Ann Lee'], 'AFP', 'Cairo', 'en')
    >>> meta.text[:15], meta.sources["published"], meta.sources["title"]
    ('Heavy rain fell', 'meta', 'h1')
"""  # noqa: E501

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from newsspider.core.blocks import Page
from newsspider.core.bylines import BylineReader
from newsspider.core.credits import CreditFinder
from newsspider.core.dates import DateFinder, reconcile
from newsspider.core.images import article_images
from newsspider.core.language import LanguageChecker, language_code
from newsspider.core.profile import SiteProfile
from newsspider.core.structured import JsonLd, meta_value, parse_json_ld
from newsspider.core.taxonomy import (
    MarkReader,
    Marks,
    breadcrumb_section,
    clean_tags,
    json_ld_breadcrumb,
    split_keywords,
    url_section,
    visible_tags,
)
from newsspider.core.titles import (
    choose_title,
    headings,
    known_affixes,
    observe_title,
    visible_headline,
)
from newsspider.core.visibledates import VisibleDateParser
from newsspider.core.zone import ArticleZone, locate, words_key

logger = logging.getLogger(__name__)

FIELDS = ("title", "published", "modified", "authors", "source", "dateline", "language",
          "section", "tags", "images")  # fmt: skip
_LANGUAGE_META = ("content-language", "language", "dc.language", "dcterms.language")
_MAX_CANDIDATES = 8


@dataclass(frozen=True)
class MetadataConfig:
    """Parameters of metadata extraction.

    near_blocks: how many blocks after the headline may hold its byline, dateline and date
        stamp (more: finds stamps further down, risks a neighbouring teaser's date).
    min_year: dates before this year are placeholders, not publication dates.
    language_min_letters: a text shorter than this cannot overrule the declared language.
    language_contradict: probability the identifier needs to overrule a declaration.
    """

    near_blocks: int = 12
    min_year: int = 1995
    language_min_letters: int = 40
    language_contradict: float = 0.9


@dataclass
class Metadata:
    """The metadata of one article, and how each field was found."""

    text: str | None = None
    """The article text with its dateline and credit lines removed."""
    title: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    dateline: str | None = None
    language: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    """Field name -> the source its value came from (fields left empty are absent)."""
    candidates: dict[str, list[list[str]]] = field(default_factory=dict)
    """Field name -> [source, value] of every candidate considered, when there were several."""
    removed: list[str] = field(default_factory=list)
    """Text taken out of the article text (dateline, credit lines)."""
    notes: list[str] = field(default_factory=list)
    """Conflicts resolved (a modification dated before the publication...)."""

    def debug(self) -> dict[str, Any]:
        """The account of this extraction, JSON-ready."""
        return {
            "sources": self.sources,
            "candidates": self.candidates,
            "removed": self.removed,
            "notes": self.notes,
        }


@dataclass
class _Context:
    """What every field's extraction reads: the page, its JSON-LD article, its zone."""

    page: Page
    url: str
    ld: JsonLd
    article: Mapping[str, Any] | None
    profile: SiteProfile | None
    site_keys: list[str]
    zone: ArticleZone = ArticleZone(-1, (), -1)
    marks: Marks = Marks(frozenset(), frozenset())
    """The page's tokens that name a breadcrumb trail or a tag box."""

    def article_value(self, key: str) -> Any:
        """A field of the JSON-LD article (None without one)."""
        return self.article.get(key) if self.article is not None else None


class MetadataExtractor:
    """Extracts :class:`Metadata` from pages; holds the readers it builds once."""

    def __init__(self, config: MetadataConfig | None = None) -> None:
        self.config = config or MetadataConfig()
        self.dates = DateFinder(VisibleDateParser(), self.config.min_year)
        self.marks = MarkReader()
        self.credits = CreditFinder(BylineReader(), self.config.near_blocks)
        self.languages = LanguageChecker(
            min_letters=self.config.language_min_letters,
            contradict=self.config.language_contradict,
        )

    def extract(
        self,
        page: Page,
        url: str,
        text: str | None,
        profile: SiteProfile | None = None,
        now: datetime | None = None,
    ) -> Metadata:
        """The metadata of `page` fetched from `url`, whose cleaned article text is `text`.

        `profile` is the site's profile: read, then updated with this page. `now` bounds
        plausible dates (default: the current time); it is never a candidate.
        """
        ld = parse_json_ld(page.json_ld)
        article = ld.article(url, page.meta.get("og:title") or page.title)
        site_name = _site_name(page, ld, article)
        shown_headings = headings(page)
        trusted, shown, segments = observe_title(
            page, _declared_headlines(page, ld, article), shown_headings[:5]
        )
        affixes = known_affixes(profile, trusted, site_name)
        keys = [words_key(site_name)] + [a.partition(":")[2] for a in affixes]
        ctx = _Context(
            page, url, ld, article, profile, [k for k in keys if k], marks=self.marks.read(page)
        )
        meta = Metadata(text=text)
        self._title(meta, ctx, affixes, shown_headings)
        ctx.zone = locate(page, text or "", meta.title or "")
        self._language(meta, ctx)
        self._dates(meta, ctx, now or datetime.now(UTC))
        self._credits(meta, ctx)
        self._section(meta, ctx)
        keywords = self._tags(meta, ctx)
        share = self._images(meta, ctx)
        if profile is not None:
            profile.observe(shown, segments, keywords, share)
        return meta

    def _title(
        self, meta: Metadata, ctx: _Context, affixes: Sequence[str], shown: Sequence[str]
    ) -> None:
        page = ctx.page
        candidates = [
            ("json_ld", ctx.ld.text(ctx.article_value("headline"))),
            ("og_title", page.meta.get("og:title", "")),
            ("twitter_title", page.meta.get("twitter:title", "")),
            ("h1", visible_headline(page, affixes, shown)),
            ("title", page.title),
        ]
        chosen = choose_title(candidates, affixes)
        if chosen is not None:
            meta.title, meta.sources["title"] = chosen
        _note(meta, "title", [(s, t) for s, t in candidates if t])

    def _language(self, meta: Metadata, ctx: _Context) -> None:
        page = ctx.page
        hit = meta_value(page.meta, _LANGUAGE_META)
        declared = [
            ("html_lang", page.lang),
            ("json_ld", ctx.ld.text(ctx.article_value("inLanguage"))),
            ("meta", hit[1] if hit else ""),
            ("og_locale", page.meta.get("og:locale", "")),
        ]
        codes = [(s, language_code(v)) for s, v in declared if v]
        source, code = next(((s, c) for s, c in codes if c), ("", None))
        # The cleaned text when there is one; else the page's prose (links left out).
        sample = meta.text or " ".join(b.text for b in page.blocks if b.link_ratio < 0.5)
        language, how = self.languages.decide(code, sample)
        if language:
            meta.language, meta.sources["language"] = language, source if how == "declared" else how
        _note(meta, "language", [(s, c or "?") for s, c in codes])

    def _dates(self, meta: Metadata, ctx: _Context, now: datetime) -> None:
        published, modified = self.dates.candidates(
            ctx.page, ctx.ld, ctx.article, ctx.zone, meta.language, now
        )
        first, last, clash = reconcile(published, modified)
        if clash:
            meta.notes.append(clash)
        for name, chosen, found in (("published", first, published), ("modified", last, modified)):
            if chosen is not None:
                setattr(meta, name, chosen.iso)
                meta.sources[name] = chosen.source
            _note(meta, name, [(c.source, c.iso) for c in found])

    def _credits(self, meta: Metadata, ctx: _Context) -> None:
        found = self.credits.find(
            ctx.page, ctx.zone, meta.text or "", ctx.ld, ctx.article, meta.language, ctx.site_keys
        )
        if meta.text is not None:
            meta.text = found.text
        meta.authors, meta.source, meta.dateline = found.authors, found.source, found.dateline
        meta.sources.update(found.sources)
        meta.removed += found.removed

    def _section(self, meta: Metadata, ctx: _Context) -> None:
        title = meta.title or ""
        candidates = [
            ("json_ld", ctx.ld.text(ctx.article_value("articleSection"))),
            ("meta", ctx.page.meta.get("article:section", "")),
            ("json_ld_breadcrumb", json_ld_breadcrumb(ctx.ld, title) or ""),
            ("breadcrumb", breadcrumb_section(ctx.page, ctx.zone, title, ctx.marks) or ""),
            ("url", url_section(ctx.page, ctx.url) or ""),
        ]
        found = [(s, " ".join(v.split())) for s, v in candidates if v and v.strip()]
        if found:
            meta.section, meta.sources["section"] = found[0][1], found[0][0]
        _note(meta, "section", found)

    def _tags(self, meta: Metadata, ctx: _Context) -> set[str]:
        """Tags from the first source that has any; returns the page's keyword keys."""
        page = ctx.page
        keywords = split_keywords(page.meta.get("keywords", ""))
        profile = ctx.profile
        site_keyword: Callable[[str], bool] = profile.is_site_keyword if profile else _never
        for source, tags in _tag_candidates(ctx, keywords):
            kept = clean_tags(tags, meta.title or "", ctx.site_keys, site_keyword)
            if kept:
                meta.tags, meta.sources["tags"] = kept, source
                break
        return {words_key(k) for k in keywords if words_key(k)}

    def _images(self, meta: Metadata, ctx: _Context) -> set[str]:
        """The article's images; returns the page's share image URLs for the site profile."""
        page = ctx.page
        named = [(u, c, "json_ld") for u, c in ctx.ld.images(ctx.article_value("image"))]
        share = {page.meta.get(k, "") for k in ("og:image", "twitter:image")} - {""}
        for src in sorted(share):
            if ctx.profile is None or not ctx.profile.is_site_image(src):
                named.append((src, page.meta.get("og:image:alt", ""), "og_image"))
        images = article_images(page, ctx.zone, ctx.url, named)
        meta.images = [{"url": u, "caption": c} for u, c, _ in images]
        if images:
            meta.sources["images"] = images[0][2]
        return share


def _tag_candidates(ctx: _Context, keywords: list[str]) -> Iterator[tuple[str, list[str]]]:
    """(source, tags), most specific first; lazily, as the first source with tags wins and
    the visible tag box costs a walk over the page."""
    page = ctx.page
    yield "json_ld", ctx.ld.list_of(ctx.article_value("keywords"))
    yield "article_tag", split_keywords(page.meta.get("article:tag", ""))
    yield "news_keywords", split_keywords(page.meta.get("news_keywords", ""))
    yield "keywords", keywords
    yield "visible", visible_tags(page, ctx.zone, ctx.marks)


def _site_name(page: Page, ld: JsonLd, article: Mapping[str, Any] | None) -> str:
    name = page.meta.get("og:site_name", "")
    if not name and article is not None:
        name = ld.text(article.get("publisher"))
    return name if not name.startswith("http") else ""


def _declared_headlines(page: Page, ld: JsonLd, article: Mapping[str, Any] | None) -> list[str]:
    """Headlines the markup declares: og:title, twitter:title, the JSON-LD headline."""
    texts = [page.meta.get("og:title", ""), page.meta.get("twitter:title", "")]
    if article is not None:
        texts.append(ld.text(article.get("headline")))
    return [t for t in texts if t]


def _note(meta: Metadata, name: str, found: Sequence[tuple[str, str]]) -> None:
    if len(found) > 1:
        meta.candidates[name] = [[s, v] for s, v in found[:_MAX_CANDIDATES]]


def _never(_: str) -> bool:
    return False
