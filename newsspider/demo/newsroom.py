"""The demo newsroom: writes each site's articles, the wire copies and the day-2 edits.

Every decision draws from a random stream derived from the portal seed and a label, so one
site's articles do not change when another site, or a later day, is written.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from newsspider.demo.model import (
    CITIES,
    TOPICS,
    Article,
    Block,
    City,
    Comment,
    Image,
    InlineLink,
    ReadAlso,
    SiteSpec,
    WireOrigin,
    derived_rng,
    spread,
)
from newsspider.demo.prose_ar import ArabicWriter
from newsspider.demo.prose_en import EnglishWriter

BRIEF_RATE = 0.07
LINK_RATE = 0.3
READ_ALSO_RATE = 0.35
SUBHEAD_RATE = 0.35
IMAGE_RATE = 0.85
AGENCIES = ("AFP", "Reuters", "AP")
AGENCY_WEIGHTS = (0.6, 0.25, 0.15)


class Writer(Protocol):
    """What the newsroom needs from a language's prose generator."""

    language: str

    def person(self) -> str: ...
    def headline(self, topic: str, city: City) -> str: ...
    def lede(self, topic: str, city: City) -> str: ...
    def sentence(self, topic: str, city: City) -> str: ...
    def subheading(self, topic: str) -> str: ...
    def caption(self, topic: str, city: City) -> str: ...
    def tags(self, topic: str, city: City) -> tuple[str, ...]: ...
    def comment(self, topic: str) -> tuple[str, str]: ...


def writer_for(language: str, rng: random.Random) -> Writer:
    """The prose generator of `language`, drawing from `rng`."""
    return ArabicWriter(rng) if language == "ar" else EnglishWriter(rng)


def title_key(title: str) -> str:
    """Headlines that differ only in case or punctuation count as the same.

    >>> title_key("Syria regime enters IS-held town")
    'syria regime enters is held town'
    """
    return " ".join(re.findall(r"\w+", title.lower()))


