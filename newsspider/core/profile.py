"""What metadata extraction learns about one site from its own pages, in bounded memory.

* title affixes: what a page's ``<title>`` adds to its headline (" | Site", "Site - "),
  and title segments that recur across the site's pages;
* keywords that recur on most pages (site-wide SEO keywords, not the article's tags);
* ``og:image`` URLs that recur (the site's default share image, usually its logo).

    >>> profile = SiteProfile()
    >>> for n in range(3):
    ...     profile.observe(affixes={"suffix:daily news"}, segments=set(), keywords={"news"},
    ...                     share_images=set())
    >>> profile.is_affix("suffix:daily news"), profile.is_site_keyword("news")
    (True, True)
"""

from __future__ import annotations

from typing import Any

from newsspider.core.counting import LossyCounter

STATE_VERSION = 1


class SiteProfile:
    """Per-site counts of title affixes, title segments, keywords and share images.

    affix_pages: pages that must show an affix (next to the headline) before it is
        stripped from pages that do not show it themselves.
    recur_share, recur_pages: a title segment, keyword or share image on at least this
        share of the site's pages, and on this many, is the site's, not the article's.
    bucket_pages, max_entries: lossy counting window and hard cap per counter.
    """

    def __init__(
        self,
        affix_pages: int = 2,
        recur_share: float = 0.5,
        recur_pages: int = 3,
        bucket_pages: int = 200,
        max_entries: int = 2000,
    ) -> None:
        self.affix_pages = affix_pages
        self.bucket_pages = bucket_pages
        self.max_entries = max_entries
        self.recur_share = recur_share
        self.recur_pages = recur_pages
        self.affixes: LossyCounter[str] = LossyCounter(bucket_pages, max_entries)
        self.segments: LossyCounter[str] = LossyCounter(bucket_pages, max_entries)
        self.keywords: LossyCounter[str] = LossyCounter(bucket_pages, max_entries)
        self.share_images: LossyCounter[str] = LossyCounter(bucket_pages, max_entries)

    @property
    def pages(self) -> int:
        """Pages observed."""
        return self.segments.pages

    def observe(
        self, affixes: set[str], segments: set[str], keywords: set[str], share_images: set[str]
    ) -> None:
        """Count one page's title affixes and segments, keywords and og:image URLs."""
        for counter, keys in (
            (self.affixes, affixes),
            (self.segments, segments),
            (self.keywords, keywords),
            (self.share_images, share_images),
        ):
            for key in keys:
                counter.add(key)
            counter.end_page()

    def is_affix(self, key: str) -> bool:
        """Whether a "prefix:..."/"suffix:..." affix has been seen next to headlines enough."""
        return self.affixes.count(key) >= self.affix_pages or self._recurs(self.segments, key)

    def learned_affixes(self) -> list[str]:
        """Every affix key the site has confirmed, most frequent first (ties by name)."""
        keys = {k for k in self.affixes if self.is_affix(k)}
        keys |= {k for k in self.segments if self._recurs(self.segments, k)}
        return sorted(keys, key=lambda k: (-max(self.affixes.count(k), self.segments.count(k)), k))

    def is_site_keyword(self, key: str) -> bool:
        """Whether a keyword recurs on most of the site's pages."""
        return self._recurs(self.keywords, key)

    def is_site_image(self, url: str) -> bool:
        """Whether an og:image URL recurs across the site's pages (a default image)."""
        return self._recurs(self.share_images, url)

    def _recurs(self, counter: LossyCounter[str], key: str) -> bool:
        count = counter.count(key)
        return count >= self.recur_pages and count >= self.recur_share * counter.pages

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state."""
        return {
            "version": STATE_VERSION,
            "affixes": self.affixes.to_dict(),
            "segments": self.segments.to_dict(),
            "keywords": self.keywords.to_dict(),
            "share_images": self.share_images.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], **params: Any) -> SiteProfile:
        """Rebuild a profile saved by :meth:`to_dict` (`params` as for the constructor).

        Raises ValueError if the state is not one this version wrote.
        """
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise ValueError("unsupported site profile state")
        profile = cls(**params)
        try:
            for name in ("affixes", "segments", "keywords", "share_images"):
                counter = LossyCounter.from_dict(
                    data[name], profile.bucket_pages, profile.max_entries
                )
                setattr(profile, name, counter)
        except KeyError as exc:
            raise ValueError(f"bad site profile state: {exc}") from exc
        return profile
