"""The headline, without the site name the page's ``<title>`` wraps it in.

Affixes are learned, not listed: a page whose ``<title>`` is "Syria talks | Daily News" and
whose ``og:title`` or ``<h1>`` is "Syria talks" shows the affix "suffix:daily news"; a
:class:`~newsspider.core.profile.SiteProfile` counts such affixes (and title segments that
recur across the site), so that pages offering nothing but their ``<title>`` are cut too.

    >>> page_affixes("Almaghrib Today, almaghrib today Beirut: talks resume", ["Beirut: talks resume"])
    {'prefix:almaghrib today almaghrib today'}
    >>> strip_affix("Syria talks resume? | Daily News", "suffix:daily news")
    'Syria talks resume?'
"""  # noqa: E501

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from newsspider.core.blocks import Page
from newsspider.core.profile import SiteProfile
from newsspider.core.zone import words_key

_WORD = re.compile(r"\w+")
# Segments count only when they recur across a site's pages, so ": " may split them too.
_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•»~/]{1,2}|::)\s+|\s*[|·•»]\s*|:\s+")
_STRIP = " |-–—:·•»~/,"
_ELLIPSIS = ("…", "...")
_MAX_HEADING_CHARS = 300
_MIN_LEFT_CHARS = 8
_MAX_AFFIX_WORDS = 8


def page_affixes(raw: str, headlines: Iterable[str]) -> set[str]:
    """Affix keys ("prefix:..."/"suffix:...") that `raw` adds around one of `headlines`."""
    raw_words = _WORD.findall(raw.lower())
    found: set[str] = set()
    for headline in headlines:
        words = _WORD.findall(headline.lower())
        n = len(words)
        extra = len(raw_words) - n
        # A short heading inside a long title (a section name) is not the headline.
        if not n or extra < 1 or extra > _MAX_AFFIX_WORDS or extra > 2 * n:
            continue
        if raw_words[:n] == words:
            found.add("suffix:" + " ".join(raw_words[n:]))
        elif raw_words[-n:] == words:
            found.add("prefix:" + " ".join(raw_words[:-n]))
    return found


def title_segments(raw: str) -> set[str]:
    """The first and last separator-delimited parts of a title, as affix keys."""
    parts = [p for p in _SEPARATOR.split(raw) if p.strip()]
    if len(parts) < 2:
        return set()
    return {"prefix:" + words_key(parts[0]), "suffix:" + words_key(parts[-1])}


def strip_affix(title: str, key: str) -> str | None:
    """`title` without the affix `key`, or None if the title does not carry it."""
    side, _, affix = key.partition(":")
    affix_words = affix.split()
    matches = list(_WORD.finditer(title))
    words = [m.group().lower() for m in matches]
    n = len(affix_words)
    if not n or len(words) <= n:
        return None
    if side == "prefix" and words[:n] == affix_words:
        rest = title[matches[n - 1].end() :].lstrip(_STRIP)
    elif side == "suffix" and words[-n:] == affix_words:
        rest = title[: matches[-n].start()].rstrip(_STRIP)
    else:
        return None
    return rest if len(rest) >= _MIN_LEFT_CHARS else None


def headings(page: Page) -> list[str]:
    """Texts of the page's h1 (then h2) blocks that are not links."""
    found: dict[str, list[str]] = {"h1": [], "h2": []}
    tags = page.tags
    for block in page.blocks:
        tag = tags[block.node]
        if tag in found and block.link_ratio < 0.5 and len(block.text) <= _MAX_HEADING_CHARS:
            found[tag].append(block.text)
    return found["h1"] + found["h2"]


def visible_headline(
    page: Page, affixes: Iterable[str] = (), shown: Sequence[str] | None = None
) -> str:
    """The first h1 (else h2) that is most of the ``<title>`` (its affixes cut): the headline
    as shown. A section name in an h1 ("Markets") is not it.

    `shown` are the page's :func:`headings`, when the caller has them.
    """
    title = words_key(strip_all(page.title, affixes))
    for text in headings(page) if shown is None else shown:
        key = words_key(text)
        if key and (not title or (key in title and 2 * len(key) >= len(title))):
            return text
    return ""


def choose_title(
    candidates: Sequence[tuple[str, str]], affixes: Sequence[str]
) -> tuple[str, str] | None:
    """(title, source): the first usable candidate, with known affixes cut off.

    `candidates` are (source, text) pairs, most specific first; a JSON-LD headline cut
    short with an ellipsis gives way to the next one.
    """
    for source, text in candidates:
        text = " ".join(text.split())
        if not text or (source == "json_ld" and text.endswith(_ELLIPSIS)):
            continue
        return strip_all(text, affixes), source
    return None


def strip_all(title: str, affixes: Iterable[str]) -> str:
    """`title` with the first matching prefix and the first matching suffix cut off."""
    done: set[str] = set()
    for key in affixes:
        side = key.partition(":")[0]
        if side not in done:
            stripped = strip_affix(title, key)
            if stripped is not None:
                title = stripped
                done.add(side)
    return title


def observe_title(
    page: Page, declared: Sequence[str], headings_shown: Sequence[str]
) -> tuple[set[str], set[str], set[str]]:
    """(trusted, seen, segments): affixes this page shows, and its title's segments.

    An affix next to a `declared` headline (JSON-LD, og:title) is trusted at once, and so is
    one shorter than the heading it wraps; a longer one only once other pages show it too (a
    blog's name in its h1 would otherwise make the post's title look like an affix). `seen`
    holds them all, for the site profile.
    """
    if not page.title:
        return set(), set(), set()
    trusted = page_affixes(page.title, declared)
    seen = set(trusted)
    for heading in headings_shown:
        for key in page_affixes(page.title, [heading]):
            seen.add(key)
            if len(key.split()) <= len(_WORD.findall(heading)):
                trusted.add(key)
    return trusted, seen, title_segments(page.title)


def known_affixes(profile: SiteProfile | None, trusted: set[str], site_name: str) -> list[str]:
    """Affixes to cut: this page's trusted ones, the site's learned ones, its declared name."""
    keys = sorted(trusted, key=lambda k: (-len(k), k))  # longest first, then by name
    if profile is not None:
        keys += [k for k in profile.learned_affixes() if k not in keys]
    if site_name:
        name = words_key(site_name)
        keys += [f"suffix:{name}", f"prefix:{name}"]
    return keys
