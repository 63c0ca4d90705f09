"""What every site layout shares: the page contract, escaping, dates and slugs."""

from __future__ import annotations

import html
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from newsspider.demo.catalog import SiteCatalog
from newsspider.demo.model import Article, Block, Image

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January February March April May June July August September October November December"
).split()
AR_WEEKDAYS = ("الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
AR_MONTHS = ("يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر").split()


@dataclass(frozen=True)
class Page:
    """A rendered page: status, HTML text, and the article it shows, if any."""

    status: int
    html: str
    article: Article | None = None


@dataclass(frozen=True)
class PageView:
    """One request as a layout sees it."""

    base_url: str
    path: str
    query: Mapping[str, str]
    rng: random.Random
    fault_links: tuple[str, ...] = ()

    def url(self, path: str) -> str:
        """The absolute URL of a site path."""
        return self.base_url + path

    def page_number(self, default: int = 1) -> int:
        """The listing page asked for with ?page=N (N >= 1), else `default`."""
        value = self.query.get("page", "")
        return int(value) if value.isdigit() and int(value) > 0 else default


class Layout(Protocol):
    """A site template: its URL scheme and how each kind of page looks."""

    encoding: str

    def article_path(self, article: Article) -> str: ...
    def image_path(self, article: Article, image: Image) -> str: ...
    def duplicate_paths(self, article: Article) -> list[str]: ...
    def resolve(self, view: PageView) -> Page | None: ...
    def not_found(self, view: PageView) -> Page: ...


def esc(text: str) -> str:
    """Escape text for an HTML text node.

    >>> esc("Tom & Jerry's <show>")
    "Tom &amp; Jerry's &lt;show&gt;"
    """
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    """Escape text for a double-quoted HTML attribute."""
    return html.escape(text, quote=True)


def slugify(text: str, words: int | None = None) -> str:
    """A lower-case ASCII-or-Arabic slug of a headline.

    >>> slugify("Syria regime enters IS-held town in 'severe blow' to IS", 6)
    'syria-regime-enters-isheld-town-in'
    """
    cleaned = re.sub(r"[^\w\s]", "", text.lower())
    parts = cleaned.split()
    return "-".join(parts[:words] if words else parts)


def slug_line(title: str) -> str:
    """The headline as the seed template's SEO line shows it: lower case, no punctuation.

    >>> slug_line("Syria regime enters IS-held town in 'severe blow' to IS")
    'syria regime enters isheld town in severe blow to is'
    """
    return " ".join(re.sub(r"[^\w\s]", "", title.lower()).split())


def gmt_stamp(moment: datetime) -> str:
    """The seed template's date stamp, in GMT.

    >>> gmt_stamp(datetime(2018, 1, 22, 9, 22, tzinfo=UTC))
    'GMT 09:22 2018 Monday ,22 January'
    """
    t = moment.astimezone(UTC)
    return f"GMT {t:%H:%M} {t.year} {WEEKDAYS[t.weekday()]} ,{t.day:02d} {MONTHS[t.month - 1]}"


def clock_stamp(rng: random.Random) -> str:
    """A "last updated" clock reading that differs from page to page."""
    return f"GMT {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"


def arabic_date(moment: datetime) -> str:
    """An Arabic date in the article's own time zone.

    >>> from datetime import timedelta, timezone
    >>> arabic_date(datetime(2018, 1, 22, 12, 22, tzinfo=timezone(timedelta(hours=2))))
    'الإثنين 22 يناير 2018 - 12:22'
    """
    day, month = AR_WEEKDAYS[moment.weekday()], AR_MONTHS[moment.month - 1]
    return f"{day} {moment.day} {month} {moment.year} - {moment:%H:%M}"


def long_date(moment: datetime) -> str:
    """An English date as a blog shows it.

    >>> long_date(datetime(2018, 1, 22, 9, 5, tzinfo=UTC))
    'January 22, 2018 at 9:05 am'
    """
    hour = moment.hour % 12 or 12
    half = "am" if moment.hour < 12 else "pm"
    return f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year} at {hour}:{moment:%M} {half}"


def inline_html(block: Block, href: str | None) -> str:
    """A block's text as HTML, with its in-body link when it has one."""
    if block.link is None or href is None:
        return esc(block.text)
    start = block.text.find(block.link.phrase)
    end = start + len(block.link.phrase)
    link = f'<a href="{attr(href)}">{esc(block.link.phrase)}</a>'
    return esc(block.text[:start]) + link + esc(block.text[end:])


def page_slice(
    items: Sequence[Article], page: int, per_page: int
) -> tuple[Sequence[Article], int] | None:
    """The items of listing page `page` and the number of pages; None past the last page."""
    last = max(1, -(-len(items) // per_page))
    if page > last:
        return None
    return items[(page - 1) * per_page : page * per_page], last


def excerpt(article: Article, length: int = 160) -> str:
    """The opening of an article's text, cut at a word boundary."""
    text = article.blocks[0].text
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"


def catalog_article(catalog: SiteCatalog, number: int | None) -> Article | None:
    """The article numbered `number` on the catalog's site, if any."""
    return catalog.get(number) if number is not None else None
