"""Publication and modification dates: candidates from every source, one chosen per field.

Sources, most specific first: the article's JSON-LD object, ``article:*`` meta, microdata
``itemprop``, Dublin Core, the page's WebPage JSON-LD, other date meta tags, ``<time
datetime>`` in or near the article, and the visible text near the headline ("GMT 09:22 2018
Monday ,22 January", "الإثنين 22 يناير 2018 - 12:22"), read by :mod:`dateparser`. Dates in
lists of other articles (``li`` items outside the article, far from the headline) are not
candidates, and nothing is ever taken from the crawl's clock.

    >>> from datetime import UTC, datetime
    >>> parse_machine_date("2018-01-22T09:22:00Z")
    (datetime.datetime(2018, 1, 22, 9, 22, tzinfo=datetime.timezone.utc), 2)
    >>> iso(datetime(2018, 1, 22, 9, 22, tzinfo=UTC), 2), iso(datetime(2018, 1, 22), 0)
    ('2018-01-22T09:22:00+00:00', '2018-01-22')
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from newsspider.core.blocks import Page
from newsspider.core.structured import JsonLd, meta_value
from newsspider.core.visibledates import VisibleDateParser, in_list_item
from newsspider.core.zone import ArticleZone

logger = logging.getLogger(__name__)

PUBLISHED_META: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("meta", ("article:published_time", "og:article:published_time", "og:published_time")),
    ("microdata", ("datepublished",)),
    (
        "dublin_core",
        (
            "dc.date.issued",
            "dcterms.issued",
            "dc.date",
            "dcterms.date",
            "dcterms.created",
            "dc.date.created",
            "dc.created",
        ),
    ),  # fmt: skip
    (
        "meta_other",
        (
            "article:published",
            "og:pubdate",
            "pubdate",
            "publishdate",
            "publish-date",
            "publish_date",
            "pub_date",
            "publication_date",
            "originalpublicationdate",
            "rnews:datepublished",
            "sailthru.date",
            "parsely-pub-date",
            "date",
            "datecreated",
            "dcsext.articlefirstpublished",
            "displaydate",
        ),
    ),  # fmt: skip
)
MODIFIED_META: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("meta", ("article:modified_time", "og:updated_time", "og:article:modified_time")),
    ("microdata", ("datemodified",)),
    ("dublin_core", ("dcterms.modified", "dc.date.modified")),
    ("meta_other", ("article:modified", "last-modified", "last-updated", "lastmod")),
)
# Sources from the most specific to the least.
SOURCE_ORDER = ("json_ld", "meta", "microdata", "dublin_core", "json_ld_page", "meta_other",
                "time_element", "visible")  # fmt: skip
# How far (in blocks) from the headline a <time> or a visible stamp may be.
NEAR_BLOCKS = 12
_DIGITS_ONLY = re.compile(r"\d{8}(\d{4}(\d{2})?)?")
_HAS_CLOCK = re.compile(r"\d{1,2}[:.h]\d{2}")


@dataclass(frozen=True)
class DateCandidate:
    """A date one source gives: its moment, precision (0 day, 1 time, 2 time and zone)."""

    source: str
    moment: datetime
    precision: int
    raw: str
    distance: int = 0

    @property
    def iso(self) -> str:
        """The moment as ISO 8601, as precise as the source was."""
        return iso(self.moment, self.precision)

    @property
    def day(self) -> str:
        """The calendar day, as the source states it (its own time zone)."""
        return self.moment.date().isoformat()


def iso(moment: datetime, precision: int) -> str:
    """ISO 8601 text: a date alone at precision 0, the zone only when it is known."""
    if precision == 0:
        return moment.date().isoformat()
    offset = moment.utcoffset()
    if offset is not None and offset.seconds % 60:
        moment = moment.astimezone(UTC)  # a local-mean-time offset ISO 8601 cannot write
    return moment.isoformat()


def parse_machine_date(raw: str) -> tuple[datetime, int] | None:
    """A machine-readable date (ISO 8601, RFC 2822, ``20121029``...) and its precision."""
    text = raw.strip()
    if not text or len(text) > 64:
        return None
    moment = _from_iso(text)
    if moment is None:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            moment = None
    if moment is None:
        return None
    return moment, precision_of(text, moment)


def _from_iso(text: str) -> datetime | None:
    if _DIGITS_ONLY.fullmatch(text):
        layout = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}[len(text)]
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            return None
    candidate = text.replace("/", "-")
    if len(candidate) >= 10 and candidate[4] == "-":
        candidate = candidate[:10] + candidate[10:].replace(" ", "T", 1)
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def precision_of(text: str, moment: datetime) -> int:
    """0 for a date alone, 1 with a clock time, 2 with a time zone too."""
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return 2 if _HAS_CLOCK.search(text) or moment.hour or moment.minute else 1
    return 1 if _HAS_CLOCK.search(text) else 0


class DateFinder:
    """Collects and chooses the published and modified dates of one page."""

    def __init__(self, parser: VisibleDateParser, min_year: int = 1995) -> None:
        self.parser = parser
        self.min_year = min_year

    def candidates(
        self,
        page: Page,
        ld: JsonLd,
        article: Mapping[str, Any] | None,
        zone: ArticleZone,
        language: str | None,
        now: datetime,
    ) -> tuple[list[DateCandidate], list[DateCandidate]]:
        """Published and modified candidates, each list in order of source specificity."""
        published = self.markup(page, ld, article, "datePublished", PUBLISHED_META)
        published += time_elements(page, zone)
        modified = self.markup(page, ld, article, "dateModified", MODIFIED_META)
        published, modified = self.plausible(published, now), self.plausible(modified, now)
        if settled_by_markup(published, modified):
            return published, modified  # no visible stamp could change the choice
        stamped: tuple[list[DateCandidate], list[DateCandidate]] = ([], [])
        for distance, stamp in self.parser.near_article(page, zone, language, NEAR_BLOCKS):
            candidate = DateCandidate(
                "visible", stamp.moment, stamp.precision, stamp.text, distance
            )
            stamped[stamp.update].append(candidate)
        return (
            published + self.plausible(stamped[False], now),
            modified + self.plausible(stamped[True], now),
        )

    def markup(
        self,
        page: Page,
        ld: JsonLd,
        article: Mapping[str, Any] | None,
        key: str,
        metas: tuple[tuple[str, tuple[str, ...]], ...],
    ) -> list[DateCandidate]:
        """Candidates from JSON-LD and meta tags, most specific source first."""
        found: list[DateCandidate] = []
        if article is not None:
            found += _parsed("json_ld", [ld.text(article.get(key))])
            if key == "datePublished":
                found += _parsed("json_ld", [ld.text(article.get("dateCreated"))])
        for source, names in metas:
            hit = meta_value(page.meta, names)
            if hit is not None:
                found += _parsed(source, [hit[1]])
        webpage = ld.page_object()
        if webpage is not None:
            found += _parsed("json_ld_page", [ld.text(webpage.get(key))])
        return found

    def plausible(self, found: Iterable[DateCandidate], now: datetime) -> list[DateCandidate]:
        """Candidates after `min_year` and not after `now` (a day's slack for time zones)."""
        latest = now + timedelta(days=1)
        kept = []
        for candidate in found:
            moment = candidate.moment
            aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            if moment.year >= self.min_year and aware <= latest:
                kept.append(candidate)
        return kept


def _parsed(source: str, raws: Iterable[str], distance: int = 0) -> list[DateCandidate]:
    found = []
    for raw in raws:
        parsed = parse_machine_date(raw) if raw else None
        if parsed is not None:
            found.append(DateCandidate(source, parsed[0], parsed[1], raw, distance))
    return found


def time_elements(page: Page, zone: ArticleZone) -> list[DateCandidate]:
    """``<time datetime>`` values in the article, or near its start outside any list item."""
    found: list[DateCandidate] = []
    for owner, raw in page.times:
        index = _block_at(page, owner)
        inside = zone.contains(page, owner)
        distance = zone.distance(index) if index >= 0 else len(page.blocks)
        if not inside and (distance > NEAR_BLOCKS or in_list_item(page, owner)):
            continue
        if zone.body and index > zone.body[-1]:
            continue  # after the article: comments, related stories
        found += _parsed("time_element", [raw], distance)
    found.sort(key=lambda c: c.distance)
    return found


def _block_at(page: Page, node: int) -> int:
    """The first block at or after `node` in document order (-1: none)."""
    for block in page.blocks:
        if block.node >= node:
            return block.index
    return -1


def settled_by_markup(published: list[DateCandidate], modified: list[DateCandidate]) -> bool:
    """Whether the visible text could not change the dates markup gives, so need not be read.

    It could not when both dates are given with a time zone (a visible stamp, always later
    in the candidate lists, can only refine a winner of lower precision: :func:`choose`) and
    do not clash (:func:`reconcile` then looks at no other candidate). Reading stamps with
    dateparser is most of the metadata's cost; pages with full JSON-LD or meta dates skip it.
    """
    first, last = choose(published), choose(modified)
    return (
        first is not None
        and last is not None
        and first.precision == 2
        and last.precision == 2
        and last.day >= first.day
    )


def choose(found: list[DateCandidate]) -> DateCandidate | None:
    """The most specific source's date; a less specific one on the same day may refine it.

    A JSON-LD ``2018-01-22`` and an ``article:published_time`` of ``2018-01-22T09:22Z`` give
    the latter: the same day, said more precisely.
    """
    if not found:
        return None
    winner = found[0]
    for candidate in found[1:]:
        if candidate.day == winner.day and candidate.precision > winner.precision:
            winner = candidate
    return winner


def reconcile(
    published: list[DateCandidate], modified: list[DateCandidate]
) -> tuple[DateCandidate | None, DateCandidate | None, str]:
    """The published and modified dates, a modification never before the publication.

    When they clash the less specific source yields: a modified date from markup before a
    published date read on the page means the page date was misread (a US/UK day order);
    the published date is then the best candidate not after it. Returns a note on a clash.
    """
    first, last = choose(published), choose(modified)
    if first is None or last is None or last.day >= first.day:
        return first, last, ""
    note = f"modified {last.iso} ({last.source}) before published {first.iso} ({first.source})"
    if SOURCE_ORDER.index(last.source) < SOURCE_ORDER.index(first.source):
        return choose([c for c in published if c.day <= last.day]), last, note
    return first, None, note
