"""One site's articles and the queries its pages are built from."""

from __future__ import annotations

import random
from collections.abc import Sequence

from newsspider.demo.model import Article, SiteSpec, derived_rng

MOST_READ = 15


class SiteCatalog:
    """The articles of one site, newest first, with the lookups listings and sidebars need."""

    def __init__(self, spec: SiteSpec, articles: Sequence[Article], seed: int) -> None:
        self.spec = spec
        self.articles: tuple[Article, ...] = tuple(
            sorted(articles, key=lambda a: (a.published, a.number), reverse=True)
        )
        self._by_number = {a.number: a for a in self.articles}
        picker = derived_rng(seed, spec.key, "most-read")
        count = min(MOST_READ, len(self.articles))
        self._most_read = tuple(picker.sample(self.articles, count))

    def get(self, number: int) -> Article | None:
        """The article numbered `number`, if the site has it."""
        return self._by_number.get(number)

    def latest(self, count: int) -> tuple[Article, ...]:
        """The `count` newest articles."""
        return self.articles[:count]

    def in_section(self, topic: str) -> tuple[Article, ...]:
        """The articles of one section, newest first."""
        return tuple(a for a in self.articles if a.topic == topic)

    def tagged(self, tag: str) -> tuple[Article, ...]:
        """The articles carrying `tag`, newest first."""
        return tuple(a for a in self.articles if tag in a.tags)

    def by_author(self, name: str) -> tuple[Article, ...]:
        """The articles signed by `name`, newest first."""
        return tuple(a for a in self.articles if name in a.authors)

    def search(self, query: str) -> tuple[Article, ...]:
        """Articles whose headline or tags contain `query`, ignoring case."""
        needle = query.casefold().strip()
        if not needle:
            return ()
        return tuple(
            a
            for a in self.articles
            if needle in a.title.casefold() or any(needle in t.casefold() for t in a.tags)
        )

    def most_read(self, count: int = MOST_READ) -> tuple[Article, ...]:
        """A fixed "most read" selection, the same on every page of the site."""
        return self._most_read[:count]

    def related(self, article: Article | None, rng: random.Random, count: int) -> list[Article]:
        """`count` other articles picked with `rng`, so that every page shows its own list."""
        pool = [a for a in self.articles if a is not article]
        return rng.sample(pool, min(count, len(pool)))

    def neighbours(self, article: Article) -> tuple[Article | None, Article | None]:
        """The articles published just before and just after `article`."""
        index = self.articles.index(article)
        older = self.articles[index + 1] if index + 1 < len(self.articles) else None
        newer = self.articles[index - 1] if index > 0 else None
        return older, newer

    def tags(self) -> list[str]:
        """Every tag used on the site, most used first."""
        counts: dict[str, int] = {}
        for article in self.articles:
            for tag in article.tags:
                counts[tag] = counts.get(tag, 0) + 1
        return sorted(counts, key=lambda t: (-counts[t], t))

    def authors(self) -> list[str]:
        """Every byline name used on the site, sorted."""
        return sorted({name for a in self.articles for name in a.authors})