class Newsroom:
    """Writes the articles of every site of one portal; headlines stay unique portal-wide."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._titles: set[str] = set()

    def write(
        self,
        spec: SiteSpec,
        count: int,
        *,
        start: datetime,
        end: datetime,
        first_number: int,
        label: str,
        link_pool: Sequence[Article] = (),
    ) -> list[Article]:
        """`count` articles for `spec`, published between `start` and `end`, oldest first.

        In-body links and "read also" boxes point to older articles: `link_pool` and the
        ones written before in this batch.
        """
        rng = derived_rng(self._seed, spec.key, label)
        writer = writer_for(spec.language, rng)
        moments = sorted(spread(rng, start, end) for _ in range(count))
        articles: list[Article] = []
        number = first_number
        for moment in moments:
            targets = [a.number for a in (*link_pool, *articles)]
            published = moment.astimezone(spec.tz)
            articles.append(self._article(spec, writer, rng, number, published, targets))
            number += rng.randint(1, 37)
        return articles

    def wire_copies(
        self, originals: Sequence[Article], spec: SiteSpec, count: int, first_number: int
    ) -> list[Article]:
        """Republish `count` long AFP stories on `spec` with a new headline and lede."""
        rng = derived_rng(self._seed, spec.key, "wire")
        writer = writer_for(spec.language, rng)
        candidates = [a for a in originals if a.source == "AFP" and _text_blocks(a) >= 7]
        chosen = sorted(rng.sample(candidates, min(count, len(candidates))), key=_by_date)
        copies: list[Article] = []
        number = first_number
        for original in chosen:
            delay = timedelta(hours=rng.randint(2, 8), minutes=rng.randrange(60))
            published = (original.published + delay).astimezone(spec.tz)
            lede = Block("p", writer.lede(original.topic, original.city))
            rest = tuple(replace(block, link=None) for block in original.blocks[1:])
            copy = Article(
                site=spec.key,
                number=number,
                title=self._headline(writer, original.topic, original.city),
                topic=original.topic,
                published=published,
                city=original.city,
                language=spec.language,
                blocks=(lede, *rest),
                source="AFP",
                tags=writer.tags(original.topic, original.city) if spec.desk.tags else (),
                images=tuple(replace(i, name=f"{number}.jpg") for i in original.images[:1]),
                comments=_comments(writer, rng, original.topic, published, number)
                if spec.desk.comments
                else (),
                wire_of=WireOrigin(original.site, original.number),
            )
            copies.append(copy)
            number += rng.randint(1, 37)
        return copies

    def edit(self, article: Article, when: datetime) -> Article:
        """The article with one paragraph rewritten and its modified date set to `when`."""
        rng = derived_rng(self._seed, article.site, article.number, "edit")
        writer = writer_for(article.language, rng)
        blocks = list(article.blocks)
        editable = [i for i, b in enumerate(blocks) if i > 0 and b.kind == "p" and b.link is None]
        index = rng.choice(editable)
        sentences = (writer.sentence(article.topic, article.city) for _ in range(2))
        blocks[index] = Block("p", " ".join(sentences))
        modified = when.astimezone(article.published.tzinfo)
        return replace(article, blocks=tuple(blocks), modified=modified)

    def _headline(self, writer: Writer, topic: str, city: City) -> str:
        for _ in range(500):
            title = writer.headline(topic, city)
            if title_key(title) not in self._titles:
                self._titles.add(title_key(title))
                return title
        raise RuntimeError("the lexicon ran out of distinct headlines")

    def _article(
        self,
        spec: SiteSpec,
        writer: Writer,
        rng: random.Random,
        number: int,
        published: datetime,
        targets: list[int],
    ) -> Article:
        desk = spec.desk
        topic, city = rng.choice(TOPICS), rng.choice(CITIES)
        title = self._headline(writer, topic, city)
        blocks = _with_link(_body(writer, rng, topic, city, desk.sentences), rng, targets)
        read_also = None
        if len(blocks) >= 3 and targets and rng.random() < READ_ALSO_RATE:
            read_also = ReadAlso(rng.choice(targets), rng.randrange(len(blocks) - 1))
        source = None
        if rng.random() < desk.agency_rate:
            source = rng.choices(AGENCIES, AGENCY_WEIGHTS)[0]
        authors: tuple[str, ...] = ()
        if rng.random() < desk.byline_rate:
            authors = (writer.person(),)
            if rng.random() < desk.co_author_rate:
                second = writer.person()
                authors += (second,) if second != authors[0] else ()
        tags = writer.tags(topic, city) if desk.tags else ()
        images: tuple[Image, ...] = ()
        if rng.random() < IMAGE_RATE:
            images = (Image(f"{number}.jpg", writer.caption(topic, city)),)
            if rng.random() < desk.second_image_rate:
                images += (Image(f"{number}-2.jpg", writer.caption(topic, city)),)
        modified = None
        if rng.random() < desk.modified_rate:
            modified = published + timedelta(minutes=rng.randint(30, 2880))
        comments = _comments(writer, rng, topic, published, number) if desk.comments else ()
        return Article(
            site=spec.key,
            number=number,
            title=title,
            topic=topic,
            published=published,
            city=city,
            language=spec.language,
            blocks=blocks,
            modified=modified,
            authors=authors,
            source=source,
            tags=tags,
            images=images,
            read_also=read_also,
            comments=comments,
        )


def _by_date(article: Article) -> datetime:
    return article.published


def _text_blocks(article: Article) -> int:
    return sum(block.kind != "h" for block in article.blocks)


def _fresh(make: Callable[[], str], seen: set[str]) -> str:
    """A sentence not yet used in this article (a few tries, then whatever comes)."""
    text = make()
    for _ in range(20):
        if text not in seen:
            break
        text = make()
    seen.add(text)
    return text


def _body(
    writer: Writer, rng: random.Random, topic: str, city: City, sentences: tuple[int, int]
) -> tuple[Block, ...]:
    seen: set[str] = set()

    def lede() -> str:
        return _fresh(lambda: writer.lede(topic, city), seen)

    def sentence() -> str:
        return _fresh(lambda: writer.sentence(topic, city), seen)

    if rng.random() < BRIEF_RATE:
        shape = rng.randrange(3)
        if shape == 0:
            return (Block("p", lede()),)
        if shape == 1:
            return (Block("p", f"{lede()} {sentence()}"),)
        return Block("p", lede()), Block("p", sentence())
    blocks: list[Block] = []
    for index in range(rng.randint(3, 12)):
        parts = [lede() if index == 0 else sentence()]
        parts += [sentence() for _ in range(rng.randint(*sentences) - 1)]
        quote = len(parts) == 1 and parts[0].startswith('"')
        blocks.append(Block("q" if quote else "p", " ".join(parts)))
    if len(blocks) >= 5 and rng.random() < SUBHEAD_RATE:
        positions = sorted(rng.sample(range(2, len(blocks)), rng.randint(1, 2)), reverse=True)
        heads = rng.sample(_subheads(writer, topic), len(positions))
        for position, head in zip(positions, heads, strict=True):
            blocks.insert(position, Block("h", head))
    return tuple(blocks)


def _subheads(writer: Writer, topic: str) -> list[str]:
    return sorted({writer.subheading(topic) for _ in range(12)})


def _with_link(
    blocks: tuple[Block, ...], rng: random.Random, targets: list[int]
) -> tuple[Block, ...]:
    """Put a link to an older article on a few words of one paragraph, now and then."""
    candidates = [i for i, b in enumerate(blocks) if i > 0 and b.kind == "p"]
    if not targets or not candidates or rng.random() >= LINK_RATE:
        return blocks
    index = rng.choice(candidates)
    words = blocks[index].text.split()
    if len(words) < 6:
        return blocks
    start = rng.randrange(len(words) - 4)
    phrase = " ".join(words[start : start + rng.randint(2, 4)]).strip("\"'.,،:")
    if not phrase:
        return blocks
    linked = replace(blocks[index], link=InlineLink(phrase, rng.choice(targets)))
    return (*blocks[:index], linked, *blocks[index + 1 :])


def _comments(
    writer: Writer, rng: random.Random, topic: str, published: datetime, number: int
) -> tuple[Comment, ...]:
    """A small thread of reader comments, a few of them replies."""
    comments: list[Comment] = []
    posted = published
    for index in range(rng.choice((0, 0, 1, 2, 3, 4, 5, 6))):
        posted += timedelta(minutes=rng.randint(5, 600))
        author, text = writer.comment(topic)
        parent = comments[-1].number if comments and rng.random() < 0.3 else None
        comments.append(Comment(number * 100 + index, author, posted, text, parent))
    return tuple(comments)
