"""Data model of the demo portal: sites, sections, articles and their parts.

Everything here is immutable; the portal is built once from a seed and only read afterwards.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

TOPICS: tuple[str, ...] = ("politics", "economy", "sports", "technology", "culture")


def derived_rng(seed: int, *labels: object) -> random.Random:
    """A private random stream for one purpose, stable across Python runs.

    >>> derived_rng(7, "site", 1).random() == derived_rng(7, "site", 1).random()
    True
    """
    key = "/".join([str(seed), *map(str, labels)]).encode("utf-8")
    return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))


@dataclass(frozen=True)
class City:
    """A dateline city, named in both languages of the portal."""

    en: str
    ar: str

    def name(self, language: str) -> str:
        """The city's name in `language` ("en" or "ar")."""
        return self.ar if language == "ar" else self.en


CITIES: tuple[City, ...] = (
    City("Beirut", "بيروت"),
    City("Damascus", "دمشق"),
    City("Cairo", "القاهرة"),
    City("Rabat", "الرباط"),
    City("Casablanca", "الدار البيضاء"),
    City("Baghdad", "بغداد"),
    City("Amman", "عمان"),
    City("Riyadh", "الرياض"),
    City("Dubai", "دبي"),
    City("Paris", "باريس"),
    City("London", "لندن"),
    City("Washington", "واشنطن"),
    City("Moscow", "موسكو"),
    City("Geneva", "جنيف"),
    City("Tunis", "تونس"),
    City("Algiers", "الجزائر"),
    City("Istanbul", "إسطنبول"),
    City("Tehran", "طهران"),
    City("Jerusalem", "القدس"),
    City("Kuwait City", "الكويت"),
)


@dataclass(frozen=True)
class Section:
    """A section of one site: the topic it covers, its URL slug and its displayed name."""

    topic: str
    slug: str
    name: str


@dataclass(frozen=True)
class DeskPolicy:
    """How a site's newsroom writes: paragraph length and how often each feature appears."""

    sentences: tuple[int, int] = (1, 2)
    agency_rate: float = 0.6
    byline_rate: float = 0.0
    co_author_rate: float = 0.0
    tags: bool = False
    comments: bool = False
    modified_rate: float = 0.0
    second_image_rate: float = 0.0


@dataclass(frozen=True)
class SiteSpec:
    """What distinguishes one site of the portal: identity, language, clock and feeds."""

    key: str
    name: str
    language: str
    layout: str
    sections: tuple[Section, ...]
    first_id: int
    tz: tzinfo = UTC
    desk: DeskPolicy = DeskPolicy()
    feed: str | None = None  # "rss", "atom" or None
    sitemap_index: bool = False

    def section(self, topic: str) -> Section:
        """The section that covers `topic`."""
        for section in self.sections:
            if section.topic == topic:
                return section
        raise KeyError(topic)


@dataclass(frozen=True)
class InlineLink:
    """A link on `phrase` (a substring of its paragraph) to another article of the same site."""

    phrase: str
    target: int


@dataclass(frozen=True)
class Block:
    """One unit of body text: a paragraph ("p"), subheading ("h") or quotation ("q")."""

    kind: str
    text: str
    link: InlineLink | None = None


@dataclass(frozen=True)
class Image:
    """An article image; `name` is a file name the site's layout turns into a URL path."""

    name: str
    caption: str


@dataclass(frozen=True)
class ReadAlso:
    """A "Read also" box after body block `after`, pointing to article `target`."""

    target: int
    after: int


@dataclass(frozen=True)
class Comment:
    """A reader comment; `parent` is the number of the comment it answers."""

    number: int
    author: str
    posted: datetime
    text: str
    parent: int | None = None


@dataclass(frozen=True)
class WireOrigin:
    """Where a wire copy was first published: the site key and article number."""

    site: str
    number: int


@dataclass(frozen=True)
class Article:
    """One article as its newsroom wrote it, before any site renders it."""

    site: str
    number: int
    title: str
    topic: str
    published: datetime
    city: City
    language: str
    blocks: tuple[Block, ...]
    modified: datetime | None = None
    authors: tuple[str, ...] = ()
    source: str | None = None
    tags: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    read_also: ReadAlso | None = None
    comments: tuple[Comment, ...] = ()
    wire_of: WireOrigin | None = None

    @property
    def text(self) -> str:
        """The body text: every block, one per line."""
        return "\n".join(block.text for block in self.blocks)

    @property
    def dateline(self) -> str:
        """The dateline city in the article's language."""
        return self.city.name(self.language)

    @property
    def last_change(self) -> datetime:
        """When the article last changed: its modified date, else its publication."""
        return self.modified or self.published

    @property
    def version(self) -> str:
        """A short digest of everything a reader sees, for HTTP validators."""
        data = "\x1f".join([self.site, str(self.number), self.title, self.text])
        data += self.last_change.isoformat()
        return hashlib.sha1(data.encode("utf-8")).hexdigest()[:16]


def day_start(year: int, month: int, day: int) -> datetime:
    """Midnight UTC of a date, the origin the newsroom's clock counts from."""
    return datetime(year, month, day, tzinfo=UTC)


def spread(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A random minute between `start` and `end`, during newsroom hours (06:00-22:59)."""
    days = (end - start).days
    moment = start + timedelta(days=rng.randrange(days))
    return moment.replace(hour=rng.randrange(6, 23), minute=rng.randrange(60))
