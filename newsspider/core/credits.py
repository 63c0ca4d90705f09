"""Who wrote an article, for which agency, from where: authors, source and dateline.

Sources, most specific first. Authors: JSON-LD ``author`` persons, author meta tags, the
visible byline. Source (agency): a credit line in the article ("Source: AFP", "— Reuters"),
the dateline's "(AFP)", agencies named in the byline, JSON-LD or meta. Dateline: the first
lines of the text ("Beirut - Al Maghrib Today", "TUNIS (AFP) - ..."), a dateline line between
headline and body, an upper-case place in the byline or date line. The dateline line (or
prefix) and pure credit lines are removed from the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsspider.core.agencies import MAX_CREDIT_CHARS, agency_of, credit_line
from newsspider.core.blocks import Block, Page
from newsspider.core.bylines import BylineReader, has_byline_label
from newsspider.core.datelines import Dateline, dateline_of, has_uppercase_run, uppercase_place
from newsspider.core.memo import Memo
from newsspider.core.structured import JsonLd, type_names
from newsspider.core.visibledates import has_date_shape
from newsspider.core.zone import ArticleZone, words_key

AUTHOR_META = ("author", "article:author", "dc.creator", "dcterms.creator", "byl",
               "parsely-author", "sailthru.author", "citation_author")  # fmt: skip
_AUTHOR_TOKENS = re.compile(r"author|byline|writer|reporter|journalist")
_HEAD_LINES = 2
_TAIL_LINES = 3
_MAX_DATELINE_WORDS = 8
_MAX_BYLINE_CHARS = 200
_MAX_STAMP_LINE_CHARS = 80


@dataclass
class Credits:
    """Authors, agency and dateline of one article, each with the source that gave it."""

    text: str
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    dateline: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    """Lines taken out of the text (the dateline, credit lines)."""


class CreditFinder:
    """Finds the credits of a page; holds the byline reader and its calendar words.

    remembered: how many short block texts' credit readings are kept across pages (a site
        repeats its captions and widget lines); all are forgotten when full.
    """

    def __init__(
        self, reader: BylineReader, near_blocks: int = 12, remembered: int = 10_000
    ) -> None:
        self.reader = reader
        self.near_blocks = near_blocks
        self._credits_of = Memo(credit_line, remembered)

    def find(
        self,
        page: Page,
        zone: ArticleZone,
        text: str,
        ld: JsonLd,
        article: Mapping[str, Any] | None,
        language: str | None,
        site_keys: Sequence[str],
    ) -> Credits:
        """The credits of `page`; `site_keys` are word keys naming the site (not authors)."""
        credits = Credits(text)
        near = self._near_blocks(page, zone)
        body = set(zone.body)
        header = [b for b in near if b.index not in body]
        names, by_agencies = self._bylines(page, header, text, language)
        agencies = [("byline", a) for a in by_agencies]
        self._dateline_from_text(credits, agencies)
        if credits.dateline is None:
            calendar = self.reader.calendar_words(language)
            self._dateline_from_page(credits, near, body, calendar)
        agencies += self._credit_lines(credits, page, zone, {b.index for b in near})
        people, ld_agencies = ld_authors(ld, article)
        agencies += [("json_ld_author", a) for a in ld_agencies]
        meta_names, meta_agencies = self._meta_authors(page, language)
        agencies += [("meta_author", a) for a in meta_agencies]
        for source, found in (("json_ld", people), ("meta", meta_names), ("byline", names)):
            found = [n for n in found if not _names_site(n, site_keys)]
            if found:
                credits.authors, credits.sources["authors"] = found, source
                break
        order = ("credit_line", "dateline", "byline", "json_ld_author", "meta_author")
        for source, agency in sorted(agencies, key=lambda entry: order.index(entry[0])):
            credits.source, credits.sources["source"] = agency, source
            break
        return credits

    def _near_blocks(self, page: Page, zone: ArticleZone) -> list[Block]:
        """Blocks from the headline on (body included), without the headline and links."""
        start = zone.start if zone.start >= 0 else 0
        return [
            b
            for b in page.blocks[start : start + self.near_blocks + 1]
            if b.index != zone.headline and b.link_ratio < 0.5
        ]

    def _dateline_from_text(self, credits: Credits, agencies: list[tuple[str, str]]) -> None:
        lines = credits.text.split("\n")
        for i, line in enumerate(lines[:_HEAD_LINES]):
            found = dateline_of(line)
            if found is None:
                continue
            _record_dateline(credits, found, "text_" + found.kind)
            if found.agency:
                agencies.append(("dateline", found.agency))
            credits.removed.append(line if found.kind == "line" else line[: -len(found.remainder)])
            lines[i : i + 1] = [found.remainder] if found.remainder else []
            credits.text = "\n".join(lines)
            return

    def _dateline_from_page(
        self, credits: Credits, near: list[Block], body: set[int], calendar: frozenset[str]
    ) -> None:
        """A dateline line between headline and body, else a place in a byline or date line.

        A byline or date line that carries the dateline and was left in the text goes.
        """
        for block in near:
            if block.index not in body and len(block.text.split()) <= _MAX_DATELINE_WORDS:
                found = dateline_of(block.text)
                if found is not None and found.kind == "line":
                    _record_dateline(credits, found, "page_line")
                    return
        for block in near:
            if len(block.text) > _MAX_BYLINE_CHARS or not has_uppercase_run(block.text):
                continue  # no upper-case run, so no place: spares the label and date tests
            if has_byline_label(block.text) or has_date_shape(block.text):
                place = uppercase_place(block.text, calendar)
                if place is not None:
                    credits.dateline, credits.sources["dateline"] = place, "meta_line"
                    _drop_head_line(credits, block.text)
                    return

    def _credit_lines(
        self, credits: Credits, page: Page, zone: ArticleZone, near: set[int]
    ) -> list[tuple[str, str]]:
        """Agencies of pure credit lines: removed from the text's ends, read in the article
        (and near its start: a short article's credit may follow its header)."""
        found: list[tuple[str, str]] = []
        lines = credits.text.split("\n")
        ends = set(range(min(_HEAD_LINES, len(lines)))) | set(
            range(max(0, len(lines) - _TAIL_LINES), len(lines))
        )
        for i in sorted(ends, reverse=True):
            agency = self._credit_line(lines[i])
            if agency is not None:
                found.append(("credit_line", agency))
                credits.removed.append(lines.pop(i))
        credits.text = "\n".join(lines)
        subtree = zone.subtree  # this runs for every block of the page
        for block in page.blocks:
            if block.index in near or block.node in subtree:
                agency = self._credit_line(block.text)
                if agency is not None:
                    found.append(("credit_line", agency))
        return found

    def _credit_line(self, text: str) -> str | None:
        """:func:`credit_line`, remembered for short texts (long ones are never credits)."""
        known = self._credits_of.entries
        if text in known:
            return known[text]
        if len(text.strip()) > MAX_CREDIT_CHARS:
            return None
        return self._credits_of(text)

    def _bylines(
        self, page: Page, header: list[Block], text: str, language: str | None
    ) -> tuple[list[str], list[str]]:
        """Names and agencies of the first byline near the headline or atop the text."""
        texts = [b.text for b in header if _is_byline_block(page, b)]
        texts += [line for line in text.split("\n")[:_HEAD_LINES] if has_byline_label(line)]
        for candidate in texts:
            names, agencies = self.reader.read(candidate[:_MAX_BYLINE_CHARS], language)
            if names or agencies:
                return names, agencies
        return [], []

    def _meta_authors(self, page: Page, language: str | None) -> tuple[list[str], list[str]]:
        for name in AUTHOR_META:
            value = page.meta.get(name, "").strip()
            if value and not value.startswith(("http://", "https://", "/")):
                names, agencies = self.reader.read(value, language)
                if names or agencies:
                    return names, agencies
        return [], []


def ld_authors(ld: JsonLd, article: Mapping[str, Any] | None) -> tuple[list[str], list[str]]:
    """(person names, agency short names) of a JSON-LD article's ``author``."""
    if article is None:
        return [], []
    value = article.get("author")
    people: list[str] = []
    agencies: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        item = ld.resolve(item)
        for name in ld.names(item):
            agency = agency_of(name)
            if agency is not None:
                agencies.append(agency)
            elif not (isinstance(item, dict) and "organization" in type_names(item)):
                people.append(name)
    return list(dict.fromkeys(people)), list(dict.fromkeys(agencies))


def _is_byline_block(page: Page, block: Block) -> bool:
    if has_byline_label(block.text):
        return True
    tokens = page.tokens[block.node]
    return len(block.text) <= 80 and any(map(_AUTHOR_TOKENS.search, tokens))


def _drop_head_line(credits: Credits, line: str) -> None:
    """Remove a byline or date line carrying the dateline from the text's first lines."""
    if not has_byline_label(line) and len(line) > _MAX_STAMP_LINE_CHARS:
        return  # a sentence, not a stamp: it stays in the article
    lines = credits.text.split("\n")
    if line in lines[:_HEAD_LINES]:
        lines.remove(line)
        credits.text = "\n".join(lines)
        credits.removed.append(line)


def _record_dateline(credits: Credits, found: Dateline, source: str) -> None:
    credits.dateline, credits.sources["dateline"] = found.place, source


def _names_site(name: str, site_keys: Sequence[str]) -> bool:
    key = words_key(name)
    return any(key == k or key.replace(" ", "") == k.replace(" ", "") for k in site_keys)
